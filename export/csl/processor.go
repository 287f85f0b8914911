package csl

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// LocaleLoader returns the locale file of a language tag ("ru-RU"), or an
// error if there is none.
type LocaleLoader func(tag string) ([]byte, error)

// primaryDialects maps a language to the region its locale file is under.
var primaryDialects = map[string]string{"en": "en-US", "ru": "ru-RU", "zh": "zh-CN", "de": "de-DE", "fr": "fr-FR",
	"es": "es-ES", "pt": "pt-PT", "ja": "ja-JP", "ko": "ko-KR", "uk": "uk-UA", "sr": "sr-RS"}

// Processor renders citations and bibliographies in one style and
// language. It is safe for concurrent use: each call renders with its own
// state.
type Processor struct {
	style  *Style
	locale chain
	lang   string
	// fileLocale is the locale file the processor's terms come from.
	fileLocale string
	// inheritCitation and inheritBibliography are the options a names
	// element inherits from the style and the section (read-only).
	inheritCitation, inheritBibliography map[string]string
	cache                                *renderCache
}

// NewProcessor prepares style for the language tag lang (the style's
// default-locale, then en-US, when empty). Locales are looked up as CSL
// says: the style's own locale for the language, its base language and
// none; then the locale files for the language, its primary dialect and
// en-US.
func NewProcessor(style *Style, lang string, load LocaleLoader) (*Processor, error) {
	if lang == "" {
		lang = style.DefaultLocale
	}
	if lang == "" {
		lang = "en-US"
	}
	var c chain
	inStyle := func(match func(string) bool) {
		for _, n := range style.locales {
			if match(n.get("lang")) {
				l := newLocale(n.get("lang"))
				l.merge(n)
				c = append(c, l)
			}
		}
	}
	inStyle(func(l string) bool { return l == lang })
	if base := baseLang(lang); base != lang {
		inStyle(func(l string) bool { return l == base })
	}
	inStyle(func(l string) bool { return l == "" })
	tried := map[string]bool{}
	fileLocale := ""
	for _, tag := range []string{lang, primaryDialects[baseLang(lang)], "en-US"} {
		if tag == "" || tried[tag] {
			continue
		}
		tried[tag] = true
		data, err := load(tag)
		if err != nil {
			continue
		}
		l, err := ParseLocale(data)
		if err != nil {
			return nil, fmt.Errorf("locale %s: %w", tag, err)
		}
		if fileLocale == "" {
			fileLocale = tag
		}
		c = append(c, l)
	}
	if len(c) == 0 {
		return nil, fmt.Errorf("no locale for %s", lang)
	}
	p := &Processor{style: style, locale: c, lang: lang, fileLocale: fileLocale,
		inheritCitation: inherit(style.root.attr, style.citation.attr), cache: &renderCache{}}
	p.inheritBibliography = p.inheritCitation
	if style.bibliography != nil {
		p.inheritBibliography = inherit(style.root.attr, style.bibliography.attr)
	}
	return p, nil
}

// newRenderer starts the rendering of an item in a mode (citation or
// bibliography).
func (p *Processor) newRenderer(item *Item, mode string) *renderer {
	inherited := p.inheritCitation
	if mode == "bibliography" {
		inherited = p.inheritBibliography
	}
	return &renderer{style: p.style, locale: p.locale, item: item, mode: mode, inherited: inherited, cache: p.cache,
		request: p.requestFor(item, mode)}
}

// Locale is the language the processor writes in: the locale file its
// terms come from (en-US when there is none for the language asked).
func (p *Processor) Locale() string {
	if p.fileLocale == "" {
		return p.lang
	}
	return p.fileLocale
}

// Style is the style the processor renders.
func (p *Processor) Style() *Style { return p.style }

// Bibliography renders the entries of items, sorted as the style says, in
// "text" or "html". Items the style leaves out are not listed.
func (p *Processor) Bibliography(items []*Item, format string) []string {
	return p.NewDocument(items).Bibliography(format)
}

