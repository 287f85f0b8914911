package csl_test

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annals/annals/export/csl"
)

// typedTitle has private-use characters (among them the processor's own
// formatting marks, U+E000 to U+E01F), an ampersand, TeX and CSL-JSON's
// markup: everything but the markup must come out as typed.
const typedTitle = "Plain \uE001title\uE002 & {\\it x} \uE010q\uE011\uE015 \uE000\uE012 \uF8FF and <b>bold</b>"

// typedAsRendered is typedTitle as it reads once formatted: the <b> tags
// format, the rest is text.
const typedAsRendered = "Plain \uE001title\uE002 & {\\it x} \uE010q\uE011\uE015 \uE000\uE012 \uF8FF and bold"

func typedItems(t *testing.T) []*csl.Item {
	t.Helper()
	data, _ := json.Marshal([]map[string]any{{"id": "typed", "type": "report", "title": typedTitle,
		"author": []map[string]any{{"family": "Иванов\uE013", "given": "Иван"}}, "publisher": "A & B",
		"issued": map[string]any{"date-parts": [][]int{{2025}}}}})
	items, err := csl.ParseItems(data)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// TestDataRendersAsTyped: what a user typed renders as typed in text,
// HTML (escaped) and styled spans, in several styles; only CSL-JSON's
// markup formats.
func TestDataRendersAsTyped(t *testing.T) {
	for _, style := range []string{"apa", "chicago-author-date", "gost-r-7-0-5-2008", "china-national-standard-gb-t-7714-2015-numeric", "ieee"} {
		p := processor(t, style)
		text := p.Bibliography(typedItems(t), "text")
		// Chicago capitalises the title's words, GB/T the family name
		if len(text) != 1 || !strings.Contains(strings.ToLower(text[0]), strings.ToLower(typedAsRendered)) ||
			!strings.Contains(strings.ToLower(text[0]), "иванов\uE013") {
			t.Errorf("%s text: %q\nwant it to contain %q", style, text, typedAsRendered)
			continue
		}
		html := p.Bibliography(typedItems(t), "html")
		wantHTML := strings.ReplaceAll(strings.Replace(typedAsRendered, "bold", "<b>bold</b>", 1), "&", "&#38;")
		if len(html) != 1 || !strings.Contains(strings.ToLower(html[0]), strings.ToLower(wantHTML)) {
			t.Errorf("%s html: %q\nwant it to contain %q", style, html, wantHTML)
		}
		spans := p.BibliographySpans(typedItems(t))
		var joined strings.Builder
		bold := false
		for _, sp := range spans[0] {
			joined.WriteString(sp.Text)
			bold = bold || sp.Bold && strings.EqualFold(sp.Text, "bold")
		}
		if joined.String() != text[0] || !bold {
			t.Errorf("%s spans: %q (bold %v), want the text %q", style, joined.String(), bold, text[0])
		}
		cite := p.Citation(typedItems(t), "text")
		if strings.ContainsAny(cite, "\uE001\uE010") && !strings.Contains(cite, "\uE001title\uE002") {
			t.Errorf("%s citation lost typed characters: %q", style, cite)
		}
	}
}

// TestHTMLIsBalanced: whatever tags a title holds (overlapping, unclosed,
// stray closers, forged markers), the HTML is well-formed.
func TestHTMLIsBalanced(t *testing.T) {
	titles := []string{
		"<i>a<b>b</i>c</b>", "<i>never closed", "closed</i> never opened", "<sc><sup>x</sub></sc>",
		`<span class="nocase"><i>x</span></i>`, "\uE001forged italics", "\uE016forged block", "a < b > c & d",
		"<i><i><i>deep</i></i>", `<span style="font-variant:small-caps;">SC`, "\uE000\uE002\uE017",
	}
	for _, style := range []string{"apa", "chicago-notes-bibliography", "ieee", "gost-r-7-0-5-2008"} {
		p := processor(t, style)
		for _, title := range titles {
			data, _ := json.Marshal([]map[string]any{{"id": "x", "type": "book", "title": title, "container-title": title,
				"author": []map[string]any{{"family": title}}, "issued": map[string]any{"date-parts": [][]int{{2020}}}}})
			items, _ := csl.ParseItems(data)
			for _, out := range append(p.Bibliography(items, "html"), p.Citation(items, "html")) {
				if err := wellFormed(out); err != nil {
					t.Errorf("%s, title %q: %v in %q", style, title, err, out)
				}
			}
		}
	}
}

// wellFormed reports whether html's tags are balanced, parsing it as XML
// (the processor writes numeric entities, so it reads as XML); control
// characters, which XML forbids and HTML allows, are read as spaces.
func wellFormed(html string) error {
	html = strings.Map(func(r rune) rune {
		if r < ' ' && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return ' '
		}
		return r
	}, html)
	d := xml.NewDecoder(strings.NewReader("<root>" + html + "</root>"))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// TestTypedTextAgainstCiteproc: citeproc-js formats the typed title (with
// its TeX, ampersand and markup, without the private-use characters it
// handles otherwise) as we do.
func TestTypedTextAgainstCiteproc(t *testing.T) {
	items := []map[string]any{
		{"id": "amp", "type": "report", "title": "Energy & climate: {\\it in situ} <i>Homo sapiens</i> and <b>bold</b> <sc>Sc</sc> H<sub>2</sub>O x<sup>2</sup>",
			"author": []map[string]any{{"family": "Smith & Sons"}}, "publisher": "A & B", "issued": map[string]any{"date-parts": [][]int{{2025}}}},
		{"id": "nocase", "type": "article-journal", "title": `<span class="nocase">iPhone</span> use in Jinan`,
			"container-title": "Journal & Review", "author": []map[string]any{{"family": "Ли", "given": "Вэй"}}, "issued": map[string]any{"date-parts": [][]int{{2024}}}},
	}
	data, _ := json.Marshal(items)
	file := filepath.Join(t.TempDir(), "items.json")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	styles := []string{"apa", "chicago-author-date", "ieee"}
	want := citeproc(t, file, styles)
	for _, style := range styles {
		a := compareStyle(t, style, data, want[style], 5)
		equal, total := entriesAgreement(t, style, file, data, 5)
		if equal != total || a.cites != a.ofCites {
			t.Errorf("%s: %d/%d entries and %d/%d citations read as citeproc-js's", style, equal, total, a.cites, a.ofCites)
		}
	}
}

// TestCurlyQuotesInTheData: curly double quotes typed in a title stay as
// typed, unless the style quotes the title: then they are its inner quotes
// (as citeproc-js sets them). A volume "60-I" is two numbers ("vols."), and
// a number with letters on either side ("US334823A") is numeric.
func TestCurlyQuotesInTheData(t *testing.T) {
	items, err := csl.ParseItems([]byte(`[{"id":"q","type":"paper-conference","title":"医疗机构保洁人员“一前五后”手卫生干预效果研究",
		"author":[{"literal":"李妍"}],"issued":{"date-parts":[[2022]]}},
		{"id":"v","type":"article-journal","title":"Filters","container-title":"IEEE Trans.","volume":"60-I","author":[{"family":"Abbas","given":"M."}],"issued":{"date-parts":[[2013]]}},
		{"id":"p","type":"patent","title":"Commutator","number":"US334823A","author":[{"family":"Tesla","given":"Nikola"}],"issued":{"date-parts":[[1886]]}}]`))
	if err != nil {
		t.Fatal(err)
	}
	mla := strings.Join(processor(t, "modern-language-association").Bibliography(items, "text"), "\n")
	for _, want := range []string{"“医疗机构保洁人员‘一前五后’手卫生干预效果研究.”", "vols. 60–I", "no. US334823A"} {
		if !strings.Contains(mla, want) {
			t.Errorf("MLA lacks %s:\n%s", want, mla)
		}
	}
	if gost := strings.Join(processor(t, "gost-r-7-0-5-2008").Bibliography(items, "text"), "\n"); !strings.Contains(gost, "医疗机构保洁人员“一前五后”手卫生") {
		t.Errorf("GOST changed the quotes:\n%s", gost)
	}
}
