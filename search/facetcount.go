package search

import (
	"context"
	"math/bits"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
)

// facetCounter counts the facet values of one search's matches.
type facetCounter struct {
	cache  *snapshotCache
	count  bool     // count facets
	sorted *keySort // if not nil, the search's title or date sort, to give its keys
	ids    *idSort  // if not nil, the search's id tie-break, to give its ranks
	// hidden are the "status=…" terms of the statuses the search may not
	// show: matches that have one are dropped (nil: Bleve's query
	// excludes them).
	hidden []string
	// chosen are the "facet=value" terms of the facet values chosen, one
	// list per facet (a match must have one of each list's); nil: Bleve's
	// query asks for them.
	chosen [][]string
	// browsing says that the search has no words and no filters but one
	// facet's choice, and only matches that choice: that facet is counted
	// over every document the search may show (the table keeps those
	// counts), the others over the matches.
	browsing bool
	total    uint64 // the matches not dropped
	table    *snapshotTable
	counts   []uint32
	err      error
}

// withTables returns ctx set up so that, when Bleve's collector starts,
// fc gives the title or date sort its keys and the id tie-break its
// ranks, and so that the collector hands every match to fc before ranking
// it (see keep). Without a table for the snapshot the collector stops
// before it reads a match, with fc.err set: the search is then made the
// Bleve way.
func (fc *facetCounter) withTables(ctx context.Context) context.Context {
	var handler search.MakeDocumentMatchHandler = func(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
		rank, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
		if err != nil || rank == nil {
			return rank, loadID, err
		}
		if fc.sorted != nil {
			keys, err := fc.cache.keysFor(sctx.IndexReader, fc.sorted.field)
			if err != nil {
				fc.err = err
				return nil, false, err
			}
			*fc.sorted.keys = keys
		}
		if fc.ids != nil {
			ranks, err := fc.cache.idRanksFor(sctx.IndexReader)
			if err != nil {
				fc.err = err
				return nil, false, err
			}
			*fc.ids.ranks = ranks
		}
		if !fc.needsTable() {
			return rank, loadID, nil
		}
		t, err := fc.cache.tableFor(sctx.IndexReader)
		if err != nil {
			fc.err = err
			return nil, false, err
		}
		fc.table, fc.counts = t, make([]uint32, len(t.terms))
		check := t.newChecker(fc.hidden, fc.chosen)
		last := uint64(len(t.start) - 1)
		return func(d *search.DocumentMatch) error {
			if d != nil {
				if n, ok := docNumber(d.IndexInternalID); ok && n < last && !fc.keep(check, n) {
					sctx.DocumentMatchPool.Put(d)
					return nil
				}
				fc.total++
			}
			return rank(d)
		}, loadID, nil
	}
	return context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, handler)
}

// keep says whether document n, a match of the search's query, is one of
// its matches (a status it may show, a value of each facet chosen), and
// counts its facet values: all of them if it is, those of the one facet
// whose choice it misses if that is all it misses (as if that choice were
// off).
func (fc *facetCounter) keep(check *checker, n uint64) bool {
	t := fc.table
	values := t.values[t.start[n]:t.start[n+1]]
	hidden := t.hidden(n, check.hides)
	missed := check.missed(values)
	if missed != 0 || hidden {
		if f := check.onlyFacet(missed); f >= 0 && !hidden && fc.count {
			for _, v := range values {
				if check.facetOf[v] == f {
					fc.counts[v]++
				}
			}
		}
		return false
	}
	if fc.count {
		for _, v := range values {
			fc.counts[v]++
		}
	}
	return true
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
	c := &checker{hides: t.marked(hidden), choice: make([]int8, len(t.terms)), facetOf: make([]int8, len(t.terms))}
	c.all = uint8(1<<len(chosen) - 1)
	facets, values := map[string]int8{}, map[string]int8{}
	for f, terms := range chosen {
		name, _, _ := strings.Cut(terms[0], "=")
		facets[name] = int8(f)
		for _, term := range terms {
			values[term] = int8(f)
		}
	}
	for v, term := range t.terms {
		c.choice[v], c.facetOf[v] = -1, -1
		name, _, _ := strings.Cut(term, "=")
		if f, ok := facets[name]; ok {
			c.facetOf[v] = f
		}
		if f, ok := values[term]; ok {
			c.choice[v] = f
		}
	}
	return c
}

// missed returns a bit for each chosen facet none of values is a chosen
// value of.
func (c *checker) missed(values []uint32) uint8 {
	if c.all == 0 {
		return 0
	}
	var have uint8
	for _, v := range values {
		if f := c.choice[v]; f >= 0 {
			have |= 1 << f
		}
	}
	return c.all &^ have
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
	if fc.browsing && fc.count {
		all := fc.cache.visibleCounts(fc.table, fc.hidden)
		name, _, _ := strings.Cut(fc.chosen[0][0], "=")
		for v, term := range fc.table.terms {
			if n, _, _ := strings.Cut(term, "="); n == name {
				fc.counts[v] = all[v]
			}
		}
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
