package web

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/analyze"
	"github.com/annals/annals/catalog/blobs"
	"github.com/annals/annals/catalog/pdfdoc"
)

// followFiles runs the file-analysis follower beside the server until the
// test ends.
func followFiles(t *testing.T, e *env, store *blobs.Disk) {
	ctx, cancel := context.WithCancel(context.Background())
	pdf, err := pdfdoc.Open(ctx, pdfdoc.Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		analyze.New(analyze.Config{Log: e.store, Analyses: e.store, Blobs: store, PDF: pdf}).Run(ctx)
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done; pdf.Close() })
}

// waitForFile polls the record until its file named name satisfies ok.
func waitForFile(t *testing.T, e *env, name string, ok func(catalog.File) bool) (catalog.File, response) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		r := e.do("GET", "/api/v1/records/rep", e.librarian, nil)
		var rec catalog.Record
		json.Unmarshal(r.body, &rec)
		if f, _ := rec.FindFile(name); f != nil && ok(*f) {
			return *f, r
		}
		if time.Now().After(deadline) {
			t.Fatalf("file %s never as wanted: %s", name, r.body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestUploadedPDFsGetPagesAndAFirstPage: a PDF uploaded is read in the
// background: the record then gives its page count (its ETag changes, and
// If-Match with it still works), anyone who may read the file gets an
// image of its first page, and a PDF that cannot be read says why to
// librarians.
func TestUploadedPDFsGetPagesAndAFirstPage(t *testing.T) {
	e, store := filesEnv(t)
	followFiles(t, e, store)
	before := e.do("GET", "/api/v1/records/rep", "", nil).header.Get("ETag")
	name := "Доклад.pdf"
	if r := e.upload(url.PathEscape(name), corpusPDF(t, "typst-g7-32_databases-lab_reference.pdf"), e.librarian); r.status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	f, r := waitForFile(t, e, name, func(f catalog.File) bool { return f.Pages > 0 })
	if f.Pages != 23 {
		t.Errorf("%d pages, want 23", f.Pages)
	}
	tag := r.header.Get("ETag")
	if !strings.Contains(tag, ".") || tag == before {
		t.Errorf("ETag %s (before the upload %s)", tag, before)
	}
	if again := e.do("GET", "/api/v1/records/rep", e.librarian, nil, "If-None-Match: "+tag); again.status != http.StatusNotModified {
		t.Errorf("If-None-Match with the new tag: %d", again.status)
	}
	var rec map[string]any
	json.Unmarshal(r.body, &rec)
	rec["title"] = "Отчёт о лабораторной работе"
	if put := e.do("PUT", "/api/v1/records/rep", e.librarian, mustJSON(t, rec), "If-Match: "+tag); put.status != http.StatusOK {
		t.Errorf("PUT with If-Match %s: %d %s", tag, put.status, put.body)
	}
	if list := e.do("GET", "/api/v1/records/rep/files", "", nil); !strings.Contains(string(list.body), `"pages":23`) {
		t.Errorf("the file list: %s", list.body)
	}

	thumb := e.do("GET", "/records/rep/files/"+url.PathEscape(name)+"/thumbnail", "", nil)
	img, err := png.Decode(bytes.NewReader(thumb.body))
	if thumb.status != 200 || thumb.header.Get("Content-Type") != "image/png" || err != nil || img.Bounds().Dx() > analyze.ThumbnailWidth {
		t.Fatalf("the first page: %d %s %v", thumb.status, thumb.header.Get("Content-Type"), err)
	}
	if again := e.do("GET", "/api/v1/records/rep/files/"+url.PathEscape(name)+"/thumbnail", "", nil, "If-None-Match: "+thumb.header.Get("ETag")); again.status != http.StatusNotModified {
		t.Errorf("the first page again: %d", again.status)
	}

	// Restricted: no image without a token; a PDF behind a password says so.
	if r := e.upload("locked.pdf?access=restricted", corpusPDF(t, "pdfplumber_password-example.pdf"), e.librarian); r.status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	f, _ = waitForFile(t, e, "locked.pdf", func(f catalog.File) bool { return f.Text != nil && f.Text.State == catalog.FileFailed })
	if !strings.Contains(f.Text.Reason, "password") {
		t.Errorf("the locked PDF: %+v", f.Text)
	}
	if r := e.do("GET", "/records/rep/files/locked.pdf/thumbnail", "", nil); r.status != http.StatusNotFound {
		t.Errorf("the image of a restricted file, anonymously: %d", r.status)
	}
	if r := e.do("GET", "/records/rep/files/locked.pdf/thumbnail", e.librarian, nil); r.status != http.StatusNotFound {
		t.Errorf("the image of a PDF that cannot be read: %d", r.status)
	}
}

// TestFileTextPageByPage: once read, a PDF's text is served page by page,
// as plain text (form feeds between pages) or JSON; a scan says it has no
// text; a restricted file's text is not found without a token.
func TestFileTextPageByPage(t *testing.T) {
	e, store := filesEnv(t)
	followFiles(t, e, store)
	name := url.PathEscape("Отчёт.pdf")
	if r := e.upload(name, corpusPDF(t, "typst-g7-32_databases-lab_reference.pdf"), e.librarian); r.status != http.StatusCreated {
		t.Fatalf("upload: %d", r.status)
	}
	if r := e.upload("scan.pdf?access=restricted", corpusPDF(t, "issue7229.pdf"), e.librarian); r.status != http.StatusCreated {
		t.Fatalf("upload: %d", r.status)
	}
	f, _ := waitForFile(t, e, "Отчёт.pdf", func(f catalog.File) bool { return f.Text != nil && f.Text.State == catalog.FileDone })
	if f.Text.Pages != 23 || f.Text.Characters < 10000 {
		t.Errorf("the text: %+v", f.Text)
	}
	plain := e.do("GET", "/api/v1/records/rep/files/"+name+"/text", "", nil)
	if plain.status != 200 || !strings.HasPrefix(plain.header.Get("Content-Type"), "text/plain") ||
		strings.Count(string(plain.body), "\f") != 22 || !strings.Contains(strings.Join(strings.Fields(string(plain.body)), " "), "является одним из распространенных примеров") {
		t.Errorf("plain text: %d %s, %d form feeds", plain.status, plain.header.Get("Content-Type"), strings.Count(string(plain.body), "\f"))
	}
	var doc struct {
		Record string `json:"record"`
		Pages  []struct {
			Page int    `json:"page"`
			Text string `json:"text"`
		} `json:"pages"`
	}
	js := e.do("GET", "/api/v1/records/rep/files/"+name+"/text?format=json", "", nil)
	if err := json.Unmarshal(js.body, &doc); err != nil || len(doc.Pages) != 23 || doc.Pages[4].Page != 5 ||
		!strings.Contains(strings.Join(strings.Fields(doc.Pages[4].Text), " "), "является одним из распространенных примеров") {
		t.Errorf("JSON: %v, %d pages", err, len(doc.Pages))
	}
	if r := e.do("GET", "/api/v1/records/rep/files/"+name+"/text?format=pdf", "", nil); r.status != http.StatusBadRequest {
		t.Errorf("format=pdf: %d", r.status)
	}
	waitForFile(t, e, "scan.pdf", func(f catalog.File) bool { return f.Text != nil && f.Text.State == catalog.FileNoText })
	if r := e.do("GET", "/api/v1/records/rep/files/scan.pdf/text", e.librarian, nil); r.status != http.StatusNotFound || !strings.Contains(string(r.body), "OCR") {
		t.Errorf("the scan's text: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/api/v1/records/rep/files/scan.pdf/text", "", nil); r.status != http.StatusNotFound || strings.Contains(string(r.body), "OCR") {
		t.Errorf("a restricted file's text, anonymously: %d %s", r.status, r.body)
	}
}
