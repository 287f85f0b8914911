package bibtex

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/markup"
	"github.com/annals/annals/export/csljson"
)

func TestRead(t *testing.T) {
	data, err := os.ReadFile("testdata/mixed.bib")
	if err != nil {
		t.Fatal(err)
	}
	items, err := Read(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || items[0].Line != 7 || items[1].Line != 18 {
		t.Fatalf("items: %d, lines %d %d", len(items), items[0].Line, items[1].Line)
	}
	a := items[0].Record
	want := catalog.Record{ID: "aldoshin2025", Kind: catalog.KindArticle, Title: `<span class="nocase">Приветственное</span> слово: <span class="nocase">AI</span> – and more`,
		Language: "ru", Date: "2025-06", Pages: "10-20", Keywords: []string{"наука", "科学", "cooperation"},
		Source: catalog.Source{ContainerTitle: "Russian Academy of Sciences Journal", CitationKey: "Aldoshin2025"},
		Contributors: []catalog.Contributor{
			{Family: "Алдошин", Given: "Сергей Михайлович", Role: "author"},
			{Family: "Müller", Given: "Jörg", Role: "author"},
			{Family: "Čajkanović", Given: "Veselin", Role: "author"},
		}}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("entry 1:\n got %+v\nwant %+v", a, want)
	}
	b := items[1].Record
	if b.Kind != catalog.KindPresentation || b.Title != "中俄人工智能联合实验室" || b.Date != "2025-06-04" || b.Place != "Jinan, China" ||
		b.Identifiers.DOI != "10.1234/abc" || b.Identifiers.URL != "https://example.org/a_b%20c" ||
		b.EventName != "Conference of Academies" || b.Note != "Straße & Co. 100% $5" {
		t.Errorf("entry 2: %+v", b)
	}
	names := b.Contributors
	if len(names) != 3 || names[0].Family != "张天" || names[1].Literal != "Qilu University of Technology (Shandong Academy of Sciences)" ||
		names[2].Family != "van Beethoven" || names[2].Given != "Ludwig" {
		t.Errorf("names: %+v", names)
	}
}

func TestReadErrors(t *testing.T) {
	for name, tc := range map[string]struct{ data, want string }{
		"unclosed brace": {"@article{a,\n title = {Open\n year = 2025\n", "Line 2: a { opened here is never closed"},
		"unclosed entry": {"@article{a,\n title = {T},\n", "is not closed"},
		"no comma":       {"@article{a,\n title = {T}\n year = 2025}\n", "Line 3: a comma or } is expected after the value of title"},
		"no equals":      {"@article{a, title {T}}", `"=" is expected`},
		"not utf8":       {"@article{a,\n title = {\xff}}", "Line 2, column 11: the data is not valid UTF-8"},
		"nothing":        {"just text", "no BibTeX entries"},
		"bad type":       {"@{a, title={x}}", "an entry type must follow @"},
	} {
		_, err := Read([]byte(tc.data))
		if catalog.ErrorCode(err) != catalog.EMALFORMED || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want malformed containing %q", name, err, tc.want)
		}
	}
}

func TestDecodeLaTeX(t *testing.T) {
	for in, want := range map[string]string{
		`M{\"u}ller`: "Müller", `\'{e}t\'e`: "été", `{\v c}`: "č", `\c{c}a`: "ça", `na\"{\i}ve`: "naïve",
		`\ss{} \o \AE`:        "ß øÆ", // "\o " eats its space, as in TeX
		`a -- b --- c -{}- d`: "a – b — c -- d", `\emph{word} \textbf{bold}`: "word bold",
		"two\n\nparagraphs\n and  lines": "two\n\nparagraphs and lines", `J.~Smith`: "J. Smith", `a\\b`: "a b",
		"Кириллица 中文 {ПРОТЕКЦИЯ}": "Кириллица 中文 ПРОТЕКЦИЯ",
		// the cases and Better BibTeX's math-markup fixture
		`Role of $\beta$-catenin`: "Role of β-catenin", `а.\,с.~126728`: "а. с. 126728",
		`100~$\mu${J}, 200\,{\mbox{$\mu$}}{J}, $\pm$0.1\% and 0.2\,mm$^2$, $-$50\,d{B}`: "100 μJ, 200 μJ, ±0.1% and 0.2 mm², -50 dB",
		`H$_2$O and $x^{n}$, $\alpha_{max}$`:                                            "H₂O and xⁿ, α_max", `a\-b and \$5`: "ab and $5",
	} {
		if got := decodeLaTeX(in); got != want {
			t.Errorf("decodeLaTeX(%q) = %q, want %q", in, got, want)
		}
	}
}

