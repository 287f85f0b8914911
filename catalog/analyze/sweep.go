package analyze

import (
	"context"

	"github.com/annals/annals/catalog"
)

// SweepResult is what a sweep did.
type SweepResult struct {
	Read   int             // files read
	Failed []SweptFile     // those that failed (again), with why
	ByText map[string]int  // files read, by text state
	seen   map[string]bool // bytes read, by SHA-256
}

// SweptFile names a file a sweep read.
type SweptFile struct {
	Record string
	File   catalog.File
	Reason string
}

// Sweep reads the files of the current records that have no analysis —
// or, with retry, whose analysis failed (a timeout, a worker lost) — as
// annals extract does beside or without a running server.
func (f *Follower) Sweep(ctx context.Context, records catalog.RecordReader, retry bool) (*SweepResult, error) {
	res := &SweepResult{ByText: map[string]int{}, seen: map[string]bool{}}
	filter := catalog.RecordFilter{Size: catalog.MaxPageSize}
	for {
		page, err := records.FindRecords(ctx, filter)
		if err != nil {
			return res, err
		}
		for i := range page.Records {
			if err := f.sweepRecord(ctx, &page.Records[i], retry, res); err != nil {
				return res, err
			}
		}
		if page.Next == "" {
			return res, nil
		}
		filter.After = page.Next
	}
}

func (f *Follower) sweepRecord(ctx context.Context, r *catalog.Record, retry bool, res *SweepResult) error {
	var shas []string
	for _, file := range r.Files {
		shas = append(shas, file.SHA256)
	}
	known, err := f.cfg.Analyses.FindFileAnalyses(ctx, shas)
	if err != nil {
		return err
	}
	for _, file := range r.Files {
		a, ok := known[file.SHA256]
		failed := ok && (a.State == catalog.FileFailed || a.TextState == catalog.FileFailed)
		if !reads(file.MediaType) || res.seen[file.SHA256] || (ok && !(retry && failed)) {
			continue
		}
		res.seen[file.SHA256] = true
		got, err := f.analyzeAndSave(ctx, file)
		if err != nil {
			return err
		}
		res.Read++
		res.ByText[got.TextState]++
		if got.State == catalog.FileFailed || got.TextState == catalog.FileFailed {
			res.Failed = append(res.Failed, SweptFile{Record: r.ID, File: file, Reason: got.Reason})
		}
	}
	return nil
}
