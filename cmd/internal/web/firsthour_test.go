package web

import (
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/blobs"
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
			Fonts: proceedingstest.Fonts(t), Words: proceedingstest.Words(t)})
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

// TestNoteStyleCitationBox: in Chicago notes and bibliography, whose
// bibliography leaves speeches out, the citation box shows the note (Copy
// copies something) and labels a note as a note, not "In the text".
func TestNoteStyleCitationBox(t *testing.T) {
	e := newPagesEnv(t)
	_, body := get(t, browserClient(t), e.url+"/records/jinan-2025-aldoshin?style=chicago-notes-bibliography", "Accept-Language: en")
	ref := between(body, `id="reference"`, `</div>`)
	if !strings.Contains(ref, "Алдошин") {
		t.Errorf("the citation box is empty for a speech in Chicago notes: %q", ref)
	}
	if strings.Contains(body, "In the text:") {
		t.Error("a note style's note is labelled In the text")
	}
	_, body = get(t, browserClient(t), e.url+"/records/jinan-2025-aldoshin?style=apa", "Accept-Language: en")
	if !strings.Contains(body, "In the text:") {
		t.Error("APA lost its in-text citation")
	}
}

// TestAgreementJSONLD: an agreement is a CreativeWork with its genre, not
// Legislation (which schema.org keeps for laws).
func TestAgreementJSONLD(t *testing.T) {
	e := newPagesEnv(t)
	_, body := get(t, browserClient(t), e.url+"/records/jinan-2025-china-russia-ai-laboratory")
	if strings.Contains(body, `"Legislation"`) || !strings.Contains(body, `"@type":"CreativeWork"`) || !strings.Contains(body, `"genre":"agreement"`) {
		t.Errorf("JSON-LD of an agreement: %s", between(body, `application/ld+json">`, `</script>`))
	}
}

// TestHistoryPageShowsValues: the history page names changes and fields in
// the librarian's language and shows each field's value before and after.
func TestHistoryPageShowsValues(t *testing.T) {
	e := newPagesEnv(t)
	r := e.do("GET", "/api/v1/records/jinan-2025-aldoshin", e.librarian, nil)
	var rec map[string]any
	r.json(t, &rec)
	rec["title"] = "Приветственное слово участникам"
	if w := e.do("PUT", "/api/v1/records/jinan-2025-aldoshin", e.librarian, mustJSON(t, rec), "If-Match: "+r.header.Get("ETag")); w.status != 200 {
		t.Fatalf("update: %d", w.status)
	}
	c := browserClient(t)
	signIn(t, c, e.url, e.librarian)
	_, page := get(t, c, e.url+"/librarian/records/jinan-2025-aldoshin/history?lang=ru")
	for _, want := range []string{"изменена", `<span class="name">Название</span> <del>Приветственное слово</del> <ins>Приветственное слово участникам</ins>`, "создана"} {
		if !strings.Contains(page, want) {
			t.Errorf("the history page lacks %s: %s", want, between(page, "<tbody>", "</tbody>"))
		}
	}
	if strings.Contains(page, ">update<") || strings.Contains(page, ">create<") {
		t.Error("untranslated operations on the history page")
	}
}

// TestTemplatesSayNothingInEnglish: the pages' templates hold no English
// words of their own outside the message catalogue (names of standards and
// identifiers aside), so that every page can be read in Russian and
// Chinese.
func TestTemplatesSayNothingInEnglish(t *testing.T) {
	files, err := fs.Glob(assets.FS(), "templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatal(err)
	}
	allowed := map[string]bool{"API": true, "OAI-PMH": true, "ORCID": true, "DOI": true, "URL": true, "ISBN": true, "ISSN": true, "OK": true}
	action := regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	tag := regexp.MustCompile(`(?s)<[^>]*>`)
	word := regexp.MustCompile(`[A-Za-z][A-Za-z-]{2,}`)
	for _, f := range files {
		data, _ := fs.ReadFile(assets.FS(), f)
		text := tag.ReplaceAllString(action.ReplaceAllString(string(data), " "), "\n")
		for _, w := range word.FindAllString(text, -1) {
			if !allowed[w] {
				t.Errorf("%s: %q is written in the template, not taken from the message catalogue", f, w)
			}
		}
	}
}

