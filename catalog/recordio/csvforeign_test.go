package recordio

import (
	"os"
	"strings"
	"testing"

	"github.com/annals/annals/catalog/catalogtest"
)

// TestForeignCSVLayouts: Zotero's CSV (saved by a French Excel:
// semicolons, a BOM, short rows, a stray space after a quote) and Scopus's
// are read by their headers into records.
func TestForeignCSVLayouts(t *testing.T) {
	read := func(name string) []string {
		data, err := os.ReadFile(catalogtest.SharedPath(t, "corpora", "bibliographic", name))
		if err != nil {
			t.Fatal(err)
		}
		items, err := ReadCSV(data)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, it := range items {
			r := it.Record
			s := string(r.Kind) + "|" + r.Date + "|" + r.Title
			if len(r.Contributors) > 0 {
				c := r.Contributors[0]
				s += "|" + c.Family + "," + c.Given + c.Literal
			}
			out = append(out, s)
		}
		return out
	}
	z := read("karlpineau_zotero.csv")
	t.Logf("Zotero: %q", z)
	if len(z) != 6 || !strings.HasSuffix(z[0], "par M. Thiéry|Thiéry,Luc-Vincent Auteur du texte") || !strings.HasPrefix(z[1], "book|1568||Vasari,Giorgio (1511-1574)") {
		t.Errorf("Zotero: %q", z)
	}
	s := read("pytrackrecord_scopus.csv")
	if len(s) != 49 || s[0] != "article|2017|Commissioning a hobby cutting device for radiochromic film preparation|Zolfaghari,S." {
		t.Errorf("Scopus: %d, %q", len(s), s[0])
	}
}

// TestCSVDelimitersAndUTF16: Annals' own columns separated by semicolons or
// tabs, and a UTF-16 file from Excel's "Unicode text".
func TestCSVDelimitersAndUTF16(t *testing.T) {
	for name, data := range map[string]string{
		"semicolons": "id;kind;title;contributors[0].literal\nx;report;Отчёт, первый;Академия\n",
		"tabs":       "id\tkind\ttitle\tcontributors[0].literal\nx\treport\tОтчёт, первый\tАкадемия\n",
	} {
		items, err := ReadCSV([]byte(data))
		if err != nil || len(items) != 1 || items[0].Record.Title != "Отчёт, первый" {
			t.Errorf("%s: %v %+v", name, err, items)
		}
	}
	utf16 := []byte{0xFF, 0xFE}
	for _, r := range "id\tkind\ttitle\nx\treport\t中文标题\n" {
		utf16 = append(utf16, byte(r), byte(r>>8))
	}
	items, err := ReadCSV(utf16)
	if err != nil || len(items) != 1 || items[0].Record.Title != "中文标题" {
		t.Errorf("UTF-16: %v %+v", err, items)
	}
}