// BibliographySpans renders the entries of items as styled spans.
func (p *Processor) BibliographySpans(items []*Item) [][]Span {
	return p.NewDocument(items).BibliographySpans()
}

// ReferenceSpans renders one item's bibliography entry on its own, as
// styled spans: how to cite it where it stands alone (a cover page, a
// stamp below each page, a record page), so without the number a numeric
// style gives an entry in a list ("1. "), which would mean nothing there.
// Nil when the style has no bibliography or leaves the item out.
func (p *Processor) ReferenceSpans(item *Item) []Span {
	d := p.NewDocument([]*Item{item})
	item.SetVar("citation-number", "")
	if entries := d.BibliographySpans(); len(entries) > 0 {
		return entries[0]
	}
	return nil
}

// Reference is ReferenceSpans in "text" or "html".
func (p *Processor) Reference(item *Item, format string) string {
	d := p.NewDocument([]*Item{item})
	item.SetVar("citation-number", "")
	if entries := d.Bibliography(format); len(entries) > 0 {
		return entries[0]
	}
	return ""
}

// Citation renders one citation of items, disambiguated among themselves,
// in "text" or "html".
func (p *Processor) Citation(items []*Item, format string) string {
	d := p.NewDocument(items)
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	s, _ := d.Citation(format, ids...)
	return s
}

// citePart is what of a citation is rendered.
type citePart uint8

const (
	citeWhole citePart = iota
	citeAuthorOnly
	citeWithoutAuthor
)

// NarrativeCitation cites an item in the running text: its authors as the
// style names them in a citation, then the rest of the citation without
// them — "Алдошин (2025)" in APA, "Алдошин (12)" in MLA with a locator —
// as Zotero composes it from citeproc-js's author-only and suppress-author
// cites. A note style, or one whose citation names no one (numeric
// styles), gets its ordinary citation.
func (p *Processor) NarrativeCitation(it *Item, format string) string {
	d := p.NewDocument([]*Item{it})
	if p.style.Class == "note" { // a note is not part of a sentence
		s, _ := d.Citation(format, it.ID)
		return s
	}
	layout := p.style.citation.child("layout")
	author := p.newRenderer(it, "citation")
	author.cite = citeAuthorOnly
	author.renderChildren(layout, "")
	if !visible(plain(author.authorText)) {
		s, _ := d.Citation(format, it.ID)
		return s
	}
	rest := p.newRenderer(it, "citation")
	rest.cite = citeWithoutAuthor
	restText := rest.renderChildren(layout, "").s
	out := finish(author.authorText, p.locale, format == formatHTML)
	if visible(plain(restText)) {
		out += " " + finish(rest.decorate(layout, restText), p.locale, format == formatHTML)
	}
	return out
}

// Document is a set of items cited together: numbered in bibliography
// order and disambiguated once, then rendered as a bibliography or as
// citations of some of them. A document owns its items.
type Document struct {
	p      *Processor
	sorted []*Item // bibliography order
	byID   map[string]*Item
}

// NewDocument sorts, numbers and disambiguates items for p's style.
func (p *Processor) NewDocument(items []*Item) *Document {
	d := &Document{p: p, byID: make(map[string]*Item, len(items))}
	for _, it := range items {
		d.byID[it.ID] = it
	}
	section := p.style.citation
	if p.style.bibliography != nil {
		section = p.style.bibliography // numbers and year suffixes follow the bibliography
	}
	d.sorted = p.prepare(items, section)
	return d
}

// Bibliography renders the document's entries in "text" or "html".
func (d *Document) Bibliography(format string) []string {
	var entries []string
	for _, e := range d.entries() {
		// an item the style leaves out (an entry with no text) is dropped
		if e = finish(e, d.p.locale, format == formatHTML); visible(plain(e)) {
			entries = append(entries, e)
		}
	}
	return entries
}

