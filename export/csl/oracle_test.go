package csl_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/recordio"
	"github.com/annals/annals/export"
	"github.com/annals/annals/export/csl"
	"github.com/annals/annals/export/csljson"
)

// testItems are the sample catalogue and the real multilingual records, as
// CSL-JSON.
func testItems(t *testing.T) []byte {
	t.Helper()
	out, _ := json.Marshal(sampleItems(t))
	return out
}

func sampleItems(t *testing.T) []csljson.Item {
	events, records := catalogtest.Sample(t)
	var items []csljson.Item
	for i := range records {
		items = append(items, csljson.FromRecord(&records[i], &events[0]))
	}
	for _, r := range catalogtest.MultilingualRecords(t) {
		items = append(items, csljson.FromRecord(&r, nil))
	}
	return items
}

// corpusItems are the records of the bibliographic corpus (every file
// with a reader), mended and valid as an import takes them, as CSL-JSON.
func corpusItems(t *testing.T) []csljson.Item {
	dir := catalogtest.SharedPath(t, "corpora", "bibliographic")
	paths, _ := filepath.Glob(filepath.Join(dir, "*"))
	var items []csljson.Item
	for _, path := range paths {
		f, ok := recordio.FormatForFile(export.ImportFormats(), path)
		if !ok || strings.HasSuffix(path, "MANIFEST.json") {
			continue
		}
		data, _ := os.ReadFile(path)
		read, err := f.Read(data)
		if err != nil {
			continue
		}
		for _, it := range read {
			r := it.Record
			catalog.CleanImported(&r)
			catalog.NormalizeRecord(&r)
			if catalog.ValidateRecord(&r, func(string) (*catalog.Event, bool) { return nil, false }) != nil {
				continue
			}
			r.ID = fmt.Sprintf("corpus-%d", len(items))
			items = append(items, csljson.FromRecord(&r, nil))
		}
	}
	return items
}

// citeprocDirect is citeproc-js's bibliography of the items in a style,
// one entry a line, with citeproc-js called directly
// (citeproc-direct.js: the items reach it unchanged, CSL 1.0.2's event
// with them).
func citeprocDirect(t *testing.T, itemsFile, style string) []string {
	t.Helper()
	node := catalogtest.RequireTool(t, "node", "apt install nodejs")
	dir := catalogtest.SharedPath(t, "tools", "cite-oracle")
	modules := os.Getenv("ANNALS_CITE_ORACLE")
	if modules == "" {
		if os.Getenv("ANNALS_REQUIRE_TOOLS") == "1" {
			t.Fatal("ANNALS_CITE_ORACLE is not set")
		}
		t.Skip("ANNALS_CITE_ORACLE is not set (ANNALS_CITE_ORACLE=$(sh ../shared/tools/cite-oracle/setup.sh))")
	}
	data, err := fs.ReadFile(assets.FS(), assets.StylesDir+"/"+style+".csl")
	if err != nil {
		t.Fatal(err)
	}
	styleFile := filepath.Join(t.TempDir(), style+".csl")
	os.WriteFile(styleFile, data, 0o644)
	cmd := exec.Command(node, filepath.Join(dir, "citeproc-direct.js"), itemsFile, styleFile)
	cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(modules, "node_modules"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("citeproc-direct.js %s: %v\n%s", style, err, stderr.String())
	}
	var entries []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.TrimSpace(line) != "" {
			entries = append(entries, line)
		}
	}
	return entries
}

// citeprocOutput is what the reference formatter printed for one style:
// its bibliography, one entry per line, and its citation of each item
// alone, by item ID.
type citeprocOutput struct {
	entries []string
	cites   map[string]string
}

