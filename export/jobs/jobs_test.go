package jobs

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/sqlite"
	"github.com/annals/annals/export/csl"
	"github.com/annals/annals/export/proceedings/proceedingstest"
)

// sampleStore is a real SQLite store holding the sample catalogue.
func sampleStore(t *testing.T) *sqlite.Store {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "annals.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	d := proceedingstest.SampleDocument(t)
	if err := s.CreateEvent(ctx, d.Event); err != nil {
		t.Fatal(err)
	}
	var recs []catalog.Record
	for _, sec := range d.Sections {
		recs = append(recs, sec.Records...)
	}
	items := make([]catalog.ImportItem, len(recs))
	for i := range recs {
		items[i] = catalog.ImportItem{Record: recs[i]}
	}
	if _, err := s.ImportRecords(ctx, items, catalog.ImportOptions{Atomic: true, OnDuplicate: catalog.DuplicateCreate}); err != nil {
		t.Fatal(err)
	}
	return s
}

func newRunner(t *testing.T, store *sqlite.Store, dir string, configure func(*Config)) *Runner {
	t.Helper()
	builtin, _ := fs.Sub(assets.FS(), assets.StylesDir)
	styles, err := csl.NewLibrary(builtin, "", func(tag string) ([]byte, error) {
		return fs.ReadFile(assets.FS(), assets.LocalesDir+"/locales-"+tag+".xml")
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Catalog: store, Jobs: store, Dir: dir, Styles: styles, Fonts: proceedingstest.Fonts(t), Words: proceedingstest.Words(t)}
	if configure != nil {
		configure(&cfg)
	}
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// start runs r until the test ends.
func start(t *testing.T, r *Runner) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); r.Run(ctx) }()
	t.Cleanup(func() { cancel(); wg.Wait() })
}

