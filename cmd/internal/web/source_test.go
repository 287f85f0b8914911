package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// TestWhereARecordWasPublished: an article's journal, volume, issue, pages
// and identifiers are shown on its page (in the reader's language), given
// to Google Scholar and schema.org, and edited in the form — where before
// they went into the note or were dropped.
func TestWhereARecordWasPublished(t *testing.T) {
	e := newPagesEnv(t)
	article := map[string]any{"id": "h2-review", "kind": "article", "status": "published", "title": "Водородная энергетика",
		"language": "ru", "date": "2024", "pages": "10-20", "contributors": []map[string]any{{"family": "Петров", "given": "Пётр"}},
		"container_title": "Вестник РАН", "volume": "95", "issue": "3", "genre": "Обзор",
		"identifiers": map[string]any{"issn": "0869-5873", "other_issns": []string{"1607-3509"}, "pmid": "31452104", "arxiv": "arXiv:2101.00001"}}
	if r := e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, article)); r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	c := browserClient(t)
	_, page := get(t, c, e.url+"/records/h2-review?lang=ru")
	for _, want := range []string{"<dt>Источник</dt><dd>Вестник РАН, 95(3), 10-20</dd>", "<dt>Вид издания</dt><dd>Обзор</dd>",
		`<a href="https://pubmed.ncbi.nlm.nih.gov/31452104/">PMID 31452104</a>`, `<a href="https://arxiv.org/abs/2101.00001">arXiv 2101.00001</a>`,
		"ISSN 1607-3509", `<meta name="citation_journal_title" content="Вестник РАН">`, `<meta name="citation_volume" content="95">`,
		`<meta name="citation_firstpage" content="10">`, `"isPartOf":{"@type":"PublicationIssue"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the record page lacks %s", want)
		}
	}
	// the citation names the journal
	if _, page = get(t, c, e.url+"/records/h2-review?style=apa"); !strings.Contains(page, "<i>Вестник РАН</i>, <i>95</i>(3), 10–20") {
		t.Errorf("the APA citation lacks the journal: %s", between(page, `class="cite"`, "</div>"))
	}
	// the librarian's form shows and saves them
	signIn(t, c, e.url, e.librarian)
	_, form := get(t, c, e.url+"/librarian/records/h2-review/edit")
	if !strings.Contains(form, `name="container_title" value="Вестник РАН"`) || !strings.Contains(form, `name="volume" value="95"`) {
		t.Fatal("the form does not show the journal and volume")
	}
	values := url.Values{}
	for _, m := range regexpInputs.FindAllStringSubmatch(form, -1) {
		values.Set(m[1], m[2])
	}
	values.Set("kind", "article")
	values.Set("status", "published")
	values.Set("contributors", "Петров, Пётр; author")
	values.Set("issue", "4")
	values.Set("issn", "1234-5678x")
	resp, err := c.PostForm(e.url+"/librarian/records/h2-review/edit", values)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a bad ISSN was accepted: %d", resp.StatusCode)
	}
	values.Set("issn", "0869-5873")
	if resp, err = c.PostForm(e.url+"/librarian/records/h2-review/edit", values); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r := e.do("GET", "/api/v1/records/h2-review", "", nil)
	var got struct {
		Issue       string `json:"issue"`
		Genre       string `json:"genre"`
		Identifiers struct {
			PMID       string   `json:"pmid"`
			OtherISSNs []string `json:"other_issns"`
		} `json:"identifiers"`
	}
	r.json(t, &got)
	if resp.StatusCode != http.StatusSeeOther || got.Issue != "4" || got.Genre != "Обзор" || got.Identifiers.PMID != "31452104" ||
		len(got.Identifiers.OtherISSNs) != 1 {
		t.Errorf("after the edit (%d): %+v", resp.StatusCode, got)
	}
}

// regexpInputs finds a form's text inputs and hidden fields: name, value.
var regexpInputs = regexp.MustCompile(`<input[^>]* name="([a-z_]+)" value="([^"]*)"`)

// between is the part of s from the first from to the next to after it.
func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	part, _, _ := strings.Cut(rest, to)
	return part
}

// TestDidYouMean: a query with typos finds results, and the page and the
// API say what was meant, linking to it.
func TestDidYouMean(t *testing.T) {
	e := newPagesEnv(t)
	c := browserClient(t)
	_, page := get(t, c, e.url+"/search?q=artifical+intelligense", "Accept-Language: en")
	if !strings.Contains(page, `Did you mean <a href="/search?q=artificial&#43;intelligence">artificial intelligence</a>?`) {
		t.Errorf("no did-you-mean on the page: %s", between(page, `class="results"`, `class="hits"`))
	}
	if strings.Contains(page, `class="empty"`) {
		t.Error("the query with typos found nothing")
	}
	var res struct {
		Total      int    `json:"total"`
		DidYouMean string `json:"did_you_mean"`
	}
	e.do("GET", "/api/v1/search?q=artifical+intelligense", "", nil).json(t, &res)
	if res.DidYouMean != "artificial intelligence" || res.Total == 0 {
		t.Errorf("API: %+v", res)
	}
}

