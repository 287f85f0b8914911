package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
)

// createTwins makes two published records of the same work (one DOI) and
// returns their ids, the older first.
func createTwins(e *env) (string, string) {
	e.t.Helper()
	var ids []string
	for _, body := range []string{
		`{"kind":"report","status":"published","title":"Белорусы в Китае","language":"ru","date":"2025","keywords":["диаспора"],"identifiers":{"doi":"10.1234/bic.2025"},"contributors":[{"family":"Дудик","given":"Александр"}]}`,
		`{"kind":"report","status":"published","title":"Belarusians in China","language":"en","date":"2025","keywords":["diaspora"],"publisher":"Belarusian Academy","identifiers":{"doi":"10.1234/bic.2025"}}`,
	} {
		r := e.do("POST", "/api/v1/records", e.librarian, []byte(body))
		if r.status != http.StatusCreated {
			e.t.Fatalf("create: %d %s", r.status, r.body)
		}
		var rec catalog.Record
		json.Unmarshal(r.body, &rec)
		ids = append(ids, rec.ID)
	}
	return ids[0], ids[1]
}

// TestMergeRecordsAPI: POST /api/v1/records/{id}/merge merges another
// record into {id} (by default the kept values first, the other's where it
// has none, keywords joined); the merged id then leads to the kept record,
// in the API and on the page; bad requests name the problem and change
// nothing.
func TestMergeRecordsAPI(t *testing.T) {
	e := newPagesEnv(t)
	keep, from := createTwins(e)
	etag := e.do("GET", "/api/v1/records/"+keep, e.librarian, nil).header.Get("ETag")
	for _, bad := range []struct {
		token, body, ifMatch string
		status               int
	}{
		{"", `{"from":"` + from + `"}`, "", http.StatusUnauthorized},
		{e.librarian, `{"from":`, "", http.StatusBadRequest},
		{e.librarian, `{"from":"` + keep + `"}`, "", http.StatusUnprocessableEntity},
		{e.librarian, `{}`, "", http.StatusUnprocessableEntity},
		{e.librarian, `{"from":"no-such-record"}`, "", http.StatusNotFound},
		{e.librarian, `{"from":"` + from + `"}`, `"99"`, http.StatusPreconditionFailed},
		{e.librarian, `{"from":"` + from + `","from_version":7}`, "", http.StatusPreconditionFailed},
		{e.librarian, `{"from":"` + from + `","surprise":1}`, "", http.StatusBadRequest},
	} {
		var headers []string
		if bad.ifMatch != "" {
			headers = append(headers, "If-Match: "+bad.ifMatch)
		}
		if r := e.do("POST", "/api/v1/records/"+keep+"/merge", bad.token, []byte(bad.body), headers...); r.status != bad.status {
			t.Errorf("merge %s: %d %s, want %d", bad.body, r.status, r.body, bad.status)
		}
	}
	if r := e.do("GET", "/api/v1/records/"+from, "", nil); r.status != http.StatusOK {
		t.Fatalf("a refused merge touched %s: %d", from, r.status)
	}

	r := e.do("POST", "/api/v1/records/"+keep+"/merge", e.librarian, []byte(`{"from":"`+from+`"}`), "If-Match: "+etag)
	if r.status != http.StatusOK {
		t.Fatalf("merge: %d %s", r.status, r.body)
	}
	var got catalog.Record
	json.Unmarshal(r.body, &got)
	if got.Title != "Белорусы в Китае" || got.Publisher != "Belarusian Academy" || strings.Join(got.Keywords, ",") != "диаспора,diaspora" ||
		len(got.Merged) != 1 || got.Merged[0] != from {
		t.Errorf("merged record: title %q, publisher %q, keywords %v, merged %v", got.Title, got.Publisher, got.Keywords, got.Merged)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for path, want := range map[string]string{
		"/api/v1/records/" + from + "?format=bibtex": "/api/v1/records/" + keep + "?format=bibtex",
		"/records/" + from:                           "/records/" + keep,
	} {
		resp, err := noFollow.Get(e.url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != want {
			t.Errorf("%s: %d to %q, want 301 to %s", path, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
	// A record deleted without a merge is still gone.
	other := e.do("POST", "/api/v1/records", e.librarian, []byte(`{"kind":"report","status":"published","title":"Deleted alone","date":"2025"}`))
	var alone catalog.Record
	json.Unmarshal(other.body, &alone)
	e.do("DELETE", "/api/v1/records/"+alone.ID, e.librarian, nil)
	if r := e.do("GET", "/api/v1/records/"+alone.ID, "", nil); r.status != http.StatusGone {
		t.Errorf("a deleted record: %d, want 410", r.status)
	}
}

// TestMergePages: the duplicates page lists the pair; the merge page shows
// the fields that differ with the kept record's values chosen (both for
// keywords); the librarian takes the other's title, and after the merge the
// duplicates page says so and lists the pair no more.
func TestMergePages(t *testing.T) {
	e := newPagesEnv(t)
	keep, from := createTwins(e)
	c := browserClient(t)
	signIn(t, c, e.url, e.librarian)
	_, page := get(t, c, e.url+"/librarian/duplicates?lang=en")
	if !strings.Contains(page, "The same DOI") || !strings.Contains(page, "/librarian/merge?keep="+keep+"&amp;from="+from) {
		t.Fatalf("duplicates page: %s", between(page, "<main", "</main>"))
	}
	_, page = get(t, c, e.url+"/librarian/merge?keep="+keep+"&from="+from+"&lang=en")
	for _, want := range []string{
		`name="f.title" value="keep" checked`, `name="f.publisher" value="from" checked`, `name="f.keywords" value="both" checked`,
		"Belarusians in China", "Merge " + from + " into " + keep,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("merge page lacks %s", want)
		}
	}
	csrf := csrfRe.FindStringSubmatch(page)[1]
	form := url.Values{"csrf": {csrf}, "keep": {keep}, "from": {from}, "keep_version": {"1"}, "from_version": {"1"},
		"f.title": {"from"}, "f.language": {"from"}, "f.keywords": {"keep"}}
	resp, err := c.PostForm(e.url+"/librarian/merge", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("merge form: %d", resp.StatusCode)
	}
	r := e.do("GET", "/api/v1/records/"+keep, "", nil)
	var got catalog.Record
	json.Unmarshal(r.body, &got)
	if got.Title != "Belarusians in China" || got.Language != "en" || strings.Join(got.Keywords, ",") != "диаспора" || got.Publisher != "Belarusian Academy" {
		t.Errorf("after the merge: %q %q %v %q", got.Title, got.Language, got.Keywords, got.Publisher)
	}
	// the kept record's page tells librarians what was merged into it,
	// linking the merged record's history
	if _, recordPage := get(t, c, e.url+"/records/"+keep+"?lang=en"); !strings.Contains(recordPage, `Merged into this record (their histories): <a href="/librarian/records/`+from+`/history">`) {
		t.Errorf("the kept record's page does not name %s", from)
	}
	_, page = get(t, c, e.url+resp.Header.Get("Location")+"&lang=en")
	if !strings.Contains(page, from+" was merged into "+keep) || strings.Contains(page, "The same DOI") {
		t.Errorf("duplicates after the merge: %s", between(page, "<main", "</main>"))
	}
	// A stale form (the kept record changed since) shows the page again with the reason.
	resp, err = c.PostForm(e.url+"/librarian/merge", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusSeeOther || resp.StatusCode >= 500 {
		t.Errorf("merging a deleted record again: %d", resp.StatusCode)
	}
}
