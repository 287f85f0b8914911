package pdfdoc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/klippa-app/go-pdfium/enums"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/structs"
)

// Stamping is how a citation-ready copy of a document is made.
type Stamping struct {
	// Front is a PDF whose pages come before the document's (a cover);
	// the copy keeps its document information and XMP metadata.
	Front []byte
	// StripHeight is the height, in points, added at the displayed bottom
	// of every page of the document for its strip: the page grows, so the
	// strip never covers what the page shows.
	StripHeight float64
	// Strips makes the strips: a PDF with one page per width asked for
	// (the distinct displayed widths of the document's pages, in points,
	// ascending), each StripHeight tall and that wide.
	Strips func(widths []float64) ([]byte, error)
}

// StampedPage is where a strip went on one page, for tests and reports.
type StampedPage struct {
	Rotation int     // the page's /Rotate, in degrees clockwise
	Width    float64 // displayed width, points
	Height   float64 // displayed height, points, with the strip
}

// WriteStamped writes a copy of the document to w: the pages of
// s.Front, then the document's own pages, each taller by s.StripHeight at
// the bottom as it is displayed (whatever its rotation), with its strip
// drawn there. The document's content streams are copied, not changed; a
// page's links stay where they were. The copy is a new, unencrypted file.
func (d *Document) WriteStamped(w io.Writer, s Stamping) ([]StampedPage, error) {
	if s.StripHeight <= 0 || s.Strips == nil {
		return nil, errors.New("pdfdoc: no strips to stamp with")
	}
	front, err := d.inst.OpenDocument(&requests.OpenDocument{File: &s.Front})
	if err != nil {
		return nil, fmt.Errorf("pdfdoc: the front pages: %w", err)
	}
	defer d.inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: front.Document})
	count, err := d.inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: front.Document})
	if err != nil {
		return nil, err
	}
	first := count.PageCount
	if _, err := d.inst.FPDF_ImportPagesByIndex(&requests.FPDF_ImportPagesByIndex{Source: d.doc, Destination: front.Document, Index: first}); err != nil {
		return nil, classify(err)
	}
	// PDFium puts the pages behind the front ones and saves; the strips
	// are added by an incremental update written here, which parses no
	// page (stripsByUpdate). A file PDFium did not write as the update
	// expects is stamped page by page inside PDFium.
	var saved bytes.Buffer
	if _, err := d.inst.FPDF_SaveAsCopy(&requests.FPDF_SaveAsCopy{Document: front.Document, FileWriter: &saved, Flags: requests.SaveFlagNoIncremental}); err != nil {
		return nil, err
	}
	out, stamped, err := stripsByUpdate(saved.Bytes(), first, s)
	if err == nil {
		_, err = w.Write(out)
		return stamped, err
	}
	if !errors.Is(err, errNotPlain) {
		return nil, err
	}
	return d.stampInPDFium(w, front.Document, first, s)
}

// stampInPDFium stamps the document's pages (from first in doc) inside
// PDFium, each page loaded to be grown and annotated, and writes doc to w.
func (d *Document) stampInPDFium(w io.Writer, doc references.FPDF_DOCUMENT, first int, s Stamping) ([]StampedPage, error) {
	widths, distinct, err := d.stripWidths()
	if err != nil {
		return nil, err
	}
	stripPDF, err := s.Strips(distinct)
	if err != nil {
		return nil, err
	}
	strips, err := d.inst.OpenDocument(&requests.OpenDocument{File: &stripPDF})
	if err != nil {
		return nil, fmt.Errorf("pdfdoc: the strips: %w", err)
	}
	defer d.inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: strips.Document})
	xobjects := make([]references.FPDF_XOBJECT, len(distinct))
	for k := range distinct {
		// go-pdfium v1.21.4 passes Source and Destination to PDFium in the
		// wrong order (PDFium takes the destination first): they are
		// swapped here so that the strip lands in the copy.
		// TestStampedCopiesOfTheCorpus fails if a later version fixes it.
		x, err := d.inst.FPDF_NewXObjectFromPage(&requests.FPDF_NewXObjectFromPage{Source: doc, Destination: strips.Document, SourcePageIndex: k})
		if err != nil {
			return nil, fmt.Errorf("pdfdoc: strip %d: %w", k+1, err)
		}
		xobjects[k] = x.XObject
		defer d.inst.FPDF_CloseXObject(&requests.FPDF_CloseXObject{XObject: x.XObject})
	}
	stamped := make([]StampedPage, d.pages)
	for i := range d.pages {
		x := xobjects[slices.Index(distinct, widths[i])]
		if stamped[i], err = d.stampPage(doc, first+i, []mark{{x: x}}, s.StripHeight); err != nil {
			return nil, fmt.Errorf("pdfdoc: page %d: %w", i+1, err)
		}
	}
	if _, err := d.inst.FPDF_SaveAsCopy(&requests.FPDF_SaveAsCopy{Document: doc, FileWriter: w, Flags: requests.SaveFlagNoIncremental}); err != nil {
		return nil, err
	}
	return stamped, nil
}

