package search

import (
	"context"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
)

// pagesEnv is a store and a pages index built from it.
type pagesEnv struct {
	*env
	pages *Pages
}

func newPagesEnv(t *testing.T) *pagesEnv {
	e := newEnv(t)
	return &pagesEnv{env: e}
}

// read stores the text of bytes sha as an analysis would.
func (e *pagesEnv) read(sha string, pages ...string) {
	e.t.Helper()
	ctx := context.Background()
	if err := e.store.SaveFilePages(ctx, sha, 1, pages); err != nil {
		e.t.Fatal(err)
	}
	if err := e.store.SaveFileAnalysis(ctx, &catalog.FileAnalysis{SHA256: sha, State: catalog.FileDone, Pages: len(pages),
		TextState: catalog.FileDone, Characters: 100, Analyzed: time.Now().UTC()}); err != nil {
		e.t.Fatal(err)
	}
}

// record creates a record with files.
func (e *pagesEnv) record(id string, status catalog.Status, files ...catalog.File) {
	e.t.Helper()
	ctx := catalog.NewContextWithActor(context.Background(), catalog.Actor{Name: "tester", Role: catalog.RoleLibrarian})
	r := catalog.Record{ID: id, Kind: catalog.KindReport, Title: "Отчёт " + id, Status: status, Language: "ru",
		Contributors: []catalog.Contributor{{Family: "Иванов", Role: catalog.RoleAuthor}}}
	if err := e.store.CreateRecord(ctx, &r); err != nil {
		e.t.Fatal(err)
	}
	e.setFiles(id, files...)
}

func (e *pagesEnv) setFiles(id string, files ...catalog.File) {
	e.t.Helper()
	ctx := catalog.NewContextWithActor(context.Background(), catalog.Actor{Name: "tester", Role: catalog.RoleLibrarian})
	for i := range files {
		files[i].MediaType, files[i].Size, files[i].Created = "application/pdf", 100, time.Now().UTC().Truncate(time.Second)
		if files[i].Label == "" {
			files[i].Label = catalog.LabelFulltext
		}
		if files[i].Access == "" {
			files[i].Access = catalog.AccessOpen
		}
	}
	if _, err := e.store.SetRecordFiles(ctx, id, 0, func([]catalog.File) ([]catalog.File, error) { return files, nil }); err != nil {
		e.t.Fatal(err)
	}
}

func (e *pagesEnv) open() {
	e.t.Helper()
	p, err := OpenPages(filepath.Join(e.dir, "pages"), e.store, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { p.Close() })
	if !p.Ready() {
		if err := p.Build(context.Background()); err != nil {
			e.t.Fatal(err)
		}
	}
	e.pages = p
}

