package catalogtest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
)

// RunExportJobStoreTests runs the conformance tests of an export job store
// against a new, empty store that open makes.
func RunExportJobStoreTests(t *testing.T, open func(t *testing.T) catalog.ExportJobStore) {
	t.Run("ExportJobs", func(t *testing.T) { testExportJobs(t, open(t)) })
	t.Run("ClaimExportJobs", func(t *testing.T) { testClaimExportJobs(t, open(t)) })
}

// testClaimExportJobs: claimers on several nodes take the waiting jobs
// oldest first, each job once even when they claim at the same moment; a
// running job whose node stopped beating is claimed again, one that beats
// is not; a node that lost its job is told so when it beats.
func testClaimExportJobs(t *testing.T, s catalog.ExportJobStore) {
	ctx := context.Background()
	if j, err := s.ClaimExportJob(ctx, "node-a", time.Now().Add(-time.Minute)); j != nil || err != nil {
		t.Fatalf("claim with no jobs: %+v %v", j, err)
	}
	const n = 20
	var ids []string
	for range n {
		j := &catalog.ExportJob{Kind: "proceedings", Status: catalog.JobQueued, Request: []byte(`{}`)}
		if err := s.CreateExportJob(ctx, j); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.ID)
	}
	first, err := s.ClaimExportJob(ctx, "node-a", time.Now().Add(-time.Minute))
	if err != nil || first == nil || first.ID != ids[0] || first.Status != catalog.JobRunning || first.Node != "node-a" || first.Beat == nil {
		t.Fatalf("first claim: %+v %v, want %s running on node-a", first, err, ids[0])
	}
	claimed := make(chan string, n)
	errs := make(chan error, 4)
	for w := range 4 {
		go func() {
			for {
				j, err := s.ClaimExportJob(ctx, fmt.Sprintf("node-%d", w), time.Now().Add(-time.Minute))
				if err != nil || j == nil {
					errs <- err
					return
				}
				claimed <- j.ID
			}
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	close(claimed)
	seen := map[string]bool{first.ID: true}
	for id := range claimed {
		if seen[id] {
			t.Errorf("%s claimed twice", id)
		}
		seen[id] = true
	}
	if len(seen) != n {
		t.Errorf("%d of %d jobs claimed", len(seen), n)
	}
	if err := s.BeatExportJob(ctx, first.ID, "node-a"); err != nil {
		t.Errorf("beat of a running job: %v", err)
	}
	if j, _ := s.ClaimExportJob(ctx, "node-b", time.Now().Add(-time.Minute)); j != nil {
		t.Errorf("a job whose node beats was claimed: %+v", j)
	}
	again, err := s.ClaimExportJob(ctx, "node-b", time.Now().Add(time.Minute)) // every beat is stale now
	if err != nil || again == nil || again.ID != first.ID || again.Node != "node-b" {
		t.Fatalf("the dead node's job: %+v %v, want %s on node-b", again, err, first.ID)
	}
	if err := s.BeatExportJob(ctx, first.ID, "node-a"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("node-a beating the job node-b took: %v", err)
	}
	again.Status = catalog.JobDone
	if err := s.UpdateExportJob(ctx, again); err != nil {
		t.Fatal(err)
	}
	if err := s.BeatExportJob(ctx, first.ID, "node-b"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Errorf("beating a finished job: %v", err)
	}
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
