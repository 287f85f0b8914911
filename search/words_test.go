package search

import (
	"fmt"
	"strings"
	"testing"

	"github.com/annals/annals/catalog/catalogtest"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// wordsSeeds are texts whose words the fast path and the Unicode
// tokenizer must split alike: punctuation at the ends of words and inside
// them, numbers, underscores, apostrophes, combining marks after spaces,
// and the scripts of the catalogue.
var wordsSeeds = []string{
	"", " ", "Opening address", "  leading and trailing  ", "end of sentence. Next one, then (this)!",
	"e.g. U.S. don't co-operate 3.14 1,000 v2.0 a_b _x y_ 2025-06-04",
	"\"quoted\" 'single' [brackets] {braces} <angle> #hash @at $5 50% a/b a\\b a|b a~b",
	"tab\tnew\nline\rcr\vvt\fff", "a \u0301b", "word \u200dx", " \u0301", "x\u0301y",
	"Приветственное слово, Алдошин С. М.", "中俄人工智能联合实验室 人工智能", "Петровић Petrović",
	"Қазақстан Oʻzbekiston", "й и\u0306 слово\u0483x а1б 2а а'б а.б а_б «кавычки» (скобки) Ѐѐ ӿ \u0482x", "ＡＢＣ１２３ full-width", "日本語のテキスト カタカナ", "👩‍🔬 scientist 🇷🇺",
	"a.b.c... ...x 1.2.3 x.1 1.x", "can't'' ''s O'Neil", "\x00a\x7fb\x1ec",
}

func tokensText(ts analysis.TokenStream) string {
	var b strings.Builder
	for _, t := range ts {
		fmt.Fprintf(&b, "%q %d-%d @%d t%d\n", t.Term, t.Start, t.End, t.Position, t.Type)
	}
	return b.String()
}

func TestWordsTokenizerAgreesWithUnicode(t *testing.T) {
	fast, slow := wordsTokenizer{unicode: unicode.NewUnicodeTokenizer()}, unicode.NewUnicodeTokenizer()
	for _, text := range append(wordsSeeds, multilingualTexts(t)...) {
		if got, want := tokensText(fast.Tokenize([]byte(text))), tokensText(slow.Tokenize([]byte(text))); got != want {
			t.Errorf("%q:\nfast path:\n%s\nUnicode tokenizer:\n%s", text, got, want)
		}
	}
}

func FuzzWordsTokenizerAgreesWithUnicode(f *testing.F) {
	for _, s := range wordsSeeds {
		f.Add(s)
	}
	fast, slow := wordsTokenizer{unicode: unicode.NewUnicodeTokenizer()}, unicode.NewUnicodeTokenizer()
	f.Fuzz(func(t *testing.T, text string) {
		if got, want := tokensText(fast.Tokenize([]byte(text))), tokensText(slow.Tokenize([]byte(text))); got != want {
			t.Errorf("%q:\nfast path:\n%s\nUnicode tokenizer:\n%s", text, got, want)
		}
	})
}

// multilingualTexts are the titles, abstracts and names of the real
// Russian and Chinese records and of the sample catalogue.
func multilingualTexts(t *testing.T) []string {
	var out []string
	_, sample := catalogtest.Sample(t)
	for _, r := range append(catalogtest.MultilingualRecords(t), sample...) {
		out = append(out, r.Title, r.Abstract, strings.Join(r.Keywords, " "))
		for _, c := range r.Contributors {
			out = append(out, c.Family+" "+c.Given+" "+c.Affiliation)
		}
	}
	return out
}
