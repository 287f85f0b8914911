package search

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/unicode/norm"
)

// The analysis parts Annals adds to Bleve's. They are registered under
// these names when the package is loaded, as Bleve requires, and the index
// mapping refers to them by name.
const (
	// tkValues splits a field's text into its values at valueSeparator
	// and each value into words as Bleve's Unicode tokenizer does.
	tkValues = "annals_values"
	// tfGap removes the marks tkValues leaves between values and puts
	// valueGap positions there instead, so that no phrase spans two values.
	tfGap = "annals_value_gap"
	// tfNFKC normalises a term to NFKC, without copying terms that already
	// are (most of them).
	tfNFKC = "annals_nfkc"
	// tfYo folds ё to е, as Russian print mostly does.
	tfYo = "annals_yo"
	// tfFold folds the letters people type without: apostrophes inside
	// words (Uzbek "Oʻzbekiston" is also typed "O'zbekiston" and
	// "Ozbekiston") and the Cyrillic letters of Kazakh, Belarusian,
	// Ukrainian and Uzbek to their Russian bases ("Жұмабаева" is found as
	// "Жумабаева").
	tfFold = "annals_fold"
	// tfFoldLetters is tfFold for English text, where an apostrophe is
	// English's own ("o'clock", quotes): only the modifier letters ʻ and ʼ
	// go (measured: folding every apostrophe in English cost CISI 0.8% of
	// MAP).
	tfFoldLetters = "annals_fold_letters"
	// tfStemEN and tfStemRU are Bleve's Snowball stemmers, remembering
	// the stems of the words they have seen.
	tfStemEN = "annals_stem_en"
	tfStemRU = "annals_stem_ru"
)

// valueSeparator joins the values of a multi-valued text field into the
// one string Bleve analyses for it. One string per field is much cheaper
// to index than one per value (Bleve merges the values' token lists one
// by one), and the gap keeps what separate values meant for phrases.
const valueSeparator = "\x1e" // ASCII record separator

// valueGap is how many positions separate two values of a field: more than
// any phrase a person types.
const valueGap = 100

// valueMark is the token tkValues puts between values. It passes through
// every filter unchanged (no filter changes a lone control character; the
// CJK bigram filter lets non-CJK tokens through) until tfGap removes it.
var valueMark = []byte(valueSeparator)

func init() {
	for _, err := range []error{
		registry.RegisterTokenizer(tkValues, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
			return valuesTokenizer{words: wordsTokenizer{unicode: unicode.NewUnicodeTokenizer()}}, nil
		}),
		registry.RegisterTokenFilter(tfGap, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
			return gapFilter{}, nil
		}),
		registry.RegisterTokenFilter(tfNFKC, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
			return newNFKCFilter(), nil
		}),
		registry.RegisterTokenFilter(tfYo, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
			return yoFilter{}, nil
		}),
		registry.RegisterTokenFilter(tfFold, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
			return foldFilter{apostrophes: true}, nil
		}),
		registry.RegisterTokenFilter(tfFoldLetters, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
			return foldFilter{}, nil
		}),
		registry.RegisterTokenFilter(tfStemEN, memoStemmerOf(en.SnowballStemmerName)),
		registry.RegisterTokenFilter(tfStemRU, memoStemmerOf(ru.SnowballStemmerName)),
	} {
		if err != nil {
			panic(fmt.Sprintf("search: registering an analysis part: %v", err))
		}
	}
}

// joinValues is the text of a multi-valued field, as tkValues reads it.
func joinValues(values []string) string { return strings.Join(values, valueSeparator) }

// valuesTokenizer tokenizes each value of a joined field with words, and
// puts a valueMark token between values.
type valuesTokenizer struct{ words analysis.Tokenizer }

func (t valuesTokenizer) Tokenize(input []byte) analysis.TokenStream {
	if bytes.IndexByte(input, valueSeparator[0]) < 0 {
		return t.words.Tokenize(input)
	}
	var out analysis.TokenStream
	offset, position := 0, 0
	for value := range bytes.SplitSeq(input, valueMark) {
		if offset > 0 { // a mark before every value but the first
			position++
			out = append(out, &analysis.Token{Term: valueMark, Start: offset - 1, End: offset,
				Position: position, Type: analysis.AlphaNumeric})
		}
		for _, tok := range t.words.Tokenize(value) {
			tok.Start += offset
			tok.End += offset
			tok.Position += position
			out = append(out, tok)
		}
		if len(out) > 0 {
			position = out[len(out)-1].Position
		}
		offset += len(value) + 1
	}
	return out
}

// gapFilter replaces each valueMark token with valueGap positions.
type gapFilter struct{}

func (gapFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	shift, kept := 0, input[:0]
	for _, tok := range input {
		if bytes.Equal(tok.Term, valueMark) {
			shift += valueGap - 1 // the mark's own position becomes part of the gap
			continue
		}
		tok.Position += shift
		kept = append(kept, tok)
	}
	return kept
}

// nfkcFilter normalises terms to NFKC (full-width letters to ASCII,
// ligatures and compatibility forms to their letters). Most terms already
// are: those made only of stable characters are left as they are without
// asking the normaliser.
type nfkcFilter struct {
	stable []uint64 // bit r: BMP rune r is stable (nfkcStable)
}

