package postgres

import (
	"context"

	"github.com/annals/annals/catalog"
)

var _ catalog.NodeRegistry = (*Store)(nil)

// ReportNode records what a node says about itself, seen now.
func (s *Store) ReportNode(ctx context.Context, r catalog.NodeReport) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO nodes (name, url, version, revision, started, seen)
		VALUES ($1, $2, $3, $4, $5, clock_timestamp())
		ON CONFLICT (name) DO UPDATE SET url = $2, version = $3, revision = $4, started = $5, seen = clock_timestamp()`,
		r.Name, r.URL, r.Version, r.Revision, r.Started.UTC())
	return err
}

// FindNodes lists the nodes that reported, the most recently seen first.
func (s *Store) FindNodes(ctx context.Context) ([]catalog.NodeReport, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, url, version, revision, started, seen FROM nodes ORDER BY seen DESC, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []catalog.NodeReport
	for rows.Next() {
		var r catalog.NodeReport
		if err := rows.Scan(&r.Name, &r.URL, &r.Version, &r.Revision, &r.Started, &r.Seen); err != nil {
			return nil, err
		}
		r.Started, r.Seen = r.Started.UTC(), r.Seen.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
