package web

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The sitemap and feeds (cmd/internal/feeds) as the server mounts them;
// these types read the parts of their XML the tests check.

type urlSet struct {
	URLs []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"url"`
}

type atomFeed struct {
	ID      string `xml:"id"`
	Updated string `xml:"updated"`
	Entries []struct {
		ID    string `xml:"id"`
		Title struct {
			Value string `xml:",chardata"`
		} `xml:"title"`
		Updated string `xml:"updated"`
		Authors []struct {
			Name string `xml:"name"`
		} `xml:"author"`
	} `xml:"entry"`
}

func TestSitemap(t *testing.T) {
	e := newEnv(t)
	e.loadSample()
	draft := speech("a-draft")
	draft["status"] = "draft"
	e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, draft))
	r := e.do("GET", "/sitemap.xml", "", nil)
	var set urlSet
	if err := xml.Unmarshal(r.body, &set); err != nil || r.status != 200 {
		t.Fatalf("sitemap: %d %v", r.status, err)
	}
	// the events' pages (the sample's and the test event), then the records'
	if len(set.URLs) != 90 || !strings.HasSuffix(set.URLs[0].Loc, "/events/gen-2025") || !strings.HasSuffix(set.URLs[1].Loc, "/events/jinan-2025") ||
		!strings.HasSuffix(set.URLs[2].Loc, "/records/"+"jinan-2025-culture-72") || set.URLs[2].LastMod == "" {
		t.Errorf("sitemap: %d urls, first %+v", len(set.URLs), set.URLs[:3])
	}
	for _, u := range set.URLs {
		if strings.HasSuffix(u.Loc, "a-draft") {
			t.Error("a draft is in the sitemap")
		}
	}
	if r := e.do("GET", "/sitemap-2.xml", "", nil); r.status != http.StatusNotFound {
		t.Errorf("sitemap-2 of a small catalogue: %d", r.status)
	}
	if r := e.do("GET", "/sitemap-x.xml", "", nil); r.status != http.StatusNotFound {
		t.Errorf("sitemap-x: %d", r.status)
	}
}

func TestAtomFeeds(t *testing.T) {
	e := newEnv(t)
	e.loadSample()
	for path, want := range map[string]int{
		"/feeds/records.atom":            50,
		"/feeds/events/jinan-2025.atom":  50,
		"/feeds/topics/think-tanks.atom": 2,
		"/feeds/topics/energy.atom":      15,
	} {
		r := e.do("GET", path, "", nil)
		var feed atomFeed
		if err := xml.Unmarshal(r.body, &feed); err != nil || r.status != 200 || r.header.Get("Content-Type") != "application/atom+xml; charset=utf-8" {
			t.Fatalf("%s: %d %v", path, r.status, err)
		}
		if len(feed.Entries) != want || feed.Updated == "" || feed.ID == "" {
			t.Errorf("%s: %d entries, want %d", path, len(feed.Entries), want)
		}
		for _, en := range feed.Entries {
			if en.ID == "" || en.Title.Value == "" || en.Updated == "" || len(en.Authors) == 0 {
				t.Errorf("%s: incomplete entry %+v", path, en)
			}
		}
	}
	r := e.do("GET", "/feeds/topics/think-tanks.atom", "", nil)
	if !strings.Contains(string(r.body), `<title xml:lang="ru">Белорусы в Китае</title>`) {
		t.Errorf("multilingual entry title: %s", r.body)
	}
	for _, path := range []string{"/feeds/topics/astrology.atom", "/feeds/events/nope.atom", "/feeds/events/jinan-2025.rss"} {
		if r := e.do("GET", path, "", nil); r.status != http.StatusNotFound {
			t.Errorf("%s: %d", path, r.status)
		}
	}
}

// TestSitemapListsOpenFiles: the sitemap lists each published record's
// open files after its page, never restricted or embargoed ones, and
// splits into an index when pages and files pass the URLs a file holds.
func TestSitemapListsOpenFiles(t *testing.T) {
	e, _ := filesEnv(t, func(c *Config) { c.URLsPerSitemap = 50 })
	e.loadSample()
	pdf := []byte("%PDF-1.4 a report")
	for _, u := range []struct{ name, query string }{{"Доклад 1.pdf", ""}, {"closed.pdf", "?access=restricted"},
		{"later.pdf", "?access=embargoed&embargo_until=2999-01-01"}} {
		if r := e.upload(url.PathEscape(u.name)+u.query, pdf, e.librarian); r.status != http.StatusCreated {
			t.Fatalf("upload %s: %d %s", u.name, r.status, r.body)
		}
	}
	r := e.do("GET", "/sitemap.xml", "", nil)
	var idx struct {
		Sitemaps []struct {
			Loc string `xml:"loc"`
		} `xml:"sitemap"`
	}
	if err := xml.Unmarshal(r.body, &idx); err != nil || len(idx.Sitemaps) != 2 {
		t.Fatalf("2 events, 89 pages and 1 file in sitemaps of 50: %d %s", r.status, r.body)
	}
	var locs []string
	for _, s := range idx.Sitemaps {
		part := e.do("GET", s.Loc[strings.Index(s.Loc, "/sitemap-"):], "", nil)
		var set urlSet
		if err := xml.Unmarshal(part.body, &set); err != nil || part.status != 200 || len(set.URLs) > 50 {
			t.Fatalf("%s: %d, %d urls, %v", s.Loc, part.status, len(set.URLs), err)
		}
		for _, u := range set.URLs {
			locs = append(locs, u.Loc)
		}
	}
	all := strings.Join(locs, "\n")
	if len(locs) != 92 || !strings.Contains(all, "/events/jinan-2025\n") || !strings.Contains(all, "/records/rep\n") ||
		!strings.Contains(all, "/records/rep/files/"+url.PathEscape("Доклад 1.pdf")) ||
		strings.Contains(all, "closed.pdf") || strings.Contains(all, "later.pdf") {
		t.Errorf("the sitemaps list %d urls:\n%s", len(locs), all)
	}
}