// TestBulkAPI: POST /api/v1/records/bulk publishes many drafts at once,
// all or none; readers may not; garbage is a 4xx naming the problem.
func TestBulkAPI(t *testing.T) {
	e := newPagesEnv(t)
	for _, id := range []string{"d1", "d2"} {
		r := speech(id)
		r["status"] = "draft"
		e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, r))
	}
	if r := e.do("POST", "/api/v1/records/bulk", "", []byte(`{"ids":["d1"],"action":"publish"}`)); r.status != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", r.status)
	}
	if r := e.do("POST", "/api/v1/records/bulk", e.librarian, []byte(`{"ids":["d1","nope"],"action":"publish"}`)); r.status != http.StatusNotFound {
		t.Errorf("an unknown id: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/api/v1/records/d1", e.librarian, nil); !strings.Contains(string(r.body), `"status":"draft"`) {
		t.Error("a failed bulk action published d1")
	}
	for body, want := range map[string]int{`{"ids":["d1"],"action":"archive"}`: 422, `{"ids":"d1","action":"publish"}`: 400, `not json`: 400, `{"ids":["d1"],"action":"publish","x":1}`: 400} {
		if r := e.do("POST", "/api/v1/records/bulk", e.librarian, []byte(body)); r.status != want {
			t.Errorf("%s: %d, want %d", body, r.status, want)
		}
	}
	r := e.do("POST", "/api/v1/records/bulk", e.librarian, []byte(`{"ids":["d1","d2"],"action":"publish"}`))
	var rep struct{ Changed []string }
	r.json(t, &rep)
	if r.status != 200 || len(rep.Changed) != 2 {
		t.Errorf("publish: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/api/v1/records/d2", "", nil); r.status != 200 {
		t.Errorf("d2 not published: %d", r.status)
	}
}

// TestWorkQueue: a librarian lists the drafts, publishes several at once
// from the page (one history entry each), and deletes a record from its
// edit page.
func TestWorkQueue(t *testing.T) {
	e := newPagesEnv(t)
	for _, id := range []string{"q1", "q2", "q3"} {
		r := speech(id)
		r["status"], r["title"] = "draft", "Draft talk "+id
		e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, r))
	}
	c := browserClient(t)
	signIn(t, c, e.url, e.librarian)
	_, page := get(t, c, e.url+"/librarian/queue?lang=en")
	for _, id := range []string{"q1", "q2", "q3"} {
		if !strings.Contains(page, `value="`+id+`"`) {
			t.Errorf("the queue lacks %s", id)
		}
	}
	csrf := csrfRe.FindStringSubmatch(page)[1]
	resp, err := c.PostForm(e.url+"/librarian/queue", url.Values{"csrf": {csrf}, "status": {"draft"}, "action": {"publish"}, "ids": {"q1", "q2"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d", resp.StatusCode)
	}
	_, page = get(t, c, e.url+resp.Header.Get("Location")+"&lang=en")
	if !strings.Contains(page, "2 records published.") || strings.Contains(page, `value="q1"`) || !strings.Contains(page, `value="q3"`) {
		t.Errorf("after publishing: %s", between(page, "<main", "</main>"))
	}
	if r := e.do("GET", "/api/v1/records/q1", "", nil); r.status != 200 {
		t.Errorf("q1 not published: %d", r.status)
	}
	_, form := get(t, c, e.url+"/librarian/records/q3/edit")
	if !strings.Contains(form, `action="/librarian/records/q3/delete"`) {
		t.Fatal("no delete on the edit page")
	}
	resp, err = c.PostForm(e.url+"/librarian/records/q3/delete", url.Values{"csrf": {csrf}, "version": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if r := e.do("GET", "/api/v1/records/q3", e.librarian, nil); r.status != http.StatusGone {
		t.Errorf("q3 after delete: %d", r.status)
	}
	if resp, _ := get(t, browserClient(t), e.url+"/librarian/queue"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the queue without signing in: %d", resp.StatusCode)
	}
}

// TestImportAfterPreview: after a preview, "Import … as previewed" imports
// the file kept in the file store without choosing it again — also when
// the confirm reaches another node that shares the store, the files and
// the session key; another librarian's token, or a made-up or altered
// one, finds nothing.
func TestImportAfterPreview(t *testing.T) {
	files, err := blobs.OpenDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var cfg Config
	e := newEnvWith(t, func(c *Config) {
		c.Site, c.SessionKey, c.Blobs = assets.FS(), []byte(strings.Repeat("k", 32)), files
		cfg = *c
	})
	other := httptest.NewServer(New(cfg).Handler()) // a second node
	t.Cleanup(other.Close)
	c := browserClient(t)
	signIn(t, c, e.url, e.librarian)
	csrf := formToken(t, c, e.url+"/librarian/import")
	_, previewPage := uploadImport(t, c, e.url+"/librarian/import?lang=en", csrf, "preview", "talks.bib",
		[]byte("@inproceedings{kept, title={Квантовые сенсоры}, author={Петров, Иван}, year={2025}}\n"))
	preview := []byte(previewPage)
	m := regexp.MustCompile(`name="pending" value="([^"]+)"`).FindSubmatch(preview)
	if m == nil || !strings.Contains(string(preview), "Import talks.bib as previewed") {
		t.Fatalf("no confirm step after the preview: %s", between(string(preview), "<main", "</main>"))
	}
	before, _ := e.store.CountRecords(t.Context())
	if r, _ := c.PostForm(e.url+"/librarian/import", url.Values{"csrf": {csrf}, "action": {"import"}, "pending": {"0123456789abcdef0123456789abcdef"}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("a made-up token: %d", r.StatusCode)
	}
	// A token with its payload changed (another file, another librarian) is refused.
	payload, sig, _ := strings.Cut(string(m[1]), ".")
	forged := base64.RawURLEncoding.EncodeToString([]byte(`{"a":"Someone else","n":"talks.bib","h":"` + strings.Repeat("0", 64) + `","t":"2030-01-01T00:00:00Z"}`))
	for _, token := range []string{forged + "." + sig, payload + "." + strings.Repeat("A", len(sig)), payload} {
		if r, _ := c.PostForm(e.url+"/librarian/import", url.Values{"csrf": {csrf}, "action": {"import"}, "pending": {token}}); r.StatusCode != http.StatusNotFound {
			t.Errorf("a forged token %.20s…: %d", token, r.StatusCode)
		}
	}
	aURL, _ := url.Parse(e.url)
	bURL, _ := url.Parse(other.URL)
	c.Jar.SetCookies(bURL, c.Jar.Cookies(aURL)) // the same site behind a balancer
	r, err := c.PostForm(other.URL+"/librarian/import", url.Values{"csrf": {csrf}, "action": {"import"}, "pending": {string(m[1])}})
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if after, _ := e.store.CountRecords(t.Context()); r.StatusCode != 200 || after != before+1 {
		t.Errorf("import after preview: %d, %d records added", r.StatusCode, after-before)
	}
}

// TestAtomEntriesHaveSummaries: every entry of a feed has a summary; one
// without an abstract says what the record is.
func TestAtomEntriesHaveSummaries(t *testing.T) {
	e := newEnv(t)
	e.loadSample()
	r := e.do("GET", "/feeds/records.atom", "", nil)
	var feed struct {
		Entries []struct {
			ID      string `xml:"id"`
			Summary string `xml:"summary"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(r.body, &feed); err != nil || len(feed.Entries) == 0 {
		t.Fatalf("feed: %v", err)
	}
	for _, en := range feed.Entries {
		if strings.TrimSpace(en.Summary) == "" {
			t.Errorf("%s has no summary", en.ID)
		}
	}
}

// TestRestoreEarlierVersion: from the history page a librarian puts a
// record back as it was; the restoration is a new version.
func TestRestoreEarlierVersion(t *testing.T) {
	e := newPagesEnv(t)
	r := e.do("GET", "/api/v1/records/jinan-2025-aldoshin", e.librarian, nil)
	var rec map[string]any
	r.json(t, &rec)
	rec["title"] = "A wrong title"
	e.do("PUT", "/api/v1/records/jinan-2025-aldoshin", e.librarian, mustJSON(t, rec), "If-Match: "+r.header.Get("ETag"))
	c := browserClient(t)
	signIn(t, c, e.url, e.librarian)
	_, page := get(t, c, e.url+"/librarian/records/jinan-2025-aldoshin/history")
	m := regexp.MustCompile(`name="revision" value="(\d+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no restore button for the first version")
	}
	csrf := csrfRe.FindStringSubmatch(page)[1]
	resp, err := c.PostForm(e.url+"/librarian/records/jinan-2025-aldoshin/restore", url.Values{"csrf": {csrf}, "revision": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var back struct {
		Title   string `json:"title"`
		Version int    `json:"version"`
	}
	e.do("GET", "/api/v1/records/jinan-2025-aldoshin", e.librarian, nil).json(t, &back)
	if resp.StatusCode != http.StatusSeeOther || back.Title != "Приветственное слово" || back.Version != 3 {
		t.Errorf("after restoring: %d %+v", resp.StatusCode, back)
	}
}

// TestSearchFeed: any search has an Atom feed of its newest published
// results, linked from its page; garbage parameters are a 400.
func TestSearchFeed(t *testing.T) {
	e := newPagesEnv(t)
	r := e.do("GET", "/feeds/search.atom?q=energy&kind=presentation", "", nil)
	var feed struct {
		Title   string `xml:"title"`
		Entries []struct {
			ID string `xml:"id"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(r.body, &feed); err != nil || r.status != 200 || len(feed.Entries) == 0 || !strings.Contains(feed.Title, "energy") {
		t.Fatalf("search feed: %d %v %+v", r.status, err, feed)
	}
	if r := e.do("GET", "/feeds/search.atom?kind=poster", "", nil); r.status != http.StatusBadRequest {
		t.Errorf("a bad kind: %d", r.status)
	}
	_, page := get(t, browserClient(t), e.url+"/search?q=energy&kind=presentation")
	if !strings.Contains(page, `<link rel="alternate" type="application/atom+xml" href="/feeds/search.atom?kind=presentation&amp;q=energy"`) {
		t.Error("the search page does not link its feed")
	}
}

// TestEventEditMovesExportValidators: a record's exports and citations
// carry its event's name and place, so editing only the event changes
// their ETag (a cached copy is not answered 304) and moves Last-Modified
// of the exports and the record's page to the edit.
func TestEventEditMovesExportValidators(t *testing.T) {
	e := newPagesEnv(t)
	const id = "jinan-2025-aldoshin"
	paths := []string{"/api/v1/records/" + id + "?format=bibtex", "/api/v1/records/" + id + "/citation?style=gost-r-7-0-5-2008&locale=ru-RU", "/records/" + id}
	before := map[string]string{}
	for _, p := range paths {
		r := e.do("GET", p, "", nil)
		if r.status != http.StatusOK || r.header.Get("Last-Modified") == "" {
			t.Fatalf("%s: %d, Last-Modified %q", p, r.status, r.header.Get("Last-Modified"))
		}
		before[p] = r.header.Get("ETag")
		if tag := before[p]; tag != "" {
			if again := e.do("GET", p, "", nil, "If-None-Match: "+tag); again.status != http.StatusNotModified {
				t.Errorf("%s with its own ETag: %d, want 304", p, again.status)
			}
		}
	}
	got := e.do("GET", "/api/v1/events/jinan-2025", "", nil)
	var ev map[string]any
	got.json(t, &ev)
	ev["place"] = "Jinan, Shandong, China"
	put := e.do("PUT", "/api/v1/events/jinan-2025", e.librarian, mustJSON(t, ev), "If-Match: "+got.header.Get("ETag"))
	if put.status != http.StatusOK {
		t.Fatalf("edit the event: %d %s", put.status, put.body)
	}
	var edited catalog.Event
	put.json(t, &edited)
	for _, p := range paths {
		r := e.do("GET", p, "", nil, "If-None-Match: "+before[p])
		if before[p] != "" && (r.status != http.StatusOK || r.header.Get("ETag") == before[p]) {
			t.Errorf("%s after the event's edit: %d, ETag %s (was %s)", p, r.status, r.header.Get("ETag"), before[p])
		}
		lm, err := http.ParseTime(r.header.Get("Last-Modified"))
		if err != nil || lm.Before(edited.Updated.Truncate(time.Second)) {
			t.Errorf("%s: Last-Modified %q, before the event's edit at %s", p, r.header.Get("Last-Modified"), edited.Updated)
		}
	}
	if r := e.do("GET", paths[0], "", nil); !strings.Contains(string(r.body), "Shandong") {
		t.Errorf("the BibTeX does not carry the new place: %s", r.body)
	}
}

// TestImportPageListsWhatNeedsAttention: a large file's preview lists
// the items with remarks first, then only the first quiet ones, and says
// how many it left out, instead of a row per item.
func TestImportPageListsWhatNeedsAttention(t *testing.T) {
	e := newEnvWith(t, func(c *Config) { c.Site, c.SessionKey = assets.FS(), []byte(strings.Repeat("k", 32)) })
	c := browserClient(t)
	signIn(t, c, e.url, e.librarian)
	csrf := formToken(t, c, e.url+"/librarian/import")
	var bib strings.Builder
	for i := range 120 {
		fmt.Fprintf(&bib, "@article{ok%d, title = {Статья %d}, author = {Иванов, И.}, year = {2025}}\n", i, i)
		if i == 30 || i == 90 {
			fmt.Fprintf(&bib, "@article{bad%d, author = {Иванов, И.}, year = {2025}}\n", i) // no title
		}
	}
	status, html := uploadImport(t, c, e.url+"/librarian/import?lang=en", csrf, "preview", "many.bib", []byte(bib.String()))
	rows := strings.Count(html, `<tr class="valid">`)
	failed := strings.Count(html, `<tr class="failed">`)
	first := strings.Index(html, `<tr class="`)
	if status != 200 || failed != 2 || rows != 50 || !strings.Contains(html, "70 more items have no remarks") ||
		!strings.HasPrefix(html[first:], `<tr class="failed"><td>31</td>`) || !strings.Contains(html, "bad90") {
		t.Fatalf("%d: %d quiet rows, %d failed rows\n%s", status, rows, failed, between(html, "<main", "</main>")[:min(3000, len(html))])
	}
}
