package ris

import (
	"bytes"
	"io/fs"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/export/csljson"
)

const sample = "\ufeffTY  - JOUR\r\nID  - Elibrary-1\r\nTI  - Технологии хранения водорода\r\nAU  - Петров, Пётр Петрович\r\n" +
	"AU  - Russian Academy of Sciences\r\nPY  - 2025\r\nDA  - 2025/6/4/\r\nAB  - A long abstract that a writer wrapped at seventy characters, cutting a wo\r\nrd in two\r\n" +
	" and indented.\r\nKW  - водород\r\nKW  - 氢能\r\nSP  - 10\r\nEP  - 20\r\nSN  - 978-3-16-148410-0\r\nLA  - ru\r\nER  - \r\n\r\n" +
	"TY  - CONF\nTI  - 中俄人工智能联合实验室\nAU  - 张, 天\nT2  - Conference of Academies\nCY  - Jinan\nPY  - 2025\nER  - \n"

func TestRead(t *testing.T) {
	items, err := Read([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || items[1].Line != 19 {
		t.Fatalf("%d items; second at line %d", len(items), items[1].Line)
	}
	a := items[0].Record
	want := catalog.Record{ID: "elibrary-1", Kind: catalog.KindArticle, Title: "Технологии хранения водорода",
		Abstract: "A long abstract that a writer wrapped at seventy characters, cutting a word in two and indented.", Language: "ru", Date: "2025-06-04",
		Pages: "10-20", Keywords: []string{"водород", "氢能"}, Identifiers: catalog.Identifiers{ISBN: "978-3-16-148410-0"},
		Source:       catalog.Source{CitationKey: "Elibrary-1"},
		Contributors: []catalog.Contributor{{Family: "Петров", Given: "Пётр Петрович", Role: "author"}, {Literal: "Russian Academy of Sciences", Role: "author"}}}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("reference 1:\n got %+v\nwant %+v", a, want)
	}
	b := items[1].Record
	if b.Kind != catalog.KindPresentation || b.Title != "中俄人工智能联合实验室" || b.Contributors[0].Family != "张" ||
		b.Place != "Jinan" || b.EventName != "Conference of Academies" || b.Date != "2025" {
		t.Errorf("reference 2: %+v", b)
	}
}

func TestReadErrors(t *testing.T) {
	for name, tc := range map[string]struct{ data, want string }{
		"no ER":         {"TY  - JOUR\nTI  - x\n", "Line 1: the reference started here does not end with ER"},
		"TY twice":      {"TY  - JOUR\nTY  - BOOK\nER  - \n", "Line 2: a new reference starts (TY)"},
		"tag outside":   {"TI  - x\n", "Line 1: the tag TI is outside a reference"},
		"ER without TY": {"\n\nER  - \n", "Line 3: ER ends a reference"},
		"garbage":       {"hello world\n", `Line 1: "hello world" is not a RIS tag line`},
		"not utf8":      {"TY  - JOUR\nTI  - \xff\nER  - \n", "Line 2, column 7: the data is not valid UTF-8"},
		"nothing":       {"\n\n", "no RIS references"},
	} {
		_, err := Read([]byte(tc.data))
		if catalog.ErrorCode(err) != catalog.EMALFORMED || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want malformed containing %q", name, err, tc.want)
		}
	}
}

