package search

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Field weights: a word in a title says more about a record than the same
// word in its abstract.
const (
	boostTitle    = 0.5 // on top of the title's words in the whole text (tuned on CISI and Cranfield)
	boostKeywords = 1.5
	boostNames    = 2.0 // name: clauses
	boostLatin    = 1.5 // title: clauses, on transliterated titles
	boostAbstract = 1.0
	boostNearby   = 2.0 // a run of Han characters in its order
	// boostPerson ranks the records of a person the free words name (all
	// of them, in any script or romanisation) above records that only
	// share the syllables elsewhere (the pinyin of a title).
	boostPerson = 6.0
	// boostHanTitle ranks a Chinese query found as one run in a title
	// above topic, keyword and scattered-bigram matches.
	boostHanTitle = 4.0
	// boostSpell weighs the folded, unstemmed words of titles, keywords
	// and names: they find what the stemmed text misses, ranked low.
	boostSpell = 0.05
	// boostExact ranks the words as typed, unfolded, in titles, keywords
	// and names above their folded forms, and little else.
	boostExact = 0.3
)

// textField names for one part across every family.
func partFields(part string) []string {
	out := make([]string, len(families))
	for i, fam := range families {
		out[i] = textField(part, fam)
	}
	return out
}

// weightedField is a field a text clause searches and its weight.
type weightedField struct {
	name  string
	boost float64
	latin bool // searched with the Latin forms of the words too
}

// textFields lists the fields a clause on field (a query field name, or ""
// for all text) searches.
func textFields(field string) []weightedField {
	var out []weightedField
	add := func(part string, boost float64) {
		for _, f := range partFields(part) {
			out = append(out, weightedField{name: f, boost: boost})
		}
	}
	switch field {
	case "title":
		add(fTitle, boostTitle)
		out = append(out, weightedField{name: fLatin, boost: boostLatin, latin: true})
	case "abstract": // abstracts are indexed only within the whole text
		add(fText, boostAbstract)
	case "keyword":
		add(fKeywords, boostKeywords)
	case "name":
		out = append(out, weightedField{name: fNames, boost: boostNames, latin: true})
	default:
		add(fTitle, boostTitle)
		add(fKeywords, boostKeywords)
		add(fText, boostAbstract)
		out = append(out, weightedField{name: fNames, boost: boostNames, latin: true},
			weightedField{name: fLatin, boost: boostLatin, latin: true})
	}
	return out
}

// keywordFields are the query fields that match one keyword term, with how
// their values are written in the index.
var keywordFields = map[string]func(string) string{
	"kind": strings.ToLower, "topic": strings.ToLower, "country": strings.ToUpper,
	"language": baseLanguage, "year": strings.TrimSpace, "event": strings.TrimSpace, "session": strings.TrimSpace,
	"label": strings.ToLower,
}

// clauseQuery is the Bleve query for one clause.
func clauseQuery(c Clause) query.Query {
	if norm, ok := keywordFields[c.Field]; ok {
		return termsQuery(c.Field, []string{c.Text}, norm)
	}
	var parts []query.Query
	for _, f := range textFields(c.Field) {
		texts := []string{c.Text}
		if f.latin {
			texts = append(texts, LatinForms(c.Text)...)
		}
		for _, text := range texts {
			parts = append(parts, textQuery(f, text, c))
		}
	}
	return bleve.NewDisjunctionQuery(parts...)
}

func textQuery(f weightedField, text string, c Clause) query.Query {
	if !c.Phrase && !c.Fuzzy && strings.ContainsFunc(text, isHan) {
		// Han text has no spaces, so one typed "word" is many bigrams:
		// any of them matches, the whole run in order ranks far higher.
		loose := bleve.NewMatchQuery(distinctBigrams(text))
		loose.SetField(f.name)
		loose.SetBoost(f.boost)
		if utf8.RuneCountInString(text) > maxHanPhrase {
			return loose
		}
		exact := bleve.NewMatchPhraseQuery(text)
		exact.SetField(f.name)
		exact.SetBoost(f.boost * boostNearby)
		return bleve.NewDisjunctionQuery(loose, exact)
	}
	if c.Phrase {
		q := bleve.NewMatchPhraseQuery(text)
		q.SetField(f.name)
		q.SetBoost(f.boost)
		return q
	}
	q := bleve.NewMatchQuery(text)
	q.SetField(f.name)
	q.SetBoost(f.boost)
	if c.Fuzzy {
		q.SetFuzziness(fuzziness(text))
	}
	return q
}

// fuzziness allows one edit in short words and two in longer ones.
func fuzziness(word string) int {
	if len([]rune(word)) <= 5 {
		return 1
	}
	return 2
}

