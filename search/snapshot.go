package search

import (
	"context"
	"encoding/binary"
	"errors"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	index "github.com/blevesearch/bleve_index_api"
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
	// titleKeys holds each document's title sort key, read the first time
	// a search of this snapshot sorts by title.
	titleKeys []string
	// idRanks holds each document's place among the snapshot's live
	// documents in the order of their ids, read the first time a search
	// of this snapshot breaks ties by id (see idSort).
	idRanks []uint32
}

// errNoSnapshotTable says there is no table for a snapshot: its document
// numbers are not laid out as the table expects, or the index is changing
// too fast for one to be worth building. The search then counts and sorts
// the Bleve way.
var errNoSnapshotTable = errors.New("search: index document numbers are not sequential")

// docNumber decodes Scorch's internal id: a big-endian document number.
func docNumber(id index.IndexInternalID) (uint64, bool) {
	if len(id) != 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(id), true
}

// eachLiveDoc calls fn for every live document of r, in document number
// order, with its number and a function that visits its values of field
// (of no field when field is empty).
func eachLiveDoc(r index.IndexReader, field string, fn func(d uint64, values func(index.DocValueVisitor) error) error) error {
	ids, err := r.DocIDReaderAll()
	if err != nil {
		return err
	}
	defer ids.Close()
	var dv index.DocValueReader
	if field != "" {
		if dv, err = r.DocValueReader([]string{field}); err != nil {
			return err
		}
	}
	for {
		id, err := ids.Next()
		if err != nil || id == nil {
			return err
		}
		d, ok := docNumber(id)
		if !ok {
			return errNoSnapshotTable
		}
		if err := fn(d, func(v index.DocValueVisitor) error { return dv.VisitDocValues(id, v) }); err != nil {
			return err
		}
	}
}

// buildSnapshotTable reads the facet values of every live document of r.
func buildSnapshotTable(r index.IndexReader) (*snapshotTable, error) {
	t := &snapshotTable{reader: r}
	numbers := map[string]uint32{}
	visit := func(_ string, term []byte) {
		n, ok := numbers[string(term)]
		if !ok {
			n = uint32(len(t.terms))
			t.terms = append(t.terms, string(term))
			numbers[t.terms[n]] = n
		}
		t.values = append(t.values, n)
	}
	err := eachLiveDoc(r, fFacets, func(d uint64, values func(index.DocValueVisitor) error) error {
		if d < uint64(len(t.start)) || d > 1<<32-2 {
			return errNoSnapshotTable
		}
		for uint64(len(t.start)) <= d {
			t.start = append(t.start, uint32(len(t.values)))
		}
		return values(visit)
	})
	if err != nil {
		return nil, err
	}
	t.start = append(t.start, uint32(len(t.values)))
	return t, nil
}

// snapshotCache keeps the table of the newest snapshot searched.
type snapshotCache struct {
	mu        sync.Mutex
	table     *snapshotTable
	builtAt   time.Time     // when table was built
	buildTook time.Duration // and how long that took
	off       bool          // count the Bleve way (for tests that compare the two)
}

// tableRebuildSpacing bounds the time spent building tables: a new one is
// built only once the last is this many times as old as it took to build
// (34 ms at 100,000 records, so at most one every 170 ms, a fifth of a
// core at worst). While the index changes faster than that (a stream of
// edits, an import), the searches between two tables count and sort the
// Bleve way instead of each paying for a new table. Measured at 100,000
// records with a write every 50 ms, a table for every new snapshot made
// the median search 46 ms; Bleve's counting takes 18 (BENCHMARKS.md).
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
	t, err := buildSnapshotTable(r)
	if err != nil {
		return nil, err
	}
	c.table, c.builtAt, c.buildTook = t, time.Now(), time.Since(start)
	return t, nil
}

// titleKeysFor returns the title sort keys of snapshot r by document
// number, reading them if r is new or not yet sorted by title.
func (c *snapshotCache) titleKeysFor(r index.IndexReader) ([]string, error) {
	t, err := c.tableFor(r)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.titleKeys != nil {
		return t.titleKeys, nil
	}
	keys, err := readTitleKeys(r, len(t.start)-1)
	if err != nil {
		return nil, err
	}
	t.titleKeys = keys
	return keys, nil
}

