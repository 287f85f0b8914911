package search

import (
	"context"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
)

// TestRankingWhatPeopleMean runs the examples of the search issue on the
// sample and the real multilingual records: a name ranks that person's
// records first, above records that only share syllables in transliterated
// text; a Chinese phrase in a title ranks above topic and scattered
// matches; names and words typed without their diacritics or with a typo
// are found.
func TestRankingWhatPeopleMean(t *testing.T) {
	e := newEnv(t)
	e.loadSample()
	e.load(catalogtest.MultilingualRecords(t))
	// byPerson: a contributor of record id has every word of name in one
	// of the forms of their name (any script, romanised)
	byPerson := func(id, name string) bool {
		r, err := e.store.FindRecordByID(context.Background(), id)
		if err != nil {
			return false
		}
		for _, c := range r.Contributors {
			forms := strings.ToLower(strings.Join(nameForms(c), " "))
			all := true
			words := strings.Fields(strings.ToLower(name))
			if strings.ContainsFunc(name, isHan) {
				words = nil
				for _, r := range name {
					words = append(words, string(r))
				}
			}
			for _, w := range words {
				all = all && strings.Contains(forms, w)
			}
			if all {
				return true
			}
		}
		return false
	}
	t.Run("names first", func(t *testing.T) {
		for _, q := range []string{"Zhang Tian", "zhang tian", "Wang Guiying", "Aldoshin", "张天", "Алдошин"} {
			ids := e.search(q)
			if len(ids) == 0 || !byPerson(ids[0], q) {
				t.Errorf("%q: first is %v, not a record of the person", q, first(ids, 3))
			}
		}
	})
	t.Run("a Chinese phrase in a title first", func(t *testing.T) {
		ids := e.search("人工智能")
		if len(ids) < 3 {
			t.Fatalf("人工智能: %v", ids)
		}
		seenOther := false
		for _, id := range first(ids, 8) {
			r, _ := e.store.FindRecordByID(context.Background(), id)
			inTitle := strings.Contains(r.Title, "人工智能")
			for _, tr := range r.Translations {
				inTitle = inTitle || strings.Contains(tr.Title, "人工智能")
			}
			if inTitle && seenOther {
				t.Errorf("人工智能: %s has it in its title but ranks below a record that does not (%v)", id, first(ids, 8))
			}
			seenOther = seenOther || !inTitle
		}
	})
	t.Run("diacritics and letters folded", func(t *testing.T) {
		for q, want := range map[string]string{
			"Nikolic": "Nikolić", "Petrovic": "Petrović", "Жумабаева": "Жұмабаева", "Kasymov": "Қасымов",
			"Ozbekiston": "Oʻzbekiston", "O'zbekiston": "Oʻzbekiston",
		} {
			ids := e.search(q)
			if len(ids) == 0 {
				t.Errorf("%q finds nothing (it should find %s)", q, want)
			}
		}
	})
	t.Run("typos forgiven", func(t *testing.T) {
		for _, q := range []string{"intelligense", "artifical intelligence", "технологя", "Aldoshn"} {
			if ids := e.search(q); len(ids) == 0 {
				t.Errorf("%q finds nothing", q)
			}
		}
		if ids := e.search("intelligense~"); len(ids) == 0 {
			t.Error("intelligense~ finds nothing")
		}
		if got := e.searchResult("artifical intelligense").DidYouMean; got != "artificial intelligence" {
			t.Errorf("did you mean %q", got)
		}
		if got := e.searchResult("сатрудничество Алдашин").DidYouMean; got != "сотрудничество Алдошин" {
			t.Errorf("did you mean %q (Cyrillic)", got)
		}
		if got := e.searchResult("artificial intelligence").DidYouMean; got != "" {
			t.Errorf("a query without typos: did you mean %q", got)
		}
	})
}

