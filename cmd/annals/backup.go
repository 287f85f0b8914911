package main

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/blobs"
	"github.com/annals/annals/catalog/sqlite"
)

// A backup is one consistent archive: a snapshot of the database taken
// while the server may be writing, then every file that snapshot names
// (files are never changed in place, so the snapshot's are all there). It
// is a tar file: annals.db, then files/ab/cd/<sha256>. A FILE ending in .db
// is the database alone, as before files existed.

const (
	archiveDB    = "annals.db"
	archiveFiles = "files/"
)

// errPostgresBackup says how a catalogue on PostgreSQL is backed up.
var errPostgresBackup = usagef("annals backup and restore copy the SQLite catalogue of a data directory; " +
	"back up a catalogue on PostgreSQL with pg_dump (and restore it with pg_restore: revisions keep going up after a restore), " +
	"and its files with the tools of their storage")

// runBackup writes a consistent copy of the catalogue to a new file, also
// while a server is running on the same data directory.
func runBackup(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg := defaultConfig(getenv)
	flags := newFlags("backup", &cfg, stderr)
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		return usagef("backup takes one argument, the file to write")
	}
	out := flags.Arg(0)
	if !cfg.usesSQLite() {
		return errPostgresBackup
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	store, err := sqlite.Open(ctx, cfg.DatabasePath(), sqlite.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	if strings.HasSuffix(out, ".db") {
		if err := store.Backup(ctx, out); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "Backed up %s to %s (the database only: name the backup .tar to include the files)\n", cfg.DatabasePath(), out)
		return nil
	}
	n, err := writeArchive(ctx, store, cfg, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "Backed up %s and %d files to %s\n", cfg.DatabasePath(), n, out)
	return nil
}

// writeArchive writes the archive under a temporary name beside out and
// renames it when complete; it returns how many files it holds.
func writeArchive(ctx context.Context, store *sqlite.Store, cfg Config, out string) (int, error) {
	if _, err := os.Stat(out); err == nil {
		return 0, catalog.Errorf(catalog.ECONFLICT, "%s exists; choose a new file name for the backup.", out)
	}
	work, err := os.MkdirTemp(filepath.Dir(out), ".annals-backup-*")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(work)
	snapshot := filepath.Join(work, archiveDB)
	if err := store.Backup(ctx, snapshot); err != nil {
		return 0, err
	}
	snap, err := sqlite.Open(ctx, snapshot, sqlite.Options{})
	if err != nil {
		return 0, err
	}
	var shas []string
	err = snap.ForEachFileReference(ctx, func(sha string) error { shas = append(shas, sha); return nil })
	snap.Close()
	if err != nil {
		return 0, err
	}
	files, err := openBlobs(ctx, cfg)
	if err != nil {
		return 0, err
	}
	tmp := filepath.Join(work, "backup.tar")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	if err := addFile(tw, archiveDB, snapshot); err != nil {
		return 0, err
	}
	for _, sha := range shas {
		r, err := files.Open(ctx, sha)
		if err != nil {
			return 0, fmt.Errorf("file %s, named by the catalogue: %w (annals check lists what is missing)", sha, err)
		}
		err = tw.WriteHeader(&tar.Header{Name: archiveFiles + sha[:2] + "/" + sha[2:4] + "/" + sha, Mode: 0o600, Size: r.Size(), ModTime: time.Now()})
		if err == nil {
			_, err = io.Copy(tw, r)
		}
		r.Close()
		if err != nil {
			return 0, err
		}
	}
	if err := tw.Close(); err != nil {
		return 0, err
	}
	if err := f.Sync(); err != nil {
		return 0, err
	}
	if err := f.Close(); err != nil {
		return 0, err
	}
	return len(shas), os.Rename(tmp, out)
}

func addFile(tw *tar.Writer, name, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: st.ModTime()}); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}

// runRestore brings a data directory back from a backup archive: into an
// empty (or new) data directory only, every file checked against its
// name, the database put in place last. The search index is rebuilt when
// the server starts.
func runRestore(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg := defaultConfig(getenv)
	flags := newFlags("restore", &cfg, stderr)
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() != 1 {
		return usagef("restore takes one argument, the backup archive")
	}
	if !cfg.usesSQLite() {
		return errPostgresBackup
	}
	if _, err := os.Stat(cfg.DatabasePath()); err == nil {
		return fmt.Errorf("%s holds a catalogue already; restore into a new data directory (--data)", cfg.DataDir)
	}
	n, err := restoreArchive(ctx, flags.Arg(0), cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "Restored the catalogue and %d files into %s; the search index is rebuilt when the server starts.\n", n, cfg.DataDir)
	return nil
}

func restoreArchive(ctx context.Context, archive string, cfg Config) (int, error) {
	f, err := os.Open(archive)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return 0, err
	}
	files, err := blobs.OpenDisk(cfg.FilesDir())
	if err != nil {
		return 0, err
	}
	dbTmp := cfg.DatabasePath() + ".restoring"
	defer os.Remove(dbTmp)
	haveDB, n := false, 0
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return n, fmt.Errorf("%s is not a whole backup archive: %w", archive, err)
		}
		switch name := path.Clean(h.Name); {
		case name == archiveDB:
			out, err := os.OpenFile(dbTmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
			if err != nil {
				return n, err
			}
			_, err = io.Copy(out, tr)
			if err == nil {
				err = out.Sync()
			}
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return n, err
			}
			haveDB = true
		case strings.HasPrefix(name, archiveFiles):
			sha := path.Base(name)
			if _, err := files.Put(ctx, tr, h.Size, sha); err != nil { // checked against its name
				return n, fmt.Errorf("file %s in the archive: %w", sha, err)
			}
			n++
		default:
			return n, fmt.Errorf("%s holds %q, which is not part of an Annals backup", archive, h.Name)
		}
	}
	if !haveDB {
		return n, fmt.Errorf("%s has no %s; it is not an Annals backup", archive, archiveDB)
	}
	return n, os.Rename(dbTmp, cfg.DatabasePath())
}
