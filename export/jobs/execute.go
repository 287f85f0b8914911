package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/export/bundle"
	"github.com/annals/annals/export/proceedings"
	"github.com/annals/annals/export/stamp"
)

// renderSafely renders a job, turning a panic in the PDF or ZIP libraries
// into the job's failure, logged with its stack, instead of the end of the
// process.
func (r *Runner) renderSafely(ctx context.Context, j *catalog.ExportJob, tmp string) (size int64, err error) {
	defer func() {
		if p := recover(); p != nil {
			r.cfg.Logger.Error("export job panicked", "id", j.ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			size, err = 0, errors.New("an internal error stopped it (logged); ask again, or tell the administrator if it happens again")
		}
	}()
	return r.renderFile(ctx, j, tmp)
}

// execute renders one job this node claimed. Its file is written under a
// temporary name and renamed (or stored in the shared blobs) when
// complete; a failure removes it and says why on the job. While it runs it
// beats; if another node took the job meanwhile (this one was thought
// dead), it stops and leaves the job to it. A job stopped by the server
// stopping waits again, for this node's restart or another node.
func (r *Runner) execute(ctx context.Context, j *catalog.ExportJob) {
	started := r.cfg.Now().UTC()
	j.Status, j.Started, j.Progress, j.Warnings = catalog.JobRunning, &started, catalog.JobProgress{}, nil
	if err := r.cfg.Jobs.UpdateExportJob(ctx, j); err != nil {
		r.cfg.Logger.Error("export job", "id", j.ID, "error", err)
		return
	}
	jctx, stop := context.WithCancel(ctx)
	lost := make(chan struct{})
	beating := make(chan struct{})
	go func() {
		defer close(beating)
		r.beat(jctx, j.ID, stop, lost)
	}()
	tmp := r.tempPath(j)
	size, err := r.renderSafely(jctx, j, tmp)
	stop()
	<-beating
	select {
	case <-lost:
		os.Remove(tmp)
		r.cfg.Logger.Warn("export taken over by another node", "id", j.ID)
		return
	default:
	}
	if err != nil {
		os.Remove(tmp)
		if ctx.Err() != nil {
			r.requeue(ctx, j)
			return
		}
		r.fail(ctx, j, err.Error())
		return
	}
	if err := r.keep(ctx, j, tmp); err != nil {
		os.Remove(tmp)
		r.fail(ctx, j, err.Error())
		return
	}
	finished := r.cfg.Now().UTC()
	expires := finished.Add(r.cfg.Keep)
	j.Status, j.Size, j.Finished, j.Expires = catalog.JobDone, size, &finished, &expires
	j.Progress.Done = j.Progress.Total
	if err := r.cfg.Jobs.UpdateExportJob(context.WithoutCancel(ctx), j); err != nil {
		r.cfg.Logger.Error("export job", "id", j.ID, "error", err)
	}
	r.cfg.Logger.Info("export done", "id", j.ID, "kind", j.Kind, "bytes", size, "seconds", finished.Sub(started).Seconds())
}

// beat tells the store, every quarter of StaleAfter, that this node still
// runs the job; if the store says another node has it, it closes lost and
// stops the rendering.
func (r *Runner) beat(ctx context.Context, id string, stop context.CancelFunc, lost chan struct{}) {
	ticker := time.NewTicker(r.cfg.StaleAfter / 4)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			err := r.cfg.Jobs.BeatExportJob(ctx, id, r.cfg.Node)
			if catalog.ErrorCode(err) == catalog.ENOTFOUND {
				close(lost)
				stop()
				return
			}
		}
	}
}

