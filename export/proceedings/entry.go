package proceedings

import (
	"cmp"
	"slices"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/markup"
	"github.com/annals/annals/export/csl"
	"github.com/annals/annals/export/csljson"
	"github.com/annals/annals/export/typeset"
	"github.com/mozillazg/go-pinyin"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// entry writes one record: from the top of a new page with OnePerPage,
// otherwise below the previous one, after a rule, on a new page only when
// its heading (kind and date, title, translations and names) would not fit
// whole: a title is never parted from its authors.
func (w *writer) entry(d *Document, s Section, r *catalog.Record) error {
	switch {
	case d.OnePerPage || w.page == 0 || w.atSectionStart:
		if d.OnePerPage || w.page == 0 {
			w.newPage()
		}
	default:
		heading, err := w.headingHeight(r)
		if err != nil {
			return err
		}
		if w.y+entryGap+heading > bottom {
			w.newPage()
		} else {
			w.y += entryGap / 2
			w.rule(entryGap / 2)
		}
	}
	w.atSectionStart = false
	w.entryPage[r.ID] = w.page
	if w.drawing() {
		w.pdf.SetLink(w.link(w.entryLink, r.ID), 0, w.pdf.PageNo())
	}
	w.bookmark(markup.Plain(r.Title), 1)
	meta := []string{w.say.Kind(r.Kind)}
	if r.Date != "" {
		meta = append(meta, w.say.Date(r.Date))
	}
	if s.Key != "" {
		meta = append(meta, s.TitleIn(w.say.Code))
	}
	if w.drawing() {
		w.pdf.SetTextColor(grey, grey, grey)
	}
	if _, err := w.paragraph(strings.Join(meta, " · "), typeset.Regular, 8.5, 12, 0); err != nil {
		return err
	}
	if w.drawing() {
		w.pdf.SetTextColor(0, 0, 0)
	}
	w.y += 6
	steps := []func() error{
		func() error { _, err := w.spansParagraph(titleSpans(r.Title, typeset.Bold), 15, 19, 0); return err },
		func() error { return w.translatedTitles(r) },
		func() error { return w.contributors(r) },
		func() error { return w.abstracts(r) },
		func() error { return w.details(r) },
		func() error { return w.citeAs(d, r) },
		func() error { return w.paper(d, r) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// paper counts the pages of the record's full paper, if it has one, after
// its entry (the PDF has none for them: they are put in when the book is
// composed, as export/stamp does); the next entry starts after them.
func (w *writer) paper(d *Document, r *catalog.Record) error {
	n := d.Papers[r.ID]
	if n <= 0 {
		return nil
	}
	first := w.page + 1
	where := w.say.T("pdf.paper.pages", w.label(first), w.label(first+n-1))
	if n == 1 {
		where = w.say.T("pdf.paper.page", w.label(first))
	}
	if _, err := w.paragraph(where, typeset.Italic, 9, 13, 0); err != nil {
		return err
	}
	// the outline's item is the entry's page, which says where the paper
	// is; the paper's pages are counted here but not made: they are put
	// in when the book is composed, and what follows starts after them
	w.bookmark(w.say.T("pdf.paper.contents", w.label(first)), 2)
	w.paperPage[r.ID] = first
	w.page += n
	w.y = bottom + 1
	return nil
}

// entryGap is the space between two entries that share a page, with the
// rule in its middle.
const entryGap = 28.0

// headingHeight is the height the start of an entry takes: the kind and
// date line, the title, its translations and every contributor's name
// line (their affiliations may follow on the next page, never the names).
func (w *writer) headingHeight(r *catalog.Record) (float64, error) {
	h := 12.0 + 6
	lines, err := w.fonts.LayoutSpans(titleSpans(r.Title, typeset.Bold), 15, contentW)
	if err != nil {
		return 0, err
	}
	h += 19 * float64(len(lines))
	for _, t := range r.Translations {
		if t.Title == "" {
			continue
		}
		lines, err := w.fonts.LayoutSpans(translatedTitleSpans(t.Title, t.Language), 11, contentW)
		if err != nil {
			return 0, err
		}
		h += 15 * float64(len(lines))
	}
	h += 8
	for _, c := range r.Contributors {
		lines, err := w.fonts.Layout(w.contributorLine(c), typeset.Bold, 10, contentW)
		if err != nil {
			return 0, err
		}
		h += 14*float64(len(lines)) + 3
		if about := w.contributorAbout(c); about != "" {
			lines, err := w.fonts.Layout(about, typeset.Regular, 9, contentW)
			if err != nil {
				return 0, err
			}
			h += 13 * float64(len(lines))
		}
	}
	return h + 8, nil
}

func (w *writer) translatedTitles(r *catalog.Record) error {
	for _, t := range r.Translations {
		if t.Title == "" {
			continue
		}
		if _, err := w.spansParagraph(translatedTitleSpans(t.Title, t.Language), 11, 15, 0); err != nil {
			return err
		}
	}
	w.y += 8
	return nil
}

// contributors lists the people with their other spellings, affiliation,
// country and ORCID, and notes where they appear for the index.
func (w *writer) contributors(r *catalog.Record) error {
	for _, c := range r.Contributors {
		w.noteIndex(c)
		w.need(28)
		if _, err := w.paragraph(w.contributorLine(c), typeset.Bold, 10, 14, 0); err != nil {
			return err
		}
		if about := w.contributorAbout(c); about != "" {
			if _, err := w.paragraph(about, typeset.Regular, 9, 13, 0); err != nil {
				return err
			}
		}
		w.y += 3
	}
	w.y += 8
	return nil
}

// contributorLine is a contributor's name as printed under a title: in
// their own script, other spellings in brackets, the role unless author
// or speaker.
func (w *writer) contributorLine(c catalog.Contributor) string {
	name := DisplayName(c)
	var others []string
	for _, t := range c.Translations {
		if o := DisplayName(catalog.Contributor{Family: t.Family, Given: t.Given, Literal: t.Literal, Country: c.Country}); o != "" && o != name {
			others = append(others, o)
		}
	}
	if len(others) > 0 {
		name += " (" + strings.Join(others, ", ") + ")"
	}
	if c.Role != "" && c.Role != catalog.RoleAuthor && c.Role != catalog.RoleSpeaker {
		name += ", " + w.say.Role(c.Role)
	}
	return name
}

// contributorAbout is the line under a contributor's name: affiliation,
// country (named in the book's language) and ORCID.
func (w *writer) contributorAbout(c catalog.Contributor) string {
	var about []string
	if c.Affiliation != "" {
		about = append(about, c.Affiliation)
	}
	if c.Country != "" {
		about = append(about, w.say.CountryName(c.Country))
	}
	if c.ORCID != "" {
		about = append(about, "ORCID "+c.ORCID)
	}
	return strings.Join(about, " · ")
}

// abstracts sets the abstract and its translations, paragraph by
// paragraph.
func (w *writer) abstracts(r *catalog.Record) error {
	type text struct{ label, lang, body string }
	var texts []text
	if r.Abstract != "" {
		texts = append(texts, text{w.say.T("pdf.abstract"), r.Language, r.Abstract})
	}
	for _, t := range r.Translations {
		if t.Abstract != "" {
			texts = append(texts, text{w.say.T("pdf.abstract.in", t.Language), t.Language, t.Abstract})
		}
	}
	for _, t := range texts {
		w.need(14 + 2*14 + 2) // the label with the paragraph's first two lines
		if _, err := w.paragraph(t.label, typeset.Bold, 10, 14, 0); err != nil {
			return err
		}
		for _, p := range strings.Split(t.body, "\n") {
			if strings.TrimSpace(p) == "" {
				continue
			}
			if err := w.bodyParagraph(t.lang, p, 10, 14); err != nil {
				return err
			}
			w.y += 4
		}
		w.y += 6
	}
	return nil
}

// details sets keywords, publication facts and identifiers.
func (w *writer) details(r *catalog.Record) error {
	lines := []struct{ label, value string }{
		{w.say.T("pdf.keywords"), strings.Join(r.Keywords, ", ")},
		{w.say.T("pdf.published"), strings.Join(nonEmpty(r.Publisher, r.Place, markup.Plain(r.Series), r.Number, r.Pages), ", ")},
		{"DOI", r.Identifiers.DOI}, {"ISBN", r.Identifiers.ISBN}, {"ISSN", r.Identifiers.ISSN},
		{"URL", r.Identifiers.URL}, {w.say.T("pdf.licence"), r.License}, {w.say.T("pdf.record"), r.ID},
	}
	for _, l := range lines {
		if l.value == "" {
			continue
		}
		if _, err := w.paragraph(l.label+": "+l.value, typeset.Regular, 9, 13, 0); err != nil {
			return err
		}
	}
	w.y += 10
	return nil
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// citeAs draws the boxed "Cite as" line in the document's style, kept on
// one page.
func (w *writer) citeAs(d *Document, r *catalog.Record) error {
	if d.Style == nil {
		return nil
	}
	item, err := csljson.ProcessorItem(r, d.Event)
	if err != nil {
		return err
	}
	// each entry stands alone: no list number ("1.") before it
	ref := d.Style.ReferenceSpans(item)
	if len(ref) == 0 {
		return nil
	}
	const pad, size, leading = 8.0, 9.0, 13.0
	lines, err := w.fonts.LayoutSpans(styledSpans(ref), size, contentW-2*pad)
	if err != nil {
		return &UnprintableError{Record: r.ID, Field: "citation", Err: asMissing(err)}
	}
	height := 2*pad + leading*float64(len(lines)+1)
	w.need(height)
	top := w.y
	if w.drawing() {
		w.pdf.SetDrawColor(ruleGrey, ruleGrey, ruleGrey)
		w.pdf.SetFillColor(246, 246, 246)
		w.pdf.Rect(marginX, top, contentW, height, "DF")
	}
	w.textAt(marginX+pad, top+pad+size*0.8, w.say.T("pdf.cite"), typeset.Bold, size, contentW)
	y := top + pad + leading
	for _, l := range lines {
		w.drawLine(l, marginX+pad, y+size*0.8, size)
		y += leading
	}
	w.y = top + height + 6
	return nil
}

// styledSpans maps a citation's formatting to the faces the PDF has:
// italics and bold; small capitals, superscripts and subscripts are set
// as plain text.
func styledSpans(spans []csl.Span) []typeset.Span {
	out := make([]typeset.Span, len(spans))
	for i, sp := range spans {
		style := typeset.Regular
		switch {
		case sp.Bold:
			style = typeset.Bold
		case sp.Italic:
			style = typeset.Italic
		}
		out[i] = typeset.Span{Text: sp.Text, Style: style, Variant: variantOf(sp.Sup, sp.Sub, sp.SmallCaps)}
	}
	return out
}

func asMissing(err error) *typeset.MissingGlyphError {
	m, _ := err.(*typeset.MissingGlyphError)
	return m
}

// indexEntry is a contributor in the index, with the pages they are on.
type indexEntry struct {
	name  string
	pages []int
}

func (w *writer) noteIndex(c catalog.Contributor) {
	key := DisplayName(c)
	if key == "" {
		return
	}
	e := w.index[key]
	if e == nil {
		e = &indexEntry{name: indexName(c)}
		w.index[key] = e
	}
	if n := len(e.pages); n == 0 || e.pages[n-1] != w.page {
		e.pages = append(e.pages, w.page)
	}
}

// indexName is "Family, Given" (Chinese names without a comma).
func indexName(c catalog.Contributor) string {
	if c.Literal != "" || c.Given == "" || isHanName(c.Family+c.Given) {
		return DisplayName(c)
	}
	return c.Family + ", " + c.Given
}

// contributorIndex lists every contributor with their pages: Latin and
// Cyrillic names by the Unicode collation (Latin first), then Chinese
// names in the order of their pinyin.
func (w *writer) contributorIndex(d *Document) error {
	w.headLeft, w.headRight = headLeft(d), w.say.T("pdf.index")
	w.newPage()
	w.bookmark(w.say.T("pdf.index"), 0)
	if _, err := w.paragraph(w.say.T("pdf.index"), typeset.Bold, 16, 22, 0); err != nil {
		return err
	}
	w.y += 8
	entries := make([]*indexEntry, 0, len(w.index))
	for _, e := range w.index {
		entries = append(entries, e)
	}
	col := collate.New(language.Und, collate.Loose)
	args := pinyin.NewArgs()
	key := func(e *indexEntry) (int, string) {
		if isHanName(strings.ReplaceAll(e.name, " ", "")) { // Chinese names by their pinyin
			var syl []string
			for _, p := range pinyin.Pinyin(e.name, args) {
				syl = append(syl, p...)
			}
			return 1, strings.Join(syl, " ")
		}
		return 0, e.name
	}
	slices.SortFunc(entries, func(a, b *indexEntry) int {
		ga, ka := key(a)
		gb, kb := key(b)
		return cmp.Or(cmp.Compare(ga, gb), col.CompareString(ka, kb), strings.Compare(a.name, b.name))
	})
	// every page a name is on, wrapping in a column of their own; a name
	// and its pages are kept on one page
	const pagesW, size, leading = 190.0, 9.5, 13.0
	for _, e := range entries {
		pages := make([]string, len(e.pages))
		for i, p := range e.pages {
			pages[i] = w.label(p)
		}
		lines, err := w.fonts.Layout(e.name, typeset.Regular, size, contentW-pagesW-12)
		if err != nil {
			return err
		}
		nums, err := w.fonts.Layout(strings.Join(pages, ", "), typeset.Regular, size, pagesW)
		if err != nil {
			return err
		}
		w.need(leading * float64(max(len(lines), len(nums))))
		for i := range max(len(lines), len(nums)) {
			if i < len(lines) {
				w.drawLine(lines[i], marginX, w.y+size*0.8, size)
			}
			if i < len(nums) {
				w.drawLine(nums[i], pageW-marginX-pagesW, w.y+size*0.8, size)
			}
			w.y += leading
		}
	}
	return nil
}
