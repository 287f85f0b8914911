package search

import (
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Field weights: a word in a title says more about a record than the same
// word in its abstract.
const (
	boostTitle    = 3.0
	boostKeywords = 1.5
	boostNames    = 2.0
	boostLatin    = 1.5
	boostAbstract = 1.0
	boostNearby   = 2.0 // the free words of a query, next to each other in a title
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
	case "abstract":
		add(fAbstract, boostAbstract)
	case "keyword":
		add(fKeywords, boostKeywords)
	case "name":
		out = append(out, weightedField{name: fNames, boost: boostNames, latin: true})
	default:
		add(fTitle, boostTitle)
		add(fKeywords, boostKeywords)
		add(fAbstract, boostAbstract)
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
}

// clauseQuery is the Bleve query for one clause.
func clauseQuery(c Clause) query.Query {
	if norm, ok := keywordFields[c.Field]; ok {
		q := bleve.NewTermQuery(norm(c.Text))
		q.SetField(c.Field)
		return q
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
		loose := bleve.NewMatchQuery(text)
		loose.SetField(f.name)
		loose.SetBoost(f.boost)
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
// match; of the free words at least one must, and the more of them a record
// has, and the better placed, the higher it ranks; excluded clauses must
// not match; filters must.
func buildQuery(clauses []Clause, filters []query.Query) query.Query {
	var must, should, mustNot []query.Query
	var free []string
	for _, c := range clauses {
		q := clauseQuery(c)
		switch {
		case c.Exclude:
			mustNot = append(mustNot, q)
		case c.Phrase || c.Field != "":
			must = append(must, q)
		default:
			should = append(should, q)
			free = append(free, c.Text)
		}
	}
	if len(free) > 1 { // reward the free words standing together in a title
		var near []query.Query
		for _, f := range partFields(fTitle) {
			q := bleve.NewMatchPhraseQuery(strings.Join(free, " "))
			q.SetField(f)
			q.SetBoost(boostNearby)
			near = append(near, q)
		}
		should = append(should, bleve.NewDisjunctionQuery(near...))
	}
	must = append(must, filters...)
	if len(must) == 0 && len(should) == 0 {
		must = append(must, bleve.NewMatchAllQuery())
	}
	b := bleve.NewBooleanQuery()
	if len(must) > 0 {
		b.AddMust(must...)
	}
	if len(should) > 0 {
		b.AddShould(should...)
		b.SetMinShould(1) // at least one free word must match; more rank higher
	}
	if len(mustNot) > 0 {
		b.AddMustNot(mustNot...)
	}
	return b
}
