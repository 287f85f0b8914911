package search

import (
	"encoding/hex"
	"slices"
	"strings"
	"unicode"

	"github.com/annals/annals/catalog"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// familyOf routes a language tag to its analyzer family; text with no tag
// is routed by its script.
func familyOf(tag, text string) string {
	base, _, _ := strings.Cut(strings.ToLower(tag), "-")
	switch base {
	case "en":
		return famEN
	case "ru":
		return famRU
	case "zh", "ja", "ko":
		return famCJK
	case "":
		return familyByScript(text)
	}
	return famOther
}

// familyByScript guesses the family of untagged text from its letters.
func familyByScript(text string) string {
	var latin, cyr, cjk int
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r), unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r), unicode.Is(unicode.Hangul, r):
			cjk++
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		case unicode.Is(unicode.Latin, r):
			latin++
		}
	}
	switch {
	case cjk > 0 && cjk*2 >= latin+cyr:
		return famCJK
	case cyr > latin:
		return famRU
	case latin > 0:
		return famEN
	}
	return famOther
}

// baseLanguage is the language of a tag without script or region, the
// value of the language facet ("sr-Latn" -> "sr").
func baseLanguage(tag string) string {
	base, _, _ := strings.Cut(strings.ToLower(tag), "-")
	return base
}

// documenter turns records into index documents. It holds a collator,
// which is not safe for concurrent use: one documenter per goroutine.
type documenter struct {
	collator *collate.Collator
	buf      collate.Buffer
}

func newDocumenter() *documenter {
	return &documenter{collator: collate.New(language.Und, collate.Loose)}
}

// sortKey is the collation key of a title (its first 64 characters), so
// that sorting by title orders Latin and Cyrillic titles the way the
// Unicode collation algorithm does, ignoring case and accents, and Han
// titles by their pinyin, as Chinese dictionaries and the proceedings'
// index do (the collation's own order for Han is by radical and stroke).
// The key's first byte is the script of the title's first letter
// (scriptLatin, scriptCyrillic, scriptHan): a title sort puts the
// interface language's script first (see keySort).
func (d *documenter) sortKey(title string) string {
	if r := []rune(title); len(r) > 64 {
		title = string(r[:64])
	}
	d.buf.Reset()
	first := strings.TrimLeftFunc(title, func(r rune) bool { return !unicode.IsLetter(r) })
	switch {
	case first == "":
		return string(scriptLatin) + hex.EncodeToString(d.collator.KeyFromString(&d.buf, title))
	case isHan([]rune(first)[0]):
		return string(scriptHan) + hex.EncodeToString(d.collator.KeyFromString(&d.buf, strings.Join(hanSyllables(title), " ")+" "+title))
	case unicode.Is(unicode.Cyrillic, []rune(first)[0]):
		return string(scriptCyrillic) + hex.EncodeToString(d.collator.KeyFromString(&d.buf, title))
	}
	return string(scriptLatin) + hex.EncodeToString(d.collator.KeyFromString(&d.buf, title))
}

// The scripts a title key starts with, in the order of an English
// interface (and of the Unicode collation): Latin (and every script but
// Cyrillic and Han), Cyrillic, Han.
const (
	scriptLatin    = 'l'
	scriptCyrillic = 'm'
	scriptHan      = 'n'
)

// fields accumulates the values of a document's fields.
type fields map[string][]string

func (f fields) add(name string, values ...string) {
	for _, v := range values {
		if v != "" {
			f[name] = append(f[name], v)
		}
	}
}

// addUnique adds values not already present (facet values count once).
func (f fields) addUnique(name string, values ...string) {
	for _, v := range values {
		if v == "" {
			continue
		}
		dup := false
		for _, have := range f[name] {
			dup = dup || have == v
		}
		if !dup {
			f[name] = append(f[name], v)
		}
	}
}

