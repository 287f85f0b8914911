package proceedings

import (
	"strings"
	"time"
	"unicode"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/export/csljson"
	"github.com/annals/annals/export/typeset"
)

// cover writes the title page: the event's name and its translations,
// place, dates and organisers, and the proceedings' title.
func (w *writer) cover(d *Document) error {
	w.furniture = false
	w.newPage()
	w.y = 190
	title := d.Title
	if d.Event != nil {
		if _, err := w.paragraph(d.Event.Name, typeset.Bold, 22, 28, 0); err != nil {
			return err
		}
		w.y += 6
		for _, t := range d.Event.Translations {
			if _, err := w.paragraph(t.Name, typeset.Regular, 13, 18, 0); err != nil {
				return err
			}
		}
		w.y += 18
		w.rule(12)
		var facts []string
		if d.Event.Place != "" {
			facts = append(facts, d.Event.Place)
		}
		if d.Event.Start != "" {
			facts = append(facts, w.say.DateRange(d.Event.Start, d.Event.End))
		}
		if _, err := w.paragraph(strings.Join(facts, " · "), typeset.Regular, 12, 17, 0); err != nil {
			return err
		}
		if len(d.Event.Organizers) > 0 {
			w.y += 10
			if _, err := w.paragraph(w.say.T("pdf.organised"), typeset.Italic, 10, 14, 0); err != nil {
				return err
			}
			for _, o := range d.Event.Organizers {
				if _, err := w.paragraph(o, typeset.Regular, 11, 15, 0); err != nil {
					return err
				}
			}
		}
		if title == "" {
			title = w.say.T("pdf.proceedings")
		}
	}
	w.y = 600
	if _, err := w.paragraph(title, typeset.Bold, 16, 21, 0); err != nil {
		return err
	}
	w.y += 8
	line := w.say.T("pdf.generated", w.say.Num(d.Entries()), w.say.Date(d.Generated.UTC().Format(time.DateOnly)))
	_, err := w.paragraph(line, typeset.Italic, 9, 13, 0)
	w.furniture = true
	return err
}

// imprint writes the back of the title page: what the volume is, who
// organised the event, where and when, what it was compiled from, and how
// to cite the volume in the document's style.
func (w *writer) imprint(d *Document) error {
	w.furniture = false
	w.newPage()
	w.furniture = true
	w.y = 470
	title := d.Title
	if title == "" && d.Event != nil {
		title = w.say.T("pdf.proceedings.of", d.Event.Name)
	}
	if _, err := w.paragraph(title, typeset.Bold, 10, 14, 0); err != nil {
		return err
	}
	var lines []string
	if d.Event != nil {
		facts := []string{d.Event.Name}
		if d.Event.Place != "" {
			facts = append(facts, d.Event.Place)
		}
		if d.Event.Start != "" {
			facts = append(facts, w.say.DateRange(d.Event.Start, d.Event.End))
		}
		lines = append(lines, strings.Join(facts, ", "))
		if len(d.Event.Organizers) > 0 {
			lines = append(lines, w.say.T("pdf.organised")+": "+strings.Join(d.Event.Organizers, "; "))
		}
	}
	lines = append(lines, w.say.T("pdf.imprint.compiled", w.say.Num(d.Entries()), w.say.Date(d.Generated.UTC().Format(time.DateOnly))))
	for _, l := range lines {
		w.y += 4
		if _, err := w.paragraph(l, typeset.Regular, 9, 13, 0); err != nil {
			return err
		}
	}
	if d.Style == nil {
		return nil
	}
	item, err := csljson.ProcessorItem(volumeRecord(d, title), d.Event)
	if err != nil {
		return err
	}
	ref := d.Style.ReferenceSpans(item)
	if len(ref) == 0 {
		return nil
	}
	w.y += 14
	if _, err := w.paragraph(w.say.T("pdf.imprint.cite"), typeset.Bold, 9, 13, 0); err != nil {
		return err
	}
	lines2, err := w.fonts.LayoutSpans(styledSpans(ref), 9, contentW)
	if err != nil {
		return err
	}
	for _, l := range lines2 {
		w.drawLine(l, marginX, w.y+9*0.8, 9)
		w.y += 13
	}
	return nil
}

