package pdfdoc

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/klippa-app/go-pdfium/enums"
)

// pageNode is a page of a plainFile with what it inherits.
type pageNode struct {
	num         int
	dict        dict
	media, crop []byte // the values that apply (own or inherited)
	rotate      []byte
}

// shownPage is a page with the box it shows (media box within crop box)
// and its rotation, as read from its node.
type shownPage struct {
	node  pageNode
	shown box
	rot   enums.FPDF_PAGE_ROTATION
}

// width is the page's width as displayed (its height when on its side).
func (p shownPage) width() float64 {
	if p.rot%2 == 1 {
		return p.shown.top - p.shown.bottom
	}
	return p.shown.right - p.shown.left
}

// stripsByUpdate adds the strips to saved (the front pages and, from
// first, the document's, as PDFium saved them) by an incremental update:
// the strips as forms copied from s.Strips's PDF (one page per displayed
// width), each page written again grown by s.StripHeight at its displayed
// bottom with a printing stamp annotation whose appearance draws its
// strip — what stampPage does inside PDFium, without any page's content
// parsed. It returns errNotPlain (wrapped) when saved or the strips are
// not laid out as PDFium and gofpdf write files.
func stripsByUpdate(saved []byte, first int, s Stamping) ([]byte, []StampedPage, error) {
	f, err := readPlainFile(saved)
	if err != nil {
		return nil, nil, err
	}
	all, err := f.pages()
	if err != nil {
		return nil, nil, err
	}
	if first > len(all) {
		return nil, nil, fmt.Errorf("%w: fewer pages than the front has", errNotPlain)
	}
	pages := make([]shownPage, len(all)-first)
	widths := make([]float64, len(pages))
	for i, node := range all[first:] {
		if pages[i], err = f.shownPage(node); err != nil {
			return nil, nil, err
		}
		widths[i] = stripWidth(pages[i].width())
	}
	distinct := distinctSorted(widths)
	stripPDF, err := s.Strips(distinct)
	if err != nil {
		return nil, nil, err
	}
	u, next, err := newUpdate(f, len(pages)*700+len(stripPDF))
	if err != nil {
		return nil, nil, err
	}
	forms, err := u.pagesAsForms(stripPDF, &next)
	if err != nil {
		return nil, nil, err
	}
	if len(forms) != len(distinct) {
		return nil, nil, fmt.Errorf("%w: %d strips for %d widths", errNotPlain, len(forms), len(distinct))
	}
	stamped := make([]StampedPage, len(pages))
	for i, p := range pages {
		stamped[i], err = f.band(u, p, forms[slices.Index(distinct, widths[i])], next, s.StripHeight)
		if err != nil {
			return nil, nil, err
		}
		next++
	}
	u.finish(f, next)
	return u.out.Bytes(), stamped, nil
}

// shownPage reads the box a page shows and its rotation.
func (f *plainFile) shownPage(node pageNode) (shownPage, error) {
	media, err := f.box(node.media)
	if err != nil {
		return shownPage{}, err
	}
	p := shownPage{node: node, shown: media.normal()}
	if node.crop != nil {
		if crop, err := f.box(node.crop); err == nil {
			p.shown = p.shown.intersect(crop.normal())
		}
	}
	p.rot, err = f.rotation(node.rotate)
	return p, err
}

// distinctSorted are the distinct values of xs, ascending.
func distinctSorted(xs []float64) []float64 {
	out := slices.Clone(xs)
	slices.Sort(out)
	return slices.Compact(out)
}

// update is an incremental update being written: the file so far, and
// where each object it writes starts.
type update struct {
	out     *bytes.Buffer
	written map[int]int
}

func (u *update) write(num, gen int, body []byte) {
	u.written[num] = u.out.Len()
	fmt.Fprintf(u.out, "%d %d obj\n", num, gen)
	u.out.Write(body)
	u.out.WriteString("\nendobj\n")
}

