package catalogtest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annals/annals/catalog"
)

// SharedPath finds ../shared (the project's test material, beside the
// repository) from a test's package directory and joins elem to it; it
// skips the test when there is none.
func SharedPath(tb testing.TB, elem ...string) string {
	tb.Helper()
	for _, up := range []string{"..", "../..", "../../..", "../../../.."} {
		base := filepath.Join(up, "..", "shared")
		if _, err := os.Stat(filepath.Join(base, "corpora")); err == nil {
			return filepath.Join(append([]string{base}, elem...)...)
		}
	}
	tb.Skip("../shared (test material beside the repository) is not there")
	return ""
}

// zoteroItem is the part of a Zotero item the multilingual fixtures use.
type zoteroItem struct {
	ItemType     string `json:"itemType"`
	Title        string `json:"title"`
	AbstractNote string `json:"abstractNote"`
	Date         string `json:"date"`
	Language     string `json:"language"`
	Publisher    string `json:"publisher"`
	Place        string `json:"place"`
	Pages        string `json:"pages"`
	Creators     []struct {
		LastName, FirstName, Name string
	} `json:"creators"`
	Tags []struct{ Tag string } `json:"tags"`
}

var zoteroKinds = map[string]catalog.Kind{"journalArticle": catalog.KindArticle, "newspaperArticle": catalog.KindArticle,
	"magazineArticle": catalog.KindArticle, "book": catalog.KindBook, "bookSection": catalog.KindChapter,
	"report": catalog.KindReport, "thesis": catalog.KindOther}

var threeLetter = map[string]string{"eng": "en", "rus": "ru", "chi": "zh", "zho": "zh"}

// MultilingualRecords converts the real Russian and Chinese records in
// ../shared/corpora/multilingual (found from the test's package directory,
// two levels below the repository root, or three) to catalogue records: the Zotero test
// items of eLibrary.ru, CNKI, Wanfang, the Russian State Library and
// others, and the eLibrary article metadata.
func MultilingualRecords(t testing.TB) []catalog.Record {
	t.Helper()
	dir := SharedPath(t, "corpora", "multilingual")
	var out []catalog.Record
	files, _ := filepath.Glob(filepath.Join(dir, "zotero-translators-testcases", "*.items.json"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var items []zoteroItem
		if err := json.Unmarshal(data, &items); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		base := strings.TrimSuffix(filepath.Base(name), ".items.json")
		for i, it := range items {
			r := catalog.Record{ID: fmt.Sprintf("%s-%d", strings.ToLower(strings.NewReplacer("_", "-", ".", "-").Replace(base)), i),
				Kind: zoteroKinds[it.ItemType], Status: catalog.StatusPublished, Title: it.Title, Abstract: it.AbstractNote,
				Language: it.Language, Publisher: it.Publisher, Place: it.Place}
			if l, ok := threeLetter[r.Language]; ok {
				r.Language = l
			}
			if !catalog.ValidLanguage(r.Language) {
				r.Language = ""
			}
			if r.Kind == "" {
				r.Kind = catalog.KindOther
			}
			if catalog.ValidDate(it.Date) {
				r.Date = it.Date
			}
			for _, c := range it.Creators {
				switch {
				case c.LastName != "":
					r.Contributors = append(r.Contributors, catalog.Contributor{Family: c.LastName, Given: c.FirstName})
				case c.Name != "":
					r.Contributors = append(r.Contributors, catalog.Contributor{Literal: c.Name})
				}
			}
			if len(r.Contributors) == 0 {
				r.Kind = catalog.KindOther
			}
			for _, tag := range it.Tags {
				r.Keywords = append(r.Keywords, tag.Tag)
			}
			out = append(out, r)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "ru_scientific_journals", "metadata.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var m struct {
			Title, Author, Abstract string
			KeyWords                string `json:"key_words"`
		}
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		r := catalog.Record{ID: fmt.Sprintf("elibrary-%02d", i), Kind: catalog.KindArticle, Status: catalog.StatusPublished,
			Language: "ru", Title: m.Title, Abstract: m.Abstract}
		// "В.Д.Красильников, Москва": initials glued to the family name.
		name, _, _ := strings.Cut(m.Author, ",")
		name = strings.TrimSpace(name)
		if dot := strings.LastIndex(name, "."); dot >= 0 && dot < len(name)-1 {
			r.Contributors = []catalog.Contributor{{Family: strings.TrimSpace(name[dot+1:]), Given: name[:dot+1]}}
		} else if name != "" {
			r.Contributors = []catalog.Contributor{{Family: name}}
		} else {
			r.Kind = catalog.KindOther
		}
		r.Keywords = append(r.Keywords, strings.FieldsFunc(m.KeyWords, func(r rune) bool { return r == ',' || r == ';' })...)
		out = append(out, r)
	}
	return out
}
