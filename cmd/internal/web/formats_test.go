package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
)

func TestRecordFormats(t *testing.T) {
	e := newEnv(t)
	e.loadSample()
	for _, tc := range []struct {
		query, accept, contentType string
		wants                      []string
	}{
		{"?format=bibtex", "", "application/x-bibtex", []string{"@misc{jinan-2025-aldoshin,", "author = {Алдошин, Сергей Михайлович}", "title = {Приветственное слово}", "eventtitle = {International Exchange and Cooperation Conference of Local Academies of Sciences}"}},
		{"", "application/x-research-info-systems", "application/x-research-info-systems", []string{"TY  - CONF", "AU  - Алдошин, Сергей Михайлович", "T2  - International Exchange"}},
		{"?format=csl-json", "", "application/vnd.citationstyles.csl+json", []string{`"type":"speech"`, `"family":"Алдошин"`, `"event-title":"International Exchange`}},
		{"", "application/xml", "application/xml", []string{`<dc:title xml:lang="ru">Приветственное слово</dc:title>`, `<dc:creator>Алдошин, Сергей Михайлович</dc:creator>`, "/records/jinan-2025-aldoshin</dc:identifier>"}},
		{"", "text/html, application/json;q=0.9", "application/json", []string{`"id":"jinan-2025-aldoshin"`}},
	} {
		r := e.do("GET", "/api/v1/records/jinan-2025-aldoshin"+tc.query, "", nil, "Accept: "+tc.accept)
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), tc.contentType) {
			t.Errorf("%s %s: %d %s", tc.query, tc.accept, r.status, r.header.Get("Content-Type"))
			continue
		}
		for _, want := range tc.wants {
			if !strings.Contains(string(r.body), want) {
				t.Errorf("%s %s: no %q in\n%s", tc.query, tc.accept, want, r.body)
			}
		}
	}
	if r := e.do("GET", "/api/v1/records/jinan-2025-aldoshin?format=pdf", "", nil); r.status != 400 || r.problem(t).fields()["format"] == "" {
		t.Errorf("format=pdf: %d", r.status)
	}
}

func TestSearchExports(t *testing.T) {
	e := newEnv(t)
	e.loadSample()
	bib := e.do("GET", "/api/v1/search?q=energy&format=bibtex", "", nil)
	var page searchResponse
	e.do("GET", "/api/v1/search?q=energy&size=100", "", nil).json(t, &page)
	if bib.status != 200 || strings.Count(string(bib.body), "\n@") != int(page.Total)-1 || bib.header.Get("X-Total-Count") != fmt.Sprint(page.Total) {
		t.Errorf("bibtex export: %d, %d entries for %d matches", bib.status, strings.Count(string(bib.body), "@"), page.Total)
	}
	if !strings.Contains(bib.header.Get("Content-Disposition"), `filename="annals-search.bib"`) {
		t.Errorf("Content-Disposition: %q", bib.header.Get("Content-Disposition"))
	}
	var items []map[string]any
	cj := e.do("GET", "/api/v1/search?kind=speech&format=csl-json", "", nil)
	cj.json(t, &items)
	if len(items) != 6 {
		t.Errorf("csl-json export of the speeches: %d items", len(items))
	}
	csv := e.do("GET", "/api/v1/search?q="+url.QueryEscape("Алдошин OR Гусаков")+"&format=csv", "", nil)
	if csv.status != 200 {
		t.Fatalf("csv export: %d %s", csv.status, csv.body)
	}
	// The CSV export imports into another catalogue as it is.
	other := newEnv(t)
	other.loadEventsOnly()
	rep := other.do("POST", "/api/v1/import?dry_run=true", other.librarian, csv.body, "Content-Type: text/csv")
	var report catalog.ImportReport
	rep.json(t, &report)
	if rep.status != 200 || report.Total == 0 || report.Failed != 0 {
		t.Errorf("re-import of the CSV export: %d %s", rep.status, rep.body)
	}
	if r := e.do("GET", "/api/v1/search?q=energy&format=bibtex&size=5", "", nil); r.status != 400 {
		t.Errorf("an export with size: %d", r.status)
	}
}
