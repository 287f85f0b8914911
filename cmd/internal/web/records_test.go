package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
)

func TestRecordLifecycle(t *testing.T) {
	e := newEnv(t)
	resp := e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, speech("aldoshin")))
	if resp.status != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.status, resp.body)
	}
	if resp.header.Get("Location") != "/api/v1/records/aldoshin" || resp.header.Get("ETag") != `"1"` {
		t.Errorf("create headers: Location %q ETag %q", resp.header.Get("Location"), resp.header.Get("ETag"))
	}
	var created catalog.Record
	resp.json(t, &created)
	if created.Title != "Приветственное слово" || created.Version != 1 || created.Contributors[0].Role != "speaker" {
		t.Errorf("created: %+v", created)
	}

	got := e.do("GET", "/api/v1/records/aldoshin", "", nil)
	if got.status != http.StatusOK || got.header.Get("ETag") != `"1"` {
		t.Fatalf("get: %d %s", got.status, got.body)
	}
	if nm := e.do("GET", "/api/v1/records/aldoshin", "", nil, `If-None-Match: "1"`); nm.status != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", nm.status)
	}

	upd := speech("aldoshin")
	upd["pages"] = "1-5"
	put := e.do("PUT", "/api/v1/records/aldoshin", e.librarian, mustJSON(t, upd), `If-Match: "1"`)
	if put.status != http.StatusOK || put.header.Get("ETag") != `"2"` {
		t.Fatalf("put: %d %s", put.status, put.body)
	}

	var hist historyResponse
	h := e.do("GET", "/api/v1/records/aldoshin/history", e.librarian, nil)
	h.json(t, &hist)
	if h.status != http.StatusOK || len(hist.Changes) != 2 || hist.Changes[1].Actor != "Librarian Ирина" ||
		len(hist.Changes[1].Changes) != 1 || hist.Changes[1].Changes[0].Field != "pages" || string(hist.Changes[1].Changes[0].After) != `"1-5"` {
		t.Errorf("history: %d %s", h.status, h.body)
	}

	if del := e.do("DELETE", "/api/v1/records/aldoshin", e.librarian, nil, `If-Match: "1"`); del.status != http.StatusPreconditionFailed {
		t.Errorf("delete with stale If-Match: %d", del.status)
	}
	if del := e.do("DELETE", "/api/v1/records/aldoshin", e.librarian, nil); del.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", del.status, del.body)
	}
	gone := e.do("GET", "/api/v1/records/aldoshin", "", nil)
	if gone.status != http.StatusGone || !strings.Contains(gone.problem(t).Detail, "deleted") {
		t.Errorf("get deleted: %d %s", gone.status, gone.body)
	}
	if h := e.do("GET", "/api/v1/records/aldoshin/history", e.librarian, nil); h.status != http.StatusOK {
		t.Errorf("history of a deleted record, for a librarian: %d", h.status)
	}
}

func TestDraftsNeedAToken(t *testing.T) {
	e := newEnv(t)
	draft := speech("draft-1")
	draft["status"] = "draft"
	if r := e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, draft)); r.status != http.StatusCreated {
		t.Fatal(r.status, string(r.body))
	}
	if r := e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, speech("pub-1"))); r.status != http.StatusCreated {
		t.Fatal(r.status)
	}
	if r := e.do("GET", "/api/v1/records/draft-1", "", nil); r.status != http.StatusNotFound {
		t.Errorf("anonymous get of a draft: %d", r.status)
	}
	if r := e.do("GET", "/api/v1/records/draft-1/history", "", nil); r.status != http.StatusNotFound {
		t.Errorf("anonymous history of a draft: %d", r.status)
	}
	if r := e.do("GET", "/api/v1/records/draft-1", e.librarian, nil); r.status != http.StatusOK {
		t.Errorf("librarian get of a draft: %d", r.status)
	}
	var anon, lib listResponse
	e.do("GET", "/api/v1/records", "", nil).json(t, &anon)
	e.do("GET", "/api/v1/records", e.librarian, nil).json(t, &lib)
	if anon.Total != 1 || anon.Records[0].ID != "pub-1" || lib.Total != 2 {
		t.Errorf("anonymous sees %d, librarian %d", anon.Total, lib.Total)
	}
	if r := e.do("GET", "/api/v1/records?status=draft", "", nil); r.status != http.StatusUnauthorized {
		t.Errorf("anonymous status=draft: %d", r.status)
	}
}

