// Package i18n is the one place Annals keeps its words for people, in the
// languages of its interface (English, Russian, Chinese): messages by key
// (read from i18n/LANG.json), dates and numbers written each language's
// way, and the names of kinds, roles, topics, languages and countries. The
// web pages and the PDFs both speak through it.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/annals/annals/catalog"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Languages are the languages of the interface, the first the default.
func Languages() []string { return []string{"en", "ru", "zh"} }

// Words holds the messages of every interface language.
type Words struct {
	msgs map[string]map[string]string
}

// Load reads i18n/LANG.json for each interface language from fsys (the
// assets), each a flat object of message keys to text.
func Load(fsys fs.FS) (*Words, error) {
	w := &Words{msgs: map[string]map[string]string{}}
	for _, lang := range Languages() {
		data, err := fs.ReadFile(fsys, "i18n/"+lang+".json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, fmt.Errorf("i18n/%s.json: %w", lang, err)
		}
		w.msgs[lang] = m
	}
	return w, nil
}

// In returns the words of one language: the interface language a tag
// (en-US, ru, zh-Hans-CN...) falls into, English for any other.
func (w *Words) In(tag string) Lang {
	base := strings.ToLower(tag)
	if i := strings.IndexAny(base, "-_"); i >= 0 {
		base = base[:i]
	}
	for _, l := range Languages() {
		if l == base {
			return Lang{w: w, Code: l}
		}
	}
	return Lang{w: w, Code: "en"}
}

// Has reports whether lang has its own message for key.
func (w *Words) Has(lang, key string) bool {
	_, ok := w.msgs[lang][key]
	return ok
}

// Lang says things in one interface language.
type Lang struct {
	w    *Words
	Code string // en, ru or zh
}

// T says a message: {0}, {1}... are replaced by args. A key the language
// lacks falls back to English, then to the key itself. When the first
// argument is one and the language has the message KEY.one ("1 entry"
// beside "{0} entries"), that is said instead.
func (l Lang) T(key string, args ...any) string {
	if len(args) > 0 && fmt.Sprint(args[0]) == "1" {
		if _, ok := l.w.msgs[l.Code][key+".one"]; ok {
			key += ".one"
		}
	}
	msg, ok := l.w.msgs[l.Code][key]
	if !ok {
		if msg, ok = l.w.msgs["en"][key]; !ok {
			msg = key
		}
	}
	for i, a := range args {
		msg = strings.ReplaceAll(msg, "{"+strconv.Itoa(i)+"}", fmt.Sprint(a))
	}
	return msg
}

// Kind names a kind of record: Presentation, Доклад, 报告.
func (l Lang) Kind(k catalog.Kind) string { return l.T("kind." + string(k)) }

// Role names a contributor's role: speaker, докладчик, 报告人.
func (l Lang) Role(role string) string { return l.T("role." + role) }

// Topic names a topic of the vocabulary in the language, in English when
// it has no label in it, and by its key when it is not in the vocabulary.
func (l Lang) Topic(key string) string {
	t, ok := catalog.FindTopic(key)
	if !ok {
		return key
	}
	if label := t.Labels[l.Code]; label != "" {
		return label
	}
	return t.Labels["en"]
}

// LanguageName names a language (ru, zh, en…).
func (l Lang) LanguageName(code string) string {
	t, err := language.Parse(code)
	if err != nil {
		return code
	}
	if n := display.Languages(language.Make(l.Code)).Name(t); n != "" {
		return n
	}
	return code
}

// CountryName names a country by its ISO 3166 code.
func (l Lang) CountryName(code string) string {
	r, err := language.ParseRegion(strings.ToUpper(code))
	if err != nil {
		return code
	}
	if n := display.Regions(language.Make(l.Code)).Name(r); n != "" {
		return n
	}
	return code
}

// Num writes a whole number with the language's digit grouping: 12,345;
// 12 345 (a no-break space) in Russian.
func (l Lang) Num(n any) string {
	s := fmt.Sprint(n)
	sep := l.T("number.group")
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}

// FieldMessage says a validation message in the language: the language's
// message for its English format (key "invalid:" and the format), its
// arguments written as the English format writes them ({0}, {1}...); the
// English message when the language has none.
func (l Lang) FieldMessage(fe catalog.FieldError) string {
	msg, ok := l.w.msgs[l.Code]["invalid:"+fe.Format]
	if fe.Format == "" || !ok {
		return fe.Message
	}
	for i, a := range formatArgs(fe.Format, fe.Args) {
		msg = strings.ReplaceAll(msg, "{"+strconv.Itoa(i)+"}", a)
	}
	return msg
}

// formatArgs writes each argument with its verb in a Printf format ("%q",
// "%d", "%04X").
func formatArgs(format string, args []any) []string {
	var out []string
	for i := 0; i < len(format) && len(out) < len(args); i++ {
		if format[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(format) && !(format[j] >= 'a' && format[j] <= 'z' || format[j] >= 'A' && format[j] <= 'Z' || format[j] == '%') {
			j++
		}
		if j >= len(format) {
			break
		}
		if format[j] != '%' {
			out = append(out, fmt.Sprintf(format[i:j+1], args[len(out)]))
		}
		i = j
	}
	return out
}

// RoleCode reads a contributor's role as a person may type it: its code
// ("author") or its name in any interface language ("автор", "作者",
// "Speaker"); anything else is returned as typed, for validation to name.
func (w *Words) RoleCode(s string) string {
	s = strings.TrimSpace(s)
	for _, role := range catalog.Roles() {
		if strings.EqualFold(s, role) {
			return role
		}
		for _, lang := range Languages() {
			if strings.EqualFold(s, w.In(lang).Role(role)) {
				return role
			}
		}
	}
	return s
}
