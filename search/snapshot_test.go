package search

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
)

// TestFacetTableCountsAsBleveDoes compares the facets counted from the
// per-snapshot table, the statuses it hides, results sorted by title with
// its keys and ties broken by its order of ids, with Bleve's own facet
// counting, exclusion and sorting, on an index of
// several segments with deleted and re-indexed documents, before and after
// changes, with filters, statuses and on later pages.
func TestFacetTableCountsAsBleveDoes(t *testing.T) {
	e := newEnv(t)
	catalogtest.MustCreateEvent(t, e.store)
	recs := catalogtest.NewGenerator(7).Records(1500)
	for i := 0; i < len(recs); i += 500 { // one segment per import at least
		e.load(recs[i : i+500])
	}
	requests := []Request{
		{Query: ""}, {Query: "energy"}, {Query: "технология"}, {Query: "人工智能"},
		{Query: "materials", Sort: SortTitle}, {Query: "", Sort: SortTitle}, {Query: "технология", Sort: SortTitle},
		{Query: "energy", Sort: SortDateDesc},
		{Query: "", Filters: Filters{Kind: []string{"presentation"}, Year: []string{"2025"}}},
		{Query: "", Filters: Filters{Statuses: []catalog.Status{catalog.StatusDraft, catalog.StatusPublished}}},
		// one facet browsed: counted over every document the search may show
		{Query: "", Filters: Filters{Kind: []string{"presentation"}}},
		{Query: "", Sort: SortTitle, Filters: Filters{Year: []string{"2025"}, Statuses: []catalog.Status{catalog.StatusDraft}}},
		// numbered pages: ties broken by the table's order of ids
		{Query: "", Page: 3}, {Query: "energy", Page: 2}, {Query: "", Sort: SortDateDesc, Page: 4},
		{Query: "технология", Sort: SortTitle, Page: 2}, {Query: "материалы", Sort: SortDate}, {Query: "", Sort: SortDate, Page: 3},
		{Query: "energy", Page: 2, Filters: Filters{Statuses: []catalog.Status{catalog.StatusWithdrawn, catalog.StatusDraft}}},
	}
	compare := func(stage string) {
		t.Helper()
		for _, r := range requests {
			for page := 0; page < 2; page++ {
				e.index.tables.off = false
				e.index.tables.builtAt = time.Time{} // a table for this snapshot, however recent the last
				tabled, err := e.index.Search(context.Background(), r)
				if err != nil {
					t.Fatal(err)
				}
				e.index.tables.off = true
				counted, err := e.index.Search(context.Background(), r)
				e.index.tables.off = false
				if err != nil {
					t.Fatal(err)
				}
				if tabled.Total != counted.Total || !reflect.DeepEqual(tabled.Facets, counted.Facets) {
					t.Errorf("%s, %q page %d: table %d %v\nBleve %d %v", stage, r.Query, page, tabled.Total, tabled.Facets, counted.Total, counted.Facets)
				}
				if !reflect.DeepEqual(tabled.Hits, counted.Hits) || tabled.Next != counted.Next {
					t.Errorf("%s, %q sorted by %q, page %d: the table's order differs from Bleve's", stage, r.Query, r.Sort, page)
				}
				if tabled.Facets["kind"] == nil || (tabled.Total > 0 && len(tabled.Facets["kind"]) == 0) {
					t.Errorf("%s, %q: no kind facet: %v", stage, r.Query, tabled.Facets)
				}
				r.After = tabled.Next
			}
		}
	}
	compare("fresh")
	ctx := context.Background()
	for i := 0; i < 300; i += 3 { // holes in the document numbers
		if err := e.store.DeleteRecord(ctx, recs[i].ID, 0); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i < 300; i += 3 { // re-indexed with other facet values
		rec, err := e.store.FindRecordByID(ctx, recs[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		rec.Kind = catalog.KindReport
		rec.Status = catalog.StatusDraft
		if err := e.store.UpdateRecord(ctx, rec, rec.Version); err != nil {
			t.Fatal(err)
		}
	}
	e.catchUp()
	compare("after changes")
}

// TestFacetsStayConsistentWhileWriting searches with facets while records
// are created and deleted, each change making a new index snapshot: every
// answer's kind counts (one kind per record) must add up to its total, so
// a table from another snapshot than the one searched would show.
func TestFacetsStayConsistentWhileWriting(t *testing.T) {
	e := newEnv(t)
	catalogtest.MustCreateEvent(t, e.store)
	recs := catalogtest.NewGenerator(11).Records(600)
	e.load(recs[:400])
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go e.index.Run(ctx)
	writes := make(chan error, 1)
	go func() {
		defer close(writes)
		for i, r := range recs[400:] {
			if err := e.store.CreateRecord(ctx, &r); err != nil {
				writes <- err
				return
			}
			if i%3 == 0 {
				if err := e.store.DeleteRecord(ctx, recs[i].ID, 0); err != nil {
					writes <- err
					return
				}
			}
		}
	}()
	searches := 0
	for done := false; !done; searches++ {
		select {
		case err, open := <-writes:
			if err != nil {
				t.Fatal(err)
			}
			done = !open
		default:
		}
		for _, q := range []string{"", "energy", "технология"} {
			res, err := e.index.Search(context.Background(), Request{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			sum := 0
			for _, v := range res.Facets["kind"] {
				sum += v.Count
			}
			if uint64(sum) != res.Total {
				t.Fatalf("search %d %q: kind counts add up to %d, total %d", searches, q, sum, res.Total)
			}
		}
	}
	t.Logf("%d rounds of searches while 200 records were created and 67 deleted", searches)
}

// TestTablesWaitWhileTheIndexChangesFast: a snapshot newer than the table
// is searched the Bleve way, with the same answers, until the table is
// tableRebuildSpacing times as old as it took to build; then it gets its
// own table.
func TestTablesWaitWhileTheIndexChangesFast(t *testing.T) {
	e := newEnv(t)
	catalogtest.MustCreateEvent(t, e.store)
	recs := catalogtest.NewGenerator(5).Records(50)
	e.load(recs)
	kinds := func() int {
		t.Helper()
		res := e.searchResult("")
		for _, v := range res.Facets["kind"] {
			if v.Value == string(catalog.KindReport) {
				return v.Count
			}
		}
		return 0
	}
	before := kinds()
	e.index.tables.buildTook = time.Minute // as if tables were slow to build: the next waits
	first, built := e.index.tables.table, e.index.tables.builtAt
	if first == nil {
		t.Fatal("the first search built no table")
	}
	rec, err := e.store.FindRecordByID(context.Background(), e.search("")[0]) // one searches count
	if err != nil {
		t.Fatal(err)
	}
	want := before + 1
	if rec.Kind == catalog.KindReport {
		rec.Kind, want = catalog.KindArticle, before-1
	} else {
		rec.Kind = catalog.KindReport
	}
	if err := e.store.UpdateRecord(context.Background(), rec, rec.Version); err != nil {
		t.Fatal(err)
	}
	e.catchUp()
	if got := kinds(); got != want {
		t.Errorf("right after the change: %d reports, want %d", got, want)
	}
	if e.index.tables.table != first {
		t.Error("a new table was built too soon after the last")
	}
	e.index.tables.builtAt = built.Add(-tableRebuildSpacing * time.Minute)
	if got := kinds(); got != want {
		t.Errorf("later: %d reports, want %d", got, want)
	}
	if e.index.tables.table == first {
		t.Error("no new table once the last was old enough")
	}
}

// TestConcurrentSearchesShareTables runs searches that build and read the
// same snapshot's table (facets, statuses, id ties, title and date keys,
// browse counts) from several goroutines at once; each answer must equal
// the one the same search gives alone.
func TestConcurrentSearchesShareTables(t *testing.T) {
	e := newEnv(t)
	catalogtest.MustCreateEvent(t, e.store)
	e.load(catalogtest.NewGenerator(5).Records(800))
	requests := []Request{
		{Query: "energy"}, {Query: "", Sort: SortTitle, SortLanguage: "ru"}, {Query: "технология", Sort: SortDateDesc},
		{Query: "", Filters: Filters{Kind: []string{"report"}}}, {Query: "人工智能", Page: 2},
		{Query: "", Filters: Filters{Year: []string{"2025"}, Kind: []string{"presentation", "speech"}}},
		{Query: "materials", Sort: SortDate, Filters: Filters{Statuses: []catalog.Status{catalog.StatusDraft, catalog.StatusPublished}}},
	}
	ctx := context.Background()
	want := make([]*Result, len(requests))
	for i, r := range requests {
		res, err := e.index.Search(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = res
	}
	e.index.tables.mu.Lock()
	e.index.tables.table = nil // the goroutines build the table and its keys again, together
	e.index.tables.mu.Unlock()
	errs := make(chan error, 4*len(requests))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range requests {
				i := (k + g) % len(requests)
				got, err := e.index.Search(ctx, requests[i])
				switch {
				case err != nil:
					errs <- err
				case got.Total != want[i].Total || !reflect.DeepEqual(got.Hits, want[i].Hits) || !reflect.DeepEqual(got.Facets, want[i].Facets):
					errs <- fmt.Errorf("%+v: the answer differs from the same search alone", requests[i])
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
