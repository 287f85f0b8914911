package csljson_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/export/csljson"
)

// TestCSLJSONRoundTrip: every record of the sample, written as CSL-JSON
// and read back, keeps its title, people (names, in order), date,
// identifiers, language, keywords, publisher, place and pages.
func TestCSLJSONRoundTrip(t *testing.T) {
	events, records := catalogtest.Sample(t)
	var items []csljson.Item
	for i := range records {
		items = append(items, csljson.FromRecord(&records[i], &events[0]))
	}
	data, err := json.Marshal(items)
	if err != nil {
		t.Fatal(err)
	}
	if !csljson.Looks(data) {
		t.Fatal("CSL-JSON is not told from Annals' JSON")
	}
	back, err := csljson.Read(data)
	if err != nil || len(back) != len(records) {
		t.Fatalf("%d of %d read: %v", len(back), len(records), err)
	}
	core := func(r catalog.Record) any {
		var names []string
		for _, c := range r.Contributors {
			names = append(names, c.Family+"|"+c.Given+"|"+c.Literal)
		}
		return []any{r.ID, r.Title, names, r.Date, r.Identifiers, r.Language, r.Keywords, r.Publisher, r.Place, r.Pages}
	}
	for i := range records {
		if got, want := core(back[i].Record), core(records[i]); !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", records[i].ID, got, want)
		}
	}
}

// TestLooks: Annals' own JSON is not taken for CSL-JSON.
func TestLooks(t *testing.T) {
	if csljson.Looks([]byte(`[{"id":"a","kind":"report","title":"T"}]`)) || csljson.Looks([]byte(`{"type":"book"}`)) ||
		!csljson.Looks([]byte(`[{"id":"a","type":"book","title":"T"}]`)) {
		t.Error("Looks tells the formats apart wrongly")
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(`[{"id":"a","type":"book","title":"T","author":[{"family":"Doe","given":"J"}],"issued":{"date-parts":[["2011",5,25]]}}]`))
	f.Add([]byte(`[{"id":1,"type":"article-journal","issued":{"raw":"2016-01-01T00:00:00"},"volume":6,"page":"1-5","language":"English"}]`))
	f.Add([]byte(`[{"type":"x","issued":{"date-parts":[[]]},"author":[{}]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := csljson.Read(data)
		if err != nil {
			if catalog.ErrorCode(err) != catalog.EMALFORMED {
				t.Fatalf("not EMALFORMED: %v", err)
			}
			return
		}
		for _, it := range items {
			_ = it.Record.Title
		}
	})
}
