package search

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/sqlite"
)

// env is a store and its index in a temporary directory.
type env struct {
	t     testing.TB
	store *sqlite.Store
	index *Index
	dir   string
}

func newEnv(t testing.TB) *env {
	t.Helper()
	dir := t.TempDir()
	store, err := sqlite.Open(context.Background(), filepath.Join(dir, "annals.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e := &env{t: t, store: store, dir: dir}
	e.open()
	return e
}

// open opens (or reopens) the index and brings it up to date.
func (e *env) open() {
	e.t.Helper()
	ix, err := Open(context.Background(), filepath.Join(e.dir, "index"), e.store, Options{})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { ix.Close() })
	if ix.needsRebuild() {
		<-ix.rebuild
		if err := ix.Rebuild(context.Background()); err != nil {
			e.t.Fatal(err)
		}
	}
	e.index = ix
	e.catchUp()
}

func (e *env) catchUp() {
	e.t.Helper()
	if err := e.index.CatchUp(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// load imports records through the store's import path and indexes them.
func (e *env) load(recs []catalog.Record) {
	e.t.Helper()
	items := make([]catalog.ImportItem, len(recs))
	for i, r := range recs {
		items[i] = catalog.ImportItem{Index: i, Record: r}
	}
	rep, err := e.store.ImportRecords(context.Background(), items, catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate})
	if err != nil {
		e.t.Fatal(err)
	}
	if rep.Failed > 0 {
		for _, it := range rep.Items {
			if it.Status == catalog.ImportFailed {
				e.t.Fatalf("record %d (%s) invalid: %v", it.Index, it.ID, it.Errors)
			}
		}
	}
	e.catchUp()
}

// loadSample loads the shipped sample catalogue.
func (e *env) loadSample() {
	e.t.Helper()
	events, records := catalogtest.Sample(e.t)
	for i := range events {
		if err := e.store.CreateEvent(context.Background(), &events[i]); err != nil {
			e.t.Fatal(err)
		}
	}
	e.load(records)
}

// search runs q and returns the ids of the hits, in order.
func (e *env) search(q string, mutate ...func(*Request)) []string {
	e.t.Helper()
	res := e.searchResult(q, mutate...)
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids
}

func (e *env) searchResult(q string, mutate ...func(*Request)) *Result {
	e.t.Helper()
	r := Request{Query: q, Size: 100}
	for _, m := range mutate {
		m(&r)
	}
	res, err := e.index.Search(context.Background(), r)
	if err != nil {
		e.t.Fatalf("search %q: %v", q, err)
	}
	return res
}

func contains(ids []string, id string) bool { return slices.Contains(ids, id) }
