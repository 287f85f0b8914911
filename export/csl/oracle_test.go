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
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/export/csl"
	"github.com/annals/annals/export/csljson"
)

// testItems are the sample catalogue and the real multilingual records, as
// CSL-JSON.
func testItems(t *testing.T) []byte {
	t.Helper()
	events, records := catalogtest.Sample(t)
	var items []csljson.Item
	for i := range records {
		items = append(items, csljson.FromRecord(&records[i], &events[0]))
	}
	for _, r := range catalogtest.MultilingualRecords(t) {
		items = append(items, csljson.FromRecord(&r, nil))
	}
	out, _ := json.Marshal(items)
	return out
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

// agreement counts how many of a style's entries and citations match
// citeproc-js.
type agreement struct{ entries, ofEntries, cites, ofCites int }

// compareStyle compares our bibliography and single-item citations of
// items with citeproc-js's, logging up to show differences.
func compareStyle(t *testing.T, style string, itemsJSON []byte, want *citeprocOutput, show int) agreement {
	items, err := csl.ParseItems(itemsJSON)
	if err != nil {
		t.Fatal(err)
	}
	got := processor(t, style).Bibliography(items, "text")
	if len(got) != len(want.entries) {
		t.Logf("%s: %d entries, citeproc-js %d", style, len(got), len(want.entries))
	}
	var a agreement
	shown := 0
	report := func(what string, ours, theirs string) {
		if shown < show {
			shown++
			t.Logf("%s %s\n  ours:     %s\n  citeproc: %s", style, what, ours, theirs)
		}
	}
	for i := range min(len(got), len(want.entries)) {
		if normalize(got[i]) == normalize(want.entries[i]) {
			a.entries++
		} else {
			report(fmt.Sprintf("entry #%d", i), got[i], want.entries[i])
		}
	}
	a.ofEntries = len(want.entries)
	// csl-format.js cites each item on its own, outside any document
	alone, _ := csl.ParseItems(itemsJSON)
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
		} else {
			report("cite "+it.ID, ours, theirs)
		}
	}
	return a
}

func percent(n, of int) float64 { return 100 * float64(n) / float64(max(of, 1)) }

// withoutEventNames drops event and event-title from items. citation-js
// turns an item's event into event-title and citeproc-js 2.4 renders
// nothing for a style's variable="event" (IEEE, Harvard), where CSL 1.0.2
// reads it as event-title: we print the conference, citeproc-js does not.
// Comparing without event names shows how the rest of the entries agree.
func withoutEventNames(t *testing.T, itemsJSON []byte) []byte {
	var items []map[string]any
	if err := json.Unmarshal(itemsJSON, &items); err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		delete(it, "event")
		delete(it, "event-title")
	}
	out, _ := json.Marshal(items)
	return out
}

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

// TestAgainstCiteproc formats the sample catalogue and the real Russian,
// Chinese and Zotero test records (220 items) in every bundled style with
// our processor and with citeproc-js, and asks that at least 95% of the
// bibliography entries and of the citations read the same.
//
// The items are compared twice: as they are, and without event names.
// citation-js hands citeproc-js an item's event as event-title only, and
// citeproc-js 2.4 then prints nothing for a style's variable="event" (IEEE,
// Harvard Cite Them Right, Elsevier Harvard); CSL 1.0.2 reads that
// variable as event-title, so we print the conference and differ there on
// purpose. The threshold applies to the comparison without event names;
// both figures are logged (ANNALS_CSL_STYLES=apa,ieee limits the styles).
func TestAgainstCiteproc(t *testing.T) {
	items := testItems(t)
	styles := bundledStyles(t)
	if only := os.Getenv("ANNALS_CSL_STYLES"); only != "" {
		styles = strings.Split(only, ",")
	}
	runs := []struct {
		name    string
		items   []byte
		enforce bool
	}{{"", items, false}, {" without event names", withoutEventNames(t, items), true}}
	for _, run := range runs {
		file := filepath.Join(t.TempDir(), "items.json")
		if err := os.WriteFile(file, run.items, 0o644); err != nil {
			t.Fatal(err)
		}
		want := citeproc(t, file, styles)
		for _, style := range styles {
			if want[style] == nil {
				t.Errorf("%s: citeproc-js printed nothing", style)
				continue
			}
			a := compareStyle(t, style, run.items, want[style], 3)
			e, c := percent(a.entries, a.ofEntries), percent(a.cites, a.ofCites)
			t.Logf("%s%s: entries %d/%d (%.1f%%), citations %d/%d (%.1f%%) match citeproc-js",
				style, run.name, a.entries, a.ofEntries, e, a.cites, a.ofCites, c)
			if run.enforce && (e < 95 || c < 95) {
				t.Errorf("%s%s: below 95%% agreement with citeproc-js", style, run.name)
			}
		}
	}
}
