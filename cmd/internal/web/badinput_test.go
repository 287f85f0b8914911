package web

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/annals/annals/catalog/catalogtest"
)

// TestBadInputLeavesStoreUnchanged sends each kind of garbage the issue
// lists and checks the status, that the problem names what to fix, and
// that the store is exactly as it was.
func TestBadInputLeavesStoreUnchanged(t *testing.T) {
	e := newEnv(t)
	if r := e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, speech("existing"))); r.status != http.StatusCreated {
		t.Fatalf("setup: %d %s", r.status, r.body)
	}
	withField := func(k string, v any) []byte {
		rec := speech("new-record")
		rec[k] = v
		return mustJSON(t, rec)
	}
	contributor := func(k string, v any) []byte {
		rec := speech("new-record")
		c := rec["contributors"].([]any)[0].(map[string]any)
		c[k] = v
		return mustJSON(t, rec)
	}
	tenMB := append([]byte(`{"kind":"report","title":"`), bytes.Repeat([]byte("a"), 10<<20)...)
	tenMB = append(tenMB, `"}`...)

	for _, tc := range []struct {
		name    string
		method  string
		path    string
		token   string // "lib", "admin", "none" or a literal secret
		body    []byte
		headers []string
		status  int
		field   string // a field the problem must name, if any
		detail  string // text the detail must contain, if any
	}{
		{name: "malformed JSON", body: []byte(`{"kind": "report", "title": }`), status: 400, detail: "Line 1, column 29"},
		{name: "wrong types", body: withField("title", 42), status: 400, field: "title"},
		{name: "wrong type deep", body: contributor("family", []any{"x"}), status: 400, field: "contributors[0].family"},
		{name: "unknown field", body: withField("titel", "x"), status: 400, field: "titel"},
		{name: "empty body", body: []byte{}, status: 400, detail: "empty"},
		{name: "10 MB body", body: tenMB, status: 413},
		{name: "invalid UTF-8", body: []byte("{\"kind\":\"report\",\"title\":\"\xc3\x28\"}"), status: 400, detail: "not valid UTF-8"},
		{name: "impossible date", body: withField("date", "2025-02-30"), status: 422, field: "date"},
		{name: "bad ORCID check digit", body: contributor("orcid", "0000-0002-1825-0098"), status: 422, field: "contributors[0].orcid", detail: ""},
		{name: "unknown event", body: withField("event", "atlantis-2025"), status: 422, field: "event"},
		{name: "unknown session", body: withField("session", "banquet"), status: 422, field: "session"},
		{name: "duplicate id", body: mustJSON(t, speech("existing")), status: 409, field: "id"},
		{name: "not JSON content type", body: mustJSON(t, speech("x")), headers: []string{"Content-Type: application/x-www-form-urlencoded"}, status: 415},
		{name: "missing token", token: "none", body: mustJSON(t, speech("x")), status: 401},
		{name: "wrong token", token: "annals_WRONG", body: mustJSON(t, speech("x")), status: 401},
		{name: "not a bearer token", token: "none", headers: []string{"Authorization: Basic dXNlcjpwYXNz"}, body: mustJSON(t, speech("x")), status: 401},
		{name: "wrong token on a read", method: "GET", path: "/api/v1/records", token: "annals_WRONG", status: 401},
		{name: "role too low", method: "POST", path: "/api/v1/tokens", body: []byte(`{"name":"x","role":"admin"}`), status: 403},
		{name: "stale If-Match", method: "PUT", path: "/api/v1/records/existing", body: withField("id", "existing"), headers: []string{`If-Match: "7"`}, status: 412},
		{name: "missing If-Match", method: "PUT", path: "/api/v1/records/existing", body: withField("id", "existing"), status: 428},
		{name: "garbled If-Match", method: "PUT", path: "/api/v1/records/existing", body: withField("id", "existing"), headers: []string{"If-Match: 1"}, status: 400},
		{name: "id differs from address", method: "PUT", path: "/api/v1/records/existing", body: withField("id", "other"), headers: []string{`If-Match: "1"`}, status: 422, field: "id"},
		{name: "update of unknown record", method: "PUT", path: "/api/v1/records/nope", body: withField("id", "nope"), headers: []string{`If-Match: "1"`}, status: 404},
		{name: "query typo on write", path: "/api/v1/records?dryrun=1", body: mustJSON(t, speech("x")), status: 400, field: "dryrun"},
		{name: "array instead of object", body: []byte(`[{"kind":"report"}]`), status: 400},
		{name: "token bad role", method: "POST", path: "/api/v1/tokens", token: "admin", body: []byte(`{"name":"x","role":"root"}`), status: 422, field: "role"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := catalogtest.TakeFingerprint(t, e.store)
			method, path := tc.method, tc.path
			if method == "" {
				method = "POST"
			}
			if path == "" {
				path = "/api/v1/records"
			}
			token := e.librarian
			switch tc.token {
			case "none":
				token = ""
			case "admin":
				token = e.admin
			case "":
			default:
				token = tc.token
			}
			r := e.do(method, path, token, tc.body, tc.headers...)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			p := r.problem(t)
			if tc.field != "" && p.fields()[tc.field] == "" {
				t.Errorf("problem does not name %s: %+v", tc.field, p)
			}
			if !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("detail %q does not contain %q", p.Detail, tc.detail)
			}
			if p.Detail == "" {
				t.Error("problem has no detail")
			}
			catalogtest.AssertUnchanged(t, e.store, before)
		})
	}
}

// TestValidationReportsEveryField checks that one 422 names every invalid
// field, so that a librarian fixes a form in one go.
func TestValidationReportsEveryField(t *testing.T) {
	e := newEnv(t)
	rec := speech("many-errors")
	rec["date"] = "2025-02-30"
	rec["language"] = "russian"
	rec["topics"] = []any{"astrology"}
	rec["contributors"] = []any{map[string]any{"family": "X", "orcid": "0000-0002-1825-0098", "country": "SU"}}
	r := e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, rec))
	p := r.problem(t)
	f := p.fields()
	if r.status != 422 || p.Title != "Invalid record" || p.Detail != "5 fields are invalid" || len(f) != 5 ||
		f["date"] == "" || f["language"] == "" || f["topics[0]"] == "" || f["contributors[0].orcid"] == "" || f["contributors[0].country"] == "" {
		t.Errorf("got %d %+v", r.status, p)
	}
}
