package csl_test

import (
	"testing"

	"github.com/annals/annals/export/csl"
)

// TestBareNamesInsideASubstituteChooseInherit: Chicago's author macro
// substitutes the editor through a <choose> inside <substitute>; the bare
// <names variable="editor"/> there takes the author's options (sort order,
// no initials, the ", ed." label), as citeproc-js 2.4.63 prints it (checked
// with ../shared/tools/cite-oracle/citeproc-direct.js). Before, it printed
// "А. М. Дудик." with no label.
func TestBareNamesInsideASubstituteChooseInherit(t *testing.T) {
	items, err := csl.ParseItems([]byte(`[{"id":"x","type":"book","title":"Белорусы в Китае",
		"editor":[{"family":"Дудик","given":"Александр Михайлович"}],"issued":{"date-parts":[[2025]]},
		"publisher":"Беларуская навука","publisher-place":"Minsk"}]`))
	if err != nil {
		t.Fatal(err)
	}
	for style, want := range map[string]string{
		"chicago-author-date": "Дудик, Александр Михайлович, ed. 2025. Белорусы в Китае. Беларуская навука.",
		"apa":                 "Дудик, А. М. (Ed.). (2025). Белорусы в Китае. Беларуская навука.",
	} {
		if got := processor(t, style).Bibliography(items, "text"); len(got) != 1 || got[0] != want {
			t.Errorf("%s: %q, want %q", style, got, want)
		}
	}
}
