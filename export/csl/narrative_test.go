package csl_test

import (
	"testing"

	"github.com/annals/annals/export/csl"
)

// TestNarrativeCitation: an item cited in the running text is its authors
// as the style's citation names them, then the rest of the citation —
// the halves citeproc-js gives for author-only and suppress-author cites
// (checked with it), joined as Zotero joins them; a style whose citation
// names no one gives its ordinary citation.
func TestNarrativeCitation(t *testing.T) {
	for _, tc := range []struct{ style, locator, want string }{
		{"apa", "", "Алдошин (2025)"},
		{"apa", "12", "Алдошин (2025, p. 12)"},
		{"chicago-author-date", "12", "Алдошин (2025, 12)"},
		{"harvard-cite-them-right", "", "Алдошин (2025)"},
		{"modern-language-association", "", "Алдошин"},
		{"modern-language-association", "12", "Алдошин (12)"},
		{"ieee", "", "[1]"},
		{"gost-r-7-0-5-2008", "", "Алдошин [2025]"},
	} {
		items, err := csl.ParseItems([]byte(`[{"id":"a","type":"speech","title":"Приветственное слово",
			"author":[{"family":"Алдошин","given":"Сергей Михайлович"}],"issued":{"date-parts":[[2025,6,4]]}}]`))
		if err != nil {
			t.Fatal(err)
		}
		items[0].SetLocator(tc.locator, "")
		if got := processor(t, tc.style).NarrativeCitation(items[0], "text"); got != tc.want {
			t.Errorf("%s, locator %q: %q, want %q", tc.style, tc.locator, got, tc.want)
		}
	}
}