// keep puts a finished file where it is served from: renamed into Dir, or
// stored in the shared blobs (j.File is then "blob:" and its SHA-256).
func (r *Runner) keep(ctx context.Context, j *catalog.ExportJob, tmp string) error {
	ext := ".pdf"
	if j.Kind == KindBundle {
		ext = ".zip"
	}
	if r.cfg.Shared == nil {
		j.File = j.ID + ext
		return os.Rename(tmp, r.Path(j))
	}
	f, err := os.Open(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	defer f.Close()
	b, err := r.cfg.Shared.Put(ctx, f, 1<<42, "")
	if err != nil {
		return fmt.Errorf("storing the file: %w", err)
	}
	j.File = sharedPrefix + b.SHA256
	return nil
}

// render writes the job's file to path and returns its size.
func (r *Runner) render(ctx context.Context, j *catalog.ExportJob, path string) (int64, error) {
	var req Request
	if err := json.Unmarshal(j.Request, &req); err != nil {
		return 0, err
	}
	proc, err := r.cfg.Styles.Processor(req.Style, req.Locale)
	if err != nil {
		return 0, err
	}
	sel := proceedings.Selection{Event: req.Event, Session: req.Session, IDs: req.IDs, Title: req.Title, IncludeDrafts: req.IncludeDrafts}
	doc, err := proceedings.Build(ctx, r.cfg.Catalog, sel, proc, r.cfg.Now())
	if err != nil {
		return 0, err
	}
	doc.OnePerPage = req.OnePerPage
	j.Progress = catalog.JobProgress{Total: doc.Entries()}
	if err := r.cfg.Jobs.UpdateExportJob(ctx, j); err != nil {
		return 0, err
	}
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	progress := r.progress(ctx, j)
	renderPDF := func(ctx context.Context, w io.Writer) (proceedings.Stats, error) {
		return proceedings.Render(ctx, w, doc, proceedings.Options{Fonts: r.cfg.Fonts, Words: r.cfg.Words, Progress: progress})
	}
	if req.FullPapers {
		if r.cfg.Stamper == nil {
			return 0, errors.New("full papers need the files and PDFium, which this server does not have")
		}
		renderPDF = func(ctx context.Context, w io.Writer) (proceedings.Stats, error) {
			st, unplaced, err := r.cfg.Stamper.RenderWithPapers(ctx, w, doc, progress)
			for _, u := range unplaced {
				j.Warnings = append(j.Warnings, fmt.Sprintf("%s: the paper %q is not in the book: %s", u.Record, u.File, u.Reason))
			}
			return st, err
		}
	}
	var werr error
	if j.Kind == KindBundle {
		contents := bundle.Contents{Document: doc, Fonts: r.cfg.Fonts, Words: r.cfg.Words, Selection: sel, Style: req.Style,
			Locale: proc.Locale(), Progress: progress, Files: r.cfg.Blobs, Originals: req.Originals, RenderPDF: renderPDF}
		if r.cfg.Stamper != nil {
			contents.Stamp = r.stamp(doc, req.Style)
		}
		var m bundle.Manifest
		m, werr = bundle.Write(ctx, f, contents)
		for _, u := range m.Unstamped {
			j.Warnings = append(j.Warnings, fmt.Sprintf("%s is not stamped: %s", u.Name, u.Reason))
		}
		for _, name := range m.Missing {
			j.Warnings = append(j.Warnings, name+" is missing from the file store (annals check)")
		}
	} else {
		_, werr = renderPDF(ctx, f)
	}
	if werr != nil {
		return 0, werr
	}
	if err := f.Sync(); err != nil {
		return 0, err
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, err
	}
	return size, f.Close()
}

// progress writes a job's progress to the store, at most every
// progressEvery.
func (r *Runner) progress(ctx context.Context, j *catalog.ExportJob) func(done, total int) {
	var last time.Time
	return func(done, total int) {
		j.Progress = catalog.JobProgress{Done: done, Total: total}
		if now := time.Now(); now.Sub(last) >= r.progressEvery {
			last = now
			r.cfg.Jobs.UpdateExportJob(ctx, j)
		}
	}
}

// stamp writes the citation-ready copy of a record's PDF in the
// document's style, for a bundle.
func (r *Runner) stamp(doc *proceedings.Document, styleID string) func(ctx context.Context, w io.Writer, rec *catalog.Record, f *catalog.File) error {
	lang, _, _ := strings.Cut(doc.Style.Locale(), "-")
	return func(ctx context.Context, w io.Writer, rec *catalog.Record, f *catalog.File) error {
		var ev *catalog.Event
		if doc.Event != nil && doc.Event.ID == rec.Event {
			ev = doc.Event
		}
		return r.cfg.Stamper.Write(ctx, w, stamp.Request{Record: rec, Event: ev, File: *f, Style: doc.Style, StyleID: styleID,
			Language: lang, URL: r.cfg.BaseURL + "/records/" + rec.ID})
	}
}
