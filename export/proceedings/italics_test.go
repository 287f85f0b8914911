package proceedings_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/export/proceedings"
	"github.com/annals/annals/export/proceedings/proceedingstest"
)

// pdfText is a piece of text of a PDF page as pdftohtml -xml reads it,
// with the family of its font and whether pdftohtml found it italic (from
// the font's name: "DejaVuSerif-Italic").
type pdfText struct {
	Text, Font   string
	Italic, Bold bool
}

func pdfTexts(t *testing.T, path string) []pdfText {
	t.Helper()
	var doc struct {
		Pages []struct {
			Fonts []struct {
				ID     string `xml:"id,attr"`
				Family string `xml:"family,attr"`
			} `xml:"fontspec"`
			Texts []struct {
				Font  string `xml:"font,attr"`
				Inner string `xml:",innerxml"`
			} `xml:"text"`
		} `xml:"page"`
	}
	out := run(t, "pdftohtml", "-xml", "-i", "-stdout", "-q", path)
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("pdftohtml -xml: %v", err)
	}
	families := map[string]string{}
	var texts []pdfText
	for _, p := range doc.Pages {
		for _, f := range p.Fonts {
			families[f.ID] = f.Family
		}
		for _, tx := range p.Texts {
			texts = append(texts, pdfText{Text: chardata(tx.Inner), Font: families[tx.Font], Italic: strings.Contains(tx.Inner, "<i>"), Bold: strings.Contains(tx.Inner, "<b>")})
		}
	}
	return texts
}

// renderToFile renders d with the embedded fonts and words to a file and
// returns its path.
func renderToFile(t *testing.T, d *proceedings.Document) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "proceedings.pdf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := proceedings.Render(context.Background(), f, d, proceedings.Options{Fonts: proceedingstest.Fonts(t), Words: proceedingstest.Words(t)}); err != nil {
		t.Fatal(err)
	}
	return path
}

// chardata is the text of an XML fragment without its tags (pdftohtml
// wraps text it finds bold or italic in <b> and <i>).
func chardata(fragment string) string {
	d := xml.NewDecoder(strings.NewReader("<t>" + fragment + "</t>"))
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			return b.String()
		}
		if c, ok := tok.(xml.CharData); ok {
			b.Write(c)
		}
	}
}

// TestCiteAsKeepsItalicsAndTypedText: the "Cite as" line sets in italics
// what the style italicises (an APA report's title) and prints what was
// typed (an ampersand, TeX) as typed.
func TestCiteAsKeepsItalicsAndTypedText(t *testing.T) {
	title := "Energy & climate {\\it in situ} report"
	r := catalog.Record{ID: "typed", Kind: catalog.KindReport, Status: catalog.StatusPublished, Title: title,
		Contributors: []catalog.Contributor{{Family: "Petrov", Given: "Ivan"}}, Date: "2025", Publisher: "Shandong Academy"}
	d := &proceedings.Document{Title: "Typed", Sections: proceedings.Arrange(nil, []catalog.Record{r}, "Outputs"),
		Style: proceedingstest.Style(t, "apa"), Generated: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	path := renderToFile(t, d)
	var italic, regular bool
	for _, tx := range pdfTexts(t, path) {
		if strings.Contains(tx.Text, "{\\it in situ}") && tx.Italic {
			italic = true
		}
		if strings.Contains(tx.Text, "Petrov, I. (2025)") && !tx.Italic {
			regular = true
		}
	}
	if !italic || !regular {
		t.Errorf("the citation's title is not in the italic face, or its authors are not upright (italic %v, upright %v): %v", italic, regular, pdfTexts(t, path))
	}
	text := run(t, "pdftotext", "-enc", "UTF-8", path, "-")
	if !strings.Contains(text, title) {
		t.Errorf("the title as typed is not in the PDF:\n%s", text)
	}

	// Private-use characters have no glyph in any font: refused by name.
	d.Sections[0].Records[0].Title = "Private \uE001use\uE002"
	_, err := proceedings.Render(context.Background(), &strings.Builder{}, d, proceedings.Options{Fonts: proceedingstest.Fonts(t), Words: proceedingstest.Words(t)})
	var bad *proceedings.UnprintableError
	if !errors.As(err, &bad) || bad.Err.Rune != '\uE001' {
		t.Errorf("a title with a private-use character: %v", err)
	}
}

// TestTitlesKeepTheirStyles: a title's italics (its markup) are set in
// the bold italic face in the bold heading, in italics in the contents,
// and upright in the italic line of a translated title; the tags are never
// printed.
func TestTitlesKeepTheirStyles(t *testing.T) {
	r := catalog.Record{ID: "xenopus", Kind: catalog.KindArticle, Status: catalog.StatusPublished, Language: "en",
		Title:        "Nerve fibres of <i>Xenopus laevis</i>",
		Translations: []catalog.Translation{{Language: "ru", Title: "Нервные волокна <i>Xenopus laevis</i>"}},
		Contributors: []catalog.Contributor{{Family: "Hutchinson", Given: "N. A."}}, Date: "1970"}
	d := &proceedings.Document{Title: "Styles", Sections: proceedings.Arrange(nil, []catalog.Record{r}, "Outputs"),
		Style: proceedingstest.Style(t, "apa"), Generated: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	path := renderToFile(t, d)
	var boldItalic, upright, italic int
	for _, tx := range pdfTexts(t, path) {
		if tx.Text != "Xenopus laevis" {
			continue
		}
		switch {
		case tx.Italic && tx.Bold:
			boldItalic++ // the entry's heading
		case !tx.Italic && !tx.Bold:
			upright++ // the italic translated title
		case tx.Italic:
			italic++ // the contents
		}
	}
	// (APA italicises the whole title of an article without a journal, so in
	// its "Cite as" the species is upright: "Xenopus laevis." with its stop)
	if boldItalic != 1 || upright != 1 || italic != 1 {
		t.Errorf("bold italic %d (heading), upright %d (translation), italic %d (contents): %v", boldItalic, upright, italic, pdfTexts(t, path))
	}
	if text := run(t, "pdftotext", "-enc", "UTF-8", path, "-"); strings.Contains(text, "<i>") || !strings.Contains(text, "Nerve fibres of Xenopus laevis") {
		t.Errorf("the title as printed:\n%s", text)
	}
}

// TestProceedingsSpeakTheirLanguage: the PDF's own words (headings,
// labels, dates) are in the document's language, and so are its chapters
// in the contents, bookmarks and running heads when their sessions have
// that language's title.
func TestProceedingsSpeakTheirLanguage(t *testing.T) {
	for _, tc := range []struct {
		lang    string
		want    []string
		chapter string // the energy session in the bookmarks
	}{
		{"ru-RU", []string{"Программа", "Содержание", "Указатель участников", "Ссылка для цитирования", "4–6 июня 2025 г.", "Аннотация", "Организаторы", "Доклад"}, "Энергетика"},
		{"zh-CN", []string{"会议日程", "目录", "作者索引", "引用格式", "2025年6月4—6日", "摘要"}, "能源"},
		{"en-US", []string{"Programme", "Contents", "Index of contributors", "Cite as", "4–6 June 2025", "Abstract", "Organised by"}, "Energy"},
	} {
		d := proceedingstest.SampleDocument(t)
		d.Language = tc.lang
		path := renderToFile(t, d)
		var doc struct {
			Outlines []outline `json:"outlines"`
		}
		if err := json.Unmarshal([]byte(run(t, "qpdf", "--json", "--json-key=outlines", path)), &doc); err != nil {
			t.Fatal(err)
		}
		var chapters []string
		for _, o := range doc.Outlines {
			chapters = append(chapters, o.Title)
		}
		if !slices.Contains(chapters, tc.chapter) {
			t.Errorf("%s: the bookmarks %q lack the chapter %q", tc.lang, chapters, tc.chapter)
		}
		text := run(t, "pdftotext", "-enc", "UTF-8", path, "-")
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: %q is not in the PDF", tc.lang, w)
			}
		}
		if tc.lang != "en-US" && strings.Contains(text, "Cite as") {
			t.Errorf("%s: English label left in the PDF", tc.lang)
		}
	}
}

