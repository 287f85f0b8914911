package search

import (
	"context"
	"strings"
	"testing"

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
