package recordio

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
)

// TestCSVRoundTrip writes records as CSV and reads them back unchanged.
func TestCSVRoundTrip(t *testing.T) {
	recs := catalogtest.NewGenerator(8).Records(50)
	recs[0].Contributors[0].Translations = []catalog.NameTranslation{{Language: "en", Family: "Aldoshin", Given: "Sergey"}}
	recs[1].Note = "line one\nline two, with \"quotes\""
	recs[2].Identifiers = catalog.Identifiers{DOI: "10.1234/x", URL: "https://example.org/a?b=c"}
	recs[3].Contributors = append(recs[3].Contributors, catalog.Contributor{Literal: "Российская академия наук", Role: "organizer"})
	var w Widths
	for i := range recs {
		w.Fit(&recs[i])
	}
	var buf bytes.Buffer
	cw, err := NewCSVWriter(&buf, w)
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		if err := cw.Write(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := cw.Flush(); err != nil {
		t.Fatal(err)
	}
	items, err := ReadCSV(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != len(recs) {
		t.Fatalf("%d items back, %d written", len(items), len(recs))
	}
	for i, it := range items {
		if len(it.Errors) > 0 {
			t.Fatalf("item %d: %v", i, it.Errors)
		}
		if !reflect.DeepEqual(it.Record, recs[i]) {
			t.Errorf("record %d changed in the round trip:\n got %+v\nwant %+v", i, it.Record, recs[i])
		}
	}
}