// TestScriptsAndSmallCapitals: a title's subscripts and superscripts are
// set smaller, lowered and raised (H₂O, 10⁵), and its small capitals as
// smaller capitals, in the heading and in the citation (they printed as
// the text around them).
func TestScriptsAndSmallCapitals(t *testing.T) {
	r := catalog.Record{ID: "water", Kind: catalog.KindArticle, Status: catalog.StatusPublished, Language: "en",
		Title:        `Water: H<sub>2</sub>O at 10<sup>5</sup> Pa in <span style="font-variant:small-caps;">Unesco</span> sites`,
		Contributors: []catalog.Contributor{{Family: "Hutchinson", Given: "N. A."}}, Date: "1970"}
	d := &proceedings.Document{Title: "Scripts", Sections: proceedings.Arrange(nil, []catalog.Record{r}, "Outputs"),
		Style: proceedingstest.Style(t, "apa"), Generated: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	path := renderToFile(t, d)
	var doc struct {
		Pages []struct {
			Fonts []struct {
				ID   string  `xml:"id,attr"`
				Size float64 `xml:"size,attr"`
			} `xml:"fontspec"`
			Texts []struct {
				Top   float64 `xml:"top,attr"`
				Font  string  `xml:"font,attr"`
				Inner string  `xml:",innerxml"`
			} `xml:"text"`
		} `xml:"page"`
	}
	if err := xml.Unmarshal([]byte(run(t, "pdftohtml", "-xml", "-i", "-stdout", "-q", path)), &doc); err != nil {
		t.Fatal(err)
	}
	type placed struct{ top, size float64 }
	seen := map[string][]placed{} // text -> where it was set
	sizes := map[string]float64{}
	for _, p := range doc.Pages {
		for _, f := range p.Fonts {
			sizes[f.ID] = f.Size
		}
		for _, tx := range p.Texts {
			text := chardata(tx.Inner)
			seen[text] = append(seen[text], placed{tx.Top, sizes[tx.Font]})
		}
	}
	// the heading: "Water: H", then "2" lower and smaller, "O at 10", "5"
	// higher and smaller
	head, sub, mid, sup := seen["Water: H"], seen["2"], seen["O at 10"], seen["5"]
	if len(head) == 0 || len(sub) == 0 || len(mid) == 0 || len(sup) == 0 {
		t.Fatalf("the heading is not set in pieces: %v", seen)
	}
	if !(sub[0].size < head[0].size && sub[0].top > head[0].top) {
		t.Errorf("the subscript %+v beside %+v", sub[0], head[0])
	}
	if !(sup[0].size < mid[0].size && sup[0].top < mid[0].top) {
		t.Errorf("the superscript %+v beside %+v", sup[0], mid[0])
	}
	text := run(t, "pdftotext", "-enc", "UTF-8", path, "-")
	if !strings.Contains(text, "H2O at 105 Pa in UNESCO sites") {
		t.Errorf("the title as printed:\n%s", text)
	}
}