// buildQuery combines clauses and filters. Phrases and field clauses must
// match; of the free words at least one must, and the more of them a
// record has and the more in its title, the higher it ranks; excluded
// clauses must not match; filters must. The expansion of a verbose query
// (see feedback), if any, stands beside the free words. fulltext, when not
// nil, matches the records with a page that has the query's words
// (fulltextQuery): such a record matches the words and phrases by its
// files alone; text: clauses are matched by files only.
//
// Filters narrow what the words find without changing its order (Bleve's
// filter: a quarter of the cost of a conjunction with the words, which
// also scored them); with no words they are what is searched.
func buildQuery(clauses []Clause, filters filterSet, isContent wordFilter, expansion, fulltext query.Query) query.Query {
	var must, should, mustNot, textMust []query.Query
	var free []Clause
	inFilesOnly := false
	for _, c := range clauses {
		switch {
		case c.Field == "text":
			inFilesOnly = inFilesOnly || !c.Exclude // the pages searched honour it
		case c.Exclude:
			mustNot = append(mustNot, clauseQuery(c))
		case c.Phrase && c.Field == "":
			textMust = append(textMust, clauseQuery(c))
		case c.Field != "":
			must = append(must, clauseQuery(c))
		default:
			free = append(free, c)
		}
	}
	if len(free) > 0 {
		text, rank := freeText(free, isContent)
		if expansion != nil { // feedback words may also find records on their own
			text = bleve.NewDisjunctionQuery(text, expansion)
		}
		textMust = append(textMust, text)
		should = append(should, rank...)
	}
	switch {
	case inFilesOnly && fulltext == nil:
		must = append(must, bleve.NewMatchNoneQuery())
	case inFilesOnly:
		must = append(must, fulltext)
	case len(textMust) > 0 && fulltext != nil:
		var inRecord query.Query = bleve.NewConjunctionQuery(textMust...)
		if len(textMust) == 1 {
			inRecord = textMust[0]
		}
		must = append(must, bleve.NewDisjunctionQuery(inRecord, fulltext))
	default:
		must = append(must, textMust...)
	}
	filter := slices.Clone(filters.must)
	switch {
	case !filters.byTable:
		filter = append(filter, filters.chosen...)
		if filters.hide != nil {
			mustNot = append(mustNot, filters.hide)
		}
	case filters.browsing(clauses):
		// one facet browsed: its choice finds the matches (the table
		// counts the facet over every document)
		filter = append(filter, filters.chosen[0])
	case len(filters.chosen) > 1:
		// the table counts a match that misses one facet's choice in
		// that facet: only those that miss two or more can be left out
		some := bleve.NewDisjunctionQuery(filters.chosen...)
		some.SetMin(float64(len(filters.chosen) - 1))
		filter = append(filter, some)
	}
	if len(must) == 0 {
		// no words: the filters find the matches
		must, filter = filter, nil
	}
	if len(must) == 0 {
		must = append(must, bleve.NewMatchAllQuery())
	}
	b := bleve.NewBooleanQuery()
	if len(must) == 1 {
		b.Must = must[0] // not wrapped in a conjunction of one
	} else {
		b.AddMust(must...)
	}
	switch len(filter) {
	case 0:
	case 1:
		b.Filter = filter[0] // matched, not scored: a filter does not rank
	default:
		b.Filter = bleve.NewConjunctionQuery(filter...)
	}
	if len(should) > 0 {
		b.AddShould(should...)
	}
	if len(mustNot) > 0 {
		b.AddMustNot(mustNot...)
	}
	return b
}

// Full text in the ranking: a record found by its files scores its best
// page's score times boostFulltext, below a match of the same strength in
// its title, names or abstract; records are grouped into at most
// fulltextGroups score levels (one DocID query each).
const (
	boostFulltext  = 0.5
	fulltextGroups = 8
)

// fulltextQuery matches the records with matching pages, each scored by
// its best page; nil when there are none.
func fulltextQuery(byRecord map[string][]PageHit) query.Query {
	if len(byRecord) == 0 {
		return nil
	}
	type scored struct {
		id    string
		score float64
	}
	var records []scored
	for id, pages := range byRecord {
		records = append(records, scored{id, pages[0].Score})
	}
	slices.SortFunc(records, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	per := (len(records) + fulltextGroups - 1) / fulltextGroups
	var groups []query.Query
	for start := 0; start < len(records); start += per {
		end := min(start+per, len(records))
		ids := make([]string, 0, end-start)
		for _, r := range records[start:end] {
			ids = append(ids, r.id)
		}
		q := bleve.NewDocIDQuery(ids)
		q.SetBoost(boostFulltext * records[start].score)
		groups = append(groups, q)
	}
	if len(groups) == 1 {
		return groups[0]
	}
	return bleve.NewDisjunctionQuery(groups...)
}
