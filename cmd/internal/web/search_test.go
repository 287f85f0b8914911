package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/annals/annals/search"
)

// loadEventsOnly loads the sample's events without its records.
func (e *env) loadEventsOnly() {
	e.t.Helper()
	e.loadSampleParts(false)
}

// loadSample loads the shipped sample into the env's store and index.
func (e *env) loadSample() {
	e.t.Helper()
	e.loadSampleParts(true)
}

func (e *env) loadSampleParts(records bool) {
	e.t.Helper()
	data, err := os.ReadFile("../../../assets/sample/jinan-2025.json")
	if err != nil {
		e.t.Fatal(err)
	}
	var f struct {
		Events  []json.RawMessage `json:"events"`
		Records json.RawMessage   `json:"records"`
	}
	json.Unmarshal(data, &f)
	for _, raw := range f.Events {
		ev, _ := recordio.DecodeEvent(raw)
		if err := e.store.CreateEvent(context.Background(), &ev); err != nil {
			e.t.Fatal(err)
		}
	}
	if !records {
		return
	}
	items, err := recordio.ReadJSON(f.Records)
	if err != nil {
		e.t.Fatal(err)
	}
	if rep, err := e.store.ImportRecords(context.Background(), items, catalog.ImportOptions{Atomic: true, OnDuplicate: catalog.DuplicateCreate}); err != nil || rep.Failed > 0 {
		e.t.Fatalf("sample: %v", err)
	}
	e.catchUp()
}

func (e *env) searchAPI(t *testing.T, query, token string) searchResponse {
	t.Helper()
	r := e.do("GET", "/api/v1/search?"+query, token, nil)
	if r.status != http.StatusOK {
		t.Fatalf("search %s: %d %s", query, r.status, r.body)
	}
	var resp searchResponse
	r.json(t, &resp)
	return resp
}

func TestSearchAPI(t *testing.T) {
	e := newEnv(t)
	e.loadSample()
	resp := e.searchAPI(t, "q="+url.QueryEscape("Алдошин"), "")
	if resp.Total != 1 || resp.Hits[0].ID != "jinan-2025-aldoshin" || resp.Hits[0].Contributors[0] != "Алдошин, Сергей Михайлович" ||
		resp.Hits[0].Title != "Приветственное слово" || resp.Hits[0].Score <= 0 {
		t.Errorf("Алдошин: %+v", resp)
	}
	resp = e.searchAPI(t, "q="+url.QueryEscape("artificial intelligence")+"&size=3", "")
	if len(resp.Hits) != 3 || resp.Next == nil || resp.Total <= 3 {
		t.Fatalf("page of 3: %d hits, next %v, total %d", len(resp.Hits), resp.Next, resp.Total)
	}
	if h := resp.Hits[0].Highlights["title"]; len(h) == 0 || !strings.Contains(h[0], "<mark>") {
		t.Errorf("no highlight on the first hit: %+v", resp.Hits[0])
	}
	for _, name := range search.FacetNames {
		if _, ok := resp.Facets[name]; !ok {
			t.Errorf("facet %s missing", name)
		}
	}
	next := e.searchAPI(t, "q="+url.QueryEscape("artificial intelligence")+"&size=3&after="+*resp.Next, "")
	if next.Hits[0].ID == resp.Hits[0].ID {
		t.Error("the next page starts with the same hit")
	}
	raw := e.do("GET", "/api/v1/search?q=zzzzqqq", "", nil)
	if !strings.Contains(string(raw.body), `"hits":[]`) || !strings.Contains(string(raw.body), `"next":null`) {
		t.Errorf("empty result: %s", raw.body)
	}
	filtered := e.searchAPI(t, "kind=speech,report&sort=title", "")
	if filtered.Total != 7 {
		t.Errorf("kind=speech,report: %d", filtered.Total)
	}
}

func TestSearchHidesDraftsWithoutToken(t *testing.T) {
	e := newEnv(t)
	draft := speech("draft-speech")
	draft["status"] = "draft"
	if r := e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, draft)); r.status != 201 {
		t.Fatal(r.status)
	}
	e.catchUp()
	if resp := e.searchAPI(t, "q="+url.QueryEscape("Алдошин"), ""); resp.Total != 0 {
		t.Errorf("anonymous sees a draft: %+v", resp.Hits)
	}
	if resp := e.searchAPI(t, "q="+url.QueryEscape("Алдошин"), e.librarian); resp.Total != 1 || resp.Hits[0].Status != "draft" {
		t.Errorf("librarian does not see the draft: %+v", resp)
	}
	if r := e.do("GET", "/api/v1/search?status=draft", "", nil); r.status != 401 {
		t.Errorf("status=draft without a token: %d", r.status)
	}
}

