package stamp_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/blobs"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/pdfdoc"
	"github.com/annals/annals/export/csl"
	"github.com/annals/annals/export/proceedings"
	"github.com/annals/annals/export/proceedings/proceedingstest"
	"github.com/annals/annals/export/stamp"
)

// env is a stamper over a real blob store and PDF reader, with the sample
// catalogue.
type env struct {
	stamper *stamp.Stamper
	blobs   *blobs.Disk
	cache   string
	events  []catalog.Event
	records map[string]*catalog.Record
}

func newEnv(t testing.TB) *env {
	t.Helper()
	dir := t.TempDir()
	b, err := blobs.OpenDisk(filepath.Join(dir, "files"))
	if err != nil {
		t.Fatal(err)
	}
	open := func(ctx context.Context) (*pdfdoc.Reader, error) {
		return pdfdoc.Open(ctx, pdfdoc.Options{CacheDir: filepath.Join(os.TempDir(), "annals-test-pdfium-cache")})
	}
	e := &env{blobs: b, cache: filepath.Join(dir, "stamped"), records: map[string]*catalog.Record{}}
	e.stamper = stamp.New(stamp.Config{PDF: open, Blobs: b, CacheDir: e.cache, Catalogue: "Annals",
		Render: proceedings.Options{Fonts: proceedingstest.Fonts(t), Words: proceedingstest.Words(t)},
		Now:    func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) }})
	t.Cleanup(func() { e.stamper.Close() })
	events, records := catalogtest.Sample(t)
	e.events = events
	for i := range records {
		e.records[records[i].ID] = &records[i]
	}
	return e
}

