package web

import (
	"encoding/xml"
	"net/http"
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
	if len(set.URLs) != 88 || !strings.HasSuffix(set.URLs[0].Loc, "/records/"+"jinan-2025-culture-72") || set.URLs[0].LastMod == "" {
		t.Errorf("sitemap: %d urls, first %+v", len(set.URLs), set.URLs[0])
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
