package search

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
)

// Filters narrow a search. Each holds the values accepted for a field (any
// of them matches); empty fields do not filter.
type Filters struct {
	Kind, Event, Session, Topic, Country, Language, Year []string
	// Label matches records with a file of one of these labels (fulltext,
	// slides...); HasFulltext records with a file whose text is searched.
	Label       []string
	HasFulltext bool
	// Contributor matches records with a contributor whose name has all
	// these words, in any script.
	Contributor string
	// From and To bound the date (YYYY, YYYY-MM or YYYY-MM-DD), inclusive.
	From, To string
	// Statuses the caller may see; empty means published only.
	Statuses []catalog.Status
}

// Sort orders.
const (
	SortRelevance = "relevance"
	SortDate      = "date"
	SortDateDesc  = "-date"
	SortTitle     = "title"
)

// Request is a search.
type Request struct {
	Query   string
	Filters Filters
	Sort    string // SortRelevance (default), SortDate, SortDateDesc, SortTitle
	Size    int    // default 20, at most 100
	After   string // the Next cursor of the previous page
	// PlainText searches Query as plain words, without phrases,
	// exclusions or fields (see PlainClauses).
	PlainText bool
	// NoFacets skips counting facets, which exports and evaluations, paging
	// through everything, do not need.
	NoFacets bool
	// AllFiles lets the text of restricted and embargoed files be searched
	// (librarians); without it only open files' text is.
	AllFiles bool
	// SortLanguage is the interface language a title sort follows: its
	// script's titles come first (Cyrillic in "ru", Han in "zh", Latin
	// otherwise).
	SortLanguage string
	// Page, when After is empty, is the page of results to return
	// (1-based; Size results a page, at most MaxPage).
	Page int
	// countOnly is set on the searches that count one facet as if its own
	// selection were off (disjunctive faceting): they are not counted
	// again.
	countOnly bool
}

// MaxPage is the deepest numbered page a search returns: beyond it, the
// cursor (After) pages on.
const MaxPage = 50

// Hit is one matching record. Its highlights are made by a Highlighter
// from the record itself.
type Hit struct {
	ID    string
	Score float64
	// Pages are the record's pages whose text matched, best first (at most
	// pagesPerHit).
	Pages []PageHit
}

// Full text in a search: how many matching pages are gathered, and how
// many of a record's are returned with it.
const (
	maxPageHits = 2000
	pagesPerHit = 3
)

// FacetValue is one value of a facet and how many matching records have it.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// FacetNames are the facets every search counts.
var FacetNames = []string{"kind", "topic", "country", "language", "year", "event", "session", "label"}

// Result is one page of a search.
type Result struct {
	Total  uint64
	Hits   []Hit
	Facets map[string][]FacetValue
	Next   string // empty on the last page
	// Page is the page returned, when the request asked for one.
	Page int
	// DidYouMean is the query with the words the index does not know
	// replaced by the closest it does ("artificial intelligence" for
	// "artifical intelligense"); they were searched for too. Empty when
	// every word is known.
	DidYouMean string
}

// Search runs a search. EMALFORMED for an unknown query field or a bad
// cursor or filter, EUNAVAILABLE while the index is first being built or
// rebuilt. A damaged index (the library panics on it) is dropped and
// rebuilt from the store; the search answers EUNAVAILABLE meanwhile.
func (ix *Index) Search(ctx context.Context, r Request) (*Result, error) {
	var res *Result
	err := ix.withBudget(ctx, func(ctx context.Context) error {
		return guard("searching", func() (err error) { res, err = ix.search(ctx, r); return err })
	})
	if err != nil && catalog.ErrorCode(err) == catalog.EINTERNAL && ctx.Err() == nil {
		err = cmp.Or(ix.verifyAfterError(), err) // a library error may be a damaged segment
	}
	if d := (*DamagedError)(nil); errors.As(err, &d) {
		ix.dropDamaged(err)
		return nil, catalog.Errorf(catalog.EUNAVAILABLE, "The search index was found damaged and is being rebuilt from the catalogue; try again in a minute.")
	}
	return res, err
}

