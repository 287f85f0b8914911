package web

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/labstack/echo/v4"
)

func generatedJSON(t *testing.T, n int, spoil func([]catalog.Record)) []byte {
	recs := catalogtest.NewGenerator(21).Records(n)
	spoil(recs)
	return mustJSON(t, recs)
}

func TestImportKeepsGoodItemsAndNamesBadOnes(t *testing.T) {
	e := newEnv(t)
	body := generatedJSON(t, 1000, func(r []catalog.Record) {
		r[3].Date = "2025-02-30"
		r[400].Contributors[0].ORCID = "0000-0002-1825-0098"
		r[999].Event = "atlantis"
	})
	resp := e.do("POST", "/api/v1/import", e.librarian, body)
	var rep catalog.ImportReport
	resp.json(t, &rep)
	if resp.status != http.StatusOK || rep.Imported != 997 || rep.Failed != 3 {
		t.Fatalf("%d: imported %d failed %d", resp.status, rep.Imported, rep.Failed)
	}
	var bad []int
	for _, it := range rep.Items {
		if it.Status == catalog.ImportFailed {
			bad = append(bad, it.Index)
		}
	}
	if !slices.Equal(bad, []int{3, 400, 999}) || rep.Items[3].Errors[0].Field != "date" || rep.Items[3].Line == 0 {
		t.Errorf("failed items %v; item 3: %+v", bad, rep.Items[3])
	}
	if n, _ := e.store.CountRecords(context.Background()); n != 997 {
		t.Errorf("store holds %d", n)
	}
}

func TestImportAtomicAndDryRunWriteNothing(t *testing.T) {
	e := newEnv(t)
	body := generatedJSON(t, 200, func(r []catalog.Record) { r[150].Date = "2025-13-01" })
	before := catalogtest.TakeFingerprint(t, e.store)

	atomic := e.do("POST", "/api/v1/import?atomic=true", e.librarian, body)
	p := atomic.problem(t)
	if atomic.status != 422 || p.fields()["items[150].date"] == "" || p.Report == nil || p.Report.Items[0].Status != catalog.ImportValid {
		t.Errorf("atomic: %d %+v", atomic.status, p)
	}
	catalogtest.AssertUnchanged(t, e.store, before)

	dry := e.do("POST", "/api/v1/import?dry_run=true", e.librarian, body)
	var rep catalog.ImportReport
	dry.json(t, &rep)
	if dry.status != 200 || !rep.DryRun || rep.Failed != 1 || rep.Imported != 0 {
		t.Errorf("dry run: %d %+v", dry.status, rep)
	}
	catalogtest.AssertUnchanged(t, e.store, before)

	if r := e.do("POST", "/api/v1/import?dry_run=maybe", e.librarian, body); r.status != 400 || r.problem(t).fields()["dry_run"] == "" {
		t.Errorf("dry_run=maybe: %d", r.status)
	}
	catalogtest.AssertUnchanged(t, e.store, before)
}

