package search

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Counting facets and sorting by a field the way Bleve does decodes every
// match's doc values, which at 100,000 records cost more than finding and
// ranking the matches. Instead, for each snapshot of the index a
// snapshotTable lists every document's facet values as small integers and,
// once a search sorts by title, its title key (one pass over the doc
// values, repeated only when the index changes); a search counts its
// matches' values and takes their keys from the table as the collector
// sees them.

// snapshotTable is the facet values (and title keys) of every document of
// one index snapshot.
type snapshotTable struct {
	reader index.IndexReader // the snapshot it was built from (identity only)
	terms  []string          // value number → "facet=value"
	start  []uint32          // document number d has values[start[d]:start[d+1]]
	values []uint32
	// keys holds, by field, each document's value of the fields searches
	// of this snapshot have been sorted by (see keySort).
	keys map[string][]string
	// idRanks holds each document's place among the snapshot's live
	// documents in the order of their ids, four bytes big-endian by
	// document number, read the first time a search of this snapshot
	// breaks ties by id (see idSort).
	idRanks string
	// status is the value number of each document's status (noStatus
	// for none, deletedDoc for a deleted document).
	status []uint32
	// visible holds, by the statuses hidden, every facet value's count
	// over the documents not hidden (see facetCounter.browsing).
	visible map[string][]uint32
}

// errNoSnapshotTable says there is no table for a snapshot: the reader is
// not a Scorch snapshot, a segment cannot be read as the table reads it,
// or the index is changing too fast for one to be worth building. The
// search then counts and sorts the Bleve way.
var errNoSnapshotTable = errors.New("search: no facet table for this index snapshot")

// docNumber decodes Scorch's internal id: a big-endian document number.
func docNumber(id index.IndexInternalID) (uint64, bool) {
	if len(id) != 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(id), true
}

// snapshotCache keeps the table of the newest snapshot searched.
type snapshotCache struct {
	mu        sync.Mutex
	table     *snapshotTable
	builtAt   time.Time     // when table was built
	buildTook time.Duration // and how long that took
	off       bool          // count the Bleve way (for tests that compare the two)
	// numbers and terms are the dictionary of facet values the tables
	// share; segments the tables of the newest table's segments.
	numbers  map[string]uint32
	terms    []string
	segments map[segment.Segment]*segmentTable
}

// tableRebuildSpacing bounds the time spent building tables: a new one is
// built only once the last is this many times as old as it took to build.
// A table whose segments are known is stitched in about 1 ms at 100,000
// records; one that reads them all (the first, or after large merges)
// takes about 40, and the searches of the next 200 ms count and sort the
// Bleve way instead of each paying for one. (Before tables were kept by
// segment, a write every 50 ms with a table for every new snapshot made
// the median search 46 ms; BENCHMARKS.md.)
const tableRebuildSpacing = 5

// tableFor returns the table of snapshot r, building it if r is new.
func (c *snapshotCache) tableFor(r index.IndexReader) (*snapshotTable, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.off {
		return nil, errNoSnapshotTable
	}
	if c.table != nil && c.table.reader == r {
		return c.table, nil
	}
	if c.table != nil && time.Since(c.builtAt) < tableRebuildSpacing*c.buildTook {
		return nil, errNoSnapshotTable
	}
	start := time.Now()
	t, err := c.buildTable(r)
	if err != nil {
		return nil, err
	}
	c.table, c.builtAt, c.buildTook = t, time.Now(), time.Since(start)
	return t, nil
}

// keysFor returns the values of field of snapshot r by document number,
// reading them if r is new or not yet sorted by field.
func (c *snapshotCache) keysFor(r index.IndexReader, field string) ([]string, error) {
	t, err := c.tableFor(r)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if keys, ok := t.keys[field]; ok {
		return keys, nil
	}
	keys, err := c.stitchKeys(r, field)
	if err != nil {
		return nil, err
	}
	if t.keys == nil {
		t.keys = map[string][]string{}
	}
	t.keys[field] = keys
	return keys, nil
}

// idRanksFor returns the id ranks of snapshot r by document number,
// reading them if r is new or not yet searched with an id tie-break.
func (c *snapshotCache) idRanksFor(r index.IndexReader) (string, error) {
	t, err := c.tableFor(r)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.idRanks != "" {
		return t.idRanks, nil
	}
	ranks, err := c.idRanks(r)
	if err != nil {
		return "", err
	}
	t.idRanks = ranks
	return ranks, nil
}

// noStatus is the status value number of a document without one.
const noStatus = math.MaxUint32

// visibleCounts returns the count of each value of table t over its
// documents whose status is not one of hidden, counting them the first
// time.
func (c *snapshotCache) visibleCounts(t *snapshotTable, hidden []string) []uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := strings.Join(hidden, "\x00")
	if counts, ok := t.visible[key]; ok {
		return counts
	}
	hides := t.marked(hidden)
	counts := make([]uint32, len(t.terms))
	for d := range len(t.start) - 1 {
		if t.hidden(uint64(d), hides) {
			continue
		}
		for _, v := range t.values[t.start[d]:t.start[d+1]] {
			counts[v]++
		}
	}
	if t.visible == nil {
		t.visible = map[string][]uint32{}
	}
	t.visible[key] = counts
	return counts
}

// marked marks the value numbers of terms (a status or two).
func (t *snapshotTable) marked(terms []string) []bool {
	marks := make([]bool, len(t.terms))
	for v, term := range t.terms {
		marks[v] = slices.Contains(terms, term)
	}
	return marks
}

// hidden says whether document d is deleted or has a status marked in
// hides.
func (t *snapshotTable) hidden(d uint64, hides []bool) bool {
	s := t.status[d]
	return s == deletedDoc || s != noStatus && hides[s]
}
