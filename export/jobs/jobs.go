// Package jobs makes proceedings PDFs and bundles in the background: a
// request is stored as a queued job at once; workers on any node claim
// jobs from the store (each job once), render them with their progress in
// the store and beat while they do, so that a job whose node died is
// claimed by another; the file is written under a temporary name and
// renamed when complete (or kept in the shared blob store, for several
// nodes); finished files are removed after a while.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/annals/annals/catalog/i18n"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/export/csl"
	"github.com/annals/annals/export/proceedings"
	"github.com/annals/annals/export/stamp"
	"github.com/annals/annals/export/typeset"
)

// Request is what staff ask for (the body of POST /api/v1/exports).
type Request struct {
	Kind          string   `json:"kind"`
	Event         string   `json:"event,omitempty"`
	Session       string   `json:"session,omitempty"`
	Q             string   `json:"q,omitempty"`
	IDs           []string `json:"ids,omitempty"`
	Style         string   `json:"style,omitempty"`
	Locale        string   `json:"locale,omitempty"`
	Title         string   `json:"title,omitempty"`
	IncludeDrafts bool     `json:"include_drafts,omitempty"`
	// Originals: a bundle holds the untouched PDFs beside their
	// citation-ready copies.
	Originals bool `json:"originals,omitempty"`
	// OnePerPage starts every entry of the PDF on a page of its own.
	OnePerPage bool `json:"one_per_page,omitempty"`
	// FullPapers puts each record's full paper (its open PDF) after its
	// entry in the PDF.
	FullPapers bool `json:"full_papers,omitempty"`
}

// Kinds of export.
const (
	KindProceedings = "proceedings"
	KindBundle      = "bundle"
)

// Catalog is what a runner reads from the catalogue.
type Catalog = proceedings.Source

// Config is what a runner needs.
type Config struct {
	// Catalog holds the records and events exported; Jobs keeps the jobs.
	Catalog Catalog
	Jobs    catalog.ExportJobStore
	Dir     string // where finished files are kept
	Styles  *csl.Library
	Fonts   *typeset.Set
	Words   *i18n.Words // the PDFs' own words
	// Blobs, when set, holds the bytes of records' files: bundles then
	// carry the records' open files.
	Blobs catalog.Blobs
	// Stamper, when set, makes the citation-ready copies of the PDFs a
	// bundle holds; BaseURL is the site's address, for the records'.
	Stamper *stamp.Stamper
	BaseURL string
	// Search resolves a query to record IDs, best first; nil when there is
	// no index (requests with q are then refused).
	Search func(ctx context.Context, q string, includeDrafts bool) ([]string, error)
	// Workers is how many jobs run at once (default 1); Queue how many may
	// wait (default 100); Keep how long finished files are kept (default
	// 24 hours).
	Workers int
	Queue   int
	Keep    time.Duration
	Logger  *slog.Logger
	Now     func() time.Time
	// Node names this runner among the nodes sharing the job store (a
	// random name when empty); a runner that starts again under its name
	// takes its interrupted jobs back at once. StaleAfter is how long a
	// running job may go without a beat before another node claims it
	// (default 2 minutes); Poll how often idle workers look for jobs
	// other nodes queued (default 2 s).
	Node       string
	StaleAfter time.Duration
	Poll       time.Duration
	// Shared, when set, keeps finished files (by their SHA-256) where
	// every node can serve them, instead of in Dir.
	Shared catalog.Blobs
}

// Runner runs export jobs.
type Runner struct {
	cfg  Config
	wake chan struct{} // a job was queued here
	// renderFile makes a job's file (render; a test may put a failing one).
	renderFile func(ctx context.Context, j *catalog.ExportJob, path string) (int64, error)
	// progressEvery limits how often progress is written to the store.
	progressEvery time.Duration

	publicMu sync.Mutex // makes published proceedings one at a time (public.go)
}

