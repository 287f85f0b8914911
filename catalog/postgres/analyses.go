package postgres

import (
	"bytes"
	"compress/flate"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/annals/annals/catalog"
)

// SaveFileAnalysis stores an analysis and notes it in the change log.
func (s *Store) SaveFileAnalysis(ctx context.Context, a *catalog.FileAnalysis) error {
	return s.writeTx(ctx, func(t *txn) error {
		if _, err := t.exec(ctx, `INSERT INTO file_analyses (sha256, state, pages, reason, thumbnail, text_state, characters, language, analyzed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (sha256) DO UPDATE SET state = excluded.state, pages = excluded.pages, reason = excluded.reason,
			thumbnail = excluded.thumbnail, text_state = excluded.text_state, characters = excluded.characters, language = excluded.language, analyzed = excluded.analyzed`,
			a.SHA256, a.State, a.Pages, a.Reason, a.Thumbnail, a.TextState, a.Characters, a.Language, formatTime(a.Analyzed)); err != nil {
			return err
		}
		doc, _ := json.Marshal(map[string]any{"state": a.State, "text_state": a.TextState, "pages": a.Pages})
		_, err := t.insertChange(ctx, catalog.EntityFile, a.SHA256, catalog.OpAnalyzed, formatTime(s.stamp()), "annals", 0, doc)
		return err
	})
}

// FindFileAnalyses returns the analyses of the given bytes that exist.
func (s *Store) FindFileAnalyses(ctx context.Context, sha256s []string) (map[string]catalog.FileAnalysis, error) {
	out := map[string]catalog.FileAnalysis{}
	const chunk = 500 // well under SQLite's limit of bound parameters
	for start := 0; start < len(sha256s); start += chunk {
		part := sha256s[start:min(start+chunk, len(sha256s))]
		args := make([]any, len(part))
		for i, h := range part {
			args[i] = h
		}
		rows, err := s.query(ctx, `SELECT sha256, state, pages, reason, text_state, characters, language, analyzed FROM file_analyses
			WHERE sha256 IN (?`+strings.Repeat(", ?", len(part)-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var a catalog.FileAnalysis
			var analyzed string
			if err := rows.Scan(&a.SHA256, &a.State, &a.Pages, &a.Reason, &a.TextState, &a.Characters, &a.Language, &analyzed); err != nil {
				rows.Close()
				return nil, err
			}
			a.Analyzed = parseTime(analyzed)
			out[a.SHA256] = a
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FindFileThumbnail returns the first-page image of a PDF.
func (s *Store) FindFileThumbnail(ctx context.Context, sha256 string) ([]byte, error) {
	var png []byte
	err := s.QueryRowContext(ctx, `SELECT thumbnail FROM file_analyses WHERE sha256 = ?`, sha256).Scan(&png)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && len(png) == 0) {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "There is no image of this file (yet).")
	}
	return png, err
}

// FollowerRevision is where a follower of the change log has come to.
func (s *Store) FollowerRevision(ctx context.Context, follower string) (int64, error) {
	var rev int64
	err := s.QueryRowContext(ctx, `SELECT revision FROM followers WHERE name = ?`, follower).Scan(&rev)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return rev, err
}

// SetFollowerRevision records where a follower has come to.
func (s *Store) SetFollowerRevision(ctx context.Context, follower string, revision int64) error {
	_, err := s.exec(ctx, `INSERT INTO followers (name, revision) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET revision = excluded.revision`, follower, revision)
	return err
}

// SaveFilePages stores pages' text, compressed, in one transaction.
func (s *Store) SaveFilePages(ctx context.Context, sha256 string, first int, texts []string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var buf bytes.Buffer
	zw, _ := flate.NewWriter(&buf, flate.BestSpeed)
	for i, text := range texts {
		buf.Reset()
		zw.Reset(&buf)
		zw.Write([]byte(text))
		if err := zw.Close(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO file_pages (sha256, page, text) VALUES ($1, $2, $3)
			ON CONFLICT (sha256, page) DO UPDATE SET text = excluded.text`,
			sha256, first+i, buf.Bytes()); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// EachFilePage reads the pages of a file's text in order, a few hundred
// rows at a time.
func (s *Store) EachFilePage(ctx context.Context, sha256 string, fn func(page int, text string) error) error {
	after := 0
	for {
		rows, err := s.query(ctx, `SELECT page, text FROM file_pages WHERE sha256 = ? AND page > ? ORDER BY page LIMIT 200`, sha256, after)
		if err != nil {
			return err
		}
		type page struct {
			n    int
			text string
		}
		var batch []page
		for rows.Next() {
			var p page
			var z []byte
			if err := rows.Scan(&p.n, &z); err != nil {
				rows.Close()
				return err
			}
			text, err := io.ReadAll(flate.NewReader(bytes.NewReader(z)))
			if err != nil {
				rows.Close()
				return fmt.Errorf("postgres: page %d of %s: %w", p.n, sha256, err)
			}
			p.text = string(text)
			batch = append(batch, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, p := range batch {
			if err := fn(p.n, p.text); err != nil {
				return err
			}
			after = p.n
		}
		if len(batch) < 200 {
			return nil
		}
	}
}

// FindRecordsNamingFile returns the live records whose current version has
// a file of the given bytes.
func (s *Store) FindRecordsNamingFile(ctx context.Context, sha256 string) ([]catalog.Record, error) {
	rows, err := s.query(ctx, `SELECT DISTINCT r.id FROM records r JOIN changes c ON c.revision = r.rev
		WHERE r.deleted IS NULL AND jsonb_typeof(c.doc::jsonb -> 'files') = 'array'
		AND EXISTS (SELECT 1 FROM jsonb_array_elements(c.doc::jsonb -> 'files') f WHERE f ->> 'sha256' = ?)`, sha256)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return nil, err
	}
	return s.FindRecordsByIDs(ctx, ids)
}

// FindFilePage returns the text of one page.
func (s *Store) FindFilePage(ctx context.Context, sha256 string, page int) (string, error) {
	var z []byte
	err := s.QueryRowContext(ctx, `SELECT text FROM file_pages WHERE sha256 = ? AND page = ?`, sha256, page).Scan(&z)
	if errors.Is(err, sql.ErrNoRows) {
		return "", catalog.Errorf(catalog.ENOTFOUND, "There is no page %d of that file's text.", page)
	}
	if err != nil {
		return "", err
	}
	text, err := io.ReadAll(flate.NewReader(bytes.NewReader(z)))
	return string(text), err
}
