package export_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/recordio"
	"github.com/annals/annals/export"
	"github.com/annals/annals/export/csljson"
	"github.com/annals/annals/export/proceedings/proceedingstest"
)

// TestTheFlagshipReportNamesItsPeople: "Белорусы в Китае" has three
// contributors (role contributor: they released it on stage) and no
// author. Every export and citation names them — before, BibTeX, RIS, APA
// and GOST named no one, since no style prints CSL's contributor — and
// every export links back to the record in the catalogue.
func TestTheFlagshipReportNamesItsPeople(t *testing.T) {
	events, records := catalogtest.Sample(t)
	var r *catalog.Record
	for i := range records {
		if records[i].ID == "jinan-2025-belarusians-in-china" {
			r = &records[i]
		}
	}
	if r == nil {
		t.Fatal("the sample has no flagship report")
	}
	ev := &events[0]
	// each export names the people and links back to the record
	page := "https://annals.example/records/jinan-2025-belarusians-in-china"
	for format, wants := range map[string][]string{
		"bibtex":   {"Дудик, Александр Михайлович and Wang, Juncheng and Duan, Peiyong", "annals = {" + page + "}"},
		"ris":      {"AU  - Дудик, Александр Михайлович", "LK  - " + page},
		"csl-json": {`"family":"Дудик"`, `"custom":{"annals":"` + page + `"}`},
	} {
		var buf bytes.Buffer
		w, err := export.NewWriter(format, &buf, func(context.Context, string) *catalog.Event { return ev })
		if err != nil {
			t.Fatal(err)
		}
		w.LinkTo("https://annals.example")
		if err := w.Begin(recordio.Widths{}); err != nil {
			t.Fatal(err)
		}
		if err := w.Write(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		w.End()
		for _, want := range wants {
			if !strings.Contains(buf.String(), want) {
				t.Errorf("%s lacks %q:\n%s", format, want, buf.String())
			}
		}
	}
	item, err := csljson.ProcessorItem(r, ev)
	if err != nil {
		t.Fatal(err)
	}
	for style, want := range map[string]string{
		"apa":               "Дудик, А. М., Wang, J., & Duan, P. (2025).",
		"gost-r-7-0-5-2008": "Дудик А. М., Wang J., Duan P. Белорусы в Китае",
	} {
		got := proceedingstest.Style(t, style).Reference(item, "text")
		if !strings.HasPrefix(got, want) {
			t.Errorf("%s: %q, want it to start %q", style, got, want)
		}
	}
}
