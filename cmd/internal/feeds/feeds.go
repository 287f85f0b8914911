// Package feeds serves what crawlers and feed readers fetch: a sitemap of
// the published records and their open files (an index of sitemap files
// past 50,000 URLs) and Atom feeds of newly catalogued outputs, of all of
// them, of an event and of a topic.
package feeds

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/labstack/echo/v4"
)

// Source is what the handler reads: records and their events.
type Source interface {
	catalog.RecordReader
	catalog.EventReader
}

// Config is what a Handler needs.
type Config struct {
	Source Source
	// RepositoryName titles the feeds.
	RepositoryName string
	// BaseURL is the scheme and host the site is reached by.
	BaseURL func(c echo.Context) string
	// URLsPerSitemap is how many URLs one sitemap file holds (default and
	// most: 50,000, the protocol's limit).
	URLsPerSitemap int
}

// Handler serves sitemaps and feeds.
type Handler struct {
	cfg Config
}

// New makes a handler.
func New(cfg Config) *Handler {
	if cfg.URLsPerSitemap <= 0 || cfg.URLsPerSitemap > maxSitemapURLs {
		cfg.URLsPerSitemap = maxSitemapURLs
	}
	return &Handler{cfg: cfg}
}

// maxSitemapURLs is how many URLs one sitemap file may hold (the
// protocol's limit); a larger catalogue gets a sitemap index.
const maxSitemapURLs = 50000

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type urlSet struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"sitemapindex"`
	NS       string       `xml:"xmlns,attr"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

const sitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"

// publishedRecords pages through published records, newest first, calling
// fn for each until it returns false.
func (h *Handler) publishedRecords(c echo.Context, f catalog.RecordFilter, fn func(*catalog.Record) bool) error {
	f.Statuses, f.Size = []catalog.Status{catalog.StatusPublished}, catalog.MaxPageSize
	for {
		page, err := h.cfg.Source.FindRecords(c.Request().Context(), f)
		if err != nil {
			return err
		}
		for i := range page.Records {
			if !fn(&page.Records[i]) {
				return nil
			}
		}
		if page.Next == "" {
			return nil
		}
		f.After = page.Next
	}
}

// eachSitemapURL calls fn with each URL of the sitemap in order until it
// returns false: each published record's page, then its open files (PDFs
// are what scholarly search engines index).
func (h *Handler) eachSitemapURL(c echo.Context, fn func(sitemapURL) bool) error {
	base, today := h.cfg.BaseURL(c), time.Now().UTC().Format(time.DateOnly)
	events, err := h.cfg.Source.FindEvents(c.Request().Context())
	if err != nil {
		return err
	}
	for _, ev := range events { // the events' pages: their programmes
		if !fn(sitemapURL{Loc: base + "/events/" + ev.ID, LastMod: ev.Updated.UTC().Format(time.DateOnly)}) {
			return nil
		}
	}
	return h.publishedRecords(c, catalog.RecordFilter{}, func(r *catalog.Record) bool {
		page := base + "/records/" + r.ID
		if !fn(sitemapURL{Loc: page, LastMod: r.Updated.UTC().Format(time.DateOnly)}) {
			return false
		}
		for i := range r.Files {
			f := &r.Files[i]
			if catalog.FileOpen(f, today) && !fn(sitemapURL{Loc: page + "/files/" + url.PathEscape(f.Name), LastMod: f.Created.UTC().Format(time.DateOnly)}) {
				return false
			}
		}
		return true
	})
}

// Sitemap answers /sitemap.xml: the events' pages, the pages and open
// files of published records, or, past 50,000 of those, an index of /sitemap-N.xml files.
func (h *Handler) Sitemap(c echo.Context) error {
	set, total := urlSet{NS: sitemapNS}, 0
	err := h.eachSitemapURL(c, func(u sitemapURL) bool {
		if total++; total <= h.cfg.URLsPerSitemap {
			set.URLs = append(set.URLs, u)
		}
		return true
	})
	if err != nil {
		return err
	}
	if total <= h.cfg.URLsPerSitemap {
		return h.sendXML(c, set)
	}
	idx := sitemapIndex{NS: sitemapNS}
	for i := 1; (i-1)*h.cfg.URLsPerSitemap < total; i++ {
		idx.Sitemaps = append(idx.Sitemaps, sitemapURL{Loc: fmt.Sprintf("%s/sitemap-%d.xml", h.cfg.BaseURL(c), i)})
	}
	return h.sendXML(c, idx)
}

// SitemapPage answers /sitemap-N.xml.
func (h *Handler) SitemapPage(c echo.Context) error {
	name := c.Param("name") // "sitemap-3.xml"
	var n int
	if _, err := fmt.Sscanf(name, "sitemap-%d.xml", &n); err != nil || n < 1 || name != "sitemap-"+strconv.Itoa(n)+".xml" {
		return catalog.Errorf(catalog.ENOTFOUND, "There is no %s.", name)
	}
	set := urlSet{NS: sitemapNS}
	skip := (n - 1) * h.cfg.URLsPerSitemap
	err := h.eachSitemapURL(c, func(u sitemapURL) bool {
		if skip > 0 {
			skip--
			return true
		}
		set.URLs = append(set.URLs, u)
		return len(set.URLs) < h.cfg.URLsPerSitemap
	})
	if err != nil {
		return err
	}
	if n > 1 && len(set.URLs) == 0 {
		return catalog.Errorf(catalog.ENOTFOUND, "There is no sitemap %d.", n)
	}
	return h.sendXML(c, set)
}