// New makes a runner; Run starts it.
func New(cfg Config) (*Runner, error) {
	if cfg.Workers <= 0 {
		cfg.Workers = 1
	}
	if cfg.Queue <= 0 {
		cfg.Queue = 100
	}
	if cfg.Keep <= 0 {
		cfg.Keep = 24 * time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Node == "" {
		cfg.Node = "node-" + strings.TrimPrefix(catalog.NewJobID(), "export-")[:12]
	}
	if cfg.StaleAfter <= 0 {
		cfg.StaleAfter = 2 * time.Minute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 2 * time.Second
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, err
	}
	r := &Runner{cfg: cfg, wake: make(chan struct{}, 1), progressEvery: 250 * time.Millisecond}
	r.renderFile = r.render
	return r, nil
}

var localeRe = regexp.MustCompile(`^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$`)

// invalid is a 422 naming one field.
func invalid(field, msg string) error {
	return &catalog.Error{Code: catalog.EINVALID, Message: "The export request is not valid.",
		Fields: []catalog.FieldError{{Field: field, Message: msg}}}
}

// check validates a request and fills its defaults; a query is resolved to
// record IDs here, so that the job holds what was asked for then.
func (r *Runner) check(ctx context.Context, req *Request) error {
	if req.Kind != KindProceedings && req.Kind != KindBundle {
		return invalid("kind", fmt.Sprintf("%q is not a kind of export; use proceedings (a PDF) or bundle (a ZIP)", req.Kind))
	}
	if req.FullPapers && (r.cfg.Stamper == nil || r.cfg.Blobs == nil) {
		return invalid("full_papers", "this server keeps no files to put in the book")
	}
	if req.Originals && req.Kind != KindBundle {
		return invalid("originals", "originals go in bundles only")
	}
	given := 0
	for _, set := range []bool{req.Event != "", req.Q != "", len(req.IDs) > 0} {
		if set {
			given++
		}
	}
	if given != 1 {
		return invalid("event", "give exactly one of event, q and ids")
	}
	if req.Session != "" && req.Event == "" {
		return invalid("session", "a session needs its event")
	}
	if len(req.IDs) > 10000 || len(req.Title) > 500 {
		return invalid("ids", "at most 10,000 records and a title of at most 500 bytes")
	}
	if req.Style == "" {
		req.Style = "apa"
	}
	if req.Locale != "" && !localeRe.MatchString(req.Locale) {
		return invalid("locale", fmt.Sprintf("%q is not a language tag such as en-US, ru-RU or zh-CN", req.Locale))
	}
	if _, err := r.cfg.Styles.Processor(req.Style, req.Locale); errors.Is(err, csl.ErrNoStyle) {
		return invalid("style", fmt.Sprintf("%q is not a style here; GET /api/v1/styles lists them", req.Style))
	} else if err != nil {
		return err
	}
	if strings.ContainsFunc(req.Title, unicode.IsControl) {
		return invalid("title", "has a control character (such as NUL or a line break); give the title on one line")
	}
	if err := r.cfg.Fonts.Check(req.Title); err != nil {
		return invalid("title", err.Error())
	}
	if len(req.IDs) > 0 {
		if err := r.checkIDs(ctx, req.IDs); err != nil {
			return err
		}
	}
	if req.Event != "" {
		ev, err := r.cfg.Catalog.FindEventByID(ctx, req.Event)
		if err != nil {
			return invalid("event", fmt.Sprintf("there is no event %q", req.Event))
		}
		if _, ok := ev.FindSession(req.Session); req.Session != "" && !ok {
			return invalid("session", fmt.Sprintf("%q is not a session of %s", req.Session, ev.ID))
		}
	}
	if req.Q != "" {
		if r.cfg.Search == nil {
			return &catalog.Error{Code: catalog.EUNAVAILABLE, Message: "Search is not available, so q cannot be used; give event or ids."}
		}
		ids, err := r.cfg.Search(ctx, req.Q, req.IncludeDrafts)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return invalid("q", fmt.Sprintf("%q matches no records", req.Q))
		}
		req.IDs = ids
	}
	return nil
}