// idRanksFor returns the id ranks of snapshot r by document number,
// reading them if r is new or not yet searched with an id tie-break.
func (c *snapshotCache) idRanksFor(r index.IndexReader) ([]uint32, error) {
	t, err := c.tableFor(r)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.idRanks != nil {
		return t.idRanks, nil
	}
	ranks, err := readIDRanks(r, len(t.start)-1)
	if err != nil {
		return nil, err
	}
	t.idRanks = ranks
	return ranks, nil
}

// readIDRanks numbers the live documents of r in the order of their ids
// (as Bleve's id sort compares them) and returns each one's number by
// document number.
func readIDRanks(r index.IndexReader, docs int) ([]uint32, error) {
	type numbered struct {
		doc uint32
		id  string
	}
	all := make([]numbered, 0, docs)
	err := eachLiveDoc(r, "", func(d uint64, _ func(index.DocValueVisitor) error) error {
		if d >= uint64(docs) {
			return errNoSnapshotTable
		}
		id, err := r.ExternalID(docInternalID(d))
		if err != nil {
			return err
		}
		all = append(all, numbered{uint32(d), id})
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b numbered) int { return strings.Compare(a.id, b.id) })
	ranks := make([]uint32, docs)
	for i, n := range all {
		ranks[n.doc] = uint32(i)
	}
	return ranks, nil
}

// docInternalID is the inverse of docNumber.
func docInternalID(d uint64) index.IndexInternalID {
	return binary.BigEndian.AppendUint64(make(index.IndexInternalID, 0, 8), d)
}

// readTitleKeys reads the title sort key of every live document of r.
func readTitleKeys(r index.IndexReader, docs int) ([]string, error) {
	keys := make([]string, docs)
	err := eachLiveDoc(r, fTitleKey, func(d uint64, values func(index.DocValueVisitor) error) error {
		if d >= uint64(docs) {
			return errNoSnapshotTable
		}
		return values(func(_ string, term []byte) { keys[d] = string(term) })
	})
	if err != nil {
		return nil, err
	}
	return keys, nil
}

// facetCounter counts the facet values of one search's matches.
type facetCounter struct {
	cache *snapshotCache
	count bool       // count facets
	title *titleSort // if not nil, the search's title sort, to give its keys
	ids   *idSort    // if not nil, the search's id tie-break, to give its ranks
	// hidden are the "status=…" terms of the statuses the search may not
	// show: matches that have one are dropped (nil: Bleve's query
	// excludes them).
	hidden []string
	// chosen are the "facet=value" terms of the facet values chosen, one
	// list per facet (a match must have one of each list's); nil: Bleve's
	// query asks for them.
	chosen [][]string
	total  uint64 // the matches not dropped
	table  *snapshotTable
	counts []uint32
	err    error
}

// withTables returns ctx set up so that, when Bleve's collector starts,
// fc gives the title sort its keys and the id tie-break its ranks, and so that the collector hands every
// match to fc before ranking it.
func (fc *facetCounter) withTables(ctx context.Context) context.Context {
	var handler search.MakeDocumentMatchHandler = func(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
		rank, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
		if err != nil || rank == nil {
			return rank, loadID, err
		}
		if fc.title != nil {
			keys, err := fc.cache.titleKeysFor(sctx.IndexReader)
			if err != nil {
				fc.err = err
				return rank, loadID, nil
			}
			*fc.title.keys = keys
		}
		if fc.ids != nil {
			ranks, err := fc.cache.idRanksFor(sctx.IndexReader)
			if err != nil {
				fc.err = err
				return rank, loadID, nil
			}
			*fc.ids.ranks = ranks
		}
		if !fc.needsTable() {
			return rank, loadID, nil
		}
		t, err := fc.cache.tableFor(sctx.IndexReader)
		if err != nil {
			fc.err = err
			return rank, loadID, nil
		}
		fc.table, fc.counts = t, make([]uint32, len(t.terms))
		check := t.newChecker(fc.hidden, fc.chosen)
		last := uint64(len(t.start) - 1)
		return func(d *search.DocumentMatch) error {
			if d == nil {
				return rank(d)
			}
			if n, ok := docNumber(d.IndexInternalID); ok && n < last {
				values := t.values[t.start[n]:t.start[n+1]]
				missed, hidden := check.missed(values)
				if missed != 0 || hidden {
					// a match that misses one facet's choice only is
					// counted in that facet, as if its choice were off
					if f := check.onlyFacet(missed); f >= 0 && !hidden && fc.count {
						for _, v := range values {
							if check.facetOf[v] == f {
								fc.counts[v]++
							}
						}
					}
					sctx.DocumentMatchPool.Put(d)
					return nil
				}
				if fc.count {
					for _, v := range values {
						fc.counts[v]++
					}
				}
			}
			fc.total++
			return rank(d)
		}, loadID, nil
	}
	return context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, handler)
}

