package web

import (
	"cmp"
	"context"
	"fmt"
	"github.com/annals/annals/cmd/internal/feeds"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/export"
	"github.com/annals/annals/search"
	"github.com/labstack/echo/v4"
	"golang.org/x/text/language"
)

// searchParams are the query parameters of GET /api/v1/search.
var searchParams = []string{"q", "kind", "event", "session", "topic", "country", "language", "contributor",
	"year", "from", "to", "status", "sort", "size", "after", "page", "format", "label", "has_fulltext", "locale"}

// maxFilterValues bounds the values of one filter (kind=a,b,...): more
// than a facet shows, far fewer than would slow a search.
const maxFilterValues = 100

// parseSearch reads a search request from query parameters. It is separate
// from the handler so that what a URL means can be tested without HTTP.
// Filters take several values separated by commas (kind=report,speech).
func parseSearch(q url.Values, canSeeUnpublished bool) (search.Request, error) {
	r := search.Request{Query: q.Get("q"), Sort: q.Get("sort"), After: q.Get("after"), AllFiles: canSeeUnpublished}
	list := func(name string) []string {
		var out []string
		for _, v := range strings.Split(q.Get(name), ",") {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	f := &r.Filters
	f.Kind, f.Event, f.Session, f.Topic = list("kind"), list("event"), list("session"), list("topic")
	f.Country, f.Language, f.Year, f.Label = list("country"), list("language"), list("year"), list("label")
	for name, values := range map[string][]string{"kind": f.Kind, "event": f.Event, "session": f.Session, "topic": f.Topic,
		"country": f.Country, "language": f.Language, "year": f.Year, "label": f.Label} {
		if len(values) > maxFilterValues {
			return r, badParam(name, fmt.Sprintf("has %d values; a filter takes at most %d", len(values), maxFilterValues))
		}
	}
	for _, l := range f.Label {
		if !slices.Contains(catalog.FileLabels(), l) {
			return r, badParam("label", fmt.Sprintf("%q is not a label of files; use %s", l, strings.Join(catalog.FileLabels(), ", ")))
		}
	}
	if v := q.Get("locale"); v != "" {
		tag, err := language.Parse(v)
		if err != nil {
			return r, badParam("locale", fmt.Sprintf("%q is not a language tag such as ru-RU or zh-CN", v))
		}
		base, _ := tag.Base()
		r.SortLanguage = base.String()
	}
	switch v := q.Get("has_fulltext"); v {
	case "", "false":
	case "true":
		f.HasFulltext = true
	default:
		return r, badParam("has_fulltext", fmt.Sprintf("%q is neither true nor false", v))
	}
	f.Contributor, f.From, f.To = strings.TrimSpace(q.Get("contributor")), q.Get("from"), q.Get("to")
	for _, k := range f.Kind {
		if !catalog.Kind(k).Valid() {
			return r, badParam("kind", fmt.Sprintf("%q is not a kind", k))
		}
	}
	for _, y := range f.Year {
		if len(y) != 4 || !catalog.ValidDate(y) {
			return r, badParam("year", fmt.Sprintf("%q is not a year such as 2025", y))
		}
	}
	statuses, err := parseStatuses(q.Get("status"), canSeeUnpublished)
	if err != nil {
		return r, err
	}
	f.Statuses = statuses
	if f.Statuses == nil && canSeeUnpublished {
		f.Statuses = []catalog.Status{catalog.StatusDraft, catalog.StatusPublished, catalog.StatusWithdrawn}
	}
	if r.Size, err = sizeParam(q); err != nil {
		return r, err
	}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil || n < 1:
			return r, badParam("page", fmt.Sprintf("%q is not a page number (1, 2, ...)", v))
		case n > search.MaxPage:
			return r, badParam("page", fmt.Sprintf("%d is past the last numbered page, %d; follow next from there", n, search.MaxPage))
		case r.After != "":
			return r, badParam("page", "give either page or after, not both")
		}
		r.Page = n
	}
	if format := q.Get("format"); format != "" && format != "json" && !slices.Contains(export.StreamNames(), format) {
		return r, badParam("format", fmt.Sprintf("%q is not a format here; use json, %s", format, strings.Join(export.StreamNames(), ", ")))
	}
	return r, nil
}

