package catalogtest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
)

// testMergeRecords: two records of the same work become one. The kept
// record takes the librarian's composition, gains the other's files (a
// name it uses renamed) and names it in Merged; the other is deleted with
// a last version saying where it went, its history kept; a wrong version
// or a merge into itself changes nothing; Merged survives later updates.
func testMergeRecords(t *testing.T, s catalog.Store) {
	ctx := withActor("librarian")
	rep := mustImport(t, s, []catalog.Record{
		{Kind: catalog.KindReport, Title: "Белорусы в Китае", Date: "2025", Keywords: []string{"диаспора"}, Status: catalog.StatusPublished,
			Contributors: []catalog.Contributor{{Family: "Дудик", Given: "Александр"}}, Identifiers: catalog.Identifiers{DOI: "10.1234/bic.2025"}},
		{Kind: catalog.KindReport, Title: "Belarusians in China", Date: "2025", Keywords: []string{"diaspora"}, Status: catalog.StatusPublished,
			Identifiers: catalog.Identifiers{DOI: "10.1234/bic.2025"}},
	}, catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate})
	keep, from := rep.Items[0].ID, rep.Items[1].ID
	sha := func(c string) string { return strings.Repeat(c, 64) }
	attach := func(id string, files ...catalog.File) {
		if _, err := s.SetRecordFiles(ctx, id, 0, func([]catalog.File) ([]catalog.File, error) { return files, nil }); err != nil {
			t.Fatal(err)
		}
	}
	pdf := func(name, sum string) catalog.File {
		return catalog.File{Name: name, SHA256: sum, Size: 10, MediaType: "application/pdf", Label: "fulltext", Access: "open"}
	}
	attach(keep, pdf("report.pdf", sha("a")))
	attach(from, pdf("report.pdf", sha("b")), pdf("same.pdf", sha("a")), pdf("slides.pdf", sha("c")))

	if groups, _ := s.FindDuplicateGroups(ctx, 10); len(groups) != 1 {
		t.Fatalf("duplicates before the merge: %+v", groups)
	}
	r, err := s.FindRecordByID(ctx, keep)
	if err != nil {
		t.Fatal(err)
	}
	r.Keywords = append(r.Keywords, "diaspora")
	r.Translations = []catalog.Translation{{Language: "en", Title: "Belarusians in China"}}
	for _, bad := range []struct {
		version, fromVersion int
		from, code           string
	}{{r.Version + 1, 0, from, catalog.EPRECONDITION}, {0, 9, from, catalog.EPRECONDITION}, {0, 0, keep, catalog.EINVALID}, {0, 0, "no-such-record", catalog.ENOTFOUND}} {
		attempt := *r
		if err := s.MergeRecords(ctx, &attempt, bad.version, bad.from, bad.fromVersion); catalog.ErrorCode(err) != bad.code {
			t.Errorf("merge %s into %s v%d (its v%d): %v, want %s", bad.from, keep, bad.version, bad.fromVersion, err, bad.code)
		}
	}
	if other, err := s.FindRecordByID(ctx, from); err != nil || other.MergedInto != "" {
		t.Fatalf("a refused merge changed %s: %+v %v", from, other, err)
	}
	if err := s.MergeRecords(ctx, r, r.Version, from, 2); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindRecordByID(ctx, keep)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range got.Files {
		names = append(names, f.Name)
	}
	if !slices.Equal(names, []string{"report.pdf", "report (2).pdf", "slides.pdf"}) || got.Files[1].SHA256 != sha("b") {
		t.Errorf("files after the merge: %v", names)
	}
	if !slices.Equal(got.Merged, []string{from}) || got.Identifiers.DOI != "10.1234/bic.2025" || len(got.Keywords) != 2 || got.Version != 3 {
		t.Errorf("kept record after the merge: merged %v, DOI %q, keywords %v, v%d", got.Merged, got.Identifiers.DOI, got.Keywords, got.Version)
	}
	if _, err := s.FindRecordByID(ctx, from); catalog.ErrorCode(err) != catalog.EGONE {
		t.Errorf("the merged record: %v, want EGONE", err)
	}
	h, err := s.FindEntityHistory(ctx, catalog.EntityRecord, from)
	if err != nil || len(h) != 4 {
		t.Fatalf("history of the merged record: %d entries (%v), want create, files, merged_into, delete", len(h), err)
	}
	var last catalog.Record
	json.Unmarshal(h[2].After, &last)
	if h[2].Op != catalog.OpUpdate || last.MergedInto != keep || h[3].Op != catalog.OpDelete {
		t.Errorf("the merged record's last changes: %s (merged into %q), %s", h[2].Op, last.MergedInto, h[3].Op)
	}
	if groups, _ := s.FindDuplicateGroups(ctx, 10); len(groups) != 0 {
		t.Errorf("duplicates after the merge: %+v", groups)
	}
	got.Merged, got.Title = nil, "Белорусы в Китае (2025)"
	if err := s.UpdateRecord(ctx, got, 0); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.FindRecordByID(ctx, keep); !slices.Equal(again.Merged, []string{from}) {
		t.Errorf("an update dropped Merged: %v", again.Merged)
	}
}
