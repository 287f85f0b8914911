package catalogtest

import (
	"testing"
	"time"

	"github.com/annals/annals/catalog"
)

// testChangeRecords: publishing, withdrawing and deleting many records at
// once is all or none; each record changed gets a version and a history
// entry; records already as asked are reported unchanged.
func testChangeRecords(t *testing.T, s catalog.Store) {
	ctx := withActor("librarian")
	rep := mustImport(t, s, []catalog.Record{
		{Kind: catalog.KindReport, Title: "First bulk draft", Status: catalog.StatusDraft},
		{Kind: catalog.KindReport, Title: "Second bulk draft", Status: catalog.StatusDraft},
		{Kind: catalog.KindReport, Title: "Third bulk draft", Status: catalog.StatusPublished},
	}, catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate})
	a, b, c := rep.Items[0].ID, rep.Items[1].ID, rep.Items[2].ID
	if _, err := s.ChangeRecords(ctx, []string{a, "no-such-record", b}, catalog.BulkPublish); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Fatalf("an unknown id: %v", err)
	}
	if r, _ := s.FindRecordByID(ctx, a); r.Status != catalog.StatusDraft || r.Version != 1 {
		t.Fatalf("a failed bulk action changed %s: %s v%d", a, r.Status, r.Version)
	}
	got, err := s.ChangeRecords(ctx, []string{a, b, c, a}, catalog.BulkPublish)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Changed) != 2 || len(got.Unchanged) != 1 || got.Unchanged[0] != c {
		t.Errorf("publish: %+v", got)
	}
	for _, id := range []string{a, b} {
		r, _ := s.FindRecordByID(ctx, id)
		h, _ := s.FindEntityHistory(ctx, catalog.EntityRecord, id)
		if r.Status != catalog.StatusPublished || r.Version != 2 || len(h) != 2 {
			t.Errorf("%s after publishing: %s v%d, %d history entries", id, r.Status, r.Version, len(h))
		}
	}
	if got, err := s.ChangeRecords(ctx, []string{a}, catalog.BulkWithdraw); err != nil || len(got.Changed) != 1 {
		t.Errorf("withdraw: %+v %v", got, err)
	}
	if _, err := s.ChangeRecords(ctx, []string{b, c}, catalog.BulkDelete); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindRecordByID(ctx, b); catalog.ErrorCode(err) != catalog.EGONE {
		t.Errorf("deleted: %v", err)
	}
	if _, err := s.ChangeRecords(ctx, []string{a}, "archive"); catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("an unknown action: %v", err)
	}
	if _, err := s.ChangeRecords(ctx, nil, catalog.BulkPublish); catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("no ids: %v", err)
	}
}

// testEventEditMovesHarvestDatestamps: changing an event changes what its
// records' Dublin Core says (its name, place, dates), so their harvest
// datestamps move to the time of the edit: an incremental harvest from
// then hears of them; records of other events keep theirs.
func testEventEditMovesHarvestDatestamps(t *testing.T, s catalog.Store) {
	ctx := withActor("librarian")
	MustCreateEvent(t, s)
	r := aldoshin()
	r.ID, r.Status = "on-event", catalog.StatusPublished
	if err := s.CreateRecord(ctx, &r); err != nil {
		t.Fatal(err)
	}
	other := aldoshin()
	other.ID, other.Status, other.Event, other.Session = "no-event", catalog.StatusPublished, "", ""
	if err := s.CreateRecord(ctx, &other); err != nil {
		t.Fatal(err)
	}
	before, err := s.FindHarvestItem(ctx, "on-event")
	if err != nil {
		t.Fatal(err)
	}
	ev, err := s.FindEventByID(ctx, GeneratedEventID)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Millisecond) // datestamps have millisecond precision at least
	ev.Place = "Jinan, Shandong, China"
	if err := s.UpdateEvent(ctx, ev, 0); err != nil {
		t.Fatal(err)
	}
	after, err := s.FindHarvestItem(ctx, "on-event")
	if err != nil {
		t.Fatal(err)
	}
	if !after.Datestamp.After(before.Datestamp) {
		t.Errorf("the event's record kept its datestamp %s after the event changed", after.Datestamp)
	}
	since, err := s.FindHarvestItems(ctx, catalog.HarvestFilter{From: after.Datestamp, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if ids := harvestIDs(since); len(ids) != 1 || ids[0] != "on-event" {
		t.Errorf("harvest from the edit: %v, want on-event only", ids)
	}
	if r, _ := s.FindRecordByID(ctx, "on-event"); r.Version != 1 {
		t.Errorf("the record itself changed: version %d", r.Version)
	}
}