// Titles keep their styles as markup: the command forms, the switch forms
// inside a group, nested, and a brace left open; braces around text keep
// its case (a nocase span, as Zotero reads them), once however deep, but
// not those of a special character ({\'e}) nor empty ones.
func TestDecodeRichTitles(t *testing.T) {
	for in, want := range map[string]string{
		`Nerve fibres of \textit{Xenopus laevis}`:                    "Nerve fibres of <i>Xenopus laevis</i>",
		`{\it In vivo} and \emph {in situ} \textbf{bold}`:            "<i>In vivo</i> and <i>in situ</i> <b>bold</b>",
		`{\bf Bold \em and italic} after`:                            "<b>Bold <i>and italic</i></b> after",
		`H\textsubscript{2}O, m\textsuperscript{2}, \textsc{Unesco}`: `H<sub>2</sub>O, m<sup>2</sup>, <span style="font-variant:small-caps;">Unesco</span>`,
		`\textit{Caf\'{e} {DNA} open`:                                `<i>Café <span class="nocase">DNA</span> open</i>`,
		`\it outside a group, \item`:                                 "outside a group,",
		`Plain {Protected} text`:                                     `Plain <span class="nocase">Protected</span> text`,
		`The {{Problem}} of {\"o}-{}-x {$\beta$} cells`:              `The <span class="nocase">Problem</span> of ö--x <span class="nocase">β</span> cells`,
		`{The role of {p53} and {\em in vivo}}`:                      `<span class="nocase">The role of p53 and <i>in vivo</i></span>`,
	} {
		if got := decodeRich(in); got != want {
			t.Errorf("decodeRich(%q) = %q, want %q", in, got, want)
		}
		if got, plain := decodeLaTeX(in), markup.Plain(decodeRich(in)); got != plain {
			t.Errorf("decodeLaTeX(%q) = %q, but the rich title's text is %q", in, got, plain)
		}
	}
}

// A title's styles are written as TeX commands and read back as the same
// markup; plain text with a "<" that is not markup stays text.
func TestRichTitlesRoundTrip(t *testing.T) {
	for _, title := range []string{
		"Nerve fibres of <i>Xenopus laevis</i> in H<sub>2</sub>O",
		"<b>Bold <i>and both</i></b> after, m<sup>2</sup> and <span style=\"font-variant:small-caps;\">Unesco</span>",
		"<i>Whole title</i>", "x < y and <i>open", "Отчёт о <i>Homo sapiens</i> 中文",
	} {
		it := csljson.Item{ID: "x-1", Type: "article-journal", Title: title, ContainerTitle: "Journal of <i>Things</i>", CollectionTitle: "Series <b>B</b>"}
		r, written := writeThenRead(t, it)
		if r.Title != title || r.Source.ContainerTitle != it.ContainerTitle || r.Series != it.CollectionTitle {
			t.Errorf("read back %q, %q, %q from\n%s", r.Title, r.Source.ContainerTitle, r.Series, written)
		}
	}
}

// writeThenRead writes one item as BibTeX and reads it back: the record,
// and what was written.
func writeThenRead(t *testing.T, it csljson.Item) (catalog.Record, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, []csljson.Item{it}); err != nil {
		t.Fatal(err)
	}
	items, err := Read(buf.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	return items[0].Record, buf.String()
}

// TestWriteThenRead reads back what Write writes.
func TestWriteThenRead(t *testing.T) {
	it := csljson.Item{ID: "x-1", Type: "report", Title: "Отчёт -- {скобки} & 100% «кавычки» 中文",
		Author: []csljson.Name{{Family: "van der Berg", Given: "Anna"}, {Literal: `ТК 354 "Бытовая химия"`}, {Family: "Петров", Given: "П. П."}},
		Issued: csljson.ParseDate("2025-06-04"), Publisher: "Беларуская навука", PublisherPlace: "Minsk", Page: "1-5",
		Abstract: "First paragraph.\n\nSecond_paragraph with $ and #.", Keyword: "a, b", DOI: "10.1234/x"}
	r, written := writeThenRead(t, it)
	if r.ID != "x-1" || r.Kind != catalog.KindReport || r.Title != it.Title || r.Publisher != it.Publisher || r.Place != "Minsk" ||
		r.Pages != "1-5" || r.Abstract != it.Abstract || r.Date != "2025-06-04" || r.Identifiers.DOI != "10.1234/x" ||
		!reflect.DeepEqual(r.Keywords, []string{"a", "b"}) {
		t.Errorf("read back:\n%+v\nfrom\n%s", r, written)
	}
	c := r.Contributors
	if len(c) != 3 || c[0].Family != "van der Berg" || c[0].Given != "Anna" || c[1].Literal != `ТК 354 "Бытовая химия"` || c[2].Given != "П. П." {
		t.Errorf("names read back: %+v", c)
	}
}

