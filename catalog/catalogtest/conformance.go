package catalogtest

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
)

// Fingerprint summarises what a store holds: if a failed write left the
// fingerprint unchanged, it wrote nothing, because every write appends to
// the change log.
type Fingerprint struct {
	Revision int64
	Records  int
	Events   int
}

// TakeFingerprint reads the fingerprint of s.
func TakeFingerprint(tb testing.TB, s catalog.Store) Fingerprint {
	tb.Helper()
	ctx := context.Background()
	rev, err := s.LatestRevision(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	n, err := s.CountRecords(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	evs, err := s.FindEvents(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return Fingerprint{Revision: rev, Records: n, Events: len(evs)}
}

// AssertUnchanged fails tb if s no longer has fingerprint before.
func AssertUnchanged(tb testing.TB, s catalog.Store, before Fingerprint) {
	tb.Helper()
	if after := TakeFingerprint(tb, s); after != before {
		tb.Fatalf("store changed: before %+v, after %+v", before, after)
	}
}

// MustCreateEvent stores the generated event in s.
func MustCreateEvent(tb testing.TB, s catalog.Store) catalog.Event {
	tb.Helper()
	ev := GeneratedEvent()
	if err := s.CreateEvent(context.Background(), &ev); err != nil {
		tb.Fatal(err)
	}
	return ev
}

// RunStoreTests runs the conformance suite against stores made by open,
// which must return a new, empty store for each call.
func RunStoreTests(t *testing.T, open func(t *testing.T) catalog.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, catalog.Store)
	}{
		{"RecordRoundTrip", testRecordRoundTrip},
		{"InvalidRecordWritesNothing", testInvalidRecordWritesNothing},
		{"DuplicateID", testDuplicateID},
		{"UpdateVersions", testUpdateVersions},
		{"DeleteLeavesTombstone", testDeleteLeavesTombstone},
		{"ListPagesNewestFirst", testListPagesNewestFirst},
		{"ListFilters", testListFilters},
		{"Events", testEvents},
		{"ImportReportsBadItems", testImportReportsBadItems},
		{"ImportAtomicAndDryRun", testImportAtomicAndDryRun},
		{"ImportSkipsDuplicates", testImportSkipsDuplicates},
		{"ImportUpdatesDuplicates", testImportUpdatesDuplicates},
		{"ImportStreams", testImportStreams},
		{"ChangeRecords", testChangeRecords},
		{"MergeRecords", testMergeRecords},
		{"EventEditMovesHarvestDatestamps", testEventEditMovesHarvestDatestamps},
		{"FindDuplicateGroups", testFindDuplicateGroups},
		{"ImportIDsAreStable", testImportIDsAreStable},
		{"FindRecordsByIDs", testFindRecordsByIDs},
		{"ChangeLog", testChangeLog},
		{"WaitForChanges", testWaitForChanges},
		{"ConcurrentWritersRevisionOrder", testConcurrentWritersRevisionOrder},
		{"CurrentRecords", testCurrentRecords},
		{"Tokens", testTokens},
		{"WebSessions", testWebSessions},
		{"Harvest", testHarvest},
		{"FileAnalyses", testFileAnalyses},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

func withActor(name string) context.Context {
	return catalog.NewContextWithActor(context.Background(), catalog.Actor{Name: name, Role: catalog.RoleLibrarian})
}

func aldoshin() catalog.Record {
	return catalog.Record{
		ID: "jinan-2025-aldoshin", Kind: catalog.KindSpeech, Status: catalog.StatusPublished,
		Title: "Приветственное слово", Language: "ru",
		Translations: []catalog.Translation{{Language: "en", Title: "Opening address"}, {Language: "zh", Title: "开幕致辞"}},
		Contributors: []catalog.Contributor{{Family: "Алдошин", Given: "Сергей Михайлович", Role: "speaker",
			Affiliation: "Российская академия наук", Country: "RU",
			Translations: []catalog.NameTranslation{{Language: "en", Family: "Aldoshin", Given: "Sergey"}}}},
		Event: GeneratedEventID, Session: "ai", Date: "2025-06-04", Topics: []string{"international-cooperation"},
	}
}

func testRecordRoundTrip(t *testing.T, s catalog.Store) {
	ctx := withActor("alice")
	MustCreateEvent(t, s)
	r := aldoshin()
	if err := s.CreateRecord(ctx, &r); err != nil {
		t.Fatal(err)
	}
	if r.Version != 1 || r.Created.IsZero() || !r.Created.Equal(r.Updated) {
		t.Errorf("bookkeeping not set: version %d created %v updated %v", r.Version, r.Created, r.Updated)
	}
	got, err := s.FindRecordByID(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Приветственное слово" || got.Translations[1].Title != "开幕致辞" ||
		got.Contributors[0].Translations[0].Family != "Aldoshin" || !got.Created.Equal(r.Created) {
		t.Errorf("round trip changed the record: %+v", got)
	}
	hist, err := s.FindEntityHistory(ctx, catalog.EntityRecord, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1 || hist[0].Op != catalog.OpCreate || hist[0].Actor != "alice" || hist[0].Before != nil || len(hist[0].After) == 0 {
		t.Errorf("history = %+v", hist)
	}
	if _, err := s.FindRecordByID(ctx, "nope"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("missing record: %v", err)
	}
	// The server makes ids when none is given.
	anon := aldoshin()
	anon.ID, anon.Title = "", "Opening address"
	if err := s.CreateRecord(ctx, &anon); err != nil || !catalog.ValidID(anon.ID) {
		t.Errorf("generated id %q: %v", anon.ID, err)
	}
}

func testInvalidRecordWritesNothing(t *testing.T, s catalog.Store) {
	ctx := withActor("alice")
	MustCreateEvent(t, s)
	before := TakeFingerprint(t, s)
	for name, mutate := range map[string]func(*catalog.Record){
		"impossible date": func(r *catalog.Record) { r.Date = "2025-02-30" },
		"bad orcid":       func(r *catalog.Record) { r.Contributors[0].ORCID = "0000-0002-1825-0098" },
		"unknown event":   func(r *catalog.Record) { r.Event = "atlantis-2025" },
		"unknown session": func(r *catalog.Record) { r.Session = "banquet" },
		"no title":        func(r *catalog.Record) { r.Title = "" },
	} {
		r := aldoshin()
		mutate(&r)
		err := s.CreateRecord(ctx, &r)
		if catalog.ErrorCode(err) != catalog.EINVALID || len(catalog.ErrorFields(err)) == 0 {
			t.Errorf("%s: got %v, want invalid with fields", name, err)
		}
		AssertUnchanged(t, s, before)
	}
}

func testDuplicateID(t *testing.T, s catalog.Store) {
	ctx := withActor("alice")
	MustCreateEvent(t, s)
	r := aldoshin()
	if err := s.CreateRecord(ctx, &r); err != nil {
		t.Fatal(err)
	}
	before := TakeFingerprint(t, s)
	again := aldoshin()
	err := s.CreateRecord(ctx, &again)
	if catalog.ErrorCode(err) != catalog.ECONFLICT {
		t.Fatalf("got %v, want conflict", err)
	}
	AssertUnchanged(t, s, before)
}

func testUpdateVersions(t *testing.T, s catalog.Store) {
	ctx := withActor("alice")
	MustCreateEvent(t, s)
	r := aldoshin()
	if err := s.CreateRecord(ctx, &r); err != nil {
		t.Fatal(err)
	}
	upd := aldoshin()
	upd.Pages = "1-5"
	upd.Created = r.Created.AddDate(-5, 0, 0) // a client's bookkeeping is ignored
	upd.Version = 99
	if err := s.UpdateRecord(withActor("bob"), &upd, 1); err != nil {
		t.Fatal(err)
	}
	if upd.Version != 2 || !upd.Created.Equal(r.Created) || !upd.Updated.After(r.Created) && !upd.Updated.Equal(r.Created) {
		t.Errorf("after update: version %d created %v", upd.Version, upd.Created)
	}
	before := TakeFingerprint(t, s)
	stale := aldoshin()
	stale.Pages = "9"
	if err := s.UpdateRecord(ctx, &stale, 1); catalog.ErrorCode(err) != catalog.EPRECONDITION {
		t.Errorf("stale version: %v", err)
	}
	bad := aldoshin()
	bad.Date = "2025-13-01"
	if err := s.UpdateRecord(ctx, &bad, 2); catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("invalid update: %v", err)
	}
	same := aldoshin()
	same.Pages = "1-5"
	if err := s.UpdateRecord(ctx, &same, 2); err != nil || same.Version != 2 {
		t.Errorf("identical update: version %d, %v", same.Version, err)
	}
	AssertUnchanged(t, s, before)
	missing := aldoshin()
	missing.ID = "nope"
	if err := s.UpdateRecord(ctx, &missing, 0); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("missing: %v", err)
	}
	hist, _ := s.FindEntityHistory(ctx, catalog.EntityRecord, r.ID)
	if len(hist) != 2 || hist[1].Actor != "bob" || hist[1].Op != catalog.OpUpdate {
		t.Fatalf("history = %+v", hist)
	}
	diff, err := catalog.DiffDocuments(hist[1].Before, hist[1].After)
	if err != nil || len(diff) != 1 || diff[0].Field != "pages" {
		t.Errorf("diff = %+v, %v", diff, err)
	}
}

func testDeleteLeavesTombstone(t *testing.T, s catalog.Store) {
	ctx := withActor("alice")
	MustCreateEvent(t, s)
	r := aldoshin()
	if err := s.CreateRecord(ctx, &r); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRecord(ctx, r.ID, 7); catalog.ErrorCode(err) != catalog.EPRECONDITION {
		t.Errorf("delete with stale version: %v", err)
	}
	if err := s.DeleteRecord(ctx, r.ID, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindRecordByID(ctx, r.ID); catalog.ErrorCode(err) != catalog.EGONE {
		t.Errorf("find deleted: %v", err)
	}
	if err := s.DeleteRecord(ctx, r.ID, 0); catalog.ErrorCode(err) != catalog.EGONE {
		t.Errorf("delete twice: %v", err)
	}
	again := aldoshin()
	if err := s.CreateRecord(ctx, &again); catalog.ErrorCode(err) != catalog.ECONFLICT {
		t.Errorf("reuse of a deleted id: %v", err)
	}
	page, err := s.FindRecords(ctx, catalog.RecordFilter{})
	if err != nil || page.Total != 0 || len(page.Records) != 0 {
		t.Errorf("listing shows deleted record: %+v %v", page, err)
	}
	hist, _ := s.FindEntityHistory(ctx, catalog.EntityRecord, r.ID)
	if len(hist) != 2 || hist[1].Op != catalog.OpDelete || hist[1].After != nil || len(hist[1].Before) == 0 {
		t.Errorf("history = %+v", hist)
	}
}

func mustImport(t *testing.T, s catalog.Store, recs []catalog.Record, opts catalog.ImportOptions) *catalog.ImportReport {
	t.Helper()
	items := make([]catalog.ImportItem, len(recs))
	for i, r := range recs {
		items[i] = catalog.ImportItem{Index: i, Record: r}
	}
	rep, err := s.ImportRecords(withActor("importer"), items, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func firstFailure(rep *catalog.ImportReport) catalog.ImportResult {
	for _, it := range rep.Items {
		if it.Status == catalog.ImportFailed {
			return it
		}
	}
	return catalog.ImportResult{}
}

func testListPagesNewestFirst(t *testing.T, s catalog.Store) {
	ctx := context.Background()
	MustCreateEvent(t, s)
	recs := NewGenerator(1).Records(45)
	for i := range recs {
		if err := s.CreateRecord(ctx, &recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	var seen []string
	after := ""
	for pages := 0; ; pages++ {
		page, err := s.FindRecords(ctx, catalog.RecordFilter{Size: 20, After: after})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 45 {
			t.Fatalf("total = %d", page.Total)
		}
		for _, r := range page.Records {
			seen = append(seen, r.ID)
		}
		if page.Next == "" {
			break
		}
		after = page.Next
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
	}
	want := make([]string, 45)
	for i := range want {
		want[i] = recs[44-i].ID
	}
	if !slices.Equal(seen, want) {
		t.Errorf("pages = %v\nwant newest first %v", seen, want)
	}
	if _, err := s.FindRecords(ctx, catalog.RecordFilter{After: "garbage!"}); catalog.ErrorCode(err) != catalog.EMALFORMED {
		t.Errorf("bad cursor: %v", err)
	}
	page, _ := s.FindRecords(ctx, catalog.RecordFilter{Size: 1000})
	if len(page.Records) != catalog.MaxPageSize && len(page.Records) != 45 {
		t.Errorf("page size not capped: %d", len(page.Records))
	}
}

func testListFilters(t *testing.T, s catalog.Store) {
	ctx := context.Background()
	MustCreateEvent(t, s)
	recs := NewGenerator(2).Records(60)
	rep := mustImport(t, s, recs, catalog.ImportOptions{})
	if rep.Imported != 60 {
		t.Fatalf("imported %d of 60; first failure: %+v", rep.Imported, firstFailure(rep))
	}
	count := func(pred func(catalog.Record) bool) int {
		n := 0
		for _, r := range recs {
			if pred(r) {
				n++
			}
		}
		return n
	}
	for _, tc := range []struct {
		filter catalog.RecordFilter
		pred   func(catalog.Record) bool
	}{
		{catalog.RecordFilter{Kind: catalog.KindReport}, func(r catalog.Record) bool { return r.Kind == catalog.KindReport }},
		{catalog.RecordFilter{Event: GeneratedEventID, Session: "ai"}, func(r catalog.Record) bool { return r.Session == "ai" }},
		{catalog.RecordFilter{Statuses: []catalog.Status{catalog.StatusPublished}}, func(r catalog.Record) bool { return r.Status == catalog.StatusPublished }},
		{catalog.RecordFilter{Event: "other"}, func(catalog.Record) bool { return false }},
		{catalog.RecordFilter{Topic: "energy"}, func(r catalog.Record) bool { return slices.Contains(r.Topics, "energy") }},
	} {
		page, err := s.FindRecords(ctx, tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		if want := count(tc.pred); page.Total != want {
			t.Errorf("%+v: total %d, want %d", tc.filter, page.Total, want)
		}
	}
}

func testEvents(t *testing.T, s catalog.Store) {
	ctx := withActor("alice")
	ev := MustCreateEvent(t, s)
	if ev.Version != 1 {
		t.Errorf("version = %d", ev.Version)
	}
	dup := GeneratedEvent()
	if err := s.CreateEvent(ctx, &dup); catalog.ErrorCode(err) != catalog.ECONFLICT {
		t.Errorf("duplicate event: %v", err)
	}
	r := aldoshin()
	if err := s.CreateRecord(ctx, &r); err != nil {
		t.Fatal(err)
	}
	before := TakeFingerprint(t, s)
	shrunk := GeneratedEvent()
	shrunk.Sessions = shrunk.Sessions[:1] // drops "ai", which the record uses
	err := s.UpdateEvent(ctx, &shrunk, 1)
	if catalog.ErrorCode(err) != catalog.EINVALID || catalog.ErrorFields(err)[0].Field != "sessions" {
		t.Errorf("removing a used session: %v", err)
	}
	if err := s.DeleteEvent(ctx, ev.ID, 0); catalog.ErrorCode(err) != catalog.ECONFLICT {
		t.Errorf("deleting an event with records: %v", err)
	}
	AssertUnchanged(t, s, before)
	renamed := GeneratedEvent()
	renamed.Name = "Renamed"
	if err := s.UpdateEvent(ctx, &renamed, 1); err != nil || renamed.Version != 2 {
		t.Fatalf("rename: version %d %v", renamed.Version, err)
	}
	if err := s.DeleteRecord(ctx, r.ID, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteEvent(ctx, ev.ID, 1); catalog.ErrorCode(err) != catalog.EPRECONDITION {
		t.Errorf("stale delete: %v", err)
	}
	if err := s.DeleteEvent(ctx, ev.ID, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindEventByID(ctx, ev.ID); catalog.ErrorCode(err) != catalog.EGONE {
		t.Errorf("deleted event: %v", err)
	}
	evs, _ := s.FindEvents(ctx)
	if len(evs) != 0 {
		t.Errorf("deleted event listed: %v", evs)
	}
	late := aldoshin()
	late.ID = "late"
	if err := s.CreateRecord(ctx, &late); catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("record for a deleted event: %v", err)
	}
}

func testImportReportsBadItems(t *testing.T, s catalog.Store) {
	MustCreateEvent(t, s)
	recs := NewGenerator(3).Records(1000)
	recs[10].Date = "2025-02-30"
	recs[500].Contributors[0].ORCID = "0000-0002-1825-0098"
	recs[999].ID = recs[998].ID // duplicate within the file
	rep := mustImport(t, s, recs, catalog.ImportOptions{})
	if rep.Total != 1000 || rep.Imported != 997 || rep.Failed != 3 {
		t.Fatalf("report: total %d imported %d failed %d; first failure %+v", rep.Total, rep.Imported, rep.Failed, firstFailure(rep))
	}
	var failed []int
	for _, it := range rep.Items {
		if it.Status == catalog.ImportFailed {
			failed = append(failed, it.Index)
			if len(it.Errors) == 0 {
				t.Errorf("item %d failed without saying why", it.Index)
			}
		}
	}
	if !slices.Equal(failed, []int{10, 500, 999}) {
		t.Errorf("failed items = %v", failed)
	}
	if n, _ := s.CountRecords(context.Background()); n != 997 {
		t.Errorf("store holds %d records", n)
	}
}

func testImportAtomicAndDryRun(t *testing.T, s catalog.Store) {
	MustCreateEvent(t, s)
	recs := NewGenerator(4).Records(50)
	recs[20].Event = "atlantis"
	before := TakeFingerprint(t, s)
	for _, opts := range []catalog.ImportOptions{{Atomic: true}, {DryRun: true}, {DryRun: true, Atomic: true}} {
		rep := mustImport(t, s, recs, opts)
		if rep.Imported != 0 || rep.Failed != 1 || rep.Items[20].Status != catalog.ImportFailed ||
			rep.Items[21].Status != catalog.ImportValid || rep.Items[20].Errors[0].Field != "event" {
			t.Errorf("%+v: imported %d failed %d item20 %+v", opts, rep.Imported, rep.Failed, rep.Items[20])
		}
		AssertUnchanged(t, s, before)
	}
	recs[20].Event = GeneratedEventID
	rep := mustImport(t, s, recs, catalog.ImportOptions{Atomic: true})
	if rep.Imported != 50 {
		t.Errorf("atomic import of good records: %d", rep.Imported)
	}
	empty := mustImport(t, s, nil, catalog.ImportOptions{})
	if empty.Total != 0 || len(empty.Items) != 0 {
		t.Errorf("empty import: %+v", empty)
	}
}

func testChangeLog(t *testing.T, s catalog.Store) {
	ctx := withActor("alice")
	MustCreateEvent(t, s)
	recs := NewGenerator(5).Records(30)
	mustImport(t, s, recs, catalog.ImportOptions{})
	first, err := s.FindChanges(ctx, 0, 10)
	if err != nil || len(first) != 10 {
		t.Fatalf("first changes: %d %v", len(first), err)
	}
	if first[0].Entity != catalog.EntityEvent || first[1].EntityID != recs[0].ID || first[1].Actor != "importer" {
		t.Errorf("first changes: %s %s by %s, %s %s by %s", first[0].Entity, first[0].EntityID, first[0].Actor,
			first[1].Entity, first[1].EntityID, first[1].Actor)
	}
	rest, _ := s.FindChanges(ctx, first[9].Revision, 100)
	all := append(first, rest...)
	if len(all) != 31 {
		t.Errorf("%d changes, want 31", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].Revision <= all[i-1].Revision {
			t.Fatalf("revisions not increasing at %d: %d, %d", i, all[i-1].Revision, all[i].Revision)
		}
	}
	latest, _ := s.LatestRevision(ctx)
	if latest != all[len(all)-1].Revision {
		t.Errorf("latest = %d", latest)
	}
	if _, err := s.FindEntityHistory(ctx, catalog.EntityRecord, "nope"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("history of nothing: %v", err)
	}
}

// testCurrentRecords checks that FindCurrentRecords pages through each
// live record once, with its current document, skipping deleted ones and
// superseded versions.
func testCurrentRecords(t *testing.T, s catalog.Store) {
	ctx := withActor("alice")
	MustCreateEvent(t, s)
	recs := NewGenerator(6).Records(25)
	mustImport(t, s, recs, catalog.ImportOptions{})
	for i := 0; i < 25; i += 5 { // a new version of every fifth record
		r, err := s.FindRecordByID(ctx, recs[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		r.Title, r.Status = "Revised "+r.Title, catalog.StatusDraft
		if err := s.UpdateRecord(ctx, r, 0); err != nil {
			t.Fatal(err)
		}
	}
	deleted := map[int]bool{}
	for i := 1; i < 25; i += 6 { // and some deleted
		if err := s.DeleteRecord(ctx, recs[i].ID, 0); err != nil {
			t.Fatal(err)
		}
		deleted[i] = true
	}
	var got []catalog.Change
	for after := int64(0); ; {
		page, next, err := s.FindCurrentRecords(ctx, after, 7)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			if next != after {
				t.Errorf("an empty page moved the position from %d to %d", after, next)
			}
			break
		}
		got, after = append(got, page...), next
	}
	var want []string
	for i, r := range recs {
		if !deleted[i] {
			want = append(want, r.ID)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d current records, want %d", len(got), len(want))
	}
	latest, _ := s.LatestRevision(ctx)
	for i, c := range got {
		var r catalog.Record
		if err := json.Unmarshal(c.After, &r); err != nil {
			t.Fatal(err)
		}
		if c.EntityID != want[i] || r.ID != want[i] || c.Entity != catalog.EntityRecord || c.Revision > latest {
			t.Errorf("current record %d: %s %s (revision %d), want %s", i, c.EntityID, r.ID, c.Revision, want[i])
		}
		revised := strings.HasPrefix(r.Title, "Revised ")
		if stored, _ := s.FindRecordByID(ctx, r.ID); revised != strings.HasPrefix(stored.Title, "Revised ") || r.Version != stored.Version {
			t.Errorf("%s: the document is not the current version", r.ID)
		}
	}
}

func testTokens(t *testing.T, s catalog.Store) {
	ctx := context.Background()
	secret, hash := catalog.NewTokenSecret()
	tok := catalog.Token{Name: "Ирина (library)", Role: catalog.RoleLibrarian}
	if err := s.CreateToken(ctx, &tok, hash); catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("bad name: %v", err)
	}
	tok.Name = "Ирина Петрова"
	if err := s.CreateToken(ctx, &tok, hash); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindTokenByHash(ctx, catalog.HashTokenSecret(secret))
	if err != nil || got.Name != "Ирина Петрова" || got.Role != catalog.RoleLibrarian || got.LastUsed == nil {
		t.Fatalf("find: %+v %v", got, err)
	}
	_, hash2 := catalog.NewTokenSecret()
	dup := catalog.Token{Name: "Ирина Петрова", Role: catalog.RoleAdmin}
	if err := s.CreateToken(ctx, &dup, hash2); catalog.ErrorCode(err) != catalog.ECONFLICT {
		t.Errorf("duplicate name: %v", err)
	}
	if _, err := s.FindTokenByHash(ctx, hash2); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("unknown hash: %v", err)
	}
	if err := s.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindTokenByHash(ctx, hash); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("revoked token still works: %v", err)
	}
	list, _ := s.FindTokens(ctx)
	if len(list) != 1 || list[0].Revoked == nil {
		t.Errorf("tokens = %+v", list)
	}
	if err := s.RevokeToken(ctx, tok.ID); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("revoke twice: %v", err)
	}
}

func harvestIDs(items []catalog.HarvestItem) []string {
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.Record.ID
		if it.Deleted {
			ids[i] += "(deleted)"
		}
	}
	return ids
}

func testHarvest(t *testing.T, s catalog.Store) {
	ctx := withActor("alice")
	MustCreateEvent(t, s)
	mk := func(id string, status catalog.Status, kind catalog.Kind, topics ...string) catalog.Record {
		r := aldoshin()
		r.ID, r.Status, r.Kind, r.Topics = id, status, kind, topics
		if err := s.CreateRecord(ctx, &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	mk("a", catalog.StatusPublished, catalog.KindSpeech, "energy")
	draft := mk("b", catalog.StatusDraft, catalog.KindReport)
	withdrawn := mk("c", catalog.StatusPublished, catalog.KindReport, "energy", "history")
	mk("d", catalog.StatusPublished, catalog.KindSpeech)
	withdrawn.Status = catalog.StatusWithdrawn
	if err := s.UpdateRecord(ctx, &withdrawn, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRecord(ctx, "d", 0); err != nil {
		t.Fatal(err)
	}
	all, err := s.FindHarvestItems(ctx, catalog.HarvestFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if got := harvestIDs(all); !slices.Equal(got, []string{"a", "c(deleted)", "d(deleted)"}) {
		t.Fatalf("harvest: %v (a never-published draft must not appear; withdrawn and deleted are deleted)", got)
	}
	if all[1].Record.Title != "Приветственное слово" || all[2].Record.ID != "d" {
		t.Errorf("deleted items keep their last record: %+v", all[2])
	}
	for i := 1; i < len(all); i++ {
		if all[i].Datestamp.Before(all[i-1].Datestamp) {
			t.Errorf("not in datestamp order: %v", harvestIDs(all))
		}
	}
	var paged []catalog.HarvestItem
	after := ""
	for {
		page, err := s.FindHarvestItems(ctx, catalog.HarvestFilter{Limit: 1, After: after})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		paged = append(paged, page...)
		after = page[len(page)-1].Position
	}
	if !slices.Equal(harvestIDs(paged), harvestIDs(all)) {
		t.Errorf("paged harvest %v differs from %v", harvestIDs(paged), harvestIDs(all))
	}
	for _, tc := range []struct {
		f    catalog.HarvestFilter
		want []string
	}{
		{catalog.HarvestFilter{Kind: catalog.KindReport}, []string{"c(deleted)"}},
		{catalog.HarvestFilter{Topic: "energy"}, []string{"a", "c(deleted)"}},
		{catalog.HarvestFilter{Topic: "history"}, []string{"c(deleted)"}},
		{catalog.HarvestFilter{Topic: "*"}, []string{"a", "c(deleted)"}},
		{catalog.HarvestFilter{Event: "*"}, []string{"a", "c(deleted)", "d(deleted)"}},
		{catalog.HarvestFilter{Event: GeneratedEventID, Kind: catalog.KindSpeech}, []string{"a", "d(deleted)"}},
		{catalog.HarvestFilter{From: all[1].Datestamp}, []string{"c(deleted)", "d(deleted)"}},
		{catalog.HarvestFilter{Before: all[1].Datestamp}, []string{"a"}},
	} {
		tc.f.Limit = 100
		got, err := s.FindHarvestItems(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := s.CountHarvestItems(ctx, tc.f)
		if !slices.Equal(harvestIDs(got), tc.want) || n != len(tc.want) {
			t.Errorf("%+v: %v (count %d), want %v", tc.f, harvestIDs(got), n, tc.want)
		}
	}
	if _, err := s.FindHarvestItem(ctx, "b"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("a never-published draft: %v", err)
	}
	if it, err := s.FindHarvestItem(ctx, "d"); err != nil || !it.Deleted {
		t.Errorf("deleted record: %+v %v", it, err)
	}
	if earliest, _ := s.EarliestDatestamp(ctx); !earliest.Equal(all[0].Datestamp) {
		t.Errorf("earliest %v, first item %v", earliest, all[0].Datestamp)
	}
	draft.Status = catalog.StatusPublished
	if err := s.UpdateRecord(ctx, &draft, 0); err != nil {
		t.Fatal(err)
	}
	if it, err := s.FindHarvestItem(ctx, "b"); err != nil || it.Deleted {
		t.Errorf("a draft once published is harvested: %+v %v", it, err)
	}
	if _, err := s.FindHarvestItems(ctx, catalog.HarvestFilter{After: "garbage"}); catalog.ErrorCode(err) != catalog.EMALFORMED {
		t.Errorf("bad position: %v", err)
	}
}
