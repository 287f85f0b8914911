package analyze_test

import (
	"archive/zip"
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/analyze"
	"github.com/annals/annals/catalog/blobs"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/pdfdoc"
	"github.com/annals/annals/catalog/sqlite"
)

type env struct {
	store *sqlite.Store
	blobs *blobs.Disk
	pdf   *pdfdoc.Reader
	mu    sync.Mutex
	done  []catalog.FileAnalysis
}

func newEnv(t *testing.T) *env {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "annals.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	b, err := blobs.OpenDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pdf, err := pdfdoc.Open(ctx, pdfdoc.Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pdf.Close() })
	return &env{store: store, blobs: b, pdf: pdf}
}

// follow runs a follower until the test ends or stop is called.
func (e *env) follow(t *testing.T) (stop func()) {
	return e.followWith(t, nil)
}

func (e *env) followWith(t *testing.T, ocr *analyze.OCR) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	f := analyze.New(analyze.Config{Log: e.store, Analyses: e.store, Blobs: e.blobs, PDF: e.pdf, OCR: ocr, Done: func(a catalog.FileAnalysis) {
		e.mu.Lock()
		e.done = append(e.done, a)
		e.mu.Unlock()
	}})
	finished := make(chan struct{})
	go func() { f.Run(ctx); close(finished) }()
	stop = func() { cancel(); <-finished }
	t.Cleanup(stop)
	return stop
}

// waitFor waits until n analyses have been made.
func (e *env) waitFor(t *testing.T, n int) []catalog.FileAnalysis {
	return e.waitWithin(t, n, time.Minute)
}

