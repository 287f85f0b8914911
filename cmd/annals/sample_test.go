package main

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/sqlite"
)

func openTestStore(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "annals.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func allRecords(t *testing.T, s catalog.Store) []catalog.Record {
	t.Helper()
	var out []catalog.Record
	f := catalog.RecordFilter{Size: catalog.MaxPageSize}
	for {
		page, err := s.FindRecords(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Records...)
		if page.Next == "" {
			return out
		}
		f.After = page.Next
	}
}

// TestSampleCatalogue loads the shipped sample and checks that it holds
// what the conference article names, with the tracks filled to 70+
// presentations marked as illustrative.
func TestSampleCatalogue(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	data, err := fs.ReadFile(assets.FS(), assets.SamplePath)
	if err != nil {
		t.Fatal(err)
	}
	n, err := loadSample(ctx, s, data)
	if err != nil {
		t.Fatal(err)
	}
	recs := allRecords(t, s)
	if n != len(recs) || n < 80 {
		t.Fatalf("loaded %d, store lists %d", n, len(recs))
	}
	ev, err := s.FindEventByID(ctx, "jinan-2025")
	if err != nil {
		t.Fatal(err)
	}
	if ev.Start != "2025-06-04" || ev.End != "2025-06-06" || len(ev.Sessions) != 6 {
		t.Errorf("event: %+v", ev)
	}
	kinds := map[catalog.Kind]int{}
	perSession := map[string]int{}
	byID := map[string]catalog.Record{}
	for _, r := range recs {
		kinds[r.Kind]++
		perSession[r.Session]++
		byID[r.ID] = r
		if r.Status != catalog.StatusPublished {
			t.Errorf("%s is %s", r.ID, r.Status)
		}
		if r.Kind == catalog.KindPresentation && !strings.HasPrefix(r.Note, "Illustrative record") {
			t.Errorf("presentation %s is not marked illustrative", r.ID)
		}
	}
	if kinds[catalog.KindSpeech] != 6 || kinds[catalog.KindAgreement] != 8 || kinds[catalog.KindReport] != 1 ||
		kinds[catalog.KindOther] != 1 || kinds[catalog.KindPresentation] < 70 {
		t.Errorf("kinds: %v", kinds)
	}
	for _, sess := range ev.Sessions {
		if perSession[sess.Key] == 0 {
			t.Errorf("session %s has no records", sess.Key)
		}
	}
	for id, want := range map[string]string{
		"jinan-2025-aldoshin":                   "Алдошин",
		"jinan-2025-gusakov":                    "Гусаков",
		"jinan-2025-zhang-tian":                 "张",
		"jinan-2025-wang-guiying":               "Wang",
		"jinan-2025-wu-yantao":                  "Wu",
		"jinan-2025-liu-chunyan":                "Liu",
		"jinan-2025-belarusians-in-china":       "Дудик",
		"jinan-2025-sco-think-tank-launch":      "Гусаков",
		"jinan-2025-china-russia-ai-laboratory": "",
	} {
		r, ok := byID[id]
		if !ok {
			t.Errorf("missing %s", id)
			continue
		}
		if want != "" && r.Contributors[0].Family != want {
			t.Errorf("%s: first contributor %q, want %q", id, r.Contributors[0].Family, want)
		}
	}
	report := byID["jinan-2025-belarusians-in-china"]
	if report.Title != "Белорусы в Китае" || !strings.Contains(report.Note, "Belgians in China") {
		t.Errorf("report: %q / %q", report.Title, report.Note)
	}
	if byID["jinan-2025-china-russia-ai-laboratory"].Title != "中俄人工智能联合实验室共建协议" {
		t.Error("the AI laboratory agreement lost its Chinese title")
	}

	again, err := loadSample(ctx, s, data)
	if err != nil || again != 0 {
		t.Errorf("second load into a non-empty store: %d %v", again, err)
	}
}
