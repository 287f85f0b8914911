package search

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
)

// run starts the follower until the test ends.
func (e *env) run() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.index.Run(ctx) }()
	e.t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			e.t.Errorf("Run: %v", err)
		}
	})
}

// largestSegment is the biggest segment file of the index.
func largestSegment(t *testing.T, dir string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "store", "*"+segmentSuffix))
	if len(files) == 0 {
		t.Fatalf("no segment files in %s", dir)
	}
	sort.Slice(files, func(i, j int) bool {
		a, _ := os.Stat(files[i])
		b, _ := os.Stat(files[j])
		return a.Size() > b.Size()
	})
	return files[0]
}

// overwrite writes 4 KiB of 0xAA in the middle of a file, as a torn write
// or a bad sector would.
func overwrite(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	junk := []byte(strings.Repeat("\xaa", 4096))
	if _, err := f.WriteAt(junk, max(0, st.Size()/2-2048)); err != nil {
		t.Fatal(err)
	}
}

// TestCorruptSegmentIsFoundAndRebuilt: 4 KiB overwritten in a segment is
// caught by its checksum when the index opens (before Bleve reads it, which
// used to panic), and the index is rebuilt from the store.
func TestCorruptSegmentIsFoundAndRebuilt(t *testing.T) {
	e := newEnv(t)
	catalogtest.MustCreateEvent(t, e.store)
	e.load(catalogtest.NewGenerator(3).Records(300))
	if err := verifySegments(e.index.bi); err != nil {
		t.Fatalf("a sound index fails verification: %v", err)
	}
	e.index.Close()
	overwrite(t, largestSegment(t, e.index.dir))
	ix, err := Open(context.Background(), e.index.dir, e.store, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if st := ix.Status(); st.State != "rebuilding" || !strings.Contains(st.Reason, "damaged") {
		t.Fatalf("a corrupt index opened as %+v", st)
	}
	if _, err := ix.Search(context.Background(), Request{Query: "a"}); catalog.ErrorCode(err) != catalog.EUNAVAILABLE {
		t.Errorf("searching a corrupt index before the rebuild: %v, want EUNAVAILABLE", err)
	}
	e.index = ix
	e.run()
	waitFor(t, "the rebuild", 30*time.Second, func() bool { return ix.Status().State == "ready" })
	if n, err := ix.DocCount(); err != nil || n != 300 {
		t.Errorf("after the rebuild: %d documents, %v", n, err)
	}
}

// TestIndexRemovedWhileFollowing: the index directory removed under a
// running follower made the next batch panic inside Bleve and the process
// exit. Now the damage is caught, the index rebuilt, and later writes are
// searchable.
func TestIndexRemovedWhileFollowing(t *testing.T) {
	e := newEnv(t)
	e.index.opts.RetryInterval = 10 * time.Millisecond
	e.load([]catalog.Record{report("before", "Salt caverns before the fault")})
	e.run()
	if err := os.RemoveAll(e.index.dir); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		r := report(fmt.Sprintf("after-%d", i), fmt.Sprintf("Hydrogen valley number %d", i))
		if err := e.store.CreateRecord(context.Background(), &r); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	waitFor(t, "the rebuild after the directory was removed", 30*time.Second, func() bool {
		st := e.index.Status()
		if st.State != "ready" {
			return false
		}
		res, err := e.index.Search(context.Background(), Request{Query: "hydrogen valley", Size: 10})
		return err == nil && res.Total == 5
	})
	if got := e.search("caverns"); len(got) != 1 {
		t.Errorf("the record from before the fault: %v", got)
	}
}

// TestFullDiskDegradesAndRecovers puts the index on a 2 MiB tmpfs and
// writes until it is full: the follower must not crash, the index reports
// itself degraded, searches still answer, and once there is room again
// every write is searchable. It needs to mount a tmpfs (root); elsewhere it
// skips.
func TestFullDiskDegradesAndRecovers(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs here (%v: %s); the full-disk test needs root", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { exec.Command("umount", "-l", mnt).Run() })
	e := newEnv(t)
	ix, err := Open(context.Background(), filepath.Join(mnt, "index"), e.store, Options{RetryInterval: 20 * time.Millisecond, RebuildRetry: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	e.index = ix
	catalogtest.MustCreateEvent(t, e.store)
	e.run()
	waitFor(t, "the first build", 30*time.Second, func() bool { return ix.Status().State == "ready" })
	recs := catalogtest.NewGenerator(5).Records(3000)
	degraded := false
	for start := 0; start < len(recs) && !degraded; start += 100 {
		items := make([]catalog.ImportItem, 0, 100)
		for i, r := range recs[start : start+100] {
			items = append(items, catalog.ImportItem{Index: i, Record: r})
		}
		if _, err := e.store.ImportRecords(context.Background(), items, catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(3 * time.Second)
		for time.Now().Before(deadline) && !degraded {
			st := ix.Status()
			degraded = st.State == "degraded" || (st.State == "rebuilding" && st.Reason != "")
			time.Sleep(20 * time.Millisecond)
		}
	}
	if !degraded {
		t.Fatal("3,000 records fitted in a 2 MiB index; the test did not fill the disk")
	}
	t.Logf("full: %+v", ix.Status())
	// Searches still answer, from what the index has, or say it is unavailable.
	if _, err := ix.Search(context.Background(), Request{Query: "a"}); err != nil && catalog.ErrorCode(err) != catalog.EUNAVAILABLE {
		t.Errorf("search on a full disk: %v", err)
	}
	if out, err := exec.Command("mount", "-o", "remount,size=256m", mnt).CombinedOutput(); err != nil {
		t.Fatalf("remount: %v %s", err, out)
	}
	n, _ := e.store.CountRecords(context.Background())
	waitFor(t, "recovery once there is room", 60*time.Second, func() bool {
		c, err := ix.DocCount()
		return ix.Status().State == "ready" && err == nil && c == uint64(n)
	})
}

// TestSegmentCorruptedWhileServing: bytes of a segment overwritten under a
// running index (it is memory-mapped, so searches see them) make searches
// panic inside Bleve. The panic is caught, the search answers 503 and the
// index is rebuilt from the store; nothing crashes.
func TestSegmentCorruptedWhileServing(t *testing.T) {
	e := newEnv(t)
	catalogtest.MustCreateEvent(t, e.store)
	e.load(catalogtest.NewGenerator(4).Records(400))
	e.run()
	path := largestSegment(t, e.index.dir)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := f.Stat()
	junk := []byte(strings.Repeat("\xff", 64<<10))
	for off := int64(0); off < st.Size()-64; off += int64(len(junk)) {
		f.WriteAt(junk[:min(int64(len(junk)), st.Size()-64-off)], off)
	}
	f.Close()
	var failures []string
	for _, q := range []string{"a", "energy", "name:smith", "the of and", "技术"} {
		_, err := e.index.Search(context.Background(), Request{Query: q, Size: 50})
		if err != nil {
			failures = append(failures, fmt.Sprintf("%s: %v", q, err))
		}
	}
	t.Logf("searches on the corrupted index: %v", failures)
	waitFor(t, "the rebuild", 30*time.Second, func() bool {
		_, err := e.index.Search(context.Background(), Request{Query: "a"})
		return e.index.Status().State == "ready" && err == nil
	})
	if n, err := e.index.DocCount(); err != nil || n != 400 {
		t.Errorf("after the rebuild: %d documents, %v", n, err)
	}
}

func TestGuardTurnsAPanicIntoDamage(t *testing.T) {
	err := guard("testing", func() error {
		panic("assignment to entry in nil map") // as zapx did

	})
	if !isDamage(err) || !strings.Contains(err.Error(), "nil map") {
		t.Errorf("guard: %v", err)
	}
	if err := guard("testing", func() error { return nil }); err != nil {
		t.Errorf("guard of a function that works: %v", err)
	}
}
