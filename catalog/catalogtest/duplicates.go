package catalogtest

import (
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
)

// testImportSkipsDuplicates: an item with the DOI of a record, or with the
// same title (case, accents and punctuation aside), year and first
// contributor, is skipped and named; so is one that repeats an earlier
// item of the same file; with DuplicateCreate they are imported; a
// deleted record is no longer anyone's duplicate.
func testImportSkipsDuplicates(t *testing.T, s catalog.Store) {
	ctx := withActor("importer")
	report := func(title, doi, family, date string) catalog.Record {
		return catalog.Record{Kind: catalog.KindReport, Title: title, Date: date, Status: catalog.StatusDraft,
			Identifiers: catalog.Identifiers{DOI: doi}, Contributors: []catalog.Contributor{{Family: family, Given: "И.", Role: catalog.RoleAuthor}}}
	}
	first := mustImport(t, s, []catalog.Record{
		report("Ёлки и палки: отчёт", "10.1234/abc", "Иванов", "2025-01-01"),
		report("Another study of things", "", "Smith", "2024"),
	}, catalog.ImportOptions{})
	if first.Imported != 2 || first.Skipped != 0 {
		t.Fatalf("first import: %+v", first)
	}
	ids := []string{first.Items[0].ID, first.Items[1].ID}
	again := []catalog.Record{
		report("A different title", "10.1234/ABC", "Петров", "2020"),            // the same DOI, whatever else
		report("елки и палки — ОТЧЕТ", "", "Иванов", "2025-06"),                 // the same title, year, first author
		report("Another study of things", "", "Smith", "2023"),                  // another year: another work
		report("Brand new work of the catalogue", "10.9999/new", "Doe", "2025"), // new
		report("Brand  new work of the catalogue!", "", "Doe", "2025"),          // repeats the item before
	}
	rep := mustImport(t, s, again, catalog.ImportOptions{})
	want := []struct{ status, of string }{{catalog.ImportSkipped, ids[0]}, {catalog.ImportSkipped, ids[0]},
		{catalog.ImportCreated, ""}, {catalog.ImportCreated, ""}, {catalog.ImportSkipped, "item 3"}}
	for i, w := range want {
		it := rep.Items[i]
		if it.Status != w.status || it.DuplicateOf != w.of || (w.of != "" && !strings.Contains(it.Duplicate, "the same")) {
			t.Errorf("item %d: %s %q (%s), want %s %q", i, it.Status, it.DuplicateOf, it.Duplicate, w.status, w.of)
		}
	}
	if rep.Imported != 2 || rep.Skipped != 3 {
		t.Errorf("report: %d imported, %d skipped", rep.Imported, rep.Skipped)
	}
	dry := mustImport(t, s, again[:1], catalog.ImportOptions{DryRun: true})
	if dry.Items[0].Status != catalog.ImportSkipped {
		t.Errorf("a dry run: %+v", dry.Items[0])
	}
	if all := mustImport(t, s, again[:1], catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate}); all.Imported != 1 {
		t.Errorf("DuplicateCreate: %+v", all.Items[0])
	}
	if err := s.DeleteRecord(ctx, ids[1], 0); err != nil {
		t.Fatal(err)
	}
	if back := mustImport(t, s, []catalog.Record{report("Another study of things", "", "Smith", "2024")}, catalog.ImportOptions{}); back.Imported != 1 {
		t.Errorf("the duplicate of a deleted record: %+v", back.Items[0])
	}
}