// BibliographySpans renders the document's entries as styled spans, for
// outputs that set the text themselves (the PDF keeps its italics).
func (d *Document) BibliographySpans() [][]Span {
	var entries [][]Span
	for _, e := range d.entries() {
		if visible(plain(e)) {
			entries = append(entries, finishSpans(e, d.p.locale))
		}
	}
	return entries
}

// entries renders the bibliography's entries, not yet finished.
func (d *Document) entries() []string {
	p := d.p
	if p.style.bibliography == nil {
		return nil
	}
	out := make([]string, len(d.sorted))
	keys := make([]string, len(d.sorted))
	for i, it := range d.sorted {
		r := p.newRenderer(it, "bibliography")
		out[i], keys[i] = r.render(p.style.bibliography.child("layout")).s, r.namesKey
	}
	p.substituteRepeatedAuthors(d.sorted, out, keys)
	return out
}

// Citation renders one citation of the items with the given IDs, in
// "text" or "html".
func (d *Document) Citation(format string, ids ...string) (string, error) {
	p := d.p
	cited := make([]*Item, 0, len(ids))
	for _, id := range ids {
		it := d.byID[id]
		if it == nil {
			return "", fmt.Errorf("no item %q in the document", id)
		}
		cited = append(cited, it)
	}
	if s := p.style.citation.child("sort"); s != nil {
		p.sortItems(cited, s)
	}
	layout := p.style.citation.child("layout")
	var parts []string
	for _, it := range cited {
		r := p.newRenderer(it, "citation")
		if s := r.renderChildren(layout, "").s; s != "" {
			parts = append(parts, s)
		}
	}
	r := p.newRenderer(&Item{vars: map[string]string{}}, "citation")
	s := r.decorate(layout, joinAll(parts, layout.get("delimiter")))
	return finish(s, p.locale, format == formatHTML), nil
}

// prepare sorts items for a section, numbers them and disambiguates
// their citations as the style asks. It returns the sorted list.
func (p *Processor) prepare(items []*Item, section *node) []*Item {
	sorted := append([]*Item(nil), items...)
	if s := section.child("sort"); s != nil {
		p.sortItems(sorted, s)
	}
	for i, it := range sorted {
		it.SetVar("citation-number", strconv.Itoa(i+1))
	}
	p.disambiguate(items, sorted)
	return sorted
}

// substituteRepeatedAuthors renders again, with the style's
// subsequent-author-substitute in place of its names, each entry whose
// first names are the same as the last names compared (keys, from
// markNames; rule complete-all, the default and the only one the bundled
// styles use).
func (p *Processor) substituteRepeatedAuthors(items []*Item, out, keys []string) {
	sub, ok := p.style.bibliography.attr["subsequent-author-substitute"]
	if !ok {
		return
	}
	prev := ""
	for i, key := range keys {
		if key == "" {
			continue
		}
		if key == prev {
			r := p.newRenderer(items[i], "bibliography")
			r.namesAs = &sub
			out[i] = r.render(p.style.bibliography.child("layout")).s
		}
		prev = key
	}
}

