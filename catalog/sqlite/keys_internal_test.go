package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/annals/annals/catalog"
)

// TestRecordsStoredBeforeKeysAreKeyedOnOpen: a catalogue whose records
// have no duplicate keys (made before migration 0008) gets them when it
// opens, so that an import finds their duplicates.
func TestRecordsStoredBeforeKeysAreKeyedOnOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "annals.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := catalog.Record{Kind: catalog.KindReport, Title: "Hydrogen storage in the Arctic", Date: "2025",
		Identifiers: catalog.Identifiers{DOI: "10.5555/h2"}, Contributors: []catalog.Contributor{{Family: "Petrov", Role: catalog.RoleAuthor}}}
	if err := s.CreateRecord(catalog.NewContextWithActor(ctx, catalog.Actor{Name: "t"}), &r); err != nil {
		t.Fatal(err)
	}
	if _, err := s.write.ExecContext(ctx, `DELETE FROM record_keys`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	s.write.QueryRowContext(ctx, `SELECT count(*) FROM record_keys WHERE id = ?`, r.ID).Scan(&n)
	if n != 2 {
		t.Errorf("%d keys after reopening, want the DOI's and the title's", n)
	}
}