// TestStringExpansionIsBounded: @strings that double at every line (756
// bytes, 29 levels, gigabytes once expanded) are refused with an error
// naming the string, quickly and in little memory.
func TestStringExpansionIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("@string{s0 = \"aaaaaaaaaaaaaaaa\"}\n")
	for i := 1; i < 30; i++ {
		fmt.Fprintf(&b, "@string{s%d = s%d # s%d}\n", i, i-1, i-1)
	}
	b.WriteString("@book{x, title = s29, author = {A}}\n")
	_, err := Read([]byte(b.String()))
	if catalog.ErrorCode(err) != catalog.EMALFORMED || !strings.Contains(err.Error(), "@string") {
		t.Fatalf("an exponential @string file: %v", err)
	}
	// A file that uses its @strings in the ordinary way is read.
	ok := "@string{jn = {Journal of Things}}\n@article{a, title = {T}, journal = jn # { (English edition)}, author = {A}}\n"
	if items, err := Read([]byte(ok)); err != nil || len(items) != 1 {
		t.Errorf("an ordinary @string: %v", err)
	}
}

// TestReadWhatRealFilesHave: an entry without a key (EndNote), a field
// name with a space (Scopus's "funding_text 1"), an undefined @string
// name (IEEE_J_PROC without IEEEabrv.bib), repeated keywords and authors:
// all read, what was read leniently said per entry.
func TestReadWhatRealFilesHave(t *testing.T) {
	data := "@article{\n  author = {Huang, Y.},\n  title = {No key}\n}\n" +
		"@article{Li2020,\nauthor={Li, W.},\ntitle={Soil fauna},\nfunding_text 1={The Fund},\nkeywords={a},\nkeywords={b},\nauthor={Dou, Z.}\n}\n" +
		"@inproceedings{x, title = {T}, booktitle = IEEE_J_PROC, year = 2016, title = {Other}}\n"
	items, err := Read([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 || items[0].Record.Title != "No key" || items[0].Record.ID != "" {
		t.Fatalf("%d items; the first %+v", len(items), items[0].Record)
	}
	li := items[1].Record
	if li.Title != "Soil fauna" || strings.Join(li.Keywords, ",") != "a,b" || len(li.Contributors) != 2 || len(items[1].Warnings) != 0 {
		t.Errorf("Scopus entry: %+v, warnings %v", li, items[1].Warnings)
	}
	w := items[2].Warnings
	if len(w) != 2 || !strings.Contains(w[0].Message, `"ieee_j_proc" is not defined with @string: kept as written`) ||
		!strings.Contains(w[1].Message, "title is given twice") || items[2].Record.Title != "T" {
		t.Errorf("lenient entry: %+v", w)
	}
}

// TestJabRefDeclaredEncoding: a file JabRef saved in Windows-1252, saying so
// in its header, is read (its degree sign too); undeclared non-UTF-8 is
// still refused.
func TestJabRefDeclaredEncoding(t *testing.T) {
	data := []byte("% Encoding: windows-1252\n\n@Article{a,\n  title = {25\xb0 C and Gr\xfcn},\n}\n")
	items, err := Read(data)
	if err != nil || len(items) != 1 || items[0].Record.Title != "25° C and Grün" {
		t.Fatalf("%v %+v", err, items)
	}
	if _, err := Read(data[len("% Encoding: windows-1252\n"):]); err == nil {
		t.Error("undeclared Windows-1252 was read")
	}
}

// TestCrossrefInheritance: a paper with crossref takes the year, editors,
// publisher of its proceedings, and their title as its booktitle.
func TestCrossrefInheritance(t *testing.T) {
	data := "@inproceedings{p, title = {Paper}, author = {Doe, J.}, crossref = {Proc}}\n" +
		"@proceedings{proc, title = {Proceedings of X}, year = 2015, publisher = {IEEE}, editor = {Roe, R.}}\n"
	items, err := Read([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	r := items[0].Record
	if r.Title != "Paper" || r.Date != "2015" || r.Publisher != "IEEE" || r.ContainerTitle != "Proceedings of X" || len(r.Contributors) != 2 {
		t.Errorf("%+v", r)
	}
}

// TestNFCStableAgreesWithNorm: what nfcStable calls stable is NFC-normal
// by the tables too, over the real records' text and some hard cases.
func TestNFCStableAgreesWithNorm(t *testing.T) {
	for _, s := range []string{"Белорусы в Китае", "Ёлка и й", "人工智能，大模型。", "«Газпром» — 2025", "Жұмабаева", "e\u0301", "й", "и\u0306", "한국"} {
		if nfcStable(s) && !norm.NFC.IsNormalString(s) {
			t.Errorf("%q is called stable but is not NFC", s)
		}
	}
	if nfcStable("и\u0306") { // и with a combining breve: NFC makes й
		t.Error("a combining mark was called stable")
	}
}