// stripWidths are the displayed widths of the document's pages, rounded
// as strips are made, and the distinct ones, ascending.
func (d *Document) stripWidths() (widths, distinct []float64, err error) {
	widths = make([]float64, d.pages)
	for i := range widths {
		size, err := d.inst.FPDF_GetPageSizeByIndex(&requests.FPDF_GetPageSizeByIndex{Document: d.doc, Index: i})
		if err != nil {
			return nil, nil, classify(err)
		}
		widths[i] = stripWidth(size.Width)
	}
	return widths, distinctSorted(widths), nil
}

// stripWidth rounds a displayed width to a quarter point: pages a
// rounding apart share a strip.
func stripWidth(w float64) float64 { return math.Round(w*4) / 4 }

// box is a page box in default user space.
type box struct{ left, bottom, right, top float64 }

// mark is a form XObject drawn in the band added below a page: at the
// band's left edge (a strip as wide as the page), or width points wide
// against its left or right margin.
type mark struct {
	x     references.FPDF_XOBJECT
	width float64
	align int // alignFull, alignLeft, alignRight
}

const (
	alignFull = iota
	alignLeft
	alignRight
)

// markMargin is the space between a mark and the page's edge.
const markMargin = 28.0

// stampPage grows page i of doc by h at its displayed bottom and draws the
// marks in the band.
func (d *Document) stampPage(doc references.FPDF_DOCUMENT, i int, marks []mark, h float64) (StampedPage, error) {
	loaded, err := d.inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc, Index: i})
	if err != nil {
		return StampedPage{}, classify(err)
	}
	page := requests.Page{ByReference: &loaded.Page}
	defer d.inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: loaded.Page})
	rot, err := d.inst.FPDFPage_GetRotation(&requests.FPDFPage_GetRotation{Page: page})
	if err != nil {
		return StampedPage{}, err
	}
	media, err := d.inst.FPDFPage_GetMediaBox(&requests.FPDFPage_GetMediaBox{Page: page})
	if err != nil {
		return StampedPage{}, err
	}
	shown := box{float64(media.Left), float64(media.Bottom), float64(media.Right), float64(media.Top)}
	shown = shown.normal()
	if crop, err := d.inst.FPDFPage_GetCropBox(&requests.FPDFPage_GetCropBox{Page: page}); err == nil {
		shown = shown.intersect(box{float64(crop.Left), float64(crop.Bottom), float64(crop.Right), float64(crop.Top)}.normal())
	}
	grown, m := shown.grow(rot.PageRotation, h)
	for _, set := range []func() error{
		func() error {
			_, err := d.inst.FPDFPage_SetMediaBox(&requests.FPDFPage_SetMediaBox{Page: page,
				Left: float32(grown.left), Bottom: float32(grown.bottom), Right: float32(grown.right), Top: float32(grown.top)})
			return err
		},
		func() error {
			_, err := d.inst.FPDFPage_SetCropBox(&requests.FPDFPage_SetCropBox{Page: page,
				Left: float32(grown.left), Bottom: float32(grown.bottom), Right: float32(grown.right), Top: float32(grown.top)})
			return err
		},
	} {
		if err := set(); err != nil {
			return StampedPage{}, err
		}
	}
	// The strip is the appearance of a printing stamp annotation, not new
	// page content: regenerating a page's content makes PDFium drop the
	// resources it cannot parse (a Type 3 emoji font vanished so), while
	// an annotation leaves the page's content and resources as they were.
	annot, err := d.inst.FPDFPage_CreateAnnot(&requests.FPDFPage_CreateAnnot{Page: page, Subtype: enums.FPDF_ANNOT_SUBTYPE_STAMP})
	if err != nil {
		return StampedPage{}, err
	}
	defer d.inst.FPDFPage_CloseAnnot(&requests.FPDFPage_CloseAnnot{Annotation: annot.Annotation})
	band := grown.band(shown)
	if _, err := d.inst.FPDFAnnot_SetRect(&requests.FPDFAnnot_SetRect{Annotation: annot.Annotation,
		Rect: structs.FPDF_FS_RECTF{Left: float32(band.left), Bottom: float32(band.bottom), Right: float32(band.right), Top: float32(band.top)}}); err != nil {
		return StampedPage{}, err
	}
	if _, err := d.inst.FPDFAnnot_SetFlags(&requests.FPDFAnnot_SetFlags{Annotation: annot.Annotation,
		Flags: enums.FPDF_ANNOT_FLAG_PRINT | enums.FPDF_ANNOT_FLAG_READONLY | enums.FPDF_ANNOT_FLAG_LOCKED}); err != nil {
		return StampedPage{}, err
	}
	out := StampedPage{Rotation: 90 * int(rot.PageRotation), Width: grown.right - grown.left, Height: grown.top - grown.bottom}
	if out.Rotation%180 != 0 {
		out.Width, out.Height = out.Height, out.Width
	}
	for _, mk := range marks {
		dx := 0.0
		switch mk.align {
		case alignLeft:
			dx = markMargin
		case alignRight:
			dx = out.Width - markMargin - mk.width
		}
		form, err := d.inst.FPDF_NewFormObjectFromXObject(&requests.FPDF_NewFormObjectFromXObject{XObject: mk.x})
		if err != nil {
			return StampedPage{}, err
		}
		for _, t := range []structs.FPDF_FS_MATRIX{{A: 1, D: 1, E: float32(dx)}, m} {
			if _, err := d.inst.FPDFPageObj_Transform(&requests.FPDFPageObj_Transform{PageObject: form.PageObject, Transform: t}); err != nil {
				return StampedPage{}, err
			}
		}
		if _, err := d.inst.FPDFAnnot_AppendObject(&requests.FPDFAnnot_AppendObject{Annotation: annot.Annotation, PageObject: form.PageObject}); err != nil {
			return StampedPage{}, err
		}
	}
	return out, nil
}