// style is a built-in style in a locale.
func style(t testing.TB, id, locale string) *csl.Processor {
	t.Helper()
	data, err := fs.ReadFile(assets.FS(), assets.StylesDir+"/"+id+".csl")
	if err != nil {
		t.Fatal(err)
	}
	s, err := csl.ParseStyle(data)
	if err != nil {
		t.Fatal(err)
	}
	p, err := csl.NewProcessor(s, locale, func(tag string) ([]byte, error) {
		return fs.ReadFile(assets.FS(), assets.LocalesDir+"/locales-"+tag+".xml")
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// file stores a corpus PDF and describes it as the record's file.
func (e *env) file(t *testing.T, name string) catalog.File {
	t.Helper()
	f, err := os.Open(filepath.Join(catalogtest.SharedPath(t, "corpora", "pdfs"), name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	blob, err := e.blobs.Put(context.Background(), f, 1<<30, "")
	if err != nil {
		t.Fatal(err)
	}
	return catalog.File{Name: name, MediaType: "application/pdf", Size: blob.Size, SHA256: blob.SHA256, Access: catalog.AccessOpen}
}

// copyOf makes the copy and writes it to a file the tools can read.
func (e *env) copyOf(t *testing.T, req stamp.Request) (string, error) {
	t.Helper()
	f, err := e.stamper.Open(context.Background(), req)
	if err != nil {
		return "", err
	}
	defer f.Close()
	out := filepath.Join(t.TempDir(), "copy.pdf")
	data, _ := io.ReadAll(f)
	return out, os.WriteFile(out, data, 0o600)
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func requireTools(t *testing.T) {
	for _, tool := range []string{"pdftotext", "pdfinfo", "pdffonts", "qpdf"} {
		hint := "apt install poppler-utils"
		if tool == "qpdf" {
			hint = "apt install qpdf"
		}
		catalogtest.RequireTool(t, tool, hint)
	}
}

// TestStampedCopyOfTheReportInGOST: the think-tank report with a
// 23-page Russian PDF, in GOST and Russian: a sound PDF of 24 pages whose
// cover names the report, its three contributors, the event, the GOST
// citation and the address; every original page keeps its text and gets
// the citation line below; title, author and XMP Dublin Core in Unicode;
// fonts subset.
func TestStampedCopyOfTheReportInGOST(t *testing.T) {
	requireTools(t)
	e := newEnv(t)
	r := e.records["jinan-2025-belarusians-in-china"]
	req := stamp.Request{Record: r, Event: &e.events[0], File: e.file(t, "typst-g7-32_databases-lab_reference.pdf"),
		Style: style(t, "gost-r-7-0-5-2008", "ru-RU"), StyleID: "gost-r-7-0-5-2008", Language: "ru",
		URL: "https://annals.example/records/" + r.ID}
	req.File.Pages = 23
	path, err := e.copyOf(t, req)
	if err != nil {
		t.Fatal(err)
	}
	run(t, "qpdf", "--check", path)
	info := strings.Join(strings.Fields(run(t, "pdfinfo", path)+run(t, "pdfinfo", "-meta", path)), " ")
	if strings.Contains(info, "Error") {
		t.Errorf("poppler had to repair the copy: %s", info)
	}
	for _, want := range []string{"Pages: 24", "Title: Белорусы в Китае", "Metadata Stream: yes", "Дудик", `<rdf:li xml:lang="en">Belarusians in China</rdf:li>`,
		`<rdf:li xml:lang="zh">白俄罗斯人在中国</rdf:li>`, "<dc:identifier>https://annals.example/records/jinan-2025-belarusians-in-china</dc:identifier>"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo -meta lacks %q:\n%s", want, info)
		}
	}
	fonts := run(t, "pdffonts", "-l", "1", path)
	for _, line := range strings.Split(fonts, "\n")[2:] {
		if fields := strings.Fields(line); len(fields) > 4 && !strings.Contains(line, "yes yes") {
			t.Errorf("a font of the cover is not embedded as a subset: %s", line)
		}
	}
	cover := strings.Join(strings.Fields(run(t, "pdftotext", "-f", "1", "-l", "1", path, "-")), " ")
	for _, want := range []string{"Annals", "Копия для цитирования", "Белорусы в Китае", "Belarusians in China", "Дудик", "Wang Juncheng",
		"Ссылка для цитирования", "Мероприятие: International Exchange", "https://annals.example/records/jinan-2025-belarusians-in-china",
		"typst-g7-32_databases-lab_reference.pdf, страниц: 23", "1 декабря 2026"} {
		if !strings.Contains(cover, want) {
			t.Errorf("the cover lacks %q:\n%s", want, cover)
		}
	}
	for _, page := range []string{"2", "12", "24"} {
		text := run(t, "pdftotext", "-f", page, "-l", page, path, "-")
		flat := strings.Join(strings.Fields(text), " ")
		// the report's three contributors are named (the line wraps; pdftotext
		// joins "jinan-2025-" and "belarusians")
		if !strings.Contains(flat, "Ссылка для цитирования: Дудик А. М., Wang J., Duan P. Белорусы в Китае") || !strings.Contains(flat, "belarusians-in-china") {
			t.Errorf("page %s lacks the citation line:\n%s", page, flat)
		}
	}
	// the strip's font, copied into the copy with the strip, embedded as a subset
	if strip := run(t, "pdffonts", "-f", "12", "-l", "12", path); !regexp.MustCompile(`\+DejaVuSerif\s+CID TrueType\s+Identity-H\s+yes yes yes`).MatchString(strip) {
		t.Errorf("page 12's strip font is not an embedded subset:\n%s", strip)
	}
	if p5 := run(t, "pdftotext", "-f", "6", "-l", "6", path, "-"); !strings.Contains(strings.Join(strings.Fields(p5), " "), "является одним из распространенных примеров") {
		t.Errorf("page 5 of the report lost its text:\n%s", p5)
	}
	sizes := run(t, "pdfinfo", "-f", "1", "-l", "2", path)
	if !regexp.MustCompile(`Page\s+1 size:\s+595.2\d? x 841.8\d? pts`).MatchString(sizes) || !regexp.MustCompile(`Page\s+2 size:\s+595.2\d? x 859.8\d? pts`).MatchString(sizes) {
		t.Errorf("page sizes: the cover is A4, the report's pages 18 pt taller:\n%s", sizes)
	}
}

// TestCopiesAreKeptUntilWhatTheyShowChanges: the second request is served
// from the cache; a new version of the record, another style or locale
// makes a new copy.
func TestCopiesAreKeptUntilWhatTheyShowChanges(t *testing.T) {
	e := newEnv(t)
	r := *e.records["jinan-2025-belarusians-in-china"]
	req := stamp.Request{Record: &r, Event: &e.events[0], File: e.file(t, "tracemonkey.pdf"), Style: style(t, "apa", "en-US"),
		StyleID: "apa", Language: "en", URL: "https://annals.example/records/" + r.ID}
	open := func() (string, time.Time) {
		f, err := e.stamper.Open(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		st, _ := f.Stat()
		return f.Name(), st.ModTime()
	}
	first, _ := open()
	again, _ := open()
	if first != again {
		t.Errorf("the same copy was made twice: %s, %s", first, again)
	}
	r.Version++
	if changed, _ := open(); changed == first {
		t.Error("a new version of the record kept the old copy")
	}
	req.Style, req.StyleID = style(t, "gost-r-7-0-5-2008", "ru-RU"), "gost-r-7-0-5-2008"
	if other, _ := open(); other == first {
		t.Error("another style kept the old copy")
	}
	n, err := e.stamper.Prune(time.Hour, 0)
	if err != nil || n != 3 {
		t.Errorf("pruning to nothing removed %d: %v", n, err)
	}
}

// TestFilesWithoutCopies: a PDF that needs a password and a file that is
// not a PDF get errors saying so, and nothing is cached.
func TestFilesWithoutCopies(t *testing.T) {
	e := newEnv(t)
	r := e.records["jinan-2025-belarusians-in-china"]
	req := stamp.Request{Record: r, Event: &e.events[0], File: e.file(t, "pdfplumber_password-example.pdf"), Style: style(t, "apa", "en-US"),
		StyleID: "apa", Language: "en", URL: "https://annals.example/records/" + r.ID}
	if _, err := e.stamper.Open(context.Background(), req); !errors.Is(err, pdfdoc.ErrPassword) {
		t.Errorf("a PDF with a password: %v", err)
	}
	req.File.MediaType = "text/plain"
	if _, err := e.stamper.Open(context.Background(), req); !errors.Is(err, stamp.ErrNotPDF) {
		t.Errorf("a text file: %v", err)
	}
	filepath.WalkDir(e.cache, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("left in the cache: %s", path)
		}
		return nil
	})
}
