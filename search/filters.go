package search

import (
	"fmt"
	"slices"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// filterSet is what filters ask of every hit: queries it must match, facet
// values it must have, and statuses it must not have.
//
// The facet choices and the hidden statuses are applied in one of two
// ways. Bleve's (chosen and hide in the query) costs a conjunction or an
// exclusion walked in step with the words, about half of a typical
// search's time, and a search more for each facet with values chosen (its
// counts as if its choice were off). With byTable, buildQuery leaves them
// out and the search's facet table (see facetCounter) checks each match's
// values instead, counting every facet as if its own choice were off in
// the same pass; a search whose snapshot has no table is made again the
// Bleve way.
type filterSet struct {
	must []query.Query // contributor, dates, has-fulltext
	// chosen is one query per facet with values chosen (any of them
	// matches), and chosenTerms their "facet=value" terms, in the same
	// order.
	chosen      []query.Query
	chosenTerms [][]string
	// hidden are the "status=…" terms of the statuses the search may not
	// show, and hide the query that excludes them.
	hidden  []string
	hide    query.Query
	byTable bool
	from    Filters // what they were made of
}

// browsing says whether a search of clauses with these filters only browses
// one facet's choice: no words, no other filters (see facetCounter).
func (fs *filterSet) browsing(clauses []Clause) bool {
	return fs.byTable && len(clauses) == 0 && len(fs.must) == 0 && len(fs.chosen) == 1
}

// facetChoices lists the facets of f with values chosen, in FacetNames'
// order.
func facetChoices(f *Filters) []struct {
	name   string
	values *[]string
} {
	all := []struct {
		name   string
		values *[]string
	}{{fKind, &f.Kind}, {fTopic, &f.Topic}, {fCountry, &f.Country}, {fLanguage, &f.Language},
		{fYear, &f.Year}, {fEvent, &f.Event}, {fSession, &f.Session}, {fLabel, &f.Label}}
	return slices.DeleteFunc(all, func(c struct {
		name   string
		values *[]string
	}) bool {
		return len(*c.values) == 0
	})
}

// filterQueries turns filters into queries.
func filterQueries(f Filters) (filterSet, error) {
	fs := filterSet{from: f}
	for _, c := range facetChoices(&f) {
		norm := keywordFields[c.name]
		terms := make([]string, len(*c.values))
		for i, v := range *c.values {
			terms[i] = facetTerm(c.name, norm(v))
		}
		fs.chosen = append(fs.chosen, termsQuery(c.name, *c.values, norm))
		fs.chosenTerms = append(fs.chosenTerms, terms)
	}
	if f.HasFulltext {
		fs.must = append(fs.must, termsQuery(fFulltext, []string{"yes"}, strings.TrimSpace))
	}
	statuses := f.Statuses
	if len(statuses) == 0 {
		statuses = []catalog.Status{catalog.StatusPublished}
	}
	// Nearly every record is published, so a search excludes the
	// statuses it may not see (a short list to skip) rather than requiring
	// the ones it may (a list as long as the catalogue to walk).
	var hidden []string
	for _, s := range catalog.RecordStatuses() {
		if !slices.Contains(statuses, s) {
			hidden = append(hidden, string(s))
			fs.hidden = append(fs.hidden, facetTerm(fStatus, string(s)))
		}
	}
	if len(hidden) > 0 {
		fs.hide = termsQuery(fStatus, hidden, strings.TrimSpace)
	}
	if f.Contributor != "" {
		fs.must = append(fs.must, nameQuery(strings.Fields(f.Contributor), 1))
	}
	if f.From != "" || f.To != "" {
		q, err := datesQuery(f.From, f.To)
		if err != nil {
			return filterSet{}, err
		}
		fs.must = append(fs.must, q)
	}
	return fs, nil
}

// datesQuery matches records dated from from to to (either may be empty).
func datesQuery(from, to string) (query.Query, error) {
	for name, d := range map[string]string{"from": from, "to": to} {
		if d != "" && !catalog.ValidDate(d) {
			return nil, badFilter(name, fmt.Sprintf("%q must be YYYY, YYYY-MM or YYYY-MM-DD", d))
		}
	}
	// Dates are ISO strings, which sort as dates; "to" takes in every
	// date that starts with it ("2025" takes in "2025-12-31").
	var min, max string
	if from != "" {
		min = from
	}
	if to != "" {
		max = to + "\uffff"
	}
	q := bleve.NewTermRangeQuery(min, max)
	q.SetField(fDate)
	return q, nil
}

// termsQuery matches records with any of values (written the index's way
// by norm) for a facet or the status.
func termsQuery(field string, values []string, norm func(string) string) query.Query {
	var qs []query.Query
	for _, v := range values {
		q := bleve.NewTermQuery(facetTerm(field, norm(v)))
		q.SetField(fFacets)
		qs = append(qs, q)
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return bleve.NewDisjunctionQuery(qs...)
}

func badFilter(name, msg string) error {
	return &catalog.Error{Code: catalog.EMALFORMED, Message: "A filter has a bad value.",
		Fields: []catalog.FieldError{{Field: name, Message: msg}}}
}
