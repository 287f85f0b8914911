package proceedings

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"strings"

	"github.com/annals/annals/catalog/i18n"
	"github.com/annals/annals/export/typeset"
	"github.com/jung-kurt/gofpdf"
)

// Options are how a document is rendered.
type Options struct {
	Fonts *typeset.Set
	// Words are the PDF's own words (headings, labels, dates), in the
	// document's Language.
	Words *i18n.Words
	// Progress, when set, is told how many entries are done of how many,
	// after each entry.
	Progress func(done, total int)
}

// Stats say what was rendered.
type Stats struct {
	Pages   int
	Entries int
	// EntryPages is the page each record starts on; PaperPages the page
	// its full paper is to start on (Document.Papers: Pages counts them,
	// the PDF written has them not).
	EntryPages map[string]int
	PaperPages map[string]int
	// Front counts the pages before the body (cover, imprint, programme,
	// contents), numbered i, ii, iii...; the body's pages are numbered
	// from 1 (Folio), and so do the contents and the index.
	Front int
}

// Render writes the document as a PDF to out. Every string is checked
// against the fonts first: a character none of them has fails the render
// with an UnprintableError naming the record, before anything is drawn.
// The layout is done twice: once to learn on which page everything
// falls, once to draw with those page numbers in the contents, the folios
// and the index.
func Render(ctx context.Context, out io.Writer, d *Document, opt Options) (Stats, error) {
	return render(ctx, out, d, opt, layout)
}

// RenderOffprint writes the document's entries alone as a PDF, each from
// the top of a page, with running heads and folios but no cover, contents
// or index: what one record looks like printed on its own (the sample
// catalogue's files are made so).
func RenderOffprint(ctx context.Context, out io.Writer, d *Document, opt Options) (Stats, error) {
	one := *d
	one.OnePerPage = true
	return render(ctx, out, &one, opt, layoutEntries)
}

// layoutEntries runs through the entries only.
func layoutEntries(ctx context.Context, w *writer, d *Document, _ func(done, total int)) error {
	w.furniture = true
	for _, s := range d.Sections {
		for i := range s.Records {
			if err := ctx.Err(); err != nil {
				return err
			}
			w.headLeft, w.headRight = headLeft(d), s.TitleIn(w.say.Code)
			if err := w.entry(d, s, &s.Records[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

func render(ctx context.Context, out io.Writer, d *Document, opt Options,
	lay func(context.Context, *writer, *Document, func(done, total int)) error) (Stats, error) {
	if opt.Fonts == nil || opt.Words == nil {
		return Stats{}, errors.New("proceedings: no fonts or no words")
	}
	say := opt.Words.In(d.Language)
	d = d.named(say)
	if err := d.check(opt.Fonts); err != nil {
		return Stats{}, err
	}
	measure := newWriter(opt.Fonts, say, nil)
	if err := lay(ctx, measure, d, nil); err != nil {
		return Stats{}, err
	}
	pdf := gofpdf.New("P", "pt", "A4", "")
	pdf.SetMargins(0, 0, 0)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCompression(true)
	setMetadata(pdf, d, say)
	draw := newWriter(opt.Fonts, say, pdf)
	draw.total, draw.front = measure.page, measure.front
	draw.entryPage, draw.sectionPage, draw.paperPage = measure.entryPage, measure.sectionPage, measure.paperPage
	if err := lay(ctx, draw, d, opt.Progress); err != nil {
		return Stats{}, err
	}
	if err := pdf.Error(); err != nil {
		return Stats{}, err
	}
	if err := output(pdf, out, draw.front, opt.Fonts); err != nil {
		return Stats{}, err
	}
	return Stats{Pages: draw.page, Entries: d.Entries(), EntryPages: draw.entryPage, PaperPages: draw.paperPage, Front: draw.front}, nil
}

// layout runs through the document once.
func layout(ctx context.Context, w *writer, d *Document, progress func(done, total int)) error {
	if err := w.cover(d); err != nil {
		return err
	}
	if err := w.imprint(d); err != nil {
		return err
	}
	if d.Event != nil && len(d.Sections) > 0 {
		if err := w.programme(d); err != nil {
			return err
		}
	}
	// the contents take the same room in both passes: their page numbers
	// are set apart in a column of their own
	entryPage, sectionPage := w.entryPage, w.sectionPage
	if err := w.contents(d); err != nil {
		return err
	}
	w.front = w.page
	w.entryPage, w.sectionPage = map[string]int{}, map[string]int{}
	done, total := 0, d.Entries()
	for _, s := range d.Sections {
		if err := w.section(d, s); err != nil {
			return err
		}
		for i := range s.Records {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := w.entry(d, s, &s.Records[i]); err != nil {
				return err
			}
			done++
			if progress != nil {
				progress(done, total)
			}
		}
	}
	if w.drawing() {
		// what was drawn must be where the contents said
		if !maps.Equal(entryPage, w.entryPage) || !maps.Equal(sectionPage, w.sectionPage) {
			return errors.New("proceedings: the pages moved between the two passes")
		}
	}
	if len(w.index) > 0 {
		return w.contributorIndex(d)
	}
	return nil
}

// setMetadata fills the document information: title, author, subject,
// keywords, dates.
func setMetadata(pdf *gofpdf.Fpdf, d *Document, say i18n.Lang) {
	title := d.Title
	if title == "" && d.Event != nil {
		title = say.T("pdf.proceedings.of", d.Event.Name)
	}
	pdf.SetTitle(title, true)
	var subject, author []string
	var keywords []string
	if d.Event != nil {
		subject = append(subject, d.Event.Name)
		if d.Event.Place != "" {
			subject = append(subject, d.Event.Place)
		}
		if dates := say.DateRange(d.Event.Start, d.Event.End); d.Event.Start != "" {
			subject = append(subject, dates)
		}
		author = d.Event.Organizers
	}
	for _, s := range d.Sections {
		keywords = append(keywords, s.Title)
	}
	pdf.SetSubject(strings.Join(subject, ", "), true)
	pdf.SetAuthor(strings.Join(author, "; "), true)
	pdf.SetKeywords(strings.Join(keywords, "; "), true)
	pdf.SetCreator("Annals", true)
	pdf.SetCreationDate(d.Generated)
	pdf.SetModificationDate(d.Generated)
}

// output writes the PDF, finished (finishPDF) with front pages before the
// body, drawn with the faces of fonts.
func output(pdf *gofpdf.Fpdf, out io.Writer, front int, fonts *typeset.Set) error {
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return err
	}
	var names []string
	for _, f := range fonts.Faces() {
		names = append(names, f.Name)
	}
	finished, err := finishPDF(buf.Bytes(), front, names)
	if err != nil {
		return err
	}
	_, err = out.Write(finished)
	return err
}
