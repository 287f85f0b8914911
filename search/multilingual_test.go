package search

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
)

// TestMultilingualSearch runs the checks of the issue on the real Russian
// and Chinese records and the sample catalogue.
func TestMultilingualSearch(t *testing.T) {
	e := newEnv(t)
	e.loadSample()
	real := catalogtest.MultilingualRecords(t)
	e.load(real)
	if n, _ := e.index.DocCount(); int(n) != len(real)+88 {
		t.Fatalf("index holds %d documents, want %d", n, len(real)+88)
	}

	t.Run("Russian stemming", func(t *testing.T) {
		// "технология" in the query, "технологии"/"технологий" in the records.
		ids := e.search("технология")
		found := 0
		for _, r := range real {
			text := strings.ToLower(r.Title + " " + r.Abstract + " " + strings.Join(r.Keywords, " "))
			if strings.Contains(text, "технологии") && !strings.Contains(text, "технология") {
				if !contains(ids, r.ID) {
					t.Errorf("технология does not find %s, which has технологии", r.ID)
				}
				found++
			}
		}
		if found == 0 {
			t.Fatal("the corpus has no record with технологии only; the test proves nothing")
		}
	})

	t.Run("Chinese words and phrases", func(t *testing.T) {
		lab := "jinan-2025-china-russia-ai-laboratory"
		for _, q := range []string{"人工智能", `"人工智能"`, "人工智能联合实验室", "title:人工智能"} {
			if ids := e.search(q); !contains(ids, lab) {
				t.Errorf("%s does not find %s (got %v)", q, lab, first(ids, 5))
			}
		}
		// A CNKI record: 黄芪多糖 (astragalus polysaccharide).
		if ids := e.search("黄芪多糖"); len(ids) == 0 || !strings.HasPrefix(ids[0], "cnki-") {
			t.Errorf("黄芪多糖: %v", first(ids, 3))
		}
		if ids := e.search(`"能源合作"`); contains(ids, lab) {
			t.Error("a phrase that is not in the record matched it")
		}
	})

	t.Run("names across scripts", func(t *testing.T) {
		for q, id := range map[string]string{
			"Aldoshin":        "jinan-2025-aldoshin",
			"S. Aldoshin":     "jinan-2025-aldoshin",
			"aldoshin sergey": "jinan-2025-aldoshin",
			"Алдошин":         "jinan-2025-aldoshin",
			"Gusakov":         "jinan-2025-gusakov",
			"Zhang Tian":      "jinan-2025-zhang-tian",
			"张天":              "jinan-2025-zhang-tian",
			"Krasilnikov":     "elibrary-00",
			"Liang Xinmiao":   "cnki-0", // 梁鑫淼
		} {
			ids := e.search(q)
			if len(ids) == 0 || !contains(first(ids, 3), id) {
				t.Errorf("%q: %s not in the first three of %v", q, id, first(ids, 5))
			}
		}
	})

	t.Run("Han words and pinyin", func(t *testing.T) {
		// A name typed in characters finds it written in pinyin only; a
		// place typed in characters finds its pinyin in English text.
		e.load([]catalog.Record{
			{ID: "pinyin-name", Kind: catalog.KindPresentation, Status: catalog.StatusPublished, Language: "en",
				Title: "Soil microbiomes of the loess plateau", Contributors: []catalog.Contributor{{Family: "Wang", Given: "Fang"}}},
			{ID: "pinyin-place", Kind: catalog.KindReport, Status: catalog.StatusPublished, Language: "en",
				Title: "Regional innovation platforms in Jinan", Contributors: []catalog.Contributor{{Family: "Smith"}}},
			// Has 和 (he, "and") and 做 (zuo), the syllables of 合作 (cooperation), but not the word.
			{ID: "homophones", Kind: catalog.KindReport, Status: catalog.StatusPublished, Language: "zh",
				Title: "土壤和水的研究怎么做", Contributors: []catalog.Contributor{{Family: "李"}}},
		})
		// The sample has one talk by 王芳 (Wang Fang); no other record has both syllables in a name.
		ids := e.search("王芳")
		slices.Sort(ids)
		if !slices.Equal(ids, []string{"jinan-2025-life-sciences-07", "pinyin-name"}) {
			t.Errorf("王芳: %v, want the two records of Wang Fang only", ids)
		}
		if ids := e.search("济南"); !contains(ids, "pinyin-place") {
			t.Errorf("济南 does not find Jinan: %v", first(ids, 5))
		}
		if ids := e.search("合作"); contains(ids, "homophones") {
			t.Error("合作 found a record through the pinyin of other characters (和 he, 做 zuo)")
		}
	})

	t.Run("Serbian Latin and Cyrillic", func(t *testing.T) {
		cyrillic := e.idByTitle("Вештачка интелигенција у дигиталној хуманистици")           // speaker Јовановић, with a Latin translation
		latin := e.idByTitle("Genetička raznovrsnost autohtonih sorti vinove loze u Srbiji") // speaker Petrović
		manuscripts := e.idByTitle("Српски средњовековни рукописи и њихова дигитализација")
		for q, id := range map[string]string{
			"Jovanović": cyrillic, "Јовановић": cyrillic, "Jovanovic": cyrillic,
			"Petrović": latin, "Петровић": latin, "Petrovic": latin,
			"vinove loze": latin, "винове лозе": latin,
			"рукописи": manuscripts, "rukopisi": manuscripts,
		} {
			if ids := e.search(q); !contains(first(ids, 3), id) {
				t.Errorf("%q: %s not in the first three of %v", q, id, first(ids, 5))
			}
		}
	})

	t.Run("full-width and half-width", func(t *testing.T) {
		half, full := e.search("SCO"), e.search("ＳＣＯ")
		if len(half) == 0 || strings.Join(half, ",") != strings.Join(full, ",") {
			t.Errorf("SCO %v, ＳＣＯ %v", first(half, 3), first(full, 3))
		}
	})

	t.Run("Kazakh and Uzbek letters", func(t *testing.T) {
		kazakh := e.idByTitle("Қазақстанның дәрілік өсімдіктері: биохимиялық талдау")
		uzbek := e.idByTitle("Oʻzbekiston flora: screening endemic species for anti-inflammatory activity")
		for q, id := range map[string]string{
			"Қасымов": kazakh, "Қазақстанның": kazakh, "қазақстанның": kazakh,
			"Oʻktam": uzbek, "Toʻxtayev": uzbek, "Oʻzbekiston flora": uzbek,
		} {
			if ids := e.search(q); !contains(first(ids, 3), id) {
				t.Errorf("%q: %s not in the first three of %v", q, id, first(ids, 5))
			}
		}
		if h := e.highlight("Қазақстанның", kazakh)["title"]; len(h) != 1 || !strings.HasPrefix(h[0], "<mark>Қазақстанның</mark> дәрілік") {
			t.Errorf("Kazakh highlight: %q", h)
		}
		if h := e.highlight("Oʻzbekiston", uzbek)["title"]; len(h) != 1 || !strings.HasPrefix(h[0], "<mark>Oʻzbekiston</mark> flora") {
			t.Errorf("Uzbek highlight lost the ʻ: %q", h)
		}
	})
}

func first(ids []string, n int) []string {
	if len(ids) > n {
		return ids[:n]
	}
	return ids
}

// idByTitle finds the id of the sample record with this title.
func (e *env) idByTitle(title string) string {
	e.t.Helper()
	for _, h := range e.searchResult(`title:"` + title + `"`).Hits {
		r, err := e.store.FindRecordByID(context.Background(), h.ID)
		if err == nil && r.Title == title {
			return r.ID
		}
	}
	e.t.Fatalf("no record titled %q", title)
	return ""
}

// highlight returns the highlights of query q on record id.
func (e *env) highlight(q, id string) map[string][]string {
	e.t.Helper()
	r, err := e.store.FindRecordByID(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return e.index.Highlighter(Request{Query: q}).Highlight(r)
}