// band is the part of the grown box b that the shown box s did not have.
func (b box) band(s box) box {
	switch {
	case b.bottom < s.bottom:
		return box{b.left, b.bottom, b.right, s.bottom}
	case b.top > s.top:
		return box{b.left, s.top, b.right, b.top}
	case b.left < s.left:
		return box{b.left, b.bottom, s.left, b.top}
	}
	return box{s.right, b.bottom, b.right, b.top}
}

func (b box) normal() box {
	return box{min(b.left, b.right), min(b.bottom, b.top), max(b.left, b.right), max(b.bottom, b.top)}
}

func (b box) intersect(o box) box {
	c := box{max(b.left, o.left), max(b.bottom, o.bottom), min(b.right, o.right), min(b.top, o.top)}
	if c.left >= c.right || c.bottom >= c.top {
		return b // a crop box outside the media box is ignored, as viewers do
	}
	return c
}

// grow adds h at the edge of the box that is displayed at the bottom when
// the page is turned by rot, and gives the matrix that places a strip
// (its own x along the text, y up) in the added band, upright as shown.
func (b box) grow(rot enums.FPDF_PAGE_ROTATION, h float64) (box, structs.FPDF_FS_MATRIX) {
	f := func(a, b, c, d, e, f float64) structs.FPDF_FS_MATRIX {
		return structs.FPDF_FS_MATRIX{A: float32(a), B: float32(b), C: float32(c), D: float32(d), E: float32(e), F: float32(f)}
	}
	switch rot {
	case enums.FPDF_PAGE_ROTATION_90_CW: // the right edge is shown at the bottom
		b.right += h
		return b, f(0, 1, -1, 0, b.right, b.bottom)
	case enums.FPDF_PAGE_ROTATION_180_CW: // the top edge
		b.top += h
		return b, f(-1, 0, 0, -1, b.right, b.top)
	case enums.FPDF_PAGE_ROTATION_270_CW: // the left edge
		b.left -= h
		return b, f(0, -1, 1, 0, b.left, b.top)
	}
	b.bottom -= h
	return b, f(1, 0, 0, 1, b.left, b.bottom)
}
