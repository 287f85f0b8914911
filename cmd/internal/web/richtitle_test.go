package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestRichTitles: a BibTeX title's \textit{} is kept as the title's markup
// (<i>) — shown in italics on the page, given to citations, written back as
// \textit{} — while search, the page's <title>, the meta tags and Dublin
// Core read the words alone.
func TestRichTitles(t *testing.T) {
	e := newPagesEnv(t)
	bib := `@article{hutchinson1970,
  title = {Conduction velocity in nerve fibres of \textit{Xenopus laevis} and {\bf H\textsubscript{2}O}},
  author = {Hutchinson, N. A. and Koles, Z. J.},
  journal = {Journal of \emph{Physiology}},
  year = 1970, volume = 208, pages = {279--289}
}`
	importPublished(t, e, bib, "hutchinson1970")
	const title = "Conduction velocity in nerve fibres of <i>Xenopus laevis</i> and <b>H<sub>2</sub>O</b>"
	const plain = "Conduction velocity in nerve fibres of Xenopus laevis and H2O"
	var rec struct {
		Title          string `json:"title"`
		ContainerTitle string `json:"container_title"`
	}
	e.do("GET", "/api/v1/records/hutchinson1970", "", nil).json(t, &rec)
	if rec.Title != title || rec.ContainerTitle != "Journal of <i>Physiology</i>" {
		t.Fatalf("stored %q in %q", rec.Title, rec.ContainerTitle)
	}

	c := browserClient(t)
	_, page := get(t, c, e.url+"/records/hutchinson1970?style=apa")
	for _, want := range []string{"<h1>" + title + "</h1>", "<title>" + plain + " · ", `<meta name="citation_title" content="` + plain + `">`,
		// APA sets the journal in italics, and what is italic inside it upright, as citeproc-js does
		`Conduction velocity in nerve fibres of <i>Xenopus laevis</i> and <b>H<sub>2</sub>O</b>. <i>Journal of <span style="font-style:normal;">Physiology</span></i>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the record page lacks %s\n%s", want, between(page, `class="cite"`, "</div>"))
		}
	}
	if strings.Contains(page, "&lt;i&gt;") {
		t.Error("the page shows a tag as text")
	}

	var found struct {
		Hits []struct {
			ID string `json:"id"`
		} `json:"hits"`
	}
	e.do("GET", "/api/v1/search?q=%22xenopus+laevis%22", "", nil).json(t, &found)
	if len(found.Hits) == 0 || found.Hits[0].ID != "hutchinson1970" {
		t.Errorf("the phrase is not found: %+v", found)
	}
	if r := e.do("GET", "/api/v1/search?q=sub", "", nil); strings.Contains(string(r.body), "hutchinson1970") {
		t.Error("the tags are searchable words")
	}

	bibtex := string(e.do("GET", "/api/v1/records/hutchinson1970?format=bibtex", "", nil).body)
	if !strings.Contains(bibtex, `title = {Conduction velocity in nerve fibres of \textit{Xenopus laevis} and \textbf{H\textsubscript{2}O}}`) ||
		!strings.Contains(bibtex, `journaltitle = {Journal of \textit{Physiology}}`) {
		t.Errorf("BibTeX:\n%s", bibtex)
	}
	if dc := string(e.do("GET", "/api/v1/records/hutchinson1970?format=dc", "", nil).body); !strings.Contains(dc, ">"+plain+"</dc:title>") {
		t.Errorf("Dublin Core:\n%s", dc)
	}
}

// TestCaseProtectingBraces: BibTeX's braces that keep a word's case ({p53})
// are kept (a nocase span): a style that sets titles in title case leaves
// the word as written, the page shows the words alone, and the BibTeX
// export writes the braces back.
func TestCaseProtectingBraces(t *testing.T) {
	e := newPagesEnv(t)
	bib := `@article{lane1992, title = {The role of {p53} in {DNA} repair}, author = {Lane, David}, journal = {Nature}, year = 1992}`
	importPublished(t, e, bib, "lane1992")
	_, page := get(t, browserClient(t), e.url+"/records/lane1992?style=chicago-author-date")
	for _, want := range []string{"<h1>The role of p53 in DNA repair</h1>", "“The Role of p53 in DNA Repair.”"} {
		if !strings.Contains(page, want) {
			t.Errorf("the record page lacks %s\n%s", want, between(page, `class="cite"`, "</div>"))
		}
	}
	if bibtex := string(e.do("GET", "/api/v1/records/lane1992?format=bibtex", "", nil).body); !strings.Contains(bibtex, "title = {The role of {p53} in {DNA} repair}") {
		t.Errorf("BibTeX:\n%s", bibtex)
	}
}

// importPublished imports a BibTeX entry and publishes the record it makes
// (an imported record is a draft), its title sent back as it came.
func importPublished(t *testing.T, e *env, bib, id string) {
	t.Helper()
	if r := e.do("POST", "/api/v1/import?format=bibtex", e.librarian, []byte(bib)); r.status != http.StatusOK {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	got := e.do("GET", "/api/v1/records/"+id, e.librarian, nil)
	var draft map[string]any
	got.json(t, &draft)
	draft["status"] = "published"
	if put := e.do("PUT", "/api/v1/records/"+id, e.librarian, mustJSON(t, draft), "If-Match: "+got.header.Get("ETag")); put.status != http.StatusOK {
		t.Fatalf("publish: %d %s", put.status, put.body)
	}
	e.catchUp()
}