// needsTable says whether the search counts facets or filters matches
// with the table.
func (fc *facetCounter) needsTable() bool { return fc.count || fc.hidden != nil || fc.chosen != nil }

// checker tells, from a document's value numbers, the facet choices it
// misses and whether its status is hidden.
type checker struct {
	hides   []bool // by value number: a hidden status
	choice  []int8 // by value number: the chosen facet it is a value chosen of, or -1
	facetOf []int8 // by value number: the chosen facet it is a value of, or -1
	all     uint8  // a bit for each chosen facet
}

// newChecker numbers the table's values for a search's hidden statuses and
// chosen facets (at most eight).
func (t *snapshotTable) newChecker(hidden []string, chosen [][]string) *checker {
	c := &checker{hides: make([]bool, len(t.terms)), choice: make([]int8, len(t.terms)), facetOf: make([]int8, len(t.terms))}
	c.all = uint8(1<<len(chosen) - 1)
	for v, term := range t.terms {
		c.hides[v] = slices.Contains(hidden, term)
		c.choice[v], c.facetOf[v] = -1, -1
		name, _, _ := strings.Cut(term, "=")
		for f, terms := range chosen {
			if n, _, _ := strings.Cut(terms[0], "="); n == name {
				c.facetOf[v] = int8(f)
			}
			if slices.Contains(terms, term) {
				c.choice[v] = int8(f)
			}
		}
	}
	return c
}

// missed returns a bit for each chosen facet none of values is a chosen
// value of, and whether one of them is a hidden status.
func (c *checker) missed(values []uint32) (missed uint8, hidden bool) {
	var have uint8
	for _, v := range values {
		hidden = hidden || c.hides[v]
		if f := c.choice[v]; f >= 0 {
			have |= 1 << f
		}
	}
	return c.all &^ have, hidden
}

// onlyFacet is the facet whose bit is the only one set in missed, or -1.
func (c *checker) onlyFacet(missed uint8) int8 {
	if missed == 0 || missed&(missed-1) != 0 {
		return -1
	}
	return int8(bits.TrailingZeros8(missed))
}

// result returns the counts as named facets, or false if the table could
// not be used.
func (fc *facetCounter) result() (map[string][]FacetValue, bool) {
	if fc.err != nil || fc.table == nil {
		return nil, false
	}
	var counted []termCount
	for v, n := range fc.counts {
		if n > 0 {
			counted = append(counted, termCount{fc.table.terms[v], int(n)})
		}
	}
	return namedFacets(counted), true
}

// termCount is a "facet=value" term and how many matches have it.
type termCount struct {
	term  string
	count int
}

// namedFacets splits counted "facet=value" terms into the named facets,
// each with its facetSize commonest values, commonest first.
func namedFacets(counted []termCount) map[string][]FacetValue {
	out := make(map[string][]FacetValue, len(FacetNames))
	for _, name := range FacetNames {
		out[name] = []FacetValue{}
	}
	for _, tc := range counted {
		name, value, ok := strings.Cut(tc.term, "=")
		if _, known := out[name]; ok && known {
			out[name] = append(out[name], FacetValue{Value: value, Count: tc.count})
		}
	}
	for name, values := range out {
		sort.SliceStable(values, func(i, j int) bool {
			if values[i].Count != values[j].Count {
				return values[i].Count > values[j].Count
			}
			return values[i].Value < values[j].Value
		})
		if len(values) > facetSize {
			values = values[:facetSize]
		}
		out[name] = values
	}
	return out
}