func (h *Handler) sendXML(c echo.Context, v any) error {
	data, err := xml.MarshalIndent(v, "", " ")
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/xml; charset=utf-8", append([]byte(xml.Header), append(data, '\n')...))
}

// Atom (RFC 4287) feeds of newly catalogued outputs.

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type atomText struct {
	Lang  string `xml:"xml:lang,attr,omitempty"`
	Value string `xml:",chardata"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Authors    []atomPerson   `xml:"author"`
	Links      []atomLink     `xml:"link"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Categories []atomCategory `xml:"category"`
}

type atomFeed struct {
	XMLName xml.Name    `xml:"feed"`
	NS      string      `xml:"xmlns,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

// feedSize is how many of the newest outputs a feed holds.
const feedSize = 50

// FeedAll answers /feeds/records.atom: the newest published outputs.
func (h *Handler) FeedAll(c echo.Context) error {
	return h.feed(c, "All new outputs", catalog.RecordFilter{})
}

// atomName reads "NAME.atom" from the last part of a feed's path.
func atomName(c echo.Context) (string, error) {
	name, ok := strings.CutSuffix(c.Param("file"), ".atom")
	if !ok || name == "" {
		return "", catalog.Errorf(catalog.ENOTFOUND, "Feeds end in .atom.")
	}
	return name, nil
}

// FeedEvent answers /feeds/events/ID.atom.
func (h *Handler) FeedEvent(c echo.Context) error {
	id, err := atomName(c)
	if err != nil {
		return err
	}
	ev, err := h.cfg.Source.FindEventByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return h.feed(c, "New outputs of "+ev.Name, catalog.RecordFilter{Event: ev.ID})
}

// FeedTopic answers /feeds/topics/KEY.atom.
func (h *Handler) FeedTopic(c echo.Context) error {
	key, err := atomName(c)
	if err != nil {
		return err
	}
	t, ok := catalog.FindTopic(key)
	if !ok {
		return catalog.Errorf(catalog.ENOTFOUND, "There is no topic %q (GET /api/v1/vocabularies lists them).", key)
	}
	return h.feed(c, "New outputs on "+t.Labels["en"], catalog.RecordFilter{Topic: t.Key})
}

func (h *Handler) feed(c echo.Context, title string, f catalog.RecordFilter) error {
	var records []catalog.Record
	err := h.publishedRecords(c, f, func(r *catalog.Record) bool {
		records = append(records, *r)
		return len(records) < feedSize
	})
	if err != nil {
		return err
	}
	return h.Write(c, title, records)
}

// Write answers with an Atom feed of records (published ones, newest
// first, as the caller gives them), titled after the repository and title.
func (h *Handler) Write(c echo.Context, title string, records []catalog.Record) error {
	base := h.cfg.BaseURL(c)
	self := base + c.Request().URL.RequestURI()
	feed := atomFeed{NS: "http://www.w3.org/2005/Atom", ID: self, Title: h.cfg.RepositoryName + ": " + title,
		Author: atomPerson{Name: h.cfg.RepositoryName}, Links: []atomLink{{Rel: "self", Href: self, Type: "application/atom+xml"}}}
	var newest time.Time
	for i := range records {
		plain := records[i].WithPlainTitles() // an Atom title of type text
		r := &plain
		e := atomEntry{ID: base + "/records/" + r.ID, Title: atomText{Lang: r.Language, Value: r.Title},
			Updated: r.Updated.UTC().Format(time.RFC3339), Published: r.Created.UTC().Format(time.RFC3339),
			Links: []atomLink{{Rel: "alternate", Href: base + "/records/" + r.ID, Type: "text/html"},
				{Rel: "alternate", Href: base + "/api/v1/records/" + r.ID, Type: "application/json"}}}
		for _, ct := range r.Contributors {
			e.Authors = append(e.Authors, atomPerson{Name: ct.DisplayName()})
		}
		if len(e.Authors) == 0 {
			e.Authors = []atomPerson{{Name: h.cfg.RepositoryName}}
		}
		if r.Abstract != "" {
			e.Summary = &atomText{Lang: r.Language, Value: r.Abstract}
		} else { // every entry says what it is: its kind, people, date, translated titles
			e.Summary = &atomText{Value: entrySummary(r)}
		}
		for _, key := range r.Topics {
			label := key
			if t, ok := catalog.FindTopic(key); ok {
				label = t.Labels["en"]
			}
			e.Categories = append(e.Categories, atomCategory{Term: key, Label: label})
		}
		if r.Updated.After(newest) {
			newest = r.Updated
		}
		feed.Entries = append(feed.Entries, e)
	}
	if newest.IsZero() {
		newest = time.Now()
	}
	feed.Updated = newest.UTC().Format(time.RFC3339)
	data, err := xml.MarshalIndent(feed, "", " ")
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), append(data, '\n')...))
}

// entrySummary describes a record without an abstract in a line: its
// kind, its people, its date and its titles in other languages.
func entrySummary(r *catalog.Record) string {
	parts := []string{string(r.Kind)}
	var names []string
	for _, c := range r.Contributors {
		names = append(names, c.DisplayName())
	}
	if len(names) > 0 {
		parts = append(parts, strings.Join(names, "; "))
	}
	if r.Date != "" {
		parts = append(parts, r.Date)
	}
	for _, t := range r.Translations {
		parts = append(parts, t.Language+": "+t.Title)
	}
	return strings.Join(parts, " · ")
}
