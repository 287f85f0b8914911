package pdfdoc_test

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/pdfdoc"
	"github.com/jung-kurt/gofpdf"
)

// testFront is a one-page PDF with a title, as a cover would be.
func testFront(t testing.TB) []byte {
	pdf := gofpdf.New("P", "pt", "A4", "")
	pdf.SetTitle("The front page", true)
	pdf.SetAuthor("Annals tests", true)
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 20)
	pdf.Text(72, 100, "FRONTPAGE")
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// testStrips makes strips saying STAMPSTRIP and their width.
func testStrips(h float64) func([]float64) ([]byte, error) {
	return func(widths []float64) ([]byte, error) {
		pdf := gofpdf.NewCustom(&gofpdf.InitType{UnitStr: "pt", Size: gofpdf.SizeType{Wd: widths[0], Ht: h}})
		for _, w := range widths {
			pdf.AddPageFormat("P", gofpdf.SizeType{Wd: w, Ht: h})
			pdf.SetFont("Helvetica", "", 7)
			pdf.Text(4, h-5, fmt.Sprintf("STAMPSTRIP %g", w))
		}
		var buf bytes.Buffer
		err := pdf.Output(&buf)
		return buf.Bytes(), err
	}
}

// stamp writes a stamped copy of the PDF at path into dir.
func stamp(t *testing.T, r *pdfdoc.Reader, path, dir string) (string, []pdfdoc.StampedPage, error) {
	t.Helper()
	out := filepath.Join(dir, filepath.Base(path))
	var buf bytes.Buffer
	var pages []pdfdoc.StampedPage
	err := readFile(t, r, path, func(d *pdfdoc.Document) error {
		var err error
		pages, err = d.WriteStamped(&buf, pdfdoc.Stamping{Front: testFront(t), StripHeight: 16, Strips: testStrips(16)})
		return err
	})
	if err == nil {
		err = os.WriteFile(out, buf.Bytes(), 0o600)
	}
	return out, pages, err
}

// TestStampedCopiesOfTheCorpus: every PDF of the corpus that can be read
// gets a copy that qpdf finds sound: the front page, then each page with
// its text intact and the strip's words below it; the front's title is
// the copy's. One that cannot be read gives an error, never a file.
func TestStampedCopiesOfTheCorpus(t *testing.T) {
	catalogtest.RequireTool(t, "qpdf", "apt install qpdf")
	catalogtest.RequireTool(t, "pdftotext", "apt install poppler-utils")
	r := openReader(t, pdfdoc.Options{})
	dir, entries := corpus(t)
	outDir := t.TempDir()
	for _, en := range entries {
		t.Run(en.File, func(t *testing.T) {
			out, pages, err := stamp(t, r, filepath.Join(dir, en.File), outDir)
			if err != nil {
				if en.Kind == "encrypted" || en.Kind == "malformed" {
					t.Logf("refused: %v", err)
					return
				}
				t.Fatal(err)
			}
			if check, err := exec.Command("qpdf", "--check", out).CombinedOutput(); err != nil {
				t.Fatalf("qpdf --check: %v\n%s", err, check)
			}
			info, _ := exec.Command("pdfinfo", out).Output()
			if !regexp.MustCompile(`(?m)^Pages:\s+`+strconv.Itoa(len(pages)+1)+`$`).Match(info) || !strings.Contains(string(info), "The front page") {
				t.Errorf("pdfinfo:\n%s", info)
			}
			text, _ := exec.Command("pdftotext", "-f", "2", "-l", "2", out, "-").Output()
			if !strings.Contains(string(text), "STAMPSTRIP") {
				t.Errorf("no strip on the first page of the document: %q", text)
			}
			orig, _ := exec.Command("pdftotext", "-f", "1", "-l", "1", filepath.Join(dir, en.File), "-").Output()
			// pdftotext may read the strip among the page's lines: the
			// page's words are compared, in any order, without it.
			kept := strings.Fields(regexp.MustCompile(`[\x{202a}-\x{202c}]*STAMPSTRIP [\d.]+[\x{202a}-\x{202c}]*`).ReplaceAllString(string(text), ""))
			words := strings.Fields(string(orig))
			slices.Sort(kept)
			slices.Sort(words)
			if !slices.Equal(kept, words) {
				t.Errorf("the page's own text changed:\n%q\nwas\n%q", kept, words)
			}
		})
	}
}

