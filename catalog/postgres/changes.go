package postgres

import (
	"context"
	"database/sql"
	"errors"

	"github.com/annals/annals/catalog"
)

// changeQuery selects changes with the document before (from the entity's
// previous change) and after each.
const changeQuery = `SELECT c.revision, c.entity, c.entity_id, c.op, c.time, c.actor, p.doc, c.doc
	FROM changes c LEFT JOIN changes p ON p.revision = c.prev `

func scanChanges(rows *sql.Rows) ([]catalog.Change, error) {
	defer rows.Close()
	changes := []catalog.Change{}
	for rows.Next() {
		var c catalog.Change
		var at string
		var before, after sql.NullString
		if err := rows.Scan(&c.Revision, &c.Entity, &c.EntityID, &c.Op, &at, &c.Actor, &before, &after); err != nil {
			return nil, err
		}
		c.Time = parseTime(at)
		if before.Valid {
			c.Before = []byte(before.String)
		}
		if after.Valid {
			c.After = []byte(after.String)
		}
		changes = append(changes, c)
	}
	return changes, rows.Err()
}

// FindChanges returns up to limit settled changes after the given
// revision: none of a transaction that may still commit below them.
func (s *Store) FindChanges(ctx context.Context, after int64, limit int) ([]catalog.Change, error) {
	rows, err := s.query(ctx, changeQuery+`WHERE c.revision > ? AND `+settled+` ORDER BY c.revision LIMIT ?`,
		after, s.epoch, limit)
	if err != nil {
		return nil, err
	}
	return scanChanges(rows)
}

// FindEntityHistory returns every change to one record or event, oldest
// first (committed ones, settled or not: history is not followed).
func (s *Store) FindEntityHistory(ctx context.Context, entity, id string) ([]catalog.Change, error) {
	rows, err := s.query(ctx, changeQuery+`WHERE c.entity = ? AND c.entity_id = ? ORDER BY c.revision`, entity, id)
	if err != nil {
		return nil, err
	}
	changes, err := scanChanges(rows)
	if err == nil && len(changes) == 0 {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "There is no %s %q.", entity, id)
	}
	return changes, err
}

// LatestRevision returns the newest settled revision, the one followers
// can come to.
func (s *Store) LatestRevision(ctx context.Context) (int64, error) {
	var rev int64
	err := s.QueryRowContext(ctx, `SELECT c.revision FROM changes c WHERE `+settled+` ORDER BY c.revision DESC LIMIT 1`, s.epoch).Scan(&rev)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return rev, err
}

// FindCurrentRecords returns the current change of up to limit live
// records after position after (a records.seq), in seq order.
func (s *Store) FindCurrentRecords(ctx context.Context, after int64, limit int) ([]catalog.Change, int64, error) {
	rows, err := s.query(ctx, `SELECT r.seq, c.revision, c.entity, c.entity_id, c.op, c.time, c.actor, c.doc
		FROM records r JOIN changes c ON c.revision = r.rev
		WHERE r.deleted IS NULL AND r.seq > ? ORDER BY r.seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, after, err
	}
	defer rows.Close()
	changes := []catalog.Change{}
	last := after
	for rows.Next() {
		var c catalog.Change
		var at, doc string
		if err := rows.Scan(&last, &c.Revision, &c.Entity, &c.EntityID, &c.Op, &at, &c.Actor, &doc); err != nil {
			return nil, after, err
		}
		c.Time, c.After = parseTime(at), []byte(doc)
		changes = append(changes, c)
	}
	return changes, last, rows.Err()
}
