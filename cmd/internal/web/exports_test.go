package web

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/export/jobs"
	"github.com/annals/annals/export/proceedings/proceedingstest"
)

// newExportEnv is a server with an export runner working.
func newExportEnv(t *testing.T) *env {
	t.Helper()
	var runner *jobs.Runner
	e := newEnvWith(t, func(c *Config) {
		var err error
		runner, err = jobs.New(jobs.Config{Catalog: c.Store, Jobs: c.Store.(catalog.ExportJobStore), Dir: t.TempDir(), Styles: c.Styles, Fonts: proceedingstest.Fonts(t), Words: proceedingstest.Words(t), Search: SearchIDs(c.Search)})
		if err != nil {
			t.Fatal(err)
		}
		c.Exports = runner
	})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); runner.Run(ctx) }()
	t.Cleanup(func() { cancel(); wg.Wait() })
	return e
}

func (e *env) waitExport(id string) exportJob {
	e.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		r := e.do("GET", "/api/v1/exports/"+id, e.librarian, nil)
		var j exportJob
		r.json(e.t, &j)
		if j.Status != catalog.JobQueued && j.Status != catalog.JobRunning {
			return j
		}
	}
	e.t.Fatalf("export %s did not finish", id)
	return exportJob{}
}

func TestExportsOverHTTP(t *testing.T) {
	e := newExportEnv(t)
	for _, id := range []string{"jinan-2025-aldoshin", "jinan-2025-gusakov"} {
		rec := speech(id)
		if r := e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, rec)); r.status != http.StatusCreated {
			t.Fatalf("%d %s", r.status, r.body)
		}
	}
	e.catchUp()
	r := e.do("POST", "/api/v1/exports", e.librarian, []byte(`{"kind":"proceedings","q":"Приветственное","style":"ieee"}`))
	if r.status != http.StatusAccepted || !strings.HasPrefix(r.header.Get("Location"), "/api/v1/exports/export-") {
		t.Fatalf("%d %s %s", r.status, r.header.Get("Location"), r.body)
	}
	var j exportJob
	r.json(t, &j)
	if j.Status != catalog.JobQueued && j.Status != catalog.JobRunning {
		t.Errorf("a new export is %s", j.Status)
	}
	done := e.waitExport(j.ID)
	if done.Status != catalog.JobDone || done.Progress.Done != 2 || done.Progress.Total != 2 || done.File == "" || done.Actor != "Librarian Ирина" {
		t.Fatalf("%+v", done.ExportJob)
	}
	f := e.do("GET", done.File, e.librarian, nil)
	if f.status != http.StatusOK || f.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(f.body), "%PDF-") ||
		!strings.Contains(f.header.Get("Content-Disposition"), "selection-proceedings.pdf") {
		t.Errorf("file: %d %v %.20q", f.status, f.header, f.body)
	}
	// a bundle of an event's session
	r = e.do("POST", "/api/v1/exports", e.librarian, mustJSON(t, map[string]any{"kind": "bundle", "event": "gen-2025", "session": "ai"}))
	r.json(t, &j)
	if done := e.waitExport(j.ID); done.Status != catalog.JobDone {
		t.Errorf("bundle: %+v", done.ExportJob)
	} else if f := e.do("GET", done.File, e.librarian, nil); f.header.Get("Content-Type") != "application/zip" || !strings.HasPrefix(string(f.body), "PK") {
		t.Errorf("bundle file: %v", f.header)
	}
}

func TestExportRequestsThatAreRefused(t *testing.T) {
	e := newExportEnv(t)
	e.do("POST", "/api/v1/records", e.librarian, mustJSON(t, speech("jinan-2025-aldoshin")))
	for _, tc := range []struct {
		body   string
		token  string
		status int
		field  string
	}{
		{`{"kind":"proceedings","event":"gen-2025"}`, "", 401, ""},
		{`{"kind":"proceedings","event":"gen-2025","colour":"red"}`, e.librarian, 400, "colour"},
		{`{"kind":"proceedings","event":12}`, e.librarian, 400, "event"},
		{`not json`, e.librarian, 400, ""},
		{`{"kind":"poster","event":"gen-2025"}`, e.librarian, 422, "kind"},
		{`{"kind":"proceedings"}`, e.librarian, 422, "event"},
		{`{"kind":"proceedings","event":"gen-2025","style":"nope"}`, e.librarian, 422, "style"},
		{`{"kind":"proceedings","q":"zzzqqqxxx"}`, e.librarian, 422, "q"},
		{`{"kind":"bundle","ids":["no-such-record"]}`, e.librarian, 422, "ids"},
		{`{"kind":"bundle","ids":["../../etc/passwd"]}`, e.librarian, 422, "ids"},
		{`{"kind":"proceedings","event":"gen-2025","title":"A\u0000B"}`, e.librarian, 422, "title"},
	} {
		r := e.do("POST", "/api/v1/exports", tc.token, []byte(tc.body))
		p := r.problem(t)
		if r.status != tc.status || (tc.field != "" && p.fields()[tc.field] == "") {
			t.Errorf("%s: %d %s", tc.body, r.status, r.body)
		}
	}
	if r := e.do("GET", "/api/v1/exports/export-nope", e.librarian, nil); r.status != 404 {
		t.Errorf("unknown export: %d", r.status)
	}
	if r := e.do("GET", "/api/v1/exports/export-nope/file", "", nil); r.status != 401 {
		t.Errorf("file without a token: %d", r.status)
	}
}
