package search

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/annals/annals/catalog/sqlite"
)

// env is a store and its index in a temporary directory.
type env struct {
	t     testing.TB
	store *sqlite.Store
	index *Index
	dir   string
}

func newEnv(t testing.TB) *env {
	t.Helper()
	dir := t.TempDir()
	store, err := sqlite.Open(context.Background(), filepath.Join(dir, "annals.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	e := &env{t: t, store: store, dir: dir}
	e.open()
	return e
}

// open opens (or reopens) the index and brings it up to date.
func (e *env) open() {
	e.t.Helper()
	ix, err := Open(context.Background(), filepath.Join(e.dir, "index"), e.store, Options{})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { ix.Close() })
	if ix.needsRebuild() {
		<-ix.rebuild
		if err := ix.Rebuild(context.Background()); err != nil {
			e.t.Fatal(err)
		}
	}
	e.index = ix
	e.catchUp()
}

func (e *env) catchUp() {
	e.t.Helper()
	if err := e.index.CatchUp(context.Background()); err != nil {
		e.t.Fatal(err)
	}
}

// load imports records through the store's import path and indexes them.
func (e *env) load(recs []catalog.Record) {
	e.t.Helper()
	items := make([]catalog.ImportItem, len(recs))
	for i, r := range recs {
		items[i] = catalog.ImportItem{Index: i, Record: r}
	}
	rep, err := e.store.ImportRecords(context.Background(), items, catalog.ImportOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	if rep.Failed > 0 {
		for _, it := range rep.Items {
			if it.Status == catalog.ImportFailed {
				e.t.Fatalf("record %d (%s) invalid: %v", it.Index, it.ID, it.Errors)
			}
		}
	}
	e.catchUp()
}

// loadSample loads the shipped sample catalogue.
func (e *env) loadSample() {
	e.t.Helper()
	data, err := fs.ReadFile(assets.FS(), assets.SamplePath)
	if err != nil {
		e.t.Fatal(err)
	}
	var f struct {
		Events  []json.RawMessage `json:"events"`
		Records json.RawMessage   `json:"records"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		e.t.Fatal(err)
	}
	for _, raw := range f.Events {
		ev, err := recordio.DecodeEvent(raw)
		if err != nil {
			e.t.Fatal(err)
		}
		if err := e.store.CreateEvent(context.Background(), &ev); err != nil {
			e.t.Fatal(err)
		}
	}
	items, err := recordio.ReadJSON(f.Records)
	if err != nil {
		e.t.Fatal(err)
	}
	recs := make([]catalog.Record, len(items))
	for i, it := range items {
		recs[i] = it.Record
	}
	e.load(recs)
}

// search runs q and returns the ids of the hits, in order.
func (e *env) search(q string, mutate ...func(*Request)) []string {
	e.t.Helper()
	res := e.searchResult(q, mutate...)
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids
}

func (e *env) searchResult(q string, mutate ...func(*Request)) *Result {
	e.t.Helper()
	r := Request{Query: q, Size: 100}
	for _, m := range mutate {
		m(&r)
	}
	res, err := e.index.Search(context.Background(), r)
	if err != nil {
		e.t.Fatalf("search %q: %v", q, err)
	}
	return res
}

func contains(ids []string, id string) bool { return slices.Contains(ids, id) }

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

// multilingualRecords converts the real Russian and Chinese records in
// ../shared/corpora/multilingual to catalogue records: the Zotero test
// items of eLibrary.ru, CNKI, Wanfang, the Russian State Library and
// others, and the eLibrary article metadata.
func multilingualRecords(t testing.TB) []catalog.Record {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "corpora", "multilingual")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("the multilingual corpus is not at %s", dir)
	}
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
		for _, k := range strings.FieldsFunc(m.KeyWords, func(r rune) bool { return r == ',' || r == ';' }) {
			r.Keywords = append(r.Keywords, k)
		}
		out = append(out, r)
	}
	return out
}
