package web

import (
	"archive/zip"
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog/blobs"
	"github.com/annals/annals/catalog/catalogtest"
)

// uploadForm writes the record page's upload form: csrf (when not empty)
// first, a label, then the files.
func uploadForm(csrf string, files map[string][]byte) (string, *bytes.Buffer) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if csrf != "" {
		w.WriteField("csrf", csrf)
	}
	w.WriteField("label", "slides")
	for name, data := range files {
		fw, _ := w.CreateFormFile("file", name)
		fw.Write(data)
	}
	w.Close()
	return w.FormDataContentType(), &body
}

// TestLibrarianUploadsOnTheRecordPage: the record page offers librarians a
// form; files sent with it are attached and listed; a form without the
// page's token stores nothing; a file can be removed from the page.
func TestLibrarianUploadsOnTheRecordPage(t *testing.T) {
	store, err := blobs.OpenDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, func(c *Config) {
		c.Site, c.SessionKey, c.Blobs = assets.FS(), []byte(strings.Repeat("k", 32)), store
	})
	catalogtest.LoadSample(t, e.store)
	c := browserClient(t)
	signIn(t, c, e.url, e.librarian)
	page := e.url + "/records/jinan-2025-aldoshin"
	_, html := get(t, c, page)
	m := csrfRe.FindStringSubmatch(html)
	if m == nil || !strings.Contains(html, `enctype="multipart/form-data"`) {
		t.Fatal("no upload form for a librarian")
	}
	post := func(ct string, body *bytes.Buffer) *http.Response {
		req, _ := http.NewRequest("POST", e.url+"/librarian/records/jinan-2025-aldoshin/files", body)
		req.Header.Set("Content-Type", ct)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	before := catalogtest.TakeFingerprint(t, e.store)
	if resp := post(uploadForm("", map[string][]byte{"x.pdf": []byte("%PDF-1.4 x")})); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a form without the token: %d", resp.StatusCode)
	}
	if resp := post(uploadForm("forged", map[string][]byte{"x.pdf": []byte("%PDF-1.4 x")})); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a form with a forged token: %d", resp.StatusCode)
	}
	catalogtest.AssertUnchanged(t, e.store, before)
	if n := blobCount(t, store); n != 0 {
		t.Errorf("refused forms stored %d blobs", n)
	}
	resp := post(uploadForm(m[1], map[string][]byte{"Приветствие.pdf": []byte("%PDF-1.4 slides")}))
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/records/jinan-2025-aldoshin") {
		t.Fatalf("upload: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, html = get(t, c, page)
	if !strings.Contains(html, "Приветствие.pdf") || !strings.Contains(html, "Slides") || !strings.Contains(html, "PDF") {
		t.Errorf("the page does not list the upload")
	}
	// Anyone may open it from the page.
	anon := browserClient(t)
	if r, body := get(t, anon, page); r.StatusCode != 200 || !strings.Contains(body, `href="/records/jinan-2025-aldoshin/files/`) {
		t.Errorf("an anonymous reader sees no link to the file")
	}
	if r, body := get(t, anon, e.url+"/records/jinan-2025-aldoshin/files/%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82%D1%81%D1%82%D0%B2%D0%B8%D0%B5.pdf"); r.StatusCode != 200 || body != "%PDF-1.4 slides" {
		t.Errorf("download from the page: %d %q", r.StatusCode, body)
	}
	// A second file, moved above the first with its arrow.
	if resp := post(uploadForm(m[1], map[string][]byte{"Текст.txt": []byte("текст")})); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second upload: %d", resp.StatusCode)
	}
	_, html = get(t, c, page)
	if !strings.Contains(html, `aria-label="Move Текст.txt up"`) || strings.Contains(html, `aria-label="Move Текст.txt down"`) {
		t.Errorf("the last file's arrows are wrong")
	}
	m = csrfRe.FindStringSubmatch(html)
	mv, err := c.PostForm(e.url+"/librarian/records/jinan-2025-aldoshin/files-move", map[string][]string{"csrf": {m[1]}, "name": {"Текст.txt"}, "to": {"0"}})
	if err != nil {
		t.Fatal(err)
	}
	mv.Body.Close()
	if r, _ := e.store.FindRecordByID(t.Context(), "jinan-2025-aldoshin"); mv.StatusCode != http.StatusSeeOther || len(r.Files) != 2 || r.Files[0].Name != "Текст.txt" {
		t.Errorf("move: %d, %+v", mv.StatusCode, r.Files)
	}
	if bad, _ := c.PostForm(e.url+"/librarian/records/jinan-2025-aldoshin/files-move", map[string][]string{"csrf": {m[1]}, "name": {"Текст.txt"}, "to": {"7"}}); bad.StatusCode != http.StatusBadRequest {
		t.Errorf("a move off the list: %d", bad.StatusCode)
	}
	rm, err := c.PostForm(e.url+"/librarian/records/jinan-2025-aldoshin/files-remove", map[string][]string{"csrf": {m[1]}, "name": {"Приветствие.pdf"}})
	if err != nil {
		t.Fatal(err)
	}
	rm.Body.Close()
	if _, html = get(t, c, page); rm.StatusCode != http.StatusSeeOther || strings.Contains(html, "Приветствие.pdf") {
		t.Errorf("remove: %d", rm.StatusCode)
	}
}

