package catalogtest

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
)

// testFileAnalyses: analyses are kept by SHA-256, replaced by a later one,
// found many at once without their images, their images found one at a
// time; followers' revisions are kept by name.
func testFileAnalyses(t *testing.T, s catalog.Store) {
	ctx := t.Context()
	a, b := strings.Repeat("a", 64), strings.Repeat("b", 64)
	now := time.Now().UTC().Truncate(time.Second)
	png := []byte("\x89PNG\r\n\x1a\n a first page")
	if err := s.SaveFileAnalysis(ctx, &catalog.FileAnalysis{SHA256: a, State: catalog.FileFailed, Reason: "damaged", Analyzed: now}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveFileAnalysis(ctx, &catalog.FileAnalysis{SHA256: a, State: catalog.FileDone, Pages: 14, Thumbnail: png,
		TextState: catalog.FileDone, Characters: 31337, Language: "kk", Analyzed: now}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveFileAnalysis(ctx, &catalog.FileAnalysis{SHA256: b, State: catalog.FileFailed, Reason: "the PDF is protected by a password", Analyzed: now}); err != nil {
		t.Fatal(err)
	}
	// Each analysis is a change the search index can follow.
	changes, err := s.FindChanges(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var noted []string
	for _, ch := range changes {
		if ch.Entity == catalog.EntityFile && ch.Op == catalog.OpAnalyzed {
			noted = append(noted, ch.EntityID)
		}
	}
	if strings.Join(noted, " ") != a+" "+a+" "+b {
		t.Errorf("the change log notes analyses of %v", noted)
	}
	many := []string{a, b, strings.Repeat("c", 64)}
	for i := 0; i < 1200; i++ { // more than one query's worth
		many = append(many, fmt.Sprintf("%064x", i+1<<40))
	}
	got, err := s.FindFileAnalyses(ctx, many)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[a].State != catalog.FileDone || got[a].Pages != 14 || got[a].TextState != catalog.FileDone || got[a].Characters != 31337 || got[a].Language != "kk" || got[a].Reason != "" || got[a].Thumbnail != nil ||
		!got[a].Analyzed.Equal(now) || got[b].State != catalog.FileFailed || got[b].Reason != "the PDF is protected by a password" {
		t.Errorf("found %+v", got)
	}
	if img, err := s.FindFileThumbnail(ctx, a); err != nil || string(img) != string(png) {
		t.Errorf("the image: %q %v", img, err)
	}
	for _, h := range []string{b, strings.Repeat("c", 64)} {
		if _, err := s.FindFileThumbnail(ctx, h); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Errorf("an image that is not there: %v", err)
		}
	}
	testFilePages(t, s, a)
	testRecordsNamingFile(t, s)
	if rev, err := s.FollowerRevision(ctx, "files"); rev != 0 || err != nil {
		t.Errorf("a new follower at %d, %v", rev, err)
	}
	for _, rev := range []int64{7, 42} {
		if err := s.SetFollowerRevision(ctx, "files", rev); err != nil {
			t.Fatal(err)
		}
	}
	if rev, err := s.FollowerRevision(ctx, "files"); rev != 42 || err != nil {
		t.Errorf("the follower at %d, %v", rev, err)
	}
	if rev, _ := s.FollowerRevision(ctx, "other"); rev != 0 {
		t.Errorf("another follower at %d", rev)
	}
}

// testFilePages: pages' text is kept exactly and read back in page order,
// across the store's batches; saving a page again replaces it; an error of
// fn stops the reading.
func testFilePages(t *testing.T, s catalog.Store, sha string) {
	ctx := t.Context()
	var pages []string
	for i := 1; i <= 450; i++ {
		pages = append(pages, fmt.Sprintf("Страница %d. 第%d页。Page %d.\n\tline two", i, i, i))
	}
	for first := 1; first <= len(pages); first += 100 {
		if err := s.SaveFilePages(ctx, sha, first, pages[first-1:min(first+99, len(pages))]); err != nil {
			t.Fatal(err)
		}
	}
	pages[7] = "replaced: заменена"
	if err := s.SaveFilePages(ctx, sha, 8, pages[7:8]); err != nil {
		t.Fatal(err)
	}
	n := 0
	err := s.EachFilePage(ctx, sha, func(page int, text string) error {
		n++
		if page != n || text != pages[n-1] {
			return fmt.Errorf("page %d (the %dth read): %q, want %q", page, n, text, pages[n-1])
		}
		return nil
	})
	if err != nil || n != len(pages) {
		t.Fatalf("%d pages read: %v", n, err)
	}
	if text, err := s.FindFilePage(ctx, sha, 8); err != nil || text != pages[7] {
		t.Errorf("page 8: %q %v", text, err)
	}
	if _, err := s.FindFilePage(ctx, sha, 451); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("a page past the end: %v", err)
	}
	stop := fmt.Errorf("enough")
	n = 0
	if err := s.EachFilePage(ctx, sha, func(int, string) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("stopping after one page: %d pages, %v", n, err)
	}
	if err := s.EachFilePage(ctx, strings.Repeat("f", 64), func(int, string) error { return fmt.Errorf("a page of nothing") }); err != nil {
		t.Errorf("the pages of bytes never read: %v", err)
	}
}

// testRecordsNamingFile: the live records whose current version names the
// bytes, whatever their status; not a record that named them once, nor a
// deleted one.
func testRecordsNamingFile(t *testing.T, s catalog.Store) {
	ctx := withActor("alice")
	sha, other := strings.Repeat("1", 64), strings.Repeat("2", 64)
	file := func(name, h string) catalog.File {
		return catalog.File{Name: name, MediaType: "application/pdf", Size: 10, SHA256: h, Label: "fulltext", Access: "open",
			Created: time.Now().UTC().Truncate(time.Second)}
	}
	for _, tc := range []struct {
		id     string
		status catalog.Status
		files  []catalog.File
	}{{"named-1", catalog.StatusPublished, []catalog.File{file("a.pdf", sha)}},
		{"named-2", catalog.StatusDraft, []catalog.File{file("b.pdf", other), file("copy.pdf", sha)}},
		{"unnamed", catalog.StatusPublished, []catalog.File{file("c.pdf", other)}},
		{"was-named", catalog.StatusPublished, []catalog.File{file("d.pdf", sha)}},
		{"deleted", catalog.StatusPublished, []catalog.File{file("e.pdf", sha)}}} {
		r := catalog.Record{ID: tc.id, Kind: catalog.KindReport, Title: tc.id, Status: tc.status,
			Contributors: []catalog.Contributor{{Family: "Smith", Role: catalog.RoleAuthor}}}
		if err := s.CreateRecord(ctx, &r); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetRecordFiles(ctx, tc.id, 0, func([]catalog.File) ([]catalog.File, error) { return tc.files, nil }); err != nil {
			t.Fatal(err)
		}
	}
	s.SetRecordFiles(ctx, "was-named", 0, func([]catalog.File) ([]catalog.File, error) { return nil, nil })
	if err := s.DeleteRecord(ctx, "deleted", 0); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindRecordsNamingFile(ctx, sha)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range got {
		ids = append(ids, r.ID)
	}
	sort.Strings(ids)
	if strings.Join(ids, " ") != "named-1 named-2" {
		t.Errorf("records naming the file: %v", ids)
	}
	if none, err := s.FindRecordsNamingFile(ctx, strings.Repeat("3", 64)); err != nil || len(none) != 0 {
		t.Errorf("records naming bytes nobody names: %v %v", none, err)
	}
}
