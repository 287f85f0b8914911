package export_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/markup"
	"github.com/annals/annals/catalog/recordio"
	"github.com/annals/annals/export"
)

// TestFormatRegistry: every format is complete and unique, every format
// that writes writes a record, and every format with both a writer of many
// records and a reader reads back what it wrote.
func TestFormatRegistry(t *testing.T) {
	_, records := catalogtest.Sample(t)
	records = records[:12]
	names, types := map[string]bool{}, map[string]bool{}
	for _, f := range export.Formats() {
		if f.Name == "" || f.Label == "" || f.MediaType == "" || f.Ext == "" {
			t.Errorf("%+v: a format needs a name, label, media type and extension", f)
		}
		if names[f.Name] || types[f.MediaType] {
			t.Errorf("%s: name or media type %s given twice", f.Name, f.MediaType)
		}
		names[f.Name], types[f.MediaType] = true, true
		if !f.Writes() && f.Import == nil {
			t.Errorf("%s neither writes nor reads", f.Name)
		}
		if f.Writes() {
			var buf bytes.Buffer
			if err := f.WriteRecord(&buf, &records[0], nil, "http://annals.test/records/"+records[0].ID); err != nil || buf.Len() == 0 {
				t.Errorf("%s: writing one record: %v (%d bytes)", f.Name, err, buf.Len())
			}
		}
		if !f.Streams() || f.Import == nil {
			continue
		}
		var buf bytes.Buffer
		w, err := export.NewWriter(f.Name, &buf, nil)
		if err != nil {
			t.Fatal(err)
		}
		var widths = fit(records)
		if err := w.Begin(widths); err != nil {
			t.Fatal(err)
		}
		for i := range records {
			if err := w.Write(t.Context(), &records[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.End(); err != nil {
			t.Fatal(err)
		}
		items, err := f.Import.Read(buf.Bytes())
		if err != nil {
			t.Fatalf("%s: reading back what it wrote: %v", f.Name, err)
		}
		if len(items) != len(records) {
			t.Fatalf("%s: %d records written, %d read back", f.Name, len(records), len(items))
		}
		for i, it := range items {
			if len(it.Errors) > 0 || it.Record.Title != records[i].Title {
				t.Errorf("%s: record %d read back as %q %v, written %q", f.Name, i, it.Record.Title, it.Errors, records[i].Title)
			}
		}
	}
	if _, err := export.NewWriter("dc", &bytes.Buffer{}, nil); err == nil || !strings.Contains(err.Error(), "bibtex") {
		t.Errorf("a format of one record per document streamed: %v", err)
	}
	if !names["json"] || export.RecordFormats()[0].Name != "json" {
		t.Error("Annals' JSON must be the first format a record is offered in")
	}
}

func fit(records []catalog.Record) (w recordio.Widths) {
	for i := range records {
		w.Fit(&records[i])
	}
	return w
}

// TestTypedTextSurvivesEveryFormat: a title with private-use characters,
// TeX and its special characters, an ampersand and a style (<b>, package
// markup) is written by every format so that reading it back (with the
// format's reader, or as JSON or XML) gives the title as typed — Dublin
// Core, plain text, its words.
func TestTypedTextSurvivesEveryFormat(t *testing.T) {
	title := "Plain \uE001title\uE002 \uF8FF & {\\it x} $\\beta$ 50% #1 ~a_b^c <b>bold</b> \"q\""
	r := catalog.Record{ID: "typed", Kind: catalog.KindReport, Status: catalog.StatusPublished, Title: title,
		Contributors: []catalog.Contributor{{Family: "Иванов", Given: "Иван"}}}
	for _, f := range export.Formats() {
		if !f.Writes() {
			continue
		}
		var buf bytes.Buffer
		if err := f.WriteRecord(&buf, &r, nil, "http://annals.test/records/typed"); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		var got string
		switch {
		case f.Import != nil:
			items, err := f.Import.Read(buf.Bytes())
			if err != nil || len(items) != 1 {
				t.Fatalf("%s: reading back: %v", f.Name, err)
			}
			got = items[0].Record.Title
		case f.Name == "csl-json":
			var items []struct{ Title string }
			if err := json.Unmarshal(buf.Bytes(), &items); err != nil || len(items) != 1 {
				t.Fatalf("%s: %v", f.Name, err)
			}
			got = items[0].Title
		case f.Name == "dc":
			var doc struct {
				Title string `xml:"title"`
			}
			if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			got = doc.Title
			if want := markup.Plain(title); got == want {
				got = title
			}
		default:
			t.Fatalf("%s: no way to read it back in this test", f.Name)
		}
		if got != title {
			t.Errorf("%s: the title reads back as %q, typed %q", f.Name, got, title)
		}
	}
}
