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
	"log/slog"
	"os"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/langid"
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
	// OCR, when set, reads scans (PDFs with no text layer) from their page
	// images; without it they stay no-text.
	OCR    *OCR
	Logger *slog.Logger
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
	scanDir, drawn := "", 0
	err = f.cfg.PDF.Read(ctx, blob, blob.Size(), func(d *pdfdoc.Document) error {
		a.Pages = d.Pages()
		if a.Pages == 0 {
			return nil
		}
		a.Thumbnail = f.firstPage(d, sha)
		chars, err := f.savePages(ctx, d, a)
		a.Characters = chars
		if err != nil || f.cfg.OCR == nil || chars >= minCharactersPerPage*a.Pages {
			return err
		}
		// A scan: draw its pages for OCR, read after the sandbox is left.
		if scanDir, err = os.MkdirTemp("", "annals-ocr-*"); err != nil {
			return storeError{err}
		}
		drawn, err = drawPages(d, scanDir)
		return err
	})
	if scanDir != "" {
		defer os.RemoveAll(scanDir)
	}
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
	if a.State != catalog.FileFailed && drawn > 0 {
		if err := f.readScan(ctx, a, scanDir, drawn); err != nil {
			return nil, err
		}
	}
	switch {
	case a.State == catalog.FileFailed:
		a.Thumbnail, a.TextState, a.Characters, a.Language = nil, catalog.FileFailed, 0, ""
	case a.Reason != "": // read by OCR
		a.TextState = catalog.FileDone
	case a.Characters < minCharactersPerPage*max(a.Pages, 1):
		a.TextState, a.Reason, a.Language = catalog.FileNoText, "no text layer: a scanned document needs OCR", ""
	default:
		a.TextState = catalog.FileDone
	}
	return a, nil
}

// readScan reads the drawn pages of a scan with OCR and stores their
// text in place of the (empty) text layer's. A failure of OCR leaves the
// scan no-text, saying why; the error is the store's or ctx's.
func (f *Follower) readScan(ctx context.Context, a *catalog.FileAnalysis, dir string, n int) error {
	texts, err := f.cfg.OCR.readPages(ctx, dir, n)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		f.cfg.Logger.Warn("OCR failed", "sha256", a.SHA256, "error", err)
		return nil
	}
	chars := 0
	var lang langid.Detector
	for _, t := range texts {
		chars += letters(t)
		lang.Add(t)
	}
	if chars < minCharactersPerPage*n {
		return nil // nothing legible either
	}
	for first := 0; first < len(texts); first += pagesPerSave {
		if err := f.cfg.Analyses.SaveFilePages(ctx, a.SHA256, first+1, texts[first:min(first+pagesPerSave, len(texts))]); err != nil {
			return err
		}
	}
	a.Characters, a.Language = chars, lang.Language()
	a.Reason = fmt.Sprintf("read by OCR (tesseract, %s) from the page images: expect misread words", f.cfg.OCR.Languages())
	if n < a.Pages {
		a.Reason += fmt.Sprintf("; the first %d of %d pages", n, a.Pages)
	}
	return nil
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
// It sets the analysis's Language from the text.
func (f *Follower) savePages(ctx context.Context, d *pdfdoc.Document, a *catalog.FileAnalysis) (int, error) {
	sha := a.SHA256
	var lang langid.Detector
	defer func() { a.Language = lang.Language() }()
	chars := 0
	batch := make([]string, 0, pagesPerSave)
	first := 1
	for i := 0; i < d.Pages(); i++ {
		text, err := d.PageText(i)
		if err != nil {
			return chars, err
		}
		chars += letters(text)
		lang.Add(text)
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
