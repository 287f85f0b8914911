package stamp_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/annals/annals/export/proceedings"
	"github.com/annals/annals/export/proceedings/proceedingstest"
)

// TestProceedingsWithFullPapers: three entries of the sample get papers;
// the book carries the two readable ones after their entries, page by
// page with the book's running head and folio below, names their first
// pages in the entries, the contents and the outline, and lists the one
// that needs a password as left out.
// squeezeJSON is JSON without its white space.
func squeezeJSON(b []byte) string { return strings.Join(strings.Fields(string(b)), "") }

func TestProceedingsWithFullPapers(t *testing.T) {
	requireTools(t)
	e := newEnv(t)
	d := proceedingstest.SampleDocument(t)
	recs := d.Sections[0].Records
	recs[0].Files = append(recs[0].Files, e.file(t, "tracemonkey.pdf"))
	recs[1].Files = append(recs[1].Files, e.file(t, "typst-g7-32_databases-lab_reference.pdf"))
	recs[2].Files = append(recs[2].Files, e.file(t, "pdfplumber_password-example.pdf"))
	var out bytes.Buffer
	st, unplaced, err := e.stamper.RenderWithPapers(context.Background(), &out, d, nil)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "book.pdf")
	os.WriteFile(path, out.Bytes(), 0o600)
	run(t, "qpdf", "--check", path)
	info := strings.Join(strings.Fields(run(t, "pdfinfo", path)), " ") // stderr too: poppler must find nothing to repair
	if strings.Contains(info, "Error") {
		t.Errorf("poppler had to repair the book: %s", info)
	}
	if !strings.Contains(info, "Pages: "+strconv.Itoa(st.Pages)) {
		t.Errorf("pdfinfo: %s; want %d pages", info, st.Pages)
	}
	if len(unplaced) != 1 || unplaced[0].Record != recs[2].ID || !strings.Contains(unplaced[0].Reason, "password") {
		t.Errorf("left out: %+v", unplaced)
	}
	page := func(n int) string {
		return strings.Join(strings.Fields(run(t, "pdftotext", "-f", strconv.Itoa(n), "-l", strconv.Itoa(n), path, "-")), " ")
	}
	first := st.PaperPages[recs[0].ID]
	if first != st.EntryPages[recs[0].ID]+1 || st.PaperPages[recs[1].ID] != first+14+1 {
		t.Errorf("papers at %v, entries at %d and %d", st.PaperPages, st.EntryPages[recs[0].ID], st.EntryPages[recs[1].ID])
	}
	for _, c := range []struct {
		page int
		want string
	}{
		{first, "Trace-based Just-in-Time Type Specialization"},
		{first + 7, "We currently apply four forward filters"},
		{st.PaperPages[recs[1].ID] + 4, "является одним из распространенных примеров"},
	} {
		text := page(c.page)
		if !strings.Contains(text, c.want) || !strings.Contains(text, "International Exchange and Cooperation Conference") ||
			!strings.Contains(text, proceedings.Folio(c.page, st.Front, st.Pages)) {
			t.Errorf("page %d: want %q under the running head and folio:\n%.300s", c.page, c.want, text)
		}
	}
	label := func(n int) string { return strconv.Itoa(n - st.Front) } // as the body is numbered
	contents := page(3) + page(4)
	if !strings.Contains(contents, "full paper, p. "+label(first)) {
		t.Errorf("the contents do not give the paper's page %d:\n%s", first, contents)
	}
	if entry := page(st.EntryPages[recs[0].ID]); !strings.Contains(entry, "Full paper: pages "+label(first)+"–"+label(first+13)) {
		t.Errorf("the entry does not give its paper's pages:\n%s", entry)
	}
	if outline, _ := exec.Command("qpdf", "--json", "--json-key=outlines", path).Output(); !strings.Contains(string(outline), `"title": "full paper, p. `+label(first)+`"`) ||
		strings.Count(string(outline), `"title": "full paper, p. `) != 2 {
		t.Errorf("the outline has not the two papers' items:\n%.500s", outline)
	}
	// the pages are labelled as they are numbered, after PDFium put the papers in
	labels, _ := exec.Command("qpdf", "--json", "--json-key=pagelabels", path).Output()
	if l := squeezeJSON(labels); st.Front < 3 || !strings.Contains(l, `{"index":0,"label":{"/S":"/r"`) ||
		!strings.Contains(l, `{"index":`+strconv.Itoa(st.Front)+`,"label":{"/S":"/D"`) {
		t.Errorf("page labels: %s (front pages %d)", labels, st.Front)
	}
}