// TestSearchPageFacetsAndPages: choosing a kind keeps the other kinds in
// the facet to add (with their counts); the pages are numbered, with
// previous and next; page=2 starts where page 1 ended; a bad page number
// is a 400 in the API.
func TestSearchPageFacetsAndPages(t *testing.T) {
	e := newPagesEnv(t)
	c := browserClient(t)
	_, page := get(t, c, e.url+"/search?kind=speech", "Accept-Language: en")
	if !strings.Contains(page, `href="/search?kind=speech%2Cpresentation"`) {
		t.Errorf("choosing speeches hid the presentations: %s", between(page, `facet`, `</aside>`))
	}
	_, page = get(t, c, e.url+"/search?q=&sort=title&language=en", "Accept-Language: en")
	if !strings.Contains(page, `aria-current="page">1</span>`) || !strings.Contains(page, `>2</a>`) || !strings.Contains(page, `rel="next"`) {
		t.Errorf("no numbered pages: %s", between(page, `class="pages"`, `</nav>`))
	}
	_, two := get(t, c, e.url+"/search?sort=title&language=en&page=2", "Accept-Language: en")
	if !strings.Contains(two, `aria-current="page">2</span>`) || !strings.Contains(two, `rel="prev"`) {
		t.Errorf("page 2: %s", between(two, `class="pages"`, `</nav>`))
	}
	if r := e.do("GET", "/api/v1/search?page=0", "", nil); r.status != http.StatusBadRequest {
		t.Errorf("page=0: %d", r.status)
	}
	if r := e.do("GET", "/api/v1/search?page=2&after=x", "", nil); r.status != http.StatusBadRequest {
		t.Errorf("page and after: %d", r.status)
	}
}

// TestTranslatedTitleHighlighted: words found in a translated title are
// shown, marked, under the hit's own title.
func TestTranslatedTitleHighlighted(t *testing.T) {
	e := newPagesEnv(t)
	c := browserClient(t)
	_, page := get(t, c, e.url+"/search?q=%22Opening+address%22", "Accept-Language: en")
	if !strings.Contains(page, `<p class="translated" lang="en"><mark>Opening</mark> <mark>address</mark></p>`) {
		t.Errorf("no marked translated title: %s", between(page, `<ol class="hits">`, `</li>`))
	}
}

// TestSuggestAPI: GET /api/v1/suggest completes what is typed; bad limits
// are 400s; the search page's box is a combobox wired to it.
func TestSuggestAPI(t *testing.T) {
	e := newPagesEnv(t)
	var res struct {
		Suggestions []struct{ Text, Kind string } `json:"suggestions"`
	}
	e.do("GET", "/api/v1/suggest?q=Aldosh", "", nil).json(t, &res)
	if len(res.Suggestions) == 0 || !strings.HasPrefix(res.Suggestions[0].Text, "Aldoshin") || res.Suggestions[0].Kind != "name" {
		t.Errorf("Aldosh: %+v", res.Suggestions)
	}
	for _, bad := range []string{"limit=0", "limit=abc", "limit=21", "q=" + strings.Repeat("x", 201), "nope=1"} {
		if r := e.do("GET", "/api/v1/suggest?q=ab&"+bad, "", nil); r.status != http.StatusBadRequest {
			t.Errorf("%s: %d", bad, r.status)
		}
	}
	c := browserClient(t)
	_, page := get(t, c, e.url+"/search")
	if !strings.Contains(page, `role="combobox"`) || !strings.Contains(page, `data-suggest="/api/v1/suggest"`) {
		t.Error("the search box is not wired to suggestions")
	}
}

// TestTitleSortByInterfaceLanguage: sorting by title puts the interface
// language's script first, the same on the page (its language) and in the
// API (locale=); a locale that is not a language tag is a 400.
func TestTitleSortByInterfaceLanguage(t *testing.T) {
	e := newPagesEnv(t)
	firstScript := func(title string) string {
		for _, r := range title {
			switch {
			case unicode.Is(unicode.Han, r):
				return "Han"
			case unicode.Is(unicode.Cyrillic, r):
				return "Cyrillic"
			case unicode.IsLetter(r):
				return "Latin"
			}
		}
		return ""
	}
	for locale, want := range map[string]string{"": "Latin", "en-US": "Latin", "ru-RU": "Cyrillic", "zh-CN": "Han"} {
		res := e.searchAPI(t, "sort=title&size=3&locale="+locale, "")
		if len(res.Hits) == 0 || firstScript(res.Hits[0].Title) != want {
			t.Errorf("API, locale %q: first title %+v, want %s", locale, res.Hits, want)
		}
	}
	c := browserClient(t)
	for lang, want := range map[string]string{"en": "Latin", "ru": "Cyrillic", "zh": "Han"} {
		_, page := get(t, c, e.url+"/search?q=&sort=title", "Accept-Language: "+lang)
		first := between(page, `<li class="hit">`, `</a>`)
		if title := first[strings.LastIndex(first, ">")+1:]; firstScript(title) != want {
			t.Errorf("page in %s: first title %q, want %s", lang, title, want)
		}
	}
	if r := e.do("GET", "/api/v1/search?sort=title&locale=%21%21", "", nil); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "locale") {
		t.Errorf("locale=!!: %d %s", r.status, r.body)
	}
}
