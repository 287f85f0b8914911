package pdfdoc

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// plainPDF writes objects (numbered from 1) as a PDF with a classic
// cross-reference table, as PDFium writes files.
func plainPDF(objects ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\r\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\r\n%s\r\nendobj\r\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\r\n0 %d\r\n0000000000 65535 f\r\n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n\r\n", off)
	}
	fmt.Fprintf(&b, "trailer\r\n<</Root 1 0 R /Size %d>>\r\nstartxref\r\n%d\r\n%%%%EOF\r\n", len(objects)+1, xref)
	return b.Bytes()
}

// plainStrips makes strips as a plain PDF: a page per width, 16 pt tall,
// with an empty content stream.
func plainStrips(widths []float64) ([]byte, error) {
	objects := []string{"<</Type/Catalog/Pages 2 0 R>>", ""}
	var kids []string
	for _, w := range widths {
		kids = append(kids, fmt.Sprintf("%d 0 R", len(objects)+1))
		objects = append(objects, fmt.Sprintf("<</Type/Page/Parent 2 0 R/MediaBox[0 0 %s 16]/Contents %d 0 R>>", formatNumbers(w), len(objects)+2),
			"<</Length 0>>stream\r\n\r\nendstream")
	}
	objects[1] = fmt.Sprintf("<</Type/Pages/Kids[%s]/Count %d>>", strings.Join(kids, " "), len(kids))
	return plainPDF(objects...), nil
}

// TestBandsByUpdate: inherited boxes and rotation are read through the
// page tree, an /Annots array given by reference keeps its annotations,
// and the update is read back as the pages grown.
func TestBandsByUpdate(t *testing.T) {
	data := plainPDF(
		"<</Type/Catalog/Pages 2 0 R>>",
		"<</Type/Pages/Kids[3 0 R 4 0 R]/Count 2/MediaBox[0 0 600 800]/Rotate 90>>",
		"<</Type/Page/Parent 2 0 R/Annots 5 0 R/Contents 6 0 R>>",
		"<</Type/Page/Parent 2 0 R/Rotate -180/CropBox[10 10 590 790]>>",
		"[<</Type/Annot/Subtype/Link/Rect[0 0 1 1]>>]",
		"<</Length 0>>stream\r\n\r\nendstream",
		"<</Type/XObject/Subtype/Form/BBox[0 0 800 16]>>stream\r\n\r\nendstream",
	)
	out, pages, err := stripsByUpdate(data, 0, Stamping{StripHeight: 16, Strips: plainStrips})
	if err != nil {
		t.Fatal(err)
	}
	want := []StampedPage{{Rotation: 90, Width: 800, Height: 616}, {Rotation: 180, Width: 580, Height: 796}}
	for i := range want {
		if pages[i] != want[i] {
			t.Errorf("page %d: %+v, want %+v", i+1, pages[i], want[i])
		}
	}
	// the update's objects are where its table says
	f, err := readUpdate(out)
	if err != nil {
		t.Fatal(err)
	}
	all, err := f.pages()
	if err != nil || len(all) != 2 {
		t.Fatalf("%v, %d pages", err, len(all))
	}
	first, _ := f.box(all[0].media)
	if first != (box{0, 0, 616, 800}) || !bytes.Contains(all[0].dict.values["Annots"], []byte("/Link")) || !bytes.Contains(all[0].dict.values["Annots"], []byte("/Stamp")) {
		t.Errorf("page 1 after the update: %v, annotations %s", first, all[0].dict.values["Annots"])
	}
	second, _ := f.box(all[1].media)
	if second != (box{10, 10, 590, 806}) {
		t.Errorf("page 2 after the update: %v", second)
	}
}

// readUpdate reads a file that ends with one incremental update: the
// update's objects over the original's.
func readUpdate(data []byte) (*plainFile, error) {
	i := bytes.LastIndex(data, []byte("\nxref\n"))
	base, err := readPlainFile(data[:bytes.LastIndex(data[:i], []byte("%%EOF"))+5])
	if err != nil {
		return nil, err
	}
	l := &lexer{s: data, pos: i + 1}
	if !l.keyword("xref") {
		return nil, errNotPlain
	}
	for {
		if l.keyword("trailer") {
			break
		}
		first, _ := l.integer()
		count, _ := l.integer()
		l.space()
		for n := first; n < first+count; n++ {
			var off, gen int
			var kind string
			fmt.Sscanf(string(data[l.pos:l.pos+18]), "%d %d %s", &off, &gen, &kind)
			base.offsets[n] = off
			l.pos += 20
		}
	}
	base.data = data
	return base, nil
}

// FuzzStripsByUpdate: whatever the bytes, an update is made or errNotPlain
// said, never a panic.
func FuzzStripsByUpdate(f *testing.F) {
	f.Add(plainPDF("<</Type/Catalog/Pages 2 0 R>>", "<</Type/Pages/Kids[3 0 R]/Count 1>>",
		"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Annots[<</Subtype/Link>>]>>"))
	f.Add(plainPDF("<</Type/Catalog/Pages 2 0 R>>", "<</Type/Pages/Kids[2 0 R]/Count 1>>"))
	f.Add(plainPDF("<</Pages 2 0 R>>", "<</Kids 3 0 R>>", "[4 0 R]", "<</MediaBox 5 0 R/Rotate 6 0 R>>", "[0 0 (a\\)b) 1]", "7"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, err := stripsByUpdate(data, 0, Stamping{StripHeight: 16, Strips: plainStrips})
		if err != nil && !errors.Is(err, errNotPlain) {
			t.Fatalf("%v is not errNotPlain", err)
		}
	})
}