// waitWithin waits until n analyses have been made, for at most d.
func (e *env) waitWithin(t *testing.T, n int, d time.Duration) []catalog.FileAnalysis {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		e.mu.Lock()
		got := append([]catalog.FileAnalysis(nil), e.done...)
		e.mu.Unlock()
		if len(got) >= n {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("fewer than %d analyses after %v", n, d)
	return nil
}

// attach creates a record with the corpus PDFs named.
func (e *env) attach(t *testing.T, id string, names ...string) []string {
	ctx := context.Background()
	r := catalog.Record{ID: id, Kind: catalog.KindReport, Title: "Отчёт " + id, Status: catalog.StatusPublished,
		Contributors: []catalog.Contributor{{Family: "Иванов", Role: catalog.RoleAuthor}}}
	if err := e.store.CreateRecord(ctx, &r); err != nil {
		t.Fatal(err)
	}
	var shas []string
	_, err := e.store.SetRecordFiles(ctx, id, 0, func(files []catalog.File) ([]catalog.File, error) {
		for _, name := range names {
			f, err := os.Open(catalogtest.SharedPath(t, "corpora", "pdfs", name))
			if err != nil {
				return nil, err
			}
			b, err := e.blobs.Put(ctx, f, 1<<30, "")
			f.Close()
			if err != nil {
				return nil, err
			}
			shas = append(shas, b.SHA256)
			files = append(files, catalog.File{Name: name, MediaType: "application/pdf", Size: b.Size, SHA256: b.SHA256,
				Label: catalog.LabelFulltext, Access: catalog.AccessOpen, Created: time.Now().UTC().Truncate(time.Second)})
		}
		return files, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return shas
}

// TestFollowerAnalyzesEachPDFOnce: the follower finds the PDFs records
// name, reads each set of bytes once however many records hold it, keeps
// the page count and a first-page image, fails a PDF behind a password
// with a reason, and after a restart goes on from where it stopped.
func TestFollowerAnalyzesEachPDFOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	shas := e.attach(t, "one", "tracemonkey.pdf", "pdfplumber_password-example.pdf")
	e.attach(t, "two", "tracemonkey.pdf") // the same bytes again
	stop := e.follow(t)
	done := e.waitFor(t, 2)
	got, err := e.store.FindFileAnalyses(ctx, shas)
	if err != nil {
		t.Fatal(err)
	}
	if a := got[shas[0]]; a.State != catalog.FileDone || a.Pages != 14 {
		t.Errorf("tracemonkey.pdf: %+v", a)
	}
	if a := got[shas[1]]; a.State != catalog.FileFailed || !strings.Contains(a.Reason, "password") || a.Pages != 0 {
		t.Errorf("the PDF behind a password: %+v", a)
	}
	img, err := e.store.FindFileThumbnail(ctx, shas[0])
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := png.Decode(bytes.NewReader(img))
	if err != nil || decoded.Bounds().Dx() > analyze.ThumbnailWidth || decoded.Bounds().Dy() > analyze.ThumbnailHeight || decoded.Bounds().Dx() < 100 {
		t.Errorf("the first page: %v, %v", decoded.Bounds(), err)
	}
	if _, err := e.store.FindFileThumbnail(ctx, shas[1]); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("an image of the PDF behind a password: %v", err)
	}
	stop()
	if len(done) != 2 {
		t.Errorf("%d analyses for 2 sets of bytes", len(done))
	}

	// A new follower goes on from where the last one stopped.
	more := e.attach(t, "three", "typst-g7-32_databases-lab_reference.pdf", "tracemonkey.pdf")
	e.follow(t)
	done = e.waitFor(t, 3)
	if len(done) != 3 || done[2].SHA256 != more[0] || done[2].Pages != 23 {
		t.Errorf("after a restart: %+v", done)
	}
}

// TestBrokenFilesFailThemselvesOnly: bytes that are not a PDF, and bytes
// missing from the store, each end failed with a reason, and the follower
// goes on to the next file.
func TestBrokenFilesFailThemselvesOnly(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	fake, _ := e.blobs.Put(ctx, strings.NewReader("%PDF-1.7\nnot really a PDF"), 1<<20, "")
	r := catalog.Record{ID: "broken", Kind: catalog.KindReport, Title: "Broken", Status: catalog.StatusPublished,
		Contributors: []catalog.Contributor{{Family: "Smith", Role: catalog.RoleAuthor}}}
	if err := e.store.CreateRecord(ctx, &r); err != nil {
		t.Fatal(err)
	}
	missing := strings.Repeat("e", 64)
	now := time.Now().UTC().Truncate(time.Second)
	if _, err := e.store.SetRecordFiles(ctx, "broken", 0, func([]catalog.File) ([]catalog.File, error) {
		return []catalog.File{
			{Name: "fake.pdf", MediaType: "application/pdf", Size: fake.Size, SHA256: fake.SHA256, Label: "other", Access: "open", Created: now},
			{Name: "gone.pdf", MediaType: "application/pdf", Size: 10, SHA256: missing, Label: "other", Access: "open", Created: now},
		}, nil
	}); err != nil {
		t.Fatal(err)
	}
	good := e.attach(t, "good", "tracemonkey.pdf")
	e.follow(t)
	e.waitFor(t, 3)
	got, _ := e.store.FindFileAnalyses(ctx, []string{fake.SHA256, missing, good[0]})
	if a := got[fake.SHA256]; a.State != catalog.FileFailed || !strings.Contains(a.Reason, "cannot be read as a PDF") {
		t.Errorf("not a PDF: %+v", a)
	}
	if a := got[missing]; a.State != catalog.FileFailed || !strings.Contains(a.Reason, "annals check") {
		t.Errorf("missing bytes: %+v", a)
	}
	if a := got[good[0]]; a.State != catalog.FileDone || a.Pages != 14 {
		t.Errorf("the good PDF after the broken ones: %+v", a)
	}
}

// TestTextIsKeptPageByPage: the text of each page is stored, found on the
// page poppler finds it on; a scan with no text layer is no-text, saying
// it needs OCR.
func TestTextIsKeptPageByPage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	shas := e.attach(t, "texts", "typst-g7-32_databases-lab_reference.pdf", "issue7229.pdf", "pdfplumber_issue-67-example.pdf")
	e.follow(t)
	e.waitFor(t, 3)
	got, _ := e.store.FindFileAnalyses(ctx, shas)
	if a := got[shas[0]]; a.TextState != catalog.FileDone || a.Characters < 10000 || a.Pages != 23 {
		t.Errorf("the Russian report: %+v", a)
	}
	if a := got[shas[1]]; a.TextState != catalog.FileNoText || !strings.Contains(a.Reason, "OCR") || a.State != catalog.FileDone || a.Pages != 2 {
		t.Errorf("the scan: %+v", a)
	}
	for _, tc := range []struct {
		sha    string
		page   int
		phrase string
		pages  int
	}{{shas[0], 5, "является одним из распространенных примеров", 23}, {shas[2], 22, "季度报告未经审计", 22}} {
		n := 0
		err := e.store.EachFilePage(ctx, tc.sha, func(page int, text string) error {
			n++
			if in := strings.Contains(strings.Join(strings.Fields(text), " "), tc.phrase); in != (page == tc.page) {
				t.Errorf("%q on page %d: %v", tc.phrase, page, in)
			}
			return nil
		})
		if err != nil || n != tc.pages {
			t.Errorf("%d pages stored, want %d: %v", n, tc.pages, err)
		}
	}
}

