package textdoc

import (
	"archive/zip"
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// zipOf makes a ZIP of parts, in order.
func zipOf(t testing.TB, parts ...[2]string) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := z.Create(p[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p[1]))
	}
	z.Close()
	return buf.Bytes()
}

func pagesOf(t *testing.T, data []byte, mediaType string) []string {
	t.Helper()
	pages, err := Pages(bytes.NewReader(data), int64(len(data)), mediaType)
	if err != nil {
		t.Fatalf("%s: %v", mediaType, err)
	}
	return pages
}

const docx = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>Белорусы в Китае:</w:t></w:r><w:r><w:t xml:space="preserve"> история</w:t></w:r></w:p>
<w:p><w:r><w:t>第一</w:t></w:r><w:r><w:tab/><w:t>页</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r></w:p>
<w:p><w:r><w:br w:type="page"/></w:r><w:r><w:lastRenderedPageBreak/><w:t>Вторая страница</w:t></w:r><w:del><w:r><w:delText>удалено</w:delText></w:r></w:del></w:p>
<w:p><w:r><w:lastRenderedPageBreak/><w:t>Третья</w:t><w:br/><w:t>строка</w:t></w:r></w:p>
</w:body></w:document>`

func TestDOCX(t *testing.T) {
	got := pagesOf(t, zipOf(t, [2]string{"[Content_Types].xml", "<Types/>"}, [2]string{"word/document.xml", docx}), typeDOCX)
	want := []string{"Белорусы в Китае: история\n第一\t页", "Вторая страница", "Третья\nстрока"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%q, want %q", got, want)
	}
}

func TestPPTXInThePresentationsOrder(t *testing.T) {
	slide := func(text string) string {
		return `<p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>` +
			text + `</a:t></a:r></a:p><a:p><a:r><a:t>второй абзац</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>`
	}
	data := zipOf(t,
		[2]string{"ppt/presentation.xml", `<p:presentation xmlns:p="p" xmlns:r="r"><p:sldIdLst><p:sldId id="256" r:id="rId3"/><p:sldId id="257" r:id="rId2"/></p:sldIdLst></p:presentation>`},
		[2]string{"ppt/_rels/presentation.xml.rels", `<Relationships><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide1.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide2.xml"/></Relationships>`},
		[2]string{"ppt/slides/slide1.xml", slide("Слайд, второй по порядку")},
		[2]string{"ppt/slides/slide2.xml", slide("氢能 — first slide")},
	)
	want := []string{"氢能 — first slide\nвторой абзац", "Слайд, второй по порядку\nвторой абзац"}
	if got := pagesOf(t, data, typePPTX); !reflect.DeepEqual(got, want) {
		t.Errorf("%q, want %q", got, want)
	}
}

func TestOpenDocument(t *testing.T) {
	odt := `<office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text>
<text:h>Заголовок</text:h><text:p>Слова<text:s text:c="3"/>через<text:tab/>пробелы<office:annotation><text:p>примечание</text:p></office:annotation></text:p>
<text:p><text:soft-page-break/>新的一页<text:line-break/>строка</text:p></office:text></office:body></office:document-content>`
	if got, want := pagesOf(t, zipOf(t, [2]string{"content.xml", odt}), typeODT), []string{"Заголовок\nСлова   через\tпробелы", "新的一页\nстрока"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ODT: %q, want %q", got, want)
	}
	odp := `<office:document-content xmlns:office="o" xmlns:draw="d" xmlns:text="t" xmlns:presentation="p"><office:body><office:presentation>
<draw:page><draw:frame><draw:text-box><text:p>Первый слайд</text:p></draw:text-box></draw:frame><presentation:notes><text:p>заметки</text:p></presentation:notes></draw:page>
<draw:page><draw:frame><draw:text-box><text:p>第二张</text:p></draw:text-box></draw:frame></draw:page></office:presentation></office:body></office:document-content>`
	if got, want := pagesOf(t, zipOf(t, [2]string{"content.xml", odp}), typeODP), []string{"Первый слайд", "第二张"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ODP: %q, want %q", got, want)
	}
}

