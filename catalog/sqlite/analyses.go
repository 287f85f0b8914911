package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/annals/annals/catalog"
)

// SaveFileAnalysis stores an analysis, replacing one of the same bytes.
func (s *Store) SaveFileAnalysis(ctx context.Context, a *catalog.FileAnalysis) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO file_analyses (sha256, state, pages, reason, thumbnail, analyzed)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (sha256) DO UPDATE SET state = excluded.state, pages = excluded.pages, reason = excluded.reason,
			thumbnail = excluded.thumbnail, analyzed = excluded.analyzed`,
		a.SHA256, a.State, a.Pages, a.Reason, a.Thumbnail, formatTime(a.Analyzed))
	return err
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
		rows, err := s.read.QueryContext(ctx, `SELECT sha256, state, pages, reason, analyzed FROM file_analyses
			WHERE sha256 IN (?`+strings.Repeat(", ?", len(part)-1)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var a catalog.FileAnalysis
			var analyzed string
			if err := rows.Scan(&a.SHA256, &a.State, &a.Pages, &a.Reason, &analyzed); err != nil {
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
	err := s.read.QueryRowContext(ctx, `SELECT thumbnail FROM file_analyses WHERE sha256 = ?`, sha256).Scan(&png)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && len(png) == 0) {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "There is no image of this file (yet).")
	}
	return png, err
}

// FollowerRevision is where a follower of the change log has come to.
func (s *Store) FollowerRevision(ctx context.Context, follower string) (int64, error) {
	var rev int64
	err := s.read.QueryRowContext(ctx, `SELECT revision FROM followers WHERE name = ?`, follower).Scan(&rev)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return rev, err
}

// SetFollowerRevision records where a follower has come to.
func (s *Store) SetFollowerRevision(ctx context.Context, follower string, revision int64) error {
	_, err := s.write.ExecContext(ctx, `INSERT INTO followers (name, revision) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET revision = excluded.revision`, follower, revision)
	return err
}
