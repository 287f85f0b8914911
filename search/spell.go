package search

import (
	"context"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	index "github.com/blevesearch/bleve_index_api"
)

// A word the index does not know (a typo: "intelligense", "Aldoshn") is
// corrected to the closest word it does know, within one edit for words
// of up to five letters and two for longer ones, the commonest first; the
// search then looks for both, and the result says "did you mean".

// minCorrectable is the shortest word corrected: shorter ones have too
// many neighbours to guess from.
const minCorrectable = 4

// maxCorrectedQuery is the longest query (in words) corrected: a long one
// is a question or pasted text, whose rare words are not typos (measured
// on CISI, whose queries are paragraphs: correcting them cost 2% of MAP).
const maxCorrectedQuery = 6

// correction is a word of the query and the word it is corrected to.
type correction struct{ from, to string }

// corrections finds the free words of clauses that no text field knows
// and the known word closest to each.
func corrections(ctx context.Context, bi bleve.Index, clauses []Clause) ([]correction, error) {
	var words []string
	for _, c := range clauses {
		if c.Field == "" && !c.Phrase && !c.Exclude && !c.Fuzzy && utf8.RuneCountInString(c.Text) >= minCorrectable &&
			!strings.ContainsFunc(c.Text, isHan) && !strings.ContainsFunc(c.Text, unicode.IsDigit) {
			words = append(words, c.Text)
		}
	}
	if len(words) == 0 || len(words) > maxCorrectedQuery {
		return nil, nil
	}
	adv, err := bi.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	m := bi.Mapping()
	spell := m.AnalyzerNamed(anLatin)
	var out []correction
	for _, w := range words {
		known, err := knownWord(ctx, r, m.AnalyzerNamed, w)
		if err != nil || known {
			if err != nil {
				return nil, err
			}
			continue
		}
		toks := spell.Analyze([]byte(w))
		if len(toks) != 1 {
			continue
		}
		term := string(toks[0].Term)
		best, err := closestTerm(r, term)
		if err != nil {
			return nil, err
		}
		if best != "" {
			out = append(out, correction{from: w, to: best})
		}
	}
	return out, nil
}

// knownWord reports whether any text field (of any language, or the
// spelling dictionary) holds word as its analyzer makes it.
func knownWord(ctx context.Context, r index.IndexReader, analyzer func(string) analysis.Analyzer, word string) (bool, error) {
	fields := map[string]string{fSpell: anLatin, fNames: anLatin}
	for _, fam := range families {
		fields[textField(fText, fam)] = analyzerOf[fam]
	}
	for field, an := range fields {
		a := analyzer(an)
		if a == nil {
			continue
		}
		for _, tok := range a.Analyze([]byte(word)) {
			tfr, err := r.TermFieldReader(ctx, tok.Term, field, false, false, false)
			if err != nil {
				return false, err
			}
			n := tfr.Count()
			tfr.Close()
			if n > 0 {
				return true, nil
			}
		}
	}
	return false, nil
}

// closestTerm is the term of the spelling dictionary nearest to term
// (fewest edits, then the commonest, then the first in order); "" if none
// is within reach.
func closestTerm(r index.IndexReader, term string) (string, error) {
	fuzzy, ok := r.(index.IndexReaderFuzzy)
	if !ok {
		return "", nil
	}
	dict, err := fuzzy.FieldDictFuzzy(fSpell, term, fuzziness(term), "")
	if err != nil {
		return "", err
	}
	defer dict.Close()
	type candidate struct {
		term  string
		edits int
		count uint64
	}
	var all []candidate
	for {
		e, err := dict.Next()
		if err != nil {
			return "", err
		}
		if e == nil {
			break
		}
		if e.Term == term {
			continue
		}
		all = append(all, candidate{e.Term, editDistance(term, e.Term), e.Count})
	}
	if len(all) == 0 {
		return "", nil
	}
	slices.SortFunc(all, func(a, b candidate) int {
		if a.edits != b.edits {
			return a.edits - b.edits
		}
		if a.count != b.count {
			if a.count > b.count {
				return -1
			}
			return 1
		}
		return strings.Compare(a.term, b.term)
	})
	return all[0].term, nil
}

// editDistance is the Levenshtein distance between a and b, in letters.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// withCorrections adds each corrected word beside the word typed, and
// returns the query as the person would have typed it without the typos.
func withCorrections(q string, clauses []Clause, fixes []correction) ([]Clause, string) {
	if len(fixes) == 0 {
		return clauses, ""
	}
	suggestion := q
	for _, f := range fixes {
		clauses = append(clauses, Clause{Text: f.to})
		suggestion = replaceWord(suggestion, f.from, sameCase(f.from, f.to))
	}
	return clauses, suggestion
}

// sameCase writes to with a capital first letter when from has one
// ("Алдашин" is corrected to "Алдошин", not "алдошин").
func sameCase(from, to string) string {
	f, _ := utf8.DecodeRuneInString(from)
	t, size := utf8.DecodeRuneInString(to)
	if unicode.IsUpper(f) && unicode.IsLower(t) {
		return string(unicode.ToUpper(t)) + to[size:]
	}
	return to
}

// replaceWord replaces the whole word from in s by to, once.
func replaceWord(s, from, to string) string {
	for i := 0; ; {
		j := strings.Index(s[i:], from)
		if j < 0 {
			return s
		}
		j += i
		end := j + len(from)
		before, _ := utf8.DecodeLastRuneInString(s[:j])
		after, _ := utf8.DecodeRuneInString(s[end:])
		if (j == 0 || !unicode.IsLetter(before)) && (end == len(s) || !unicode.IsLetter(after)) {
			return s[:j] + to + s[end:]
		}
		i = end
	}
}
