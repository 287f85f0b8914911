package csl_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annals/annals/export/csl"
)

// TestDisambiguationFollowsCiteproc: papers sharing their first authors
// show as many names in the bibliography as their citations need to be
// told apart, name by name as citeproc-js adds them (MLA: two names for
// Gustafsson and Håkan Johansson's papers, which no third name can tell
// apart, one for Håkan Johansson's, whose given name tells it from Kenny
// Johansson's); a repeated list of names is "———" when the names shown
// are the same, "and Lars Wanhammar" or "et al." after them or not; a
// title printed in the authors' place is never replaced, and neither are
// editors after MLA's guest (a names element with a name of its own);
// items that read the same in the end get year suffixes (Harvard). Each
// expected entry is citeproc-js 2.4.63's, called directly
// (../shared/tools/cite-oracle/citeproc-direct.js, testdata/disambiguation).
func TestDisambiguationFollowsCiteproc(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "disambiguation", "items.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"modern-language-association": `Coastal Wetlands Map. Coastal Erosion, 2024.
Coastal Wetlands Map. Coastal Erosion, 2024.
Deverell, William, and David Igler, editors. A Companion to History. 2013.
Deverell, William, and David Igler, editors. A Companion to History, Second Edition. 2014.
Grebenkov, Denis S., et al. Towards a Full Description. 2018.
———. Universal Formula. 2016.
Gustafsson, Oscar, Håkan Johansson, et al. “Design of Narrow-Band Filters.” 2000.
———. “Narrow-Band and Wide-Band Recursive Filters.” 2001.
Gustafsson, Oscar, Kenny Johansson, et al. “Polyphase Decomposed Filters.” 2006.
Johansson, Håkan, et al. “Adjustable Fractional-Delay Filters.” 2006.
Johansson, Kenny, et al. Low-Delay Filters. 2007.`,
		"harvard-cite-them-right": `“Coastal wetlands map” (2024a) Coastal erosion.
“Coastal wetlands map” (2024b) Coastal erosion.
Deverell, W. and Igler, D. (eds.) (2013) A companion to history.
Deverell, W. and Igler, D. (eds.) (2014) A companion to history, second edition.
Grebenkov, D.S. (2016) “Universal formula.”
Grebenkov, D.S., Metzler, R. and Oshanin, G. (2018) “Towards a full description.”
Gustafsson, O. et al. (2006) “Polyphase decomposed filters.”
Gustafsson, O., Johansson, H. and Wanhammar, L. (2000) “Design of narrow-band filters.”
Gustafsson, O., Johansson, H. and Wanhammar, L. (2001) “Narrow-band and wide-band recursive filters.”
Johansson, H. et al. (2006) “Adjustable fractional-delay filters.”
Johansson, K., Gustafsson, O. and Wanhammar, L. (2007) “Low-delay filters.”`,
	}
	for style, entries := range want {
		items, err := csl.ParseItems(data)
		if err != nil {
			t.Fatal(err)
		}
		got := processor(t, style).Bibliography(items, "text")
		for i, w := range strings.Split(entries, "\n") {
			if i >= len(got) || got[i] != w {
				g := ""
				if i < len(got) {
					g = got[i]
				}
				t.Errorf("%s entry %d:\n  got  %s\n  want %s", style, i, g, w)
			}
		}
	}
}