// TestStripsAreAtTheShownBottomOfRotatedPages: pages turned by 0, 90, 180
// and 270 degrees each get their strip along the bottom as shown, upright,
// in a band added to the page (the page grows by the strip's height).
func TestStripsAreAtTheShownBottomOfRotatedPages(t *testing.T) {
	catalogtest.RequireTool(t, "qpdf", "apt install qpdf")
	catalogtest.RequireTool(t, "pdftotext", "apt install poppler-utils")
	dir := t.TempDir()
	src := filepath.Join(catalogtest.SharedPath(t, "corpora", "pdfs"), "tracemonkey.pdf")
	rotated := filepath.Join(dir, "rotated.pdf")
	if out, err := exec.Command("qpdf", src, "--pages", src, "1-4", "--", "--rotate=+90:2", "--rotate=+180:3", "--rotate=+270:4", rotated).CombinedOutput(); err != nil {
		t.Fatalf("qpdf: %v %s", err, out)
	}
	r := openReader(t, pdfdoc.Options{})
	out, pages, err := stamp(t, r, rotated, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{0, 90, 180, 270} {
		p := pages[i]
		w, h := 612.0, 792.0+16 // shown upright: taller by the strip
		if want%180 != 0 {
			w, h = 792, 612+16 // shown on its side: still taller as shown
		}
		if p.Rotation != want || p.Width != w || p.Height != h {
			t.Errorf("page %d: %+v, want %d° %gx%g", i+1, p, want, w, h)
		}
		// pdftotext reads pages as shown: the strip's words lie along the
		// bottom, left to right, below the page's own text.
		bbox, err := exec.Command("pdftotext", "-bbox", "-f", strconv.Itoa(i+2), "-l", strconv.Itoa(i+2), out, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		word := regexp.MustCompile(`xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">STAMPSTRIP<`).FindSubmatch(bbox)
		if word == nil {
			t.Fatalf("page %d: no strip in\n%.400s", i+1, bbox)
		}
		num := func(b []byte) float64 { f, _ := strconv.ParseFloat(string(b), 64); return f }
		xMin, yMin, xMax, yMax := num(word[1]), num(word[2]), num(word[3]), num(word[4])
		if yMin < h-16 || yMax > h || xMin > 10 || xMax-xMin < 3*(yMax-yMin) {
			t.Errorf("page %d (%d°): the strip's word at x %g–%g, y %g–%g of a %gx%g page", i+1, want, xMin, xMax, yMin, yMax, w, h)
		}
	}
}

// TestStampsAreAddedByAnUpdateKeepingLinks: a long document's pages get
// their strips by an incremental update written without PDFium parsing
// them; every page ends with exactly one stamp and keeps its own
// annotations (Free Culture's 172 links).
func TestStampsAreAddedByAnUpdateKeepingLinks(t *testing.T) {
	qpdf := catalogtest.RequireTool(t, "qpdf", "apt install qpdf")
	src := filepath.Join(catalogtest.SharedPath(t, "corpora", "pdfs"), "freeculture.pdf")
	r := openReader(t, pdfdoc.Options{})
	out, pages, err := stamp(t, r, src, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(out)
	if !bytes.Contains(data[len(data)-400:], []byte("/Prev ")) {
		t.Error("the copy does not end with an incremental update: the pages were stamped inside PDFium")
	}
	count := func(path, what string) int {
		qdf, err := exec.Command(qpdf, "--qdf", "--object-streams=disable", path, "-").Output()
		if err != nil {
			t.Fatalf("qpdf --qdf %s: %v", path, err)
		}
		return bytes.Count(qdf, []byte(what))
	}
	if got, want := count(out, "/Subtype /Stamp"), len(pages); got != want || want != 352 {
		t.Errorf("%d stamps on %d pages, want one a page (352)", got, want)
	}
	if got, want := count(out, "/Subtype /Link"), count(src, "/Subtype /Link"); got != want || want == 0 {
		t.Errorf("%d links in the copy, %d in the original", got, want)
	}
	if o, err := exec.Command(qpdf, "--check", out).CombinedOutput(); err != nil {
		t.Errorf("qpdf --check: %v\n%s", err, o)
	}
	// every page shows what it showed (its crop box), 16 pt taller
	pdfinfo := catalogtest.RequireTool(t, "pdfinfo", "apt install poppler-utils")
	crops := func(path string) [][4]float64 {
		o, err := exec.Command(pdfinfo, "-f", "1", "-l", "400", "-box", path).Output()
		if err != nil {
			t.Fatalf("pdfinfo: %v", err)
		}
		var out [][4]float64
		for _, m := range regexp.MustCompile(`CropBox:\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)`).FindAllStringSubmatch(string(o), -1) {
			var b [4]float64
			for k := range b {
				b[k], _ = strconv.ParseFloat(m[k+1], 64)
			}
			out = append(out, b)
		}
		return out
	}
	before, after := crops(src), crops(out)
	if len(before) != 352 || len(after) != 353 {
		t.Fatalf("%d and %d pages", len(before), len(after))
	}
	for i, b := range before {
		a := after[i+1]
		if math.Abs((a[2]-a[0])-(b[2]-b[0])) > 0.02 || math.Abs((a[3]-a[1])-(b[3]-b[1])-16) > 0.02 || math.Abs(a[3]-b[3]) > 0.02 {
			t.Fatalf("page %d shows %v, was %v: want the same, 16 pt lower at its bottom", i+1, a, b)
		}
	}
}

// TestStampsInPDFiumWhenTheUpdateCannotBeMade: strips that are not a
// plain PDF (here with a cross-reference stream) cannot be copied by the
// update, and every page is then stamped inside PDFium: the copy is whole
// and shows every strip.
func TestStampsInPDFiumWhenTheUpdateCannotBeMade(t *testing.T) {
	qpdf := catalogtest.RequireTool(t, "qpdf", "apt install qpdf")
	pdftotext := catalogtest.RequireTool(t, "pdftotext", "apt install poppler-utils")
	dir := t.TempDir()
	plain := testStrips(16)
	compressed := func(widths []float64) ([]byte, error) {
		data, err := plain(widths)
		if err != nil {
			return nil, err
		}
		in, out := filepath.Join(dir, "strips.pdf"), filepath.Join(dir, "strips-xref-stream.pdf")
		os.WriteFile(in, data, 0o600)
		if o, err := exec.Command(qpdf, "--object-streams=generate", in, out).CombinedOutput(); err != nil {
			t.Fatalf("qpdf: %v %s", err, o)
		}
		return os.ReadFile(out)
	}
	r := openReader(t, pdfdoc.Options{})
	src := filepath.Join(catalogtest.SharedPath(t, "corpora", "pdfs"), "tracemonkey.pdf")
	var buf bytes.Buffer
	err := readFile(t, r, src, func(d *pdfdoc.Document) error {
		_, err := d.WriteStamped(&buf, pdfdoc.Stamping{Front: testFront(t), StripHeight: 16, Strips: compressed})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "copy.pdf")
	os.WriteFile(out, buf.Bytes(), 0o600)
	if bytes.Contains(buf.Bytes()[buf.Len()-400:], []byte("/Prev ")) {
		t.Error("the copy ends with an update although its strips could not be copied")
	}
	if o, err := exec.Command(qpdf, "--check", out).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --check: %v\n%s", err, o)
	}
	text, _ := exec.Command(pdftotext, out, "-").Output()
	if n := bytes.Count(text, []byte("STAMPSTRIP")); n != 14 {
		t.Errorf("%d strips in the copy of 14 pages", n)
	}
}