// volumeRecord is the proceedings volume as a record, to be cited: a book
// published by the event's organisers where and when the event was.
func volumeRecord(d *Document, title string) *catalog.Record {
	r := &catalog.Record{ID: "volume", Kind: catalog.KindBook, Title: title, Language: d.Language}
	if d.Event != nil {
		r.Publisher = strings.Join(d.Event.Organizers, "; ")
		r.Place = d.Event.Place
		if len(d.Event.Start) >= 4 {
			r.Date = d.Event.Start[:4]
		}
	}
	if r.Date == "" {
		r.Date = d.Generated.UTC().Format("2006")
	}
	return r
}

// programme lists the sessions with their dates and translated titles.
func (w *writer) programme(d *Document) error {
	w.headLeft, w.headRight = headLeft(d), w.say.T("pdf.programme")
	w.newPage()
	w.bookmark(w.say.T("pdf.programme"), 0)
	if _, err := w.paragraph(w.say.T("pdf.programme"), typeset.Bold, 16, 22, 0); err != nil {
		return err
	}
	w.y += 8
	for _, s := range d.Sections {
		w.need(40)
		title := s.Title
		if s.Date != "" {
			title = w.say.Date(s.Date) + " — " + title
		}
		if _, err := w.paragraph(title, typeset.Bold, 11, 15, 0); err != nil {
			return err
		}
		for _, t := range s.Translations {
			if _, err := w.paragraph(t.Title, typeset.Italic, 10, 14, 12); err != nil {
				return err
			}
		}
		if _, err := w.paragraph(w.say.T("pdf.entries", w.say.Num(len(s.Records))), typeset.Regular, 9, 13, 12); err != nil {
			return err
		}
		w.y += 8
	}
	return nil
}

// contents lists sections and entries with their pages; each line links
// to its page.
func (w *writer) contents(d *Document) error {
	w.headLeft, w.headRight = headLeft(d), w.say.T("pdf.contents")
	w.newPage()
	w.bookmark(w.say.T("pdf.contents"), 0)
	if _, err := w.paragraph(w.say.T("pdf.contents"), typeset.Bold, 16, 22, 0); err != nil {
		return err
	}
	w.y += 8
	const numberW = 36
	for _, s := range d.Sections {
		w.need(36)
		w.y += 6
		if err := w.contentsLine([]typeset.Span{{Text: s.TitleIn(w.say.Code), Style: typeset.Bold}}, typeset.Bold, 11, 15, 0, w.sectionPage[s.Key], w.sectionLink, "s:"+s.Key, numberW); err != nil {
			return err
		}
		for _, r := range s.Records {
			// a title and its names are kept on one page
			h, err := w.contentsEntryHeight(d, r, numberW)
			if err != nil {
				return err
			}
			w.need(h)
			if err := w.contentsLine(titleSpans(r.Title, typeset.Regular), typeset.Regular, 10, 13, 12, w.entryPage[r.ID], w.entryLink, r.ID, numberW); err != nil {
				return err
			}
			if names := shortNames(r.Contributors); names != "" {
				if _, err := w.paragraph(names, typeset.Italic, 8.5, 12, 24); err != nil {
					return err
				}
			}
			if first := w.paperPage[r.ID]; d.Papers[r.ID] > 0 {
				if _, err := w.paragraph(w.say.T("pdf.paper.contents", w.label(first)), typeset.Italic, 8.5, 12, 24); err != nil {
					return err
				}
			}
			w.y += 2
		}
	}
	return nil
}

// contentsEntryHeight is the room an entry takes in the contents.
func (w *writer) contentsEntryHeight(d *Document, r catalog.Record, numberW float64) (float64, error) {
	lines, err := w.fonts.LayoutSpans(titleSpans(r.Title, typeset.Regular), 10, contentW-12-numberW)
	if err != nil {
		return 0, err
	}
	h := 13*float64(len(lines)) + 2
	if names := shortNames(r.Contributors); names != "" {
		nl, err := w.fonts.Layout(names, typeset.Italic, 8.5, contentW-24)
		if err != nil {
			return 0, err
		}
		h += 12 * float64(len(nl))
	}
	if d.Papers[r.ID] > 0 {
		h += 12
	}
	return h, nil
}

