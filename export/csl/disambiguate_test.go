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
// items that read the same in the end get year suffixes (Harvard); a
// global givenname rule's full given name shows in the bibliography as
// typed ("Alver, Morten O", Chicago); "P.-G." is "P. G." where a style
// only normalises initials. Each expected entry is citeproc-js 2.4.63's,
// called directly (testdata/disambiguation/README.md).
func TestDisambiguationFollowsCiteproc(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "disambiguation", "items.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, style := range []string{"modern-language-association", "harvard-cite-them-right", "chicago-author-date"} {
		want, err := os.ReadFile(filepath.Join("testdata", "disambiguation", style+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		entries := strings.TrimRight(string(want), "\n")
		items, err := csl.ParseItems(data)
		if err != nil {
			t.Fatal(err)
		}
		got := processor(t, style).Bibliography(items, "text")
		if n := strings.Count(entries, "\n") + 1; len(got) != n {
			t.Errorf("%s: %d entries, citeproc-js %d", style, len(got), n)
		}
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