func TestWriteThenRead(t *testing.T) {
	items := []csljson.Item{
		{ID: "a", Type: "report", Title: "Белорусы в Китае", Author: []csljson.Name{{Family: "Дудик", Given: "Александр"}},
			Issued: csljson.ParseDate("2025"), Publisher: "Беларуская навука", PublisherPlace: "Minsk", Keyword: "Беларусь, 中国", Page: "5-9"},
		{ID: "b", Type: "speech", Title: "Opening address", Author: []csljson.Name{{Family: "Aldoshin", Given: "Sergey"}},
			Issued: csljson.ParseDate("2025-06-04"), EventTitle: "Conference", EventPlace: "Jinan"},
	}
	var buf bytes.Buffer
	if err := Write(&buf, items); err != nil {
		t.Fatal(err)
	}
	got, err := Read(buf.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	a, b := got[0].Record, got[1].Record
	if a.ID != "a" || a.Kind != catalog.KindReport || a.Title != "Белорусы в Китае" || a.Publisher != "Беларуская навука" ||
		a.Place != "Minsk" || a.Date != "2025" || a.Pages != "5-9" || !reflect.DeepEqual(a.Keywords, []string{"Беларусь", "中国"}) {
		t.Errorf("report read back: %+v", a)
	}
	if b.Kind != catalog.KindPresentation || b.Date != "2025-06-04" || b.EventName != "Conference" || b.Contributors[0].Given != "Sergey" {
		t.Errorf("speech read back: %+v", b)
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte("TY  - CONF\nAU  - ,\nDA  - 20250//x/\nSP  - \nER  - \nTY  - \nER  - "))
	f.Add([]byte("TY  - RPRT\nTI  - T\nL1  - internal-pdf://0123/a.pdf\nL1  - file:///C:/Users/a.pdf\nL1  - file://%zz\nL1  - https://x/y.pdf\nL1  - ../x\nER  - \n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := Read(data)
		if err != nil {
			if catalog.ErrorCode(err) != catalog.EMALFORMED || items != nil {
				t.Fatalf("error %v with %d items", err, len(items))
			}
			return
		}
		for _, it := range items {
			r := it.Record
			catalog.NormalizeRecord(&r)
			_ = catalog.ValidateRecord(&r, func(string) (*catalog.Event, bool) { return nil, false })
		}
		// whatever the files name, finding them fails an item or warns
		if err := catalog.ResolveImportFiles(t.Context(), items, fuzzFiles, nil, 1<<20, true); err != nil {
			t.Fatal(err)
		}
	})
}

// fuzzFiles are the files of a fuzzed import.
var fuzzFiles = fstest.MapFS{"a.pdf": {Data: []byte("%PDF-1.4\n")}, "Users/a.pdf": {Data: []byte("%PDF-1.4\n")}, "dir": {Mode: fs.ModeDir}}

// TestL1Files reads L1 as Zotero, Mendeley and EndNote write it.
func TestL1Files(t *testing.T) {
	data := "TY  - RPRT\nTI  - Отчёт\nL1  - internal-pdf://2270931712/Отчёт 2025.pdf\nL1  - file:///C:/Users/anna/Documents/b%20c.pdf\n" +
		"L1  - file:///home/anna/報告.pdf\nL1  - files/3/d.pdf\nL1  - https://annals.example/records/x/files/e.pdf\nL1  - files/3/d.pdf\nL2  - https://example.org/not-a-file\nER  - \n"
	items, err := Read([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range items[0].Files {
		if !f.Linked {
			t.Errorf("%q is not marked linked", f.Path)
		}
		got = append(got, f.Path+"|"+f.File.Label)
	}
	want := []string{"2270931712/Отчёт 2025.pdf|" + catalog.LabelFulltext, "C:/Users/anna/Documents/b c.pdf|", "/home/anna/報告.pdf|",
		"files/3/d.pdf|", "https://annals.example/records/x/files/e.pdf|"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("L1 read as %q, want %q", got, want)
	}
}

// TestLinesOfRealExports: a note over several short lines keeps its line
// breaks (Web of Science's "142" then "Total Times Cited" was glued into
// "142Total"), keyword lines under one KW are each a keyword (AGRIS), and
// a language written as a name or an ISO 639-2 code is read.
func TestLinesOfRealExports(t *testing.T) {
	data := "TY  - JOUR\nTI  - A title\nAU  - Doe, J.\nN1  - 142\nTotal Times Cited\nKW  - PROTECTED AREAS\nMARINE AREAS\nPOVERTY\n" +
		"LA  - English\nER  - \nTY  - JOUR\nTI  - Другое\nAU  - Иванов, И.\nLA  - rus\nER  - \n"
	items, err := Read([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	r := items[0].Record
	if r.Note != "142\nTotal Times Cited" || !reflect.DeepEqual(r.Keywords, []string{"PROTECTED AREAS", "MARINE AREAS", "POVERTY"}) || r.Language != "en" {
		t.Errorf("note %q, keywords %q, language %q", r.Note, r.Keywords, r.Language)
	}
	if items[1].Record.Language != "ru" {
		t.Errorf("LA rus: %q", items[1].Record.Language)
	}
}

// TestTagLineAgreesWithItsPattern: the hand-written reader of tag lines
// says what the pattern it replaced said, line by line.
func TestTagLineAgreesWithItsPattern(t *testing.T) {
	pattern := regexp.MustCompile(`^([A-Z][A-Z0-9])  -( (.*))?$`)
	for _, line := range []string{"TY  - JOUR", "TY  -", "TY  - ", "ER  - ", "A1  - Петров, П.", "a1  - x", "1A  - x", "TY - JOUR",
		"TY  -JOUR", "TY  -  two spaces", "TY   - JOUR", "T", "", "KW  - 氢能", "AB  - a - b - c", "Y2  - 2025/06/04/", "TY  - \u00a0"} {
		m := pattern.FindStringSubmatch(line)
		tag, value, ok := tagLine(line)
		if ok != (m != nil) || (ok && (tag != m[1] || value != m[3])) {
			t.Errorf("%q: got %q %q %v, the pattern %q", line, tag, value, ok, m)
		}
	}
}

func FuzzTagLine(f *testing.F) {
	pattern := regexp.MustCompile(`^([A-Z][A-Z0-9])  -( (.*))?$`)
	for _, s := range []string{"TY  - JOUR", "ER  - ", "A1  - x", "TY -"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if strings.ContainsAny(line, "\n") || !utf8.ValidString(line) {
			return
		}
		m := pattern.FindStringSubmatch(line)
		tag, value, ok := tagLine(line)
		if ok != (m != nil) || (ok && (tag != m[1] || value != m[3])) {
			t.Errorf("%q: got %q %q %v, the pattern %q", line, tag, value, ok, m)
		}
	})
}

// TestStreamReadsLinesLongerThanItsBuffer: a RIS value on one line longer
// than the reader's buffer is read whole; a bad byte is reported on its
// line; a file with CRLF line ends reads as with LF.
func TestStreamReadsLinesLongerThanItsBuffer(t *testing.T) {
	long := strings.Repeat("摘要很长。", 30_000) // 450 KB on one line
	items, err := Read([]byte("TY  - JOUR\nTI  - 标题\nAB  - " + long + "\nER  - \nTY  - BOOK\nTI  - Второй\nER  - \n"))
	if err != nil || len(items) != 2 || items[0].Record.Abstract != long || items[1].Record.Title != "Второй" || items[1].Line != 5 {
		t.Fatalf("%v, %d items", err, len(items))
	}
	_, err = Read([]byte("TY  - JOUR\nAB  - " + long + "\nTI  - a\xffb\nER  - \n"))
	if err == nil || !strings.Contains(err.Error(), "Line 3, column 8") {
		t.Fatalf("a bad byte: %v", err)
	}
	crlf, err := Read([]byte("\ufeffTY  - JOUR\r\nTI  - Title\r\nAU  - Doe, J.\r\nER  - \r\n"))
	if err != nil || len(crlf) != 1 || crlf[0].Record.Title != "Title" {
		t.Fatalf("CRLF: %v %+v", err, crlf)
	}
}
