package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
)

func TestQuerySyntax(t *testing.T) {
	e := newEnv(t)
	e.loadSample()
	lab := "jinan-2025-china-russia-ai-laboratory"

	ai := e.search("artificial intelligence")
	if len(ai) == 0 || !contains(first(ai, 10), lab) { // six talks with the words in shorter titles come first
		t.Errorf("artificial intelligence: %v", first(ai, 5))
	}
	without := e.search("artificial intelligence -laboratory")
	if contains(without, lab) || len(without) == 0 {
		t.Errorf("-laboratory still finds the laboratory: %v", first(without, 5))
	}
	kind := e.search("intelligence kind:agreement")
	if len(kind) != 1 || kind[0] != lab {
		t.Errorf("kind:agreement: %v", kind)
	}
	// The agreement and the talk on the laboratory's plan both have the phrase in a title.
	if got := e.search(`title:"joint artificial intelligence laboratory"`); len(got) != 2 || !contains(got, lab) {
		t.Errorf("title phrase: %v", got)
	}
	if got := e.search(`"intelligence artificial"`); contains(got, lab) {
		t.Error("a phrase matched its words in the wrong order")
	}
	if got := e.search("inteligence~"); !contains(got, lab) {
		t.Errorf("fuzzy: %v", first(got, 5))
	}
	if got := e.search("name:Aldoshin"); len(got) != 1 {
		t.Errorf("name:Aldoshin: %v", got)
	}
	if got := e.search("-kind:presentation"); len(got) != 16 {
		t.Errorf("everything but presentations: %d", len(got))
	}
	for _, q := range []string{"what is artificial intelligence?", `"unbalanced`, "energy -", ": : :", "3:2", "~", "--", `""`, "-", "?"} {
		if _, err := e.index.Search(context.Background(), Request{Query: q}); err != nil {
			t.Errorf("%q: %v", q, err)
		}
	}
	_, err := e.index.Search(context.Background(), Request{Query: "colour:red"})
	if catalog.ErrorCode(err) != catalog.EMALFORMED || !strings.Contains(catalog.ErrorFields(err)[0].Message, `"colour"`) {
		t.Errorf("unknown field: %v", err)
	}
}

func TestFiltersAndFacets(t *testing.T) {
	e := newEnv(t)
	e.loadSample()
	all := e.searchResult("")
	if all.Total != 88 {
		t.Fatalf("empty query: %d", all.Total)
	}
	facet := func(r *Result, name, value string) int {
		for _, v := range r.Facets[name] {
			if v.Value == value {
				return v.Count
			}
		}
		return 0
	}
	if facet(all, "kind", "presentation") != 72 || facet(all, "kind", "agreement") != 8 || facet(all, "session", "opening") != 16 ||
		facet(all, "year", "2025") != 88 || facet(all, "country", "RU") == 0 || facet(all, "language", "sr") != 4 {
		t.Errorf("facets: %+v", all.Facets)
	}
	for _, name := range FacetNames {
		if len(all.Facets[name]) == 0 && name != "label" { // the sample's records have no files here
			t.Errorf("facet %s is empty", name)
		}
	}
	ai := e.searchResult("", func(r *Request) { r.Filters.Session = []string{"ai"} })
	if ai.Total != uint64(facet(all, "session", "ai")) {
		t.Errorf("session=ai: %d", ai.Total)
	}
	two := e.searchResult("", func(r *Request) { r.Filters.Kind = []string{"speech", "report"} })
	if two.Total != 7 {
		t.Errorf("kind=speech,report: %d", two.Total)
	}
	combined := e.searchResult("", func(r *Request) {
		r.Filters.Country = []string{"ru"}
		r.Filters.Session = []string{"energy"}
	})
	for _, h := range combined.Hits {
		rec, _ := e.store.FindRecordByID(context.Background(), h.ID)
		if rec.Session != "energy" || rec.Contributors[0].Country != "RU" {
			t.Errorf("country=RU&session=energy gave %s", h.ID)
		}
	}
	if combined.Total == 0 {
		t.Error("country=RU&session=energy found nothing")
	}
	day := e.searchResult("", func(r *Request) { r.Filters.From, r.Filters.To = "2025-06-05", "2025-06-05" })
	if day.Total == 0 || day.Total >= 88 {
		t.Errorf("one day: %d", day.Total)
	}
	year := e.searchResult("", func(r *Request) { r.Filters.To = "2025" })
	if year.Total != 88 {
		t.Errorf("to=2025 must take in all of 2025: %d", year.Total)
	}
	if _, err := e.index.Search(context.Background(), Request{Filters: Filters{From: "2025-02-30"}}); catalog.ErrorCode(err) != catalog.EMALFORMED {
		t.Errorf("bad from: %v", err)
	}
	contrib := e.search("", func(r *Request) { r.Filters.Contributor = "Aldoshin" })
	if len(contrib) != 1 || contrib[0] != "jinan-2025-aldoshin" {
		t.Errorf("contributor=Aldoshin: %v", contrib)
	}
	contrib = e.search("", func(r *Request) { r.Filters.Contributor = "Гусаков Владимир" })
	if len(contrib) != 2 {
		t.Errorf("contributor=Гусаков Владимир: %v", contrib)
	}
}

