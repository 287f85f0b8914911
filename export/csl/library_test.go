package csl_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/export/csl"
)

func newLibrary(t *testing.T, dataDir string) *csl.Library {
	t.Helper()
	builtin, err := fs.Sub(assets.FS(), assets.StylesDir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := csl.NewLibrary(builtin, dataDir, loader)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func styleIDs(l *csl.Library) map[string]csl.StyleInfo {
	out := map[string]csl.StyleInfo{}
	for _, s := range l.Styles() {
		out[s.ID] = s
	}
	return out
}

func TestLibraryOffersTheBuiltInStyles(t *testing.T) {
	l := newLibrary(t, "")
	ids := styleIDs(l)
	for _, id := range []string{"apa", "chicago-author-date", "chicago-notes-bibliography", "modern-language-association",
		"ieee", "harvard-cite-them-right", "gost-r-7-0-5-2008", "china-national-standard-gb-t-7714-2015-numeric",
		"china-national-standard-gb-t-7714-2015-author-date"} {
		s, ok := ids[id]
		if !ok {
			t.Errorf("%s is not offered", id)
			continue
		}
		if s.Source != "built-in" || s.Title == "" || s.Class == "" {
			t.Errorf("%s: %+v", id, s)
		}
	}
	if ids["gost-r-7-0-5-2008"].DefaultLocale != "ru-RU" || ids["china-national-standard-gb-t-7714-2015-numeric"].DefaultLocale != "zh-CN" {
		t.Errorf("default locales: %+v %+v", ids["gost-r-7-0-5-2008"], ids["china-national-standard-gb-t-7714-2015-numeric"])
	}
	if _, err := l.Processor("no-such-style", ""); !errors.Is(err, csl.ErrNoStyle) {
		t.Errorf("unknown style: %v", err)
	}
	p, err := l.Processor("gost-r-7-0-5-2008", "")
	if err != nil || p.Locale() != "ru-RU" {
		t.Fatalf("GOST processor: %v %v", p, err)
	}
	if q, _ := l.Processor("gost-r-7-0-5-2008", ""); q != p {
		t.Error("the processor is not kept for the next call")
	}
	if p, _ := l.Processor("apa", "xx-YY"); p.Locale() != "en-US" {
		t.Errorf("a language without a locale file falls back to en-US, got %s", p.Locale())
	}
}

// minimalStyle is a valid style whose entries are the title in capitals.
const minimalStyle = `<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
<info><title>Shouting titles</title><id>x</id><category citation-format="author-date"/></info>
<citation><layout><text variable="title"/></layout></citation>
<bibliography><layout><text variable="title" text-case="uppercase"/></layout></bibliography>
</style>`

func TestLibraryPicksUpStylesInTheDataDirectory(t *testing.T) {
	dir := t.TempDir()
	l := newLibrary(t, dir)
	if _, ok := styleIDs(l)["shouting"]; ok {
		t.Fatal("the style is offered before it exists")
	}
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("shouting.csl", minimalStyle)
	write("broken.csl", "<style><info>")
	write("Bad Name.csl", minimalStyle)
	write("notes.txt", "not a style")
	s, ok := styleIDs(l)["shouting"]
	if !ok || s.Source != "data" || s.Title != "Shouting titles" || s.Format != "author-date" {
		t.Fatalf("the librarian's style: %+v %v", s, ok)
	}
	problems := l.Problems()
	if len(problems) != 2 {
		t.Fatalf("problems: %+v", problems)
	}
	for _, p := range problems {
		if p.File != "broken.csl" && p.File != "Bad Name.csl" || p.Error == "" {
			t.Errorf("problem %+v", p)
		}
	}
	p, err := l.Processor("shouting", "")
	if err != nil {
		t.Fatal(err)
	}
	items, _ := csl.ParseItems([]byte(`[{"id":"a","type":"book","title":"Белорусы в Китае"}]`))
	if got := p.Bibliography(items, "text"); len(got) != 1 || got[0] != "БЕЛОРУСЫ В КИТАЕ" {
		t.Errorf("entry %q", got)
	}
	// a style of the same name replaces the built-in one, until removed
	write("apa.csl", minimalStyle)
	if s := styleIDs(l)["apa"]; s.Source != "data" {
		t.Errorf("apa after the override: %+v", s)
	}
	os.Remove(filepath.Join(dir, "apa.csl"))
	os.Remove(filepath.Join(dir, "shouting.csl"))
	ids := styleIDs(l)
	if _, ok := ids["shouting"]; ok {
		t.Error("a removed style is still offered")
	}
	if ids["apa"].Source != "built-in" || !strings.Contains(ids["apa"].Title, "APA") {
		t.Errorf("apa after the override is removed: %+v", ids["apa"])
	}
}
