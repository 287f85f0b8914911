package stamp

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/pdfdoc"
	"github.com/annals/annals/export/proceedings"
)

// Unplaced is a record whose paper could not go into the book, and why.
type Unplaced struct {
	Record string `json:"record"`
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// paperOf is the file that is a record's full paper: its first open PDF
// labelled full text, else its first open PDF.
func paperOf(r *catalog.Record, today string) *catalog.File {
	var first *catalog.File
	for i := range r.Files {
		f := &r.Files[i]
		if f.MediaType != "application/pdf" || !catalog.FileOpen(f, today) {
			continue
		}
		if f.Label == catalog.LabelFulltext {
			return f
		}
		if first == nil {
			first = f
		}
	}
	return first
}

// RenderWithPapers writes the proceedings with each record's full paper
// after its entry: the paper's pages drawn onto pages that carry the
// book's running head and folio, listed in the contents and the outline.
// A paper that cannot be read (a password, damaged) is left out and
// listed; the book is made all the same.
func (s *Stamper) RenderWithPapers(ctx context.Context, out io.Writer, d *proceedings.Document, progress func(done, total int)) (proceedings.Stats, []Unplaced, error) {
	if err := s.startPDF(ctx); err != nil {
		return proceedings.Stats{}, nil, err
	}
	today := d.Generated.UTC().Format(time.DateOnly)
	type paper struct {
		record string
		file   *catalog.File
		pages  int
	}
	var papers []paper
	var unplaced []Unplaced
	book := *d
	book.Papers = map[string]int{}
	for _, sec := range d.Sections {
		for i := range sec.Records {
			r := &sec.Records[i]
			f := paperOf(r, today)
			if f == nil {
				continue
			}
			n, err := s.countPages(ctx, f.SHA256)
			if ctx.Err() != nil {
				return proceedings.Stats{}, nil, ctx.Err()
			}
			if err != nil || n == 0 {
				reason := "it has no pages"
				if err != nil {
					reason = err.Error()
				}
				unplaced = append(unplaced, Unplaced{Record: r.ID, File: f.Name, Reason: reason})
				continue
			}
			book.Papers[r.ID] = n
			papers = append(papers, paper{r.ID, f, n})
		}
	}
	var laid bytes.Buffer
	st, err := proceedings.Render(ctx, &laid, &book, proceedings.Options{Fonts: s.opt.Fonts, Words: s.opt.Words, Progress: progress})
	if err != nil {
		return st, nil, err
	}
	sources := make([]pdfdoc.Source, len(papers))
	var places []pdfdoc.Placement
	box := pdfdoc.Box{Left: proceedings.PaperBox.Left, Bottom: proceedings.PaperBox.Bottom, Width: proceedings.PaperBox.Width, Height: proceedings.PaperBox.Height}
	for i, p := range papers {
		blob, err := s.blobs.Open(ctx, p.file.SHA256)
		if err != nil {
			return st, nil, err
		}
		defer blob.Close()
		sources[i] = pdfdoc.Source{Reader: blob, Size: blob.Size()}
		first := st.PaperPages[p.record]
		for k := range p.pages {
			places = append(places, pdfdoc.Placement{Target: first - 1 + k, Source: i, SourcePage: k, Box: box})
		}
	}
	if err := s.pdf.Compose(ctx, out, laid.Bytes(), sources, places); err != nil {
		return st, nil, fmt.Errorf("stamp: drawing the papers into the book: %w", err)
	}
	return st, unplaced, nil
}

// countPages opens the PDF stored as sha and counts its pages.
func (s *Stamper) countPages(ctx context.Context, sha string) (int, error) {
	blob, err := s.blobs.Open(ctx, sha)
	if err != nil {
		return 0, err
	}
	defer blob.Close()
	n := 0
	err = s.pdf.Read(ctx, blob, blob.Size(), func(d *pdfdoc.Document) error {
		n = d.Pages()
		return nil
	})
	return n, err
}

// startPDF starts the PDF reader on first use.
func (s *Stamper) startPDF(ctx context.Context) error {
	s.pdfOnce.Do(func() { s.pdf, s.pdfErr = s.openPDF(context.WithoutCancel(ctx)) })
	if s.pdfErr != nil {
		return fmt.Errorf("stamp: PDFium did not start: %w", s.pdfErr)
	}
	return nil
}