// searchHit is one hit as the API shows it: the record's main fields from
// the store, with the score and highlights from the index.
type searchHit struct {
	ID           string              `json:"id"`
	Kind         catalog.Kind        `json:"kind"`
	Status       catalog.Status      `json:"status"`
	Title        string              `json:"title"`
	Language     string              `json:"language,omitempty"`
	Date         string              `json:"date,omitempty"`
	Event        string              `json:"event,omitempty"`
	Session      string              `json:"session,omitempty"`
	Contributors []string            `json:"contributors"`
	Score        float64             `json:"score"`
	Highlights   map[string][]string `json:"highlights,omitempty"`
	// Fulltext are the pages of the record's files where the words are,
	// each with a snippet (marked with <mark>, HTML-escaped around it).
	Fulltext []fulltextHit `json:"fulltext,omitempty"`
}

// fulltextHit is a page of a file that matched a search.
type fulltextHit struct {
	File    string `json:"file"`
	Page    int    `json:"page"`
	Snippet string `json:"snippet,omitempty"`
	URL     string `json:"url"` // the file, opened at the page
}

// fulltextHits describes the pages of a record that matched: their
// snippets read from the store.
func fulltextHits(ctx context.Context, store catalog.FileAnalyses, h *search.Highlighter, r *catalog.Record, pages []search.PageHit) []fulltextHit {
	var out []fulltextHit
	for _, p := range pages {
		f, _ := r.FindFile(p.File)
		if f == nil {
			continue // the record changed since the index saw it
		}
		hit := fulltextHit{File: p.File, Page: p.Page, URL: "/records/" + r.ID + "/files/" + url.PathEscape(p.File) + "#page=" + strconv.Itoa(p.Page)}
		if text, err := store.FindFilePage(ctx, f.SHA256, p.Page); err == nil {
			hit.Snippet = h.Snippet(cmp.Or(f.Language, r.Language), text)
		}
		out = append(out, hit)
	}
	return out
}

type searchResponse struct {
	Total  uint64                         `json:"total"`
	Hits   []searchHit                    `json:"hits"`
	Facets map[string][]search.FacetValue `json:"facets"`
	Next   *string                        `json:"next"`
	// DidYouMean is the query with the words the index does not know
	// replaced by the closest it does; they were searched for too.
	DidYouMean string `json:"did_you_mean,omitempty"`
}

func (s *Server) search(c echo.Context) error {
	if s.cfg.Search == nil {
		return catalog.Errorf(catalog.EUNAVAILABLE, "This server runs without a search index.")
	}
	q, err := query(c, searchParams...)
	if err != nil {
		return err
	}
	req, err := parseSearch(q, canSeeUnpublished(c))
	if err != nil {
		return err
	}
	if format := q.Get("format"); format != "" && format != "json" {
		if req.After != "" || q.Get("size") != "" {
			return badParam("format", "an export has every match: leave out size and after")
		}
		return s.exportSearch(c, req, format)
	}
	res, err := s.cfg.Search.Search(c.Request().Context(), req)
	if err != nil {
		return err
	}
	resp := searchResponse{Total: res.Total, Hits: make([]searchHit, 0, len(res.Hits)), Facets: res.Facets, Next: nullable(res.Next),
		DidYouMean: res.DidYouMean}
	found, err := s.cfg.Search.LoadHits(c.Request().Context(), req.Filters, res.Hits)
	if err != nil {
		return err
	}
	highlighter := s.cfg.Search.Highlighter(search.WithCorrections(req, res))
	for _, h := range found {
		r := h.Record
		resp.Hits = append(resp.Hits, searchHit{ID: r.ID, Kind: r.Kind, Status: r.Status, Title: r.Title, Language: r.Language,
			Date: r.Date, Event: r.Event, Session: r.Session, Contributors: contributorNames(r), Score: h.Score, Highlights: highlighter.Highlight(r),
			Fulltext: fulltextHits(c.Request().Context(), s.cfg.Store, highlighter, r, h.Pages)})
	}
	return c.JSON(http.StatusOK, resp)
}

