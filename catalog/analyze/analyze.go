// Package analyze learns from the bytes of each file attached to a record
// — a PDF's page count, an image of its first page, its text page by page —
// in the background,
// by following the change log: nothing slow or risky runs on the request
// path. What it learns is kept by the bytes' SHA-256, so the same file in
// two records is read once, and a restart resumes where it stopped.
package analyze

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io"
	"log/slog"
	"sync"
	"time"
	"unicode"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/pdfdoc"
	"github.com/annals/annals/catalog/textdoc"
)

// FollowerName is the follower's name in the store's follower table.
const FollowerName = "files"

// Thumbnail size: the first page fits in this box (the record page shows
// it at half that, sharp on high-density screens).
const (
	ThumbnailWidth  = 240
	ThumbnailHeight = 340
)

// Config is what a Follower needs.
type Config struct {
	Log      catalog.ChangeLog
	Analyses catalog.FileAnalyses
	Blobs    catalog.Blobs
	PDF      *pdfdoc.Reader
	Logger   *slog.Logger
	// Done, when set, is told of each analysis stored (tests wait on it).
	Done func(catalog.FileAnalysis)
}

// Follower analyses the files the change log names.
type Follower struct{ cfg Config }

// New makes a follower.
func New(cfg Config) *Follower {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Follower{cfg: cfg}
}

// Run follows the change log from where it stopped until ctx ends.
func (f *Follower) Run(ctx context.Context) error {
	rev, err := f.cfg.Analyses.FollowerRevision(ctx, FollowerName)
	if err != nil {
		return err
	}
	for {
		changes, err := f.cfg.Log.FindChanges(ctx, rev, 100)
		if err != nil {
			return err
		}
		for _, ch := range changes {
			if err := f.handle(ctx, ch); err != nil {
				return err
			}
			rev = ch.Revision
		}
		if len(changes) > 0 {
			if err := f.cfg.Analyses.SetFollowerRevision(ctx, FollowerName, rev); err != nil {
				return err
			}
			continue
		}
		if err := f.cfg.Log.WaitForChanges(ctx, rev); err != nil {
			return err
		}
	}
}

// reads says whether the follower reads files of a media type.
func reads(mediaType string) bool { return mediaType == "application/pdf" || textdoc.Reads(mediaType) }

// handle analyses the files of one change of a record that have no
// analysis yet.
func (f *Follower) handle(ctx context.Context, ch catalog.Change) error {
	if ch.Entity != catalog.EntityRecord || len(ch.After) == 0 {
		return nil
	}
	var doc struct{ Files []catalog.File }
	if err := json.Unmarshal(ch.After, &doc); err != nil {
		return fmt.Errorf("analyze: revision %d: %w", ch.Revision, err)
	}
	var shas []string
	for _, file := range doc.Files {
		if reads(file.MediaType) {
			shas = append(shas, file.SHA256)
		}
	}
	if len(shas) == 0 {
		return nil
	}
	known, err := f.cfg.Analyses.FindFileAnalyses(ctx, shas)
	if err != nil {
		return err
	}
	for _, file := range doc.Files {
		if _, ok := known[file.SHA256]; ok || !reads(file.MediaType) {
			continue
		}
		a, err := f.analyzeAndSave(ctx, file)
		if err != nil {
			return err
		}
		known[file.SHA256] = *a
		f.cfg.Logger.Info("file analyzed", "record", ch.EntityID, "file", file.Name, "sha256", file.SHA256,
			"state", a.State, "text", a.TextState, "pages", a.Pages, "reason", a.Reason)
	}
	return nil
}

// analyzeAndSave reads one file and stores what was learned.
func (f *Follower) analyzeAndSave(ctx context.Context, file catalog.File) (*catalog.FileAnalysis, error) {
	var a *catalog.FileAnalysis
	var err error
	if file.MediaType == "application/pdf" {
		a, err = f.AnalyzePDF(ctx, file.SHA256)
	} else {
		a, err = f.AnalyzeText(ctx, file.SHA256, file.MediaType)
	}
	if err != nil {
		return nil, err
	}
	if err := f.cfg.Analyses.SaveFileAnalysis(ctx, a); err != nil {
		return nil, err
	}
	if f.cfg.Done != nil {
		f.cfg.Done(*a)
	}
	return a, nil
}

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