func TestImportFormats(t *testing.T) {
	e := newEnv(t)
	csvHeader := "id,kind,status,title,contributors[0].family,event,session\r\n"
	for _, tc := range []struct {
		name        string
		contentType string
		body        string
		status      int
		imported    int
	}{
		{"csv with BOM and CRLF", "text/csv", "\xef\xbb\xbf" + csvHeader + "c1,report,published,Доклад,Иванов,gen-2025,ai\r\nc2,report,published,报告,王,gen-2025,energy\r\n", 200, 2},
		{"csv ragged row", "text/csv", csvHeader + "c3,report,published,A,B,gen-2025,ai\r\nc4,report,published,A,B\r\n", 400, 0},
		{"csv unknown column", "text/csv", "id,titel\nc5,x\n", 400, 0},
		{"ndjson", "application/x-ndjson", `{"id":"n1","kind":"report","title":"Один","contributors":[{"family":"A"}]}` + "\n" + `{"id":"n2","kind":"report","title":"Два","contributors":[{"family":"B"}]}` + "\n", 200, 2},
		{"ndjson syntax error", "application/x-ndjson", `{"id":"n3","kind":"report","title":"x","contributors":[{"family":"A"}]}` + "\n{broken\n", 400, 0},
		{"json syntax error", "application/json", `[{"id":"j1","kind":"report","title":"x","contributors":[{"family":"A"}]}, {`, 400, 0},
		{"json not an array", "application/json", `42`, 400, 0},
		{"invalid UTF-8", "text/csv", "id,title\nx,\xff\n", 400, 0},
		{"unsupported type", "application/pdf", "%PDF-1.7", 415, 0},
		{"every item bad", "application/json", `[{"kind":"report"}]`, 422, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := catalogtest.TakeFingerprint(t, e.store)
			r := e.do("POST", "/api/v1/import", e.librarian, []byte(tc.body), "Content-Type: "+tc.contentType)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if tc.status != 200 {
				if p := r.problem(t); p.Detail == "" {
					t.Error("no detail")
				}
				catalogtest.AssertUnchanged(t, e.store, before)
				return
			}
			var rep catalog.ImportReport
			r.json(t, &rep)
			if rep.Imported != tc.imported {
				t.Errorf("imported %d, want %d: %s", rep.Imported, tc.imported, r.body)
			}
		})
	}
	rec, err := e.store.FindRecordByID(context.Background(), "c2")
	if err != nil || rec.Title != "报告" || rec.Contributors[0].Family != "王" {
		t.Errorf("CSV record: %+v %v", rec, err)
	}
}

func TestImportCSVFixture(t *testing.T) {
	e := newEnv(t)
	data, err := os.ReadFile("../../../catalog/recordio/testdata/bom-crlf.csv")
	if err != nil {
		t.Fatal(err)
	}
	r := e.do("POST", "/api/v1/import", e.librarian, data, "Content-Type: text/csv")
	var rep catalog.ImportReport
	r.json(t, &rep)
	if r.status != 200 || rep.Imported != 2 {
		t.Errorf("%d %s", r.status, r.body)
	}
}

