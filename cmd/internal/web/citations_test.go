package web

import (
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStylesAreListed(t *testing.T) {
	dir := t.TempDir()
	e := newEnvWith(t, func(c *Config) { c.Styles = testStyles(t, dir) })
	os.WriteFile(filepath.Join(dir, "shouting.csl"), []byte(`<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
<info><title>Shouting</title><id>s</id></info><citation><layout><text variable="title"/></layout></citation>
<bibliography><layout><text variable="title" text-case="uppercase"/></layout></bibliography></style>`), 0o644)
	os.WriteFile(filepath.Join(dir, "broken.csl"), []byte(`<style>`), 0o644)
	r := e.do("GET", "/api/v1/styles", "", nil)
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var got stylesResponse
	r.json(t, &got)
	ids := map[string]string{}
	for _, s := range got.Styles {
		ids[s.ID] = s.Source
	}
	for _, id := range []string{"apa", "chicago-author-date", "chicago-notes-bibliography", "modern-language-association", "ieee",
		"harvard-cite-them-right", "gost-r-7-0-5-2008", "china-national-standard-gb-t-7714-2015-numeric",
		"china-national-standard-gb-t-7714-2015-author-date"} {
		if ids[id] != "built-in" {
			t.Errorf("%s: %q", id, ids[id])
		}
	}
	if ids["shouting"] != "data" {
		t.Errorf("the librarian's style is not listed: %v", ids)
	}
	if len(got.Problems) != 1 || got.Problems[0].File != "broken.csl" {
		t.Errorf("problems: %+v", got.Problems)
	}
	// the new style formats records at once
	e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, speech("jinan-2025-aldoshin")))
	if r := e.do("GET", "/api/v1/records/jinan-2025-aldoshin/citation?style=shouting", "", nil); string(r.body) != "ПРИВЕТСТВЕННОЕ СЛОВО" {
		t.Errorf("%d %q", r.status, r.body)
	}
}

func TestRecordCitation(t *testing.T) {
	e := newEnv(t)
	if r := e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, speech("jinan-2025-aldoshin"))); r.status != http.StatusCreated {
		t.Fatalf("%d %s", r.status, r.body)
	}
	get := func(query string, headers ...string) response {
		t.Helper()
		return e.do("GET", "/api/v1/records/jinan-2025-aldoshin/citation"+query, "", nil, headers...)
	}
	// APA by default, plain text; Cyrillic initials, the event as the source
	r := get("")
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Fatalf("%d %s %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	if !strings.HasPrefix(string(r.body), "Алдошин, С. М. (2025, June 4). Приветственное слово.") {
		t.Errorf("APA: %s", r.body)
	}
	if r.header.Get("Content-Language") != "en-US" {
		t.Errorf("Content-Language %q", r.header.Get("Content-Language"))
	}
	// the in-text form
	if r := get("?mode=citation"); string(r.body) != "(Алдошин, 2025)" {
		t.Errorf("APA citation: %s", r.body)
	}
	// pointing at a page or another place: the in-text form says it, in the
	// style's words; the reference does not
	for query, want := range map[string]string{
		"?mode=citation&locator=12":                                               "(Алдошин, 2025, p. 12)",
		"?mode=citation&locator=12-14":                                            "(Алдошин, 2025, pp. 12–14)",
		"?mode=citation&locator=3&label=chapter":                                  "(Алдошин, 2025, Chapter 3)",
		"?mode=citation&locator=3-5&label=chapter":                                "(Алдошин, 2025, Chapters 3–5)",
		"?mode=citation&locator=12&style=chicago-author-date":                     "(Алдошин 2025, 12)",
		"?mode=citation&locator=12&style=apa&locale=ru-RU":                        "(Алдошин, 2025, с. 12)",
		"?mode=citation&locator=7&label=figure&style=modern-language-association": "(Алдошин, fig. 7)",
	} {
		if r := get(query); string(r.body) != want {
			t.Errorf("%s: %q, want %q", query, r.body, want)
		}
	}
	if r := get("?mode=narrative&locator=12"); string(r.body) != "Алдошин (2025, p. 12)" {
		t.Errorf("narrative: %q", r.body)
	}
	if r := get("?locator=12"); strings.Contains(string(r.body), "12") {
		t.Errorf("the reference shows the locator: %s", r.body)
	}
	// GOST writes Russian by default
	r = get("?style=gost-r-7-0-5-2008")
	if r.header.Get("Content-Language") != "ru-RU" || !strings.HasPrefix(string(r.body), "1. Алдошин С. М. Приветственное слово // 2025.") {
		t.Errorf("GOST: %s %s", r.header.Get("Content-Language"), r.body)
	}
	// a locale asked for
	r = get("?style=apa&locale=ru-RU")
	if r.header.Get("Content-Language") != "ru-RU" || !strings.Contains(string(r.body), "(2025, июнь 4)") {
		t.Errorf("APA in Russian: %s", r.body)
	}
	// HTML: a report's title in italics, the data's "&" escaped
	report := speech("jinan-2025-report")
	report["kind"], report["title"] = "report", "Science & Technology in Shandong"
	e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, report))
	r = e.do("GET", "/api/v1/records/jinan-2025-report/citation?format=html", "", nil)
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), "<i>Science &#38; Technology in Shandong</i>") {
		t.Errorf("APA HTML: %s %s", r.header.Get("Content-Type"), r.body)
	}
	// both forms in JSON
	r = get("?style=chicago-author-date", "Accept: application/json")
	var j citationText
	r.json(t, &j)
	if j.Style != "chicago-author-date" || j.Locale != "en-US" || j.Citation != "(Алдошин 2025)" || j.Narrative != "Алдошин (2025)" ||
		!strings.HasPrefix(j.Bibliography, "Алдошин, Сергей Михайлович. 2025.") {
		t.Errorf("JSON: %+v", j)
	}
}

