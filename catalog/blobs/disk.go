// Package blobs stores the bytes of attached files on disk, addressed by
// their SHA-256 (catalog.Blobs): DATA/files/ab/cd/abcd…, written to a
// temporary file while hashed, synced, and renamed into place, so that a
// blob is either whole or absent, and the same bytes are stored once.
package blobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/annals/annals/catalog"
)

// Disk is a blob store in a directory.
type Disk struct {
	dir string
}

var _ catalog.Blobs = (*Disk)(nil)

// OpenDisk opens (creating) the store in dir, and removes temporary files
// an interrupted upload left behind.
func OpenDisk(dir string) (*Disk, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o700); err != nil {
		return nil, err
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "tmp", "*"))
	for _, f := range leftovers {
		os.Remove(f)
	}
	return &Disk{dir: dir}, nil
}

// CheckReceived says whether bytes received for an upload may be stored:
// n of them (read up to max+1, so that more than max shows), hashed by h,
// which the client said have the SHA-256 want (empty: said nothing). It
// returns the blob they make, ETOOLARGE past max, EMALFORMED for a digest
// that does not match.
func CheckReceived(n, max int64, h hash.Hash, want string) (catalog.Blob, error) {
	if n > max {
		return catalog.Blob{}, catalog.Errorf(catalog.ETOOLARGE, "The file is larger than the %d bytes allowed.", max)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if want != "" && want != sum {
		return catalog.Blob{}, &catalog.Error{Code: catalog.EMALFORMED, Message: "The file's bytes do not match the digest sent with them.",
			Fields: []catalog.FieldError{{Field: "Content-Digest", Message: fmt.Sprintf("says SHA-256 %s; the bytes received have %s", want, sum)}}}
	}
	return catalog.Blob{SHA256: sum, Size: n}, nil
}

// ValidSHA256 says whether s is a SHA-256 in lower-case hex, the only
// names blobs have.
func ValidSHA256(s string) bool {
	return len(s) == 64 && strings.Trim(s, "0123456789abcdef") == ""
}

// path is where a blob lives: two levels of fan-out by its first bytes.
func (d *Disk) path(sha string) string {
	return filepath.Join(d.dir, sha[:2], sha[2:4], sha)
}

// Put stores the bytes of r.
func (d *Disk) Put(ctx context.Context, r io.Reader, max int64, want string) (catalog.Blob, error) {
	tmp, err := os.CreateTemp(filepath.Join(d.dir, "tmp"), "upload-*")
	if err != nil {
		return catalog.Blob{}, err
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	defer tmp.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(ctxReader{ctx, r}, max+1))
	if err != nil {
		return catalog.Blob{}, diskError(err)
	}
	blob, err := CheckReceived(n, max, h, want)
	if err != nil {
		return catalog.Blob{}, err
	}
	sum := blob.SHA256
	final := d.path(sum)
	if st, err := os.Stat(final); err == nil && st.Size() == n {
		return blob, nil // the same bytes are stored already
	}
	if err := tmp.Sync(); err != nil {
		return catalog.Blob{}, diskError(err)
	}
	if err := tmp.Close(); err != nil {
		return catalog.Blob{}, diskError(err)
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return catalog.Blob{}, err
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return catalog.Blob{}, err
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return catalog.Blob{}, err
	}
	return blob, syncDir(filepath.Dir(final))
}

// diskError says a full disk in the domain's words (507).
func diskError(err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return catalog.Errorf(catalog.ENOSPACE, "The server's disk is full, so the file was not saved. Free some space on it and try again.")
	}
	return err
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// ctxReader stops reading when ctx is done (a client gone mid-upload).
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// file is an open blob.
type file struct {
	*os.File
	size int64
}

func (f file) Size() int64 { return f.size }

// Open opens a blob for reading.
func (d *Disk) Open(ctx context.Context, sha string) (catalog.BlobReader, error) {
	if !ValidSHA256(sha) {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "There is no blob %q.", sha)
	}
	f, err := os.Open(d.path(sha))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "The file's bytes (SHA-256 %s) are missing from the store.", sha)
	}
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return file{File: f, size: st.Size()}, nil
}

// Delete removes a blob.
func (d *Disk) Delete(ctx context.Context, sha string) error {
	if !ValidSHA256(sha) {
		return nil
	}
	if err := os.Remove(d.path(sha)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// List calls fn for every blob.
func (d *Disk) List(ctx context.Context, fn func(catalog.Blob) error) error {
	return filepath.WalkDir(d.dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if e.Name() == "tmp" {
				return filepath.SkipDir
			}
			return nil
		}
		if !ValidSHA256(e.Name()) {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		return fn(catalog.Blob{SHA256: e.Name(), Size: info.Size(), Modified: info.ModTime()})
	})
}
