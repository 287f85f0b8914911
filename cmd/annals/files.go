package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/analyze"
	"github.com/annals/annals/catalog/pdfdoc"
	"github.com/annals/annals/export/stamp"
)

// fileReport is what a check of the files found.
type fileReport struct {
	referenced, ok int
	missing        []string // named by a version, not in the store
	corrupt        []string // stored, but the bytes do not hash to the name
	orphans        []catalog.Blob
}

// checkFiles hashes every blob the catalogue names and lists the blobs it
// names no more.
func checkFiles(ctx context.Context, refs catalog.FileReferences, store catalog.Blobs) (*fileReport, error) {
	rep := &fileReport{}
	named := map[string]bool{}
	err := refs.ForEachFileReference(ctx, func(sha string) error {
		named[sha] = true
		rep.referenced++
		r, err := store.Open(ctx, sha)
		if catalog.ErrorCode(err) == catalog.ENOTFOUND {
			rep.missing = append(rep.missing, sha)
			return nil
		}
		if err != nil {
			return err
		}
		defer r.Close()
		h := sha256.New()
		if _, err := io.Copy(h, r); err != nil {
			return err
		}
		if hex.EncodeToString(h.Sum(nil)) != sha {
			rep.corrupt = append(rep.corrupt, sha)
			return nil
		}
		rep.ok++
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = store.List(ctx, func(b catalog.Blob) error {
		if !named[b.SHA256] {
			rep.orphans = append(rep.orphans, b)
		}
		return nil
	})
	sort.Strings(rep.missing)
	sort.Strings(rep.corrupt)
	return rep, err
}

// runCheck verifies that every file the catalogue names is stored whole,
// and lists the stored bytes nothing names (removed by the server after
// ANNALS_FILE_GRACE). Exit status 1 when a file is missing or damaged.
func runCheck(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg := defaultConfig(getenv)
	flags := newFlags("check", &cfg, stderr)
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return usagef("check takes no arguments")
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	files, err := openBlobs(ctx, cfg)
	if err != nil {
		return err
	}
	rep, err := checkFiles(ctx, store, files)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d files named by the catalogue: %d whole, %d missing, %d damaged; %d stored files named by no version.\n",
		rep.referenced, rep.ok, len(rep.missing), len(rep.corrupt), len(rep.orphans))
	for _, sha := range rep.missing {
		fmt.Fprintf(stdout, "missing  %s\n", sha)
	}
	for _, sha := range rep.corrupt {
		fmt.Fprintf(stdout, "damaged  %s (its bytes hash otherwise)\n", sha)
	}
	for _, b := range rep.orphans {
		fmt.Fprintf(stdout, "orphan   %s (%d bytes)\n", b.SHA256, b.Size)
	}
	if len(rep.missing)+len(rep.corrupt) > 0 {
		return fmt.Errorf("%d files are missing or damaged; restore them from a backup", len(rep.missing)+len(rep.corrupt))
	}
	return nil
}

// collectOrphans removes stored bytes that no version of any record and
// no finished export names and that were stored more than grace ago (an
// upload may be between its bytes and its record). Bytes whose time the
// store does not know stay. It returns how many it removed.
func collectOrphans(ctx context.Context, refs catalog.FileReferences, exports catalog.ExportJobStore, store catalog.Blobs, grace time.Duration, now time.Time) (int, error) {
	rep, err := checkFilesNamedOnly(ctx, refs, store)
	if err != nil {
		return 0, err
	}
	kept := map[string]bool{}
	if exports != nil {
		jobs, err := exports.FindExportJobs(ctx, catalog.JobDone, catalog.JobRunning)
		if err != nil {
			return 0, err
		}
		for _, j := range jobs {
			if sha, ok := strings.CutPrefix(j.File, "blob:"); ok {
				kept[sha] = true
			}
		}
	}
	removed := 0
	for _, b := range rep {
		if kept[b.SHA256] || b.Modified.IsZero() || now.Sub(b.Modified) < grace {
			continue
		}
		if err := store.Delete(ctx, b.SHA256); err != nil {
			return removed, err
		}
		removed++
	}
	return removed, nil
}

// checkFilesNamedOnly lists the orphans without hashing the named blobs.
func checkFilesNamedOnly(ctx context.Context, refs catalog.FileReferences, store catalog.Blobs) ([]catalog.Blob, error) {
	named := map[string]bool{}
	if err := refs.ForEachFileReference(ctx, func(sha string) error { named[sha] = true; return nil }); err != nil {
		return nil, err
	}
	var orphans []catalog.Blob
	err := store.List(ctx, func(b catalog.Blob) error {
		if !named[b.SHA256] {
			orphans = append(orphans, b)
		}
		return nil
	})
	return orphans, err
}

// runOrphanCollector removes orphans every hour until ctx is done.
func runOrphanCollector(ctx context.Context, refs catalog.FileReferences, exports catalog.ExportJobStore, store catalog.Blobs, grace time.Duration, log *slog.Logger) {
	ticker := time.NewTicker(time.Hour)
	defer ticker.Stop()
	for {
		if n, err := collectOrphans(ctx, refs, exports, store, grace, time.Now()); err != nil && ctx.Err() == nil {
			log.Error("removing unreferenced files", "error", err)
		} else if n > 0 {
			log.Info("removed files no version names", "files", n, "grace", grace)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// runFileAnalysis reads the files records name in the background (a PDF's
// pages, text and first-page image) until ctx is done. On a store that
// several nodes share, one node at a time reads them: the others wait for
// the lead and take it when its node stops. A failure of the store stops
// the reading for a minute, then it resumes.
func runFileAnalysis(ctx context.Context, cfg Config, store catalog.Store, files catalog.Blobs, log *slog.Logger) {
	read := func(ctx context.Context) error { return readFiles(ctx, cfg, store, files, log) }
	if leader, shared := store.(catalog.Leader); shared {
		log.Info("files are read by one node at a time; waiting for the lead")
		read = func(ctx context.Context) error {
			return leader.WhileLeader(ctx, "files", func(ctx context.Context) error {
				log.Info("this node leads the reading of files")
				return readFiles(ctx, cfg, store, files, log)
			})
		}
	}
	for {
		err := read(ctx)
		if ctx.Err() != nil || errors.Is(err, errNoPDFium) {
			return
		}
		log.Error("reading files stopped; resuming in a minute", "error", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Minute):
		}
	}
}

// errNoPDFium says PDFium could not start: files are not read at all.
var errNoPDFium = errors.New("PDFium did not start")

// readFiles follows the change log and reads each newly named file until
// ctx is done or the store fails. PDFium is compiled first (seconds, the
// first time; then from the cache); should that fail, the catalogue serves
// without what it would have learned.
func readFiles(ctx context.Context, cfg Config, store catalog.Store, files catalog.Blobs, log *slog.Logger) error {
	start := time.Now()
	pdf, err := pdfdoc.Open(ctx, pdfdoc.Options{Workers: cfg.ExtractWorkers, Timeout: cfg.ExtractTimeout, CacheDir: cfg.PDFiumCacheDir()})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		log.Error("files will not be read: PDFium did not start", "error", err)
		return errNoPDFium
	}
	defer pdf.Close()
	// Compiling PDFium (a start without its cache) leaves a few hundred
	// megabytes of garbage; give it back now rather than over minutes.
	debug.FreeOSMemory()
	ocr, ok := analyze.FindOCR(ctx)
	if ok {
		log.Info("reading files in the background", "startup_seconds", time.Since(start).Seconds(), "ocr", "tesseract "+ocr.Languages())
	} else {
		log.Info("reading files in the background; scans stay unread without tesseract (apt install tesseract-ocr tesseract-ocr-rus tesseract-ocr-chi-sim)",
			"startup_seconds", time.Since(start).Seconds())
	}
	follower := analyze.New(analyze.Config{Log: store, Analyses: store, Blobs: files, PDF: pdf, OCR: ocr, Logger: log})
	return follower.Run(ctx)
}

// Citation-ready copies are kept while used: a copy unused for a month
// goes, and the least recently used go past 2 GiB.
const (
	stampedKeep  = 30 * 24 * time.Hour
	stampedBytes = 2 << 30
)

// runStampedPruner prunes the citation-ready copies every hour until ctx
// is done.
func runStampedPruner(ctx context.Context, s *stamp.Stamper, log *slog.Logger) {
	ticker := time.NewTicker(time.Hour)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if n, err := s.Prune(stampedKeep, stampedBytes); err != nil {
				log.Warn("pruning citation-ready copies", "error", err)
			} else if n > 0 {
				log.Info("citation-ready copies pruned", "removed", n)
			}
		}
	}
}
