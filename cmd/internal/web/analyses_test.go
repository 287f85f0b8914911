package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/analyze"
	"github.com/annals/annals/catalog/blobs"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/pdfdoc"
	"github.com/annals/annals/search"
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

// fulltextEnv is a server whose search finds records by their files' text:
// a blob store, the file follower, the pages index and the records index,
// all following the store as cmd/annals runs them.
func fulltextEnv(t *testing.T) *env {
	t.Helper()
	store, err := blobs.OpenDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var pages *search.Pages
	e := newEnvWith(t, func(c *Config) {
		c.Blobs, c.Site, c.SessionKey = store, assets.FS(), []byte(strings.Repeat("k", 32))
	})
	pages, err = search.OpenPages(filepath.Join(t.TempDir(), "pages"), e.store, nil)
	if err != nil {
		t.Fatal(err)
	}
	index, err := search.Open(context.Background(), filepath.Join(t.TempDir(), "index"), e.store, search.Options{Pages: pages})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { pages.Run(ctx); done <- struct{}{} }()
	go func() { index.Run(ctx); done <- struct{}{} }()
	t.Cleanup(func() { cancel(); <-done; <-done; index.Close(); pages.Close() })
	e.server.cfg.Search, e.index = index, index
	followFiles(t, e, store)
	r := speech("rep")
	r["status"] = "published"
	if c := e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, r)); c.status != http.StatusCreated {
		t.Fatalf("create: %d %s", c.status, c.body)
	}
	return e
}

// TestSearchFindsTheTextOfFiles: once a PDF's text is read, the search API
// finds its record by words only the PDF holds, with the file, the page
// and a marked snippet, and a link that opens the PDF at the page; a
// restricted file's words find nothing without a token.
func TestSearchFindsTheTextOfFiles(t *testing.T) {
	e := fulltextEnv(t)
	if r := e.upload(url.PathEscape("Отчёт.pdf"), corpusPDF(t, "typst-g7-32_databases-lab_reference.pdf"), e.librarian); r.status != http.StatusCreated {
		t.Fatalf("upload: %d", r.status)
	}
	if r := e.upload("closed.pdf?access=restricted", corpusPDF(t, "tracemonkey.pdf"), e.librarian); r.status != http.StatusCreated {
		t.Fatalf("upload: %d", r.status)
	}
	type hit struct {
		ID       string `json:"id"`
		Fulltext []struct {
			File, Snippet, URL string
			Page               int
		} `json:"fulltext"`
	}
	find := func(q, token string) []hit {
		var res struct{ Hits []hit }
		r := e.do("GET", "/api/v1/search?q="+url.QueryEscape(q), token, nil)
		if err := json.Unmarshal(r.body, &res); err != nil || r.status != 200 {
			t.Fatalf("search %q: %d %s", q, r.status, r.body)
		}
		return res.Hits
	}
	deadline := time.Now().Add(time.Minute)
	var hits []hit
	for {
		if hits = find(`"распространенных примеров"`, ""); len(hits) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(hits) != 1 || hits[0].ID != "rep" || len(hits[0].Fulltext) == 0 {
		t.Fatalf("a phrase of the PDF: %+v", hits)
	}
	ft := hits[0].Fulltext[0]
	if ft.File != "Отчёт.pdf" || ft.Page != 5 || !strings.Contains(ft.Snippet, "<mark>") ||
		ft.URL != "/records/rep/files/"+url.PathEscape("Отчёт.pdf")+"#page=5" {
		t.Errorf("the page found: %+v", ft)
	}
	// Search inside the one file: the pages in page order.
	var inFile struct {
		Pages []struct {
			Page    int
			Snippet string
		}
	}
	r := e.do("GET", "/api/v1/records/rep/files/"+url.PathEscape("Отчёт.pdf")+"/search?q="+url.QueryEscape(`"Структура и правила оформления"`), "", nil)
	if json.Unmarshal(r.body, &inFile) != nil || len(inFile.Pages) == 0 || inFile.Pages[len(inFile.Pages)-1].Page != 23 ||
		!strings.Contains(inFile.Pages[0].Snippet, "<mark>") {
		t.Errorf("a phrase inside the file: %d %s", r.status, r.body)
	}
	for i := 1; i < len(inFile.Pages); i++ {
		if inFile.Pages[i].Page <= inFile.Pages[i-1].Page {
			t.Errorf("pages out of order: %+v", inFile.Pages)
		}
	}
	page := e.do("GET", "/records/rep?in="+url.QueryEscape("Отчёт.pdf")+"&q="+url.QueryEscape("распространенных примеров"), "", nil)
	if page.status != 200 || !strings.Contains(string(page.body), `class="in-file-hits"`) ||
		!strings.Contains(string(page.body), url.PathEscape("Отчёт.pdf")+"#page=5") {
		t.Errorf("the record page's search in the file: %d", page.status)
	}
	if r := e.do("GET", "/api/v1/records/rep/files/"+url.PathEscape("Отчёт.pdf")+"/search", "", nil); r.status != http.StatusBadRequest {
		t.Errorf("no q: %d", r.status)
	}
	if r := e.do("GET", "/api/v1/records/rep/files/closed.pdf/search?q=trace", "", nil); r.status != http.StatusNotFound {
		t.Errorf("inside a restricted file, anonymously: %d", r.status)
	}
	var filtered struct{ Hits []hit }
	if r := e.do("GET", "/api/v1/search?has_fulltext=true&label=other", "", nil); json.Unmarshal(r.body, &filtered) != nil ||
		len(filtered.Hits) != 1 || filtered.Hits[0].ID != "rep" {
		t.Errorf("has_fulltext=true&label=other: %s", r.body)
	}
	if r := e.do("GET", "/api/v1/search?has_fulltext=maybe", "", nil); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "has_fulltext") {
		t.Errorf("has_fulltext=maybe: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/api/v1/search?label=poster", "", nil); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "label") {
		t.Errorf("label=poster: %d %s", r.status, r.body)
	}
	for time.Now().Before(deadline) && len(find("text:trace", e.librarian)) == 0 {
		time.Sleep(100 * time.Millisecond)
	}
	if got := find("text:trace", e.librarian); len(got) != 1 || got[0].Fulltext[0].File != "closed.pdf" {
		t.Errorf("a restricted file's word, for a librarian: %+v", got)
	}
	if got := find("text:trace", ""); len(got) != 0 {
		t.Errorf("a restricted file's word, anonymously: %+v", got)
	}
}