// checkIDs refuses ids that are not records of the catalogue now, naming
// the first few: a job for them could only fail later.
func (r *Runner) checkIDs(ctx context.Context, ids []string) error {
	var bad []string
	for _, id := range ids {
		if !catalog.ValidID(id) {
			bad = append(bad, fmt.Sprintf("%q", id))
		}
	}
	if len(bad) == 0 {
		found, err := r.cfg.Catalog.FindRecordsByIDs(ctx, ids)
		if err != nil {
			return err
		}
		have := make(map[string]bool, len(found))
		for _, rec := range found {
			have[rec.ID] = true
		}
		for _, id := range ids {
			if !have[id] {
				bad = append(bad, id)
			}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	shown := bad[:min(len(bad), 5)]
	more := ""
	if len(bad) > len(shown) {
		more = fmt.Sprintf(" and %d more", len(bad)-len(shown))
	}
	return invalid("ids", fmt.Sprintf("%s%s: not records of this catalogue (never there, or deleted)", strings.Join(shown, ", "), more))
}

// Submit checks a request and queues it as a job, for a worker of any
// node to claim.
func (r *Runner) Submit(ctx context.Context, req Request, actor string) (*catalog.ExportJob, error) {
	if err := r.check(ctx, &req); err != nil {
		return nil, err
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	waiting, err := r.cfg.Jobs.FindExportJobs(ctx, catalog.JobQueued)
	if err != nil {
		return nil, err
	}
	if len(waiting) >= r.cfg.Queue {
		return nil, &catalog.Error{Code: catalog.EUNAVAILABLE, Message: fmt.Sprintf("%d exports are waiting already; try again later.", len(waiting))}
	}
	j := &catalog.ExportJob{Kind: req.Kind, Status: catalog.JobQueued, Request: body, Actor: actor}
	if err := r.cfg.Jobs.CreateExportJob(ctx, j); err != nil {
		return nil, err
	}
	select {
	case r.wake <- struct{}{}:
	default: // a worker is being woken already
	}
	return j, nil
}

// Run takes back the jobs this node was running when it stopped, then
// runs jobs and removes expired files until ctx is done.
func (r *Runner) Run(ctx context.Context) error {
	if err := r.recover(ctx); err != nil {
		return err
	}
	var wg sync.WaitGroup
	for range r.cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.work(ctx)
		}()
	}
	ticker := time.NewTicker(time.Minute)
	defer ticker.Stop()
	r.expire(ctx)
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return nil
		case <-ticker.C:
			r.expire(ctx)
		}
	}
}

