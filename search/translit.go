package search

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// Two romanisations of Cyrillic, because names are written both ways:
// practical English spelling ("Aldoshin", "Khabarov", "Chernov") and the
// ISO 9 letters with their diacritics dropped, which is also how Serbian
// Latin reads once folded ("Petrović" -> "petrovic", "Čajkanović" ->
// "cajkanovic"). Each Cyrillic word is indexed and searched in both.
var (
	cyrillicPractical = map[rune]string{
		'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z", 'и': "i",
		'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
		'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "",
		'э': "e", 'ю': "yu", 'я': "ya",
		// Ukrainian, Belarusian
		'і': "i", 'ї': "yi", 'є': "ye", 'ґ': "g", 'ў': "u",
		// Serbian, Macedonian
		'ђ': "dj", 'ј': "j", 'љ': "lj", 'њ': "nj", 'ћ': "c", 'џ': "dz", 'ѓ': "gj", 'ќ': "kj", 'ѕ': "dz",
		// Kazakh, Kyrgyz, Uzbek Cyrillic
		'ә': "a", 'ғ': "gh", 'қ': "q", 'ң': "ng", 'ө': "o", 'ұ': "u", 'ү': "u", 'һ': "h", 'ҳ': "h",
	}
	cyrillicISO = map[rune]string{
		'ж': "z", 'х': "h", 'ц': "c", 'ч': "c", 'ш': "s", 'щ': "sc", 'й': "j", 'ю': "ju", 'я': "ja",
		'ђ': "d", 'ғ': "g", 'қ': "k",
	}
)

func isCyrillic(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }
func isHan(r rune) bool      { return unicode.Is(unicode.Han, r) }

// romanizeCyrillic writes a lower-case Cyrillic word in Latin letters with
// the given table (falling back to the practical one).
func romanizeCyrillic(word string, table map[rune]string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(word) {
		if s, ok := table[r]; ok {
			b.WriteString(s)
		} else if s, ok := cyrillicPractical[r]; ok {
			b.WriteString(s)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pinyinArgs asks for plain syllables without tones; characters without a
// reading are dropped.
var pinyinArgs = pinyin.NewArgs()

// hanSyllables returns the pinyin syllables of the Han characters in s.
func hanSyllables(s string) []string {
	var out []string
	for _, syl := range pinyin.Pinyin(s, pinyinArgs) {
		if len(syl) > 0 {
			out = append(out, syl[0])
		}
	}
	return out
}

// LatinForms returns the ways a word in another script is written in Latin
// letters, for indexing and searching names and titles across scripts:
// both romanisations of a Cyrillic word, and the pinyin of Han characters,
// syllable by syllable and joined ("海生" -> "hai sheng", "haisheng").
// Words already in Latin letters give nothing; their diacritics are folded
// by the analyzer.
func LatinForms(word string) []string {
	hasCyr, hasHan := false, false
	for _, r := range word {
		hasCyr = hasCyr || isCyrillic(r)
		hasHan = hasHan || isHan(r)
	}
	var forms []string
	if hasCyr {
		forms = append(forms, romanizeCyrillic(word, cyrillicPractical))
		if iso := romanizeCyrillic(word, cyrillicISO); iso != forms[0] {
			forms = append(forms, iso)
		}
	}
	if hasHan {
		if syl := hanSyllables(word); len(syl) > 0 {
			forms = append(forms, strings.Join(syl, " "))
			if len(syl) > 1 {
				forms = append(forms, strings.Join(syl, ""))
			}
		}
	}
	return forms
}

// Latinize returns the Latin forms of every word of text in other scripts,
// separated by spaces: the text of the transliteration fields. Han runs
// are taken as wholes, since Chinese has no spaces between words.
func Latinize(text string) string {
	var out []string
	for _, word := range strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Mn, r)
	}) {
		out = append(out, LatinForms(word)...)
	}
	return strings.Join(out, " ")
}