// band writes page again, grown by h at its displayed bottom, with a
// stamp annotation whose appearance (object ap) draws the strip.
func (f *plainFile) band(u *update, page shownPage, strip, ap int, h float64) (StampedPage, error) {
	shown, rot := page.shown, page.rot
	grown, m := shown.grow(rot, h)
	b := grown.band(shown)
	band := formatNumbers(b.left, b.bottom, b.right, b.top)
	content := fmt.Sprintf("q %s cm /S Do Q\n", formatNumbers(float64(m.A), float64(m.B), float64(m.C), float64(m.D), float64(m.E), float64(m.F)))
	u.write(ap, 0, fmt.Appendf(nil, "<</Type/XObject/Subtype/Form/FormType 1/BBox[%s]/Matrix[1 0 0 1 0 0]/Resources<</XObject<</S %d 0 R>>>>/Length %d>>stream\n%sendstream",
		band, strip, len(content), content))
	annots, err := f.withAnnotation(page.node.dict, fmt.Sprintf("<</Type/Annot/Subtype/Stamp/F 196/Rect[%s]/AP<</N %d 0 R>>>>", band, ap))
	if err != nil {
		return StampedPage{}, err
	}
	boxText := "[" + formatNumbers(grown.left, grown.bottom, grown.right, grown.top) + "]"
	u.write(page.node.num, f.gens[page.node.num], page.node.dict.with(map[string]string{"MediaBox": boxText, "CropBox": boxText, "Annots": annots}))
	out := StampedPage{Rotation: 90 * int(rot), Width: grown.right - grown.left, Height: grown.top - grown.bottom}
	if out.Rotation%180 != 0 {
		out.Width, out.Height = out.Height, out.Width
	}
	return out, nil
}

// finish writes the update's cross-reference section (a subsection per
// run of consecutive object numbers) and trailer; size is the file's
// object count after it.
func (u *update) finish(f *plainFile, size int) {
	nums := make([]int, 0, len(u.written))
	for n := range u.written {
		nums = append(nums, n)
	}
	slices.Sort(nums)
	xref := u.out.Len()
	u.out.WriteString("xref\n")
	for i := 0; i < len(nums); {
		j := i + 1
		for j < len(nums) && nums[j] == nums[j-1]+1 {
			j++
		}
		fmt.Fprintf(u.out, "%d %d\n", nums[i], j-i)
		for _, n := range nums[i:j] {
			fmt.Fprintf(u.out, "%010d %05d n\r\n", u.written[n], f.gens[n]) // 0 for a new object
		}
		i = j
	}
	fmt.Fprintf(u.out, "trailer\n<</Size %d/Prev %d", size, f.xref)
	for _, key := range []string{"Root", "Info", "ID"} {
		if v, ok := f.trailer.get(key); ok {
			fmt.Fprintf(u.out, "/%s %s", key, v)
		}
	}
	fmt.Fprintf(u.out, ">>\nstartxref\n%d\n%%%%EOF\n", xref)
}

