package web

import (
	"context"
	"encoding/json"
	"github.com/annals/annals/export/proceedings/proceedingstest"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/export/jobs"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// siteEnv is a server with its pages, the sample catalogue, an export
// runner, and a headless Chromium to use them.
type siteEnv struct {
	*env
	browser context.Context
	shots   string
}

func newSiteEnv(t *testing.T) *siteEnv {
	t.Helper()
	chromium := catalogtest.RequireTool(t, "chromium", "apt install chromium")
	var runner *jobs.Runner
	e := newEnvWith(t, func(c *Config) {
		c.Site, c.SessionKey = assets.FS(), []byte(strings.Repeat("k", 32))
		var err error
		runner, err = jobs.New(jobs.Config{Catalog: c.Store, Jobs: c.Store.(catalog.ExportJobStore), Dir: t.TempDir(), Styles: c.Styles, Fonts: proceedingstest.Fonts(t), Words: proceedingstest.Words(t), Search: SearchIDs(c.Search)})
		if err != nil {
			t.Fatal(err)
		}
		c.Exports = runner
	})
	catalogtest.LoadSample(t, e.store)
	e.catchUp()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); runner.Run(ctx) }()
	t.Cleanup(func() { cancel(); wg.Wait() })

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1200, 1400))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	bctx, cancelTimeout := context.WithTimeout(bctx, 2*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	shots := os.Getenv("ANNALS_SCREENSHOTS")
	if shots == "" {
		shots = filepath.Join(os.TempDir(), "annals-screenshots")
	}
	os.MkdirAll(shots, 0o755)
	return &siteEnv{env: e, browser: bctx, shots: shots}
}

// do runs steps in the browser.
func (se *siteEnv) steps(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(se.browser, steps...); err != nil {
		t.Fatal(err)
	}
}