// testFindDuplicateGroups: records that are the same work are listed in
// groups, oldest first; deleted ones leave their group.
func testFindDuplicateGroups(t *testing.T, s catalog.Store) {
	ctx := withActor("importer")
	rec := func(title, doi string) catalog.Record {
		return catalog.Record{Kind: catalog.KindReport, Title: title, Date: "2025", Status: catalog.StatusDraft,
			Identifiers: catalog.Identifiers{DOI: doi}, Contributors: []catalog.Contributor{{Family: "Иванов", Role: catalog.RoleAuthor}}}
	}
	rep := mustImport(t, s, []catalog.Record{rec("Первый отчёт о водороде", "10.1234/a"), rec("Второй отчёт о водороде", ""),
		rec("A third, different work", "10.1234/a"), rec("ПЕРВЫЙ отчёт о водороде!", "")}, catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate})
	ids := make([]string, len(rep.Items))
	for i, it := range rep.Items {
		ids[i] = it.ID
	}
	groups, err := s.FindDuplicateGroups(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, g := range groups {
		got[g.Why] = strings.Join(g.IDs, " ")
	}
	if len(groups) != 2 || got["the same DOI"] != ids[0]+" "+ids[2] || got["the same title, year and first contributor"] != ids[0]+" "+ids[3] {
		t.Fatalf("groups %+v, ids %v", groups, ids)
	}
	if err := s.DeleteRecord(ctx, ids[2], 0); err != nil {
		t.Fatal(err)
	}
	if groups, _ = s.FindDuplicateGroups(ctx, 10); len(groups) != 1 {
		t.Errorf("after a delete: %+v", groups)
	}
}

// testImportIDsAreStable: an item without an id gets the same id in a dry
// run and in the import that follows, and two identical items (imported
// with DuplicateCreate) get two ids.
func testImportIDsAreStable(t *testing.T, s catalog.Store) {
	recs := []catalog.Record{{Kind: catalog.KindReport, Title: "Hydrogen storage in the Arctic", Date: "2025",
		Contributors: []catalog.Contributor{{Family: "Petrov", Role: catalog.RoleAuthor}}}}
	recs = append(recs, recs[0])
	dry := mustImport(t, s, recs, catalog.ImportOptions{DryRun: true, OnDuplicate: catalog.DuplicateCreate})
	real := mustImport(t, s, recs, catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate})
	if real.Imported != 2 || dry.Items[0].ID != real.Items[0].ID || !strings.HasPrefix(real.Items[0].ID, "hydrogen-storage-in-the-arctic-") ||
		real.Items[0].ID == real.Items[1].ID {
		t.Errorf("dry run %q %q, import %q %q", dry.Items[0].ID, dry.Items[1].ID, real.Items[0].ID, real.Items[1].ID)
	}
}

// testImportUpdatesDuplicates: with DuplicateUpdate an item that is the
// same work as a record brings the record up to date — the item's values
// where it has them, keywords joined, the record's status, note and
// translations kept — in a new version; a dry run changes nothing; an
// item with nothing new changes nothing; one that would make the record
// invalid fails and leaves it alone.
func testImportUpdatesDuplicates(t *testing.T, s catalog.Store) {
	ctx := withActor("importer")
	base := catalog.Record{Kind: catalog.KindArticle, Title: "Водородная энергетика", Date: "2024", Status: catalog.StatusPublished,
		Note: "Checked by the librarian.", Keywords: []string{"водород"},
		Translations: []catalog.Translation{{Language: "en", Title: "Hydrogen energy"}},
		Identifiers:  catalog.Identifiers{DOI: "10.1234/h2"}, Contributors: []catalog.Contributor{{Family: "Петров", Given: "П.", Role: catalog.RoleAuthor}}}
	first := mustImport(t, s, []catalog.Record{base}, catalog.ImportOptions{})
	id := first.Items[0].ID
	richer := catalog.Record{Kind: catalog.KindOther, Title: "Водородная энергетика", Date: "2024-03", Keywords: []string{"energy"},
		Source:      catalog.Source{ContainerTitle: "Вестник РАН", Volume: "95", Issue: "3"},
		Identifiers: catalog.Identifiers{DOI: "10.1234/H2", ISSN: "0869-5873"}}
	dry := mustImport(t, s, []catalog.Record{richer}, catalog.ImportOptions{DryRun: true, OnDuplicate: catalog.DuplicateUpdate})
	if dry.Items[0].Status != catalog.ImportUpdated || dry.Updated != 1 {
		t.Errorf("dry run: %+v", dry.Items[0])
	}
	if r, _ := s.FindRecordByID(ctx, id); r.Version != 1 || r.Volume != "" {
		t.Fatalf("a dry run changed the record: version %d, volume %q", r.Version, r.Volume)
	}
	rep := mustImport(t, s, []catalog.Record{richer}, catalog.ImportOptions{OnDuplicate: catalog.DuplicateUpdate})
	if it := rep.Items[0]; it.Status != catalog.ImportUpdated || it.ID != id || it.DuplicateOf != id || rep.Updated != 1 || rep.Imported != 0 {
		t.Fatalf("update: %+v, report %+v", it, rep)
	}
	r, err := s.FindRecordByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != 2 || r.Kind != catalog.KindArticle || r.Date != "2024-03" || r.ContainerTitle != "Вестник РАН" || r.Issue != "3" ||
		r.Identifiers.ISSN != "0869-5873" || r.Status != catalog.StatusPublished || r.Note != base.Note ||
		len(r.Translations) != 1 || len(r.Contributors) != 1 || strings.Join(r.Keywords, ",") != "водород,energy" {
		t.Errorf("updated record: %+v", r)
	}
	again := mustImport(t, s, []catalog.Record{richer}, catalog.ImportOptions{OnDuplicate: catalog.DuplicateUpdate})
	if it := again.Items[0]; it.Status != catalog.ImportUpdated || len(it.Warnings) == 0 {
		t.Errorf("an item with nothing new: %+v", it)
	}
	if r, _ := s.FindRecordByID(ctx, id); r.Version != 2 {
		t.Errorf("nothing new made version %d", r.Version)
	}
	bad := richer
	bad.Date = "2024-02-30"
	if it := mustImport(t, s, []catalog.Record{bad}, catalog.ImportOptions{OnDuplicate: catalog.DuplicateUpdate}).Items[0]; it.Status != catalog.ImportFailed {
		t.Errorf("an invalid update: %+v", it)
	}
	if r, _ := s.FindRecordByID(ctx, id); r.Version != 2 || r.Date != "2024-03" {
		t.Errorf("an invalid update changed the record: %+v", r)
	}
}