func TestListPagination(t *testing.T) {
	e := newEnv(t)
	recs := catalogtest.NewGenerator(11).Records(55)
	for i := range recs {
		recs[i].Status = catalog.StatusPublished
	}
	rep, err := e.store.ImportRecords(t.Context(), itemsOf(recs), catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate})
	if err != nil || rep.Imported != 55 {
		t.Fatalf("import: %v", err)
	}
	seen := map[string]bool{}
	path := "/api/v1/records?size=20"
	for pages := 0; pages < 10; pages++ {
		var page listResponse
		r := e.do("GET", path, "", nil)
		r.json(t, &page)
		if r.status != http.StatusOK || page.Total != 55 {
			t.Fatalf("page %d: %d %s", pages, r.status, r.body)
		}
		for _, rec := range page.Records {
			if seen[rec.ID] {
				t.Fatalf("%s seen twice", rec.ID)
			}
			seen[rec.ID] = true
		}
		if page.Next == nil {
			break
		}
		path = "/api/v1/records?size=20&after=" + *page.Next
	}
	if len(seen) != 55 {
		t.Errorf("paged through %d of 55", len(seen))
	}
	if !strings.Contains(string(e.do("GET", "/api/v1/records?size=1", "", nil).body), `"next":"`) {
		t.Error("first page of one has no next cursor")
	}
	var last listResponse
	e.do("GET", "/api/v1/records?size=100", "", nil).json(t, &last)
	if last.Next != nil || len(last.Records) != 55 {
		t.Errorf("single page: next %v, %d records", last.Next, len(last.Records))
	}
}

func itemsOf(recs []catalog.Record) []catalog.ImportItem {
	items := make([]catalog.ImportItem, len(recs))
	for i, r := range recs {
		items[i] = catalog.ImportItem{Index: i, Record: r}
	}
	return items
}

func TestListParameters(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		query string
		field string
	}{
		{"knd=report", "knd"},
		{"kind=poster", "kind"},
		{"size=0", "size"},
		{"size=101", "size"},
		{"size=ten", "size"},
		{"status=secret", "status"},
		{"after=not-a-cursor", "after"},
		{"kind=report&kind=speech", "kind"},
	} {
		r := e.do("GET", "/api/v1/records?"+tc.query, e.librarian, nil)
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", tc.query, r.status)
			continue
		}
		if p := r.problem(t); p.fields()[tc.field] == "" {
			t.Errorf("%s: problem does not name %s: %+v", tc.query, tc.field, p)
		}
	}
}

func TestEvents(t *testing.T) {
	e := newEnv(t)
	ev := map[string]any{"id": "jinan-2025", "name": "International Exchange and Cooperation Conference of Local Academies of Sciences",
		"translations": []any{map[string]any{"language": "zh", "name": "地方科学院国际交流与合作大会"}},
		"start":        "2025-06-04", "end": "2025-06-06",
		"sessions": []any{map[string]any{"key": "opening", "title": "Opening ceremony"}, map[string]any{"key": "ai", "title": "AI"}}}
	if r := e.do("POST", "/api/v1/events", e.librarian, mustJSON(t, ev)); r.status != http.StatusCreated {
		t.Fatalf("create event: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/api/v1/events", e.librarian, mustJSON(t, ev)); r.status != http.StatusConflict {
		t.Errorf("duplicate event: %d", r.status)
	}
	rec := speech("in-jinan")
	rec["event"], rec["session"] = "jinan-2025", "ai"
	if r := e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, rec)); r.status != http.StatusCreated {
		t.Fatalf("record: %d %s", r.status, r.body)
	}
	ev["sessions"] = []any{map[string]any{"key": "opening", "title": "Opening ceremony"}}
	r := e.do("PUT", "/api/v1/events/jinan-2025", e.librarian, mustJSON(t, ev))
	if r.status != http.StatusUnprocessableEntity || r.problem(t).Title != "Invalid event" {
		t.Errorf("removing a used session: %d %s", r.status, r.body)
	}
	if r := e.do("DELETE", "/api/v1/events/jinan-2025", e.librarian, nil); r.status != http.StatusConflict {
		t.Errorf("deleting an event with records: %d", r.status)
	}
	var list struct {
		Total  int             `json:"total"`
		Events []catalog.Event `json:"events"`
	}
	e.do("GET", "/api/v1/events", "", nil).json(t, &list)
	if list.Total != 2 {
		t.Errorf("events: %+v", list)
	}
	bad := map[string]any{"name": "", "start": "2025-06-31", "sessions": []any{map[string]any{"key": "Bad Key", "title": "x"}}}
	r = e.do("POST", "/api/v1/events", e.librarian, mustJSON(t, bad))
	if f := r.problem(t).fields(); r.status != 422 || f["name"] == "" || f["start"] == "" || f["sessions[0].key"] == "" {
		t.Errorf("invalid event: %d %s", r.status, r.body)
	}
}

