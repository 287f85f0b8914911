package pdfdoc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/structs"
)

// Source is a PDF whose pages are drawn onto another's.
type Source struct {
	Reader io.ReadSeeker
	Size   int64
}

// Placement draws page SourcePage (0-based) of Sources[Source] onto page
// Target (0-based) of the base document, scaled to fit the box and
// centred in it, its proportions kept.
type Placement struct {
	Target, Source, SourcePage int
	Box                        Box
}

// Box is a rectangle in a page's default user space: points from the
// bottom left.
type Box struct{ Left, Bottom, Width, Height float64 }

// Compose writes the base document (a PDF in memory, such as a book laid
// out with room for papers) with the placements drawn onto its pages, to
// w. The base's pages keep their identity, so its outline, links and
// contents still point where they did; each placed page comes as a form
// XObject (its annotations stay behind). Timeout and cancellation are as
// for Read.
func (r *Reader) Compose(ctx context.Context, w io.Writer, base []byte, sources []Source, places []Placement) (err error) {
	inst, err := r.pool.GetInstanceWithContext(ctx)
	if err != nil {
		return fmt.Errorf("pdfdoc: no worker: %w", err)
	}
	var killed atomic.Bool
	stop := func() {
		if killed.CompareAndSwap(false, true) {
			inst.Kill()
		}
	}
	timer := time.AfterFunc(r.timeout, stop)
	done := context.AfterFunc(ctx, stop)
	defer func() {
		timer.Stop()
		done()
		if killed.Load() {
			if ctx.Err() != nil {
				err = ctx.Err()
			} else {
				err = ErrTimeout
			}
			return
		}
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v", ErrDamaged, p)
		}
		inst.Close()
	}()
	opened, err := inst.OpenDocument(&requests.OpenDocument{File: &base})
	if err != nil {
		return fmt.Errorf("pdfdoc: the base document: %w", classify(err))
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: opened.Document})
	docs := make([]references.FPDF_DOCUMENT, len(sources))
	for i, s := range sources {
		src, err := inst.OpenDocument(&requests.OpenDocument{FileReader: s.Reader, FileReaderSize: s.Size})
		if err != nil {
			return fmt.Errorf("pdfdoc: source %d: %w", i+1, classify(err))
		}
		docs[i] = src.Document
		defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: src.Document})
	}
	d := &Document{inst: inst, doc: opened.Document}
	for _, p := range places {
		if p.Source < 0 || p.Source >= len(docs) {
			return fmt.Errorf("pdfdoc: placement on page %d names source %d of %d", p.Target+1, p.Source+1, len(docs))
		}
		if err := d.place(docs[p.Source], p); err != nil {
			return fmt.Errorf("pdfdoc: page %d of source %d onto page %d: %w", p.SourcePage+1, p.Source+1, p.Target+1, err)
		}
	}
	_, err = inst.FPDF_SaveAsCopy(&requests.FPDF_SaveAsCopy{Document: opened.Document, FileWriter: w, Flags: requests.SaveFlagNoIncremental})
	return err
}

// place draws one page of src onto a page of d, as it is shown.
func (d *Document) place(src references.FPDF_DOCUMENT, p Placement) error {
	// the size as shown (turned by its /Rotate), from the page tree: the
	// page need not be parsed
	size, err := d.inst.FPDF_GetPageSizeByIndex(&requests.FPDF_GetPageSizeByIndex{Document: src, Index: p.SourcePage})
	if err != nil {
		return classify(err)
	}
	if size.Width <= 0 || size.Height <= 0 {
		return errors.New("the page has no size")
	}
	// go-pdfium swaps Source and Destination (see WriteStamped)
	x, err := d.inst.FPDF_NewXObjectFromPage(&requests.FPDF_NewXObjectFromPage{Source: d.doc, Destination: src, SourcePageIndex: p.SourcePage})
	if err != nil {
		return err
	}
	defer d.inst.FPDF_CloseXObject(&requests.FPDF_CloseXObject{XObject: x.XObject})
	form, err := d.inst.FPDF_NewFormObjectFromXObject(&requests.FPDF_NewFormObjectFromXObject{XObject: x.XObject})
	if err != nil {
		return err
	}
	// PDFium's XObject of a page is the page as shown: turned by its
	// /Rotate and moved to the origin. It is scaled into the box.
	shownW, shownH := size.Width, size.Height
	scale := min(p.Box.Width/shownW, p.Box.Height/shownH)
	left := p.Box.Left + (p.Box.Width-shownW*scale)/2
	bottom := p.Box.Bottom + (p.Box.Height-shownH*scale)/2
	m := structs.FPDF_FS_MATRIX{A: float32(scale), D: float32(scale), E: float32(left), F: float32(bottom)}
	if _, err := d.inst.FPDFPageObj_Transform(&requests.FPDFPageObj_Transform{PageObject: form.PageObject, Transform: m}); err != nil {
		return err
	}
	loaded, err := d.inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: d.doc, Index: p.Target})
	if err != nil {
		return classify(err)
	}
	defer d.inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: loaded.Page})
	page := requests.Page{ByReference: &loaded.Page}
	if _, err := d.inst.FPDFPage_InsertObject(&requests.FPDFPage_InsertObject{Page: page, PageObject: form.PageObject}); err != nil {
		return err
	}
	_, err = d.inst.FPDFPage_GenerateContent(&requests.FPDFPage_GenerateContent{Page: page})
	return err
}