// wait polls a job until it is no longer queued or running.
func wait(t *testing.T, store catalog.ExportJobStore, id string) *catalog.ExportJob {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		j, err := store.FindExportJobByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if j.Status != catalog.JobQueued && j.Status != catalog.JobRunning {
			return j
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("job %s did not finish", id)
	return nil
}

func TestJobsRenderProceedingsAndBundles(t *testing.T) {
	store, dir := sampleStore(t), t.TempDir()
	r := newRunner(t, store, dir, nil)
	start(t, r)
	ctx := context.Background()
	pdf, err := r.Submit(ctx, Request{Kind: KindProceedings, Event: "jinan-2025", Session: "ai", Style: "gost-r-7-0-5-2008"}, "Ирина")
	if err != nil {
		t.Fatal(err)
	}
	if pdf.Status != catalog.JobQueued {
		t.Errorf("a new job is %s", pdf.Status)
	}
	zip, err := r.Submit(ctx, Request{Kind: KindBundle, IDs: []string{"jinan-2025-aldoshin", "jinan-2025-zhang-tian"}}, "Ирина")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id, magic, name string
	}{{pdf.ID, "%PDF-", "jinan-2025-ai-proceedings.pdf"}, {zip.ID, "PK", "selection-bundle.zip"}} {
		j := wait(t, store, tc.id)
		if j.Status != catalog.JobDone || j.Progress.Done != j.Progress.Total || j.Progress.Total == 0 || j.Expires == nil {
			t.Fatalf("job %+v", j)
		}
		data, err := os.ReadFile(r.Path(j))
		if err != nil || !strings.HasPrefix(string(data), tc.magic) || int64(len(data)) != j.Size {
			t.Errorf("%s: %d bytes (job says %d), %v", j.ID, len(data), j.Size, err)
		}
		if FileName(j) != tc.name {
			t.Errorf("file name %q", FileName(j))
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestBadRequestsAreRefusedAtOnce(t *testing.T) {
	store := sampleStore(t)
	r := newRunner(t, store, t.TempDir(), nil)
	for _, tc := range []struct {
		req   Request
		field string
	}{
		{Request{Kind: "poster", Event: "jinan-2025"}, "kind"},
		{Request{Kind: KindProceedings}, "event"},
		{Request{Kind: KindProceedings, Event: "jinan-2025", IDs: []string{"x"}}, "event"},
		{Request{Kind: KindProceedings, Event: "nope"}, "event"},
		{Request{Kind: KindProceedings, Event: "jinan-2025", Session: "nope"}, "session"},
		{Request{Kind: KindProceedings, Session: "ai", IDs: []string{"x"}}, "session"},
		{Request{Kind: KindProceedings, Event: "jinan-2025", Style: "nope"}, "style"},
		{Request{Kind: KindProceedings, Event: "jinan-2025", Locale: "../x"}, "locale"},
		{Request{Kind: KindProceedings, Event: "jinan-2025", Title: "𒀀"}, "title"},
		{Request{Kind: KindProceedings, Q: "anything"}, ""}, // no search: 503
	} {
		_, err := r.Submit(context.Background(), tc.req, "")
		var ce *catalog.Error
		if !errors.As(err, &ce) {
			t.Errorf("%+v: %v", tc.req, err)
			continue
		}
		if tc.field == "" {
			if ce.Code != catalog.EUNAVAILABLE {
				t.Errorf("%+v: %v", tc.req, err)
			}
			continue
		}
		if ce.Code != catalog.EINVALID || len(ce.Fields) != 1 || ce.Fields[0].Field != tc.field {
			t.Errorf("%+v: %+v", tc.req, ce)
		}
	}
	if jobs, _ := store.FindExportJobs(context.Background()); len(jobs) != 0 {
		t.Errorf("%d jobs stored for refused requests", len(jobs))
	}
}

func TestAFailedJobSaysWhy(t *testing.T) {
	store := sampleStore(t)
	ctx := context.Background()
	rec, _ := store.FindRecordByID(ctx, "jinan-2025-aldoshin")
	rec.Abstract = "Клинопись: 𒀀"
	if err := store.UpdateRecord(ctx, rec, rec.Version); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	r := newRunner(t, store, dir, nil)
	start(t, r)
	j, err := r.Submit(ctx, Request{Kind: KindProceedings, Event: "jinan-2025"}, "")
	if err != nil {
		t.Fatal(err)
	}
	j = wait(t, store, j.ID)
	if j.Status != catalog.JobFailed || !strings.Contains(j.Error, "jinan-2025-aldoshin") || !strings.Contains(j.Error, "U+12000") {
		t.Errorf("job %+v", j)
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("files left: %v", files)
	}
}

// TestARestartRunsInterruptedJobsAgain: a job left running by a node that
// stopped (no beat) and a queued one are both run when a runner starts,
// and the interrupted job's partial file is removed.
func TestARestartRunsInterruptedJobsAgain(t *testing.T) {
	store := sampleStore(t)
	ctx := context.Background()
	dir := t.TempDir()
	running := &catalog.ExportJob{Kind: KindProceedings, Status: catalog.JobRunning, Node: "gone", Request: []byte(`{"kind":"proceedings","event":"jinan-2025","style":"apa"}`)}
	queued := &catalog.ExportJob{Kind: KindProceedings, Status: catalog.JobQueued, Request: []byte(`{"kind":"proceedings","event":"jinan-2025","session":"energy","style":"apa"}`)}
	for _, j := range []*catalog.ExportJob{running, queued} {
		if err := store.CreateExportJob(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "."+running.ID+".tmp"), []byte("half a PDF"), 0o644)
	r := newRunner(t, store, dir, func(c *Config) { c.Node = "gone" }) // the same node, started again
	start(t, r)
	for _, id := range []string{running.ID, queued.ID} {
		if j := wait(t, store, id); j.Status != catalog.JobDone || j.Node != "gone" {
			t.Errorf("job %s after the restart: %+v", id, j)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "."+running.ID+".tmp")); !os.IsNotExist(err) {
		t.Errorf("the interrupted job's partial file is still there: %v", err)
	}
}

// TestAnotherNodeTakesOverADeadNodesJob: a job running on a node that
// stopped beating is claimed by another runner on the same store and
// finished there; a job whose node beats is left alone.
func TestAnotherNodeTakesOverADeadNodesJob(t *testing.T) {
	store := sampleStore(t)
	ctx := context.Background()
	old := time.Now().Add(-time.Hour)
	dead := &catalog.ExportJob{Kind: KindProceedings, Status: catalog.JobRunning, Node: "node-dead", Beat: &old,
		Request: []byte(`{"kind":"proceedings","event":"jinan-2025","style":"apa"}`)}
	if err := store.CreateExportJob(ctx, dead); err != nil {
		t.Fatal(err)
	}
	alive := &catalog.ExportJob{Kind: KindProceedings, Status: catalog.JobQueued, Request: []byte(`{"kind":"proceedings","event":"jinan-2025","style":"apa"}`)}
	if err := store.CreateExportJob(ctx, alive); err != nil {
		t.Fatal(err)
	}
	if j, err := store.ClaimExportJob(ctx, "node-alive", time.Now().Add(-time.Minute)); err != nil || j == nil || j.ID != dead.ID {
		t.Fatalf("claim the dead node's job first (the oldest): %+v %v", j, err)
	}
	// node-alive now runs the dead node's job (and beats: UpdateExportJob);
	// a second runner takes the queued one only.
	if err := store.BeatExportJob(ctx, dead.ID, "node-alive"); err != nil {
		t.Fatal(err)
	}
	r := newRunner(t, store, t.TempDir(), func(c *Config) { c.Node = "node-b"; c.StaleAfter = time.Minute })
	start(t, r)
	if j := wait(t, store, alive.ID); j.Status != catalog.JobDone || j.Node != "node-b" {
		t.Errorf("the queued job: %+v", j)
	}
	if j, _ := store.FindExportJobByID(ctx, dead.ID); j.Status != catalog.JobRunning || j.Node != "node-alive" {
		t.Errorf("the job node-alive beats for was taken: %+v", j)
	}
}

func TestFinishedFilesExpire(t *testing.T) {
	store := sampleStore(t)
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	r := newRunner(t, store, t.TempDir(), func(c *Config) { c.Keep = time.Hour; c.Now = clock })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.work(ctx)
	j, err := r.Submit(ctx, Request{Kind: KindProceedings, IDs: []string{"jinan-2025-aldoshin"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	j = wait(t, store, j.ID)
	if j.Status != catalog.JobDone {
		t.Fatalf("%+v", j)
	}
	r.expire(ctx)
	if _, err := os.Stat(r.Path(j)); err != nil {
		t.Fatalf("removed too early: %v", err)
	}
	mu.Lock()
	now = now.Add(2 * time.Hour)
	mu.Unlock()
	r.expire(ctx)
	if _, err := os.Stat(r.Path(j)); !os.IsNotExist(err) {
		t.Errorf("still there: %v", err)
	}
	if got, _ := store.FindExportJobByID(ctx, j.ID); got.Status != catalog.JobExpired {
		t.Errorf("status %s", got.Status)
	}
}

func TestTheQueueIsBounded(t *testing.T) {
	store := sampleStore(t)
	r := newRunner(t, store, t.TempDir(), func(c *Config) { c.Queue = 2 })
	// no workers: everything waits
	for i := range 3 {
		_, err := r.Submit(context.Background(), Request{Kind: KindProceedings, Event: "jinan-2025"}, "")
		var ce *catalog.Error
		switch {
		case i < 2 && err != nil:
			t.Fatal(err)
		case i == 2 && (!errors.As(err, &ce) || ce.Code != catalog.EUNAVAILABLE):
			t.Errorf("the third: %v", err)
		}
	}
	if all, _ := store.FindExportJobs(context.Background()); len(all) != 2 {
		t.Errorf("%d jobs stored; the refused one must not be (503: nothing written)", len(all))
	}
}

// TestAPanicFailsTheJobNotTheProcess: a panic while a file is made (in the
// PDF or ZIP libraries) fails that job, which says so, and the runner goes
// on with the next.
func TestAPanicFailsTheJobNotTheProcess(t *testing.T) {
	store := sampleStore(t)
	r := newRunner(t, store, t.TempDir(), nil)
	render := r.renderFile
	panicking := true
	r.renderFile = func(ctx context.Context, j *catalog.ExportJob, path string) (int64, error) {
		if panicking {
			panicking = false
			panic("index out of range in a library")
		}
		return render(ctx, j, path)
	}
	start(t, r)
	ctx := context.Background()
	first, err := r.Submit(ctx, Request{Kind: KindProceedings, Event: "jinan-2025", Session: "ai"}, "Ирина")
	if err != nil {
		t.Fatal(err)
	}
	if j := wait(t, store, first.ID); j.Status != catalog.JobFailed || !strings.Contains(j.Error, "internal error") {
		t.Errorf("the job that panicked: %s %q", j.Status, j.Error)
	}
	second, err := r.Submit(ctx, Request{Kind: KindProceedings, Event: "jinan-2025", Session: "ai"}, "Ирина")
	if err != nil {
		t.Fatal(err)
	}
	if j := wait(t, store, second.ID); j.Status != catalog.JobDone {
		t.Errorf("the next job: %s %q", j.Status, j.Error)
	}
}
