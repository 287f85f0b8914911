package csl_test

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/export/csl"
)

// fuzzItems are a few items every fuzzed style formats.
const fuzzItems = `[
 {"id":"a","type":"speech","title":"Приветственное слово","author":[{"family":"Алдошин","given":"Сергей Михайлович"}],
  "issued":{"date-parts":[[2025,6,4]]},"event-title":"Conference","event-place":"Jinan","language":"ru"},
 {"id":"b","type":"article-journal","title":"面向超级计算的人工智能大模型训练","author":[{"family":"刘","given":"洋"}],
  "container-title":"山东科学","volume":"38","issue":"2-3","page":"1-15","issued":{"date-parts":[[2025]]},"language":"zh"},
 {"id":"c","type":"book","title":"Rare-earth magnets","editor":[{"family":"Smith","given":"J."}],"publisher":"Press",
  "issued":{"date-parts":[[2024,13,40],[2025]]},"edition":"2","DOI":"10.1/x"}
]`

// FuzzParseStyle feeds style files (the bundled ones as seeds) to the
// parser and formats a few items with whatever parses: a librarian's style
// may be anything, and must give an error or text, never a crash or a
// hang.
func FuzzParseStyle(f *testing.F) {
	names, _ := fs.Glob(assets.FS(), assets.StylesDir+"/*.csl")
	for _, n := range names {
		if data, err := fs.ReadFile(assets.FS(), n); err == nil && len(data) < 40_000 {
			f.Add(data)
		}
	}
	f.Add([]byte(minimalStyle))
	f.Add([]byte(`<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0"><macro name="a"><text macro="a"/></macro><citation><layout><text macro="a"/></layout></citation></style>`))
	items, err := csl.ParseItems([]byte(fuzzItems))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := csl.ParseStyle(data)
		if err != nil {
			return
		}
		p, err := csl.NewProcessor(s, "", loader)
		if err != nil {
			return
		}
		for _, format := range []string{"text", "html"} {
			p.Bibliography(items, format)
			p.Citation(items, format)
		}
	})
}

// FuzzItems formats arbitrary CSL-JSON in APA, GOST and GB/T 7714.
func FuzzItems(f *testing.F) {
	f.Add([]byte(fuzzItems))
	f.Add([]byte(`[{"id":1,"type":"book","author":[{"literal":"\"Газпром\""}],"issued":{"raw":"1999"}}]`))
	f.Add([]byte(`[{"id":"x","title":"<i>Homo <span class=\"nocase\">sapiens</span></i> 'quoted' \"twice\"","issued":"2020-05"}]`))
	var procs []*csl.Processor
	for _, style := range []string{"apa", "gost-r-7-0-5-2008", "china-national-standard-gb-t-7714-2015-numeric"} {
		procs = append(procs, processor(f, style))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := csl.ParseItems(data)
		if err != nil || len(items) > 50 {
			return
		}
		for _, p := range procs {
			for _, e := range p.Bibliography(items, "html") {
				// a marker in the output must have been typed in the data
				for _, m := range "\uE000\uE001\uE010\uE013\uE015" {
					if strings.ContainsRune(e, m) && !strings.ContainsRune(string(data), m) && !strings.Contains(string(data), fmt.Sprintf("\\u%04x", m)) && !strings.Contains(string(data), fmt.Sprintf("\\u%04X", m)) {
						t.Fatalf("a formatting marker leaked into the output: %q", e)
					}
				}
				if err := wellFormed(e); err != nil {
					t.Fatalf("unbalanced HTML: %v in %q", err, e)
				}
			}
			p.Citation(items, "text")
		}
	})
}
