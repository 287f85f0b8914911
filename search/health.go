package search

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// DamagedError says the index cannot be used as it is: the library
// panicked on it, a segment fails its checksum, or its files are gone.
// The index is rebuilt from the store; the process carries on.
type DamagedError struct {
	What  string // what was being done: "applying changes", "searching"...
	Cause string
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("the search index is damaged (%s: %s)", e.What, e.Cause)
}

// guard runs fn, which calls into Bleve, and turns a panic inside it into
// a DamagedError, so that a damaged index never takes the process down.
func guard(what string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &DamagedError{What: what, Cause: fmt.Sprint(r)}
			stack := string(debug.Stack())
			if i := strings.Index(stack, "panic("); i >= 0 {
				stack = stack[i:]
			}
			err = fmt.Errorf("%w\n%s", err, firstLines(stack, 12))
		}
	}()
	return fn()
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

// isDamage reports whether err means the index itself is broken (rather
// than, say, a full disk that will clear): a panic, a failed checksum, or
// its files gone from under it.
func isDamage(err error) bool {
	var d *DamagedError
	return errors.As(err, &d) || errors.Is(err, fs.ErrNotExist)
}

// verifyInterval is how often, at most, an unexpected error from the
// library makes the index check its segments' checksums (which reads the
// whole index once).
const verifyInterval = time.Minute

// verifyAfterError checks the segments after an unexpected error, unless it
// did less than verifyInterval ago; a DamagedError if one fails.
func (ix *Index) verifyAfterError() error {
	ix.mu.Lock()
	if time.Since(ix.lastVerified) < verifyInterval {
		ix.mu.Unlock()
		return nil
	}
	ix.lastVerified = time.Now()
	ix.mu.Unlock()
	ix.mu.RLock()
	bi := ix.bi
	ix.mu.RUnlock()
	if bi == nil {
		return nil
	}
	return verifySegments(bi)
}

// segmentSuffix is how Bleve's segment files end; each ends with a footer
// whose last four bytes are the CRC-32 (IEEE, big-endian) of everything
// before them.
const segmentSuffix = ".zap"

// verifySegments checks every segment file the index's current snapshot
// uses against its checksum, reading each once; a file that does not match
// (a torn write, bytes overwritten on disk) makes a DamagedError naming it.
// Files the snapshot does not use (a segment half-written when the process
// was killed) are Bleve's to remove, not damage.
//
// A file gone by the time it is read was merged away meanwhile (merges run
// right after a restart; Bleve removes a merged segment's file once no
// persisted snapshot lists it, whoever still reads it): not damage. Seen
// once in CI as "no such file" after a kill -9 and a restart.
func verifySegments(bi bleve.Index) error {
	var damaged error
	err := guard("listing segments", func() error {
		adv, err := bi.Advanced()
		if err != nil {
			return err
		}
		r, err := adv.Reader()
		if err != nil {
			return err
		}
		defer r.Close()
		snap, ok := r.(*scorch.IndexSnapshot)
		if !ok {
			return nil // not a scorch index: nothing to check
		}
		for _, ss := range snap.Segments() {
			ps, ok := ss.Segment().(segment.PersistedSegment)
			if !ok {
				continue
			}
			if err := verifySegment(ps.Path()); err != nil && !errors.Is(err, fs.ErrNotExist) {
				damaged = &DamagedError{What: "checking segment " + filepath.Base(ps.Path()), Cause: err.Error()}
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return damaged
}

func verifySegment(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.Size() < 4 {
		return errors.New("too short to be a segment")
	}
	h := crc32.NewIEEE()
	if _, err := io.Copy(h, io.LimitReader(bufio.NewReaderSize(f, 1<<20), st.Size()-4)); err != nil {
		return err
	}
	var stored [4]byte
	if _, err := f.ReadAt(stored[:], st.Size()-4); err != nil {
		return err
	}
	if got, want := h.Sum32(), binary.BigEndian.Uint32(stored[:]); got != want {
		return fmt.Errorf("checksum %08x, the file says %08x", got, want)
	}
	return nil
}
