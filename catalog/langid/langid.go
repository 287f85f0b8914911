// Package langid tells which language a text is in, among the languages
// a catalogue of Chinese, Russian and Central Asian academies meets: the
// script first (Han, kana, Hangul, Arabic, Cyrillic, Latin), then, within
// Cyrillic, the letters only some of its languages use (Kazakh ә ұ ң,
// Belarusian ў, Ukrainian ї є, Serbian ђ ћ љ, Uzbek ҳ), and within Latin
// the commonest short words of each language.
//
// It is small and exact about what it knows rather than statistical:
// languages outside its list come out as the nearest one it knows or as
// "" (unknown), never as a guess between similar ones. Its accuracy on
// real titles and abstracts is measured in its tests.
package langid

import (
	"strings"
	"unicode"
)

// sampleRunes bounds the text looked at: a long document's language is
// clear from its first pages.
const sampleRunes = 100_000

// minLetters is the fewest letters a text must have to be told.
const minLetters = 12

// Detect returns the ISO 639-1 code of the language of text ("ru", "zh",
// "kk", "en"...), or "" when there is too little text or it is in a
// script the package does not know.
func Detect(text string) string {
	var d Detector
	d.Add(text)
	return d.Language()
}

// Detector tells the language of a text read in parts (a document page by
// page); it looks at the first 100,000 characters. The zero value is ready.
type Detector struct{ c counts }

// Add reads the next part of the text.
func (d *Detector) Add(text string) { d.c.add(text) }

// Language is what Detect would say of the parts added so far.
func (d *Detector) Language() string {
	d.c.endWord()
	return d.c.language()
}

// counts are the letters of a text by script, and the marker letters and
// Latin words that tell languages of one script apart.
type counts struct {
	han, kana, hangul, arabic, cyrillic, latin int
	cyr                                        map[rune]int
	words                                      map[string]int
	word                                       []rune
	seen                                       int
}

func (c *counts) add(text string) {
	if c.cyr == nil {
		c.cyr = map[rune]int{}
		c.words = map[string]int{}
	}
	for _, r := range text {
		if c.seen >= sampleRunes {
			break
		}
		c.seen++
		r = unicode.ToLower(r)
		switch {
		case unicode.Is(unicode.Han, r):
			c.han++
		case unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r):
			c.kana++
		case unicode.Is(unicode.Hangul, r):
			c.hangul++
		case unicode.Is(unicode.Arabic, r):
			c.arabic++
		case unicode.Is(unicode.Cyrillic, r):
			c.cyrillic++
			if strings.ContainsRune(cyrillicMarkers, r) {
				c.cyr[r]++
			}
		case unicode.Is(unicode.Latin, r):
			c.latin++
			c.word = append(c.word, r)
			continue
		case r == '\'' || r == 'ʻ' || r == 'ʼ' || r == '’' || r == '‘':
			// Uzbek oʻ and gʻ, written with any of these apostrophes.
			if n := len(c.word); n > 0 && (c.word[n-1] == 'o' || c.word[n-1] == 'g') {
				c.word = append(c.word, 'ʻ')
				continue
			}
		}
		c.endWord()
	}
	c.endWord()
}

func (c *counts) endWord() {
	if len(c.word) > 0 {
		c.words[string(c.word)]++
		c.word = c.word[:0]
	}
}

func (c *counts) language() string {
	cjk := c.han + c.kana + c.hangul
	// A Han character carries about as much as a short word: weigh them
	// so that a Chinese page with English references stays Chinese.
	best, n := "", 0
	for _, s := range []struct {
		lang string
		n    int
	}{{"cjk", cjk * 3}, {"ar", c.arabic}, {"cyrillic", c.cyrillic}, {"latin", c.latin}} {
		if s.n > n {
			best, n = s.lang, s.n
		}
	}
	if n < minLetters && !(best == "cjk" && cjk >= 4) {
		return ""
	}
	switch best {
	case "cjk":
		switch {
		case c.hangul > c.kana && c.hangul*2 > c.han:
			return "ko"
		case c.kana*20 >= cjk: // Japanese writes kana between its kanji
			return "ja"
		}
		return "zh"
	case "ar":
		return "ar"
	case "cyrillic":
		return c.cyrillicLanguage()
	}
	return c.latinLanguage()
}