// value runs one action that returns a value.
func value[T any](t *testing.T, se *siteEnv, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(se.browser, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func (se *siteEnv) text(t *testing.T, sel string) string {
	t.Helper()
	return strings.TrimSpace(value(t, se, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible)))
}

func (se *siteEnv) attr(t *testing.T, sel, name string) string {
	t.Helper()
	return value(t, se, chromedp.AttributeValue(chromedp.CSS(sel), name)).Value
}

func (se *siteEnv) screenshot(t *testing.T, name string) {
	t.Helper()
	buf := value(t, se, chromedp.FullScreenshot(100)) // quality 100: PNG
	path := filepath.Join(se.shots, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

func TestBrowserSearchInThreeLanguagesAndFacets(t *testing.T) {
	se := newSiteEnv(t)
	for _, tc := range []struct{ lang, q, first string }{
		{"en", "Armenian speech recognition", "Speech recognition for Armenian: data and models"},
		{"ru", "Белорусы в Китае", "Белорусы в Китае"},
		{"zh", "超级计算 大模型", "面向超级计算的人工智能大模型训练"},
	} {
		se.steps(t, chromedp.Navigate(se.url+"/?lang="+tc.lang),
			chromedp.SendKeys(chromedp.ID("q"), tc.q), chromedp.Submit(chromedp.ID("q")),
			chromedp.WaitVisible(chromedp.CSS(".hit h2 a")))
		first, htmlLang := se.text(t, ".hit h2 a"), se.attr(t, "html", "lang")
		if first != tc.first || htmlLang != tc.lang {
			t.Errorf("%s %q: first result %q, page in %q", tc.lang, tc.q, first, htmlLang)
		}
		if tc.lang == "zh" {
			se.screenshot(t, "search-zh")
		}
	}
	// a facet narrows the results and shows as chosen
	se.steps(t, chromedp.Navigate(se.url+"/search?q=technology&lang=en"))
	before := se.text(t, "#results-heading")
	se.steps(t, chromedp.Click(chromedp.CSS(`section[data-facet="kind"] a`)), chromedp.WaitVisible(chromedp.CSS(`section[data-facet="kind"] a.on`)))
	after, chosen := se.text(t, "#results-heading"), se.text(t, `section[data-facet="kind"] a.on`)
	loc := value(t, se, chromedp.Location())
	if before == after || !strings.Contains(loc, "kind=") || chosen == "" {
		t.Errorf("facet: %q -> %q at %s, chosen %q", before, after, loc, chosen)
	}
	se.screenshot(t, "search-facet")
	// nothing found: a helpful empty state
	se.steps(t, chromedp.Navigate(se.url+"/search?q=zzqqxxyy&lang=en"))
	if empty := se.text(t, ".empty"); !strings.Contains(empty, "Aldoshin") {
		t.Errorf("empty state: %q", empty)
	}
}

func TestBrowserRecordCitationCopy(t *testing.T) {
	se := newSiteEnv(t)
	se.steps(t, chromedp.Navigate(se.url+"/records/jinan-2025-aldoshin?lang=en"), chromedp.WaitVisible(chromedp.ID("reference")),
		chromedp.Click(chromedp.CSS("button.copy")), chromedp.WaitVisible(chromedp.CSS("button.copy[data-copied-text]"), chromedp.NodeReady))
	copied, status := se.attr(t, "button.copy", "data-copied-text"), se.text(t, ".copy-status")
	r := se.do("GET", "/api/v1/records/jinan-2025-aldoshin/citation?style=apa", "", nil)
	if copied != string(r.body) || status != "Copied" {
		t.Errorf("copied %q (status %q); the API's APA reference is %q", copied, status, r.body)
	}
	se.screenshot(t, "record")
	// another style: picking it asks for the page again in that style
	value(t, se, chromedp.Evaluate[bool](`(function () { var s = document.getElementById("style");
		s.value = "gost-r-7-0-5-2008"; setTimeout(function () { s.dispatchEvent(new Event("change")); }, 20); return true })()`))
	se.steps(t, chromedp.Sleep(700*time.Millisecond), chromedp.WaitVisible(chromedp.ID("reference")))
	if loc := value(t, se, chromedp.Location()); !strings.Contains(loc, "style=gost-r-7-0-5-2008") {
		t.Errorf("picking GOST led to %s", loc)
	}
	if ref := se.text(t, "#reference"); !strings.Contains(ref, "Алдошин С. М.") {
		t.Errorf("GOST reference %q", ref)
	}
}

func TestBrowserScriptInATitleIsText(t *testing.T) {
	se := newSiteEnv(t)
	rec := speech("xss-test")
	rec["title"] = "<script>document.title='owned'</script>"
	rec["event"], rec["session"] = "jinan-2025", "opening"
	if r := se.do("POST", "/api/v1/records", se.librarian, mustJSON(t, rec)); r.status != http.StatusCreated {
		t.Fatalf("%d %s", r.status, r.body)
	}
	se.catchUp()
	for _, path := range []string{"/records/xss-test", "/search?q=" + url.QueryEscape("document title owned"), "/events/jinan-2025"} {
		se.steps(t, chromedp.Navigate(se.url+path))
		inline := value(t, se, chromedp.Evaluate[int](`document.querySelectorAll("script:not([src]):not([type='application/ld+json'])").length`))
		title := value(t, se, chromedp.Title())
		body := value(t, se, chromedp.Evaluate[string](`document.body.innerText`))
		if inline != 0 || title == "owned" || !strings.Contains(body, "<script>document.title='owned'</script>") {
			t.Errorf("%s: %d inline scripts, title %q; the title is not shown as text", path, inline, title)
		}
	}
}

func TestBrowserLibrarianCreatesARecordAndBuildsProceedings(t *testing.T) {
	se := newSiteEnv(t)
	// signing in sends back where we were going
	se.steps(t, chromedp.Navigate(se.url+"/librarian/records/new?lang=en"), chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), se.librarian), chromedp.Submit(chromedp.ID("token")),
		chromedp.WaitVisible(chromedp.ID("f-title")))
	if loc := value(t, se, chromedp.Location()); !strings.HasSuffix(loc, "/librarian/records/new?lang=en") {
		t.Errorf("after sign-in: %s", loc)
	}
	se.steps(t, chromedp.SetValue(chromedp.ID("f-title"), "Цифровые двойники городов"),
		chromedp.SetValue(chromedp.ID("f-language"), "ru"),
		chromedp.SetValue(chromedp.ID("f-date"), "2025-13-40"),
		chromedp.SetValue(chromedp.ID("f-contributors"), "Иванова, Мария; speaker; Институт истории; RU"),
		chromedp.SetValue(chromedp.ID("f-event"), "jinan-2025"), chromedp.SetValue(chromedp.ID("f-session"), "ai"),
		chromedp.SetValue(chromedp.ID("f-status"), "published"),
		chromedp.Submit(chromedp.ID("f-title")), chromedp.WaitVisible(chromedp.ID("f-date-error")))
	msg := se.text(t, "#f-date-error")
	if !strings.Contains(strings.ToLower(msg), "date") && !strings.Contains(msg, "2025-13-40") {
		t.Errorf("the message beside the date: %q", msg)
	}
	if v := value(t, se, chromedp.Evaluate[string](`document.getElementById("f-title").value`)); v != "Цифровые двойники городов" {
		t.Errorf("the form lost what was typed: %q", v)
	}
	se.screenshot(t, "record-form-error")
	se.steps(t, chromedp.SetValue(chromedp.ID("f-date"), "2025-06-05"), chromedp.Submit(chromedp.ID("f-title")),
		chromedp.WaitVisible(chromedp.CSS("article.record")))
	title := se.text(t, "h1")
	if title != "Цифровые двойники городов" {
		t.Fatalf("after saving: %q", title)
	}
	se.catchUp()
	se.steps(t, chromedp.Navigate(se.url+"/search?q="+url.QueryEscape("цифровые двойники")))
	if hit := se.text(t, ".hit h2 a"); hit != title {
		t.Errorf("the new record is not found first: %q", hit)
	}
	// the proceedings builder, with its progress, to the download
	se.steps(t, chromedp.Navigate(se.url+"/librarian/proceedings?event=jinan-2025&lang=en"), chromedp.WaitVisible(chromedp.ID("b-event")))
	se.screenshot(t, "builder")
	se.steps(t, chromedp.Submit(chromedp.ID("b-event")), chromedp.WaitVisible(chromedp.ID("job-download")))
	status, href := se.text(t, "#job-status"), se.attr(t, "#job-download", "href")
	se.screenshot(t, "builder-done")
	if status != "Done." || !strings.HasPrefix(href, "/librarian/exports/export-") {
		t.Fatalf("builder: %q, %q", status, href)
	}
	magic := value(t, se, chromedp.Evaluate[string](`fetch(`+jsString(href)+`).then(r => r.arrayBuffer()).then(b => String.fromCharCode(...new Uint8Array(b.slice(0, 5))))`,
		chromedp.EvalAwaitPromise))
	if magic != "%PDF-" {
		t.Errorf("the download starts with %q", magic)
	}
}

func jsString(s string) string { b, _ := json.Marshal(s); return string(b) }

// TestBrowserSuggestionsAsYouType: typing in the search box offers
// suggestions; the arrow keys choose one and Enter searches for it.
func TestBrowserSuggestionsAsYouType(t *testing.T) {
	se := newSiteEnv(t)
	se.steps(t, chromedp.Navigate(se.url+"/?lang=en"), chromedp.SendKeys(chromedp.ID("q"), "Aldosh"),
		chromedp.WaitVisible(chromedp.CSS("#q-suggestions li")))
	if first := se.text(t, "#q-suggestions li"); !strings.Contains(first, "Aldoshin") {
		t.Errorf("first suggestion for Aldosh: %q", first)
	}
	if expanded := se.attr(t, "#q", "aria-expanded"); expanded != "true" {
		t.Errorf("aria-expanded %q", expanded)
	}
	se.screenshot(t, "suggestions")
	se.steps(t, chromedp.KeyEvent(kb.ArrowDown))
	if active := se.attr(t, "#q", "aria-activedescendant"); active != "q-suggestion-0" {
		t.Errorf("after ArrowDown the active option is %q", active)
	}
	se.steps(t, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS(".hit h2 a")))
	if loc := value(t, se, chromedp.Location()); !strings.Contains(loc, "q=Aldoshin") {
		t.Errorf("Enter on a suggestion led to %s", loc)
	}
}
