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

// TestComposeDrawsPagesAsShownIntoTheirBoxes: the first page of a paper,
// turned by 0, 90, 180 and 270 degrees, is drawn onto four pages of a
// book as a viewer shows it (its title along the top, the right side, the
// bottom, the left side), inside the box, the book's own words kept.
func TestComposeDrawsPagesAsShownIntoTheirBoxes(t *testing.T) {
	catalogtest.RequireTool(t, "qpdf", "apt install qpdf")
	catalogtest.RequireTool(t, "pdftotext", "apt install poppler-utils")
	dir := t.TempDir()
	src := filepath.Join(catalogtest.SharedPath(t, "corpora", "pdfs"), "tracemonkey.pdf")
	turned := filepath.Join(dir, "turned.pdf")
	if out, err := exec.Command("qpdf", "--empty", "--pages", src, "1,1,1,1", "--", "--rotate=+90:2", "--rotate=+180:3", "--rotate=+270:4", turned).CombinedOutput(); err != nil {
		t.Fatalf("qpdf: %v %s", err, out)
	}
	book := gofpdf.New("P", "pt", "A4", "")
	for i := 1; i <= 4; i++ {
		book.AddPage()
		book.SetFont("Helvetica", "", 9)
		book.Text(30, 20, fmt.Sprintf("BOOKHEAD %d", i))
	}
	var base bytes.Buffer
	if err := book.Output(&base); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(turned)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	box := pdfdoc.Box{Left: 30, Bottom: 40, Width: 535, Height: 754}
	var places []pdfdoc.Placement
	for i := range 4 {
		places = append(places, pdfdoc.Placement{Target: i, Source: 0, SourcePage: i, Box: box})
	}
	r := openReader(t, pdfdoc.Options{})
	var out bytes.Buffer
	if err := r.Compose(context.Background(), &out, base.Bytes(), []pdfdoc.Source{{Reader: f, Size: st.Size()}}, places); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "book.pdf")
	os.WriteFile(path, out.Bytes(), 0o600)
	if check, err := exec.Command("qpdf", "--check", path).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check: %v %s", err, check)
	}
	for i := 1; i <= 4; i++ {
		bbox, _ := exec.Command("pdftotext", "-bbox", "-f", strconv.Itoa(i), "-l", strconv.Itoa(i), path, "-").Output()
		if !strings.Contains(string(bbox), ">BOOKHEAD<") {
			t.Errorf("page %d lost the book's head", i)
		}
		word := regexp.MustCompile(`xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">Trace-based<`).FindSubmatch(bbox)
		if word == nil {
			t.Fatalf("page %d: the paper's title is not there", i)
		}
		num := func(b []byte) float64 { f, _ := strconv.ParseFloat(string(b), 64); return f }
		xMin, yMin, xMax, yMax := num(word[1]), num(word[2]), num(word[3]), num(word[4])
		// where a viewer shows the title of the turned page
		w, h := xMax-xMin, yMax-yMin
		cx, cy := (xMin+xMax)/2, (yMin+yMax)/2
		var ok bool
		switch i {
		case 1:
			ok = w > 2*h && cy < 300
		case 2:
			ok = h > 2*w && cx > 300
		case 3:
			ok = w > 2*h && cy > 540
		case 4:
			ok = h > 2*w && cx < 300
		}
		if !ok || xMin < 30 || xMax > 565 || yMin < 841.89-40-754 || yMax > 841.89-40 {
			t.Errorf("page %d: the title at x %g–%g, y %g–%g", i, xMin, xMax, yMin, yMax)
		}
	}
}
