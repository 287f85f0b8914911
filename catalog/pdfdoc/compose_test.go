package pdfdoc_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/pdfdoc"
	"github.com/jung-kurt/gofpdf"
)

// TestComposeInsertsPagesWithTheirMarks: four pages of a paper (its first
// page turned by 0, 90, 180 and 270 degrees) go into a two-page book as
// its pages 2 to 5; the book's own pages stay first and last, and each
// inserted page gets the head mark on the left and its folio on the right
// of a band along its shown bottom.
func TestComposeInsertsPagesWithTheirMarks(t *testing.T) {
	catalogtest.RequireTool(t, "qpdf", "apt install qpdf")
	catalogtest.RequireTool(t, "pdftotext", "apt install poppler-utils")
	dir := t.TempDir()
	src := filepath.Join(catalogtest.SharedPath(t, "corpora", "pdfs"), "tracemonkey.pdf")
	turned := filepath.Join(dir, "turned.pdf")
	if out, err := exec.Command("qpdf", "--empty", "--pages", src, "1,1,1,1", "--", "--rotate=+90:2", "--rotate=+180:3", "--rotate=+270:4", turned).CombinedOutput(); err != nil {
		t.Fatalf("qpdf: %v %s", err, out)
	}
	book := gofpdf.New("P", "pt", "A4", "")
	for _, i := range []int{1, 6} {
		book.AddPage()
		book.SetFont("Helvetica", "", 9)
		book.Text(30, 20, fmt.Sprintf("BOOKPAGE %d", i))
	}
	var base bytes.Buffer
	if err := book.Output(&base); err != nil {
		t.Fatal(err)
	}
	const band = 16.0
	marks := gofpdf.NewCustom(&gofpdf.InitType{UnitStr: "pt", Size: gofpdf.SizeType{Wd: 100, Ht: band}})
	for i, text := range []string{"HEADMARK", "FOLIO2", "FOLIO3", "FOLIO4", "FOLIO5"} {
		marks.AddPageFormat("P", gofpdf.SizeType{Wd: 40 + float64(i), Ht: band})
		marks.SetFont("Helvetica", "", 6)
		marks.Text(0, band-5, text)
	}
	var markPDF bytes.Buffer
	if err := marks.Output(&markPDF); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(turned)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	r := openReader(t, pdfdoc.Options{})
	var out bytes.Buffer
	err = r.Compose(context.Background(), &out, base.Bytes(), pdfdoc.Composition{Band: band, Marks: [][]byte{markPDF.Bytes()},
		Insertions: []pdfdoc.Insertion{{At: 1, Source: pdfdoc.Source{Reader: f, Size: st.Size()},
			Marks: func(i int) []pdfdoc.Mark { return []pdfdoc.Mark{{Page: 0}, {Page: 1 + i, Right: true}} }}}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "book.pdf")
	os.WriteFile(path, out.Bytes(), 0o600)
	if check, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check: %v %s", err, check)
	}
	num := func(b []byte) float64 { f, _ := strconv.ParseFloat(string(b), 64); return f }
	for page := 1; page <= 6; page++ {
		bbox, _ := exec.Command("pdftotext", "-bbox", "-f", strconv.Itoa(page), "-l", strconv.Itoa(page), path, "-").Output()
		text := string(bbox)
		if page == 1 || page == 6 {
			if !strings.Contains(text, ">BOOKPAGE<") || !strings.Contains(text, ">"+strconv.Itoa(page)+"<") || strings.Contains(text, "Trace-based") {
				t.Errorf("page %d is not the book's own", page)
			}
			continue
		}
		if !strings.Contains(text, ">Trace-based<") || strings.Contains(text, "BOOKPAGE") {
			t.Errorf("page %d is not the paper's", page)
		}
		// pdftotext gives the page's unturned size and the words where
		// they are shown
		size := regexp.MustCompile(`<page width="([\d.]+)" height="([\d.]+)"`).FindSubmatch(bbox)
		w, h := num(size[1]), num(size[2])
		if page == 3 || page == 5 {
			w, h = h, w
		}
		for _, m := range []struct {
			word  string
			right bool
			width float64 // of the mark's page
		}{{"HEADMARK", false, 40}, {"FOLIO" + strconv.Itoa(page), true, 40 + float64(page-1)}} {
			at := regexp.MustCompile(`xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">` + m.word + `<`).FindSubmatch(bbox)
			if at == nil {
				t.Errorf("page %d: no %s", page, m.word)
				continue
			}
			xMin, yMin, xMax, yMax := num(at[1]), num(at[2]), num(at[3]), num(at[4])
			left := xMin > 27 && xMin < 29
			right := xMin > w-28-m.width-1 && xMin < w-28-m.width+1
			if yMin < h-band || yMax > h || xMax-xMin < 2*(yMax-yMin) || (m.right && !right) || (!m.right && !left) {
				t.Errorf("page %d (%gx%g): %s at x %g–%g, y %g–%g", page, w, h, m.word, xMin, xMax, yMin, yMax)
			}
		}
	}
}
