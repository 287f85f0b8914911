package web

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog/blobs"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/pdfdoc"
	"github.com/annals/annals/export/proceedings"
	"github.com/annals/annals/export/proceedings/proceedingstest"
	"github.com/annals/annals/export/stamp"
)

// stampedEnv is a server that keeps files and makes citation-ready copies,
// with the published record "rep".
func stampedEnv(t *testing.T) *env {
	t.Helper()
	files, err := blobs.OpenDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	stamper := stamp.New(stamp.Config{Blobs: files, CacheDir: filepath.Join(t.TempDir(), "stamped"), Catalogue: "Annals",
		Render: proceedings.Options{Fonts: proceedingstest.Fonts(t), Words: proceedingstest.Words(t)},
		PDF: func(ctx context.Context) (*pdfdoc.Reader, error) {
			return pdfdoc.Open(ctx, pdfdoc.Options{CacheDir: filepath.Join(os.TempDir(), "annals-test-pdfium-cache")})
		}})
	t.Cleanup(func() { stamper.Close() })
	e := newEnvWith(t, func(c *Config) {
		c.Blobs, c.Site, c.SessionKey, c.Stamper, c.BaseURL = files, assets.FS(), []byte(strings.Repeat("k", 32)), stamper, "https://annals.example"
	})
	r := speech("rep")
	r["status"] = "published"
	if c := e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, r)); c.status != http.StatusCreated {
		t.Fatalf("create: %d %s", c.status, c.body)
	}
	return e
}

// TestStampedCopiesOverHTTP: a reader downloads the citation-ready copy of
// an open PDF in the style and locale asked for (a cover, then the
// original pages, each with the citation), revalidates it by its ETag, and
// finds the link on the record page; what cannot be stamped is answered
// with a 4xx that says why, never a broken file.
func TestStampedCopiesOverHTTP(t *testing.T) {
	catalogtest.RequireTool(t, "pdftotext", "apt install poppler-utils")
	e := stampedEnv(t)
	name := url.PathEscape("Отчёт.pdf")
	if r := e.upload(name, corpusPDF(t, "tracemonkey.pdf"), e.librarian); r.status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	r := e.do("GET", "/api/v1/records/rep/files/"+name+"?stamped=true&style=gost-r-7-0-5-2008&locale=ru-RU", "", nil)
	if r.status != 200 || r.header.Get("Content-Type") != "application/pdf" || !strings.Contains(r.header.Get("Content-Disposition"), "(citation-ready).pdf") {
		t.Fatalf("stamped copy: %d %v %.200s", r.status, r.header, r.body)
	}
	path := filepath.Join(t.TempDir(), "copy.pdf")
	os.WriteFile(path, r.body, 0o600)
	info, _ := exec.Command("pdfinfo", path).Output()
	if !strings.Contains(strings.Join(strings.Fields(string(info)), " "), "Pages: 15") {
		t.Errorf("a 14-page PDF with its cover: %s", info)
	}
	cover, _ := exec.Command("pdftotext", "-l", "1", path, "-").Output()
	last, _ := exec.Command("pdftotext", "-f", "15", path, "-").Output()
	for _, text := range []string{string(cover), string(last)} {
		if flat := strings.Join(strings.Fields(text), " "); !strings.Contains(flat, "Ссылка для цитирования") || !strings.Contains(flat, "https://annals.example/records/rep") {
			t.Errorf("no citation in GOST with the record's address:\n%s", flat)
		}
	}
	// the same copy again: not modified
	etag := r.header.Get("ETag")
	if again := e.do("GET", "/records/rep/files/"+name+"?stamped=true&style=gost-r-7-0-5-2008&locale=ru-RU", "", nil, "If-None-Match: "+etag); again.status != http.StatusNotModified {
		t.Errorf("revalidating %s: %d", etag, again.status)
	}
	if apa := e.do("GET", "/records/rep/files/"+name+"?stamped=true", "", nil); apa.status != 200 || apa.header.Get("ETag") == etag {
		t.Errorf("APA is another copy: %d %s", apa.status, apa.header.Get("ETag"))
	}
	page := e.do("GET", "/records/rep", "", nil)
	if !strings.Contains(string(page.body), `href="/records/rep/files/`+name+`?stamped=true&amp;style=apa"`) || !strings.Contains(string(page.body), "PDF with citation") {
		t.Errorf("the record page has no link to the copy")
	}

	e.upload("locked.pdf", corpusPDF(t, "pdfplumber_password-example.pdf"), e.librarian)
	e.upload("notes.txt", []byte("plain words"), e.librarian)
	e.upload("secret.pdf?access=restricted", corpusPDF(t, "tracemonkey.pdf"), e.librarian)
	for _, tc := range []struct {
		path   string
		status int
		says   string
	}{
		{"locked.pdf?stamped=true", 422, "password"},
		{"notes.txt?stamped=true", 422, "not a PDF"},
		{name + "?stamped=true&style=nonesuch", 400, "not a style"},
		{name + "?stamped=true&locale=ru_RU!", 400, "language tag"},
		{name + "?stamped=maybe", 400, "true or false"},
		{name + "?style=apa", 400, "stamped=true"},
		{"secret.pdf?stamped=true", 404, "no file"},
	} {
		got := e.do("GET", "/api/v1/records/rep/files/"+tc.path, "", nil)
		if got.status != tc.status || !strings.Contains(string(got.body), tc.says) {
			t.Errorf("%s: %d %s, want %d saying %q", tc.path, got.status, got.body, tc.status, tc.says)
		}
	}
}