// sortItems sorts items by the keys of a sort element: variables or
// macros, ascending or descending; an item missing a key sorts after.
func (p *Processor) sortItems(items []*Item, s *node) {
	keys := s.all("key")
	mode := "bibliography"
	if p.style.citation.child("sort") == s {
		mode = "citation"
	}
	// numbers in order (Doe2 before Doe10) and punctuation not counted
	// ("Knight, R., Hill" before "Knight, R. T., Hill"), as citeproc-js
	// sorts with the platform's collator
	col := collate.New(language.Make(p.lang), collate.Loose, collate.Numeric)
	first := firstScripts(p.lang)
	var buf collate.Buffer
	type keyed struct {
		it   *Item
		vals [][]sortWord // collation keys word by word, nil when the value is missing
		nums []int
	}
	ks := make([]keyed, len(items))
	for i, it := range items {
		k := keyed{it: it}
		for _, key := range keys {
			v, n := p.sortValue(it, key, mode)
			// Punctuation before the first letter does not count ("«Газпром»").
			v = strings.TrimLeftFunc(v, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			var words []sortWord
			// word by word, each word's script first: the language's own
			// script sorts first, as in CLDR (Cyrillic before Latin in
			// Russian — "Alver M. O. и др." before "Alver M. O., Alfredsen"
			// — Han first in Chinese); punctuation does not count
			v = strings.Map(func(r rune) rune { // punctuation does not count at all ("L’Roe" after "Loisel", "U.S." after "United")
				if unicode.IsPunct(r) {
					return -1
				}
				return r
			}, v)
			for _, w := range strings.Fields(v) {
				words = append(words, sortWord{rank: scriptRank(w, first), key: bytes.Clone(col.KeyFromString(&buf, w))})
				buf.Reset()
			}
			k.vals, k.nums = append(k.vals, words), append(k.nums, n)
		}
		ks[i] = k
	}
	sort.SliceStable(ks, func(a, b int) bool {
		for i, key := range keys {
			va, vb := ks[a].vals[i], ks[b].vals[i]
			switch {
			case va == nil && vb == nil:
				continue
			case va == nil:
				return false
			case vb == nil:
				return true
			}
			var c int
			if ks[a].nums[i] >= 0 && ks[b].nums[i] >= 0 {
				c = cmp.Compare(ks[a].nums[i], ks[b].nums[i])
			} else {
				c = compareWords(va, vb)
			}
			if c == 0 {
				continue
			}
			if key.get("sort") == "descending" {
				return c > 0
			}
			return c < 0
		}
		return false
	})
	for i := range ks {
		items[i] = ks[i].it
	}
}

// sortWord is one word of a sort value: the rank of its script and its
// collation key.
type sortWord struct {
	rank byte
	key  []byte
}

// compareWords compares two sort values word by word; a value that is
// the start of the other sorts first.
func compareWords(a, b []sortWord) int {
	for i := range min(len(a), len(b)) {
		if c := cmp.Compare(a[i].rank, b[i].rank); c != 0 {
			return c
		}
		if c := bytes.Compare(a[i].key, b[i].key); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

// firstScripts are the scripts CLDR collation puts before all others for
// a language.
func firstScripts(lang string) []*unicode.RangeTable {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	switch base {
	case "ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "tg", "tt", "ba", "mn":
		return []*unicode.RangeTable{unicode.Cyrillic}
	case "zh":
		return []*unicode.RangeTable{unicode.Han}
	}
	return nil
}

// scriptRank is the position of the script of s's first letter among
// first, or len(first) for every other script.
func scriptRank(s string, first []*unicode.RangeTable) byte {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		for i, t := range first {
			if unicode.Is(t, r) {
				return byte(i)
			}
		}
		break
	}
	return byte(len(first))
}

// sortValue renders one sort key for an item; the number is >= 0 when the
// key compares as a number.
func (p *Processor) sortValue(it *Item, key *node, mode string) (string, int) {
	r := p.newRenderer(it, mode)
	r.sorting = true
	for _, k := range []string{"names-min", "names-use-first", "names-use-last"} {
		if v, ok := key.attr[k]; ok {
			if !r.ownInherited {
				r.inherited, r.ownInherited = maps.Clone(r.inherited), true
			}
			r.inherited["et-al-"+strings.TrimPrefix(k, "names-")] = v
		}
	}
	if v := key.get("variable"); v != "" {
		switch {
		case nameVars[v]:
			return plain(r.renderNameList(it.names[v], nil, nil, r.nameOptsSort())), -1
		case dateVars[v]:
			if d := it.dates[v]; d != nil {
				return sortDate(d), -1
			}
			return "", -1
		default:
			s := it.Var(v)
			if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
				return s, n
			}
			return s, -1
		}
	}
	if m := p.style.macros[key.get("macro")]; m != nil {
		s := plain(r.renderChildren(m, "").s)
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
			return s, n
		}
		return s, -1
	}
	return "", -1
}

func (r *renderer) nameOptsSort() map[string]string {
	o := r.nameOpts(nil)
	o["name-as-sort-order"] = "all"
	return o
}