func (ix *Index) search(ctx context.Context, r Request) (*Result, error) {
	clauses, err := ParseQuery(r.Query)
	if r.PlainText {
		clauses, err = PlainClauses(r.Query), nil
	}
	if err != nil {
		return nil, err
	}
	if clauses, err = checkQuery(r.Query, clauses); err != nil {
		return nil, err
	}
	filters, err := filterQueries(r.Filters)
	if err != nil {
		return nil, err
	}
	size := r.Size
	if size <= 0 {
		size = catalog.DefaultPageSize
	}
	size = min(size, catalog.MaxPageSize)
	ix.mu.RLock()
	bi := ix.bi
	status := ix.status
	ix.mu.RUnlock()
	if bi == nil {
		if status.Total == 0 {
			return nil, catalog.Errorf(catalog.EUNAVAILABLE, "The search index is being built; try again shortly.")
		}
		return nil, catalog.Errorf(catalog.EUNAVAILABLE, "The search index is being built (%d of %d records); try again shortly.", status.Done, status.Total)
	}
	isContent := contentWords(bi)
	fixes, err := corrections(ctx, bi, clauses)
	if err != nil {
		return nil, fmt.Errorf("search spelling: %w", err)
	}
	clauses, suggestion := withCorrections(r.Query, clauses, fixes)
	expansion, err := ix.feedback(ctx, bi, clauses, filters, isContent)
	if err != nil {
		return nil, fmt.Errorf("search feedback: %w", err)
	}
	var byRecord map[string][]PageHit
	if ix.opts.Pages != nil {
		vis := PageVisibility{Statuses: r.Filters.Statuses, AllFiles: r.AllFiles, Today: time.Now().UTC().Format(time.DateOnly)}
		hits, err := ix.opts.Pages.Search(ctx, clauses, vis, maxPageHits)
		if err != nil {
			return nil, fmt.Errorf("search pages: %w", err)
		}
		byRecord = PagesOf(hits)
	}
	from := 0
	if r.After == "" && r.Page > 1 {
		if r.Page > MaxPage {
			return nil, badFilter("page", fmt.Sprintf("%d is past the last numbered page, %d; follow next from there", r.Page, MaxPage))
		}
		from = (r.Page - 1) * size
	}
	// the facet table checks each match's status and facet choices,
	// unless it cannot be used (then the search is made again with them
	// in Bleve's query: see filterSet)
	filters.byTable = !ix.tables.off
	fulltext := fulltextQuery(byRecord)
	req := bleve.NewSearchRequestOptions(buildQuery(clauses, filters, isContent, expansion, fulltext), size, from, false)
	order, err := sortOrder(r.Sort)
	if err != nil {
		return nil, err
	}
	counter := &facetCounter{cache: &ix.tables, count: !r.NoFacets}
	if filters.byTable {
		counter.hidden, counter.chosen, counter.browsing = filters.hidden, filters.chosenTerms, filters.browsing(clauses)
	}
	switch {
	case ix.tables.off || r.countOnly:
	case r.Sort == SortTitle:
		counter.sorted = newTitleSort(r.SortLanguage)
	case r.Sort == SortDate || r.Sort == SortDateDesc:
		counter.sorted = newDateSort(r.Sort == SortDateDesc)
	}
	if counter.sorted != nil {
		order = search.SortOrder{counter.sorted, order[1]}
	}
	if r.After == "" && !ix.tables.off && !r.countOnly {
		// ties broken by the table's order of ids, not by reading every
		// match's id; a search after a cursor uses Bleve's (see idSort)
		if byID, ok := order[len(order)-1].(*search.SortDocID); ok {
			counter.ids = &idSort{ranks: new(string), desc: byID.Desc}
			order = append(slices.Clone(order[:len(order)-1]), counter.ids)
		}
	}
	if r.countOnly {
		// its hits are not read: an order that needs neither a field's
		// values nor the ids of the matches (a date order with the id as
		// tie-break read both for every match: most of a filtered
		// search's time, counted facet by facet). Scored, though: without
		// scores Bleve stops at the first match, and the counts need all.
		order = search.SortOrder{&search.SortScore{Desc: true}}
	}
	req.SortByCustom(order)
	if r.After != "" {
		after, err := decodeAfter(r.After, cursorSort(r), len(order))
		if err != nil {
			return nil, err
		}
		req.SearchAfter = after
	}
	if (r.Sort != "" && r.Sort != SortRelevance || len(clauses) == 0) && !r.countOnly {
		// the order does not depend on scores, or there are none: the
		// filters of a search without words do not rank it (its matches
		// come in the order of their ids)
		req.Score = bleve.ScoreNone
	}
	sctx := ctx
	if counter.needsTable() || counter.sorted != nil || counter.ids != nil {
		sctx = counter.withTables(ctx)
	}
	res, err := bi.SearchInContext(sctx, req)
	if err != nil && counter.err == nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	found, counted := counter.result()
	if counted && filters.byTable {
		res.Total = counter.total // Bleve's counts the matches the table dropped
	}
	if counter.err != nil || (counter.needsTable() && !counted) {
		// The snapshot could not be tabled: exclude, sort and count the
		// Bleve way.
		filters.byTable = false
		req.Query = buildQuery(clauses, filters, isContent, expansion, fulltext)
		plain, _ := sortOrder(r.Sort)
		req.SortByCustom(plain)
		if counter.count {
			req.AddFacet(fFacets, bleve.NewFacetRequest(fFacets, maxFacetValues))
		}
		if res, err = bi.SearchInContext(ctx, req); err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		found = facets(res.Facets)
	}
	if found == nil {
		found = namedFacets(nil)
	}
	out := &Result{Total: res.Total, Hits: make([]Hit, len(res.Hits)), Facets: found, DidYouMean: suggestion}
	if r.Page > 0 && r.After == "" {
		out.Page = r.Page
	}
	if !r.NoFacets && !r.countOnly && !filters.byTable {
		if err := ix.countDisjunctive(ctx, r, out.Facets); err != nil {
			return nil, err
		}
	}
	for i, h := range res.Hits {
		pages := byRecord[h.ID]
		out.Hits[i] = Hit{ID: h.ID, Score: h.Score, Pages: pages[:min(len(pages), pagesPerHit)]}
	}
	if len(res.Hits) == size && uint64(size) < res.Total {
		out.Next = encodeAfter(cursorSort(r), order, res.Hits[len(res.Hits)-1])
	}
	return out, nil
}

