package search

import (
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/blevesearch/bleve/v2/mapping"
)

// MappingVersion names the shape of the index. An index built with another
// version is rebuilt from the store; change it whenever the mapping or what
// documents hold changes.
const MappingVersion = "annals-search-13" // 12: titles indexed without their markup; 13: suggestions stored once

// Language families: each has its own analyzer and its own fields. Text is
// routed by the language tag of the record or translation it comes from.
const (
	famEN    = "en"    // English: possessives, stop words, Snowball stemming
	famRU    = "ru"    // Russian: ё folded to е, stop words, Snowball stemming
	famCJK   = "cjk"   // Chinese, Japanese, Korean: width folding, bigrams
	famOther = "other" // everything else: NFKC, case and diacritic folding
)

var families = []string{famEN, famRU, famCJK, famOther}

// Analyzer names, defined in the index mapping itself.
const (
	anEN    = "annals_en"
	anRU    = "annals_ru"
	anCJK   = "annals_cjk"
	anOther = "annals_other"
	anLatin = "annals_latin" // names and transliterations: folded to plain Latin
	anExact = "annals_exact" // words as written: only case and Unicode forms made one
)

var analyzerOf = map[string]string{famEN: anEN, famRU: anRU, famCJK: anCJK, famOther: anOther}

// Field names. Text fields are per family: title_en, abstract_ru...
const (
	fText     = "text" // title, abstract, keywords and names together: what free words are ranked on
	fTitle    = "title"
	fKeywords = "keywords"
	fNames    = "names" // every form of every contributor's name
	fLatin    = "latin" // Latin transliteration of titles in other scripts
	// fSpell holds the words people type, unstemmed and folded (titles,
	// keywords, names, topics): the dictionary typos are corrected from.
	fSpell = "spell"
	// fExact holds the words of titles, keywords and names that folding
	// changes, as written (neither folded nor stemmed): a query's marked
	// word ranks its exact spelling above its folded forms ("Šabac" above
	// "Sabac", "Ёлка" above "Елка").
	fExact = "exact"
	// fSuggest holds the phrases suggested as a person types, by their
	// words, and fSuggestText each phrase once (suggest.go).
	fSuggest     = "suggest"
	fSuggestText = "suggest_text"
	fDate        = "date"
	fTitleKey    = "title_key" // collation key for sorting by title
	// fFacets holds every facet value of a record, and its status, as
	// "name=value" terms (facetTerm): filters match them, and counting
	// facets visits one field per match instead of seven.
	fFacets = "facets"
)

// Names in fFacets: the facets (FacetNames) and the status.
const (
	fKind     = "kind"
	fTopic    = "topic"
	fCountry  = "country"
	fLanguage = "language"
	fYear     = "year"
	fEvent    = "event"
	fSession  = "session"
	fStatus   = "status"
	fLabel    = "label"    // the labels of a record's files (not restricted ones)
	fFulltext = "fulltext" // "yes": a file's text can be searched
)

// facetTerm is the term of fFacets for a facet's (or the status's) value.
func facetTerm(name, value string) string { return name + "=" + value }

func textField(part, fam string) string { return part + "_" + fam }

// wholeValueFields hold values indexed whole, one term each; every other
// field is analysed text.
var wholeValueFields = []string{fDate, fTitleKey, fFacets}

// newMappingWithAnalyzers is an index mapping with the analyzers of every
// family, BM25 scoring, and nothing else.
func newMappingWithAnalyzers() (*mapping.IndexMappingImpl, error) {
	m := mapping.NewIndexMapping()
	m.ScoringModel = index.BM25Scoring
	// Every analyzer reads a field's values joined (tkValues) and ends by
	// spacing them apart (tfGap); see analysis.go.
	analyzers := map[string]map[string]any{
		anEN: {"type": custom.Name, "tokenizer": tkValues, "char_filters": []string{asciifolding.Name},
			"token_filters": []string{tfNFKC, en.PossessiveName, lowercase.Name, tfFoldLetters, en.StopName, tfStemEN, tfGap}},
		anRU: {"type": custom.Name, "tokenizer": tkValues,
			"token_filters": []string{tfNFKC, lowercase.Name, tfYo, tfFold, ru.StopName, tfStemRU, tfGap}},
		anCJK: {"type": custom.Name, "tokenizer": tkValues,
			"token_filters": []string{tfNFKC, cjk.WidthName, lowercase.Name, tfFold, cjk.BigramName, tfGap}},
		anOther: {"type": custom.Name, "tokenizer": tkValues, "char_filters": []string{asciifolding.Name},
			"token_filters": []string{tfNFKC, lowercase.Name, tfYo, tfFold, tfGap}},
		anLatin: {"type": custom.Name, "tokenizer": tkValues, "char_filters": []string{asciifolding.Name},
			"token_filters": []string{tfNFKC, lowercase.Name, tfYo, tfFold, tfGap}},
		anExact: {"type": custom.Name, "tokenizer": tkValues, "token_filters": []string{tfNFKC, lowercase.Name, tfGap}},
	}
	for name, cfg := range analyzers {
		if err := m.AddCustomAnalyzer(name, cfg); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// newMapping builds the index mapping.
func newMapping() (*mapping.IndexMappingImpl, error) {
	m, err := newMappingWithAnalyzers()
	if err != nil {
		return nil, err
	}
	doc := mapping.NewDocumentStaticMapping()
	for _, fam := range families {
		// Titles on their own: for title: queries and the title weight.
		// Nothing is stored: results and highlights come from the store.
		title := mapping.NewTextFieldMapping()
		title.Analyzer = analyzerOf[fam]
		title.Store, title.DocValues, title.IncludeInAll = false, false, false
		title.IncludeTermVectors = true // positions, for phrases
		doc.AddFieldMappingsAt(textField(fTitle, fam), title)
		kw := mapping.NewTextFieldMapping()
		kw.Analyzer = analyzerOf[fam]
		kw.Store, kw.DocValues, kw.IncludeInAll = false, false, false
		doc.AddFieldMappingsAt(textField(fKeywords, fam), kw)
		// One BM25 over the whole text ranks better than a sum over
		// separate fields (measured on CISI and Cranfield: BENCHMARKS.md).
		// Term vectors keep positions for phrases.
		text := mapping.NewTextFieldMapping()
		text.Analyzer = analyzerOf[fam]
		text.Store, text.DocValues, text.IncludeInAll = false, false, false
		text.IncludeTermVectors = true
		doc.AddFieldMappingsAt(textField(fText, fam), text)
	}
	for _, name := range []string{fNames, fLatin, fSpell, fExact} {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = anLatin
		if name == fExact {
			f.Analyzer = anExact
		}
		f.Store, f.DocValues, f.IncludeInAll = false, false, false
		doc.AddFieldMappingsAt(name, f)
	}
	for _, name := range wholeValueFields {
		f := mapping.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		// Doc values only where they are read: sorting and counting facets.
		f.DocValues = true // sorting and counting facets read them
		doc.AddFieldMappingsAt(name, f)
	}
	suggest := mapping.NewKeywordFieldMapping()
	suggest.Analyzer = keyword.Name
	suggest.Store, suggest.DocValues, suggest.IncludeTermVectors, suggest.IncludeInAll = false, false, false, false
	doc.AddFieldMappingsAt(fSuggest, suggest)
	doc.AddFieldMappingsAt(fSuggestText, suggest)
	doc.AddSubDocumentMapping("_all", mapping.NewDocumentDisabledMapping()) // queries name their fields
	m.DefaultMapping = doc
	m.DefaultAnalyzer = anOther
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false
	return m, nil
}