// recover queues again the jobs this node was running when it stopped
// (they run from the start), and removes their partial files.
func (r *Runner) recover(ctx context.Context) error {
	jobs, err := r.cfg.Jobs.FindExportJobs(ctx, catalog.JobRunning)
	if err != nil {
		return err
	}
	for i := range jobs {
		if j := &jobs[i]; j.Node == r.cfg.Node {
			r.requeue(ctx, j)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(r.cfg.Dir, ".export-*.tmp"))
	for _, f := range leftovers {
		os.Remove(f)
	}
	return nil
}

// requeue puts a job back to wait, for any node to run from the start.
func (r *Runner) requeue(ctx context.Context, j *catalog.ExportJob) {
	j.Status, j.Node, j.Started, j.Progress, j.Warnings = catalog.JobQueued, "", nil, catalog.JobProgress{}, nil
	if err := r.cfg.Jobs.UpdateExportJob(context.WithoutCancel(ctx), j); err != nil {
		r.cfg.Logger.Error("export job", "id", j.ID, "error", err)
	}
}

// work claims jobs and runs them one at a time; when there is none it
// waits for one queued here, or looks again after the poll interval.
func (r *Runner) work(ctx context.Context) {
	ticker := time.NewTicker(r.cfg.Poll)
	defer ticker.Stop()
	for ctx.Err() == nil {
		j, err := r.cfg.Jobs.ClaimExportJob(ctx, r.cfg.Node, r.cfg.Now().Add(-r.cfg.StaleAfter))
		if err != nil && ctx.Err() == nil {
			r.cfg.Logger.Error("claiming an export job", "error", err)
		}
		if j != nil {
			r.execute(ctx, j)
			continue
		}
		select {
		case <-ctx.Done():
		case <-r.wake:
		case <-ticker.C:
		}
	}
}

// FindJob returns a job. ENOTFOUND.
func (r *Runner) FindJob(ctx context.Context, id string) (*catalog.ExportJob, error) {
	return r.cfg.Jobs.FindExportJobByID(ctx, id)
}

// sharedPrefix marks a finished file kept in the shared blobs.
const sharedPrefix = "blob:"

// Path is where a job's finished file is, when it is kept in Dir.
func (r *Runner) Path(j *catalog.ExportJob) string {
	return filepath.Join(r.cfg.Dir, filepath.Base(j.File))
}

// OpenFile opens a finished job's file, wherever it is kept. EGONE when it
// is no longer there.
func (r *Runner) OpenFile(ctx context.Context, j *catalog.ExportJob) (io.ReadSeekCloser, error) {
	gone := catalog.Errorf(catalog.EGONE, "The export's file is no longer there; ask for it again.")
	if sha, ok := strings.CutPrefix(j.File, sharedPrefix); ok {
		if r.cfg.Shared == nil {
			return nil, gone
		}
		f, err := r.cfg.Shared.Open(ctx, sha)
		if catalog.ErrorCode(err) == catalog.ENOTFOUND {
			return nil, gone
		}
		return f, err
	}
	f, err := os.Open(r.Path(j))
	if err != nil {
		return nil, gone
	}
	return f, nil
}

func (r *Runner) tempPath(j *catalog.ExportJob) string {
	return filepath.Join(r.cfg.Dir, "."+j.ID+".tmp")
}

// fail records why a job failed.
func (r *Runner) fail(ctx context.Context, j *catalog.ExportJob, why string) {
	now := r.cfg.Now().UTC()
	j.Status, j.Error, j.Finished = catalog.JobFailed, why, &now
	if err := r.cfg.Jobs.UpdateExportJob(context.WithoutCancel(ctx), j); err != nil {
		r.cfg.Logger.Error("export job", "id", j.ID, "error", err)
	}
	r.cfg.Logger.Warn("export failed", "id", j.ID, "why", why)
}

// expire removes the files of jobs past their time.
func (r *Runner) expire(ctx context.Context) {
	jobs, err := r.cfg.Jobs.FindExportJobs(ctx, catalog.JobDone)
	if err != nil {
		return
	}
	now := r.cfg.Now()
	for i := range jobs {
		j := &jobs[i]
		if j.Expires == nil || now.Before(*j.Expires) {
			continue
		}
		if err := r.removeFile(ctx, j, jobs); err != nil {
			r.cfg.Logger.Error("removing an expired export", "id", j.ID, "error", err)
			continue
		}
		j.Status = catalog.JobExpired
		r.cfg.Jobs.UpdateExportJob(ctx, j)
	}
}

// removeFile removes an expired job's file; one kept in the shared blobs
// stays while another finished job has the same bytes.
func (r *Runner) removeFile(ctx context.Context, j *catalog.ExportJob, done []catalog.ExportJob) error {
	sha, shared := strings.CutPrefix(j.File, sharedPrefix)
	if !shared {
		if err := os.Remove(r.Path(j)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	for _, other := range done {
		if other.ID != j.ID && other.File == j.File && other.Status == catalog.JobDone &&
			(other.Expires == nil || r.cfg.Now().Before(*other.Expires)) {
			return nil
		}
	}
	if r.cfg.Shared == nil {
		return nil
	}
	return r.cfg.Shared.Delete(ctx, sha)
}

// FileName is a name to offer the download under: the event or the first
// words of the title, and the kind.
func FileName(j *catalog.ExportJob) string {
	var req Request
	json.Unmarshal(j.Request, &req)
	base := req.Event
	if req.Session != "" {
		base += "-" + req.Session
	}
	if base == "" {
		base = "selection"
	}
	ext := ".pdf"
	if j.Kind == KindBundle {
		ext = ".zip"
	}
	return strings.Trim(regexp.MustCompile(`[^A-Za-z0-9._-]+`).ReplaceAllString(base, "-"), "-") + "-" + j.Kind + ext
}
