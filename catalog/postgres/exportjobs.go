package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
)

const jobColumns = `id, kind, status, request, done, total, error, file, size, actor, created, started, finished, expires, warnings, node, beat`

// CreateExportJob stores a new export job.
func (s *Store) CreateExportJob(ctx context.Context, j *catalog.ExportJob) error {
	j.ID = catalog.NewJobID()
	j.Created = s.stamp()
	_, err := s.exec(ctx, `INSERT INTO export_jobs (`+jobColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		j.ID, j.Kind, string(j.Status), string(j.Request), j.Progress.Done, j.Progress.Total, j.Error, j.File, j.Size,
		j.Actor, formatTime(j.Created), nullTime(j.Started), nullTime(j.Finished), nullTime(j.Expires), warningsJSON(j.Warnings), j.Node, nullTime(j.Beat))
	return err
}

// UpdateExportJob writes what changes as a job runs; a running job's
// update is also its beat.
func (s *Store) UpdateExportJob(ctx context.Context, j *catalog.ExportJob) error {
	res, err := s.exec(ctx, `UPDATE export_jobs SET status = ?, done = ?, total = ?, error = ?, file = ?, size = ?,
		started = ?, finished = ?, expires = ?, warnings = ?, node = ?,
		beat = CASE WHEN CAST(? AS TEXT) = 'running' THEN ? ELSE beat END WHERE id = ?`,
		string(j.Status), j.Progress.Done, j.Progress.Total, j.Error, j.File, j.Size,
		nullTime(j.Started), nullTime(j.Finished), nullTime(j.Expires), warningsJSON(j.Warnings), j.Node,
		string(j.Status), formatTime(s.stamp()), j.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return catalog.Errorf(catalog.ENOTFOUND, "There is no export %q.", j.ID)
	}
	return nil
}

// FindExportJobByID returns one job.
func (s *Store) FindExportJobByID(ctx context.Context, id string) (*catalog.ExportJob, error) {
	j, err := scanJob(s.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM export_jobs WHERE id = ?`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "There is no export %q.", id)
	}
	return j, err
}

// FindExportJobs lists jobs by status, oldest first.
func (s *Store) FindExportJobs(ctx context.Context, statuses ...catalog.JobStatus) ([]catalog.ExportJob, error) {
	query := `SELECT ` + jobColumns + ` FROM export_jobs`
	var args []any
	if len(statuses) > 0 {
		query += ` WHERE status IN (?` + strings.Repeat(", ?", len(statuses)-1) + `)`
		for _, st := range statuses {
			args = append(args, string(st))
		}
	}
	return queryAll(ctx, s, scanJob, query+` ORDER BY created, id`, args...)
}

// ClaimExportJob gives node the oldest waiting job: the row is locked by
// the claim, and other nodes' claims skip it (FOR UPDATE SKIP LOCKED).
func (s *Store) ClaimExportJob(ctx context.Context, node string, staleBefore time.Time) (*catalog.ExportJob, error) {
	now := formatTime(s.stamp())
	j, err := scanJob(s.QueryRowContext(ctx, `UPDATE export_jobs SET status = 'running', node = ?, beat = ?
		WHERE id = (SELECT id FROM export_jobs WHERE status = 'queued' OR (status = 'running' AND (beat IS NULL OR beat < ?))
			ORDER BY created, id LIMIT 1 FOR UPDATE SKIP LOCKED)
		RETURNING `+jobColumns, node, now, formatTime(staleBefore)).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return j, err
}

// BeatExportJob says node still runs the job.
func (s *Store) BeatExportJob(ctx context.Context, id, node string) error {
	res, err := s.exec(ctx, `UPDATE export_jobs SET beat = ? WHERE id = ? AND node = ? AND status = 'running'`,
		formatTime(s.stamp()), id, node)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return catalog.Errorf(catalog.ENOTFOUND, "The export %q is not running on %s.", id, node)
	}
	return nil
}

func scanJob(scan func(...any) error) (*catalog.ExportJob, error) {
	var j catalog.ExportJob
	var status, request, created, warnings string
	var started, finished, expires, beat sql.NullString
	if err := scan(&j.ID, &j.Kind, &status, &request, &j.Progress.Done, &j.Progress.Total, &j.Error, &j.File, &j.Size,
		&j.Actor, &created, &started, &finished, &expires, &warnings, &j.Node, &beat); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(warnings), &j.Warnings); err != nil {
		return nil, err
	}
	j.Status, j.Request, j.Created = catalog.JobStatus(status), []byte(request), parseTime(created)
	j.Started, j.Finished, j.Expires, j.Beat = timePtr(started), timePtr(finished), timePtr(expires), timePtr(beat)
	return &j, nil
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return formatTime(*t)
}

func timePtr(s sql.NullString) *time.Time {
	if !s.Valid {
		return nil
	}
	t := parseTime(s.String)
	return &t
}

// warningsJSON is a job's warnings as stored: a JSON array.
func warningsJSON(w []string) string {
	if len(w) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(w)
	return string(b)
}
