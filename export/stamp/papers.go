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

// Marks of the pages of full papers: a band of this height below each,
// the running head (at most headWidth wide) on the left, the folio on the
// right.
const (
	markBand  = 16.0
	headWidth = 360.0
)

// paper is a record's full paper in the book.
type paper struct {
	record  string
	section string
	file    *catalog.File
	pages   int
}

// RenderWithPapers writes the proceedings with each record's full paper
// after its entry: the paper's own pages, their fonts and images shared
// (not copied page by page), each grown by a band at its foot with the
// book's running head and folio (a printing stamp annotation: the page's
// content is not touched); the entry, the contents and the outline give
// the paper's pages. A paper that cannot be read (a password, damaged) is left
// out and listed; the book is made all the same.
func (s *Stamper) RenderWithPapers(ctx context.Context, out io.Writer, d *proceedings.Document, progress func(done, total int)) (proceedings.Stats, []Unplaced, error) {
	if err := s.startPDF(ctx); err != nil {
		return proceedings.Stats{}, nil, err
	}
	papers, unplaced, err := s.findPapers(ctx, d)
	if err != nil {
		return proceedings.Stats{}, nil, err
	}
	book := *d
	book.Papers = map[string]int{}
	for _, p := range papers {
		book.Papers[p.record] = p.pages
	}
	var laid bytes.Buffer
	st, err := proceedings.Render(ctx, &laid, &book, proceedings.Options{Fonts: s.opt.Fonts, Words: s.opt.Words, Progress: progress})
	if err != nil {
		return st, nil, err
	}
	// the marks: each paper's running head, and every page's folio (in a
	// PDF of their own: they need no embedded font)
	head := proceedings.RunningHead(d)
	heads := make([]string, len(papers))
	for k, p := range papers {
		heads[k] = head + " · " + p.section
	}
	folios := make([]string, st.Pages)
	for n := range folios {
		folios[n] = proceedings.Folio(n+1, st.Front, st.Pages)
	}
	var headPDF, folioPDF bytes.Buffer
	if err := proceedings.RenderMarks(&headPDF, heads, markBand, headWidth, s.opt); err != nil {
		return st, nil, err
	}
	if err := proceedings.RenderMarks(&folioPDF, folios, markBand, headWidth, s.opt); err != nil {
		return st, nil, err
	}
	c := pdfdoc.Composition{Band: markBand, Marks: [][]byte{headPDF.Bytes(), folioPDF.Bytes()}}
	for k, p := range papers {
		blob, err := s.blobs.Open(ctx, p.file.SHA256)
		if err != nil {
			return st, nil, err
		}
		defer blob.Close()
		first := st.PaperPages[p.record] // 1-based
		c.Insertions = append(c.Insertions, pdfdoc.Insertion{At: first - 1,
			Source: pdfdoc.Source{Reader: blob, Size: blob.Size()},
			Marks: func(i int) []pdfdoc.Mark {
				return []pdfdoc.Mark{{Doc: 0, Page: k}, {Doc: 1, Page: first - 1 + i, Right: true}}
			}})
	}
	if err := s.pdf.Compose(ctx, out, laid.Bytes(), c); err != nil {
		return st, nil, fmt.Errorf("stamp: putting the papers into the book: %w", err)
	}
	return st, unplaced, nil
}

// findPapers picks each record's paper and counts its pages; those that
// cannot be read are listed.
func (s *Stamper) findPapers(ctx context.Context, d *proceedings.Document) ([]paper, []Unplaced, error) {
	today := d.Generated.UTC().Format(time.DateOnly)
	var papers []paper
	var unplaced []Unplaced
	for _, sec := range d.Sections {
		for i := range sec.Records {
			r := &sec.Records[i]
			f := paperOf(r, today)
			if f == nil {
				continue
			}
			n, err := s.countPages(ctx, f.SHA256)
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			if err != nil || n == 0 {
				reason := "it has no pages"
				if err != nil {
					reason = err.Error()
				}
				unplaced = append(unplaced, Unplaced{Record: r.ID, File: f.Name, Reason: reason})
				continue
			}
			papers = append(papers, paper{record: r.ID, section: sec.Title, file: f, pages: n})
		}
	}
	return papers, unplaced, nil
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
