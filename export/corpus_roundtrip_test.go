package export_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/recordio"
	"github.com/annals/annals/export"
)

// core is what a round trip must keep of a record.
func core(r catalog.Record) string {
	var names []string
	for _, c := range r.Contributors {
		if c.Given == "" && c.Literal == "" { // a family name alone prints as a literal one: the same
			c.Literal, c.Family = c.Family, ""
		}
		names = append(names, c.Family+"|"+c.Given+"|"+c.Literal)
	}
	if r.CitationKey == r.ID { // a record without a key is written with its id as the key
		r.CitationKey = ""
	}
	return fmt.Sprintf("%s\n%v\n%s\n%+v\n%s\n%v\n%s\n%s\n%s\n%+v\n%s\n%s", r.Title, names, r.Date, r.Identifiers, r.Language,
		r.Keywords, r.Pages, r.Publisher, r.Place, r.Source, r.Series, r.Number)
}

// TestCorpusRoundTrips: every record read from the bibliographic corpus,
// mended as an import mends it, written as BibTeX, RIS and CSL-JSON and
// read back, keeps its title, people, date, identifiers, language,
// keywords, pages, publisher, place, where it was published (journal or
// book, volume, issue, edition...), series, number and citation key —
// every one of them (a family name
// alone and a literal name count as the same: they print the same).
func TestCorpusRoundTrips(t *testing.T) {
	dir := catalogtest.SharedPath(t, "corpora", "bibliographic")
	formats := export.ImportFormats()
	var records []catalog.Record
	paths, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, path := range paths {
		f, ok := recordio.FormatForFile(formats, path)
		if !ok || strings.HasSuffix(path, "MANIFEST.json") {
			continue
		}
		data, _ := os.ReadFile(path)
		items, err := f.Read(data)
		if err != nil {
			continue // files refused whole are counted elsewhere
		}
		for _, it := range items {
			r := it.Record
			catalog.CleanImported(&r)
			catalog.NormalizeRecord(&r)
			if catalog.ValidateRecord(&r, nil) == nil {
				records = append(records, r)
			}
		}
	}
	if len(records) < 500 {
		t.Fatalf("only %d records read from the corpus", len(records))
	}
	for _, format := range []string{"bibtex", "ris", "csl-json"} {
		var buf bytes.Buffer
		w, err := export.NewWriter(format, &buf, nil)
		if err != nil {
			t.Fatal(err)
		}
		w.Begin(recordio.Widths{})
		for i := range records {
			r := records[i]
			if r.ID == "" {
				r.ID = fmt.Sprintf("r%d", i)
			}
			if err := w.Write(context.Background(), &r); err != nil {
				t.Fatal(err)
			}
		}
		w.End()
		f, _ := export.FindFormat(format)
		back, err := f.Import.Read(buf.Bytes())
		if err != nil || len(back) != len(records) {
			t.Fatalf("%s: %d of %d read back: %v", format, len(back), len(records), err)
		}
		kept, shown := 0, 0
		for i := range records {
			b := back[i].Record
			catalog.NormalizeRecord(&b)
			if core(b) == core(records[i]) {
				kept++
			} else if shown < 6 {
				shown++
				t.Logf("%s: record %d changed:\n was %q\n now %q", format, i, core(records[i]), core(b))
			}
		}
		t.Logf("%s: %d of %d records kept whole", format, kept, len(records))
		if kept != len(records) {
			t.Errorf("%s: %d of %d records changed", format, len(records)-kept, len(records))
		}
	}
}

// TestEveryFieldRoundTrips: a record of each kind with every
// bibliographic field and identifier set is written as BibTeX, RIS and
// CSL-JSON and read back the same.
func TestEveryFieldRoundTrips(t *testing.T) {
	full := func(kind catalog.Kind) catalog.Record {
		return catalog.Record{ID: "full-" + string(kind), Kind: kind, Title: "Водородная энергетика: обзор", Language: "ru", Date: "2024-05",
			Contributors: []catalog.Contributor{{Family: "Петров", Given: "Пётр", Role: "author"}, {Family: "王", Given: "芳", Role: "editor"}},
			Publisher:    "Наука", Place: "Москва", Series: "Труды РАН", Number: "12", Pages: "10-20", Keywords: []string{"водород", "氢能"},
			Source: catalog.Source{ContainerTitle: "Вестник РАН", Volume: "95", Issue: "3", Edition: "2", Chapter: "4",
				NumberOfPages: "11", OriginalDate: "1998-03", Genre: "Обзор", Medium: "Print", EventName: "Hydrogen Forum 2024",
				CitationKey: "Petrov2024:h2"},
			Identifiers: catalog.Identifiers{DOI: "10.1234/h2.2024", ISBN: "978-3-16-148410-0", OtherISBNs: []string{"0-306-40615-2"},
				ISSN: "0869-5873", OtherISSNs: []string{"1607-3509"}, PMID: "31452104", PMCID: "PMC6711212", ArXiv: "2101.00001",
				Handle: "10568/12345", URL: "https://example.org/h2"}}
	}
	for _, format := range []string{"bibtex", "ris", "csl-json"} {
		for _, kind := range []catalog.Kind{catalog.KindArticle, catalog.KindChapter, catalog.KindBook, catalog.KindReport, catalog.KindDataset} {
			r := full(kind)
			var buf bytes.Buffer
			w, err := export.NewWriter(format, &buf, nil)
			if err != nil {
				t.Fatal(err)
			}
			w.Begin(recordio.Widths{})
			if err := w.Write(context.Background(), &r); err != nil {
				t.Fatal(err)
			}
			w.End()
			f, _ := export.FindFormat(format)
			back, err := f.Import.Read(buf.Bytes())
			if err != nil || len(back) != 1 {
				t.Fatalf("%s %s: %v", format, kind, err)
			}
			b := back[0].Record
			catalog.CleanImported(&b)
			catalog.NormalizeRecord(&b)
			if core(b) != core(r) || b.Kind != r.Kind {
				t.Errorf("%s %s changed:\n was %q\n now %q (%s)\n%s", format, kind, core(r), core(b), b.Kind, buf.String())
			}
		}
	}
}
