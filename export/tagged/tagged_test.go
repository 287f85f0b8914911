package tagged

import (
	"os"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
)

func readCorpus(t *testing.T, name string, read func([]byte) ([]catalog.ImportItem, error)) []catalog.Record {
	t.Helper()
	data, err := os.ReadFile(catalogtest.SharedPath(t, "corpora", "bibliographic", name))
	if err != nil {
		t.Fatal(err)
	}
	items, err := read(data)
	if err != nil {
		t.Fatal(err)
	}
	var out []catalog.Record
	for _, it := range items {
		out = append(out, it.Record)
	}
	return out
}

func names(r catalog.Record) string {
	var n []string
	for _, c := range r.Contributors {
		n = append(n, c.Family+","+c.Given+c.Literal)
	}
	return strings.Join(n, "; ")
}

// TestTheTaggedFormatsOfTheCorpus reads the real EndNote, Web of Science,
// PubMed and CNKI NoteExpress exports of the corpus.
func TestTheTaggedFormatsOfTheCorpus(t *testing.T) {
	e := readCorpus(t, "jabref_Endnote.book.example.enw", ReadEndNote)
	if r := e[0]; len(e) != 1 || r.Kind != catalog.KindBook || !strings.HasPrefix(r.Title, "Git : dezentrale Versionsverwaltung") ||
		names(r) != "Preißel,René; Stachmann,Bjørn" || r.Date != "2016" || r.Identifiers.ISBN != "978-3-86490-311-3" ||
		r.Place != "Heidelberg" || r.Publisher != "dpunkt.verlag" {
		t.Errorf("EndNote: %+v", e)
	}
	w := readCorpus(t, "synthesisr_WoS_ciw_example.ciw", ReadWoS)
	if r := w[0]; len(w) != 5 || r.Kind != catalog.KindArticle ||
		r.Title != "Soil fauna diversity at different stages of reed restoration in a lakeshore wetland at Lake Taihu, China" ||
		len(r.Contributors) != 10 || r.Contributors[0].Family != "Li" || r.Identifiers.DOI != "10.1080/20964129.2020.1722034" ||
		r.ContainerTitle != "ECOSYSTEM HEALTH AND SUSTAINABILITY" || r.Volume != "6" || r.Issue != "1" || r.Date != "2020" ||
		r.Identifiers.ISSN != "2096-4129; 2332-8878" { // both ISSNs, split when the import mends them
		t.Errorf("Web of Science: %+v", w[0])
	}
	if r := w[0]; r.Number != "UNSP 1722034" { // the article number
		t.Errorf("Web of Science: %+v", w[0])
	}
	m := readCorpus(t, "synthesisr_PubMed_example.txt", ReadMEDLINE)
	if r := m[0]; len(m) != 3 || !strings.HasPrefix(r.Title, "Differences in nitrate and phosphorus export between wooded and grassed riparian zones") ||
		r.Date != "2017" || r.Identifiers.DOI != "10.1016/j.scitotenv.2017.04.075" || r.Identifiers.ISSN != "1879-1026" || r.Pages != "188-197" ||
		r.Identifiers.PMID == "" || r.ContainerTitle == "" {
		t.Errorf("MEDLINE: %+v", m[0])
	}
	n := readCorpus(t, "cnki_Classic5Test.net", ReadNoteExpress)
	if len(n) != 5 || names(n[0]) != ",Alaa Alhaj-Ismail; ,Sami Adwan; ,John Stittle" || n[2].Title != "高效产生任意矢量光场的一种方法" ||
		!strings.HasPrefix(names(n[2]), ",齐淑霞; ,刘圣") || n[0].Identifiers.ISSN != "1815-5669" {
		t.Errorf("NoteExpress: %q / %q / %+v", names(n[0]), names(n[2]), n[2])
	}
}

// TestEndNoteXMLOfTheCorpus reads JabRef's EndNote XML test files (one
// written by Bookends), texts in <style> runs.
func TestEndNoteXMLOfTheCorpus(t *testing.T) {
	a := readCorpus(t, "jabref_EndnoteXmlImporterTestArticle.xml", ReadEndNoteXML)
	if r := a[0]; len(a) != 1 || r.Kind != catalog.KindArticle ||
		r.Title != "Trends in the lifetime risk of developing cancer in Great Britain: comparison of risk for those born from 1930 to 1960" ||
		names(r) != "Ahmad,AS; Ormiston-Smith,N; Sasieni,PD" || r.Date != "2015" || r.Pages != "943-7" ||
		r.ContainerTitle != "Br J Cancer" || r.Volume != "112" || r.Issue != "5" || r.Identifiers.PMID != "25647015" {
		t.Errorf("EndNote XML: %+v", a[0])
	}
	if m := readCorpus(t, "jabref_EndnoteXmlImporterTestLabelAndMultiTitle.xml", ReadEndNoteXML); len(m) != 3 {
		t.Errorf("%d records", len(m))
	}
}

// TestBadTaggedFiles: garbage is refused with the line, never a panic.
func TestBadTaggedFiles(t *testing.T) {
	for name, read := range map[string]func([]byte) ([]catalog.ImportItem, error){"enw": ReadEndNote, "wos": ReadWoS,
		"medline": ReadMEDLINE, "noteexpress": ReadNoteExpress, "endnote-xml": ReadEndNoteXML} {
		for _, data := range []string{"", "\n\n", "not a tagged file\nat all", "\xff\xfe", "<xml><records></records></xml>", "<xml><records><record>"} {
			if _, err := read([]byte(data)); catalog.ErrorCode(err) != catalog.EMALFORMED {
				t.Errorf("%s %q: %v", name, data, err)
			}
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("%0 Book\n%A Doe, J.\n%T T\n\n%0 Journal Article\n%T U\n"))
	f.Add([]byte("FN x\nVR 1.0\nPT J\nAU Li, W\n   Dou, Z\nTI A\n   title\nER\nEF\n"))
	f.Add([]byte("PMID- 1\nTI  - A\n      title\nAU  - Doe J\n\nPMID- 2\n"))
	f.Add([]byte("{Reference Type}: Book\n{Title}: 书\n{Author}: 张三;李四;\n"))
	f.Add([]byte(`<xml><records><record><ref-type name="Book">6</ref-type><titles><title><style>T</style></title></titles></record></records></xml>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, read := range []func([]byte) ([]catalog.ImportItem, error){ReadEndNote, ReadWoS, ReadMEDLINE, ReadNoteExpress, ReadEndNoteXML} {
			if _, err := read(data); err != nil && catalog.ErrorCode(err) != catalog.EMALFORMED {
				t.Fatalf("not EMALFORMED: %v", err)
			}
		}
	})
}