func TestVocabulariesAndHealth(t *testing.T) {
	e := newEnv(t)
	var v struct {
		Topics []catalog.Topic `json:"topics"`
		Kinds  []string        `json:"kinds"`
	}
	e.do("GET", "/api/v1/vocabularies", "", nil).json(t, &v)
	if len(v.Kinds) != 9 || v.Topics[0].Labels["zh"] == "" || v.Topics[0].Labels["ru"] == "" {
		t.Errorf("vocabularies: %+v", v)
	}
	var h healthReport
	r := e.do("GET", "/healthz", "", nil)
	r.json(t, &h)
	if r.status != 200 || h.Status != "ok" || h.Revision < 1 {
		t.Errorf("healthz: %d %s", r.status, r.body)
	}
	if r.header.Get("X-Request-Id") == "" || r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("missing request id or security headers: %v", r.header)
	}
	nf := e.do("GET", "/api/v1/nothing", "", nil)
	if nf.status != 404 || nf.problem(t).RequestID == "" {
		t.Errorf("unknown path: %d %s", nf.status, nf.body)
	}
	if r := e.do("PATCH", "/api/v1/records/x", e.librarian, []byte("{}")); r.status != http.StatusMethodNotAllowed {
		t.Errorf("PATCH: %d", r.status)
	}
}

// TestAnonymousHistoryShowsPublishedVersionsOnly: what a record said as a
// draft, and the names of librarians, are not in the public history.
func TestAnonymousHistoryShowsPublishedVersionsOnly(t *testing.T) {
	e := newEnv(t)
	r := speech("hist")
	r["status"], r["title"] = "draft", "Secret draft title"
	if c := e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, r)); c.status != http.StatusCreated {
		t.Fatalf("create: %d %s", c.status, c.body)
	}
	r["status"], r["title"] = "published", "Public title"
	e.do("PUT", "/api/v1/records/hist", e.librarian, mustJSON(t, r), `If-Match: "1"`)
	r["title"] = "Public title, revised"
	e.do("PUT", "/api/v1/records/hist", e.librarian, mustJSON(t, r), `If-Match: "2"`)

	anon := e.do("GET", "/api/v1/records/hist/history", "", nil)
	var hist historyResponse
	anon.json(t, &hist)
	if anon.status != http.StatusOK || strings.Contains(string(anon.body), "Secret") || strings.Contains(string(anon.body), "Ирина") {
		t.Errorf("anonymous history shows draft content or a librarian: %s", anon.body)
	}
	if len(hist.Changes) != 2 || hist.Changes[0].Op != "create" || hist.Changes[1].Op != "update" ||
		len(hist.Changes[1].Changes) != 1 || string(hist.Changes[1].Changes[0].After) != `"Public title, revised"` {
		t.Errorf("anonymous history: %s", anon.body)
	}
	lib := e.do("GET", "/api/v1/records/hist/history", e.librarian, nil)
	if lib.json(t, &hist); len(hist.Changes) != 3 || hist.Changes[0].Actor == "" || !strings.Contains(string(lib.body), "Secret draft title") {
		t.Errorf("a librarian's history: %s", lib.body)
	}
}