// pages lists the file's pages in order, each with what it inherits.
func (f *plainFile) pages() ([]pageNode, error) {
	rootRef, ok := f.trailer.get("Root")
	if !ok {
		return nil, fmt.Errorf("%w: no /Root", errNotPlain)
	}
	root, err := f.dictOf(rootRef)
	if err != nil {
		return nil, err
	}
	pagesRef, ok := root.get("Pages")
	n, isRef := reference(pagesRef)
	if !ok || !isRef {
		return nil, fmt.Errorf("%w: no /Pages", errNotPlain)
	}
	var out []pageNode
	seen := map[int]bool{}
	var walk func(n int, inherited pageNode, depth int) error
	walk = func(n int, inherited pageNode, depth int) error {
		if seen[n] || depth > 32 {
			return fmt.Errorf("%w: the page tree loops", errNotPlain)
		}
		seen[n] = true
		v, err := f.object(n)
		if err != nil {
			return err
		}
		d, err := parseDict(v)
		if err != nil {
			return err
		}
		node := inherited
		node.num, node.dict = n, d
		if v, ok := d.get("MediaBox"); ok {
			node.media = v
		}
		if v, ok := d.get("CropBox"); ok {
			node.crop = v
		}
		if v, ok := d.get("Rotate"); ok {
			node.rotate = v
		}
		kids, hasKids := d.get("Kids")
		if typ, _ := d.get("Type"); string(bytes.TrimSpace(typ)) == "/Pages" || (hasKids && typ == nil) {
			kv, err := f.resolve(kids)
			if err != nil {
				return err
			}
			refs, ok := referenceList(kv)
			if !ok {
				return fmt.Errorf("%w: /Kids is not a list of references", errNotPlain)
			}
			for _, k := range refs {
				if err := walk(k, node, depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		if node.media == nil {
			return fmt.Errorf("%w: page object %d has no /MediaBox", errNotPlain, n)
		}
		out = append(out, node)
		return nil
	}
	return out, walk(n, pageNode{}, 0)
}

// box reads a page box (its value, or the object it refers to).
func (f *plainFile) box(v []byte) (box, error) {
	v, err := f.resolve(v)
	if err != nil {
		return box{}, err
	}
	x, ok := numbers(v)
	if !ok || len(x) != 4 {
		return box{}, fmt.Errorf("%w: a page box is not four numbers", errNotPlain)
	}
	return box{x[0], x[1], x[2], x[3]}, nil
}

// rotation reads /Rotate as PDFium does: a multiple of 90 degrees.
func (f *plainFile) rotation(v []byte) (enums.FPDF_PAGE_ROTATION, error) {
	if v == nil {
		return enums.FPDF_PAGE_ROTATION_NONE, nil
	}
	v, err := f.resolve(v)
	if err != nil {
		return 0, err
	}
	deg, err := strconv.ParseFloat(string(bytes.TrimSpace(v)), 64)
	if err != nil {
		return 0, fmt.Errorf("%w: /Rotate is not a number", errNotPlain)
	}
	quarter := (int(math.Round(deg/90))%4 + 4) % 4
	return enums.FPDF_PAGE_ROTATION(quarter), nil
}

// withAnnotation is the page's /Annots with annot added.
func (f *plainFile) withAnnotation(page dict, annot string) (string, error) {
	v, ok := page.get("Annots")
	if !ok {
		return "[" + annot + "]", nil
	}
	v, err := f.resolve(v)
	if err != nil {
		return "", err
	}
	v = bytes.TrimSpace(v)
	if len(v) < 2 || v[0] != '[' || v[len(v)-1] != ']' {
		return "", fmt.Errorf("%w: /Annots is not an array", errNotPlain)
	}
	return string(v[:len(v)-1]) + " " + annot + "]", nil
}

// with is the dictionary's text with the values of some keys replaced
// (or added).
func (d dict) with(values map[string]string) []byte {
	var b bytes.Buffer
	b.WriteString("<<")
	for _, k := range d.keys {
		b.WriteString("/" + k)
		if v, ok := values[k]; ok {
			b.WriteString(v)
			continue
		}
		b.WriteByte(' ')
		b.Write(d.values[k])
	}
	for _, k := range []string{"MediaBox", "CropBox", "Annots"} {
		if v, ok := values[k]; ok {
			if _, had := d.values[k]; !had {
				b.WriteString("/" + k + v)
			}
		}
	}
	b.WriteString(">>")
	return b.Bytes()
}

// formatNumbers writes numbers as PDF does, without exponents.
func formatNumbers(xs ...float64) string {
	var b []byte
	for i, x := range xs {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendFloat(b, math.Round(x*1e4)/1e4, 'f', -1, 64)
	}
	return string(b)
}