// TestFacetsCombine: a facet's counts are those of the search without its
// own choice (the other values stay in sight to be added), the other
// facets' with it; several values of one facet are ORed; numbered pages
// cover the results without a gap or a repeat.
func TestFacetsCombine(t *testing.T) {
	e := newEnv(t)
	e.loadSample()
	all := e.searchResult("")
	speeches := e.searchResult("", func(r *Request) { r.Filters.Kind = []string{"speech"} })
	count := func(res *Result, facet, value string) int {
		for _, fv := range res.Facets[facet] {
			if fv.Value == value {
				return fv.Count
			}
		}
		return 0
	}
	if count(speeches, "kind", "presentation") != count(all, "kind", "presentation") || count(speeches, "kind", "presentation") == 0 {
		t.Errorf("with kind=speech the kind facet lost presentation: %v", speeches.Facets["kind"])
	}
	if int(speeches.Total) != count(all, "kind", "speech") {
		t.Errorf("kind=speech: %d hits, the facet said %d", speeches.Total, count(all, "kind", "speech"))
	}
	sumYears := 0
	for _, fv := range speeches.Facets["year"] {
		sumYears += fv.Count
	}
	if sumYears != int(speeches.Total) {
		t.Errorf("the year facet counts %d records, the search has %d (other facets count with the choice on)", sumYears, speeches.Total)
	}
	both := e.searchResult("", func(r *Request) { r.Filters.Kind = []string{"speech", "agreement"} })
	if int(both.Total) != count(all, "kind", "speech")+count(all, "kind", "agreement") {
		t.Errorf("speech or agreement: %d", both.Total)
	}
	seen := map[string]bool{}
	for page := 1; page <= 5; page++ {
		res := e.searchResult("", func(r *Request) { r.Size, r.Page, r.Sort = 20, page, SortTitle })
		for _, h := range res.Hits {
			if seen[h.ID] {
				t.Errorf("page %d repeats %s", page, h.ID)
			}
			seen[h.ID] = true
		}
	}
	if len(seen) != int(all.Total) {
		t.Errorf("the pages hold %d of %d records", len(seen), all.Total)
	}
}

// TestSuggest: what a person types suggests titles, names and keywords of
// published records, in any script, folded; drafts are never suggested.
func TestSuggest(t *testing.T) {
	e := newEnv(t)
	e.loadSample()
	ctx := context.Background()
	texts := func(q string) []string {
		s, err := e.index.Suggest(ctx, q, 8)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range s {
			out = append(out, x.Text)
		}
		return out
	}
	has := func(list []string, part string) bool {
		for _, s := range list {
			if strings.Contains(s, part) {
				return true
			}
		}
		return false
	}
	for q, want := range map[string]string{"intell": "intelligence", "Алдош": "Алдошин", "aldosh": "Aldoshin", "人工": "人工智能",
		"geotherm": "Geothermal", "ozbek": "Oʻzbekiston", "жумаб": "Жұмабаева", "petrovic": "Petrović"} {
		if got := texts(q); !has(got, want) {
			t.Errorf("%q suggests %v, nothing with %q", q, got, want)
		}
	}
	if got := texts("a"); len(got) != 0 {
		t.Errorf("one letter suggests %v", got)
	}
	e.load([]catalog.Record{
		{ID: "secret", Kind: catalog.KindReport, Status: catalog.StatusDraft, Title: "Zyxwvut confidential draft", Contributors: []catalog.Contributor{{Family: "Qwerty"}}},
		{ID: "open", Kind: catalog.KindReport, Status: catalog.StatusPublished, Title: "Zyxwvut open report", Contributors: []catalog.Contributor{{Family: "Qwerty"}}},
	})
	if got := texts("zyxwvut"); len(got) != 1 || got[0] != "Zyxwvut open report" {
		t.Errorf("zyxwvut suggests %v, want the published title only", got)
	}
}

// TestHanTitlesSortByPinyin: sorting by title orders Chinese titles by
// their pinyin (安 an, 氢 qing, 人 ren, 中 zhong), after the other scripts as before, as the proceedings'
// index orders Chinese names, not by radical and stroke.
func TestHanTitlesSortByPinyin(t *testing.T) {
	e := newEnv(t)
	e.load([]catalog.Record{
		{ID: "zhong", Kind: catalog.KindReport, Status: catalog.StatusPublished, Language: "zh", Title: "中俄合作", Contributors: []catalog.Contributor{{Family: "李"}}},
		{ID: "ren", Kind: catalog.KindReport, Status: catalog.StatusPublished, Language: "zh", Title: "人工智能", Contributors: []catalog.Contributor{{Family: "李"}}},
		{ID: "qing", Kind: catalog.KindReport, Status: catalog.StatusPublished, Language: "zh", Title: "氢能", Contributors: []catalog.Contributor{{Family: "李"}}},
		{ID: "an", Kind: catalog.KindReport, Status: catalog.StatusPublished, Language: "zh", Title: "安全", Contributors: []catalog.Contributor{{Family: "李"}}},
	})
	got := e.search("", func(r *Request) { r.Sort = SortTitle })
	if strings.Join(got, " ") != "an qing ren zhong" {
		t.Errorf("by title: %v, want an (an) qing (qing) ren (ren) zhong (zhong)", got)
	}
}

