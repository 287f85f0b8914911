package sqlite_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/sqlite"
)

// MustOpen opens a store on a new database file in a temporary directory.
func MustOpen(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "annals.db"), sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	catalogtest.RunStoreTests(t, func(t *testing.T) catalog.Store { return MustOpen(t) })
}

func TestExportJobStoreConformance(t *testing.T) {
	catalogtest.RunExportJobStoreTests(t, func(t *testing.T) catalog.ExportJobStore { return MustOpen(t) })
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "annals.db")
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	catalogtest.MustCreateEvent(t, s)
	recs := catalogtest.NewGenerator(9).Records(10)
	for i := range recs {
		if err := s.CreateRecord(ctx, &recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s, err = sqlite.Open(ctx, path, sqlite.Options{}) // migrations run again and do nothing
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, _ := s.CountRecords(ctx); n != 10 {
		t.Errorf("after reopen: %d records", n)
	}
}

func TestBackup(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	catalogtest.MustCreateEvent(t, s)
	rep, err := s.ImportRecords(ctx, items(catalogtest.NewGenerator(7).Records(200)), catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Imported != 200 {
		t.Fatalf("imported %d of 200", rep.Imported)
	}
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := s.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, path); catalog.ErrorCode(err) != catalog.ECONFLICT {
		t.Errorf("backup over an existing file: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left beside the backup: %v", entries)
	}
	copy, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer copy.Close()
	if catalogtest.TakeFingerprint(t, copy) != catalogtest.TakeFingerprint(t, s) {
		t.Error("backup differs from the original")
	}
}

func items(recs []catalog.Record) []catalog.ImportItem {
	out := make([]catalog.ImportItem, len(recs))
	for i, r := range recs {
		out[i] = catalog.ImportItem{Index: i, Record: r}
	}
	return out
}

// TestFullDiskRefusesWrites puts the database on a small tmpfs and writes
// until the disk is full: the write that does not fit is refused with
// ENOSPACE (507 over HTTP) and changes nothing; once there is room, writes
// work again. It needs to mount a tmpfs (root); elsewhere it skips.
func TestFullDiskRefusesWrites(t *testing.T) {
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs here (%v: %s); the full-disk test needs root", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { exec.Command("umount", "-l", mnt).Run() })
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(mnt, "annals.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	catalogtest.MustCreateEvent(t, s)
	recs := catalogtest.NewGenerator(8).Records(2000)
	var full error
	for i := range recs {
		before := catalogtest.TakeFingerprint(t, s)
		if err := s.CreateRecord(ctx, &recs[i]); err != nil {
			full = err
			catalogtest.AssertUnchanged(t, s, before)
			break
		}
	}
	if full == nil {
		t.Fatal("2,000 records fitted on a 1 MiB disk; the test did not fill it")
	}
	if catalog.ErrorCode(full) != catalog.ENOSPACE || !strings.Contains(full.Error(), "disk is full") {
		t.Fatalf("a write to a full disk: %v (code %s), want ENOSPACE", full, catalog.ErrorCode(full))
	}
	if out, err := exec.Command("mount", "-o", "remount,size=64m", mnt).CombinedOutput(); err != nil {
		t.Fatalf("remount: %v %s", err, out)
	}
	r := catalogtest.NewGenerator(9).Record()
	r.ID = "after-the-disk-was-freed"
	if err := s.CreateRecord(ctx, &r); err != nil {
		t.Errorf("a write once there is room again: %v", err)
	}
}

// TestDatabaseIsOwnerOnly: the database (drafts, token hashes) and its
// journal files are readable by their owner only, new or old.
func TestDatabaseIsOwnerOnly(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "annals.db")
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	catalogtest.MustCreateEvent(t, s)
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", filepath.Base(p), st.Mode().Perm(), err)
		}
	}
	s.Close()
	os.Chmod(path, 0o644)
	s, err = sqlite.Open(context.Background(), path, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("an existing world-readable database was left %v", st.Mode().Perm())
	}
}
