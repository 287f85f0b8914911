package postgres

import (
	"context"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// mustOpen opens a store on a new database of the test server.
func mustOpen(tb testing.TB) *Store {
	tb.Helper()
	return mustOpenAt(tb, pgtest.NewDatabase(tb))
}

func mustOpenAt(tb testing.TB, dsn string) *Store {
	tb.Helper()
	s, err := Open(context.Background(), dsn, Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	catalogtest.RunStoreTests(t, func(t *testing.T) catalog.Store { return mustOpen(t) })
}

func TestExportJobStoreConformance(t *testing.T) {
	catalogtest.RunExportJobStoreTests(t, func(t *testing.T) catalog.ExportJobStore { return mustOpen(t) })
}

// TestLateCommitIsNeverSkipped: a transaction that took its id first and
// commits last holds back the changes committed after it, so a follower
// that reads meanwhile never moves its cursor past it; once it commits,
// the follower reads both, in order. (A plain sequence loses it: the
// later change's revision is read first and the cursor moves past.)
func TestLateCommitIsNeverSkipped(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	catalogtest.MustCreateEvent(t, s)
	cursor, err := s.LatestRevision(ctx)
	if err != nil || cursor == 0 {
		t.Fatalf("after the event: revision %d, %v", cursor, err)
	}
	recs := catalogtest.NewGenerator(3).Records(2)
	held, err := s.beginTx(ctx, false) // as a writer outside the lock would
	if err != nil {
		t.Fatal(err)
	}
	defer held.tx.Rollback()
	if err := catalog.CreateRecordIn(ctx, held, &recs[0]); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRecord(ctx, &recs[1]); err != nil { // commits first
		t.Fatal(err)
	}
	if changes, err := s.FindChanges(ctx, cursor, 10); err != nil || len(changes) != 0 {
		t.Fatalf("while the first transaction is open the follower reads %d changes (%v); it must wait", len(changes), err)
	}
	if latest, _ := s.LatestRevision(ctx); latest != cursor {
		t.Errorf("LatestRevision moved to %d past a transaction still open (cursor %d)", latest, cursor)
	}
	if _, err := s.FindRecordByID(ctx, recs[1].ID); err != nil {
		t.Errorf("the committed record is not readable: %v", err)
	}
	if err := s.commit(ctx, held); err != nil { // writes what it queued, then commits
		t.Fatal(err)
	}
	changes, err := s.FindChanges(ctx, cursor, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 2 || changes[0].EntityID != recs[0].ID || changes[1].EntityID != recs[1].ID || changes[0].Revision >= changes[1].Revision {
		t.Fatalf("after the commit: %+v, want %s then %s", changes, recs[0].ID, recs[1].ID)
	}
}

// TestEpochKeepsRevisionsGoingUp: when the server hands out transaction
// ids below those in the log (the database restored into a new cluster,
// simulated here by raising the ids in the log), reopening moves the
// epoch on, and new revisions sort above every old one.
func TestEpochKeepsRevisionsGoingUp(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	s := mustOpenAt(t, dsn)
	catalogtest.MustCreateEvent(t, s)
	recs := catalogtest.NewGenerator(5).Records(2)
	if err := s.CreateRecord(ctx, &recs[0]); err != nil {
		t.Fatal(err)
	}
	old, _ := s.LatestRevision(ctx)
	if _, err := s.db.ExecContext(ctx, `UPDATE changes SET xid = (pg_current_xact_id()::text::bigint + 1000000)::text::xid8`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = mustOpenAt(t, dsn)
	if s.epoch != 1 {
		t.Fatalf("epoch %d after the ids went back, want 1", s.epoch)
	}
	if err := s.CreateRecord(ctx, &recs[1]); err != nil {
		t.Fatal(err)
	}
	changes, err := s.FindChanges(ctx, old, 10)
	if err != nil || len(changes) != 1 || changes[0].EntityID != recs[1].ID {
		t.Fatalf("after the restore a follower at %d reads %+v (%v), want the new record", old, changes, err)
	}
	if again := mustOpenAt(t, dsn); again.epoch != 1 {
		t.Errorf("reopening again moved the epoch to %d", again.epoch)
	}
}

func TestRebind(t *testing.T) {
	if got := rebind(`a = ? AND (b, c) > (?, ?) LIMIT ?`); got != `a = $1 AND (b, c) > ($2, $3) LIMIT $4` {
		t.Errorf("rebind: %s", got)
	}
}
