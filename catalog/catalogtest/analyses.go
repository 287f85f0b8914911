package catalogtest

import (
	"fmt"
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
	if err := s.SaveFileAnalysis(ctx, &catalog.FileAnalysis{SHA256: a, State: catalog.FileDone, Pages: 14, Thumbnail: png, Analyzed: now}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveFileAnalysis(ctx, &catalog.FileAnalysis{SHA256: b, State: catalog.FileFailed, Reason: "the PDF is protected by a password", Analyzed: now}); err != nil {
		t.Fatal(err)
	}
	many := []string{a, b, strings.Repeat("c", 64)}
	for i := 0; i < 1200; i++ { // more than one query's worth
		many = append(many, fmt.Sprintf("%064x", i+1<<40))
	}
	got, err := s.FindFileAnalyses(ctx, many)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[a].State != catalog.FileDone || got[a].Pages != 14 || got[a].Reason != "" || got[a].Thumbnail != nil ||
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
