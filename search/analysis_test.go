package search

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/unicode/norm"
)

// TestPhrasesStayWithinOneValue: a field's values are indexed as one text,
// but a phrase must not run from the end of one value into the next: not
// from a title into its abstract, nor across two keywords or two names.
func TestPhrasesStayWithinOneValue(t *testing.T) {
	e := newEnv(t)
	who := []catalog.Contributor{{Family: "Ivanova", Given: "Anna", Role: "author"}}
	e.load([]catalog.Record{
		{ID: "split", Kind: catalog.KindReport, Status: catalog.StatusPublished, Language: "en", Contributors: who,
			Title: "Advances in quantum", Abstract: "Dots of light in the sky.",
			Keywords: []string{"solar", "panels"}, Translations: []catalog.Translation{{Language: "ru", Title: "Квантовые точки"}}},
		{ID: "whole", Kind: catalog.KindReport, Status: catalog.StatusPublished, Language: "en", Contributors: who,
			Title: "Quantum dots and solar panels", Abstract: "Квантовые точки. 人工 智能."},
		{ID: "zh", Kind: catalog.KindReport, Status: catalog.StatusPublished, Language: "zh", Contributors: who,
			Title: "人工", Abstract: "智能 芯片"},
	})
	for q, want := range map[string][]string{
		`"quantum dots"`:    {"whole"}, // title into abstract
		`"solar panels"`:    {"whole"}, // one keyword into the next
		`"квантовые точки"`: {"split", "whole"},
		`"quantum"`:         {"split", "whole"},
		`"人工 智能"`:           {"whole"}, // in one abstract, not title into abstract
		`title:"квантовые"`: {"split"},
	} {
		got := e.search(q)
		if strings.Join(slices.Sorted(slices.Values(got)), " ") != strings.Join(want, " ") {
			t.Errorf("%s found %v, want %v", q, got, want)
		}
	}
}

// TestValuesTokenizerSpacesValuesApart checks positions and offsets of a
// joined field: each value's words are numbered on, with valueGap
// positions between values, and offsets point into the joined text.
func TestValuesTokenizerSpacesValuesApart(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	text := joinValues([]string{"Solar panels", "", "energy, storage", "Ёлки"}) // an empty value is a gap too
	tokens := m.AnalyzerNamed(anRU).Analyze([]byte(text))
	var got []string
	for _, tok := range tokens {
		got = append(got, string(tok.Term)+"@"+strconv.Itoa(tok.Position)+":"+text[tok.Start:tok.End])
	}
	want := []string{"solar@1:Solar", "panels@2:panels", "energy@203:energy", "storage@204:storage", "елк@305:Ёлки"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

// TestRememberedStemsAreSnowballs: the remembering stemmers give exactly
// Bleve's Snowball stems, the first time and from memory.
func TestRememberedStemsAreSnowballs(t *testing.T) {
	cache := registry.NewCache()
	for _, c := range []struct{ memo, snowball string }{{tfStemEN, en.SnowballStemmerName}, {tfStemRU, ru.SnowballStemmerName}} {
		memo, err := cache.TokenFilterNamed(c.memo)
		if err != nil {
			t.Fatal(err)
		}
		snowball, err := cache.TokenFilterNamed(c.snowball)
		if err != nil {
			t.Fatal(err)
		}
		words := 0
		for round := range 2 {
			for _, text := range multilingualTexts(t) {
				for _, w := range strings.Fields(strings.ToLower(text)) {
					got := memo.Filter(analysis.TokenStream{{Term: []byte(w)}})[0].Term
					want := snowball.Filter(analysis.TokenStream{{Term: []byte(w)}})[0].Term
					if string(got) != string(want) {
						t.Fatalf("%s, round %d: %q stems to %q, Snowball says %q", c.memo, round, w, got, want)
					}
					words++
				}
			}
		}
		if words < 10_000 {
			t.Fatalf("only %d words compared", words)
		}
	}
}

// TestNFKCFilterNormalisesAsTheNormaliserDoes: terms of stable characters
// are left alone, and that is right for every stable character, for
// random strings of them, and for every word of the real records.
func TestNFKCFilterNormalisesAsTheNormaliserDoes(t *testing.T) {
	f := newNFKCFilter()
	var stable []rune
	for r := rune(0); r < 0x10000; r++ {
		if f.stable[r/64]&(1<<(r%64)) != 0 {
			stable = append(stable, r)
		}
	}
	if len(stable) < 40_000 {
		t.Fatalf("only %d stable characters", len(stable))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	texts := []string{"ＡＢＣ１２３", "ﬁnance", "Ⅻ", "e\u0301", "и\u0306", "각", "\u1100\u1161", "①", "㎏", "ё", "Å"}
	for _, r := range stable {
		texts = append(texts, string(r))
	}
	for range 200_000 {
		var b strings.Builder
		for range 1 + rng.IntN(4) {
			b.WriteRune(stable[rng.IntN(len(stable))])
		}
		texts = append(texts, b.String())
	}
	for _, text := range multilingualTexts(t) {
		texts = append(texts, strings.Fields(text)...)
	}
	for _, text := range texts {
		got := string(f.Filter(analysis.TokenStream{{Term: []byte(text)}})[0].Term)
		if want := norm.NFKC.String(text); got != want {
			t.Fatalf("%q (%+q): got %+q, NFKC is %+q", text, text, got, want)
		}
	}
}