func TestDraftsAndDeletesAreFiltered(t *testing.T) {
	e := newEnv(t)
	e.load([]catalog.Record{
		{ID: "pub", Kind: catalog.KindReport, Status: catalog.StatusPublished, Title: "Hydrogen storage", Contributors: []catalog.Contributor{{Family: "A"}}},
		{ID: "draft", Kind: catalog.KindReport, Status: catalog.StatusDraft, Title: "Hydrogen transport", Contributors: []catalog.Contributor{{Family: "B"}}},
		{ID: "gone", Kind: catalog.KindReport, Status: catalog.StatusPublished, Title: "Hydrogen safety", Contributors: []catalog.Contributor{{Family: "C"}}},
	})
	if err := e.store.DeleteRecord(context.Background(), "gone", 0); err != nil {
		t.Fatal(err)
	}
	e.catchUp()
	if got := e.search("hydrogen"); !slices.Equal(got, []string{"pub"}) {
		t.Errorf("anonymous: %v", got)
	}
	got := e.search("hydrogen", func(r *Request) { r.Filters.Statuses = []catalog.Status{catalog.StatusDraft, catalog.StatusPublished} })
	slices.Sort(got)
	if !slices.Equal(got, []string{"draft", "pub"}) {
		t.Errorf("with drafts: %v", got)
	}
}

func TestPaginationThroughEverything(t *testing.T) {
	e := newEnv(t)
	e.loadSample()
	for _, order := range []string{SortRelevance, SortDate, SortDateDesc, SortTitle} {
		for _, q := range []string{"", "science cooperation"} {
			want := e.searchResult(q, func(r *Request) { r.Sort = order })
			var got []string
			after := ""
			for pages := 0; ; pages++ {
				res := e.searchResult(q, func(r *Request) { r.Sort, r.Size, r.After = order, 7, after })
				for _, h := range res.Hits {
					got = append(got, h.ID)
				}
				if res.Next == "" {
					break
				}
				after = res.Next
				if pages > 30 {
					t.Fatal("pagination does not end")
				}
			}
			wantIDs := make([]string, len(want.Hits))
			for i, h := range want.Hits {
				wantIDs[i] = h.ID
			}
			if !slices.Equal(got, wantIDs) || uint64(len(got)) != want.Total {
				t.Errorf("sort %s, q %q: pages gave %d hits, one page %d, total %d", order, q, len(got), len(wantIDs), want.Total)
			}
		}
	}
	first := e.searchResult("", func(r *Request) { r.Sort, r.Size = SortDate, 5 })
	if _, err := e.index.Search(context.Background(), Request{Sort: SortTitle, After: first.Next}); catalog.ErrorCode(err) != catalog.EMALFORMED {
		t.Errorf("cursor of another sort: %v", err)
	}
	if _, err := e.index.Search(context.Background(), Request{After: "bm90IGEgY3Vyc29y"}); catalog.ErrorCode(err) != catalog.EMALFORMED {
		t.Errorf("garbage cursor: %v", err)
	}
}

