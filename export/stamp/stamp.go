// Package stamp makes citation-ready copies of PDF files (and books with
// the full papers drawn in, RenderWithPapers): a cover page
// saying what the document is and how to cite it, then the original pages,
// each with a line below it giving the citation and the record's address.
// The original file is never changed; copies are kept in a cache keyed by
// everything they show (the bytes, the style, the locale, the record's
// version), so a change to any of them makes a new copy.
package stamp

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/pdfdoc"
	"github.com/annals/annals/export/csl"
	"github.com/annals/annals/export/proceedings"
)

// StripHeight is the height of the band added below each page, in points
// (about 6.4 mm): two lines of 6.5-point text.
const StripHeight = 18.0

// formatVersion changes when the copies' look changes, so that cached
// copies are remade.
const formatVersion = "1"

// Stamper makes and keeps citation-ready copies. It is safe for
// concurrent use.
type Stamper struct {
	openPDF func(context.Context) (*pdfdoc.Reader, error)
	pdfOnce sync.Once
	pdf     *pdfdoc.Reader
	pdfErr  error
	blobs   catalog.Blobs
	opt     proceedings.Options
	dir     string
	name    string
	now     func() time.Time

	mu      sync.Mutex
	pending map[string]*sync.Mutex // copies being made, by key
}

// Config is what a Stamper needs.
type Config struct {
	// PDF opens the PDF reader, on the first copy made (PDFium takes
	// seconds to compile the first time): the server starts without
	// waiting for it.
	PDF   func(context.Context) (*pdfdoc.Reader, error)
	Blobs catalog.Blobs
	// Render holds the fonts and words of the cover and strips.
	Render proceedings.Options
	// CacheDir keeps the copies made (DATA/cache/stamped).
	CacheDir string
	// Catalogue is the name printed at the top of covers.
	Catalogue string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// New makes a stamper.
func New(c Config) *Stamper {
	now := c.Now
	if now == nil {
		now = time.Now
	}
	return &Stamper{openPDF: c.PDF, blobs: c.Blobs, opt: c.Render, dir: c.CacheDir, name: c.Catalogue, now: now,
		pending: map[string]*sync.Mutex{}}
}

// Request is one copy to make.
type Request struct {
	Record *catalog.Record
	Event  *catalog.Event
	File   catalog.File
	// Style and StyleID are the citation style and its name; Language is
	// the language of the cover's words.
	Style    *csl.Processor
	StyleID  string
	Language string
	// URL is the record's address.
	URL string
}

// key names the copy: everything it shows.
func (r *Request) key() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%d\x00%s\x00%s\x00%s", formatVersion, r.File.SHA256, r.StyleID, r.Style.Locale(),
		r.Record.ID, r.Record.Version, r.File.Name, r.Language, r.URL)
	if r.Event != nil {
		fmt.Fprintf(h, "\x00%s\x00%d", r.Event.ID, r.Event.Version)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ErrNotPDF: only PDFs get stamped copies.
var ErrNotPDF = errors.New("only PDF files have citation-ready copies")

// Open returns the copy for req, from the cache or made now; the caller
// closes it. Errors that say what is wrong with the file wrap
// pdfdoc.ErrPassword, pdfdoc.ErrDamaged or pdfdoc.ErrTimeout.
func (s *Stamper) Open(ctx context.Context, req Request) (*os.File, error) {
	if req.File.MediaType != "application/pdf" {
		return nil, ErrNotPDF
	}
	key := req.key()
	path := filepath.Join(s.dir, key[:2], key+".pdf")
	if f, err := os.Open(path); err == nil {
		now := time.Now()
		os.Chtimes(path, now, now) // the last use, for pruning
		return f, nil
	}
	lock := s.lockKey(key)
	defer s.unlockKey(key, lock)
	if f, err := os.Open(path); err == nil { // made while we waited
		return f, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".stamping-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err := s.Write(ctx, tmp, req); err != nil {
		return nil, err
	}
	if err := tmp.Sync(); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return nil, err
	}
	return os.Open(path)
}

func (s *Stamper) lockKey(key string) *sync.Mutex {
	s.mu.Lock()
	m, ok := s.pending[key]
	if !ok {
		m = &sync.Mutex{}
		s.pending[key] = m
	}
	s.mu.Unlock()
	m.Lock()
	return m
}

func (s *Stamper) unlockKey(key string, m *sync.Mutex) {
	s.mu.Lock()
	delete(s.pending, key)
	s.mu.Unlock()
	m.Unlock()
}

// Close stops the PDF reader, if it was started.
func (s *Stamper) Close() error {
	s.pdfOnce.Do(func() {}) // none is started after Close
	if s.pdf != nil {
		return s.pdf.Close()
	}
	return nil
}

// Write writes the copy for req to w, without the cache.
func (s *Stamper) Write(ctx context.Context, w io.Writer, req Request) error {
	cover := proceedings.Cover{Record: req.Record, Event: req.Event, Style: req.Style, Language: req.Language,
		Catalogue: s.name, URL: req.URL, File: req.File, Made: s.now().UTC()}
	var front bytes.Buffer
	if err := proceedings.RenderCover(ctx, &front, cover, s.opt); err != nil {
		return err
	}
	if err := s.startPDF(ctx); err != nil {
		return err
	}
	blob, err := s.blobs.Open(ctx, req.File.SHA256)
	if err != nil {
		return err
	}
	defer blob.Close()
	return s.pdf.Read(ctx, blob, blob.Size(), func(d *pdfdoc.Document) error {
		_, err := d.WriteStamped(w, pdfdoc.Stamping{Front: front.Bytes(), StripHeight: StripHeight,
			Strips: proceedings.StripsFor(cover, StripHeight, s.opt)})
		return err
	})
}

// Prune removes the copies not used for maxAge, and then the least
// recently used ones until the cache holds at most maxBytes; it returns
// how many it removed.
func (s *Stamper) Prune(maxAge time.Duration, maxBytes int64) (int, error) {
	type copyFile struct {
		path string
		size int64
		used time.Time
	}
	var files []copyFile
	err := filepath.WalkDir(s.dir, func(path string, e os.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return filepath.SkipDir
			}
			return err
		}
		if e.IsDir() || filepath.Ext(path) != ".pdf" {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return nil
		}
		files = append(files, copyFile{path, info.Size(), info.ModTime()})
		return nil
	})
	if err != nil {
		return 0, err
	}
	// newest first: keep from the front while the budget lasts
	slices.SortFunc(files, func(a, b copyFile) int { return b.used.Compare(a.used) })
	removed := 0
	var total int64
	for _, f := range files {
		total += f.size
		if time.Since(f.used) > maxAge || total > maxBytes {
			if os.Remove(f.path) == nil {
				removed++
			}
		}
	}
	return removed, nil
}