// TestTitleSortFollowsInterfaceLanguage: a title sort puts the interface
// language's script first — Cyrillic in Russian, Han in Chinese, Latin in
// English — and orders within each script as before (accents and case
// ignored, Han by pinyin); a cursor pages on in the same order and is
// refused in another language's.
func TestTitleSortFollowsInterfaceLanguage(t *testing.T) {
	e := newEnv(t)
	rec := func(id, lang, title string) catalog.Record {
		return catalog.Record{ID: id, Kind: catalog.KindReport, Status: catalog.StatusPublished, Language: lang, Title: title,
			Contributors: []catalog.Contributor{{Family: "Smith"}}}
	}
	e.load([]catalog.Record{
		rec("energy", "en", "Énergie solaire"), rec("agri", "en", "agriculture"),
		rec("belarus", "ru", "Белорусы в Китае"), rec("yozh", "ru", "ёжики"), rec("atom", "ru", "Атомная энергетика"),
		rec("an", "zh", "安全"), rec("zhong", "zh", "中俄合作"),
		rec("digits", "en", "2025 in review"),
	})
	for _, tc := range []struct{ lang, want string }{
		{"", "digits agri energy atom belarus yozh an zhong"},
		{"en", "digits agri energy atom belarus yozh an zhong"},
		{"ru", "atom belarus yozh digits agri energy an zhong"},
		{"zh", "an zhong digits agri energy atom belarus yozh"},
	} {
		got := e.search("", func(r *Request) { r.Sort, r.SortLanguage = SortTitle, tc.lang })
		if strings.Join(got, " ") != tc.want {
			t.Errorf("title sort in %q: %v\n want %s", tc.lang, got, tc.want)
		}
		var paged []string
		after := ""
		for range 10 {
			res := e.searchResult("", func(r *Request) { r.Sort, r.SortLanguage, r.Size, r.After = SortTitle, tc.lang, 3, after })
			for _, h := range res.Hits {
				paged = append(paged, h.ID)
			}
			if after = res.Next; after == "" {
				break
			}
		}
		if strings.Join(paged, " ") != tc.want {
			t.Errorf("title sort in %q, 3 a page: %v\n want %s", tc.lang, paged, tc.want)
		}
	}
	first := e.searchResult("", func(r *Request) { r.Sort, r.SortLanguage, r.Size = SortTitle, "ru", 3 })
	_, err := e.index.Search(context.Background(), Request{Sort: SortTitle, SortLanguage: "zh", Size: 3, After: first.Next})
	if catalog.ErrorCode(err) != catalog.EMALFORMED && catalog.ErrorCode(err) != catalog.EINVALID {
		t.Errorf("a Russian title cursor in a Chinese search: %v, want it refused", err)
	}
}

// TestExactSpellingsRankFirst: folding finds a word however its marks are
// typed, and the spelling typed ranks first: "Šabac" above "Sabac", "Ёлка"
// above "Елка", "Oʻzbekiston" above "Ozbekiston" — though each marked title
// is the longer one, which would rank it second on the words alone; typed
// without marks, both are found.
func TestExactSpellingsRankFirst(t *testing.T) {
	for _, c := range []struct{ q, plainQ, plain, marked string }{
		{"Šabac", "Sabac", "Sabac vineyards", "Šabac vineyards and orchards of the Sava valley"},
		{"Ёлка", "Елка", "Елка и сосна", "Ёлка и сосна в лесах северной тайги и на болотах"},
		{"Oʻzbekiston", "Ozbekiston", "Ozbekiston science parks", "Oʻzbekiston science parks and clusters of the regions"},
	} {
		e := newEnv(t)
		rec := func(id, title string) catalog.Record {
			return catalog.Record{ID: id, Kind: catalog.KindArticle, Status: catalog.StatusPublished, Title: title, Language: "en",
				Date: "2025", Contributors: []catalog.Contributor{{Family: "Karimova", Given: "Dilnoza"}}}
		}
		e.load([]catalog.Record{rec("plain", c.plain), rec("marked", c.marked)})
		if ids := e.search(c.q); len(ids) != 2 || ids[0] != "marked" {
			t.Errorf("%q: %v, want the exact spelling first and its folded twin found", c.q, ids)
		}
		if ids := e.search(c.plainQ); len(ids) != 2 || ids[0] != "plain" {
			t.Errorf("%q: %v, want the exact (plain) spelling first and the marked one found", c.plainQ, ids)
		}
	}
}
