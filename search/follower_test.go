package search

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
)

func report(id, title string) catalog.Record {
	return catalog.Record{ID: id, Kind: catalog.KindReport, Status: catalog.StatusPublished, Title: title,
		Contributors: []catalog.Contributor{{Family: "Иванов"}}}
}

// waitFor polls until cond holds, failing after a deadline; it returns how
// long it took.
func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			t.Fatalf("%s: not within %v", what, limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

func TestWritesAreSearchableWithinOneSecond(t *testing.T) {
	e := newEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error)
	go func() { done <- e.index.Run(ctx) }()

	r := report("h2", "Hydrogen storage in salt caverns")
	if err := e.store.CreateRecord(ctx, &r); err != nil {
		t.Fatal(err)
	}
	took := waitFor(t, "create", time.Second, func() bool { return len(e.search("caverns")) == 1 })
	t.Logf("a new record was searchable after %v", took)

	r.Title = "Hydrogen storage in depleted gas fields"
	if err := e.store.UpdateRecord(ctx, &r, 1); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "update", time.Second, func() bool { return len(e.search("caverns")) == 0 && len(e.search("depleted")) == 1 })

	if err := e.store.DeleteRecord(ctx, "h2", 0); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "delete", time.Second, func() bool { return len(e.search("hydrogen")) == 0 })
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}

func TestReopenResumesFromCursor(t *testing.T) {
	e := newEnv(t)
	e.load([]catalog.Record{report("a", "Alpha report")})
	before := e.index.Status().Revision
	if err := e.index.Close(); err != nil {
		t.Fatal(err)
	}
	// Written while the index is closed (the server down, or killed).
	b := report("b", "Beta report")
	if err := e.store.CreateRecord(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(context.Background(), filepath.Join(e.dir, "index"), e.store, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.needsRebuild() || ix.Status().Revision != before {
		t.Fatalf("reopened index: rebuild %v, revision %d, want %d", ix.needsRebuild(), ix.Status().Revision, before)
	}
	if err := ix.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.index = ix
	if got := e.search("report"); len(got) != 2 {
		t.Errorf("after resuming: %v", got)
	}
}

func TestBrokenIndexIsRebuilt(t *testing.T) {
	for name, breakIt := range map[string]func(t *testing.T, dir string){
		"missing": func(t *testing.T, dir string) { os.RemoveAll(dir) },
		"corrupt": func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("{garbage"), 0o644); err != nil {
				t.Fatal(err)
			}
		},
		"truncated store": func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "store", "root.bolt"), []byte("not a bolt file"), 0o644); err != nil {
				t.Fatal(err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			catalogtest.MustCreateEvent(t, e.store)
			e.load(catalogtest.NewGenerator(3).Records(300))
			want := e.searchResult("", func(r *Request) { r.Filters.Statuses = []catalog.Status{catalog.StatusDraft, catalog.StatusPublished} }).Total
			dir := filepath.Join(e.dir, "index")
			e.index.Close()
			breakIt(t, dir)
			ix, err := Open(context.Background(), dir, e.store, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			if st := ix.Status(); st.State != "rebuilding" || st.Reason == "" {
				t.Errorf("status after opening a %s index: %+v", name, st)
			}
			if _, err := ix.Search(context.Background(), Request{}); catalog.ErrorCode(err) != catalog.EUNAVAILABLE {
				t.Errorf("search before the rebuild: %v", err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go ix.Run(ctx)
			e.index = ix
			waitFor(t, "rebuild", 20*time.Second, func() bool { return ix.Status().State == "ready" })
			got := e.searchResult("", func(r *Request) { r.Filters.Statuses = []catalog.Status{catalog.StatusDraft, catalog.StatusPublished} }).Total
			if got != want || got != 300 {
				t.Errorf("after rebuild: %d records, want %d", got, want)
			}
		})
	}
}

func TestOutdatedMappingIsRebuiltWhileServing(t *testing.T) {
	e := newEnv(t)
	e.load([]catalog.Record{report("old", "Old mapping report")})
	if err := e.index.bi.SetInternal(keyVersion, []byte("annals-search-0")); err != nil {
		t.Fatal(err)
	}
	e.index.Close()
	ix, err := Open(context.Background(), filepath.Join(e.dir, "index"), e.store, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	e.index = ix
	if st := ix.Status(); st.State != "rebuilding" {
		t.Errorf("status: %+v", st)
	}
	if got := e.search("mapping"); len(got) != 1 {
		t.Errorf("the old index must answer until the new one is ready: %v", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go ix.Run(ctx)
	waitFor(t, "rebuild", 10*time.Second, func() bool { return ix.Status().State == "ready" })
	v, _ := ix.bi.GetInternal(keyVersion)
	if string(v) != MappingVersion || len(e.search("mapping")) != 1 {
		t.Errorf("after rebuild: version %q", v)
	}
}

func TestIndexInUseByAnotherOpener(t *testing.T) {
	e := newEnv(t)
	_, err := Open(context.Background(), filepath.Join(e.dir, "index"), e.store, Options{})
	if err == nil {
		t.Fatal("a second open of an index in use succeeded")
	}
}

// TestRebuildIndexesCurrentVersionsOnly rebuilds, in batches of two
// applied two at a time, a store whose records were created, changed
// several times and deleted: the index must hold each live record's last
// version only.
func TestRebuildIndexesCurrentVersionsOnly(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	early := report("early", "Original early title")
	if err := e.store.CreateRecord(ctx, &early); err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		r := report(fmt.Sprintf("r%d", i), fmt.Sprintf("Original title %d", i))
		if err := e.store.CreateRecord(ctx, &r); err != nil {
			t.Fatal(err)
		}
	}
	early.Title = "Revised2 early title"
	if err := e.store.UpdateRecord(ctx, &early, 0); err != nil {
		t.Fatal(err)
	}
	for round := range 3 {
		for i := range 12 {
			r, err := e.store.FindRecordByID(ctx, fmt.Sprintf("r%d", i))
			if err != nil {
				t.Fatal(err)
			}
			r.Title = fmt.Sprintf("Revised%d title %d", round, i)
			if err := e.store.UpdateRecord(ctx, r, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := 0; i < 12; i += 4 {
		if err := e.store.DeleteRecord(ctx, fmt.Sprintf("r%d", i), 0); err != nil {
			t.Fatal(err)
		}
	}
	ix, err := Open(ctx, filepath.Join(t.TempDir(), "index"), e.store, Options{BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	<-ix.rebuild
	if err := ix.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	e.index = ix
	if got := e.search("original"); len(got) != 0 {
		t.Errorf("older versions indexed: %v", got)
	}
	if got := e.search("revised0 revised1"); len(got) != 0 {
		t.Errorf("older versions indexed: %v", got)
	}
	if got := e.search("revised2"); len(got) != 10 {
		t.Errorf("last versions: %v, want 10 (13 less 3 deleted)", got)
	}
	if n, _ := ix.DocCount(); n != 10 {
		t.Errorf("documents: %d", n)
	}
}

// TestRebuildCallsOnRebuildAroundIt: the hook runs as a rebuild starts and
// its done function as it ends, once each.
func TestRebuildCallsOnRebuildAroundIt(t *testing.T) {
	e := newEnv(t)
	e.load([]catalog.Record{report("a", "Alpha report")})
	var events []string
	e.index.opts.OnRebuild = func() func() {
		events = append(events, "start")
		return func() { events = append(events, "done") }
	}
	if err := e.index.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(events, []string{"start", "done"}) {
		t.Errorf("hook calls: %v", events)
	}
}
