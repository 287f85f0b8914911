package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestANewcomerFindsWordsInsideTheSamplePDFs is issue 14's "done when": on
// the sample, a phrase that is only inside its PDFs (the heading of their
// citation box) is found, with the file and the page, and the link opens
// the PDF.
func TestANewcomerFindsWordsInsideTheSamplePDFs(t *testing.T) {
	s := startServer(t, t.TempDir(), "--sample")
	type hit struct {
		ID       string `json:"id"`
		Fulltext []struct {
			File, Snippet, URL string
			Page               int
		} `json:"fulltext"`
	}
	search := func(q string) []hit {
		for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
			resp, err := http.Get(s.url + "/api/v1/search?size=50&q=" + url.QueryEscape(q))
			if err != nil {
				t.Fatal(err)
			}
			var res struct{ Hits []hit }
			err = json.NewDecoder(resp.Body).Decode(&res)
			resp.Body.Close()
			switch {
			case resp.StatusCode == http.StatusServiceUnavailable && time.Since(start) < time.Minute:
				continue // the index is being built
			case resp.StatusCode != 200 || err != nil:
				t.Fatalf("search %q: %d %v", q, resp.StatusCode, err)
			}
			return res.Hits
		}
	}
	// The phrase is in no record's metadata.
	const phrase = `"Ссылка для цитирования"`
	if hits := search("title:" + phrase + " OR abstract:" + phrase); len(hits) != 0 {
		t.Fatalf("the phrase is in metadata: %+v", hits)
	}
	var found *hit
	deadline := time.Now().Add(2 * time.Minute) // the sample's 13 PDFs are read after start
	for found == nil && time.Now().Before(deadline) {
		for _, h := range search(phrase) {
			if h.ID == "jinan-2025-belarusians-in-china" {
				found = &h
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	if found == nil || len(found.Fulltext) == 0 {
		t.Fatalf("the report is not found by the words of its PDF: %+v", found)
	}
	p := found.Fulltext[0]
	if p.File != "Белорусы в Китае.pdf" || p.Page != 1 || !strings.Contains(p.Snippet, "<mark>Ссылка</mark>") || !strings.HasSuffix(p.URL, "#page=1") {
		t.Errorf("the page hit: %+v", p)
	}
	resp, err := http.Get(s.url + strings.TrimSuffix(p.URL, "#page=1"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "%PDF-") {
		t.Errorf("opening %s: %d %.20q", p.URL, resp.StatusCode, body)
	}
}