func TestRecordCitationBadRequests(t *testing.T) {
	e := newEnv(t)
	e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, speech("jinan-2025-aldoshin")))
	draft := speech("jinan-2025-draft")
	draft["status"] = "draft"
	e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, draft))
	for _, tc := range []struct {
		path   string
		status int
		field  string
	}{
		{"/api/v1/records/jinan-2025-aldoshin/citation?style=nope", 400, "style"},
		{"/api/v1/records/jinan-2025-aldoshin/citation?style=" + url.QueryEscape("../../etc/passwd"), 400, "style"},
		{"/api/v1/records/jinan-2025-aldoshin/citation?locale=" + url.QueryEscape("../x"), 400, "locale"},
		{"/api/v1/records/jinan-2025-aldoshin/citation?format=pdf", 400, "format"},
		{"/api/v1/records/jinan-2025-aldoshin/citation?mode=footnote", 400, "mode"},
		{"/api/v1/records/jinan-2025-aldoshin/citation?colour=red", 400, "colour"},
		{"/api/v1/records/jinan-2025-aldoshin/citation?style=apa&style=ieee", 400, "style"},
		{"/api/v1/records/jinan-2025-aldoshin/citation?locator=12&label=pages", 400, "label"},
		{"/api/v1/records/jinan-2025-aldoshin/citation?label=page", 400, "label"},
		{"/api/v1/records/jinan-2025-aldoshin/citation?locator=" + strings.Repeat("1", 65), 400, "locator"},
		{"/api/v1/records/jinan-2025-aldoshin/citation?locator=" + url.QueryEscape("1\x00"), 400, "locator"},
		{"/api/v1/records/no-such-record/citation", 404, ""},
		{"/api/v1/records/jinan-2025-draft/citation", 404, ""},
	} {
		r := e.do("GET", tc.path, "", nil)
		p := r.problem(t)
		if r.status != tc.status {
			t.Errorf("%s: %d %s", tc.path, r.status, r.body)
		}
		if tc.field != "" && p.fields()[tc.field] == "" {
			t.Errorf("%s: no message for %s: %s", tc.path, tc.field, r.body)
		}
	}
	// a librarian sees the draft's citation
	if r := e.do("GET", "/api/v1/records/jinan-2025-draft/citation", e.librarian, nil); r.status != 200 {
		t.Errorf("draft for a librarian: %d %s", r.status, r.body)
	}
}

// TestRecordPageCitesAPage: the record page's citation box takes a page
// (?locator=, a field beside the style) and its in-text citation points
// there, in the style chosen; the reference does not change.
func TestRecordPageCitesAPage(t *testing.T) {
	e := newPagesEnv(t)
	c := browserClient(t)
	_, page := get(t, c, e.url+"/records/jinan-2025-aldoshin?style=apa&locator=12-14")
	for _, want := range []string{`name="locator" value="12-14"`, "(Алдошин, 2025, pp. 12–14)", "In a sentence: <span id=\"narrative\">Алдошин (2025, pp. 12–14)</span>"} {
		if !strings.Contains(html.UnescapeString(page), want) {
			t.Errorf("the page lacks %s\n%s", want, between(page, `class="cite"`, "</section>"))
		}
	}
	_, page = get(t, c, e.url+"/records/jinan-2025-aldoshin?style=apa&locator="+url.QueryEscape(strings.Repeat("9", 80)))
	if box := between(page, `class="cite"`, "</section>"); strings.Contains(box, "999999999") || !strings.Contains(box, "(Алдошин, 2025)") {
		t.Errorf("a locator too long is used:\n%s", box)
	}
}
