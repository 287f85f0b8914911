package proceedings

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/markup"
	"github.com/annals/annals/export/csl"
	"github.com/annals/annals/export/csljson"
	"github.com/annals/annals/export/typeset"
	"github.com/boombuler/barcode/qr"
	"github.com/jung-kurt/gofpdf"
)

// Cover is the first page of a citation-ready copy of one record's file:
// what the document is and how to cite it.
type Cover struct {
	Record *catalog.Record
	Event  *catalog.Event // nil when the record is not from an event
	// Style formats the citation; required.
	Style *csl.Processor
	// Language is the language of the page's own words (BCP 47).
	Language string
	// Catalogue is the catalogue's name, printed at the top.
	Catalogue string
	// URL is the record's address, printed, linked and drawn as a QR code.
	URL string
	// File is the copied file: its name and pages are printed.
	File catalog.File
	// Made is the date printed as the copy's and set as its creation date.
	Made time.Time
}

// citation is the record's bibliography entry in the cover's style, as
// styled spans.
func (c *Cover) citation() ([]csl.Span, error) {
	if c.Style == nil {
		return nil, errors.New("proceedings: a cover needs a citation style")
	}
	item, err := csljson.ProcessorItem(c.Record, c.Event)
	if err != nil {
		return nil, err
	}
	ref := c.Style.ReferenceSpans(item)
	if len(ref) == 0 {
		return nil, errors.New("proceedings: the style gives no bibliography entry")
	}
	return ref, nil
}

// RenderCover writes the cover page as a one-page PDF whose document
// information and XMP metadata describe the record (a stamped copy keeps
// them): the catalogue's name, kind, date and session, the title and its
// translations, the contributors in their own scripts, the event, the
// citation in the chosen style, the record's address (and a QR code of
// it), its DOI and licence, and what the copy is.
func RenderCover(ctx context.Context, out io.Writer, c Cover, opt Options) error {
	if opt.Fonts == nil || opt.Words == nil {
		return errors.New("proceedings: no fonts or no words")
	}
	spans, err := c.citation()
	if err != nil {
		return err
	}
	say := opt.Words.In(c.Language)
	pdf := gofpdf.New("P", "pt", "A4", "")
	pdf.SetMargins(0, 0, 0)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCompression(true)
	setRecordMetadata(pdf, &c, plainText(spans))
	w := newWriter(opt.Fonts, say, pdf)
	w.newPage()
	r := c.Record

	w.pdf.SetTextColor(grey, grey, grey)
	w.textAt(marginX, marginTop-30, c.Catalogue, typeset.Bold, 9, contentW*0.5)
	copyLabel := w.fit(say.T("pdf.cover.copy"), typeset.Regular, 9, contentW*0.48)
	w.drawLine(copyLabel, pageW-marginX-copyLabel.Width, marginTop-30, 9)
	w.pdf.SetDrawColor(ruleGrey, ruleGrey, ruleGrey)
	w.pdf.SetLineWidth(0.4)
	w.pdf.Line(marginX, marginTop-24, pageW-marginX, marginTop-24)
	meta := []string{say.Kind(r.Kind)}
	if r.Date != "" {
		meta = append(meta, say.Date(r.Date))
	}
	if c.Event != nil {
		if s, ok := c.Event.FindSession(r.Session); ok && s.Title != "" {
			meta = append(meta, s.TitleIn(say.Code))
		}
	}
	if _, err := w.paragraph(strings.Join(meta, " · "), typeset.Regular, 9, 13, 0); err != nil {
		return err
	}
	w.pdf.SetTextColor(0, 0, 0)
	w.y += 8
	steps := []func() error{
		func() error { _, err := w.spansParagraph(titleSpans(r.Title, typeset.Bold), 18, 23, 0); return err },
		func() error { return w.translatedTitles(r) },
		func() error { return w.contributors(r) },
		func() error { return w.eventLine(c.Event) },
		func() error { return w.citationBox(spans) },
		func() error { return w.addresses(&c) },
	}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := step(); err != nil {
			var missing *typeset.MissingGlyphError
			if errors.As(err, &missing) {
				return &UnprintableError{Record: r.ID, Field: "cover", Err: missing}
			}
			return err
		}
	}
	if w.page > 1 {
		return fmt.Errorf("proceedings: the cover of %s does not fit on one page", r.ID)
	}
	if err := pdf.Error(); err != nil {
		return err
	}
	return output(pdf, out, 0, opt.Fonts)
}

// eventLine names the event, its place and dates.
func (w *writer) eventLine(ev *catalog.Event) error {
	if ev == nil {
		return nil
	}
	parts := []string{ev.Name}
	if ev.Place != "" {
		parts = append(parts, ev.Place)
	}
	if ev.Start != "" {
		parts = append(parts, w.say.DateRange(ev.Start, ev.End))
	}
	if _, err := w.paragraph(w.say.T("pdf.cover.event", strings.Join(parts, ", ")), typeset.Regular, 10, 14, 0); err != nil {
		return err
	}
	w.y += 10
	return nil
}

