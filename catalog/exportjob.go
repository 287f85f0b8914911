package catalog

import (
	"context"
	"encoding/json"
	"time"
)

// JobStatus is where an export job is.
type JobStatus string

// Statuses of an export job.
const (
	JobQueued  JobStatus = "queued"
	JobRunning JobStatus = "running"
	JobDone    JobStatus = "done"
	JobFailed  JobStatus = "failed"
	// JobExpired is a finished job whose file has been removed.
	JobExpired JobStatus = "expired"
)

// ExportJob is a proceedings PDF or a bundle being made in the
// background.
type ExportJob struct {
	ID     string    `json:"id"`
	Kind   string    `json:"kind"` // proceedings or bundle
	Status JobStatus `json:"status"`
	// Request is what was asked for, with a search resolved to record IDs.
	Request  json.RawMessage `json:"request"`
	Progress JobProgress     `json:"progress"`
	// Error says why a failed job failed; Warnings what a finished one
	// left out and why.
	Error    string   `json:"error,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
	// File is the finished file's name in the exports directory.
	File     string     `json:"-"`
	Size     int64      `json:"size,omitempty"`
	Actor    string     `json:"requested_by,omitempty"`
	Created  time.Time  `json:"created"`
	Started  *time.Time `json:"started,omitempty"`
	Finished *time.Time `json:"finished,omitempty"`
	// Expires is when a finished file is removed.
	Expires *time.Time `json:"expires,omitempty"`
	// Node is the node running (or that ran) the job; Beat when it last
	// said it was still running it. A running job whose beat is old
	// belongs to a node that died, and another claims it.
	Node string     `json:"-"`
	Beat *time.Time `json:"-"`
}

// JobProgress counts the entries rendered.
type JobProgress struct {
	Done  int `json:"done"`
	Total int `json:"total"`
}

// ExportJobStore keeps export jobs, so that a restart does not lose them.
type ExportJobStore interface {
	// CreateExportJob stores a new job, filling its ID and Created.
	CreateExportJob(ctx context.Context, j *ExportJob) error
	// UpdateExportJob writes a job's status, progress, error, file and
	// times. ENOTFOUND.
	UpdateExportJob(ctx context.Context, j *ExportJob) error
	// FindExportJobByID returns a job. ENOTFOUND.
	FindExportJobByID(ctx context.Context, id string) (*ExportJob, error)
	// FindExportJobs lists the jobs in these statuses (all when none),
	// oldest first.
	FindExportJobs(ctx context.Context, statuses ...JobStatus) ([]ExportJob, error)
	// ClaimExportJob gives node the oldest job waiting — queued, or
	// running with no beat since staleBefore (its node died) — marking it
	// running by node with a beat now; nil when there is none. Two
	// claimers, on any nodes, never get the same job.
	ClaimExportJob(ctx context.Context, node string, staleBefore time.Time) (*ExportJob, error)
	// BeatExportJob says that node is still running the job. ENOTFOUND if
	// the job is not running on node (another claimed it).
	BeatExportJob(ctx context.Context, id, node string) error
}

// NewJobID makes an export job's ID: hard to guess, since the ID is what
// reaches the file.
func NewJobID() string { return "export-" + randomSuffix(20) }
