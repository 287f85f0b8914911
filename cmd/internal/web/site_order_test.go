package web

import (
	"slices"
	"testing"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// TestFacetValuesOrderByTheInterfaceLanguage checks facet values: chosen
// first, then by count, then values as common as each other in the
// interface language's alphabetical order.
func TestFacetValuesOrderByTheInterfaceLanguage(t *testing.T) {
	labels := func(vs []pageFacetValue) []string {
		var out []string
		for _, v := range vs {
			out = append(out, v.Label)
		}
		return out
	}
	for _, tc := range []struct {
		lang string
		in   []pageFacetValue
		want []string
	}{
		{"zh", []pageFacetValue{{Label: "人工智能", n: 3}, {Label: "物理学", n: 3}, {Label: "能源", n: 3}, {Label: "化学", n: 9}},
			[]string{"化学", "能源", "人工智能", "物理学"}}, // 9 first, then pinyin: neng, ren, wu
		{"ru", []pageFacetValue{{Label: "Энергетика", n: 2}, {Label: "Биология", n: 2}, {Label: "Ёмкость", n: 2}, {Label: "Химия", n: 1, Selected: true}},
			[]string{"Химия", "Биология", "Ёмкость", "Энергетика"}}, // chosen first; Ё sorts with Е
		{"en", []pageFacetValue{{Label: "Zebra", n: 1}, {Label: "éclair", n: 1}, {Label: "apple", n: 1}},
			[]string{"apple", "éclair", "Zebra"}},
	} {
		orderFacetValues(collate.New(language.Make(tc.lang)), tc.in, false)
		if got := labels(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.lang, got, tc.want)
		}
	}
	years := []pageFacetValue{{Label: "2024", n: 5}, {Label: "2025", n: 1}, {Label: "2023", n: 9}}
	orderFacetValues(collate.New(language.English), years, true)
	if got := labels(years); !slices.Equal(got, []string{"2025", "2024", "2023"}) {
		t.Errorf("years: %v", got)
	}
}
