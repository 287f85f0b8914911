package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// foldable reports whether folding changes w: a Latin letter with a mark
// (ć, ş, ß), ё, a letter the fold filter maps (қ, ў, і...), an apostrophe.
func foldable(w string) bool {
	for _, r := range strings.ToLower(w) {
		if _, ok := folded[r]; ok || r == 'ё' || (r > unicode.MaxASCII && unicode.Is(unicode.Latin, r)) {
			return true
		}
	}
	return false
}

// wordFilter reports whether a word carries meaning in its language (is
// not a stop word); the index answers it with its analyzers.
type wordFilter func(word string) bool

// freeText is the query for the free words: one BM25 over the combined
// text of each language family (titles, abstracts, keywords and names),
// which every match must satisfy for at least one word; and, to order the
// matches, optional clauses for the words in titles and for runs of Han
// characters in titles. (Phrase clauses for adjacent query words were
// measured too: within 1% of MAP either way on CISI and Cranfield, for a
// quarter of the query time; see BENCHMARKS.md. So was a phrase clause
// for a run of three or more Han characters in the whole text: its
// bigrams, the one that joins the run's halves included, already rank a
// text with the run; at 100,000 records the first hit of eight Chinese
// queries was the same without it, their top ten 8-10 the same, and
// "人工智能" took 5 ms instead of 25.)
func freeText(words []Clause, isContent wordFilter) (must query.Query, should []query.Query) {
	var plain, all []string
	var parts []query.Query
	for _, w := range words {
		all = append(all, w.Text)
		if w.Fuzzy {
			// the text fields hold stems ("intellig"), too far from a typo
			// ("intelligense"): the spelling dictionary holds the words
			for _, field := range append(partFields(fText), fSpell, fNames) {
				q := bleve.NewMatchQuery(w.Text)
				q.SetField(field)
				q.SetFuzziness(fuzziness(w.Text))
				parts = append(parts, q)
			}
			continue
		}
		plain = append(plain, w.Text)
	}
	if len(plain) > 0 {
		// Words in other scripts are also searched in Latin letters, so
		// that "Алдошин" finds a record with only "Aldoshin" and 张天 one
		// with "Zhang Tian".
		terms := plain
		for _, w := range plain {
			if !isContent(w) {
				continue
			}
			if !strings.ContainsFunc(w, isHan) {
				terms = append(terms, LatinForms(w)...)
				continue
			}
			// Pinyin syllables are ambiguous ("he" is 和, 合, 河 and more):
			// in text only the joined form ("hezuo", "jinan"); the
			// syllables only in names, all of them (王芳: "wang" and "fang").
			for _, form := range LatinForms(w) {
				if !strings.Contains(form, " ") {
					terms = append(terms, form)
					continue
				}
				q := bleve.NewMatchQuery(form)
				q.SetField(fNames)
				q.SetOperator(query.MatchQueryOperatorAnd)
				parts = append(parts, q)
			}
		}
		text := strings.Join(terms, " ")
		for _, fam := range families {
			q := bleve.NewMatchQuery(text)
			q.SetField(textField(fText, fam))
			parts = append(parts, q)
		}
		// the words as typed, folded and unstemmed, in titles, keywords
		// and names: "O'zbekiston" and "Ozbekiston" find "Oʻzbekiston"
		var typed []string // Han text has no words to fold, and single characters say little
		for _, w := range plain {
			if !strings.ContainsFunc(w, isHan) {
				typed = append(typed, w)
			}
		}
		if len(typed) > 0 {
			spell := bleve.NewMatchQuery(strings.Join(typed, " "))
			spell.SetField(fSpell)
			spell.SetBoost(boostSpell)
			parts = append(parts, spell)
			// a word typed with what folding takes away ranks its exact
			// spelling first; plain words leave the ranking as it was
			var marked []string
			for _, w := range typed {
				if foldable(w) {
					marked = append(marked, w)
				}
			}
			if len(marked) > 0 {
				exact := bleve.NewMatchQuery(strings.Join(marked, " "))
				exact.SetField(fExact)
				exact.SetBoost(boostExact)
				should = append(should, exact)
			}
		}
	}
	must = bleve.NewDisjunctionQuery(parts...)

	joined := strings.Join(all, " ")
	var titles []query.Query
	for _, fam := range families {
		t := bleve.NewMatchQuery(joined)
		t.SetField(textField(fTitle, fam))
		t.SetBoost(boostTitle)
		titles = append(titles, t)
	}
	should = append(should, bleve.NewDisjunctionQuery(titles...))
	if person := personQuery(plain, boostPerson); person != nil {
		should = append(should, person)
	}
	for _, w := range plain {
		if strings.ContainsFunc(w, isHan) && utf8.RuneCountInString(w) >= 2 {
			q := bleve.NewMatchPhraseQuery(w)
			q.SetField(textField(fTitle, famCJK))
			q.SetBoost(boostHanTitle)
			should = append(should, q)
		}
	}
	return must, should
}

// personQuery matches the records with a contributor whose names hold
// every one of the words (see nameQuery); nil for no words or more than
// four (a name is not that long).
func personQuery(words []string, boost float64) query.Query {
	if len(words) == 0 || len(words) > 4 {
		return nil
	}
	return nameQuery(words, boost)
}

// nameQuery matches the records with a contributor whose names hold every
// one of the words, as typed or each in its Latin forms ("Zhang Tian",
// "张天", "Алдошин"): the person clause of free words, and the contributor
// filter. Its weight is on its word queries: Bleve ignores the boost of a
// compound query.
func nameQuery(words []string, boost float64) query.Query {
	var each []query.Query
	for _, w := range words {
		forms := []query.Query{}
		for _, form := range append([]string{w}, LatinForms(w)...) {
			q := bleve.NewMatchQuery(form)
			q.SetField(fNames)
			q.SetOperator(query.MatchQueryOperatorAnd)
			q.SetBoost(boost)
			forms = append(forms, q)
		}
		each = append(each, oneOrAny(forms))
	}
	if len(each) == 1 {
		return each[0]
	}
	return bleve.NewConjunctionQuery(each...)
}

// oneOrAny is the query that matches any of qs: the one query itself, not
// a disjunction of one (which costs Bleve a searcher more per match).
func oneOrAny(qs []query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return bleve.NewDisjunctionQuery(qs...)
}
