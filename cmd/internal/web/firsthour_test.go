package web

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/export/jobs"
	"github.com/annals/annals/export/proceedings/proceedingstest"
)

// TestFirstHourFixes: what a new reader hit in their first hour, each
// checked as a browser sees it.
func TestFirstHourFixes(t *testing.T) {
	e := newPagesEnv(t)
	c := browserClient(t)
	html := "Accept: text/html,application/xhtml+xml"

	resp, body := get(t, c, e.url+"/robots.txt")
	if resp.StatusCode != 200 || !strings.Contains(body, "Sitemap: ") || !strings.Contains(body, "Disallow: /librarian/") {
		t.Errorf("robots.txt: %d %q", resp.StatusCode, body)
	}
	resp, body = get(t, c, e.url+"/event/jinan-2025", html)
	if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(body, "<html") {
		t.Errorf("a mistyped page URL: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if r := e.do("GET", "/api/v1/nothing-here", "", nil, "Accept: text/html"); !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("the API answered a browser with %s", r.header.Get("Content-Type"))
	}
	_, body = get(t, c, e.url+"/", "Accept-Language: en")
	if strings.Contains(body, "<title>Annals · Annals</title>") {
		t.Error("the home page is titled Annals · Annals")
	}
	_, body = get(t, c, e.url+"/search?q=energy", "Accept-Language: en")
	if strings.Contains(body, "Clear filters") {
		t.Error("Clear filters shows with no filter chosen")
	}
	if _, body = get(t, c, e.url+"/search?q=energy&kind=report", "Accept-Language: en"); !strings.Contains(body, "Clear filters") {
		t.Error("no Clear filters with a filter chosen")
	}
	_, body = get(t, c, e.url+"/records/jinan-2025-aldoshin", "Accept-Language: en")
	if n := strings.Count(body, `name="citation_title"`); n != 1 {
		t.Errorf("%d citation_title tags", n)
	}
	if !strings.Contains(body, `<meta name="DC.title" content="Opening address">`) {
		t.Error("the translated title is not a DC.title")
	}
	if !strings.Contains(body, `<a class="name" href="/search?contributor=`) {
		t.Error("the contributor's name leads nowhere")
	}
	if strings.Contains(body, ">Publication<") {
		t.Error("the place is still labelled Publication")
	}
	_, body = get(t, c, e.url+"/records/jinan-2025-belarusians-in-china", "Accept-Language: en")
	if !strings.Contains(body, `href="/search?q=keyword%3A%22`) && !strings.Contains(body, `href="/search?topic=`) {
		t.Error("keywords and topics lead nowhere")
	}
	if resp, _ := get(t, c, e.url+"/records/jinan-2025-aldoshin", html); resp.StatusCode != http.StatusOK {
		t.Errorf("record page: %d", resp.StatusCode)
	}
}

// TestWithdrawnRecordPage: a withdrawn record tells a reader so (410),
// with its citation; a draft stays unknown (404).
func TestWithdrawnRecordPage(t *testing.T) {
	e := newPagesEnv(t)
	rec := speech("withdrawn-talk")
	rec["status"] = "withdrawn"
	rec["title"] = "A withdrawn talk"
	if r := e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, rec)); r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	c := browserClient(t)
	resp, body := get(t, c, e.url+"/records/withdrawn-talk", "Accept-Language: en")
	if resp.StatusCode != http.StatusGone || !strings.Contains(body, "was withdrawn") || !strings.Contains(body, `class="reference"`) {
		t.Errorf("withdrawn: %d %s", resp.StatusCode, between(body, "<main", "</main>"))
	}
	draft := speech("draft-talk")
	draft["status"] = "draft"
	e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, draft))
	if resp, _ := get(t, c, e.url+"/records/draft-talk"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("draft: %d", resp.StatusCode)
	}
}

// TestRecordPageCanonicalAndOpenGraph: a record page names its one
// address and describes itself to the sites a link is shared on.
func TestRecordPageCanonicalAndOpenGraph(t *testing.T) {
	e := newEnvWith(t, func(c *Config) {
		c.Site, c.SessionKey, c.BaseURL = assets.FS(), []byte(strings.Repeat("k", 32)), "https://annals.example.org"
	})
	catalogtest.LoadSample(t, e.store)
	e.catchUp()
	_, body := get(t, browserClient(t), e.url+"/records/jinan-2025-aldoshin")
	for _, want := range []string{`<link rel="canonical" href="https://annals.example.org/records/jinan-2025-aldoshin">`,
		`<meta property="og:title" content="Приветственное слово">`, `<meta property="og:url" content="https://annals.example.org/records/jinan-2025-aldoshin">`} {
		if !strings.Contains(body, want) {
			t.Errorf("the record page lacks %s", want)
		}
	}
}

// TestPublishedProceedingsForReaders: a reader who is not signed in
// downloads an event's proceedings (a real PDF of its published records),
// made once and made again when a record changes; an unknown session is a
// 404 page.
func TestPublishedProceedingsForReaders(t *testing.T) {
	pdfinfo := catalogtest.RequireTool(t, "pdfinfo", "apt install poppler-utils")
	var runner *jobs.Runner
	e := newEnvWith(t, func(c *Config) {
		var err error
		runner, err = jobs.New(jobs.Config{Catalog: c.Store, Jobs: c.Store.(catalog.ExportJobStore), Dir: t.TempDir(), Styles: c.Styles,
			Fonts: testFonts(t), Words: proceedingstest.Words(t)})
		if err != nil {
			t.Fatal(err)
		}
		c.Exports, c.Site, c.SessionKey = runner, assets.FS(), []byte(strings.Repeat("k", 32))
	})
	catalogtest.LoadSample(t, e.store)
	pdfPages := func(t *testing.T, pdf []byte) int {
		path := filepath.Join(t.TempDir(), "p.pdf")
		os.WriteFile(path, pdf, 0o600)
		out, err := exec.Command(pdfinfo, path).Output()
		if err != nil {
			t.Fatalf("pdfinfo: %v", err)
		}
		m := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(string(out))
		if m == nil {
			t.Fatalf("pdfinfo: %s", out)
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	c := &http.Client{}
	fetch := func(path string) (*http.Response, []byte) {
		resp, err := c.Get(e.url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		buf := make([]byte, 32<<10)
		for {
			n, err := resp.Body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return resp, []byte(b.String())
	}
	resp, pdf := fetch("/events/jinan-2025/proceedings.pdf?session=ai")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("proceedings: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	pages := pdfPages(t, pdf)
	_, again := fetch("/events/jinan-2025/proceedings.pdf?session=ai")
	if string(again) != string(pdf) {
		t.Error("the same proceedings were made twice")
	}
	r := e.do("GET", "/api/v1/records/jinan-2025-ai-16", e.librarian, nil)
	var rec map[string]any
	r.json(t, &rec)
	rec["title"] = "A changed title for the proceedings"
	if w := e.do("PUT", "/api/v1/records/jinan-2025-ai-16", e.librarian, mustJSON(t, rec), `If-Match: `+r.header.Get("ETag")); w.status != 200 {
		t.Fatalf("update: %d %s", w.status, w.body)
	}
	if _, changed := fetch("/events/jinan-2025/proceedings.pdf?session=ai"); string(changed) == string(pdf) {
		t.Error("the proceedings did not change with a record")
	}
	if pages < 2 {
		t.Errorf("%d pages", pages)
	}
	if resp, _ := fetch("/events/jinan-2025/proceedings.pdf?session=nope"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown session: %d", resp.StatusCode)
	}
}
