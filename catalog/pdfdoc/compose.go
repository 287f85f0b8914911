package pdfdoc

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync/atomic"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
)

// Source is a PDF whose pages go into another.
type Source struct {
	Reader io.ReadSeeker
	Size   int64
}

// Insertion puts every page of Source into the base document so that the
// first is page At (0-based) of the result, each with marks in a band
// below it.
type Insertion struct {
	At     int
	Source Source
	// Marks are drawn below the source's page i (0-based): pages of
	// Composition.Marks, against the band's left or right margin.
	Marks func(i int) []Mark
}

// Mark is one page of one of Composition.Marks drawn in a band.
type Mark struct {
	Doc, Page int
	Right     bool // against the right margin, else the left
}

// Composition is how documents are put into a base.
type Composition struct {
	Insertions []Insertion
	// Band is the height added below each inserted page for its marks;
	// Marks are PDFs whose pages are the marks, each Band tall and as wide
	// as its text. Each mark is copied into the result once, however many
	// pages show it, with every resource its page has: keep marks that
	// need embedded fonts apart from those that do not.
	Band  float64
	Marks [][]byte
}

// Compose writes the base document (a PDF in memory, such as a book laid
// out without its papers' pages) with the insertions made, to w. Pages
// are only added, never removed, so the base's outline and links keep
// their pages. The
// inserted pages are the sources' own, copied with their resources shared
// (a paper's fonts once, not once a page), grown by the band at their
// shown bottom and marked there as WriteStamped marks. Timeout and
// cancellation are as for Read.
func (r *Reader) Compose(ctx context.Context, w io.Writer, base []byte, c Composition) error {
	return r.onWorker(ctx, func(inst pdfium.Pdfium, _ *atomic.Bool) error {
		opened, err := inst.OpenDocument(&requests.OpenDocument{File: &base})
		if err != nil {
			return fmt.Errorf("pdfdoc: the base document: %w", classify(err))
		}
		defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: opened.Document})
		d := &Document{inst: inst, doc: opened.Document}
		marks := make([]*markSet, len(c.Marks))
		for i, pdf := range c.Marks {
			m, err := d.openMarks(pdf)
			if err != nil {
				return err
			}
			defer m.close()
			marks[i] = m
		}
		// in order: each insertion's place counts the pages of those before
		ins := slices.Clone(c.Insertions)
		slices.SortFunc(ins, func(a, b Insertion) int { return a.At - b.At })
		for k, in := range ins {
			if err := d.insert(in, marks, c.Band); err != nil {
				return fmt.Errorf("pdfdoc: insertion %d (at page %d): %w", k+1, in.At+1, err)
			}
		}
		_, err = inst.FPDF_SaveAsCopy(&requests.FPDF_SaveAsCopy{Document: opened.Document, FileWriter: w, Flags: requests.SaveFlagNoIncremental})
		return err
	})
}

// markSet is the marks document, its pages' widths and the XObjects made
// of them in the base (each once, however many pages show it).
type markSet struct {
	d       *Document
	doc     references.FPDF_DOCUMENT
	widths  []float64
	objects map[int]references.FPDF_XOBJECT // made in dest
	dest    references.FPDF_DOCUMENT
}

func (d *Document) openMarks(pdf []byte) (*markSet, error) {
	m := &markSet{d: d, objects: map[int]references.FPDF_XOBJECT{}}
	if len(pdf) == 0 {
		return m, nil
	}
	opened, err := d.inst.OpenDocument(&requests.OpenDocument{File: &pdf})
	if err != nil {
		return nil, fmt.Errorf("pdfdoc: the marks: %w", err)
	}
	m.doc = opened.Document
	count, err := d.inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: m.doc})
	if err != nil {
		return nil, err
	}
	for i := range count.PageCount {
		size, err := d.inst.FPDF_GetPageSizeByIndex(&requests.FPDF_GetPageSizeByIndex{Document: m.doc, Index: i})
		if err != nil {
			return nil, err
		}
		m.widths = append(m.widths, size.Width)
	}
	return m, nil
}

// mark is the XObject of marks page i, made on first use.
func (m *markSet) mark(mk Mark) (mark, error) {
	if mk.Page < 0 || mk.Page >= len(m.widths) {
		return mark{}, fmt.Errorf("no mark %d of %d", mk.Page+1, len(m.widths))
	}
	x, ok := m.objects[mk.Page]
	if !ok {
		// go-pdfium swaps Source and Destination (see WriteStamped)
		made, err := m.d.inst.FPDF_NewXObjectFromPage(&requests.FPDF_NewXObjectFromPage{Source: m.dest, Destination: m.doc, SourcePageIndex: mk.Page})
		if err != nil {
			return mark{}, err
		}
		x = made.XObject
		m.objects[mk.Page] = x
	}
	align := alignLeft
	if mk.Right {
		align = alignRight
	}
	return mark{x: x, width: m.widths[mk.Page], align: align}, nil
}

// into makes the marks' XObjects in dest from now on (those made for
// another document are let go).
func (m *markSet) into(dest references.FPDF_DOCUMENT) {
	m.release()
	m.dest = dest
}

// release lets go of the XObjects made.
func (m *markSet) release() {
	for page, x := range m.objects {
		m.d.inst.FPDF_CloseXObject(&requests.FPDF_CloseXObject{XObject: x})
		delete(m.objects, page)
	}
}

func (m *markSet) close() {
	m.release()
	if m.doc != "" {
		m.d.inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: m.doc})
	}
}

// insert makes one insertion. The source's pages are marked in the
// source document, then imported: the book never parses them, so the
// fonts each paper's pages need are read (and their memory used) while
// that paper is open only.
func (d *Document) insert(in Insertion, marks []*markSet, band float64) error {
	src, err := d.inst.OpenDocument(&requests.OpenDocument{FileReader: in.Source.Reader, FileReaderSize: in.Source.Size})
	if err != nil {
		return classify(err)
	}
	defer d.inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: src.Document})
	count, err := d.inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: src.Document})
	if err != nil {
		return classify(err)
	}
	if band > 0 && in.Marks != nil {
		for _, m := range marks {
			m.into(src.Document)
		}
		defer func() {
			for _, m := range marks {
				m.release()
			}
		}()
		for i := range count.PageCount {
			var ms []mark
			for _, mk := range in.Marks(i) {
				if mk.Doc < 0 || mk.Doc >= len(marks) {
					return fmt.Errorf("no marks document %d of %d", mk.Doc+1, len(marks))
				}
				m, err := marks[mk.Doc].mark(mk)
				if err != nil {
					return err
				}
				ms = append(ms, m)
			}
			if _, err := d.stampPage(src.Document, i, ms, band); err != nil {
				return fmt.Errorf("page %d: %w", i+1, err)
			}
		}
	}
	if _, err := d.inst.FPDF_ImportPagesByIndex(&requests.FPDF_ImportPagesByIndex{Source: src.Document, Destination: d.doc, Index: in.At}); err != nil {
		return classify(err)
	}
	return nil
}
