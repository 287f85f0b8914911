package bibtex

import (
	"os"
	"testing"

	"github.com/annals/annals/catalog"
)

func FuzzRead(f *testing.F) {
	if data, err := os.ReadFile("testdata/mixed.bib"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`@string{a="x"} @book{k, title = a # {y} # "z", author = {A and {B} and C, D, E}}`))
	f.Add([]byte(`@article(k, title = {\"{\i} \v{} \c \'}, year = 99999999999999999999)`))
	f.Add([]byte("@misc{k, title = {unclosed"))
	f.Add([]byte("@string{a = \"aaaa\"} @string{b = a # a} @string{c = b # b} @string{d = c # c} @book{k, title = d # d}"))
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
		}
	})
}