// citationBox draws the citation, boxed, under "Cite as".
func (w *writer) citationBox(spans []csl.Span) error {
	const pad, size, leading = 10.0, 10.5, 15.0
	lines, err := w.fonts.LayoutSpans(styledSpans(spans), size, contentW-2*pad)
	if err != nil {
		return err
	}
	height := 2*pad + leading*float64(len(lines)+1)
	top := w.y
	w.pdf.SetDrawColor(ruleGrey, ruleGrey, ruleGrey)
	w.pdf.SetFillColor(246, 246, 246)
	w.pdf.Rect(marginX, top, contentW, height, "DF")
	w.textAt(marginX+pad, top+pad+size*0.8, w.say.T("pdf.cite"), typeset.Bold, size, contentW)
	y := top + pad + leading
	for _, l := range lines {
		w.drawLine(l, marginX+pad, y+size*0.8, size)
		y += leading
	}
	w.y = top + height + 18
	return nil
}

// qrSize is the side of the QR code, in points (about 3 cm).
const qrSize = 84.0

// addresses lists the record's address, DOI, licence and the copy's
// file, with a QR code of the address beside them, and says what the
// pages that follow are.
func (w *writer) addresses(c *Cover) error {
	top := w.y
	textW := contentW - qrSize - 16
	label := func(key, value, link string) error {
		if value == "" {
			return nil
		}
		lines, err := w.fonts.Layout(w.say.T(key)+": "+value, typeset.Regular, 9.5, textW)
		if err != nil {
			return err
		}
		for _, l := range lines {
			w.drawLine(l, marginX, w.y+9.5*0.8, 9.5)
			if link != "" {
				w.pdf.LinkString(marginX, w.y, l.Width, 13, link)
			}
			w.y += 13
		}
		w.y += 3
		return nil
	}
	doi := c.Record.Identifiers.DOI
	doiLink := ""
	if doi != "" {
		doiLink = "https://doi.org/" + doi
	}
	made := w.say.Date(c.Made.Format(time.DateOnly))
	file := w.say.T("pdf.cover.file.pages", c.File.Name, w.say.Num(c.File.Pages))
	if c.File.Pages == 0 {
		file = c.File.Name
	}
	for _, f := range []struct{ key, value, link string }{
		{"pdf.record", c.URL, c.URL},
		{"pdf.cover.doi", doi, doiLink},
		{"pdf.licence", c.Record.License, ""},
		{"pdf.cover.file", file, ""},
		{"pdf.cover.made", made, ""},
	} {
		if err := label(f.key, f.value, f.link); err != nil {
			return err
		}
	}
	if err := w.qrCode(c.URL, pageW-marginX-qrSize, top); err != nil {
		return err
	}
	w.y = max(w.y, top+qrSize) + 18
	w.pdf.SetTextColor(grey, grey, grey)
	_, err := w.paragraph(w.say.T("pdf.cover.note"), typeset.Italic, 9, 13, 0)
	w.pdf.SetTextColor(0, 0, 0)
	return err
}

// qrCode draws a QR code of text at (x, y), as filled squares: sharp at
// any size and a few hundred bytes.
func (w *writer) qrCode(text string, x, y float64) error {
	if text == "" {
		return nil
	}
	code, err := qr.Encode(text, qr.M, qr.Auto)
	if err != nil {
		return fmt.Errorf("proceedings: QR code of %q: %w", text, err)
	}
	b := code.Bounds()
	n := b.Dx()
	module := qrSize / float64(n+8) // a quiet zone of four modules each side
	w.pdf.SetFillColor(0, 0, 0)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if r, _, _, _ := code.At(b.Min.X+i, b.Min.Y+j).RGBA(); r == 0 {
				w.pdf.Rect(x+float64(i+4)*module, y+float64(j+4)*module, module, module, "F")
			}
		}
	}
	w.pdf.LinkString(x, y, qrSize, qrSize, text)
	return nil
}

// plainText is the text of styled spans.
func plainText(spans []csl.Span) string {
	var b strings.Builder
	for _, s := range spans {
		b.WriteString(s.Text)
	}
	return b.String()
}

// setRecordMetadata fills the document information and the XMP packet
// from the record: title, authors, the citation as subject, keywords.
func setRecordMetadata(pdf *gofpdf.Fpdf, c *Cover, citation string) {
	r := c.Record
	var names []string
	for _, p := range r.Contributors {
		if n := DisplayName(p); n != "" {
			names = append(names, n)
		}
	}
	pdf.SetTitle(markup.Plain(r.Title), true)
	pdf.SetAuthor(strings.Join(names, "; "), true)
	pdf.SetSubject(citation, true)
	pdf.SetKeywords(strings.Join(r.Keywords, "; "), true)
	pdf.SetCreator("Annals", true)
	pdf.SetCreationDate(c.Made)
	pdf.SetModificationDate(c.Made)
	pdf.SetXmpMetadata(xmpPacket(c, names, citation))
}