// citeproc runs the reference formatter (citeproc-js through
// csl-format.js) on items for the styles.
func citeproc(t *testing.T, itemsFile string, styles []string) map[string]*citeprocOutput {
	t.Helper()
	node := catalogtest.RequireTool(t, "node", "apt install nodejs")
	dir := catalogtest.SharedPath(t, "tools", "cite-oracle")
	modules := os.Getenv("ANNALS_CITE_ORACLE")
	if modules == "" {
		if os.Getenv("ANNALS_REQUIRE_TOOLS") == "1" {
			t.Fatal("ANNALS_CITE_ORACLE is not set")
		}
		t.Skip("ANNALS_CITE_ORACLE is not set (ANNALS_CITE_ORACLE=$(sh ../shared/tools/cite-oracle/setup.sh))")
	}
	cmd := exec.Command(node, filepath.Join(dir, "csl-format.js"), itemsFile, "--styles", strings.Join(styles, ","), "--citations")
	cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(modules, "node_modules"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("csl-format.js: %v", err)
	}
	results := map[string]*citeprocOutput{}
	var cur *citeprocOutput
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(line, "=== "):
			name, _, _ := strings.Cut(strings.TrimPrefix(line, "=== "), " ")
			cur = &citeprocOutput{cites: map[string]string{}}
			results[name] = cur
		case cur == nil:
		case strings.HasPrefix(line, "  cite "):
			id, text, _ := strings.Cut(strings.TrimPrefix(line, "  cite "), ": ")
			cur.cites[id] = text
		case strings.HasPrefix(line, "ERROR: "):
			t.Errorf("citeproc-js: %s", line)
		case strings.TrimSpace(line) != "":
			cur.entries = append(cur.entries, line)
		}
	}
	return results
}

func loader(tag string) ([]byte, error) {
	return fs.ReadFile(assets.FS(), assets.LocalesDir+"/locales-"+tag+".xml")
}

