package csl

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// stopWords stay lower case in English title case: articles,
// conjunctions and prepositions of any length (the Chicago rule, and the
// list citeproc-js applies).
var stopWords = map[string]bool{
	"a": true, "about": true, "above": true, "across": true, "afore": true, "after": true,
	"against": true, "al": true, "along": true, "alongside": true, "amid": true, "amidst": true,
	"among": true, "amongst": true, "an": true, "and": true, "anenst": true, "apropos": true,
	"apud": true, "around": true, "as": true, "aside": true, "astride": true, "at": true,
	"athwart": true, "atop": true, "barring": true, "before": true, "behind": true, "below": true,
	"beneath": true, "beside": true, "besides": true, "between": true, "beyond": true, "but": true,
	"by": true, "c": true, "ca": true, "circa": true, "de": true, "despite": true, "down": true,
	"during": true, "et": true, "except": true, "for": true, "forenenst": true, "from": true,
	"given": true, "in": true, "inside": true, "into": true, "lest": true, "like": true,
	"modulo": true, "near": true, "next": true, "nor": true, "notwithstanding": true, "of": true,
	"off": true, "on": true, "onto": true, "or": true, "out": true, "over": true, "per": true,
	"plus": true, "pro": true, "qua": true, "sans": true, "since": true, "so": true, "than": true,
	"the": true, "through": true, "throughout": true, "thru": true, "thruout": true, "till": true,
	"to": true, "toward": true, "towards": true, "under": true, "underneath": true, "until": true,
	"unto": true, "up": true, "upon": true, "v": true, "van": true, "versus": true, "via": true,
	"von": true, "vs": true, "with": true, "within": true, "without": true, "yet": true,
}

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

// placeholder stands for a nocase span while a case is applied.
const placeholder = '\uE0FF'

// textCase applies a CSL text-case to rendered text, leaving spans marked
// nocase in the data (<span class="nocase">) as they are.
func textCase(s, tc, lang string) string {
	if !strings.ContainsRune(s, mNoCaseOn) {
		return applyCase(s, tc, lang)
	}
	var kept []string
	var b, span strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == mNoCaseOn:
			depth++
			span.WriteRune(r)
		case depth > 0:
			span.WriteRune(r)
			if r == mNoCaseOff {
				if depth--; depth == 0 {
					kept = append(kept, span.String())
					span.Reset()
					b.WriteRune(placeholder)
				}
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteString(span.String()) // an unclosed span
	out := applyCase(b.String(), tc, lang)
	for _, k := range kept {
		out = strings.Replace(out, string(placeholder), k, 1)
	}
	return out
}

func applyCase(s, tc, lang string) string {
	switch tc {
	case "lowercase":
		return strings.Map(unicode.ToLower, s)
	case "uppercase":
		return strings.ReplaceAll(strings.Map(unicode.ToUpper, s), "ß", "SS") // as JavaScript's toUpperCase
	case "capitalize-first", "sentence":
		done := false
		return mapWords(s, func(w string, _ int) string {
			if done || !strings.ContainsFunc(w, unicode.IsLetter) { // "3., Aktualisierte" (as citeproc-js)
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
		return titleCase(s)
	}
	return s
}

// titleCase capitalises the words of s that are all lower case, except
// stop words and single letters in mid-title; the first word and the word
// after a colon, question or exclamation mark are always capitalised.
func titleCase(s string) string {
	var b, w strings.Builder
	first, afterPunct := true, false
	command := false      // the word follows a backslash: a TeX command (\it), kept as typed
	var before rune = ' ' // the character before the word
	// rest is what follows the word: a single letter before a hyphen is
	// part of a longer word, capitalised if all of it is lower case ("X-Ray"
	// but "e-Science", as citeproc-js)
	flush := func(rest string) {
		if w.Len() == 0 {
			return
		}
		word := w.String()
		w.Reset()
		compound := false
		if strings.HasPrefix(rest, "-") && word[0] < utf8.RuneSelf { // not "β-Cyclodextrin"
			tail, _, _ := strings.Cut(rest, " ")
			compound = strings.ToLower(tail) == tail
		}
		capitalise := first || afterPunct || ((utf8.RuneCountInString(word) > 1 || compound) && !stopWords[word])
		// as citeproc-js: a word glued to what comes before ("issued" in
		// "Extra=issued", "th" in "4(^th)"), one that starts with a digit
		// ("3rd") and a French elision ("l’addition") stay as written
		startsWithLetter := unicode.IsLetter([]rune(word)[0])
		glued := unicode.IsLetter(before) || unicode.IsDigit(before) || strings.ContainsRune("=^_+*&%$#@~|", before)
		if capitalise && !command && !glued && startsWithLetter && !elision(word) && strings.ToLower(word) == word {
			word = upperFirst(word)
		}
		b.WriteString(word)
		first, afterPunct, command = false, false, false
	}
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’' || unicode.Is(unicode.Mn, r) {
			if w.Len() == 0 {
				before = lastRune(b.String())
			}
			w.WriteRune(r)
			continue
		}
		flush(s[i:])
		if r == ':' || r == '?' || r == '!' {
			afterPunct = true
		}
		if r == placeholder { // text kept as written counts as a word ("AI and the…", as citeproc-js)
			first, afterPunct = false, false
		}
		command = r == '\\'
		b.WriteRune(r)
	}
	flush("")
	return b.String()
}

// lastRune is the last character of s that is not a marker of a style
// ("th" in "9<sup>th</sup>" is glued to the 9), a space when there is none.
func lastRune(s string) rune {
	for len(s) > 0 {
		r, size := utf8.DecodeLastRuneInString(s)
		if !isMarker(r) {
			return r
		}
		s = s[:len(s)-size]
	}
	return ' '
}

// elision reports whether a word begins with an elided article or
// preposition: one letter and an apostrophe ("l’addition", "d'eau").
func elision(word string) bool {
	rs := []rune(word)
	return len(rs) > 2 && unicode.IsLetter(rs[0]) && (rs[1] == '\'' || rs[1] == '’')
}
