package csl

import (
	"strings"
	"unicode"
)

// stopWords stay lower case in English title case (the list CSL uses).
var stopWords = map[string]bool{"a": true, "an": true, "and": true, "as": true, "at": true, "but": true, "by": true,
	"down": true, "for": true, "from": true, "in": true, "into": true, "nor": true, "of": true, "on": true,
	"onto": true, "or": true, "over": true, "so": true, "the": true, "till": true, "to": true, "up": true,
	"via": true, "with": true, "yet": true}

// mapWords applies fn to each word of s (a run of letters, digits and
// apostrophes), passing its index among words; markers and other runes
// pass through.
func mapWords(s string, fn func(word string, index int) string) string {
	var b, w strings.Builder
	index := 0
	flush := func() {
		if w.Len() > 0 {
			b.WriteString(fn(w.String(), index))
			index++
			w.Reset()
		}
	}
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’' || unicode.Is(unicode.Mn, r) {
			w.WriteRune(r)
			continue
		}
		flush()
		b.WriteRune(r)
	}
	flush()
	return b.String()
}

func upperFirst(w string) string {
	rs := []rune(w)
	rs[0] = unicode.ToUpper(rs[0])
	return string(rs)
}

// isEnglish reports whether title case applies to an item in lang: it is
// defined for English only, and untagged items are taken as English.
func isEnglish(lang string) bool {
	return lang == "" || strings.HasPrefix(strings.ToLower(lang), "en")
}

// textCase applies a CSL text-case to rendered text.
func textCase(s, tc, lang string) string {
	switch tc {
	case "lowercase":
		return strings.Map(unicode.ToLower, s)
	case "uppercase":
		return strings.Map(unicode.ToUpper, s)
	case "capitalize-first", "sentence":
		done := false
		return mapWords(s, func(w string, _ int) string {
			if done {
				return w
			}
			done = true
			return upperFirst(w)
		})
	case "capitalize-all":
		return mapWords(s, func(w string, _ int) string { return upperFirst(w) })
	case "title":
		if !isEnglish(lang) {
			return s
		}
		return mapWords(s, func(w string, i int) string {
			if strings.ToLower(w) != w { // already has capitals (DNA, iPhone): leave it
				return w
			}
			if i > 0 && stopWords[w] {
				return w
			}
			return upperFirst(w)
		})
	}
	return s
}