func processor(t testing.TB, style string) *csl.Processor {
	t.Helper()
	data, err := fs.ReadFile(assets.FS(), assets.StylesDir+"/"+style+".csl")
	if err != nil {
		t.Fatal(err)
	}
	s, err := csl.ParseStyle(data)
	if err != nil {
		t.Fatal(err)
	}
	p, err := csl.NewProcessor(s, "", loader)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func normalize(s string) string { return strings.Join(strings.Fields(s), " ") }

// agreement counts how many of a style's citations match citeproc-js.
type agreement struct{ cites, ofCites int }

// compareStyle compares our single-item citations of items with
// citeproc-js's, logging up to show differences.
func compareStyle(t *testing.T, style string, itemsJSON []byte, want *citeprocOutput, show int) agreement {
	var a agreement
	shown := 0
	// csl-format.js cites each item on its own, outside any document
	alone, err := csl.ParseItems(itemsJSON)
	if err != nil {
		t.Fatal(err)
	}
	p := processor(t, style)
	for _, it := range alone {
		theirs, ok := want.cites[it.ID]
		if !ok {
			continue
		}
		a.ofCites++
		ours := p.Citation([]*csl.Item{it}, "text")
		if normalize(ours) == normalize(theirs) {
			a.cites++
		} else if shown < show {
			shown++
			t.Logf("%s cite %s\n  ours:     %s\n  citeproc: %s", style, it.ID, ours, theirs)
		}
	}
	return a
}

func percent(n, of int) float64 { return 100 * float64(n) / float64(max(of, 1)) }

// bundledStyles are the styles in assets/csl/styles.
func bundledStyles(t *testing.T) []string {
	names, err := fs.Glob(assets.FS(), assets.StylesDir+"/*.csl")
	if err != nil || len(names) == 0 {
		t.Fatalf("no bundled styles: %v", err)
	}
	var styles []string
	for _, n := range names {
		styles = append(styles, strings.TrimSuffix(filepath.Base(n), ".csl"))
	}
	return styles
}

// TestCitationsAgainstCiteproc cites each item of the sample catalogue and
// the real Russian, Chinese and Zotero test records (220 items) alone in
// every bundled style, with our processor and with citeproc-js (through
// csl-format.js, which cites), and asks that at least 95% read the same.
// Bibliographies are compared with citeproc-js called directly, below.
func TestCitationsAgainstCiteproc(t *testing.T) {
	items := testItems(t)
	styles := bundledStyles(t)
	if only := os.Getenv("ANNALS_CSL_STYLES"); only != "" {
		styles = strings.Split(only, ",")
	}
	file := filepath.Join(t.TempDir(), "items.json")
	if err := os.WriteFile(file, items, 0o644); err != nil {
		t.Fatal(err)
	}
	want := citeproc(t, file, styles)
	for _, style := range styles {
		if want[style] == nil {
			t.Errorf("%s: citeproc-js printed nothing", style)
			continue
		}
		a := compareStyle(t, style, items, want[style], 3)
		c := percent(a.cites, a.ofCites)
		t.Logf("%s: citations %d/%d (%.1f%%) match citeproc-js", style, a.cites, a.ofCites, c)
		if c < 95 {
			t.Errorf("%s: below 95%% agreement with citeproc-js", style)
		}
	}
}

// TestBibliographiesEqualCiteprocDirect formats the sample catalogue, the
// real multilingual records and every record of the bibliographic corpus
// (Zotero, EndNote, JabRef, Web of Science, Scopus, PubMed, CNKI, GB/T
// 7714 examples: about 1,100 items, with journals, volumes, issues,
// editions, events) in every bundled style, with our processor and with
// citeproc-js called directly, and asks that at least 95% of the entries
// read the same in each style. Every difference is logged
// (ANNALS_CSL_SHOW=N shows N a style; ANNALS_CSL_STYLES limits the styles;
// ANNALS_CSL_DUMP=DIR writes both bibliographies there, an entry a line);
// the README lists and explains them.
func TestBibliographiesEqualCiteprocDirect(t *testing.T) {
	items := append(sampleItems(t), corpusItems(t)...)
	if len(items) < 1000 {
		t.Fatalf("only %d items", len(items))
	}
	data, _ := json.Marshal(items)
	file := filepath.Join(t.TempDir(), "items.json")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	styles := bundledStyles(t)
	if only := os.Getenv("ANNALS_CSL_STYLES"); only != "" {
		styles = strings.Split(only, ",")
	}
	show := 3
	fmt.Sscan(os.Getenv("ANNALS_CSL_SHOW"), &show)
	for _, style := range styles {
		equal, total := entriesAgreement(t, style, file, data, show)
		e := percent(equal, total)
		t.Logf("%s: %d/%d entries (%.1f%%) equal citeproc-js", style, equal, total, e)
		if floor := agreementFloor(style); e < floor {
			t.Errorf("%s: %.1f%% of the entries equal citeproc-js's, below the %.0f%% measured before", style, e, floor)
		}
	}
}

// entriesAgreement counts the bibliography entries of the items (in
// itemsFile, and as JSON) that read as citeproc-js's in a style, logging
// up to show differences.
func entriesAgreement(t *testing.T, style, itemsFile string, itemsJSON []byte, show int) (equal, total int) {
	parsed, err := csl.ParseItems(itemsJSON)
	if err != nil {
		t.Fatal(err)
	}
	want := citeprocDirect(t, itemsFile, style)
	got := processor(t, style).Bibliography(parsed, "text")
	if len(got) != len(want) {
		t.Errorf("%s: %d entries, citeproc-js %d", style, len(got), len(want))
		return 0, len(want)
	}
	if dir := os.Getenv("ANNALS_CSL_DUMP"); dir != "" { // every entry, ours and citeproc-js's, for reading side by side
		_ = os.WriteFile(filepath.Join(dir, style+".ours.txt"), []byte(strings.Join(got, "\n")+"\n"), 0o644)
		_ = os.WriteFile(filepath.Join(dir, style+".citeproc.txt"), []byte(strings.Join(want, "\n")+"\n"), 0o644)
		_ = os.WriteFile(filepath.Join(dir, "items.json"), itemsJSON, 0o644)
	}
	shown := 0
	for i := range got {
		if normalize(got[i]) == normalize(want[i]) {
			equal++
		} else if shown < show {
			shown++
			t.Logf("%s entry #%d\n  ours:     %s\n  citeproc: %s", style, i, got[i], want[i])
		}
	}
	return equal, len(want)
}

// agreementFloor is the share of a style's entries that must equal
// citeproc-js's: the goal, 95%, which every style reached in December
// 2026 (1,095 items). The README lists what still differs and why.
func agreementFloor(string) float64 { return 95 }