func TestSortByTitleAcrossScripts(t *testing.T) {
	e := newEnv(t)
	var recs []catalog.Record
	for i, title := range []string{"Zinc", "ábaco", "Яблоко", "Apple", "中国", "banana", "Ёлка", "Бобр", "Émile"} {
		recs = append(recs, catalog.Record{ID: fmt.Sprintf("t%d", i), Kind: catalog.KindOther, Status: catalog.StatusPublished, Title: title})
	}
	e.load(recs)
	var titles []string
	for _, id := range e.search("", func(r *Request) { r.Sort = SortTitle }) {
		rec, _ := e.store.FindRecordByID(context.Background(), id)
		titles = append(titles, rec.Title)
	}
	want := []string{"ábaco", "Apple", "banana", "Émile", "Zinc", "Бобр", "Ёлка", "Яблоко", "中国"}
	if !slices.Equal(titles, want) {
		t.Errorf("sorted by title: %v\nwant %v", titles, want)
	}
}

func TestHighlights(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("Filler words about nothing in particular. ", 12)
	e.load([]catalog.Record{
		{ID: "xss", Kind: catalog.KindOther, Status: catalog.StatusPublished, Title: `<script>alert(1)</script> & hydrogen <b>bold</b>`},
		{ID: "ru", Kind: catalog.KindOther, Status: catalog.StatusPublished, Language: "ru", Title: "Новые технологии хранения водорода",
			Translations: []catalog.Translation{{Language: "en", Title: "New hydrogen storage technologies"}},
			Abstract:     long + "Технологии хранения водорода в соляных кавернах. " + long},
		{ID: "zh", Kind: catalog.KindOther, Status: catalog.StatusPublished, Language: "zh", Title: "中俄人工智能联合实验室"},
	})
	for _, tc := range []struct {
		q, id, part, want string
	}{
		// the <b> of the title is its markup (package markup): the words are marked, the tags not shown
		{"hydrogen", "xss", "title", `&lt;script&gt;alert(1)&lt;/script&gt; &amp; <mark>hydrogen</mark> bold`},
		{"технология", "ru", "title", "Новые <mark>технологии</mark> хранения водорода"},
		{"hydrogen technology", "ru", "title", "New <mark>hydrogen</mark> storage <mark>technologies</mark>"},
		{"人工智能", "zh", "title", "中俄<mark>人工智能</mark>联合实验室"},
		{"каверны", "ru", "abstract", "…"},
	} {
		h := e.highlight(tc.q, tc.id)[tc.part]
		found := false
		for _, f := range h {
			found = found || f == tc.want || (tc.want == "…" && strings.HasPrefix(f, "…") && strings.HasSuffix(f, "…") &&
				strings.Contains(f, "<mark>кавернах</mark>") && len(f) < 400)
		}
		if !found {
			t.Errorf("%q on %s %s: %q", tc.q, tc.id, tc.part, h)
		}
	}
	if h := e.highlight("-hydrogen kind:other", "xss"); h != nil {
		t.Errorf("excluded words and filters are not highlighted: %v", h)
	}
}

func TestFeedbackExpandsVerboseQueriesOnly(t *testing.T) {
	e := newEnv(t)
	rec := func(id, title, abstract string) catalog.Record {
		return catalog.Record{ID: id, Kind: catalog.KindOther, Status: catalog.StatusPublished, Language: "en", Title: title, Abstract: abstract}
	}
	e.load([]catalog.Record{
		rec("caverns", "Hydrogen storage in salt caverns underground", "Salt caverns keep hydrogen for seasonal balancing of electricity grids."),
		rec("balancing", "Seasonal balancing of electricity grids", "Electrolysers, reservoirs and interconnectors for seasonal balancing."),
		rec("poetry", "Medieval poetry of Serbia", "Manuscripts and monasteries."),
		rec("cells", "Stem cells in cartilage repair", "Clinical results."),
		rec("zeolites", "Natural zeolites as catalysts", "Refining."),
	})
	verbose := e.search("hydrogen storage salt caverns underground")
	if len(verbose) < 2 || verbose[0] != "caverns" || !contains(verbose, "balancing") {
		t.Errorf("verbose query: %v; want caverns first and balancing found through feedback", verbose)
	}
	if short := e.search("hydrogen caverns"); contains(short, "balancing") {
		t.Errorf("a short query was expanded: %v", short)
	}
	if plain := e.search("hydrogen storage salt caverns underground", func(r *Request) { r.Filters.Kind = []string{"report"} }); len(plain) != 0 {
		t.Errorf("filters apply to the feedback too: %v", plain)
	}
}
