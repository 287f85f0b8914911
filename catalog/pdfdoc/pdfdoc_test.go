package pdfdoc_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/pdfdoc"
	"golang.org/x/text/unicode/norm"
)

// cacheDir keeps the compiled module between the tests of this package, so
// that PDFium is compiled once.
var cacheDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "annals-pdfium-cache-*")
	if err != nil {
		panic(err)
	}
	cacheDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func openReader(t testing.TB, o pdfdoc.Options) *pdfdoc.Reader {
	t.Helper()
	o.CacheDir = cacheDir
	r, err := pdfdoc.Open(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// corpusEntry is an entry of ../shared/corpora/pdfs/MANIFEST.json.
type corpusEntry struct {
	File  string `json:"file"`
	Pages int    `json:"pages"`
	Kind  string `json:"kind"`
}

func corpus(t testing.TB) (string, []corpusEntry) {
	dir := catalogtest.SharedPath(t, "corpora", "pdfs")
	data, err := os.ReadFile(filepath.Join(dir, "MANIFEST.json"))
	if err != nil {
		t.Fatal(err)
	}
	var entries []corpusEntry
	if err := json.Unmarshal(data, &entries); err != nil {
		t.Fatal(err)
	}
	return dir, entries
}

// readFile reads a PDF of the corpus with fn.
func readFile(t *testing.T, r *pdfdoc.Reader, path string, fn func(*pdfdoc.Document) error) error {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	return r.Read(context.Background(), f, st.Size(), fn)
}

// TestCorpusPages: every readable PDF of the real-world corpus gives the
// page count poppler gives, and its first page renders; the one that needs
// a password fails with ErrPassword, the one with an empty password is
// read; the malformed ones fail with an error or read, never crash.
func TestCorpusPages(t *testing.T) {
	r := openReader(t, pdfdoc.Options{})
	dir, entries := corpus(t)
	for _, e := range entries {
		pages := 0
		var width int
		err := readFile(t, r, filepath.Join(dir, e.File), func(d *pdfdoc.Document) error {
			pages = d.Pages()
			img, err := d.RenderPage(0, 240, 320)
			if err != nil {
				return err
			}
			width = img.Bounds().Dx()
			return nil
		})
		switch {
		case e.File == "pdfplumber_password-example.pdf":
			if !errors.Is(err, pdfdoc.ErrPassword) {
				t.Errorf("%s: %v, want ErrPassword", e.File, err)
			}
		case e.Kind == "malformed":
			t.Logf("%s: %d pages, %v", e.File, pages, err)
			if err != nil && !errors.Is(err, pdfdoc.ErrDamaged) {
				t.Errorf("%s: %v, want ErrDamaged", e.File, err)
			}
		case err != nil:
			t.Errorf("%s: %v", e.File, err)
		case pages != e.Pages || width == 0 || width > 240:
			t.Errorf("%s: %d pages (want %d), first page %d px wide", e.File, pages, e.Pages, width)
		}
	}
}

// TestNotAPDF: bytes that are not a PDF fail with ErrDamaged.
func TestNotAPDF(t *testing.T) {
	r := openReader(t, pdfdoc.Options{})
	path := filepath.Join(t.TempDir(), "x.pdf")
	os.WriteFile(path, []byte("%PDF-1.7\nthis is not a PDF at all"), 0o644)
	if err := readFile(t, r, path, func(*pdfdoc.Document) error { return nil }); !errors.Is(err, pdfdoc.ErrDamaged) {
		t.Errorf("%v, want ErrDamaged", err)
	}
}

// TestStoppedWorkersNeverTakeTheProcessDown: a worker stopped by its
// timeout is closed while PDFium may still be running in it; its memory
// must stay addressable until PDFium has noticed (an earlier version
// unmapped it at once, and the process died with a segmentation fault
// about one time in twenty).
func TestStoppedWorkersNeverTakeTheProcessDown(t *testing.T) {
	r := openReader(t, pdfdoc.Options{Timeout: 80 * time.Millisecond})
	dir, _ := corpus(t)
	for range 12 {
		err := readFile(t, r, filepath.Join(dir, "freeculture.pdf"), func(d *pdfdoc.Document) error {
			for i := 0; ; i = (i + 1) % d.Pages() {
				if _, err := d.RenderPage(i, 600, 800); err != nil {
					return err
				}
			}
		})
		if !errors.Is(err, pdfdoc.ErrTimeout) {
			t.Fatalf("%v, want ErrTimeout", err)
		}
	}
}

// TestTimeoutStopsTheWorkerOnly: a document that takes longer than the
// timeout is stopped with ErrTimeout, and the reader goes on reading.
func TestTimeoutStopsTheWorkerOnly(t *testing.T) {
	r := openReader(t, pdfdoc.Options{Timeout: 300 * time.Millisecond})
	dir, _ := corpus(t)
	start := time.Now()
	err := readFile(t, r, filepath.Join(dir, "freeculture.pdf"), func(d *pdfdoc.Document) error {
		for i := 0; ; i = (i + 1) % d.Pages() { // never ends by itself
			if _, err := d.RenderPage(i, 1200, 1600); err != nil {
				return err
			}
		}
	})
	if !errors.Is(err, pdfdoc.ErrTimeout) || time.Since(start) > time.Minute {
		t.Fatalf("after %v: %v, want ErrTimeout", time.Since(start), err)
	}
	if err := readFile(t, r, filepath.Join(dir, "tracemonkey.pdf"), func(d *pdfdoc.Document) error {
		if d.Pages() != 14 {
			t.Errorf("%d pages after a timeout", d.Pages())
		}
		return nil
	}); err != nil {
		t.Errorf("a read after a timeout: %v", err)
	}
}

// TestMemoryBound: a worker with little memory fails a large render with
// an error, and the reader goes on.
func TestMemoryBound(t *testing.T) {
	r := openReader(t, pdfdoc.Options{MemoryBytes: 48 << 20})
	dir, _ := corpus(t)
	err := readFile(t, r, filepath.Join(dir, "tracemonkey.pdf"), func(d *pdfdoc.Document) error {
		_, err := d.RenderPage(0, 6000, 8000) // 192 MB of pixels
		return err
	})
	if err == nil {
		t.Fatal("a 192 MB render in a 48 MB worker succeeded")
	}
	t.Logf("the large render: %v", err)
	if err := readFile(t, r, filepath.Join(dir, "tracemonkey.pdf"), func(d *pdfdoc.Document) error {
		_, err := d.RenderPage(0, 200, 260)
		return err
	}); err != nil {
		t.Errorf("a small render after the large one: %v", err)
	}
}

// TestCorpusPhrases: every phrase the corpus manifest lists (as poppler's
// pdftotext extracts it) is in PDFium's text of its page, once both are
// NFKC-normalised (poppler gives Arabic presentation forms, PDFium the
// letters) and line breaks and runs of spaces are single spaces — English,
// Chinese, Japanese, Korean, Russian, Arabic, the PDF with an empty
// password and the one with a damaged content stream included.
// issue20232.pdf (an ESKD title block whose ToUnicode CMap maps UTF-8 byte
// sequences) is read as Hangul by PDFium and repaired by PageText.
func TestCorpusPhrases(t *testing.T) {
	r := openReader(t, pdfdoc.Options{})
	dir := catalogtest.SharedPath(t, "corpora", "pdfs")
	data, _ := os.ReadFile(filepath.Join(dir, "MANIFEST.json"))
	var entries []struct {
		File    string `json:"file"`
		Phrases []struct {
			Text string `json:"text"`
			Page int    `json:"page"`
		} `json:"phrases"`
	}
	if err := json.Unmarshal(data, &entries); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, e := range entries {
		if len(e.Phrases) == 0 {
			continue
		}
		err := readFile(t, r, filepath.Join(dir, e.File), func(d *pdfdoc.Document) error {
			for _, p := range e.Phrases {
				text, err := d.PageText(p.Page - 1)
				if err != nil {
					return err
				}
				if !strings.Contains(oneSpace(text), oneSpace(p.Text)) {
					t.Errorf("%s page %d: %q not in %q", e.File, p.Page, p.Text, truncate(oneSpace(text), 300))
				}
				checked++
			}
			return nil
		})
		if err != nil {
			t.Errorf("%s: %v", e.File, err)
		}
	}
	if checked < 30 {
		t.Errorf("only %d phrases checked", checked)
	}
}

func oneSpace(s string) string { return strings.Join(strings.Fields(norm.NFKC.String(s)), " ") }

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
