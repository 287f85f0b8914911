package bibtex

import (
	"strings"
	"testing"

	"github.com/annals/annals/export/csljson"
)

func TestEntry(t *testing.T) {
	it := csljson.Item{ID: "jinan-2025-aldoshin", Type: "speech", Title: "Приветственное слово: 100% {braces} & more",
		Author:     []csljson.Name{{Family: "Алдошин", Given: "Сергей Михайлович"}, {Literal: "Qilu University of Technology"}},
		Issued:     csljson.ParseDate("2025-06-04"),
		EventTitle: "Conference", EventPlace: "Jinan, China",
		EventDate: &csljson.Date{DateParts: [][]int{{2025, 6, 4}, {2025, 6, 6}}}, Page: "1-5", Language: "ru", Keyword: "наука, 科学"}
	got := Entry(it)
	for _, want := range []string{
		"@misc{jinan-2025-aldoshin,\n",
		"  author = {Алдошин, Сергей Михайлович and {Qilu University of Technology}},\n",
		`  title = {Приветственное слово: 100\% \{braces\} \& more},` + "\n",
		"  date = {2025-06-04},\n",
		"  eventdate = {2025-06-04/2025-06-06},\n",
		"  pages = {1--5},\n",
		"  keywords = {наука, 科学},\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("entry lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "{") != strings.Count(got, "}") {
		t.Errorf("unbalanced braces:\n%s", got)
	}
}