// TestCorpusPhrasesAreFoundOnTheirPages attaches every PDF of the
// real-world corpus to a record of its own through the API. Every phrase
// its manifest lists (as poppler extracts it) is then found by a search,
// as a phrase and as free words, on its record, with the right file and
// page; the PDF behind a password fails saying so; the scan has no text;
// the server answers throughout.
func TestCorpusPhrasesAreFoundOnTheirPages(t *testing.T) {
	e := fulltextEnv(t)
	data, err := os.ReadFile(catalogtest.SharedPath(t, "corpora", "pdfs", "MANIFEST.json"))
	if err != nil {
		t.Fatal(err)
	}
	var entries []struct {
		File     string `json:"file"`
		Kind     string `json:"kind"`
		Language string `json:"language"`
		Phrases  []struct {
			Text string `json:"text"`
			Page int    `json:"page"`
		} `json:"phrases"`
	}
	if err := json.Unmarshal(data, &entries); err != nil {
		t.Fatal(err)
	}
	for i, en := range entries {
		id := fmt.Sprintf("pdf-%02d", i)
		r := speech(id)
		r["status"] = "published"
		if c := e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, r)); c.status != http.StatusCreated {
			t.Fatalf("create %s: %d %s", id, c.status, c.body)
		}
		put := e.do("PUT", "/api/v1/records/"+id+"/files/"+url.PathEscape(en.File), e.librarian, corpusPDF(t, en.File))
		if put.status != http.StatusCreated {
			t.Fatalf("upload %s: %d %s", en.File, put.status, put.body)
		}
	}
	state := func(i int) *catalog.FileText {
		var rec catalog.Record
		json.Unmarshal(e.do("GET", fmt.Sprintf("/api/v1/records/pdf-%02d", i), e.librarian, nil).body, &rec)
		if len(rec.Files) == 0 {
			return nil
		}
		return rec.Files[0].Text
	}
	deadline := time.Now().Add(3 * time.Minute)
	for i := 0; i < len(entries); {
		if st := state(i); st != nil && st.State != catalog.FilePending {
			i++
			continue
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s was never read", entries[i].File)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for i, en := range entries {
		st := state(i)
		// The language of each file's text is told from the text.
		if st.State == catalog.FileDone && st.Language != en.Language {
			t.Errorf("%s: language %q, want %q", en.File, st.Language, en.Language)
		}
		switch en.Kind {
		case "scanned":
			if st.State != catalog.FileNoText {
				t.Errorf("%s: %+v, want no-text", en.File, st)
			}
		case "encrypted":
			if len(en.Phrases) == 0 && (st.State != catalog.FileFailed || !strings.Contains(st.Reason, "password")) {
				t.Errorf("%s: %+v, want failed for its password", en.File, st)
			}
		}
	}
	type hit struct {
		ID       string `json:"id"`
		Fulltext []struct {
			File string
			Page int
		} `json:"fulltext"`
	}
	var lastPages []int
	find := func(q, want string) (found, onPage bool) {
		var res struct{ Hits []hit }
		r := e.do("GET", "/api/v1/search?size=100&q="+url.QueryEscape(q), "", nil)
		if r.status != 200 || json.Unmarshal(r.body, &res) != nil {
			t.Fatalf("search %q: %d %s", q, r.status, r.body)
		}
		lastPages = nil
		for _, h := range res.Hits {
			if h.ID == want {
				for _, p := range h.Fulltext {
					lastPages = append(lastPages, p.Page)
				}
				return true, false
			}
		}
		return false, false
	}
	phrases := 0
	for i, en := range entries {
		id := fmt.Sprintf("pdf-%02d", i)
		for _, p := range en.Phrases {
			phrases++
			if found, _ := find(`"`+p.Text+`"`, id); !found || !slices.Contains(lastPages, p.Page) {
				t.Errorf("%s: the phrase %q: found %v on pages %v, want page %d", en.File, p.Text, found, lastPages, p.Page)
			}
			if found, _ := find(p.Text, id); !found {
				t.Errorf("%s: the words %q do not find it", en.File, p.Text)
			}
		}
	}
	if phrases < 30 {
		t.Errorf("only %d phrases", phrases)
	}
}
