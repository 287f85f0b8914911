package proceedings

import (
	"fmt"
	"strings"

	"github.com/annals/annals/catalog"
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
		if dates := dateRange(d.Event.Start, d.Event.End); dates != "" {
			facts = append(facts, dates)
		}
		if _, err := w.paragraph(strings.Join(facts, " · "), typeset.Regular, 12, 17, 0); err != nil {
			return err
		}
		if len(d.Event.Organizers) > 0 {
			w.y += 10
			if _, err := w.paragraph("Organised by", typeset.Italic, 10, 14, 0); err != nil {
				return err
			}
			for _, o := range d.Event.Organizers {
				if _, err := w.paragraph(o, typeset.Regular, 11, 15, 0); err != nil {
					return err
				}
			}
		}
		if title == "" {
			title = "Proceedings"
		}
	}
	w.y = 600
	if _, err := w.paragraph(title, typeset.Bold, 16, 21, 0); err != nil {
		return err
	}
	w.y += 8
	line := fmt.Sprintf("%d entries · generated %s by Annals", d.Entries(), d.Generated.UTC().Format("2 January 2006"))
	_, err := w.paragraph(line, typeset.Italic, 9, 13, 0)
	w.furniture = true
	return err
}

// programme lists the sessions with their dates and translated titles.
func (w *writer) programme(d *Document) error {
	w.headLeft, w.headRight = headLeft(d), "Programme"
	w.newPage()
	w.bookmark("Programme", 0)
	if _, err := w.paragraph("Programme", typeset.Bold, 16, 22, 0); err != nil {
		return err
	}
	w.y += 8
	for _, s := range d.Sections {
		w.need(40)
		title := s.Title
		if s.Date != "" {
			title = dateText(s.Date) + " — " + title
		}
		if _, err := w.paragraph(title, typeset.Bold, 11, 15, 0); err != nil {
			return err
		}
		for _, t := range s.Translations {
			if _, err := w.paragraph(t, typeset.Italic, 10, 14, 12); err != nil {
				return err
			}
		}
		if _, err := w.paragraph(fmt.Sprintf("%d entries", len(s.Records)), typeset.Regular, 9, 13, 12); err != nil {
			return err
		}
		w.y += 8
	}
	return nil
}

// contents lists sections and entries with their pages; each line links
// to its page.
func (w *writer) contents(d *Document) error {
	w.headLeft, w.headRight = headLeft(d), "Contents"
	w.newPage()
	w.bookmark("Contents", 0)
	if _, err := w.paragraph("Contents", typeset.Bold, 16, 22, 0); err != nil {
		return err
	}
	w.y += 8
	const numberW = 36
	for _, s := range d.Sections {
		w.need(36)
		w.y += 6
		if err := w.contentsLine(s.Title, typeset.Bold, 11, 15, 0, w.sectionPage[s.Key], w.sectionLink, "s:"+s.Key, numberW); err != nil {
			return err
		}
		for _, r := range s.Records {
			if err := w.contentsLine(r.Title, typeset.Regular, 10, 13, 12, w.entryPage[r.ID], w.entryLink, r.ID, numberW); err != nil {
				return err
			}
			if names := shortNames(r.Contributors); names != "" {
				if _, err := w.paragraph(names, typeset.Italic, 8.5, 12, 24); err != nil {
					return err
				}
			}
			w.y += 2
		}
	}
	return nil
}

// contentsLine sets one title of the contents with its page number at the
// right of its last line, the whole of it a link to the page.
func (w *writer) contentsLine(title string, style typeset.Style, size, leading, indent float64, page int, links map[string]int, key string, numberW float64) error {
	lines, err := w.fonts.Layout(title, style, size, contentW-indent-numberW)
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
			num := w.fit(fmt.Sprint(page), style, size, numberW)
			w.drawLine(num, pageW-marginX-num.Width, w.y+size*0.8, size)
		}
		w.y += leading
	}
	return nil
}

// section opens a chapter on a page of its own.
func (w *writer) section(d *Document, s Section) error {
	w.headLeft, w.headRight = headLeft(d), s.Title
	w.newPage()
	w.sectionPage[s.Key] = w.page
	if w.drawing() {
		w.pdf.SetLink(w.link(w.sectionLink, "s:"+s.Key), 0, w.pdf.PageNo())
	}
	w.bookmark(s.Title, 0)
	w.y = 200
	if _, err := w.paragraph(s.Title, typeset.Bold, 20, 26, 0); err != nil {
		return err
	}
	for _, t := range s.Translations {
		if _, err := w.paragraph(t, typeset.Italic, 13, 18, 0); err != nil {
			return err
		}
	}
	w.y += 10
	w.rule(10)
	line := fmt.Sprintf("%d entries", len(s.Records))
	if s.Date != "" {
		line = dateText(s.Date) + " · " + line
	}
	_, err := w.paragraph(line, typeset.Regular, 10, 14, 0)
	return err
}

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

// DisplayName is a contributor's name as printed: family then given for
// every script ("Алдошин Сергей Михайлович", "张天" with no space).
func DisplayName(c catalog.Contributor) string {
	if c.Literal != "" {
		return c.Literal
	}
	if isHanName(c.Family + c.Given) {
		return c.Family + c.Given
	}
	return strings.TrimSpace(c.Family + " " + c.Given)
}

func isHanName(s string) bool {
	for _, r := range s {
		if r < 0x2e80 {
			return false
		}
	}
	return s != ""
}

var months = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// dateText writes an ISO date (2025, 2025-06, 2025-06-04) in words.
func dateText(s string) string {
	var y, m, d int
	switch n, _ := fmt.Sscanf(s, "%d-%d-%d", &y, &m, &d); {
	case n == 3 && m >= 1 && m <= 12:
		return fmt.Sprintf("%d %s %d", d, months[m-1], y)
	case n == 2 && m >= 1 && m <= 12:
		return fmt.Sprintf("%s %d", months[m-1], y)
	}
	return s
}

// dateRange writes "4–6 June 2025" and the like.
func dateRange(start, end string) string {
	if end == "" || end == start {
		return dateText(start)
	}
	var y1, m1, d1, y2, m2, d2 int
	n1, _ := fmt.Sscanf(start, "%d-%d-%d", &y1, &m1, &d1)
	n2, _ := fmt.Sscanf(end, "%d-%d-%d", &y2, &m2, &d2)
	if n1 == 3 && n2 == 3 && y1 == y2 && m1 == m2 && m1 >= 1 && m1 <= 12 {
		return fmt.Sprintf("%d–%d %s %d", d1, d2, months[m1-1], y1)
	}
	return dateText(start) + " – " + dateText(end)
}