// contentsLine sets one title of the contents (its spans) with its page
// number, in style, at the right of its last line, the whole of it a link
// to the page.
func (w *writer) contentsLine(title []typeset.Span, style typeset.Style, size, leading, indent float64, page int, links map[string]int, key string, numberW float64) error {
	lines, err := w.fonts.LayoutSpans(title, size, contentW-indent-numberW)
	if err != nil {
		return err
	}
	for i, l := range lines {
		w.need(leading)
		w.drawLine(l, marginX+indent, w.y+size*0.8, size)
		if w.drawing() {
			w.pdf.Link(marginX+indent, w.y, contentW-indent, leading, w.link(links, key))
		}
		if i == len(lines)-1 {
			num := w.fit(w.label(page), style, size, numberW)
			w.drawLine(num, pageW-marginX-num.Width, w.y+size*0.8, size)
		}
		w.y += leading
	}
	return nil
}

// section opens a chapter on a page of its own.
func (w *writer) section(d *Document, s Section) error {
	w.headLeft, w.headRight = headLeft(d), s.TitleIn(w.say.Code)
	w.newPage()
	w.sectionPage[s.Key] = w.page
	if w.drawing() {
		w.pdf.SetLink(w.link(w.sectionLink, "s:"+s.Key), 0, w.pdf.PageNo())
	}
	w.bookmark(s.TitleIn(w.say.Code), 0)
	if d.OnePerPage {
		w.y = 200 // a page of its own
	}
	if _, err := w.paragraph(s.Title, typeset.Bold, 20, 26, 0); err != nil {
		return err
	}
	for _, t := range s.Translations {
		if _, err := w.paragraph(t.Title, typeset.Italic, 13, 18, 0); err != nil {
			return err
		}
	}
	w.y += 10
	w.rule(10)
	line := w.say.T("pdf.entries", w.say.Num(len(s.Records)))
	if s.Date != "" {
		line = w.say.Date(s.Date) + " · " + line
	}
	_, err := w.paragraph(line, typeset.Regular, 10, 14, 0)
	// entries follow below the heading and flow from there
	w.y += 14
	w.atSectionStart = !d.OnePerPage
	return err
}

// RunningHead is the book's running head: the event, or the title.
func RunningHead(d *Document) string { return headLeft(d) }

// headLeft is the left running head: the event, or the title.
func headLeft(d *Document) string {
	if d.Event != nil {
		return d.Event.Name
	}
	return d.Title
}

// shortNames lists contributors as "Алдошин С. М., Zhang Tian".
func shortNames(cs []catalog.Contributor) string {
	var names []string
	for _, c := range cs {
		names = append(names, DisplayName(c))
	}
	return strings.Join(names, ", ")
}

// DisplayName is a contributor's name as its bearer writes it: Chinese,
// Japanese and Korean names family first with no space ("张天"), Cyrillic
// ones family first as Russian lists do ("Алдошин Сергей Михайлович"),
// Latin-script ones given name first ("Ana Ferreira") unless the person
// is from a country that puts the family name first in Latin letters too
// ("Wang Juncheng", "Nagy Ádám").
func DisplayName(c catalog.Contributor) string {
	switch {
	case c.Literal != "":
		return c.Literal
	case isHanName(c.Family + c.Given):
		return c.Family + c.Given
	case isCyrillic(c.Family), familyFirst[strings.ToUpper(c.Country)], c.Given == "":
		return strings.TrimSpace(c.Family + " " + c.Given)
	}
	return strings.TrimSpace(c.Given + " " + c.Family)
}

// familyFirst are the countries whose people write their family name
// first also in Latin letters.
var familyFirst = map[string]bool{"CN": true, "TW": true, "HK": true, "MO": true, "SG": true, "JP": true, "KR": true,
	"KP": true, "VN": true, "HU": true, "KH": true, "MN": true}

func isCyrillic(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return unicode.Is(unicode.Cyrillic, r)
		}
	}
	return false
}

func isHanName(s string) bool {
	for _, r := range s {
		if r < 0x2e80 {
			return false
		}
	}
	return s != ""
}
