package pdfdoc

import "testing"

func TestRepairUTF8Codes(t *testing.T) {
	for in, want := range map[string]string{
		"킜킰톁톁킰 No 1:1":          "Масса No 1:1",          // UTF-8 codes of Cyrillic, read as Hangul
		"흐린 품이 눈이 올 듯하더니":       "흐린 품이 눈이 올 듯하더니",       // real Korean stays
		"킜킰톁 흐린":                "킜킰톁 흐린",                // one real syllable: the page is left alone
		"킜킰":                    "킜킰",                    // too few to tell
		"plain text, Текст, 文本": "plain text, Текст, 文本", // nothing to repair
	} {
		if got := repairUTF8Codes(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
