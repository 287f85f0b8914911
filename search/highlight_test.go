package search

import (
	"html"
	"strings"
	"testing"
)

// TestFragmentsMarkWhatFullAnalysisMarks checks that a fragment, which
// analyses an abstract only up to its end, marks exactly what analysing the
// whole abstract marks in the same stretch of text, wherever the first
// match falls (first chunk, a chunk boundary, far in, the very end).
func TestFragmentsMarkWhatFullAnalysisMarks(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	filler := strings.Repeat("Filler words about nothing in particular. ", 40)
	zhFiller := strings.Repeat("我们讨论了各种问题和方法。", 60)
	ruFiller := strings.Repeat("Разные слова без особого смысла. ", 40)
	cases := []struct{ lang, query, text string }{
		{"en", "technology", "New technologies. " + filler},
		{"en", "technology", filler[:500] + " technologies of storage " + filler},
		{"en", "technology", filler[:503] + " technologies of storage " + filler},
		{"en", "technology storage", filler + filler + "storage technologies, then more technology " + filler},
		{"en", "technology", filler + "the end: technology"},
		{"en", "absent", filler},
		{"ru", "технология хранение", ruFiller + "Технологии хранения водорода. " + ruFiller},
		{"zh", "人工智能", zhFiller + "中俄人工智能联合实验室。" + zhFiller},
		{"zh", "人工智能", zhFiller[:510] + "人工智能" + zhFiller},
		{"sr", "Petrović", filler + "Petrović i Петровић. " + filler},
	}
	for _, tc := range cases {
		h := newHighlighter(m, PlainClauses(tc.query))
		got := h.fragment(tc.lang, tc.text)
		full := h.marks(tc.lang, tc.text)
		if len(full) == 0 {
			if tc.query != "absent" {
				t.Errorf("%q: the case is broken, nothing in it matches", tc.query)
			}
			if got != "" {
				t.Errorf("%q: nothing matches, got %q", tc.query, got)
			}
			continue
		}
		if !strings.Contains(got, "<mark>") {
			t.Errorf("%q in %.40q…: no mark in %q", tc.query, tc.text, got)
			continue
		}
		plain := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(got)
		plain = html.UnescapeString(strings.TrimSuffix(strings.TrimPrefix(plain, "…"), "…"))
		from := strings.Index(tc.text, plain)
		if from < 0 || len(plain) > fragmentBytes+8 {
			t.Errorf("%q: fragment %q is not a short stretch of the text", tc.query, got)
			continue
		}
		want := render(tc.text, full, from, from+len(plain))
		if from > 0 {
			want = "…" + want
		}
		if from+len(plain) < len(tc.text) {
			want += "…"
		}
		if got != want {
			t.Errorf("%q:\n got %q\nwant %q", tc.query, got, want)
		}
		if first := html.EscapeString(tc.text[full[0][0]:full[0][1]]); !strings.Contains(got, "<mark>"+first) {
			t.Errorf("%q: the first match %q is not in %q", tc.query, first, got)
		}
	}
}