func contributorNames(r *catalog.Record) []string {
	names := make([]string, len(r.Contributors))
	for i, c := range r.Contributors {
		names[i] = c.DisplayName()
	}
	return names
}

// reindex asks the search index to rebuild itself from the store.
func (s *Server) reindex(c echo.Context) error {
	if s.cfg.Search == nil {
		return catalog.Errorf(catalog.EUNAVAILABLE, "This server runs without a search index.")
	}
	s.cfg.Search.RequestRebuild()
	return c.JSON(http.StatusAccepted, s.cfg.Search.Status())
}

// exportSearch streams every match of a search in a citation format, as a
// file to download.
func (s *Server) exportSearch(c echo.Context, req search.Request, format string) error {
	ctx := c.Request().Context()
	ids, err := s.cfg.Search.AllMatches(ctx, req)
	if err != nil {
		return err
	}
	f, _ := export.FindFormat(format)
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, f.MediaType+"; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="annals-search.%s"`, f.Ext))
	h.Set("X-Total-Count", fmt.Sprint(len(ids)))
	c.Response().WriteHeader(http.StatusOK)
	_, err = export.WriteRecords(ctx, s.cfg.Store, format, ids, req.Filters.Visible, s.cfg.BaseURL, c.Response())
	return err
}

// suggest answers GET /api/v1/suggest?q=…&limit=…: titles, names and
// keywords of published records with a word starting with q, for the
// search box as a person types.
func (s *Server) suggest(c echo.Context) error {
	if s.cfg.Search == nil {
		return catalog.Errorf(catalog.EUNAVAILABLE, "This server runs without a search index.")
	}
	q, err := query(c, "q", "limit")
	if err != nil {
		return err
	}
	limit := 8
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > search.MaxSuggestions {
			return badParam("limit", fmt.Sprintf("%q is not a number from 1 to %d", v, search.MaxSuggestions))
		}
	}
	if len(q.Get("q")) > 200 {
		return badParam("q", "is longer than 200 bytes; suggestions complete what is being typed")
	}
	found, err := s.cfg.Search.Suggest(c.Request().Context(), q.Get("q"), limit)
	if err != nil {
		return err
	}
	if found == nil {
		found = []search.Suggestion{}
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=60")
	return c.JSON(http.StatusOK, map[string]any{"query": q.Get("q"), "suggestions": found})
}

// searchFeed answers /feeds/search.atom?q=…&kind=…: the 50 newest
// published records a search finds (the search's parameters, sorted by
// date), as Atom, to follow a query in a feed reader.
func (s *Server) searchFeed(c echo.Context, feed *feeds.Handler) error {
	if s.cfg.Search == nil {
		return catalog.Errorf(catalog.EUNAVAILABLE, "This server runs without a search index.")
	}
	q, err := query(c, searchParams...)
	if err != nil {
		return err
	}
	req, err := parseSearch(q, false) // published records only, whoever asks
	if err != nil {
		return err
	}
	req.Sort, req.Size, req.After, req.Page, req.NoFacets = search.SortDateDesc, 50, "", 0, true
	res, err := s.cfg.Search.Search(c.Request().Context(), req)
	if err != nil {
		return err
	}
	found, err := s.cfg.Search.LoadHits(c.Request().Context(), req.Filters, res.Hits)
	if err != nil {
		return err
	}
	records := make([]catalog.Record, 0, len(found))
	for _, h := range found {
		records = append(records, *h.Record)
	}
	title := "search"
	if q.Get("q") != "" {
		title = "search for " + q.Get("q")
	}
	return feed.Write(c, title, records)
}
