package web

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/blobs"
	"github.com/annals/annals/catalog/catalogtest"
)

// filesEnv is a server with a blob store and one published record.
func filesEnv(t *testing.T, configure ...func(*Config)) (*env, *blobs.Disk) {
	t.Helper()
	store, err := blobs.OpenDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, func(c *Config) {
		c.Blobs = store
		for _, f := range configure {
			f(c)
		}
	})
	r := speech("rep")
	r["status"] = "published"
	if c := e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, r)); c.status != http.StatusCreated {
		t.Fatalf("create: %d %s", c.status, c.body)
	}
	return e, store
}

// upload PUTs data as a file of record rep.
func (e *env) upload(name string, data []byte, token string, headers ...string) response {
	e.t.Helper()
	req, _ := http.NewRequest("PUT", e.url+"/api/v1/records/rep/files/"+name, bytes.NewReader(data))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

func corpusPDF(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(catalogtest.SharedPath(t, "corpora", "pdfs", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func blobCount(t *testing.T, b *blobs.Disk) int {
	n := 0
	b.List(context.Background(), func(catalog.Blob) error { n++; return nil })
	return n
}

// TestFileRoundTrip: a real PDF with a Cyrillic name is uploaded, listed,
// downloaded byte-identical (whole, by range, conditionally), is a change
// in the record's history, is replaced, relabelled, renamed and removed.
func TestFileRoundTrip(t *testing.T) {
	e, store := filesEnv(t)
	pdf := corpusPDF(t, "tracemonkey.pdf")
	sum := sha256.Sum256(pdf)
	name := url.PathEscape("Белорусы в Китае.pdf")
	digest := "Content-Digest: sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
	r := e.upload(name+"?label=fulltext&language=ru", pdf, e.librarian, "Content-Type: application/pdf", digest)
	var f catalog.File
	r.json(e.t, &f)
	if r.status != http.StatusCreated || f.SHA256 != hex.EncodeToString(sum[:]) || f.Size != int64(len(pdf)) || f.MediaType != "application/pdf" ||
		f.Label != "fulltext" || f.Access != "open" || f.Language != "ru" || r.header.Get("ETag") != `"2"` || r.header.Get("Location") == "" {
		t.Fatalf("upload: %d %+v %s", r.status, f, r.body)
	}
	list := e.do("GET", "/api/v1/records/rep/files", "", nil)
	if list.status != 200 || !strings.Contains(string(list.body), "Белорусы в Китае.pdf") {
		t.Errorf("list: %d %s", list.status, list.body)
	}
	get := e.do("GET", "/api/v1/records/rep/files/"+name, "", nil)
	if get.status != 200 || !bytes.Equal(get.body, pdf) || get.header.Get("ETag") != `"`+f.SHA256+`"` ||
		!strings.HasPrefix(get.header.Get("Content-Disposition"), "inline;") ||
		!strings.Contains(get.header.Get("Content-Disposition"), "filename*=UTF-8''"+url.PathEscape("Белорусы в Китае.pdf")) {
		t.Fatalf("download: %d, %d bytes, %v", get.status, len(get.body), get.header)
	}
	part := e.do("GET", "/records/rep/files/"+name, "", nil, "Range: bytes=100-199")
	if part.status != http.StatusPartialContent || !bytes.Equal(part.body, pdf[100:200]) {
		t.Errorf("range from the page address: %d, %d bytes", part.status, len(part.body))
	}
	if nm := e.do("GET", "/api/v1/records/rep/files/"+name, "", nil, `If-None-Match: "`+f.SHA256+`"`); nm.status != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", nm.status)
	}
	var hist historyResponse
	e.do("GET", "/api/v1/records/rep/history", e.librarian, nil).json(t, &hist)
	if last := hist.Changes[len(hist.Changes)-1]; len(last.Changes) == 0 || last.Changes[0].Field != "files" {
		t.Errorf("the upload is not a change in the history: %+v", last)
	}

	// Replaced: 200, the label kept; the same bytes again are stored once.
	r2 := e.upload(name, []byte("%PDF-1.4 a tiny stand-in"), e.librarian)
	r2.json(t, &f)
	if r2.status != http.StatusOK || f.Label != "fulltext" || f.Language != "ru" {
		t.Errorf("replace: %d %+v", r2.status, f)
	}
	e.upload(url.PathEscape("copy.pdf"), pdf, e.librarian)
	if n := blobCount(t, store); n != 2 {
		t.Errorf("%d blobs for two distinct contents", n)
	}

	patch := e.do("PATCH", "/api/v1/records/rep/files/"+name, e.librarian, []byte(`{"name":"Belarusians.pdf","access":"embargoed","embargo_until":"2999-01-01"}`))
	patch.json(t, &f)
	if patch.status != 200 || f.Name != "Belarusians.pdf" || f.Access != "embargoed" {
		t.Fatalf("patch: %d %s", patch.status, patch.body)
	}
	if r := e.do("GET", "/api/v1/records/rep/files/Belarusians.pdf", "", nil); r.status != http.StatusForbidden || !strings.Contains(r.problem(t).Detail, "2999-01-01") {
		t.Errorf("an embargoed file, anonymously: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/api/v1/records/rep/files/Belarusians.pdf", e.librarian, nil); r.status != 200 {
		t.Errorf("an embargoed file, for a librarian: %d", r.status)
	}
	e.do("PATCH", "/api/v1/records/rep/files/Belarusians.pdf", e.librarian, []byte(`{"access":"restricted"}`))
	if r := e.do("GET", "/api/v1/records/rep/files/Belarusians.pdf", "", nil); r.status != http.StatusNotFound {
		t.Errorf("a restricted file, anonymously: %d", r.status)
	}
	if r := e.do("GET", "/api/v1/records/rep/files", "", nil); strings.Contains(string(r.body), "Belarusians") {
		t.Errorf("a restricted file is listed anonymously: %s", r.body)
	}
	if r := e.do("DELETE", "/api/v1/records/rep/files/Belarusians.pdf", e.librarian, nil); r.status != http.StatusNoContent {
		t.Errorf("delete: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/api/v1/records/rep/files/Belarusians.pdf", e.librarian, nil); r.status != http.StatusNotFound {
		t.Errorf("after delete: %d", r.status)
	}
}

// TestFileBadInput: each refusal is a 4xx naming the problem, and stores
// nothing: no blob, no change of the record.
func TestFileBadInput(t *testing.T) {
	e, store := filesEnv(t, func(c *Config) { c.MaxFileBytes = 1000 })
	for _, tc := range []struct {
		what, name string
		data       []byte
		token      string
		headers    []string
		status     int
	}{
		{"zero bytes", "empty.txt", nil, e.librarian, nil, 422},
		{"over the limit, declared", "big.bin", bytes.Repeat([]byte("x"), 1001), e.librarian, nil, 413},
		{"a name with ../", url.PathEscape("../etc/passwd"), []byte("x"), e.librarian, nil, 422},
		{"a name with a slash", "a%2Fb.txt", []byte("x"), e.librarian, nil, 422},
		{"a name with NUL", "a%00b.txt", []byte("x"), e.librarian, nil, 422},
		{"a name with a line break", "a%0Ab.txt", []byte("x"), e.librarian, nil, 422},
		{"a trailing dot", "report.", []byte("x"), e.librarian, nil, 422},
		{"a trailing space", "report%20", []byte("x"), e.librarian, nil, 422},
		{"a name of 300 bytes", strings.Repeat("a", 300), []byte("x"), e.librarian, nil, 422},
		{"dot dot", "..", []byte("x"), e.librarian, nil, 422},
		{"a digest mismatch", "x.txt", []byte("hello"), e.librarian, []string{"Content-Digest: sha-256=:" + base64.StdEncoding.EncodeToString(make([]byte, 32)) + ":"}, 400},
		{"a malformed digest", "x.txt", []byte("hello"), e.librarian, []string{"Content-Digest: sha-256=:abc:"}, 400},
		{"a PDF that is not one", "report.pdf", []byte("<html>not a pdf</html>"), e.librarian, nil, 422},
		{"said PDF by Content-Type", "report", []byte("plain text"), e.librarian, []string{"Content-Type: application/pdf"}, 422},
		{"a bad label", "x.txt?label=poster", []byte("x"), e.librarian, nil, 422},
		{"an embargo without a date", "x.txt?access=embargoed", []byte("x"), e.librarian, nil, 422},
		{"an unknown parameter", "x.txt?colour=red", []byte("x"), e.librarian, nil, 400},
		{"no token", "x.txt", []byte("x"), "", nil, 401},
	} {
		t.Run(tc.what, func(t *testing.T) {
			before := catalogtest.TakeFingerprint(t, e.store)
			blobsBefore := blobCount(t, store)
			r := e.upload(tc.name, tc.data, tc.token, tc.headers...)
			if r.status != tc.status {
				t.Fatalf("%d, want %d: %s", r.status, tc.status, r.body)
			}
			if r.status != 404 && r.problem(t).Detail == "" && len(r.problem(t).Errors) == 0 {
				t.Errorf("the refusal says nothing: %s", r.body)
			}
			catalogtest.AssertUnchanged(t, e.store, before)
			if n := blobCount(t, store); n != blobsBefore {
				t.Errorf("a refused upload stored a blob (%d → %d)", blobsBefore, n)
			}
		})
	}
}

// TestUndeclaredOversizeUpload: a body sent without a length that grows
// past the limit is cut off with 413 and nothing stored.
func TestUndeclaredOversizeUpload(t *testing.T) {
	e, store := filesEnv(t, func(c *Config) { c.MaxFileBytes = 1000 })
	pr, pw := io.Pipe()
	go func() {
		pw.Write(bytes.Repeat([]byte("y"), 5000))
		pw.Close()
	}()
	req, _ := http.NewRequest("PUT", e.url+"/api/v1/records/rep/files/big.txt", pr)
	req.Header.Set("Authorization", "Bearer "+e.librarian)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || blobCount(t, store) != 0 {
		t.Errorf("an undeclared oversize body: %d, %d blobs", resp.StatusCode, blobCount(t, store))
	}
}

// TestActiveContentIsNeverRunOnTheSite: an HTML file with a script is
// served as a download in a sandbox.
func TestActiveContentIsNeverRunOnTheSite(t *testing.T) {
	e, _ := filesEnv(t)
	html := []byte("<!DOCTYPE html><html><body><script>document.cookie</script></body></html>")
	if r := e.upload("page.html", html, e.librarian, "Content-Type: text/plain"); r.status != 201 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	r := e.do("GET", "/records/rep/files/page.html", "", nil)
	if !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment;") || r.header.Get("Content-Security-Policy") != "sandbox" ||
		r.header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Errorf("an HTML file is served as %v", r.header)
	}
}

// TestFilesOfADraftAreHidden: a draft's files are not found without a
// token, nor is a record's restricted file listed.
func TestFilesOfADraftAreHidden(t *testing.T) {
	e, _ := filesEnv(t)
	e.upload("notes.txt", []byte("draft notes"), e.librarian)
	r := speech("rep")
	r["status"] = "draft"
	e.do("PUT", "/api/v1/records/rep", e.librarian, mustJSON(t, r), `If-Match: "2"`)
	for _, path := range []string{"/api/v1/records/rep/files", "/api/v1/records/rep/files/notes.txt", "/records/rep/files/notes.txt"} {
		if r := e.do("GET", path, "", nil); r.status != http.StatusNotFound {
			t.Errorf("%s of a draft, anonymously: %d", path, r.status)
		}
	}
	if r := e.do("GET", "/api/v1/records/rep/files/notes.txt", e.librarian, nil); r.status != 200 || string(r.body) != "draft notes" {
		t.Errorf("for a librarian: %d %q", r.status, r.body)
	}
	// The record's own PUT keeps its files: they change through these endpoints only.
	var rec catalog.Record
	e.do("GET", "/api/v1/records/rep", e.librarian, nil).json(t, &rec)
	if len(rec.Files) != 1 {
		t.Errorf("a record PUT dropped its files: %+v", rec.Files)
	}
}

// TestMultipartUpload: a form with two files and a label.
func TestMultipartUpload(t *testing.T) {
	e, _ := filesEnv(t)
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("label", "slides")
	fw, _ := w.CreateFormFile("file", "слайды.pdf")
	fw.Write([]byte("%PDF-1.7 slides"))
	fw, _ = w.CreateFormFile("file", "notes.md")
	fw.Write([]byte("# Notes\n\nMarkdown text."))
	w.Close()
	req, _ := http.NewRequest("POST", e.url+"/api/v1/records/rep/files", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.librarian)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || !strings.Contains(string(out), `"слайды.pdf"`) || !strings.Contains(string(out), "text/markdown") ||
		strings.Count(string(out), `"label":"slides"`) != 2 {
		t.Errorf("multipart: %d %s", resp.StatusCode, out)
	}
}

// TestRestrictedFilesAreNotInTheRecord: a record read without a token does
// not name its restricted files.
func TestRestrictedFilesAreNotInTheRecord(t *testing.T) {
	e, _ := filesEnv(t)
	e.upload("open.txt", []byte("open"), e.librarian)
	e.upload("secret-minutes.txt?access=restricted", []byte("secret"), e.librarian)
	for _, path := range []string{"/api/v1/records/rep", "/api/v1/records?size=5"} {
		anon := e.do("GET", path, "", nil)
		if strings.Contains(string(anon.body), "secret-minutes") || !strings.Contains(string(anon.body), "open.txt") {
			t.Errorf("%s anonymously: %s", path, anon.body)
		}
		if lib := e.do("GET", path, e.librarian, nil); !strings.Contains(string(lib.body), "secret-minutes") {
			t.Errorf("%s for a librarian lacks the restricted file", path)
		}
	}
}

// TestFilesInMetadataForHarvesters: an open PDF is named where Google
// Scholar (citation_pdf_url), schema.org (encoding) and Dublin Core
// (dc:identifier) readers look; a restricted file is not.
func TestFilesInMetadataForHarvesters(t *testing.T) {
	e, _ := filesEnv(t, func(c *Config) {
		c.Site, c.SessionKey, c.BaseURL = assets.FS(), []byte(strings.Repeat("k", 32)), "https://annals.example.org"
	})
	e.upload("Report.pdf?label=fulltext", []byte("%PDF-1.4 report"), e.librarian)
	e.upload("minutes.pdf?access=restricted", []byte("%PDF-1.4 minutes"), e.librarian)
	page := string(e.do("GET", "/records/rep", "", nil).body)
	if !strings.Contains(page, `<meta name="citation_pdf_url" content="https://annals.example.org/records/rep/files/Report.pdf">`) {
		t.Errorf("no citation_pdf_url for the open full text")
	}
	if !strings.Contains(page, `"contentUrl":"https://annals.example.org/records/rep/files/Report.pdf"`) {
		t.Errorf("no schema.org encoding for the open file")
	}
	dc := string(e.do("GET", "/api/v1/records/rep?format=dc", "", nil).body)
	if !strings.Contains(dc, "<dc:identifier>https://annals.example.org/records/rep/files/Report.pdf</dc:identifier>") ||
		!strings.Contains(dc, "<dc:format>application/pdf</dc:format>") {
		t.Errorf("Dublin Core lacks the file: %s", dc)
	}
	for _, doc := range []string{page, dc} {
		if strings.Contains(doc, "minutes.pdf") {
			t.Errorf("a restricted file is named for harvesters")
		}
	}
}

// TestNFDTwinIsTheSameName: a name sent decomposed (NFD) is the composed
// (NFC) name: it replaces the file, never a twin beside it.
func TestNFDTwinIsTheSameName(t *testing.T) {
	e, _ := filesEnv(t)
	nfc, nfd := "Ёлка.txt", "Е\u0308лка.txt"
	if r := e.upload(url.PathEscape(nfc), []byte("one"), e.librarian); r.status != 201 {
		t.Fatalf("NFC: %d", r.status)
	}
	if r := e.upload(url.PathEscape(nfd), []byte("two"), e.librarian); r.status != 200 {
		t.Errorf("the NFD twin: %d, want 200 (replaced)", r.status)
	}
	var list struct{ Files []catalog.File }
	e.do("GET", "/api/v1/records/rep/files", "", nil).json(t, &list)
	if len(list.Files) != 1 || list.Files[0].Name != nfc {
		t.Errorf("files: %+v", list.Files)
	}
}

// TestConcurrentUploadsOfOneName: two uploads of one name at once both
// finish, and the file is wholly one of them, never a mix.
func TestConcurrentUploadsOfOneName(t *testing.T) {
	e, _ := filesEnv(t)
	a, b := bytes.Repeat([]byte("A"), 3<<20), bytes.Repeat([]byte("B"), 3<<20)
	done := make(chan int, 2)
	for _, data := range [][]byte{a, b} {
		go func() { done <- e.upload("same.bin", data, e.librarian).status }()
	}
	for range 2 {
		if s := <-done; s != 201 && s != 200 {
			t.Errorf("an upload answered %d", s)
		}
	}
	got := e.do("GET", "/api/v1/records/rep/files/same.bin", "", nil).body
	if !bytes.Equal(got, a) && !bytes.Equal(got, b) {
		t.Errorf("the file is a mix of the two uploads (%d bytes)", len(got))
	}
}

// TestUploadToAFullDisk: an upload that does not fit answers 507 and
// leaves nothing: no blob, no temporary file, the record unchanged. It
// needs to mount a small tmpfs (root); elsewhere it skips.
func TestUploadToAFullDisk(t *testing.T) {
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs here (%v: %s); the full-disk test needs root", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { exec.Command("umount", "-l", mnt).Run() })
	store, err := blobs.OpenDisk(mnt)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, func(c *Config) { c.Blobs = store })
	r := speech("rep")
	r["status"] = "published"
	e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, r))
	before := catalogtest.TakeFingerprint(t, e.store)
	res := e.upload("big.bin", bytes.Repeat([]byte("z"), 3<<20), e.librarian)
	if res.status != http.StatusInsufficientStorage || !strings.Contains(res.problem(t).Detail, "disk is full") {
		t.Errorf("an upload to a full disk: %d %s", res.status, res.body)
	}
	catalogtest.AssertUnchanged(t, e.store, before)
	if left, _ := filepath.Glob(filepath.Join(mnt, "tmp", "*")); len(left) != 0 || blobCount(t, store) != 0 {
		t.Errorf("left behind: %v, %d blobs", left, blobCount(t, store))
	}
}

// TestImportZipWithFiles: POST /api/v1/import with a ZIP of a records file
// and the files it names: a dry run checks them and stores nothing; the
// import attaches them; a missing file fails its record, naming it.
func TestImportZipWithFiles(t *testing.T) {
	e, store := filesEnv(t)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("records.ndjson")
	w.Write([]byte(`{"id":"z1","kind":"report","status":"published","title":"Доклад","contributors":[{"family":"Ли"}],"files":[{"name":"Доклад.pdf","path":"files/report.pdf","label":"fulltext"}]}` + "\n" +
		`{"id":"z2","kind":"report","title":"Missing","contributors":[{"family":"Smith"}],"files":[{"path":"files/nope.pdf"}]}` + "\n"))
	w, _ = zw.Create("files/report.pdf")
	w.Write([]byte("%PDF-1.4 from a zip"))
	zw.Close()
	dry := e.do("POST", "/api/v1/import?dry_run=true", e.librarian, buf.Bytes(), "Content-Type: application/zip")
	if dry.status != 200 || !strings.Contains(string(dry.body), `files/nope.pdf\" is not among the import's files`) || blobCount(t, store) != 0 {
		t.Fatalf("dry run: %d %s (%d blobs)", dry.status, dry.body, blobCount(t, store))
	}
	r := e.do("POST", "/api/v1/import", e.librarian, buf.Bytes(), "Content-Type: application/zip")
	if r.status != 200 || !strings.Contains(string(r.body), `"imported":1`) {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	got := e.do("GET", "/api/v1/records/z1/files/"+url.PathEscape("Доклад.pdf"), "", nil)
	if got.status != 200 || string(got.body) != "%PDF-1.4 from a zip" {
		t.Errorf("the imported file: %d %q", got.status, got.body)
	}
	if bad := e.do("POST", "/api/v1/import", e.librarian, []byte("not a zip"), "Content-Type: application/zip"); bad.status != 400 {
		t.Errorf("a body that is not a ZIP: %d", bad.status)
	}
}

// TestPatchMovesAFile: PATCH with position reorders the record's files; a
// place outside the list is a 422 naming position, and changes nothing.
func TestPatchMovesAFile(t *testing.T) {
	e, _ := filesEnv(t)
	for _, name := range []string{"a.txt", "b.txt", "c.txt"} {
		if r := e.upload(name, []byte("text "+name), e.librarian); r.status != http.StatusCreated {
			t.Fatalf("upload %s: %d", name, r.status)
		}
	}
	order := func() string {
		var rec catalog.Record
		json.Unmarshal(e.do("GET", "/api/v1/records/rep", e.librarian, nil).body, &rec)
		var out []string
		for _, f := range rec.Files {
			out = append(out, f.Name)
		}
		return strings.Join(out, " ")
	}
	if r := e.do("PATCH", "/api/v1/records/rep/files/c.txt", e.librarian, []byte(`{"position":0}`)); r.status != 200 || order() != "c.txt a.txt b.txt" {
		t.Errorf("moving c.txt first: %d %s, order %s", r.status, r.body, order())
	}
	before := catalogtest.TakeFingerprint(t, e.store)
	for _, body := range []string{`{"position":3}`, `{"position":-1}`, `{"position":"first"}`} {
		r := e.do("PATCH", "/api/v1/records/rep/files/a.txt", e.librarian, []byte(body))
		if r.status != http.StatusUnprocessableEntity && r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "position") {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}
	catalogtest.AssertUnchanged(t, e.store, before)
}

// TestDroppedUploadLeavesNothing: a client that sends part of a file and
// hangs up leaves no file on the record, no stored bytes and no temporary
// file, and the server goes on serving.
func TestDroppedUploadLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	store, err := blobs.OpenDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, func(c *Config) { c.Blobs = store })
	r := speech("rep")
	r["status"] = "published"
	e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, r))
	before := catalogtest.TakeFingerprint(t, e.store)
	u, _ := url.Parse(e.url)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "PUT /api/v1/records/rep/files/half.pdf HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", u.Host, e.librarian, 10<<20)
	conn.Write(append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 1<<20)...))
	time.Sleep(100 * time.Millisecond) // the server is reading
	conn.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		left, _ := filepath.Glob(filepath.Join(dir, "tmp", "*"))
		if len(left) == 0 && blobCount(t, store) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("left behind after the client hung up: %v, %d blobs", left, blobCount(t, store))
		}
		time.Sleep(20 * time.Millisecond)
	}
	catalogtest.AssertUnchanged(t, e.store, before)
	if r := e.upload("whole.pdf", []byte("%PDF-1.4 whole"), e.librarian); r.status != http.StatusCreated {
		t.Errorf("an upload after the dropped one: %d", r.status)
	}
}
