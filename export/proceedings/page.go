package proceedings

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/annals/annals/catalog/i18n"
	"github.com/annals/annals/export/typeset"
	"github.com/jung-kurt/gofpdf"
)

// A4 in points, and the text block.
const (
	pageW, pageH = 595.28, 841.89
	marginX      = 62.0
	marginTop    = 72.0
	marginBottom = 72.0
	contentW     = pageW - 2*marginX
	bottom       = pageH - marginBottom
)

// Grey levels for secondary text and rules.
const (
	grey     = 90
	ruleGrey = 170
)

// writer lays the document out page by page. In the measuring pass it
// has no PDF and only counts pages and records where things fall; in the
// drawing pass it draws, knowing every page number in advance.
type writer struct {
	pdf        *gofpdf.Fpdf // nil while measuring
	fonts      *typeset.Set
	family     map[*typeset.Face]string
	registered map[*typeset.Face]bool // faces given to gofpdf

	page int
	y    float64
	// head is the running head of the pages that follow: left and right.
	headLeft, headRight string
	say                 i18n.Lang // the PDF's own words
	furniture           bool      // pages get a head and a folio
	atSectionStart      bool      // a chapter's opening page was just set
	total               int       // pages of the document, known when drawing
	front               int       // pages before the body, known when drawing

	entryPage   map[string]int // record ID -> first page
	paperPage   map[string]int // record ID -> first page of its full paper
	sectionPage map[string]int // section key -> first page
	entryLink   map[string]int // record ID -> PDF link (drawing)
	sectionLink map[string]int
	index       map[string]*indexEntry // contributors, by name key
}

func newWriter(fonts *typeset.Set, say i18n.Lang, pdf *gofpdf.Fpdf) *writer {
	w := &writer{pdf: pdf, fonts: fonts, say: say, family: map[*typeset.Face]string{}, registered: map[*typeset.Face]bool{},
		entryPage: map[string]int{}, paperPage: map[string]int{}, sectionPage: map[string]int{}, entryLink: map[string]int{},
		sectionLink: map[string]int{}, index: map[string]*indexEntry{}}
	for _, f := range fonts.Faces() {
		w.family[f] = familyName(f.Name)
	}
	return w
}

func (w *writer) drawing() bool { return w.pdf != nil }

// setFont selects a face, giving it to gofpdf the first time: a face no
// text uses is never read (parsing the 4 MB CJK font took half the time
// of a cover page).
func (w *writer) setFont(f *typeset.Face, size float64) {
	if !w.registered[f] {
		w.pdf.AddUTF8FontFromBytes(w.family[f], "", f.Data)
		w.registered[f] = true
	}
	w.pdf.SetFont(w.family[f], "", size)
}

// Folio is what page (1-based, of total) prints at its foot in a book
// with front pages before the body: "iii" in the front matter, "12 / 140"
// in the body (numbered from its first page).
func Folio(page, front, total int) string {
	if page <= front {
		return romanNumeral(page)
	}
	return fmt.Sprintf("%d / %d", page-front, total-front)
}

// label is how the contents, the index and the entries name a page.
func (w *writer) label(page int) string {
	if page <= w.front {
		return romanNumeral(page)
	}
	return strconv.Itoa(page - w.front)
}