func newNFKCFilter() nfkcFilter {
	f := nfkcFilter{stable: make([]uint64, 0x10000/64)}
	var buf [utf8.UTFMax]byte
	for r := rune(0); r < 0x10000; r++ {
		if utf8.ValidRune(r) && nfkcStable(norm.NFKC.Properties(buf[:utf8.EncodeRune(buf[:], r)])) {
			f.stable[r/64] |= 1 << (r % 64)
		}
	}
	return f
}

// nfkcStable reports a character NFKC leaves as it is and that never
// combines with the one before it. A string of such characters is in
// NFKC: nothing decomposes, nothing composes (the second character of
// every composition combines backwards), nothing is reordered.
func nfkcStable(p norm.Properties) bool {
	return len(p.Decomposition()) == 0 && p.BoundaryBefore()
}

func (f nfkcFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, tok := range input {
		if !f.isStable(tok.Term) {
			tok.Term = norm.NFKC.Bytes(tok.Term)
		}
	}
	return input
}

// isStable reports whether every character of b is stable.
func (f nfkcFilter) isStable(b []byte) bool {
	for i := 0; i < len(b); {
		r, size := rune(b[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(b[i:])
		}
		if r >= 0x10000 || f.stable[r/64]&(1<<(r%64)) == 0 {
			return false
		}
		i += size
	}
	return true
}

// yoFilter replaces ё with е in lower-cased terms.
type yoFilter struct{}

var yo, ye = []byte("ё"), []byte("е")

func (yoFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, tok := range input {
		if bytes.Contains(tok.Term, yo) {
			tok.Term = bytes.ReplaceAll(tok.Term, yo, ye) // a copy: the term may point into the field's value
		}
	}
	return input
}

// foldFilter folds letters in lower-cased terms (tfFold), and the
// apostrophes ' ’ ‘ ` when apostrophes is set.
type foldFilter struct{ apostrophes bool }

// apostrophes are the characters only tfFold drops.
var apostrophes = map[rune]bool{'’': true, '‘': true, '\'': true, '`': true}

// folded maps a letter to what it is folded to ("" drops it).
var folded = map[rune]string{
	'ʻ': "", 'ʼ': "", '’': "", '‘': "", '\'': "", '`': "",
	'қ': "к", 'ң': "н", 'ә': "а", 'ө': "о", 'ұ': "у", 'ү': "у", 'һ': "х", 'і': "и", 'ї': "и", 'ў': "у", 'ғ': "г",
	'є': "е", 'ґ': "г", 'ҳ': "х",
}

func (ff foldFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, tok := range input {
		if !needsFold(tok.Term) {
			continue
		}
		var b bytes.Buffer // a copy: the term may point into the field's value
		for _, r := range string(tok.Term) {
			if f, ok := folded[r]; ok && (ff.apostrophes || !apostrophes[r]) {
				b.WriteString(f)
			} else {
				b.WriteRune(r)
			}
		}
		if b.Len() > 0 { // a lone apostrophe stays what it was
			tok.Term = b.Bytes()
		}
	}
	return input
}

// needsFold reports whether term has a letter foldFilter folds; ASCII
// terms are answered without decoding (an apostrophe is the only one).
func needsFold(term []byte) bool {
	ascii := true
	for _, c := range term {
		if c == '\'' || c == '`' {
			return true
		}
		ascii = ascii && c < utf8.RuneSelf
	}
	if ascii {
		return false
	}
	for _, r := range string(term) {
		if _, ok := folded[r]; ok {
			return true
		}
	}
	return false
}

// stemsRemembered bounds the words a memoStemmer remembers: words follow
// Zipf's law, so the commonest tens of thousands are nearly all of a
// text's words (a few megabytes).
const stemsRemembered = 50_000

// memoStemmer remembers a stemmer's answers: stemming is a pure function
// of the word, and a catalogue's text repeats the same words over and
// over. Stems are shared between tokens, so no filter after it may change
// a term's bytes in place (tfGap, the only one, does not).
type memoStemmer struct {
	stem analysis.TokenFilter
	mu   sync.RWMutex
	memo map[string][]byte
}

func memoStemmerOf(stemmer string) registry.TokenFilterConstructor {
	return func(_ map[string]any, cache *registry.Cache) (analysis.TokenFilter, error) {
		stem, err := cache.TokenFilterNamed(stemmer)
		if err != nil {
			return nil, err
		}
		return &memoStemmer{stem: stem, memo: make(map[string][]byte)}, nil
	}
}

func (m *memoStemmer) Filter(input analysis.TokenStream) analysis.TokenStream {
	var one [1]*analysis.Token
	for _, tok := range input {
		m.mu.RLock()
		stem, ok := m.memo[string(tok.Term)]
		m.mu.RUnlock()
		if ok {
			tok.Term = stem
			continue
		}
		word := string(tok.Term)
		one[0] = tok
		m.stem.Filter(one[:])
		m.mu.Lock()
		if len(m.memo) < stemsRemembered {
			m.memo[word] = tok.Term
		}
		m.mu.Unlock()
	}
	return input
}