func (e *pagesEnv) catchUp() {
	e.t.Helper()
	if err := e.pages.CatchUp(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// find searches pages as an anonymous reader (or with v) and lists the
// hits as record/file/page.
func (e *pagesEnv) find(q string, v ...PageVisibility) []string {
	e.t.Helper()
	clauses, err := ParseQuery(q)
	if err != nil {
		e.t.Fatal(err)
	}
	vis := PageVisibility{Today: time.Now().UTC().Format(time.DateOnly)}
	if len(v) > 0 {
		vis = v[0]
	}
	hits, err := e.pages.Search(context.Background(), clauses, vis, 100)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, h := range hits {
		out = append(out, h.Record+"/"+h.File+"/"+strconv.Itoa(h.Page))
	}
	sort.Strings(out)
	return out
}

var (
	shaA = strings.Repeat("a", 64)
	shaB = strings.Repeat("b", 64)
	shaC = strings.Repeat("c", 64)
)

func TestPagesAreFoundOnTheirPage(t *testing.T) {
	e := newPagesEnv(t)
	e.read(shaA, "Водородная энергетика в Шаньдуне.", "Вторая страница: солнечные панели.", "Third page about hydrogen storage.")
	e.read(shaB, "氢能源的发展与应用", "第二页：太阳能电池")
	e.record("r1", catalog.StatusPublished, catalog.File{Name: "Доклад.pdf", SHA256: shaA})
	e.record("r2", catalog.StatusPublished, catalog.File{Name: "报告.pdf", SHA256: shaB}, catalog.File{Name: "Доклад-копия.pdf", SHA256: shaA, Access: catalog.AccessRestricted})
	e.open()
	for q, want := range map[string]string{
		"водородной":                       "r1/Доклад.pdf/1", // Russian stemming
		"солнечная панель":                 "r1/Доклад.pdf/2",
		"hydrogen storage":                 "r1/Доклад.pdf/3",
		"太阳能":                              "r2/报告.pdf/2", // CJK bigrams
		`"энергетика в Шаньдуне"`:          "r1/Доклад.pdf/1",
		`"страница солнечные"`:             "r1/Доклад.pdf/2",
		`"в Шаньдуне Вторая"`:              "", // a phrase never spans two pages
		"водород -шаньдун":                 "",
		"text:панели":                      "r1/Доклад.pdf/2",
		"title:панели":                     "", // a field of the record, not of pages
		`"Third page about hydrogen"~`:     "r1/Доклад.pdf/3",
		"hydrogen":                         "r1/Доклад.pdf/3",
		"nothing-matches-this-word-at-all": "",
	} {
		got := strings.Join(e.find(q), " ")
		if got != want {
			t.Errorf("%s: %q, want %q", q, got, want)
		}
	}
	// The restricted copy is found only by librarians.
	all := PageVisibility{AllFiles: true, Today: "2026-01-01"}
	if got := strings.Join(e.find("водородная", all), " "); got != "r1/Доклад.pdf/1 r2/Доклад-копия.pdf/1" {
		t.Errorf("a librarian: %q", got)
	}
}

func TestPagesFollowTheChangeLog(t *testing.T) {
	e := newPagesEnv(t)
	e.record("r1", catalog.StatusPublished, catalog.File{Name: "a.pdf", SHA256: shaA})
	e.open()
	if got := e.find("водород"); len(got) != 0 {
		t.Fatalf("before the text was read: %v", got)
	}
	e.read(shaA, "Водород.", "Азот.")
	e.catchUp()
	if got := e.find("водород"); strings.Join(got, " ") != "r1/a.pdf/1" {
		t.Fatalf("after the text was read: %v", got)
	}
	// An embargo hides the file until its day, without reindexing.
	e.setFiles("r1", catalog.File{Name: "a.pdf", SHA256: shaA, Access: catalog.AccessEmbargoed, EmbargoUntil: "2030-06-01"})
	e.catchUp()
	if got := e.find("водород", PageVisibility{Today: "2030-05-31"}); len(got) != 0 {
		t.Errorf("before the embargo ends: %v", got)
	}
	if got := e.find("водород", PageVisibility{Today: "2030-06-01"}); len(got) != 1 {
		t.Errorf("on the day the embargo ends: %v", got)
	}
	// A draft's pages: librarians only.
	ctx := catalog.NewContextWithActor(context.Background(), catalog.Actor{Name: "tester", Role: catalog.RoleLibrarian})
	r, _ := e.store.FindRecordByID(ctx, "r1")
	r.Status = catalog.StatusDraft
	if err := e.store.UpdateRecord(ctx, r, r.Version); err != nil {
		t.Fatal(err)
	}
	e.setFiles("r1", catalog.File{Name: "a.pdf", SHA256: shaA}, catalog.File{Name: "b.pdf", SHA256: shaB})
	e.read(shaB, "Гелий.")
	e.catchUp()
	if got := e.find("гелий"); len(got) != 0 {
		t.Errorf("a draft's pages, anonymously: %v", got)
	}
	lib := PageVisibility{Statuses: []catalog.Status{catalog.StatusPublished, catalog.StatusDraft}, AllFiles: true}
	if got := strings.Join(e.find("гелий водород", lib), " "); got != "" {
		t.Errorf("words on two files: %v", got)
	}
	if got := strings.Join(e.find("гелий", lib), " "); got != "r1/b.pdf/1" {
		t.Errorf("a draft's pages, for a librarian: %v", got)
	}
	// A file removed takes its pages with it; a record deleted, all of them.
	e.setFiles("r1", catalog.File{Name: "b.pdf", SHA256: shaB})
	e.catchUp()
	if got := e.find("водород", lib); len(got) != 0 {
		t.Errorf("a removed file's pages: %v", got)
	}
	if err := e.store.DeleteRecord(ctx, "r1", 0); err != nil {
		t.Fatal(err)
	}
	e.catchUp()
	if got := e.find("гелий", lib); len(got) != 0 {
		t.Errorf("a deleted record's pages: %v", got)
	}
	// A rebuild gives what following gave.
	e.record("r2", catalog.StatusPublished, catalog.File{Name: "c.pdf", SHA256: shaC})
	e.read(shaC, "Литий.")
	if err := e.pages.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(e.find("литий"), " "); got != "r2/c.pdf/1" {
		t.Errorf("after a rebuild: %v", got)
	}
}

// TestRecordsAreFoundByTheirFiles: with the pages index beside it, a search
// finds records by words only their files hold (ranked below records with
// the words in their titles), with the pages that matched; text: searches
// files only; facets count such records; restricted files' words find
// nothing without AllFiles; snippets mark the words.
func TestRecordsAreFoundByTheirFiles(t *testing.T) {
	e := newPagesEnv(t)
	e.read(shaA, "Введение.", "Здесь о катализаторах на основе палладия и платины.")
	e.read(shaB, "Секретный отчёт о бериллии.")
	e.record("by-file", catalog.StatusPublished, catalog.File{Name: "Доклад.pdf", SHA256: shaA, Language: "ru"})
	e.record("closed", catalog.StatusPublished, catalog.File{Name: "closed.pdf", SHA256: shaB, Access: catalog.AccessRestricted})
	ctx := catalog.NewContextWithActor(context.Background(), catalog.Actor{Name: "tester", Role: catalog.RoleLibrarian})
	titled := catalog.Record{ID: "by-title", Kind: catalog.KindReport, Title: "Катализаторы на основе палладия", Status: catalog.StatusPublished,
		Language: "ru", Contributors: []catalog.Contributor{{Family: "Петров", Role: catalog.RoleAuthor}}}
	if err := e.store.CreateRecord(ctx, &titled); err != nil {
		t.Fatal(err)
	}
	e.open()
	e.env.catchUp()
	ix, err := Open(context.Background(), filepath.Join(e.dir, "index2"), e.store, Options{Pages: e.pages})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	<-ix.rebuild
	if err := ix.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	search := func(q string, mutate ...func(*Request)) *Result {
		r := Request{Query: q}
		for _, m := range mutate {
			m(&r)
		}
		res, err := ix.Search(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	ids := func(res *Result) string {
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.ID)
		}
		return strings.Join(out, " ")
	}
	res := search("катализаторы палладия")
	if ids(res) != "by-title by-file" {
		t.Fatalf("records by title and by file: %q", ids(res))
	}
	if p := res.Hits[1].Pages; len(p) != 1 || p[0].File != "Доклад.pdf" || p[0].Page != 2 || len(res.Hits[0].Pages) != 0 {
		t.Errorf("the pages of the hits: %+v / %+v", res.Hits[0].Pages, res.Hits[1].Pages)
	}
	if got := ids(search("text:платины")); got != "by-file" {
		t.Errorf("text: %q", got)
	}
	if got := ids(search("text:палладия title:палладия")); got != "" {
		t.Errorf("text: and title: at once: %q", got)
	}
	if got := ids(search(`"основе палладия и платины"`)); got != "by-file" {
		t.Errorf("a phrase in a file: %q", got)
	}
	if got := search("платины").Facets["kind"]; len(got) != 1 || got[0].Count != 1 {
		t.Errorf("facets of a record found by its file: %+v", got)
	}
	if got := ids(search("бериллии")); got != "" {
		t.Errorf("a restricted file's word, anonymously: %q", got)
	}
	if got := ids(search("бериллии", func(r *Request) { r.AllFiles = true })); got != "closed" {
		t.Errorf("a restricted file's word, for a librarian: %q", got)
	}
	// Facets of files' labels (not restricted files'); records whose files' text is searched.
	everything := search("")
	if got := everything.Facets["label"]; len(got) != 1 || got[0].Value != "fulltext" || got[0].Count != 1 {
		t.Errorf("the label facet: %+v", got)
	}
	if got := ids(search("", func(r *Request) { r.Filters.HasFulltext = true })); got != "by-file" {
		t.Errorf("has_fulltext: %q", got)
	}
	if got := ids(search("", func(r *Request) { r.Filters.Label = []string{"fulltext"} })); got != "by-file" {
		t.Errorf("label=fulltext: %q", got)
	}
	h := ix.Highlighter(Request{Query: "платины"})
	if got := h.Snippet("ru", "Здесь о катализаторах на основе палладия\nи платины."); !strings.Contains(got, "<mark>платины</mark>") {
		t.Errorf("snippet: %q", got)
	}
}
