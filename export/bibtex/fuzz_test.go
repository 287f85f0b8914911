package bibtex

import (
	"io/fs"
	"os"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/annals/annals/catalog"
)

// fuzzFiles are the files of a fuzzed import.
var fuzzFiles = fstest.MapFS{"a.pdf": {Data: []byte("%PDF-1.4\n")}, "Users/a.pdf": {Data: []byte("%PDF-1.4\n")}, "dir": {Mode: fs.ModeDir}}

func FuzzRead(f *testing.F) {
	if data, err := os.ReadFile("testdata/mixed.bib"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`@string{a="x"} @book{k, title = a # {y} # "z", author = {A and {B} and C, D, E}}`))
	f.Add([]byte(`@article(k, title = {\"{\i} \v{} \c \'}, year = 99999999999999999999)`))
	f.Add([]byte("@misc{k, title = {unclosed"))
	f.Add([]byte("@string{a = \"aaaa\"} @string{b = a # a} @string{c = b # b} @string{d = c # c} @book{k, title = d # d}"))
	f.Add([]byte(`@misc{k, title={T}, file = {Full Text:C\:\\Users\\a.pdf:application/pdf;;:a.pdf:PDF;x\}, pdf={/tmp/a.pdf}}`))
	f.Add([]byte(`@misc{k, title={T}, file = {:C$\backslash$:/a.pdf:pdf;https\://x/y.pdf;../../etc/passwd;\\;/}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := Read(data)
		if err != nil {
			if catalog.ErrorCode(err) != catalog.EMALFORMED || items != nil {
				t.Fatalf("error %v (code %s) with %d items", err, catalog.ErrorCode(err), len(items))
			}
			return
		}
		for _, it := range items {
			r := it.Record
			catalog.NormalizeRecord(&r) // anything read can be validated
			_ = catalog.ValidateRecord(&r, func(string) (*catalog.Event, bool) { return nil, false })
			for _, f := range it.Files {
				if f.Path == "" || !f.Linked {
					t.Fatalf("file read as %+v", f)
				}
			}
		}
		// whatever the files name, finding them fails an item or warns
		if err := catalog.ResolveImportFiles(t.Context(), items, fuzzFiles, nil, 1<<20, true); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzPlainValue: a value plainValue lets through unread is one the TeX
// decoder would have given back unchanged.
func FuzzPlainValue(f *testing.F) {
	for _, s := range []string{"", "plain", "a-b 2025-06-04", "a--b", "two  spaces", " lead", "trail\u00a0", "Кириллица 中文",
		"и\u0306", "Cafe\u0301", "\u00ab«»\u201c", "x\\y", "a~b", "Ӂ ӂ ҈", "日本語\u3000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || !plainValue(s) {
			return
		}
		if got := decodeText(s, false); got != s {
			t.Fatalf("plainValue(%q) but the decoder gives %q", s, got)
		}
	})
}
