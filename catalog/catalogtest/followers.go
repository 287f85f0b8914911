package catalogtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
)

// testWaitForChanges checks that a waiter returns at once when the log is
// already past its revision, gives up with ctx's error when nothing
// happens, and wakes when a write commits.
func testWaitForChanges(t *testing.T, s catalog.Store) {
	ctx := withActor("alice")
	MustCreateEvent(t, s)
	rev, err := s.LatestRevision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WaitForChanges(ctx, rev-1); err != nil {
		t.Errorf("waiting for a change already in the log: %v", err)
	}
	quiet, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := s.WaitForChanges(quiet, rev); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting with nothing written: %v, want the context's deadline", err)
	}
	woken := make(chan error, 1)
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	go func() { woken <- s.WaitForChanges(wctx, rev) }()
	time.Sleep(20 * time.Millisecond)
	r := aldoshin()
	if err := s.CreateRecord(ctx, &r); err != nil {
		t.Fatal(err)
	}
	if err := <-woken; err != nil {
		t.Errorf("a write did not wake the waiter: %v", err)
	}
}

// testConcurrentWritersRevisionOrder has several writers create, update
// and import records at once while a follower reads the change log the way
// the search index does: a small page at a time after the last revision
// it saw, waiting when it has caught up. Changes must become visible in
// revision order, so the follower must see every revision exactly once.
func testConcurrentWritersRevisionOrder(t *testing.T, s catalog.Store) {
	ctx := withActor("alice")
	MustCreateEvent(t, s)
	const writers, each = 4, 40
	gen := NewGenerator(11)
	batches := make([][]catalog.Record, writers)
	for w := range batches {
		batches[w] = gen.Records(each)
	}

	var seen []int64
	followerDone := make(chan error, 1)
	stop := make(chan int64, 1) // the latest revision, once every writer is done
	go func() {
		cursor, target := int64(0), int64(-1)
		for target < 0 || cursor < target {
			changes, err := s.FindChanges(ctx, cursor, 7)
			if err != nil {
				followerDone <- err
				return
			}
			for _, c := range changes {
				seen = append(seen, c.Revision)
				cursor = c.Revision
			}
			select {
			case target = <-stop:
			default:
			}
			if len(changes) == 0 && target < 0 {
				wctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
				err := s.WaitForChanges(wctx, cursor)
				cancel()
				if err != nil && !errors.Is(err, context.DeadlineExceeded) {
					followerDone <- err
					return
				}
			}
		}
		followerDone <- nil
	}()

	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- writeConcurrently(ctx, s, w, batches[w])
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	latest, err := s.LatestRevision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stop <- latest
	if err := <-followerDone; err != nil {
		t.Fatal(err)
	}

	all, err := s.FindChanges(ctx, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != len(all) {
		t.Fatalf("the follower saw %d changes, the log holds %d: a change became visible below a revision already seen", len(seen), len(all))
	}
	for i := range all {
		if seen[i] != all[i].Revision {
			t.Fatalf("change %d: the follower saw revision %d, the log has %d", i, seen[i], all[i].Revision)
		}
	}
}

// writeConcurrently is one writer: single creates, updates, and an import
// of the rest.
func writeConcurrently(ctx context.Context, s catalog.Store, w int, recs []catalog.Record) error {
	for i := range recs {
		recs[i].ID = fmt.Sprintf("w%d-%03d", w, i)
	}
	half := len(recs) / 2
	for i := range recs[:half] {
		if err := s.CreateRecord(ctx, &recs[i]); err != nil {
			return err
		}
		if i%4 == 0 {
			recs[i].Title += " (revised)"
			if err := s.UpdateRecord(ctx, &recs[i], 0); err != nil {
				return err
			}
		}
	}
	items := make([]catalog.ImportItem, 0, len(recs)-half)
	for i, r := range recs[half:] {
		items = append(items, catalog.ImportItem{Index: i, Record: r})
	}
	rep, err := s.ImportRecords(ctx, items, catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate})
	if err != nil {
		return err
	}
	if rep.Imported != len(items) {
		return fmt.Errorf("writer %d imported %d of %d", w, rep.Imported, len(items))
	}
	return nil
}