// TestTextOfOtherDocuments: Markdown, HTML and a DOCX are read like PDFs:
// their text page by page; one that is damaged fails with the reason;
// files Annals does not read (an image) get no analysis.
func TestTextOfOtherDocuments(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	var docx bytes.Buffer
	z := zip.NewWriter(&docx)
	w, _ := z.Create("word/document.xml")
	w.Write([]byte(`<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>Белорусы в Китае</w:t></w:r></w:p><w:p><w:r><w:br w:type="page"/><w:t>第二页</w:t></w:r></w:p></w:body></w:document>`))
	z.Close()
	files := []struct{ name, mediaType, body string }{
		{"notes.md", "text/markdown; charset=utf-8", "# Заголовок\n\nТекст с [ссылкой](https://example.org).\f Вторая страница"},
		{"page.html", "text/html; charset=utf-8", "<html><script>secret()</script><p>Видимый текст</p></html>"},
		{"report.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx.String()},
		{"broken.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "PK\x03\x04 not a zip"},
		{"photo.png", "image/png", "\x89PNG\r\n\x1a\n"},
	}
	r := catalog.Record{ID: "docs", Kind: catalog.KindReport, Title: "Документы", Status: catalog.StatusPublished,
		Contributors: []catalog.Contributor{{Family: "Иванов", Role: catalog.RoleAuthor}}}
	if err := e.store.CreateRecord(ctx, &r); err != nil {
		t.Fatal(err)
	}
	shas := map[string]string{}
	_, err := e.store.SetRecordFiles(ctx, "docs", 0, func([]catalog.File) ([]catalog.File, error) {
		var out []catalog.File
		for _, f := range files {
			b, err := e.blobs.Put(ctx, strings.NewReader(f.body), 1<<20, "")
			if err != nil {
				return nil, err
			}
			shas[f.name] = b.SHA256
			out = append(out, catalog.File{Name: f.name, MediaType: f.mediaType, Size: b.Size, SHA256: b.SHA256, Label: "other", Access: "open",
				Created: time.Now().UTC().Truncate(time.Second)})
		}
		return out, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	e.follow(t)
	e.waitFor(t, 4)
	pagesOf := func(name string) []string {
		var pages []string
		e.store.EachFilePage(ctx, shas[name], func(_ int, text string) error { pages = append(pages, text); return nil })
		return pages
	}
	if p := pagesOf("notes.md"); len(p) != 2 || !strings.Contains(p[0], "Текст с ссылкой.") || strings.Contains(p[0], "https") {
		t.Errorf("Markdown: %q", p)
	}
	if p := pagesOf("page.html"); len(p) != 1 || !strings.Contains(p[0], "Видимый текст") || strings.Contains(p[0], "secret") {
		t.Errorf("HTML: %q", p)
	}
	if p := pagesOf("report.docx"); len(p) != 2 || p[0] != "Белорусы в Китае" || p[1] != "第二页" {
		t.Errorf("DOCX: %q", p)
	}
	got, _ := e.store.FindFileAnalyses(ctx, []string{shas["broken.docx"], shas["photo.png"], shas["report.docx"]})
	if a := got[shas["broken.docx"]]; a.TextState != catalog.FileFailed || !strings.Contains(a.Reason, "not a ZIP") {
		t.Errorf("a broken DOCX: %+v", a)
	}
	if a := got[shas["report.docx"]]; a.TextState != catalog.FileDone || a.Pages != 2 || a.Characters != 17 {
		t.Errorf("the DOCX: %+v", a)
	}
	if _, ok := got[shas["photo.png"]]; ok {
		t.Error("an image was analysed")
	}
}

// TestScansAreReadByOCR: with tesseract installed, a scan with no text
// layer (a Russian vehicle inspection form) is read from its page images
// and its words stored page by page, saying they came from OCR.
func TestScansAreReadByOCR(t *testing.T) {
	catalogtest.RequireTool(t, "tesseract", "apt install tesseract-ocr tesseract-ocr-rus tesseract-ocr-chi-sim")
	ocr, ok := analyze.FindOCR(context.Background())
	if !ok || !strings.Contains(ocr.Languages(), "rus") {
		t.Fatalf("tesseract without its Russian model (%v): apt install tesseract-ocr-rus", ocr)
	}
	e := newEnv(t)
	ctx := context.Background()
	shas := e.attach(t, "scan", "issue7229.pdf")
	e.followWith(t, ocr)
	e.waitWithin(t, 1, 5*time.Minute) // two pages: about 15 s here
	got, _ := e.store.FindFileAnalyses(ctx, shas)
	a := got[shas[0]]
	if a.TextState != catalog.FileDone || !strings.Contains(a.Reason, "OCR") || a.Pages != 2 || a.Characters < 100 {
		t.Fatalf("the scan: %+v", a)
	}
	var text strings.Builder
	e.store.EachFilePage(ctx, shas[0], func(_ int, page string) error { text.WriteString(page); return nil })
	if !strings.Contains(strings.ToLower(text.String()), "диагностическая") {
		t.Errorf("the scan's text: %q", text.String())
	}
}
