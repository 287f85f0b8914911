package csljson

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/annals/annals/catalog"
)

func TestFromRecord(t *testing.T) {
	ev := &catalog.Event{ID: "jinan-2025", Name: "Conference of Academies", Place: "Jinan, China", Start: "2025-06-04", End: "2025-06-06",
		Sessions: []catalog.Session{{Key: "ai", Title: "Microelectronics and artificial intelligence"}}}
	r := &catalog.Record{ID: "lab", Kind: catalog.KindAgreement, Title: "中俄人工智能联合实验室共建协议", Language: "zh", Date: "2025-06",
		Contributors: []catalog.Contributor{
			{Literal: "Qilu University of Technology", Role: "party"},
			{Family: "张", Given: "天", Role: "signatory"},
			{Family: "Алдошин", Given: "Сергей Михайлович", Role: "chair"},
			{Family: "Petrović", Given: "Marko", Role: "editor"},
		},
		Event: "jinan-2025", Session: "ai", Keywords: []string{"AI", "人工智能"},
		Identifiers: catalog.Identifiers{DOI: "10.1234/x", URL: "https://example.org/x"}, Pages: "1-5"}
	got := FromRecord(r, ev)
	want := Item{ID: "lab", Type: "treaty", Title: r.Title, Language: "zh",
		Author:     []Name{{Literal: "Qilu University of Technology"}, {Family: "张", Given: "天"}},
		Chair:      []Name{{Family: "Алдошин", Given: "Сергей Михайлович"}},
		Editor:     []Name{{Family: "Petrović", Given: "Marko"}},
		Issued:     &Date{DateParts: [][]int{{2025, 6}}},
		EventTitle: "Conference of Academies", Event: "Conference of Academies", EventPlace: "Jinan, China",
		EventDate: &Date{DateParts: [][]int{{2025, 6, 4}, {2025, 6, 6}}}, Section: "Microelectronics and artificial intelligence",
		Keyword: "AI, 人工智能", Keywords: []string{"AI", "人工智能"}, DOI: "10.1234/x", URL: "https://example.org/x", Page: "1-5"}
	if !reflect.DeepEqual(got, want) {
		a, _ := json.MarshalIndent(got, "", " ")
		t.Errorf("got %s", a)
	}
	for kind, typ := range map[catalog.Kind]string{"presentation": "speech", "speech": "speech", "report": "report",
		"book": "book", "chapter": "chapter", "article": "article-journal", "dataset": "dataset", "other": "document"} {
		if TypeOf(kind) != typ {
			t.Errorf("%s -> %s, want %s", kind, TypeOf(kind), typ)
		}
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]*Date{
		"2025":       {DateParts: [][]int{{2025}}},
		"2025-06":    {DateParts: [][]int{{2025, 6}}},
		"2025-06-04": {DateParts: [][]int{{2025, 6, 4}}},
		"":           nil, "25": nil, "2025-xx": nil, "2025-06-04-01": nil,
	} {
		if got := ParseDate(in); !reflect.DeepEqual(got, want) {
			t.Errorf("ParseDate(%q) = %v, want %v", in, got, want)
		}
	}
}
