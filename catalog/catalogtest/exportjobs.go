package catalogtest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
)

// RunExportJobStoreTests runs the conformance tests of an export job store
// against a new, empty store that open makes.
func RunExportJobStoreTests(t *testing.T, open func(t *testing.T) catalog.ExportJobStore) {
	t.Run("ExportJobs", func(t *testing.T) { testExportJobs(t, open(t)) })
}

func testExportJobs(t *testing.T, s catalog.ExportJobStore) {
	ctx := context.Background()
	a := &catalog.ExportJob{Kind: "proceedings", Status: catalog.JobQueued, Request: []byte(`{"event":"e"}`), Actor: "Ирина"}
	b := &catalog.ExportJob{Kind: "bundle", Status: catalog.JobQueued, Request: []byte(`{"ids":["x"]}`)}
	for _, j := range []*catalog.ExportJob{a, b} {
		if err := s.CreateExportJob(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	if a.ID == b.ID || !strings.HasPrefix(a.ID, "export-") || len(a.ID) < 20 || a.Created.IsZero() {
		t.Errorf("ids %q %q, created %v", a.ID, b.ID, a.Created)
	}
	now := time.Now().UTC().Truncate(time.Second)
	later := now.Add(24 * time.Hour)
	a.Status, a.Progress, a.Started, a.Finished, a.Expires = catalog.JobDone, catalog.JobProgress{Done: 88, Total: 88}, &now, &now, &later
	a.File, a.Size = a.ID+".pdf", 12345
	a.Warnings = []string{"jinan-2025-x: «Отчёт.pdf» needs a password"}
	if err := s.UpdateExportJob(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindExportJobByID(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != catalog.JobDone || got.Progress.Done != 88 || got.File != a.File || got.Size != 12345 || got.Actor != "Ирина" ||
		string(got.Request) != `{"event":"e"}` || len(got.Warnings) != 1 || got.Warnings[0] != a.Warnings[0] || got.Expires == nil || !got.Expires.Equal(later) || got.Started == nil {
		t.Errorf("read back %+v", got)
	}
	queued, err := s.FindExportJobs(ctx, catalog.JobQueued, catalog.JobRunning)
	if err != nil || len(queued) != 1 || queued[0].ID != b.ID {
		t.Errorf("queued: %+v %v", queued, err)
	}
	if all, _ := s.FindExportJobs(ctx); len(all) != 2 {
		t.Errorf("all: %d", len(all))
	}
	var ce *catalog.Error
	if _, err := s.FindExportJobByID(ctx, "export-nope"); !errors.As(err, &ce) || ce.Code != catalog.ENOTFOUND {
		t.Errorf("missing job: %v", err)
	}
	if err := s.UpdateExportJob(ctx, &catalog.ExportJob{ID: "export-nope"}); !errors.As(err, &ce) || ce.Code != catalog.ENOTFOUND {
		t.Errorf("updating a missing job: %v", err)
	}
}
