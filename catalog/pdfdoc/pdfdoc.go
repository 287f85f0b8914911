// Package pdfdoc reads PDFs: their pages, page images and (later) text,
// through PDFium compiled to WebAssembly (github.com/klippa-app/go-pdfium).
// The WebAssembly runtime is the sandbox for hostile files: PDFium sees no
// file system (the document is read through a Go reader), each worker's
// memory is bounded, and a document that takes too long is stopped and
// its worker thrown away. A PDF that breaks PDFium fails that document
// only.
package pdfdoc

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"io"
	"strings"
	"sync/atomic"
	"time"

	"github.com/klippa-app/go-pdfium"
	pdferrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// Options bound the reader.
type Options struct {
	// Workers is how many documents are read at once (default 1).
	Workers int
	// Timeout bounds the work on one document (default 120 s).
	Timeout time.Duration
	// MemoryBytes bounds one worker's memory (default 1 GiB; PDFium's own
	// heap, the document's pages and the images it renders live there).
	MemoryBytes int64
	// CacheDir, when set, keeps the compiled module between runs, so that
	// a start after the first takes a fraction of a second, not seconds.
	CacheDir string
}

// Reader reads PDFs. It is safe for concurrent use.
type Reader struct {
	pool    pdfium.Pool
	cache   wazero.CompilationCache
	timeout time.Duration
}

// Errors a document can fail with; each says what a librarian can do.
var (
	// ErrPassword: the PDF is encrypted with a password Annals does not have.
	ErrPassword = errors.New("the PDF is protected by a password")
	// ErrDamaged: the bytes are not a PDF PDFium can read.
	ErrDamaged = errors.New("the PDF is damaged or not a PDF")
	// ErrTimeout: the document took longer than the reader allows.
	ErrTimeout = errors.New("reading the PDF took too long")
)

// Open starts the reader: it compiles PDFium (seconds, the first time,
// unless CacheDir holds it).
func Open(ctx context.Context, o Options) (*Reader, error) {
	if o.Workers <= 0 {
		o.Workers = 1
	}
	if o.Timeout <= 0 {
		o.Timeout = 120 * time.Second
	}
	if o.MemoryBytes <= 0 {
		o.MemoryBytes = 1 << 30
	}
	rc := wazero.NewRuntimeConfig().
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		WithMemoryLimitPages(uint32(o.MemoryBytes / 65536)).
		WithCloseOnContextDone(true)
	r := &Reader{timeout: o.Timeout}
	if o.CacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(o.CacheDir)
		if err != nil {
			return nil, fmt.Errorf("pdfdoc: the module cache: %w", err)
		}
		r.cache, rc = cache, rc.WithCompilationCache(cache)
	}
	pool, err := webassembly.Init(webassembly.Config{
		Context: experimental.WithMemoryAllocator(context.WithoutCancel(ctx), memoryAllocator()), MinIdle: 0, MaxIdle: o.Workers, MaxTotal: o.Workers,
		RuntimeConfig: rc,
		FSConfig:      wazero.NewFSConfig(), // nothing mounted: PDFium sees no files
		Stdout:        io.Discard, Stderr: io.Discard,
	})
	if err != nil {
		if r.cache != nil {
			r.cache.Close(ctx)
		}
		return nil, fmt.Errorf("pdfdoc: starting PDFium: %w", err)
	}
	r.pool = pool
	return r, nil
}

// Close stops the reader.
func (r *Reader) Close() error {
	err := r.pool.Close()
	if r.cache != nil {
		r.cache.Close(context.Background())
	}
	return err
}

// Document is a PDF open in a worker, for the length of Read's fn.
type Document struct {
	inst  pdfium.Pdfium
	doc   references.FPDF_DOCUMENT
	pages int
}

// Read opens the PDF read from src (size bytes) and calls fn with it.
// The work is bounded by the reader's timeout and by ctx: past either,
// the worker is stopped and Read returns ErrTimeout (or ctx's error).
func (r *Reader) Read(ctx context.Context, src io.ReadSeeker, size int64, fn func(*Document) error) error {
	return r.onWorker(ctx, func(inst pdfium.Pdfium, killed *atomic.Bool) error {
		opened, err := inst.OpenDocument(&requests.OpenDocument{FileReader: src, FileReaderSize: size})
		if err != nil {
			return classify(err)
		}
		defer func() {
			if !killed.Load() {
				inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: opened.Document})
			}
		}()
		count, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: opened.Document})
		if err != nil {
			return classify(err)
		}
		return fn(&Document{inst: inst, doc: opened.Document, pages: count.PageCount})
	})
}