// AnalyzePDF reads the PDF stored as sha: its page count and first-page
// image. A PDF that cannot be read gives a failed analysis saying why; the
// error is for what should stop the follower (ctx ended).
func (f *Follower) AnalyzePDF(ctx context.Context, sha string) (*catalog.FileAnalysis, error) {
	a := &catalog.FileAnalysis{SHA256: sha, State: catalog.FileDone}
	blob, err := f.cfg.Blobs.Open(ctx, sha)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		a.State, a.Reason = catalog.FileFailed, "its bytes are not in the file store (run annals check)"
		a.Analyzed = time.Now().UTC()
		return a, nil
	}
	defer blob.Close()
	start := time.Now()
	err = f.cfg.PDF.Read(ctx, blob, blob.Size(), func(d *pdfdoc.Document) error {
		a.Pages = d.Pages()
		if a.Pages == 0 {
			return nil
		}
		a.Thumbnail = f.firstPage(d, sha)
		chars, err := f.savePages(ctx, d, sha)
		a.Characters = chars
		return err
	})
	a.Analyzed = time.Now().UTC()
	var stored storeError
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.As(err, &stored):
		return nil, stored.err
	case errors.Is(err, pdfdoc.ErrPassword):
		a.State, a.Reason, a.Pages = catalog.FileFailed, "the PDF is protected by a password: upload a copy without one", 0
	case errors.Is(err, pdfdoc.ErrTimeout):
		a.State, a.Reason, a.Pages = catalog.FileFailed, fmt.Sprintf("reading it took longer than %s; it may be damaged or hostile", time.Since(start).Round(time.Second)), 0
	default:
		a.State, a.Reason, a.Pages = catalog.FileFailed, fmt.Sprintf("it cannot be read as a PDF: %v", err), 0
	}
	switch {
	case a.State == catalog.FileFailed:
		a.Thumbnail, a.TextState, a.Characters = nil, catalog.FileFailed, 0
	case a.Characters < minCharactersPerPage*max(a.Pages, 1):
		a.TextState, a.Reason = catalog.FileNoText, "no text layer: a scanned document needs OCR"
	default:
		a.TextState = catalog.FileDone
	}
	return a, nil
}

// AnalyzeText reads the text of a document that is not a PDF (plain text,
// Markdown, HTML, DOCX, PPTX, ODT, ODP): its pages (slides; parts between
// page breaks) are stored like a PDF's.
func (f *Follower) AnalyzeText(ctx context.Context, sha, mediaType string) (*catalog.FileAnalysis, error) {
	a := &catalog.FileAnalysis{SHA256: sha, State: catalog.FileDone}
	blob, err := f.cfg.Blobs.Open(ctx, sha)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		a.State, a.TextState, a.Reason = catalog.FileFailed, catalog.FileFailed, "its bytes are not in the file store (run annals check)"
		a.Analyzed = time.Now().UTC()
		return a, nil
	}
	defer blob.Close()
	pages, err := textdoc.Pages(asReaderAt(blob), blob.Size(), mediaType)
	a.Analyzed = time.Now().UTC()
	if err != nil {
		a.State, a.TextState, a.Reason = catalog.FileFailed, catalog.FileFailed, fmt.Sprintf("its text cannot be read: %v", err)
		return a, nil
	}
	for first := 0; first < len(pages); first += pagesPerSave {
		if err := f.cfg.Analyses.SaveFilePages(ctx, sha, first+1, pages[first:min(first+pagesPerSave, len(pages))]); err != nil {
			return nil, err
		}
	}
	a.Pages = len(pages)
	for _, p := range pages {
		a.Characters += letters(p)
	}
	a.TextState = catalog.FileDone
	if a.Characters == 0 {
		a.TextState, a.Reason = catalog.FileNoText, "there is no text in it"
	}
	return a, nil
}

// letters counts the letters and digits of text.
func letters(text string) int {
	n := 0
	for _, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// asReaderAt reads a blob at any position (ZIP files are read that way).
func asReaderAt(b catalog.BlobReader) io.ReaderAt {
	if ra, ok := b.(io.ReaderAt); ok {
		return ra
	}
	return &seekReaderAt{rs: b}
}

// seekReaderAt reads at a position by seeking; for one reader at a time.
type seekReaderAt struct {
	mu sync.Mutex
	rs io.ReadSeeker
}

func (s *seekReaderAt) ReadAt(p []byte, off int64) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.rs.Seek(off, io.SeekStart); err != nil {
		return 0, err
	}
	n, err := io.ReadFull(s.rs, p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = io.EOF
	}
	return n, err
}

// storeError is a failure of the store while a PDF is read: it stops the
// follower (to resume later) rather than failing the file.
type storeError struct{ err error }

func (e storeError) Error() string { return e.err.Error() }

// minCharactersPerPage: a PDF with fewer letters than this per page on
// average has no text layer to speak of (a scan; its page numbers and
// stray marks are all that is read).
const minCharactersPerPage = 10

// pagesPerSave is how many pages' text are stored at a time.
const pagesPerSave = 50

// firstPage is a PNG of the document's first page; nil when it cannot be
// drawn (the rest of the analysis stands).
func (f *Follower) firstPage(d *pdfdoc.Document, sha string) []byte {
	img, err := d.RenderPage(0, ThumbnailWidth, ThumbnailHeight)
	if err != nil {
		f.cfg.Logger.Warn("no first-page image", "sha256", sha, "error", err)
		return nil
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
		return nil
	}
	return buf.Bytes()
}

// savePages reads the text of every page and stores it, a batch at a
// time; it returns how many letters and digits were read.
func (f *Follower) savePages(ctx context.Context, d *pdfdoc.Document, sha string) (int, error) {
	chars := 0
	batch := make([]string, 0, pagesPerSave)
	first := 1
	for i := 0; i < d.Pages(); i++ {
		text, err := d.PageText(i)
		if err != nil {
			return chars, err
		}
		chars += letters(text)
		batch = append(batch, text)
		if len(batch) == pagesPerSave || i == d.Pages()-1 {
			if err := f.cfg.Analyses.SaveFilePages(ctx, sha, first, batch); err != nil {
				return chars, storeError{err}
			}
			first += len(batch)
			batch = batch[:0]
		}
	}
	return chars, nil
}
