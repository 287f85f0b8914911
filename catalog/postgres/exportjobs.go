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

const jobColumns = `id, kind, status, request, done, total, error, file, size, actor, created, started, finished, expires, warnings`

// CreateExportJob stores a new export job.
func (s *Store) CreateExportJob(ctx context.Context, j *catalog.ExportJob) error {
	j.ID = catalog.NewJobID()
	j.Created = s.stamp()
	_, err := s.exec(ctx, `INSERT INTO export_jobs (`+jobColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		j.ID, j.Kind, string(j.Status), string(j.Request), j.Progress.Done, j.Progress.Total, j.Error, j.File, j.Size,
		j.Actor, formatTime(j.Created), nullTime(j.Started), nullTime(j.Finished), nullTime(j.Expires), warningsJSON(j.Warnings))
	return err
}

// UpdateExportJob writes what changes as a job runs.
func (s *Store) UpdateExportJob(ctx context.Context, j *catalog.ExportJob) error {
	res, err := s.exec(ctx, `UPDATE export_jobs SET status = ?, done = ?, total = ?, error = ?, file = ?, size = ?,
		started = ?, finished = ?, expires = ?, warnings = ? WHERE id = ?`,
		string(j.Status), j.Progress.Done, j.Progress.Total, j.Error, j.File, j.Size,
		nullTime(j.Started), nullTime(j.Finished), nullTime(j.Expires), warningsJSON(j.Warnings), j.ID)
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

func scanJob(scan func(...any) error) (*catalog.ExportJob, error) {
	var j catalog.ExportJob
	var status, request, created, warnings string
	var started, finished, expires sql.NullString
	if err := scan(&j.ID, &j.Kind, &status, &request, &j.Progress.Done, &j.Progress.Total, &j.Error, &j.File, &j.Size,
		&j.Actor, &created, &started, &finished, &expires, &warnings); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(warnings), &j.Warnings); err != nil {
		return nil, err
	}
	j.Status, j.Request, j.Created = catalog.JobStatus(status), []byte(request), parseTime(created)
	j.Started, j.Finished, j.Expires = timePtr(started), timePtr(finished), timePtr(expires)
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