// countDisjunctive counts each facet that has values chosen as if its own
// choice were off, the others on: the values a person can add to a choice
// (ORed) stay in sight with their counts, where counting with the choice
// on would leave only the chosen ones. This is the Bleve way, a search more
// for each such facet; a search with a facet table counts them as it goes
// (see filterSet).
func (ix *Index) countDisjunctive(ctx context.Context, r Request, found map[string][]FacetValue) error {
	for _, c := range facetChoices(&r.Filters) {
		other := r
		for _, o := range facetChoices(&other.Filters) {
			if o.name == c.name {
				*o.values = nil
			}
		}
		other.Size, other.After, other.Page, other.Sort, other.countOnly = 1, "", 0, SortDate, true
		res, err := ix.search(ctx, other)
		if err != nil {
			return err
		}
		found[c.name] = res.Facets[c.name]
	}
	return nil
}

// contentWords tells stop words from meaningful ones with the analyzer of
// the word's script.
func contentWords(bi bleve.Index) wordFilter {
	m := bi.Mapping()
	return func(word string) bool {
		an := m.AnalyzerNamed(analyzerOf[familyByScript(word)])
		return an == nil || len(an.Analyze([]byte(word))) > 0
	}
}

func sortOrder(name string) (search.SortOrder, error) {
	id := &search.SortDocID{}
	switch name {
	case "", SortRelevance:
		return search.SortOrder{&search.SortScore{Desc: true}, id}, nil
	case SortDate:
		return search.SortOrder{&search.SortField{Field: fDate, Missing: search.SortFieldMissingLast}, id}, nil
	case SortDateDesc:
		return search.SortOrder{&search.SortField{Field: fDate, Desc: true, Missing: search.SortFieldMissingLast}, &search.SortDocID{Desc: true}}, nil
	case SortTitle:
		return search.SortOrder{&search.SortField{Field: fTitleKey, Missing: search.SortFieldMissingLast}, id}, nil
	}
	return nil, badFilter("sort", fmt.Sprintf("%q is not a sort order; use relevance, date, -date or title", name))
}

// cursorSort names a request's order in its cursor: a title sort's
// depends on the language.
func cursorSort(r Request) string {
	if r.Sort == SortTitle && (r.SortLanguage == "ru" || r.SortLanguage == "zh") {
		return r.Sort + ":" + r.SortLanguage
	}
	return r.Sort
}

// cursor is what Next encodes: the sort it belongs to and the sort values
// of the last hit of the page.
type cursor struct {
	Sort  string   `json:"s"`
	After []string `json:"a"`
}

func encodeAfter(sortName string, order search.SortOrder, last *search.DocumentMatch) string {
	after := make([]string, len(order))
	for i, o := range order {
		switch o.(type) {
		case *search.SortScore:
			after[i] = strconv.FormatFloat(last.Score, 'g', -1, 64)
		case *search.SortDocID, *idSort:
			after[i] = last.ID
		default:
			after[i] = last.Sort[i]
		}
	}
	b, _ := json.Marshal(cursor{Sort: sortName, After: after})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeAfter(s, sortName string, n int) ([]string, error) {
	bad := catalog.BadCursor("after")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	var c cursor
	if json.Unmarshal(b, &c) != nil || len(c.After) != n {
		return nil, bad
	}
	if c.Sort != sortName {
		return nil, badFilter("after", "belongs to another sort order; start again without it")
	}
	return c.After, nil
}

// maxFacetValues bounds how many values of all facets together are
// counted; each facet then keeps its facetSize commonest.
const (
	maxFacetValues = 10000
	facetSize      = 50
)

// facets splits the combined facet field's counts into the named facets.
func facets(fr search.FacetResults) map[string][]FacetValue {
	var counted []termCount
	if f, ok := fr[fFacets]; ok && f.Terms != nil {
		for _, t := range f.Terms.Terms() {
			counted = append(counted, termCount{t.Term, t.Count})
		}
	}
	return namedFacets(counted)
}

// AllMatches pages through every match of a request, in its order, and
// returns their ids (for exports, which take everything).
func (ix *Index) AllMatches(ctx context.Context, r Request) ([]string, error) {
	r.Size, r.NoFacets, r.After = catalog.MaxPageSize, true, ""
	var ids []string
	for {
		res, err := ix.Search(ctx, r)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if res.Next == "" {
			return ids, nil
		}
		r.After = res.Next
	}
}
