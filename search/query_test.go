package search

import (
	"reflect"
	"testing"

	"github.com/annals/annals/catalog"
)

func TestParseQuery(t *testing.T) {
	for _, tc := range []struct {
		q    string
		want []Clause
	}{
		{"", nil},
		{"   ", nil},
		{"artificial intelligence", []Clause{{Text: "artificial"}, {Text: "intelligence"}}},
		{`"artificial intelligence" lab`, []Clause{{Text: "artificial intelligence", Phrase: true}, {Text: "lab"}}},
		{`"人工智能"`, []Clause{{Text: "人工智能", Phrase: true}}}, // Chinese has no spaces: still a phrase
		{"energy -solar", []Clause{{Text: "energy"}, {Text: "solar", Exclude: true}}},
		{`-"solar energy"`, []Clause{{Text: "solar energy", Phrase: true, Exclude: true}}},
		{"title:intelligence", []Clause{{Field: "title", Text: "intelligence"}}},
		{`title:"new materials"`, []Clause{{Field: "title", Text: "new materials", Phrase: true}}},
		{"Author:Алдошин kind:speech", []Clause{{Field: "name", Text: "Алдошин"}, {Field: "kind", Text: "speech"}}},
		{"-kind:report", []Clause{{Field: "kind", Text: "report", Exclude: true}}},
		{"intelligense~", []Clause{{Text: "intelligense", Fuzzy: true}}},
		{"intelligense~2", []Clause{{Text: "intelligense", Fuzzy: true}}},
		{"what is AI?", []Clause{{Text: "what"}, {Text: "is"}, {Text: "AI?"}}},
		{"ratio 3:2", []Clause{{Text: "ratio"}, {Text: "3:2"}}},
		{"note: this", []Clause{{Text: "note:"}, {Text: "this"}}},
		{"see https://example.org/x", []Clause{{Text: "see"}, {Text: "https://example.org/x"}}},
		{`"unbalanced quote`, []Clause{{Text: "unbalanced"}, {Text: "quote"}}},
		{`a "b c`, []Clause{{Text: "a"}, {Text: "b"}, {Text: "c"}}},
		{"co-operation - -- ? ~", []Clause{{Text: "co-operation"}}},
		{"технология 中俄", []Clause{{Text: "технология"}, {Text: "中俄"}}},
	} {
		got, err := ParseQuery(tc.q)
		if err != nil {
			t.Errorf("ParseQuery(%q): %v", tc.q, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseQuery(%q)\n got %+v\nwant %+v", tc.q, got, tc.want)
		}
	}
}

func TestParseQueryUnknownField(t *testing.T) {
	_, err := ParseQuery("colour:red ai")
	if catalog.ErrorCode(err) != catalog.EMALFORMED || catalog.ErrorFields(err)[0].Field != "q" {
		t.Fatalf("got %v", err)
	}
}

func TestPlainClauses(t *testing.T) {
	got := PlainClauses(`the "electronic filing machine," -dash title:x ? 3:2`)
	want := []Clause{{Text: "the"}, {Text: "electronic"}, {Text: "filing"}, {Text: "machine,"}, {Text: "dash"}, {Text: "title:x"}, {Text: "3:2"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("PlainClauses = %+v", got)
	}
}
