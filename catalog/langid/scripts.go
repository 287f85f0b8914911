package langid

import "strings"

// cyrillicMarkers are the letters counted to tell Cyrillic languages apart.
const cyrillicMarkers = "әғқңөұүһіўҳїєґђћџљњјыэ"

// share is how many marker letters a text of n Cyrillic letters needs for
// them to be its language's and not a quoted name's: one in 300 letters
// (Kazakh writes ә about one letter in 40, Belarusian ў one in 60).
func share(n int) int { return max(1, n/300) }

// cyrillicLanguage tells Russian from the other Cyrillic languages by the
// letters only they write.
func (c *counts) cyrillicLanguage() string {
	sum := func(letters string) int {
		n := 0
		for _, r := range letters {
			n += c.cyr[r]
		}
		return n
	}
	need := share(c.cyrillic)
	russianOnly := sum("ыэ") // neither Serbian nor Ukrainian writes them
	switch {
	case sum("ђћџљњј") >= need && russianOnly < need:
		return "sr"
	case sum("әұңөүһ") >= need:
		return "kk"
	case sum("ҳ") >= need || (sum("ў") >= need && sum("қғ") >= need):
		return "uz"
	case sum("ў") >= need && sum("і") >= need:
		return "be"
	case sum("їєґ") >= need || (sum("і") >= need && russianOnly < need):
		return "uk"
	}
	return "ru"
}

// latinWords are the commonest short words of the Latin-script languages
// told apart, by language. A word several languages share counts for each.
var latinWords = map[string][]string{
	"en": strings.Fields("the of and to in is for that with on are as by this be from was were which an it or at not"),
	"de": strings.Fields("der die und das den von zu mit ist des sich nicht auf ein eine für im sind dem auch wird werden"),
	"fr": strings.Fields("le la les de des et du un une est en que pour dans sur qui au aux par pas ce sont avec"),
	"es": strings.Fields("el la los las de y que en del por con una para se es al como más su sus"),
	"it": strings.Fields("il di che della per una del con sono gli nel alla non è le delle dei al"),
	"pt": strings.Fields("o os as de do da dos das e que em um uma para com não no na ao é se"),
	"sr": strings.Fields("i je u se na da su za od sa koji koja koje kao ili nije biti kod iz prema"),
	"uz": strings.Fields("va bilan uchun bu ham bir esa deb edi emas har kabi yoki barcha ushbu hamda bo'yicha boʻyicha"),
}

// latinLanguage tells Latin-script languages apart by their short words,
// and Serbian and Uzbek also by the letters only they write (đ ć, oʻ gʻ).
func (c *counts) latinLanguage() string {
	score := map[string]int{}
	for lang, words := range latinWords {
		for _, w := range words {
			score[lang] += c.words[w]
		}
	}
	for w, n := range c.words {
		if strings.ContainsAny(w, "đć") {
			score["sr"] += 2 * n
		}
		if strings.ContainsRune(w, 'ʻ') {
			score["uz"] += 2 * n
		}
	}
	best, top, second := "", 0, 0
	for _, lang := range []string{"en", "de", "fr", "es", "it", "pt", "sr", "uz"} {
		switch s := score[lang]; {
		case s > top:
			best, top, second = lang, s, top
		case s > second:
			second = s
		}
	}
	// Too few words, or two languages equally likely: unknown.
	if top < 2 || top == second {
		return ""
	}
	return best
}