// RenderStrips writes the strips of a stamped copy: one page per width,
// height points tall, saying "Cite as: citation · URL" in at most two
// lines, with a hairline above.
func RenderStrips(out io.Writer, c Cover, widths []float64, height float64, opt Options) error {
	if opt.Fonts == nil || opt.Words == nil {
		return errors.New("proceedings: no fonts or no words")
	}
	spans, err := c.citation()
	if err != nil {
		return err
	}
	say := opt.Words.In(c.Language)
	pdf := newBandPDF(widths[0], height)
	w := newWriter(opt.Fonts, say, pdf)
	const size, leading = 6.5, 7.6
	prefix := typeset.Span{Text: say.T("pdf.cite") + ": ", Style: typeset.Bold}
	for _, width := range widths {
		margin := min(24.0, width/20)
		textW := width - 2*margin
		all := append(append([]typeset.Span{prefix}, styledSpans(spans)...), typeset.Span{Text: " · " + c.URL})
		lines, err := opt.Fonts.LayoutSpans(all, size, textW)
		if err != nil {
			return &UnprintableError{Record: c.Record.ID, Field: "citation", Err: asMissing(err)}
		}
		if len(lines) > 2 { // too long: the citation cut on the first line, the address on the second
			lines = []typeset.Line{w.fit(say.T("pdf.cite")+": "+plainText(spans), typeset.Regular, size, textW),
				w.fit(c.URL, typeset.Regular, size, textW)}
		}
		pdf.AddPageFormat("P", gofpdf.SizeType{Wd: width, Ht: height})
		pdf.SetDrawColor(ruleGrey, ruleGrey, ruleGrey)
		pdf.SetLineWidth(0.3)
		pdf.Line(margin, 1.5, width-margin, 1.5)
		pdf.SetTextColor(grey, grey, grey)
		y := (height-leading*float64(len(lines)))/2 + size*0.8 + 0.5
		for _, l := range lines {
			w.drawLine(l, margin, y, size)
			y += leading
		}
		pdf.LinkString(margin, 0, textW, height, c.URL)
	}
	if err := pdf.Error(); err != nil {
		return err
	}
	return output(pdf, out, 0, opt.Fonts)
}

// StripsFor makes the strip renderer a stamping asks for.
func StripsFor(c Cover, height float64, opt Options) func(widths []float64) ([]byte, error) {
	return func(widths []float64) ([]byte, error) {
		var buf bytes.Buffer
		err := RenderStrips(&buf, c, widths, height, opt)
		return buf.Bytes(), err
	}
}

// RenderMarks writes a PDF with one page per text, each height points tall
// and as wide as its text (cut with an ellipsis at maxWidth), the text
// small and grey on its baseline: the running heads and folios drawn
// below the pages of full papers. Texts of ASCII only are set in the PDF's
// standard Helvetica, which is not embedded, so a thousand folios add no
// font to the book; give them in a PDF of their own (gofpdf puts every
// font of a PDF on each of its pages).
func RenderMarks(out io.Writer, texts []string, height, maxWidth float64, opt Options) error {
	if opt.Fonts == nil || opt.Words == nil {
		return errors.New("proceedings: no fonts or no words")
	}
	pdf := newBandPDF(maxWidth, height)
	// gofpdf gives every page every font it was given: the embedded fonts
	// only when a text needs them, so that a page of a folio brings none
	// along when it is copied
	var w *writer
	for _, text := range texts {
		if !isASCII(text) {
			w = newWriter(opt.Fonts, opt.Words.In(""), pdf)
			break
		}
	}
	const size = 7.0
	baseline := height/2 + size*0.35
	for _, text := range texts {
		if isASCII(text) {
			pdf.SetFont("Helvetica", "", size)
			width := min(pdf.GetStringWidth(text), maxWidth)
			pdf.AddPageFormat("P", gofpdf.SizeType{Wd: max(width, 1), Ht: height})
			pdf.SetTextColor(grey, grey, grey)
			pdf.Text(0, baseline, text)
			continue
		}
		line := w.fit(text, typeset.Italic, size, maxWidth)
		pdf.AddPageFormat("P", gofpdf.SizeType{Wd: max(line.Width, 1), Ht: height})
		pdf.SetTextColor(grey, grey, grey)
		w.drawLine(line, 0, baseline, size)
	}
	if err := pdf.Error(); err != nil {
		return err
	}
	return output(pdf, out, 0, opt.Fonts)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// newBandPDF is an empty document for marks and strips: pages width ×
// height points, no margins, no automatic page breaks.
func newBandPDF(width, height float64) *gofpdf.Fpdf {
	pdf := gofpdf.NewCustom(&gofpdf.InitType{UnitStr: "pt", Size: gofpdf.SizeType{Wd: width, Ht: height}})
	pdf.SetMargins(0, 0, 0)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCompression(true)
	return pdf
}
