package bibtex

import (
	"reflect"
	"testing"

	"github.com/annals/annals/catalog"
)

// TestEntryFiles reads the file field as the tools that write it do.
func TestEntryFiles(t *testing.T) {
	for _, tc := range []struct {
		name, field string
		want        []string
	}{
		{"Zotero on Linux", `Full Text PDF:/home/anna/Zotero/storage/ABCD1234/Иванов - 2025 - Доклад.pdf:application/pdf;Snapshot:/home/anna/Zotero/storage/ABCD1234/index.html:text/html`,
			[]string{"/home/anna/Zotero/storage/ABCD1234/Иванов - 2025 - Доклад.pdf", "/home/anna/Zotero/storage/ABCD1234/index.html"}},
		{"Zotero on Windows", `Full Text PDF:C\:\\Users\\anna\\Zotero\\storage\\ABCD1234\\paper.pdf:application/pdf`,
			[]string{`C:\Users\anna\Zotero\storage\ABCD1234\paper.pdf`}},
		{"Zotero with exported files", `Full Text:files/12/王 - 2025 - 报告.pdf:application/pdf`, []string{"files/12/王 - 2025 - 报告.pdf"}},
		{"JabRef", `:geiger2016evolution.pdf:PDF`, []string{"geiger2016evolution.pdf"}},
		{"JabRef, a Windows path unescaped", `:C:\papers\a.pdf:PDF`, []string{`C:\papers\a.pdf`}},
		{"Mendeley on Windows", `:C$\backslash$:/Users/anna/Mendeley Desktop/a.pdf:pdf`, []string{"C:/Users/anna/Mendeley Desktop/a.pdf"}},
		{"a bare path", `papers/b.pdf`, []string{"papers/b.pdf"}},
		{"a bare Windows path", `C:\papers\b.pdf`, []string{`C:\papers\b.pdf`}},
		{"a name with escaped separators", `x:files/a\;b\:c.pdf:application/pdf`, []string{"files/a;b:c.pdf"}},
		{"a link", `slides.pdf:https\://annals.example/records/x/files/slides.pdf:application/pdf`, []string{"https://annals.example/records/x/files/slides.pdf"}},
		{"the same twice, and an empty part", `:a.pdf:PDF;;:a.pdf:PDF`, []string{"a.pdf"}},
		{"empty", ``, nil},
	} {
		files := entryFiles(parsedEntry{Fields: map[string]string{"file": tc.field}})
		var got []string
		for _, f := range files {
			if !f.Linked {
				t.Errorf("%s: %q is not marked linked", tc.name, f.Path)
			}
			got = append(got, f.Path)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %q read as %q, want %q", tc.name, tc.field, got, tc.want)
		}
	}
}

// TestEntryFilesLabelTheFirstPDF: the first PDF is the record's full text;
// the pdf field is read too.
func TestEntryFilesLabelTheFirstPDF(t *testing.T) {
	files := entryFiles(parsedEntry{Fields: map[string]string{
		"file": `Snapshot:s/index.html:text/html;Full Text:s/a.pdf:application/pdf;Supplement:s/b.PDF:application/pdf`,
		"pdf":  `s/c.pdf`}})
	var labels []string
	for _, f := range files {
		labels = append(labels, f.Path+"="+f.File.Label)
	}
	want := []string{"s/index.html=", "s/a.pdf=" + catalog.LabelFulltext, "s/b.PDF=", "s/c.pdf="}
	if !reflect.DeepEqual(labels, want) {
		t.Errorf("labels %q, want %q", labels, want)
	}
}