// TestGracefulShutdown starts a request that takes a while, cancels the
// server's context (what SIGTERM does in main) and checks that the request
// still gets its answer and Serve returns cleanly.
func TestGracefulShutdown(t *testing.T) {
	e := newEnv(t)
	started := make(chan struct{})
	e.server.echo.GET("/test/slow", func(c echo.Context) error {
		close(started)
		time.Sleep(300 * time.Millisecond)
		return c.String(http.StatusOK, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- e.server.Serve(ctx, ln) }()

	got := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/test/slow")
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- string(b)
	}()
	<-started
	cancel()
	if body := <-got; body != "finished" {
		t.Errorf("in-flight request got %q", body)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Error("server still accepts connections after shutdown")
	}
}

// TestPanicIsRecovered checks that a handler that panics gets a 500
// problem without details, and that the server goes on serving.
func TestPanicIsRecovered(t *testing.T) {
	e := newEnv(t)
	e.server.echo.GET("/test/panic", func(c echo.Context) error { panic("handler bug with a secret path /etc/x") })
	r := e.do("GET", "/test/panic", "", nil)
	p := r.problem(t)
	if r.status != 500 || p.Detail != "Internal error." || p.RequestID == "" {
		t.Errorf("panic: %d %+v", r.status, p)
	}
	if r := e.do("GET", "/healthz", "", nil); r.status != 200 {
		t.Errorf("after a panic: %d", r.status)
	}
}

func TestImportBibTeXAndRIS(t *testing.T) {
	e := newEnv(t)
	bib := "@string{ras = {Российская академия наук}}\n@report{ras-2025,\n  title = {Доклад о науке},\n  author = {Алдошин, Сергей},\n  institution = ras,\n  date = {2025-06-04},\n}\n"
	r := e.do("POST", "/api/v1/import", e.librarian, []byte(bib), "Content-Type: application/x-bibtex")
	var rep catalog.ImportReport
	r.json(t, &rep)
	if r.status != 200 || rep.Imported != 1 || rep.Items[0].ID != "ras-2025" || rep.Items[0].Line != 2 {
		t.Fatalf("bibtex: %d %s", r.status, r.body)
	}
	rec, err := e.store.FindRecordByID(context.Background(), "ras-2025")
	if err != nil || rec.Publisher != "Российская академия наук" || rec.Contributors[0].Family != "Алдошин" || rec.Status != catalog.StatusDraft {
		t.Errorf("stored: %+v %v", rec, err)
	}
	risData := "TY  - JOUR\nTI  - 人工智能\nAU  - 张, 天\nPY  - 2025\nER  - \n"
	r = e.do("POST", "/api/v1/import", e.librarian, []byte(risData), "Content-Type: application/x-research-info-systems")
	r.json(t, &rep)
	if r.status != 200 || rep.Imported != 1 {
		t.Errorf("ris: %d %s", r.status, r.body)
	}
	before := catalogtest.TakeFingerprint(t, e.store)
	r = e.do("POST", "/api/v1/import", e.librarian, []byte("@article{x,\n title = {open\n"), "Content-Type: application/x-bibtex")
	if r.status != 400 || !strings.Contains(r.problem(t).Detail, "Line 2") {
		t.Errorf("bad bibtex: %d %s", r.status, r.body)
	}
	catalogtest.AssertUnchanged(t, e.store, before)
}

// TestAStreamedImportOfAFileMalformedAtItsEndWritesNothing: BibTeX and
// RIS are imported as they are read, a batch at a time; a file whose
// last entry is broken, after more good entries than a batch, is refused
// whole in every mode (the import that commits as it goes reads the file
// through first).
func TestAStreamedImportOfAFileMalformedAtItsEndWritesNothing(t *testing.T) {
	e := newEnv(t)
	var bib, risData strings.Builder
	for i := range 2300 {
		fmt.Fprintf(&bib, "@article{a%d,\n  title = {Статья номер %d},\n  author = {Иванов, Иван},\n  year = {2025},\n}\n", i, i)
		fmt.Fprintf(&risData, "TY  - JOUR\nTI  - 文章 %d\nAU  - 张, 天\nPY  - 2025\nER  - \n", i)
	}
	bib.WriteString("@article{broken,\n  title = {never closed\n")
	risData.WriteString("TY  - JOUR\nTI  - no end\n")
	before := catalogtest.TakeFingerprint(t, e.store)
	for _, c := range []struct{ body, ct, line string }{
		{bib.String(), "application/x-bibtex", "Line 11502"},
		{risData.String(), "application/x-research-info-systems", "Line 11501"},
	} {
		for _, q := range []string{"", "?atomic=true", "?dry_run=true"} {
			r := e.do("POST", "/api/v1/import"+q, e.librarian, []byte(c.body), "Content-Type: "+c.ct)
			if r.status != 400 || !strings.Contains(r.problem(t).Detail, c.line) {
				t.Errorf("%s%s: %d %.300s", c.ct, q, r.status, r.body)
			}
		}
	}
	catalogtest.AssertUnchanged(t, e.store, before)
	r := e.do("POST", "/api/v1/import", e.librarian, []byte(strings.TrimSuffix(bib.String(), "@article{broken,\n  title = {never closed\n")), "Content-Type: application/x-bibtex")
	var rep catalog.ImportReport
	r.json(t, &rep)
	if r.status != 200 || rep.Imported != 2300 || len(rep.Items) != 2300 || rep.Items[2299].Line != 2299*5+1 {
		t.Fatalf("the good entries: %d imported of %d; %.300s", rep.Imported, len(rep.Items), r.body)
	}
}

// TestImportFormatParameter: ?format= names the format whatever the
// Content-Type says (a PubMed export sent as text/plain); an unknown name
// is a 400 listing the formats.
func TestImportFormatParameter(t *testing.T) {
	e := newEnv(t)
	medline := "PMID- 1\nTI  - A nitrate study\n      over two lines.\nAU  - Doe J\nFAU - Doe, John\nDP  - 2017 Nov 15\n"
	r := e.do("POST", "/api/v1/import?dry_run=true&format=medline", e.librarian, []byte(medline), "Content-Type: text/plain")
	if r.status != 200 || !strings.Contains(string(r.body), `"status":"valid"`) {
		t.Errorf("MEDLINE by ?format=: %d %s", r.status, r.body)
	}
	r = e.do("POST", "/api/v1/import?format=nonesuch", e.librarian, []byte(medline), "Content-Type: text/plain")
	if r.status != 400 || !strings.Contains(string(r.body), "noteexpress") {
		t.Errorf("unknown format: %d %s", r.status, r.body)
	}
}

// TestImportSkipsDuplicates: importing the same file twice skips its
// items the second time, naming the records they repeat; on_duplicate=
// create imports them; a bad value is a 400.
func TestImportSkipsDuplicates(t *testing.T) {
	e := newEnv(t)
	ris := "TY  - RPRT\nTI  - Hydrogen storage in the Arctic\nAU  - Petrov, I.\nPY  - 2025\nDO  - 10.5555/h2\nER  - \n"
	first := e.do("POST", "/api/v1/import", e.librarian, []byte(ris), "Content-Type: application/x-research-info-systems")
	var rep catalog.ImportReport
	first.json(t, &rep)
	if first.status != 200 || rep.Imported != 1 {
		t.Fatalf("first import: %d %s", first.status, first.body)
	}
	id := rep.Items[0].ID
	second := e.do("POST", "/api/v1/import", e.librarian, []byte(ris), "Content-Type: application/x-research-info-systems")
	rep = catalog.ImportReport{}
	second.json(t, &rep)
	if second.status != 200 || rep.Skipped != 1 || rep.Items[0].Status != "skipped" || rep.Items[0].DuplicateOf != id ||
		rep.Items[0].Duplicate != "the same DOI" {
		t.Errorf("second import: %d %s", second.status, second.body)
	}
	third := e.do("POST", "/api/v1/import?on_duplicate=create", e.librarian, []byte(ris), "Content-Type: application/x-research-info-systems")
	rep = catalog.ImportReport{}
	third.json(t, &rep)
	if rep.Imported != 1 {
		t.Errorf("on_duplicate=create: %s", third.body)
	}
	if bad := e.do("POST", "/api/v1/import?on_duplicate=merge", e.librarian, []byte(ris), "Content-Type: application/x-research-info-systems"); bad.status != 400 {
		t.Errorf("on_duplicate=merge: %d", bad.status)
	}
}

// TestDuplicatesEndpoint: a librarian lists the records that are the same
// work; anonymous readers cannot (drafts would show); a bad size is a 400.
func TestDuplicatesEndpoint(t *testing.T) {
	e := newEnv(t)
	ris := "TY  - RPRT\nTI  - Hydrogen storage in the Arctic\nAU  - Petrov, I.\nPY  - 2025\nDO  - 10.5555/h2\nER  - \n"
	for range 2 {
		e.do("POST", "/api/v1/import?on_duplicate=create", e.librarian, []byte(ris), "Content-Type: application/x-research-info-systems")
	}
	r := e.do("GET", "/api/v1/duplicates", e.librarian, nil)
	var got struct {
		Groups []struct {
			Why string
			IDs []string
		}
	}
	r.json(t, &got)
	if r.status != 200 || len(got.Groups) != 2 || len(got.Groups[0].IDs) != 2 {
		t.Errorf("duplicates: %d %s", r.status, r.body)
	}
	if anon := e.do("GET", "/api/v1/duplicates", "", nil); anon.status != http.StatusUnauthorized && anon.status != http.StatusForbidden {
		t.Errorf("anonymous: %d", anon.status)
	}
	if bad := e.do("GET", "/api/v1/duplicates?size=0", e.librarian, nil); bad.status != 400 {
		t.Errorf("size=0: %d", bad.status)
	}
}
