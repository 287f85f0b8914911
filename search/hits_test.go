package search

import (
	"context"
	"testing"

	"github.com/annals/annals/catalog"
)

// TestLoadHitsChecksTheCurrentStatus reproduces the leak of a draft to
// anonymous searchers while the index lags: the index still holds the
// published copy, the store the draft with a new title. Loading the hits
// must leave the record out for a published-only search and show the
// store's current version to one allowed drafts.
func TestLoadHitsChecksTheCurrentStatus(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	r := report("leak", "Hydrogen storage in salt caverns")
	kept := report("kept", "Hydrogen valleys")
	e.load([]catalog.Record{r, kept})
	stored, err := e.store.FindRecordByID(ctx, "leak")
	if err != nil {
		t.Fatal(err)
	}
	stored.Status, stored.Title = catalog.StatusDraft, "Hydrogen storage: unpublished draft"
	if err := e.store.UpdateRecord(ctx, stored, 0); err != nil {
		t.Fatal(err)
	}
	// The index has not caught up: it still finds the published copy.
	res := e.searchResult("hydrogen")
	if res.Total != 2 {
		t.Fatalf("the stale index finds %d records, want 2", res.Total)
	}
	found, err := e.index.LoadHits(ctx, Filters{}, res.Hits)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].Record.ID != "kept" {
		t.Errorf("anonymous hits: %v, want only the record still published", foundIDs(found))
	}
	librarian := Filters{Statuses: catalog.RecordStatuses()}
	found, err = e.index.LoadHits(ctx, librarian, res.Hits)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 2 || found[0].Record.Title == r.Title && found[1].Record.Title == r.Title {
		t.Errorf("a librarian's hits: %v", foundIDs(found))
	}
	for _, f := range found {
		if f.Record.ID == "leak" && f.Record.Title != "Hydrogen storage: unpublished draft" {
			t.Errorf("a librarian sees the index's old title %q, not the store's", f.Record.Title)
		}
	}
	if err := e.store.DeleteRecord(ctx, "kept", 0); err != nil {
		t.Fatal(err)
	}
	if found, _ = e.index.LoadHits(ctx, librarian, res.Hits); len(found) != 1 {
		t.Errorf("after a delete: %v", foundIDs(found))
	}
}

func foundIDs(found []Found) []string {
	var ids []string
	for _, f := range found {
		ids = append(ids, f.Record.ID+" ("+string(f.Record.Status)+")")
	}
	return ids
}
