package catalog

import (
	"strings"

	"golang.org/x/text/language"
)

// languageNames are the names other tools write for languages: babel and
// polyglossia names (BibTeX langid), English names (Web of Science, Scopus
// and EndNote's LA), and the languages' own names (Russian and Chinese
// databases).
var languageNames = map[string]string{
	"english": "en", "american": "en", "british": "en", "russian": "ru", "chinese": "zh", "ukrainian": "uk",
	"belarusian": "be", "byelorussian": "be", "serbian": "sr", "kazakh": "kk", "uzbek": "uz", "german": "de",
	"ngerman": "de", "french": "fr", "spanish": "es", "italian": "it", "portuguese": "pt", "brazilian": "pt-BR",
	"armenian": "hy", "azerbaijani": "az", "kyrgyz": "ky", "japanese": "ja", "korean": "ko", "polish": "pl",
	"czech": "cs", "turkish": "tr", "arabic": "ar", "persian": "fa", "dutch": "nl", "swedish": "sv",
	"hungarian": "hu", "bulgarian": "bg", "croatian": "hr", "romanian": "ro", "greek": "el", "tajik": "tg",
	"turkmen": "tk", "mongolian": "mn", "georgian": "ka", "vietnamese": "vi",
	"русский": "ru", "английский": "en", "китайский": "zh", "украинский": "uk", "белорусский": "be",
	"казахский": "kk", "узбекский": "uz", "немецкий": "de", "французский": "fr", "中文": "zh", "汉语": "zh",
	"英文": "en", "英语": "en", "俄文": "ru", "俄语": "ru", "日文": "ja", "беларуская": "be", "қазақ": "kk",
	"o'zbek": "uz", "oʻzbek": "uz", "српски": "sr",
}

// LanguageFromName reads a language as other tools write it — a BCP 47
// tag ("en", "zh-CN"), an ISO 639-2 code ("eng", "rus"), or a name
// ("English", "russian", "Русский", "中文") — and gives its BCP 47 tag, or
// "" when it cannot tell.
func LanguageFromName(s string) string {
	s = strings.TrimSpace(s)
	key := strings.ToLower(s)
	if tag, ok := languageNames[key]; ok {
		return tag
	}
	if len(key) == 3 && isAlpha(key) { // ISO 639-2
		if base, err := language.ParseBase(key); err == nil {
			return base.String()
		}
	}
	if tag := canonicalLanguage(s); ValidLanguage(tag) {
		return tag
	}
	return ""
}