// romanNumeral writes n (1-3999) in lower-case Roman numerals, as front
// matter is numbered.
func romanNumeral(n int) string {
	var b strings.Builder
	for _, step := range []struct {
		value  int
		digits string
	}{{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"}, {40, "xl"}, {10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}} {
		for n >= step.value {
			b.WriteString(step.digits)
			n -= step.value
		}
	}
	return b.String()
}

// newPage starts a page, with the running head and the folio ("12 / 148")
// when the document has furniture there.
func (w *writer) newPage() {
	w.page++
	w.y = marginTop
	if !w.drawing() {
		return
	}
	w.pdf.AddPage()
	if !w.furniture {
		return
	}
	w.pdf.SetTextColor(grey, grey, grey)
	w.textAt(marginX, marginTop-30, w.headLeft, typeset.Italic, 8, contentW*0.6)
	if w.headRight != "" {
		right := w.fit(w.headRight, typeset.Italic, 8, contentW*0.38)
		w.drawLine(right, pageW-marginX-right.Width, marginTop-30, 8)
	}
	w.pdf.SetDrawColor(ruleGrey, ruleGrey, ruleGrey)
	w.pdf.SetLineWidth(0.4)
	w.pdf.Line(marginX, marginTop-24, pageW-marginX, marginTop-24)
	folio := Folio(w.page, w.front, w.total)
	line := w.fit(folio, typeset.Regular, 8, contentW)
	w.drawLine(line, (pageW-line.Width)/2, pageH-marginBottom/2, 8)
	w.pdf.SetTextColor(0, 0, 0)
}

// need starts a new page unless height fits under the current position.
func (w *writer) need(height float64) {
	if w.page == 0 || w.y+height > bottom {
		w.newPage()
	}
}

// fit lays text on a single line, cut to width.
func (w *writer) fit(text string, style typeset.Style, size, width float64) typeset.Line {
	lines, _ := w.fonts.Layout(text, style, size, width)
	if len(lines) == 0 {
		return typeset.Line{}
	}
	if len(lines) > 1 { // too long for a head: the first line, with an ellipsis
		l := lines[0]
		if ell, err := w.fonts.Layout(l.Text()+" …", style, size, width); err == nil && len(ell) == 1 {
			return ell[0]
		}
		return l
	}
	return lines[0]
}

// textAt draws text on one line at (x, baseline).
func (w *writer) textAt(x, baseline float64, text string, style typeset.Style, size, width float64) {
	if w.drawing() && strings.TrimSpace(text) != "" {
		w.drawLine(w.fit(text, style, size, width), x, baseline, size)
	}
}

// drawLine draws the pieces of a line, each in its face.
func (w *writer) drawLine(l typeset.Line, x, baseline, size float64) {
	if !w.drawing() {
		return
	}
	for _, p := range l.Pieces {
		w.setFont(p.Face, p.Size(size))
		w.pdf.Text(x+p.X, baseline-p.Rise*size, p.Text)
	}
}

// paragraph sets text from the current position, breaking pages as it
// goes, indented by indent; it returns the lines it set.
func (w *writer) paragraph(text string, style typeset.Style, size, leading, indent float64) ([]typeset.Line, error) {
	return w.spansParagraph([]typeset.Span{{Text: text, Style: style}}, size, leading, indent)
}

// spansParagraph is paragraph for text in several styles (a title with
// its italics).
func (w *writer) spansParagraph(spans []typeset.Span, size, leading, indent float64) ([]typeset.Line, error) {
	lines, err := w.fonts.LayoutSpans(spans, size, contentW-indent)
	if err != nil {
		return nil, err
	}
	for _, l := range lines {
		w.need(leading)
		w.drawLine(l, marginX+indent, w.y+size*0.8, size)
		w.y += leading
	}
	return lines, nil
}

// bodyParagraph sets running text in a language: justified (each line
// but the last stretched at its spaces to the full measure), words broken
// with hyphens where the language has patterns, and never leaving one
// line of it alone at the foot of a page (an orphan) or at the head of the
// next (a widow).
func (w *writer) bodyParagraph(lang, text string, size, leading float64) error {
	lines, err := w.fonts.LayoutIn(lang, text, typeset.Regular, size, contentW)
	if err != nil {
		return err
	}
	for i, l := range lines {
		left := len(lines) - i
		room := int((bottom - w.y) / leading)
		switch {
		case w.page == 0 || room < 1:
			w.newPage()
		case i == 0 && left > 1 && room < 2: // the first line would be alone
			w.newPage()
		case left == 2 && room < 2 && i > 0: // the last line would be alone
			w.newPage()
		}
		if i < len(lines)-1 {
			w.drawJustified(l, marginX, w.y+size*0.8, size, contentW)
		} else {
			w.drawLine(l, marginX, w.y+size*0.8, size)
		}
		w.y += leading
	}
	return nil
}

// drawJustified draws a line stretched to width, the room left shared
// among its spaces; a line without spaces (Chinese), or one that would
// gape (a quarter of the measure or more to share), is drawn as it is.
func (w *writer) drawJustified(l typeset.Line, x, baseline, size, width float64) {
	if !w.drawing() || len(l.Pieces) == 0 {
		return
	}
	full := l.Text()
	text := strings.TrimRight(full, " ")
	gaps := strings.Count(text, " ")
	last := l.Pieces[len(l.Pieces)-1].Face
	natural := l.Width - float64(len(full)-len(text))*last.Width(" ", size)
	extra := width - natural
	if gaps == 0 || extra <= 0 || extra >= width/4 {
		w.drawLine(l, x, baseline, size)
		return
	}
	per := extra / float64(gaps)
	seen := 0
	for _, p := range l.Pieces {
		at := p.Size(size)
		w.setFont(p.Face, at)
		offset := 0.0
		for i, word := range strings.Split(p.Text, " ") {
			if i > 0 {
				seen++
				offset += p.Face.Width(" ", at)
			}
			if word != "" {
				w.pdf.Text(x+p.X+offset+per*float64(seen), baseline-p.Rise*size, word)
			}
			offset += p.Face.Width(word, at)
		}
	}
}

// rule draws a thin line across the text block and moves down.
func (w *writer) rule(space float64) {
	if w.drawing() {
		w.pdf.SetDrawColor(ruleGrey, ruleGrey, ruleGrey)
		w.pdf.SetLineWidth(0.4)
		w.pdf.Line(marginX, w.y+space/2, pageW-marginX, w.y+space/2)
	}
	w.y += space
}

// bookmark adds an outline entry at the current position.
func (w *writer) bookmark(title string, level int) {
	if !w.drawing() {
		return
	}
	w.setFont(w.fonts.Faces()[0], 10) // outline titles are UTF-16 only under a UTF-8 font
	w.pdf.Bookmark(title, level, w.y)
}

// link returns the PDF link of a key in a map of links, made on first use.
func (w *writer) link(links map[string]int, key string) int {
	id, ok := links[key]
	if !ok {
		id = w.pdf.AddLink()
		links[key] = id
	}
	return id
}