// testFindRecordsByIDs checks the batch read: the order asked for, unknown
// and deleted ids left out, a repeated id once, drafts included, and more
// ids than one query's parameters hold.
func testFindRecordsByIDs(t *testing.T, s catalog.Store) {
	ctx := withActor("alice")
	MustCreateEvent(t, s)
	recs := NewGenerator(12).Records(1200)
	recs[3].Status = catalog.StatusDraft
	mustImport(t, s, recs, catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate})
	if err := s.DeleteRecord(ctx, recs[5].ID, 0); err != nil {
		t.Fatal(err)
	}
	ids := []string{recs[7].ID, "never-there", recs[3].ID, recs[5].ID, recs[0].ID, recs[7].ID}
	got, err := s.FindRecordsByIDs(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	var gotIDs []string
	for _, r := range got {
		gotIDs = append(gotIDs, r.ID)
	}
	want := []string{recs[7].ID, recs[3].ID, recs[0].ID}
	if !slices.Equal(gotIDs, want) {
		t.Errorf("FindRecordsByIDs(%v) = %v, want %v", ids, gotIDs, want)
	}
	if len(got) == 3 && (got[1].Status != catalog.StatusDraft || got[0].Title != recs[7].Title || got[0].Version != 1) {
		t.Errorf("records read in a batch differ from what was stored: %+v", got[:2])
	}
	all := make([]string, 0, len(recs))
	for i := len(recs) - 1; i >= 0; i-- {
		all = append(all, recs[i].ID)
	}
	got, err = s.FindRecordsByIDs(ctx, all)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(recs)-1 || got[0].ID != recs[len(recs)-1].ID || got[len(got)-1].ID != recs[0].ID {
		t.Errorf("%d ids: %d records, first %s, last %s", len(all), len(got), got[0].ID, got[len(got)-1].ID)
	}
	if got, err := s.FindRecordsByIDs(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("no ids: %v, %v", got, err)
	}
}

// testWebSessions checks that a session lives until it ends, expires or
// its token is revoked, and only for a live token.
func testWebSessions(t *testing.T, s catalog.Store) {
	ctx := context.Background()
	_, hash := catalog.NewTokenSecret()
	tok := catalog.Token{Name: "Session tester", Role: catalog.RoleLibrarian}
	if err := s.CreateToken(ctx, &tok, hash); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	live := &catalog.WebSession{ID: "s-live", TokenID: tok.ID, Created: now, Expires: now.Add(time.Hour)}
	ends := &catalog.WebSession{ID: "s-ends", TokenID: tok.ID, Created: now, Expires: now.Add(time.Hour)}
	old := &catalog.WebSession{ID: "s-old", TokenID: tok.ID, Created: now.Add(-2 * time.Hour), Expires: now.Add(-time.Hour)}
	for _, ws := range []*catalog.WebSession{live, ends, old} {
		if err := s.CreateWebSession(ctx, ws); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateWebSession(ctx, &catalog.WebSession{ID: "s-x", TokenID: "no-such-token", Created: now, Expires: now.Add(time.Hour)}); catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("a session of an unknown token: %v", err)
	}
	got, gotTok, err := s.FindWebSession(ctx, "s-live")
	if err != nil || got.TokenID != tok.ID || gotTok.Name != "Session tester" || !got.Expires.Equal(live.Expires) {
		t.Fatalf("a live session: %+v %+v %v", got, gotTok, err)
	}
	if _, _, err := s.FindWebSession(ctx, "s-old"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("an expired session: %v", err)
	}
	if err := s.EndWebSession(ctx, "s-ends"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.FindWebSession(ctx, "s-ends"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("an ended session: %v", err)
	}
	if err := s.EndWebSession(ctx, "never-was"); err != nil {
		t.Errorf("ending a session that never was: %v", err)
	}
	if err := s.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.FindWebSession(ctx, "s-live"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("a session of a revoked token: %v", err)
	}
}