// document is what the index holds for a record. texts says which files'
// bytes have had their text read (by SHA-256): a record with an open or
// embargoed file among them has the fulltext facet, and the labels of
// those files are a facet too (restricted files say nothing here).
func (d *documenter) document(rec *catalog.Record, texts map[string]bool) map[string]any {
	plain := rec.WithPlainTitles() // search reads the words of a title, not its styles
	r := &plain
	f := fields{}
	// addText puts text in a part (title, keywords) of its family and in
	// the family's combined text.
	addText := func(part, fam, text string) {
		f.add(textField(part, fam), text)
		f.add(textField(fText, fam), text)
	}
	addText(fTitle, familyOf(r.Language, r.Title), r.Title)
	f.add(textField(fText, familyOf(r.Language, r.Abstract)), r.Abstract)
	titles := []string{r.Title}
	for _, t := range r.Translations {
		addText(fTitle, familyOf(t.Language, t.Title), t.Title)
		f.add(textField(fText, familyOf(t.Language, t.Abstract)), t.Abstract)
		titles = append(titles, t.Title)
	}
	for _, k := range r.Keywords {
		addText(fKeywords, familyByScript(k), k) // keywords mix languages freely
	}
	// Facet values, and the status, go in one field as "name=value":
	// facets are counted from it and filters match it.
	facet := func(name, value string) {
		if value != "" {
			f.addUnique(fFacets, facetTerm(name, value))
		}
	}
	for _, t := range r.Topics {
		facet(fTopic, t)
		if topic, ok := catalog.FindTopic(t); ok {
			for _, lang := range []string{"en", "ru", "zh"} {
				label := topic.Labels[lang]
				addText(fKeywords, familyOf(lang, label), label)
			}
		}
	}
	f.add(fSpell, titles...)
	f.add(fSpell, r.Keywords...)
	f.add(fExact, markedWords(titles...)...)
	f.add(fExact, markedWords(r.Keywords...)...)
	latinTitles := Latinize(strings.Join(titles, " "))
	f.add(fLatin, latinTitles)
	f.add(textField(fText, famOther), latinTitles)
	for _, c := range r.Contributors {
		forms := nameForms(c)
		f.add(fNames, forms...)
		f.add(fSpell, forms...)
		f.add(fExact, markedWords(forms...)...)
		// Names ranked with everything else: each form under the family of
		// its script ("Алдошин" Russian, "aldoshin" English).
		for _, form := range forms {
			f.add(textField(fText, familyByScript(form)), form)
		}
		facet(fCountry, c.Country)
		if c.Affiliation != "" {
			addText(fKeywords, familyByScript(c.Affiliation), c.Affiliation)
		}
	}
	facet(fKind, string(r.Kind))
	facet(fLanguage, baseLanguage(r.Language))
	if len(r.Date) >= 4 {
		facet(fYear, r.Date[:4])
	}
	facet(fEvent, r.Event)
	facet(fSession, r.Session)
	facet(fStatus, string(r.Status))
	for _, file := range r.Files {
		if file.Access == catalog.AccessRestricted {
			continue
		}
		facet(fLabel, file.Label)
		if texts[file.SHA256] {
			facet(fFulltext, "yes")
		}
	}
	f.add(fDate, r.Date)
	f.add(fTitleKey, d.sortKey(r.Title))
	suggestKeys, suggestTexts := suggestTerms(r)
	f.add(fSuggest, suggestKeys...)
	f.add(fSuggestText, suggestTexts...)
	doc := make(map[string]any, len(f))
	for name, values := range f {
		switch {
		case len(values) == 1:
			doc[name] = values[0]
		case slices.Contains(wholeValueFields, name) || name == fSuggest || name == fSuggestText:
			doc[name] = values
		default:
			doc[name] = joinValues(values) // one text, its values kept apart by the analyzer
		}
	}
	return doc
}

// nameForms lists every way a contributor's name is written: as given,
// in each translation, in Latin letters (both romanisations of Cyrillic,
// pinyin syllables and joined for Han), and the initials of given names,
// so that "S. Aldoshin", "Aldoshin Sergey", "Алдошин" and "Zhang Tian" for
// 张天 all match.
func nameForms(c catalog.Contributor) []string {
	parts := []string{c.Family, c.Given, c.Literal}
	for _, t := range c.Translations {
		parts = append(parts, t.Family, t.Given, t.Literal)
	}
	var out []string
	for i, p := range parts {
		if p == "" {
			continue
		}
		out = append(out, p)
		latin := LatinForms(p)
		out = append(out, latin...)
		if i%3 == 1 { // a given name: its initials, in every script's Latin form
			for _, form := range append([]string{p}, latin...) {
				out = append(out, initials(form))
			}
		}
	}
	return out
}

// initials returns the first letter of each word of a given name.
func initials(given string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(given, func(r rune) bool { return r == ' ' || r == '-' || r == '.' }) {
		r := []rune(w)
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r[0])
	}
	return b.String()
}

// markedWords are the words of values that folding changes (foldable):
// the only ones a query looks up as written, so the only ones fExact
// holds.
func markedWords(values ...string) []string {
	var out []string
	for _, v := range values {
		for _, w := range strings.Fields(v) {
			if foldable(w) {
				out = append(out, w)
			}
		}
	}
	return out
}
