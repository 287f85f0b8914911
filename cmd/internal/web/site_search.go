package web

import (
	"cmp"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/export"
	"github.com/annals/annals/search"
	"github.com/labstack/echo/v4"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// searchPage is the search page: one box, results, facets, sorting,
// pages and exports of the results. With no query and no filter it shows
// the box and the events to browse.
type searchPage struct {
	*view
	Query    string
	Sort     string
	Sorts    []string
	Searched bool
	Total    uint64
	Hits     []pageHit
	Facets   []pageFacet
	Next     string // URL of the next page
	First    string // URL of the first page, when past it
	Prev     string // URL of the page before
	Pages    []pageNumber
	Exports  []pageLink
	Clear    string // URL without the filters; "" when none is chosen
	Events   []catalog.Event
	Examples []pageLink
	Err      string
	// DidYouMean is the query without its typos and where it leads.
	DidYouMean pageLink
	// Feed is the Atom feed of the search (its newest results).
	Feed string
}

// pageNumber is a link to a numbered page of results; Gap stands for the
// pages left out between two links ("…").
type pageNumber struct {
	N       int
	URL     string
	Current bool
	Gap     bool
}

type pageHit struct {
	ID, Title, Date, Kind, Status string
	TitleHTML                     template.HTML
	// Translated are the record's translated titles where the words
	// were found, marked, with their languages.
	Translated []pageTranslation
	Snippet    template.HTML
	Names      []string
	Lang       string
	EventName  string
	Pages      []pageFulltext // the pages of its files where the words are
}

// pageTranslation is a translated title of a hit, marked.
type pageTranslation struct {
	Lang  string
	Title template.HTML
}

// pageFulltext is a page of a file that matched, on the search page.
type pageFulltext struct {
	File, URL string
	Page      int
	Snippet   template.HTML // marked and escaped by the highlighter
}

type pageFacet struct {
	Name   string
	Label  string
	Values []pageFacetValue
}

type pageFacetValue struct {
	Label    string
	Count    string
	URL      string
	Selected bool
	n        int // the count, for ordering
}

type pageLink struct{ Label, URL string }

// facetParams are the filters a facet value toggles.
var facetParams = []string{"kind", "topic", "country", "language", "year", "event", "session", "label"}

func (st *site) searchPage(c echo.Context) error {
	v := st.newView(c, "")
	v.Nav = "search"
	ctx := c.Request().Context()
	params := url.Values{}
	for _, k := range append([]string{"q", "sort", "after", "page"}, facetParams...) {
		if val := strings.TrimSpace(c.QueryParam(k)); val != "" {
			params.Set(k, val)
		}
	}
	p := searchPage{view: v, Query: params.Get("q"), Sort: params.Get("sort"), Sorts: []string{"relevance", "-date", "date", "title"}}
	events, err := st.cfg.Store.FindEvents(ctx)
	if err != nil {
		return st.fail(c, err)
	}
	p.Events = events
	p.Searched = len(params) > 0
	v.Title = v.T("nav.search")
	if p.Query != "" {
		v.Title = p.Query + " — " + v.T("nav.search")
	}
	if !p.Searched {
		v.Title = v.T("site.name")
		return st.render(c, http.StatusOK, "search", p)
	}
	if st.cfg.Search == nil {
		return st.fail(c, catalog.Errorf(catalog.EUNAVAILABLE, "This server runs without a search index."))
	}
	req, err := parseSearch(params, v.Actor != nil)
	if err == nil {
		req.Size, req.SortLanguage = 20, v.Lang
		var res *search.Result
		res, err = st.cfg.Search.Search(ctx, req)
		if err == nil {
			if err = st.fillResults(c, &p, req, res, params, events); err == nil {
				return st.render(c, http.StatusOK, "search", p)
			}
		}
	}
	if code := catalog.ErrorCode(err); code != catalog.EMALFORMED && code != catalog.EINVALID {
		return st.fail(c, err)
	}
	p.Err = catalog.ErrorMessage(err)
	return st.render(c, http.StatusBadRequest, "search", p)
}

// fillResults turns a search result into the page's hits, facets and
// links.
func (st *site) fillResults(c echo.Context, p *searchPage, req search.Request, res *search.Result, params url.Values, events []catalog.Event) error {
	ctx := c.Request().Context()
	v := p.view
	p.Total = res.Total
	if res.DidYouMean != "" {
		p.DidYouMean = pageLink{Label: res.DidYouMean, URL: withParam(params, "q", res.DidYouMean)}
	}
	eventNames := map[string]string{}
	sessionNames := map[string]string{}
	for _, e := range events {
		eventNames[e.ID] = localName(e.Name, e.Translations, v.Lang)
		for _, s := range e.Sessions {
			sessionNames[s.Key] = s.TitleIn(v.Lang)
		}
	}
	found, err := st.cfg.Search.LoadHits(ctx, req.Filters, res.Hits)
	if err != nil {
		return err
	}
	h := st.cfg.Search.Highlighter(search.WithCorrections(req, res))
	for _, hit := range found {
		r := hit.Record
		ph := pageHit{ID: r.ID, Title: r.Title, Date: v.Date(r.Date), Kind: v.T("kind." + string(r.Kind)), Lang: r.Language,
			EventName: eventNames[r.Event], Status: string(r.Status)}
		for _, cn := range r.Contributors {
			ph.Names = append(ph.Names, cn.DisplayName())
		}
		marks := h.Highlight(r)
		// the highlighter escapes the record's text around its <mark>s
		for _, t := range marks["title"] {
			plain := stripMarks(t)
			if plain == template.HTMLEscapeString(r.Title) {
				ph.TitleHTML = template.HTML(t)
				continue
			}
			for _, tr := range r.Translations { // the words are in a translated title: show it, marked
				if plain == template.HTMLEscapeString(tr.Title) {
					ph.Translated = append(ph.Translated, pageTranslation{Lang: tr.Language, Title: template.HTML(t)})
				}
			}
		}
		if a := marks["abstract"]; len(a) > 0 {
			ph.Snippet = template.HTML(a[0])
		} else if r.Abstract != "" {
			ph.Snippet = template.HTML(template.HTMLEscapeString(truncate(r.Abstract, 240)))
		}
		for _, ft := range fulltextHits(ctx, st.cfg.Store, h, r, hit.Pages) {
			ph.Pages = append(ph.Pages, pageFulltext{File: ft.File, URL: ft.URL, Page: ft.Page, Snippet: template.HTML(ft.Snippet)})
		}
		p.Hits = append(p.Hits, ph)
	}
	collator := collate.New(language.Make(v.Lang))
	for _, name := range facetParams {
		values := res.Facets[name]
		if len(values) == 0 {
			continue
		}
		selected := splitList(params.Get(name))
		f := pageFacet{Name: name, Label: v.T("facet." + name)}
		for _, fv := range values {
			label := st.facetLabel(v, name, fv.Value, eventNames, sessionNames)
			on := slices.Contains(selected, fv.Value)
			next := slices.DeleteFunc(slices.Clone(selected), func(s string) bool { return s == fv.Value })
			if !on {
				next = append(next, fv.Value)
			}
			f.Values = append(f.Values, pageFacetValue{Label: label, Count: v.Num(fv.Count), Selected: on,
				URL: withParam(params, name, strings.Join(next, ",")), n: fv.Count})
		}
		orderFacetValues(collator, f.Values, name == "year")
		p.Facets = append(p.Facets, f)
	}
	if params.Get("after") != "" { // a cursor from an older link or past the numbered pages
		if res.Next != "" {
			p.Next = withParam(params, "after", res.Next)
		}
		p.First = withParam(params, "after", "")
	} else {
		p.numberPages(params, res, req.Size)
	}
	clear := url.Values{}
	if q := params.Get("q"); q != "" {
		clear.Set("q", q)
	}
	for _, name := range facetParams {
		if params.Get(name) != "" {
			p.Clear = "/search?" + clear.Encode()
		}
	}
	exportParams := url.Values{}
	for k, vals := range params {
		if k != "after" {
			exportParams[k] = vals
		}
	}
	p.Feed = "/feeds/search.atom?" + exportParams.Encode()
	for _, f := range export.Formats() {
		if !f.Streams() || f.Name == "ndjson" { // Annals' own lines are for machines, not readers
			continue
		}
		q := url.Values{}
		for k, vals := range exportParams {
			q[k] = vals
		}
		q.Set("format", f.Name)
		p.Exports = append(p.Exports, pageLink{Label: f.Label, URL: "/api/v1/search?" + q.Encode()})
	}
	if res.Total == 0 {
		for _, ex := range []string{"технология", "人工智能", "Aldoshin", "Zhang Tian"} {
			p.Examples = append(p.Examples, pageLink{Label: ex, URL: "/search?q=" + url.QueryEscape(ex)})
		}
	}
	return nil
}

// orderFacetValues puts chosen values first, then the commonest, and values
// as common as each other in the alphabetical order of the interface
// language (pinyin in Chinese, Cyrillic before Latin in Russian); years go
// newest first.
func orderFacetValues(c *collate.Collator, values []pageFacetValue, years bool) {
	slices.SortStableFunc(values, func(a, b pageFacetValue) int {
		switch {
		case a.Selected != b.Selected && a.Selected:
			return -1
		case a.Selected != b.Selected:
			return 1
		case years:
			return cmp.Compare(b.Label, a.Label)
		case a.n != b.n:
			return cmp.Compare(b.n, a.n)
		}
		return c.CompareString(a.Label, b.Label)
	})
}

// facetLabel names a facet value in the interface language.
func (st *site) facetLabel(v *view, facet, value string, events, sessions map[string]string) string {
	switch facet {
	case "kind":
		return v.KindName(catalog.Kind(value))
	case "topic":
		return v.TopicName(value)
	case "country":
		return v.CountryName(value)
	case "language":
		return v.LanguageName(value)
	case "label":
		return v.T("file.label." + value)
	case "event":
		if n := events[value]; n != "" {
			return n
		}
	case "session":
		if n := sessions[value]; n != "" {
			return n
		}
	}
	return value
}

// withParam is a search URL with one parameter changed ("" removes it);
// a change of filter or sort starts again from the first page.
func withParam(params url.Values, name, value string) string {
	q := url.Values{}
	for k, v := range params {
		// a new choice starts again at the first page
		if (k != "after" || name == "after") && (k != "page" || name == "page") {
			q[k] = v
		}
	}
	if value == "" {
		q.Del(name)
	} else {
		q.Set(name, value)
	}
	return "/search?" + q.Encode()
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func stripMarks(s string) string {
	return strings.NewReplacer("<mark>", "", "</mark>", "").Replace(s)
}

// truncate cuts s after about n bytes, at a space when it can.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndex(s[:n], " ")
	if cut < n/2 {
		cut = n
		for cut > 0 && !utf8RuneStart(s[cut]) {
			cut--
		}
	}
	return s[:cut] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// localName is an event's name in the interface language, when it has one.
func localName(name string, tr []catalog.EventTranslation, lang string) string {
	for _, t := range tr {
		if t.Language == lang && t.Name != "" {
			return t.Name
		}
	}
	return name
}

// numberPages links the numbered pages of a result around the current
// one (the first, the last numbered, and two either side), with previous
// and next; past the last numbered page, next follows the cursor.
func (p *searchPage) numberPages(params url.Values, res *search.Result, size int) {
	current := max(res.Page, 1)
	last := min(int((res.Total+uint64(size)-1)/uint64(size)), search.MaxPage)
	if last <= 1 {
		return
	}
	link := func(n int) string {
		if n == 1 {
			return withParam(params, "page", "")
		}
		return withParam(params, "page", strconv.Itoa(n))
	}
	for n := 1; n <= last; n++ {
		if n != 1 && n != last && (n < current-2 || n > current+2) {
			if len(p.Pages) > 0 && !p.Pages[len(p.Pages)-1].Gap {
				p.Pages = append(p.Pages, pageNumber{Gap: true})
			}
			continue
		}
		p.Pages = append(p.Pages, pageNumber{N: n, URL: link(n), Current: n == current})
	}
	if current > 1 {
		p.Prev = link(current - 1)
	}
	switch {
	case current < last:
		p.Next = link(current + 1)
	case res.Next != "" && current == search.MaxPage:
		p.Next = withParam(withoutParam(params, "page"), "after", res.Next)
	}
}

// withoutParam is params without name.
func withoutParam(params url.Values, name string) url.Values {
	out := url.Values{}
	for k, v := range params {
		if k != name {
			out[k] = v
		}
	}
	return out
}