// TestLibrarianImportsAZipWithFiles: the import page takes a ZIP of a
// BibTeX file and the PDFs its entries link (as Zotero exports them), and
// shows, for a BibTeX file alone, which linked files were not attached.
func TestLibrarianImportsAZipWithFiles(t *testing.T) {
	store, err := blobs.OpenDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, func(c *Config) {
		c.Site, c.SessionKey, c.Blobs = assets.FS(), []byte(strings.Repeat("k", 32)), store
	})
	c := browserClient(t)
	signIn(t, c, e.url, e.librarian)
	csrf := formToken(t, c, e.url+"/librarian/import")
	post := func(name string, content []byte) (int, string) {
		return uploadImport(t, c, e.url+"/librarian/import", csrf, "import", name, content)
	}
	bib := `@report{zotero-1, title = {Водородная энергетика}, author = {Петров, Иван}, date = {2025-06-12},
  file = {Full Text PDF:files/7/Петров - 2025 - Водородная энергетика.pdf:application/pdf;Snapshot:https\://example.org/page.html:text/html}}
`
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("Exported Items.bib")
	w.Write([]byte(bib))
	w, _ = zw.Create("files/7/Петров - 2025 - Водородная энергетика.pdf")
	w.Write([]byte("%PDF-1.4 from Zotero"))
	zw.Close()
	status, html := post("Exported Items.zip", buf.Bytes())
	if status != 200 || !strings.Contains(html, `class="created"`) || !strings.Contains(html, `class="field-warning"`) ||
		!strings.Contains(html, "web link, not attached") || !strings.Contains(html, "1 of 1 imported, 0 failed; files: 1") {
		t.Fatalf("a ZIP import: %d\n%s", status, html)
	}
	r, err := e.store.FindRecordByID(t.Context(), "zotero-1")
	if err != nil || len(r.Files) != 1 || r.Files[0].Name != "Петров - 2025 - Водородная энергетика.pdf" || r.Files[0].Label != "fulltext" {
		t.Fatalf("the imported record: %+v %v", r, err)
	}

	// another report (not the same work, or it would be skipped as a duplicate)
	other := strings.Replace(strings.Replace(bib, "zotero-1", "zotero-2", 1), "Водородная энергетика}", "Водородная энергетика: второй доклад}", 1)
	status, html = post("alone.bib", []byte(other))
	if status != 200 || !strings.Contains(html, `class="created"`) || !strings.Contains(html, "the records file came without its files") {
		t.Errorf("a BibTeX file alone: %d\n%s", status, html)
	}
	if status, html = post("bad.zip", []byte("PK not really")); status != http.StatusBadRequest || !strings.Contains(html, "not a ZIP") {
		t.Errorf("a broken ZIP: %d\n%s", status, html)
	}
}
