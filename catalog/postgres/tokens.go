package postgres

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
)

// tokenTouchInterval limits how often a token's last use is written, so
// that authenticated reads do not each cost a write.
const tokenTouchInterval = time.Minute

// CreateToken stores a token with the hash of its secret.
func (s *Store) CreateToken(ctx context.Context, tok *catalog.Token, hash []byte) error {
	tok.Name = strings.TrimSpace(tok.Name)
	if err := catalog.ValidateToken(tok); err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *txn) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tokens WHERE name = ?`, tok.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &catalog.Error{Code: catalog.ECONFLICT, Message: "A token with this name exists.",
				Fields: []catalog.FieldError{{Field: "name", Message: "is taken; token names are unique so that the history says who did what"}}}
		}
		tok.ID = catalog.NewID("token", tok.Name)
		tok.Created = s.stamp()
		_, err := tx.exec(ctx, `INSERT INTO tokens (id, name, role, hash, created) VALUES (?, ?, ?, ?, ?)`,
			tok.ID, tok.Name, string(tok.Role), hash, formatTime(tok.Created))
		return err
	})
}

func scanToken(scan func(...any) error) (*catalog.Token, error) {
	var t catalog.Token
	var created string
	var lastUsed, revoked sql.NullString
	if err := scan(&t.ID, &t.Name, &t.Role, &created, &lastUsed, &revoked); err != nil {
		return nil, err
	}
	t.Created = parseTime(created)
	if lastUsed.Valid {
		lu := parseTime(lastUsed.String)
		t.LastUsed = &lu
	}
	if revoked.Valid {
		rv := parseTime(revoked.String)
		t.Revoked = &rv
	}
	return &t, nil
}

const tokenColumns = `id, name, role, created, last_used, revoked`

// FindTokenByHash returns the live token with this secret hash.
func (s *Store) FindTokenByHash(ctx context.Context, hash []byte) (*catalog.Token, error) {
	row := s.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = ? AND revoked IS NULL`, hash)
	t, err := scanToken(row.Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "The token is not known or was revoked.")
	}
	if err != nil {
		return nil, err
	}
	now := s.stamp()
	if t.LastUsed == nil || now.Sub(*t.LastUsed) > tokenTouchInterval {
		if _, err := s.exec(ctx, `UPDATE tokens SET last_used = ? WHERE id = ?`, formatTime(now), t.ID); err != nil {
			return nil, err
		}
		t.LastUsed = &now
	}
	return t, nil
}

// FindTokens lists every token, newest first.
func (s *Store) FindTokens(ctx context.Context) ([]catalog.Token, error) {
	return queryAll(ctx, s, scanToken, `SELECT `+tokenColumns+` FROM tokens ORDER BY created DESC`)
}

// RevokeToken revokes a token; it stops working at once.
func (s *Store) RevokeToken(ctx context.Context, id string) error {
	res, err := s.exec(ctx, `UPDATE tokens SET revoked = ? WHERE id = ? AND revoked IS NULL`, formatTime(s.stamp()), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return catalog.Errorf(catalog.ENOTFOUND, "There is no live token %q.", id)
	}
	return nil
}

// CreateWebSession stores a new session of a live token.
func (s *Store) CreateWebSession(ctx context.Context, sess *catalog.WebSession) error {
	return s.writeTx(ctx, func(t *txn) error {
		var n int
		if err := t.QueryRowContext(ctx, `SELECT count(*) FROM tokens WHERE id = ? AND revoked IS NULL`, sess.TokenID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return catalog.Errorf(catalog.EINVALID, "The token %q is not live.", sess.TokenID)
		}
		_, err := t.exec(ctx, `INSERT INTO sessions (id, token_id, created, expires) VALUES (?, ?, ?, ?)`,
			sess.ID, sess.TokenID, formatTime(sess.Created), formatTime(sess.Expires))
		return err
	})
}

// FindWebSession returns a live session and its live token.
func (s *Store) FindWebSession(ctx context.Context, id string) (*catalog.WebSession, *catalog.Token, error) {
	var sess catalog.WebSession
	var created, expires string
	row := s.QueryRowContext(ctx, `SELECT s.id, s.token_id, s.created, s.expires,
		t.id, t.name, t.role, t.created, t.last_used, t.revoked
		FROM sessions s JOIN tokens t ON t.id = s.token_id
		WHERE s.id = ? AND s.ended IS NULL AND s.expires > ? AND t.revoked IS NULL`, id, formatTime(s.stamp()))
	tok, err := scanToken(func(dest ...any) error {
		return row.Scan(append([]any{&sess.ID, &sess.TokenID, &created, &expires}, dest...)...)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, catalog.Errorf(catalog.ENOTFOUND, "The session has ended; sign in again.")
	}
	if err != nil {
		return nil, nil, err
	}
	sess.Created, sess.Expires = parseTime(created), parseTime(expires)
	return &sess, tok, nil
}

// EndWebSession ends a session, and removes sessions expired a day ago.
func (s *Store) EndWebSession(ctx context.Context, id string) error {
	now := s.stamp()
	return s.writeTx(ctx, func(t *txn) error {
		if _, err := t.exec(ctx, `UPDATE sessions SET ended = ? WHERE id = ? AND ended IS NULL`, formatTime(now), id); err != nil {
			return err
		}
		_, err := t.exec(ctx, `DELETE FROM sessions WHERE expires < ?`, formatTime(now.Add(-24*time.Hour)))
		return err
	})
}