// TestSearchNeverFails sends what people (and scripts) type; only an
// unknown explicit field and bad parameters are 400s, nothing is a 5xx.
func TestSearchNeverFails(t *testing.T) {
	e := newEnv(t)
	e.loadSample()
	for _, q := range []string{"what is AI?", `"unbalanced`, "energy -", "3:2 ratio", "note: x", "-", "?", "~~", `"" ""`,
		"a:", ":b", "((()))", "[]{}", "*", "title:", "name:", "-kind:", "\\", "%", "ＡＩ？", "😀", strings.Repeat("word ", 300),
		"<script>alert(1)</script>", "' OR 1=1 --", "中俄\"人工", "title:\"", "kind:nonsense"} {
		r := e.do("GET", "/api/v1/search?q="+url.QueryEscape(q), "", nil)
		if r.status != http.StatusOK {
			t.Errorf("%q: %d %s", q, r.status, r.body)
		}
	}
	for query, field := range map[string]string{
		"q=colour:red":                       "q",
		"size=1000":                          "size",
		"sort=random":                        "sort",
		"kind=poster":                        "kind",
		"year=twenty":                        "year",
		"from=2025-02-30":                    "from",
		"after=xyz":                          "after",
		"format=pdf":                         "format",
		"qq=ai":                              "qq",
		"q=%FF":                              "q",
		"topic=" + strings.Repeat("t,", 101): "topic",
	} {
		r := e.do("GET", "/api/v1/search?"+query, "", nil)
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", query, r.status, r.body)
			continue
		}
		if p := r.problem(t); p.fields()[field] == "" {
			t.Errorf("%s: problem does not name %s: %+v", query, field, p)
		}
	}
}

func TestSearchSeesAPIWrites(t *testing.T) {
	e := newEnv(t)
	if r := e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, speech("new-one"))); r.status != 201 {
		t.Fatal(r.status)
	}
	e.catchUp()
	if resp := e.searchAPI(t, "q="+url.QueryEscape("Алдошин"), ""); resp.Total != 1 {
		t.Errorf("new record not found: %d", resp.Total)
	}
	// The record has the name only in Cyrillic; the Latin spelling finds it.
	if resp := e.searchAPI(t, "q=Aldoshin", ""); resp.Total != 1 {
		t.Errorf("Aldoshin does not find a record with only Алдошин: %d", resp.Total)
	}
	var h healthReport
	e.do("GET", "/healthz", "", nil).json(t, &h)
	if h.Search == nil || h.Search.State != "ready" || h.Search.Revision != h.Revision {
		t.Errorf("healthz search: %+v (store revision %d)", h.Search, h.Revision)
	}
	if r := e.do("POST", "/api/v1/admin/reindex", e.librarian, nil); r.status != http.StatusForbidden {
		t.Errorf("reindex as librarian: %d", r.status)
	}
	if r := e.do("POST", "/api/v1/admin/reindex", e.admin, nil); r.status != http.StatusAccepted {
		t.Errorf("reindex as admin: %d %s", r.status, r.body)
	}
}

func TestParseSearch(t *testing.T) {
	for _, tc := range []struct {
		query string
		token bool
		check func(search.Request) bool
	}{
		{"q=a&kind=report,speech&year=2025", false, func(r search.Request) bool {
			return len(r.Filters.Kind) == 2 && r.Filters.Year[0] == "2025" && r.Filters.Statuses == nil
		}},
		{"", true, func(r search.Request) bool { return len(r.Filters.Statuses) == 3 }},
		{"status=draft", true, func(r search.Request) bool { return len(r.Filters.Statuses) == 1 && r.Filters.Statuses[0] == "draft" }},
		{"contributor=+Zhang+Tian+&size=5&sort=-date", false, func(r search.Request) bool {
			return r.Filters.Contributor == "Zhang Tian" && r.Size == 5 && r.Sort == "-date"
		}},
	} {
		q, _ := url.ParseQuery(tc.query)
		r, err := parseSearch(q, tc.token)
		if err != nil || !tc.check(r) {
			t.Errorf("%q (token %v): %+v %v", tc.query, tc.token, r, err)
		}
	}
}