// testImportStreams: ImportRecordsFrom takes its items from the source a
// batch at a time — a non-atomic import has committed the first batches
// while the source is still reading — and an error of the source ends
// the import with it: a dry run or an atomic import then writes nothing.
func testImportStreams(t *testing.T, s catalog.Store) {
	ctx := withActor("importer")
	MustCreateEvent(t, s)
	recs := NewGenerator(5).Records(2500)
	items := importItems(recs)
	source := func(failAt int, seen func(i int)) catalog.ImportSource {
		return func(yield func(catalog.ImportItem) error) error {
			for i, it := range items {
				if seen != nil {
					seen(i)
				}
				if i == failAt {
					return catalog.Errorf(catalog.EMALFORMED, "Line %d: a broken entry.", i+1)
				}
				if err := yield(it); err != nil {
					return err
				}
			}
			return nil
		}
	}
	committedAt2100 := -1
	rep, err := s.ImportRecordsFrom(ctx, source(-1, func(i int) {
		if i == 2100 {
			committedAt2100, _ = s.CountRecords(ctx)
		}
	}), catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate})
	if err != nil || rep.Imported != len(items) || rep.Total != len(items) || len(rep.Items) != len(items) {
		t.Fatalf("import: %v %+v", err, rep)
	}
	if committedAt2100 != 2000 {
		t.Errorf("records stored when the source read item 2100: %d, want the first two batches (2000)", committedAt2100)
	}
	for i, res := range rep.Items {
		if res.Index != i || res.Status != catalog.ImportCreated {
			t.Fatalf("item %d: %+v", i, res)
		}
	}
	for _, opts := range []catalog.ImportOptions{{DryRun: true}, {Atomic: true}} {
		before, _ := s.CountRecords(ctx)
		rep, err := s.ImportRecordsFrom(ctx, source(1500, nil), opts)
		if catalog.ErrorCode(err) != catalog.EMALFORMED || rep != nil {
			t.Fatalf("%+v: a source failing at item 1500 gave %v, %+v", opts, err, rep)
		}
		if after, _ := s.CountRecords(ctx); after != before {
			t.Errorf("%+v: %d records after a failed import, %d before", opts, after, before)
		}
	}
}