func TestHTMLIsTheVisibleText(t *testing.T) {
	page := `<!DOCTYPE html><html><head><title>Доклад</title><style>p{color:red}</style><script>var secret = "не текст";</script></head>
<body><h1>Белорусы в Китае</h1><p>Первый <b>абзац</b> текста.</p><noscript>включите JS</noscript><ul><li>一</li><li>二</li></ul>
<template><p>скрыто</p></template><p>Последний&nbsp;абзац &amp; конец</p></body></html>`
	got := strings.Join(pagesOf(t, []byte(page), "text/html; charset=utf-8"), "|")
	for _, want := range []string{"Доклад", "Белорусы в Китае", "Первый абзац текста.", "一", "二", "Последний\u00a0абзац & конец"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q not in %q", want, got)
		}
	}
	for _, hidden := range []string{"color:red", "secret", "включите", "скрыто"} {
		if strings.Contains(got, hidden) {
			t.Errorf("%q is in the text: %q", hidden, got)
		}
	}
}

func TestPlainTextAndMarkdown(t *testing.T) {
	if got := pagesOf(t, []byte("\xEF\xBB\xBFпервая\fвторая"), "text/plain; charset=utf-8"); !reflect.DeepEqual(got, []string{"первая", "вторая"}) {
		t.Errorf("plain text with a BOM and a form feed: %q", got)
	}
	utf16 := []byte{0xFF, 0xFE, 0x1F, 0x04, 0x40, 0x04, 0x38, 0x04, 0x32, 0x04, 0x35, 0x04, 0x42, 0x04, 0x3D, 0xD8, 0x00, 0xDE}
	if got := pagesOf(t, utf16, "text/plain"); !reflect.DeepEqual(got, []string{"Привет😀"}) {
		t.Errorf("UTF-16: %q", got)
	}
	if got := pagesOf(t, []byte("bad \xff byte"), "text/plain"); got[0] != "bad \uFFFD byte" {
		t.Errorf("a byte that is not UTF-8: %q", got)
	}
	md := "# Заголовок\n\nТекст со [ссылкой](https://example.org) и ![рисунком](a.png), **жирный** и `код`.\n\n- пункт\n> цитата\n"
	got := pagesOf(t, []byte(md), "text/markdown; charset=utf-8")[0]
	want := "Заголовок\n\nТекст со ссылкой и рисунком, жирный и код.\n\nпункт\nцитата\n"
	if got != want {
		t.Errorf("Markdown: %q, want %q", got, want)
	}
}

// TestBadDocuments: damaged files and ZIP bombs give an error naming the
// problem, never a panic or unbounded memory.
func TestBadDocuments(t *testing.T) {
	var bomb bytes.Buffer
	z := zip.NewWriter(&bomb)
	w, _ := z.Create("word/document.xml")
	zeros := make([]byte, 1<<20)
	for i := 0; i < MaxText>>20+1; i++ {
		w.Write(zeros)
	}
	z.Close()
	for name, tc := range map[string]struct {
		data      []byte
		mediaType string
		want      string
	}{
		"not a ZIP":       {[]byte("PK\x03\x04 not really"), typeDOCX, "not a ZIP"},
		"no document":     {zipOf(t, [2]string{"x.xml", "<x/>"}), typeDOCX, "without word/document.xml"},
		"no slides":       {zipOf(t, [2]string{"x.xml", "<x/>"}), typePPTX, "without slides"},
		"damaged XML":     {zipOf(t, [2]string{"content.xml", "<a><b></a>&"}), typeODT, "damaged XML"},
		"a ZIP bomb":      {bomb.Bytes(), typeDOCX, "more text than"},
		"an unknown type": {[]byte("x"), "application/x-unknown", "does not read"},
	} {
		_, err := Pages(bytes.NewReader(tc.data), int64(len(tc.data)), tc.mediaType)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", name, err, tc.want)
		}
		if name == "a ZIP bomb" && !errors.Is(err, ErrTooLarge) {
			t.Errorf("a ZIP bomb: %v is not ErrTooLarge", err)
		}
	}
}

func FuzzPages(f *testing.F) {
	f.Add(zipOf(f, [2]string{"word/document.xml", docx}), 0)
	f.Add(zipOf(f, [2]string{"content.xml", "<office:document-content><office:body><text:p>x<text:s text:c=\"99999999999\"/></text:p></office:body></office:document-content>"}), 2)
	f.Add([]byte("<html><script>x</script><p>текст</p>"), 4)
	f.Add([]byte("# t\n[a](b)"), 5)
	types := []string{typeDOCX, typePPTX, typeODT, typeODP, typeHTML, typeMarkdown, typePlain}
	f.Fuzz(func(t *testing.T, data []byte, kind int) {
		mt := types[(kind%len(types)+len(types))%len(types)]
		pages, err := Pages(bytes.NewReader(data), int64(len(data)), mt)
		if err == nil && len(pages) == 0 {
			t.Fatal("no pages and no error")
		}
	})
}
