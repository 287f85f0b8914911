package export_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/annals/annals/export"
	"github.com/annals/annals/export/bibtex"
	"github.com/annals/annals/export/ris"
)

// TestExportsLinkOpenFiles: BibTeX (file) and RIS (L1) exports link a
// record's open files at the site's address, never its restricted or
// still-embargoed ones, and the readers read those links back as linked
// files (which an import then warns about rather than fetching).
func TestExportsLinkOpenFiles(t *testing.T) {
	now := time.Now().UTC()
	r := catalog.Record{ID: "jinan-2025-ivanov", Kind: catalog.KindPresentation, Title: "Доклад о материалах", Date: "2025-06-12",
		Contributors: []catalog.Contributor{{Family: "Иванов", Given: "Пётр", Role: catalog.RoleAuthor}},
		Files: []catalog.File{
			{Name: "Доклад; слайды: 1.pdf", MediaType: "application/pdf", Access: catalog.AccessOpen, Label: catalog.LabelSlides, Created: now},
			{Name: "текст.pdf", MediaType: "application/pdf", Access: catalog.AccessRestricted, Label: catalog.LabelFulltext, Created: now},
			{Name: "later.pdf", MediaType: "application/pdf", Access: catalog.AccessEmbargoed, EmbargoUntil: now.AddDate(1, 0, 0).Format(time.DateOnly), Created: now},
		}}
	const want = "https://annals.example/records/jinan-2025-ivanov/files/%D0%94%D0%BE%D0%BA%D0%BB%D0%B0%D0%B4%3B%20%D1%81%D0%BB%D0%B0%D0%B9%D0%B4%D1%8B:%201.pdf"
	for _, tc := range []struct {
		format string
		read   func([]byte) ([]catalog.ImportItem, error)
	}{{"bibtex", bibtex.Read}, {"ris", ris.Read}} {
		var buf bytes.Buffer
		w, err := export.NewWriter(tc.format, &buf, nil)
		if err != nil {
			t.Fatal(err)
		}
		w.LinkTo("https://annals.example/")
		if err := w.Begin(recordio.Widths{}); err != nil {
			t.Fatal(err)
		}
		if err := w.Write(t.Context(), &r); err != nil {
			t.Fatal(err)
		}
		if err := w.End(); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if strings.Contains(out, "текст.pdf") || strings.Contains(out, "later.pdf") {
			t.Errorf("%s links a restricted or embargoed file:\n%s", tc.format, out)
		}
		items, err := tc.read(buf.Bytes())
		if err != nil {
			t.Fatalf("%s: reading back: %v\n%s", tc.format, err, out)
		}
		if len(items) != 1 || len(items[0].Files) != 1 {
			t.Fatalf("%s: read back %+v\n%s", tc.format, items, out)
		}
		if f := items[0].Files[0]; f.Path != want || !f.Linked {
			t.Errorf("%s: file read back as %+v, want linked %s\n%s", tc.format, f, want, out)
		}

		buf.Reset() // without the site's address, no links at all
		w, _ = export.NewWriter(tc.format, &buf, nil)
		_ = w.Begin(recordio.Widths{})
		_ = w.Write(t.Context(), &r)
		_ = w.End()
		if items, _ := tc.read(buf.Bytes()); len(items) != 1 || len(items[0].Files) != 0 {
			t.Errorf("%s without a base address links files:\n%s", tc.format, buf.String())
		}
	}
}