// onWorker runs fn on a worker of the pool, bounded by the reader's
// timeout and by ctx: past either, the worker is killed (killed is then
// set; fn's deferred calls should not touch it) and onWorker returns
// ErrTimeout or ctx's error. A panic in PDFium damages this document
// only: it is returned as ErrDamaged.
func (r *Reader) onWorker(ctx context.Context, fn func(inst pdfium.Pdfium, killed *atomic.Bool) error) (err error) {
	inst, err := r.pool.GetInstanceWithContext(ctx)
	if err != nil {
		return fmt.Errorf("pdfdoc: no worker: %w", err)
	}
	var killed atomic.Bool
	stop := func() {
		if killed.CompareAndSwap(false, true) {
			inst.Kill()
		}
	}
	timer := time.AfterFunc(r.timeout, stop)
	done := context.AfterFunc(ctx, stop)
	defer func() {
		timer.Stop()
		done()
		if killed.Load() {
			if ctx.Err() != nil {
				err = ctx.Err()
			} else {
				err = ErrTimeout
			}
			return
		}
		inst.Close()
		if p := recover(); p != nil { // PDFium trapped: this document only
			err = fmt.Errorf("%w: %v", ErrDamaged, p)
		}
	}()
	return fn(inst, &killed)
}

// classify turns PDFium's errors into the package's.
func classify(err error) error {
	switch {
	case errors.Is(err, pdferrors.ErrPassword), errors.Is(err, pdferrors.ErrSecurity):
		return ErrPassword
	case errors.Is(err, pdferrors.ErrFormat), errors.Is(err, pdferrors.ErrFile), errors.Is(err, pdferrors.ErrPage),
		errors.Is(err, pdferrors.ErrUnknown):
		return fmt.Errorf("%w (%s)", ErrDamaged, strings.TrimLeft(err.Error(), "0123456789: "))
	}
	return err
}

// Pages is the document's page count.
func (d *Document) Pages() int { return d.pages }

// RenderPage renders page i (0-based) to fit in width × height pixels,
// keeping its proportions; a copy that outlives the worker.
func (d *Document) RenderPage(i, width, height int) (*image.RGBA, error) {
	if i < 0 || i >= d.pages {
		return nil, fmt.Errorf("pdfdoc: no page %d of %d", i+1, d.pages)
	}
	res, err := d.inst.RenderPageInPixels(&requests.RenderPageInPixels{Width: width, Height: height,
		Page: requests.Page{ByIndex: &requests.PageByIndex{Document: d.doc, Index: i}}})
	if err != nil {
		return nil, classify(err)
	}
	defer res.Cleanup()
	src := res.Result.RenderedImage
	out := image.NewRGBA(src.Bounds())
	draw.Draw(out, out.Bounds(), src, src.Bounds().Min, draw.Src)
	return out, nil
}

// PageText is the text of page i (0-based) in reading order as PDFium
// finds it, lines separated by line breaks. It is read in one call into
// the sandbox (go-pdfium's GetPageText makes one per character, five times
// slower).
func (d *Document) PageText(i int) (string, error) {
	if i < 0 || i >= d.pages {
		return "", fmt.Errorf("pdfdoc: no page %d of %d", i+1, d.pages)
	}
	page, err := d.inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: d.doc, Index: i})
	if err != nil {
		return "", classify(err)
	}
	defer d.inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page})
	tp, err := d.inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: requests.Page{ByReference: &page.Page}})
	if err != nil {
		return "", classify(err)
	}
	defer d.inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
	n, err := d.inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil || n.Count <= 0 {
		return "", err
	}
	res, err := d.inst.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp.TextPage, Count: n.Count})
	if err != nil {
		return "", classify(err)
	}
	text := strings.ReplaceAll(strings.ReplaceAll(res.Text, "\x00", ""), "\r\n", "\n")
	return repairUTF8Codes(strings.ToValidUTF8(text, "\uFFFD")), nil
}

// repairUTF8Codes undoes a misreading of PDFs whose ToUnicode CMap maps
// two-byte codes that are themselves UTF-8 (libharu writes such maps;
// ESKD drawings made with it are common): PDFium, not applying the map,
// gives each code as a character, so "Масса" (D0 9C, D0 B0, D1 81...)
// comes out as Hangul ("킜킰톁톁킰"). When every Hangul syllable of a
// page is such a code — never so in real Korean, whose syllables spread
// over the whole block — the codes are decoded as the UTF-8 they are.
func repairUTF8Codes(text string) string {
	suspects := 0
	for _, r := range text {
		if r < 0xAC00 || r > 0xD7A3 {
			continue
		}
		if _, ok := utf8Pair(r); !ok {
			return text // a real Hangul syllable: leave the page alone
		}
		suspects++
	}
	if suspects < 3 {
		return text
	}
	var b strings.Builder
	for _, r := range text {
		if d, ok := utf8Pair(r); ok && r >= 0xAC00 && r <= 0xD7A3 {
			r = d
		}
		b.WriteRune(r)
	}
	return b.String()
}

// utf8Pair decodes r's two bytes as a two-byte UTF-8 sequence.
func utf8Pair(r rune) (rune, bool) {
	hi, lo := byte(r>>8), byte(r)
	if hi < 0xC2 || hi > 0xDF || lo < 0x80 || lo > 0xBF {
		return 0, false
	}
	return rune(hi&0x1F)<<6 | rune(lo&0x3F), true
}
