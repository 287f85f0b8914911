package recordio

import (
	"os"
	"testing"

	"github.com/annals/annals/catalog"
)

// checkReadResult holds for every reader: either an EMALFORMED error and
// no items, or items indexed in order, each with a record or errors.
func checkReadResult(t *testing.T, items []catalog.ImportItem, err error) {
	if err != nil {
		if catalog.ErrorCode(err) != catalog.EMALFORMED || items != nil {
			t.Fatalf("error %v (code %s) with %d items", err, catalog.ErrorCode(err), len(items))
		}
		return
	}
	for i, it := range items {
		if it.Index != i {
			t.Fatalf("item %d has index %d", i, it.Index)
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, name := range []string{"testdata/records.csv", "testdata/bom-crlf.csv"} {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("id,title\na,b\nc,d,e\n"))
	f.Add([]byte("contributors[3].translations[2].family,topics\nx,a;b;;c\n"))
	// other tools' layouts, semicolons, a quote followed by a space, UTF-16
	f.Add([]byte("\ufeffItem Type;Publication Year;Author;Title;Url\nbook;1787;\"Thiéry, Luc\";\"Guide\" ;\nbook;1568;\"Vasari\";;\n"))
	f.Add([]byte("Authors,Title,Year,Source title,Page start,Page end,DOI,Document Type\n\"Li, W., Dou, Z.\",Soil,2020,Eco,1,5,10.1/x,Article\n"))
	f.Add([]byte{0xFF, 0xFE, 'i', 0, 'd', 0, '\t', 0, 'x', 0, '\n', 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := ReadCSV(data)
		checkReadResult(t, items, err)
	})
}

func FuzzReadJSON(f *testing.F) {
	f.Add([]byte(`[{"kind":"report","title":"a","contributors":[{"family":"Б"}]}, 3, {"x":1}]`))
	f.Add([]byte(`{"title": {"nested": [1, 2, {"deep": null}]}}`))
	f.Add([]byte("[\n{\"title\":\"\xff\"}]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := ReadJSON(data)
		checkReadResult(t, items, err)
		items, err = ReadNDJSON(data)
		checkReadResult(t, items, err)
	})
}

func FuzzDecodeRecord(f *testing.F) {
	f.Add([]byte(`{"kind":"speech","title":"Приветственное слово","contributors":[{"family":"Алдошин"}],"created":1}`))
	f.Add([]byte(`{"identifiers":{"doi":[]},"translations":[{"language":5}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := DecodeRecord(data)
		if err != nil && catalog.ErrorCode(err) != catalog.EMALFORMED {
			t.Fatalf("code %s: %v", catalog.ErrorCode(err), err)
		}
		if err == nil {
			// A decoded record can always be validated without panicking.
			catalog.NormalizeRecord(&r)
			_ = catalog.ValidateRecord(&r, func(string) (*catalog.Event, bool) { return nil, false })
		}
	})
}
