package search

import (
	"context"
	"encoding/binary"
	"errors"
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
// order, with its number and a function that visits its values of field.
func eachLiveDoc(r index.IndexReader, field string, fn func(d uint64, values func(index.DocValueVisitor) error) error) error {
	ids, err := r.DocIDReaderAll()
	if err != nil {
		return err
	}
	defer ids.Close()
	dv, err := r.DocValueReader([]string{field})
	if err != nil {
		return err
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

// titleSort orders matches by title like a Bleve sort on the title key
// field, but takes each match's key from the snapshot's table instead of
// decoding its doc values.
type titleSort struct {
	keys *[]string // shared by copies; filled when the collector starts
	desc bool
	// rank replaces a key's script byte (scriptLatin, scriptCyrillic,
	// scriptHan, in that order) so that the interface language's script
	// sorts first.
	rank [3]byte
}

// newTitleSort sorts by title with lang's script first: Cyrillic in
// Russian (as GOST bibliographies are ordered), Han in Chinese (as GB/T
// 7714's are), Latin otherwise; the other scripts follow in the order
// Latin, Cyrillic, Han.
func newTitleSort(lang string) *titleSort {
	// rank[i] is the byte that replaces scriptLatin+i: the identity keeps
	// the keys as Bleve's own sort on the field sees them.
	s := &titleSort{keys: new([]string), rank: [3]byte{scriptLatin, scriptCyrillic, scriptHan}}
	switch lang {
	case "ru":
		s.rank = [3]byte{scriptCyrillic, scriptLatin, scriptHan}
	case "zh":
		s.rank = [3]byte{scriptCyrillic, scriptHan, scriptLatin}
	}
	return s
}

// UpdateVisitor is not used: the sort reads no fields.
func (s *titleSort) UpdateVisitor(string, []byte) {}

// Value is the match's title key; a match without one sorts last.
func (s *titleSort) Value(d *search.DocumentMatch) string {
	keys := *s.keys
	if n, ok := docNumber(d.IndexInternalID); ok && n < uint64(len(keys)) && keys[n] != "" {
		k := keys[n]
		if i := int(k[0]) - scriptLatin; i >= 0 && i < len(s.rank) && s.rank[i] != k[0] {
			return string(s.rank[i]) + k[1:]
		}
		return k
	}
	if s.desc {
		return search.LowTerm
	}
	return search.HighTerm
}

// DecodeValue returns the key as it is.
func (s *titleSort) DecodeValue(v string) string { return v }

// Descending reports the direction.
func (s *titleSort) Descending() bool { return s.desc }

// RequiresDocID is false: the key comes by document number.
func (s *titleSort) RequiresDocID() bool { return false }

// RequiresScoring is false.
func (s *titleSort) RequiresScoring() bool { return false }

// RequiresFields is empty: no doc values are visited.
func (s *titleSort) RequiresFields() []string { return nil }

// Reverse flips the direction.
func (s *titleSort) Reverse() { s.desc = !s.desc }

// Copy shares the keys.
func (s *titleSort) Copy() search.SearchSort {
	return &titleSort{keys: s.keys, desc: s.desc, rank: s.rank}
}

// facetCounter counts the facet values of one search's matches.
type facetCounter struct {
	cache  *snapshotCache
	count  bool       // count facets
	title  *titleSort // if not nil, the search's title sort, to give its keys
	table  *snapshotTable
	counts []uint32
	err    error
}

// withTables returns ctx set up so that, when Bleve's collector starts,
// fc gives the title sort its keys, and so that the collector hands every
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
		if !fc.count {
			return rank, loadID, nil
		}
		t, err := fc.cache.tableFor(sctx.IndexReader)
		if err != nil {
			fc.err = err
			return rank, loadID, nil
		}
		fc.table, fc.counts = t, make([]uint32, len(t.terms))
		last := uint64(len(t.start) - 1)
		return func(d *search.DocumentMatch) error {
			if d != nil {
				if n, ok := docNumber(d.IndexInternalID); ok && n < last {
					for _, v := range t.values[t.start[n]:t.start[n+1]] {
						fc.counts[v]++
					}
				}
			}
			return rank(d)
		}, loadID, nil
	}
	return context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, handler)
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
