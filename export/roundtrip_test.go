package export_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/export/bibtex"
	"github.com/annals/annals/export/csljson"
	"github.com/annals/annals/export/ris"
)

// oracle finds the reference tool (citeproc-js through Citation.js) and
// its installed packages: $ANNALS_CITE_ORACLE, as .ci/run sets it after
// running the tool's setup.sh.
func oracle(t *testing.T) (node, dir, modules string) {
	t.Helper()
	node = catalogtest.RequireTool(t, "node", "apt install nodejs")
	dir = catalogtest.SharedPath(t, "tools", "cite-oracle")
	modules = os.Getenv("ANNALS_CITE_ORACLE")
	if modules == "" {
		msg := "ANNALS_CITE_ORACLE is not set (DIR=$(sh ../shared/tools/cite-oracle/setup.sh); export ANNALS_CITE_ORACLE=$DIR)"
		if os.Getenv("ANNALS_REQUIRE_TOOLS") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return node, dir, filepath.Join(modules, "node_modules")
}

// toCSL parses a BibTeX or RIS file with the reference tool.
func toCSL(t *testing.T, file string) []map[string]any {
	node, dir, modules := oracle(t)
	out := file + ".json"
	cmd := exec.Command(node, filepath.Join(dir, "to-csl.js"), file, "--out", out)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	if res, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("to-csl.js: %v\n%s", err, res)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var items []map[string]any
	if err := json.Unmarshal(data, &items); err != nil {
		t.Fatal(err)
	}
	return items
}

// testItems are the sample catalogue and the real multilingual records as
// CSL-JSON, as Annals writes them.
func testItems(t *testing.T) []csljson.Item {
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

// canonical turns an item into generic JSON with names and keywords in a
// comparable form.
func canonical(v any) map[string]any {
	data, _ := json.Marshal(v)
	var m map[string]any
	json.Unmarshal(data, &m)
	for _, k := range []string{"id", "citation-key", "_graph", "event"} { // event: the old name of event-title
		delete(m, k)
	}
	for k, val := range m {
		switch x := val.(type) {
		case []any: // names: an organisation comes back as a family name
			for _, n := range x {
				if nm, ok := n.(map[string]any); ok {
					if lit, ok := nm["literal"]; ok {
						delete(nm, "literal")
						nm["family"] = lit
					}
				}
			}
		case string:
			m[k] = strings.Join(strings.Fields(x), " ") // whitespace is not content
			if k == "keyword" {                         // the separator is not content: ours is ";" when a keyword holds a comma
				parts := strings.FieldsFunc(x, func(r rune) bool { return r == ',' || r == ';' })
				for i := range parts {
					parts[i] = strings.TrimSpace(parts[i])
				}
				m[k] = strings.Join(parts, ",")
				m[k] = strings.Join(strings.Fields(m[k].(string)), " ")
			}
		}
	}
	return m
}

// diffFields lists the fields of want that got lacks or holds differently,
// and fields got has that want lacks.
func diffFields(want, got map[string]any) map[string]string {
	out := map[string]string{}
	for k, v := range want {
		if !reflect.DeepEqual(v, got[k]) {
			out[k] = fmt.Sprintf("%v -> %v", v, got[k])
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			out[k] = fmt.Sprintf("(none) -> %v", v)
		}
	}
	return out
}

// inherent are the differences a format cannot avoid, with the reason.
type inherent map[string]func(it csljson.Item) string

// Both formats lack these.
var common = inherent{
	"type": func(it csljson.Item) string {
		if it.Type == "speech" || it.Type == "treaty" || it.Type == "document" {
			return "no speech or treaty type"
		}
		return ""
	},
	"section":     func(csljson.Item) string { return "no field for the session" },
	"chair":       func(csljson.Item) string { return "no chair role" },
	"organizer":   func(csljson.Item) string { return "no organizer role" },
	"contributor": func(csljson.Item) string { return "no contributor role" },
}

var risOnly = inherent{
	"event-date": func(it csljson.Item) string {
		return "no event date (and a reader takes PY for it)"
	},
	"event-title": func(it csljson.Item) string {
		if ris.TypeOf(it.Type) != "CONF" {
			return "event tags only for conference types"
		}
		return ""
	},
	"event-place": func(it csljson.Item) string {
		if ris.TypeOf(it.Type) != "CONF" {
			return "event tags only for conference types"
		}
		return ""
	},
	"author": func(it csljson.Item) string {
		for _, n := range it.Author {
			if strings.Contains(n.Literal, ",") || (n.Given == "" && strings.Contains(n.Family, ",")) {
				return "AU is \"Family, Given\": a one-part name with a comma is split"
			}
		}
		return ""
	},
}

func roundTrip(t *testing.T, name string, write func(*bytes.Buffer, []csljson.Item) error, allowed ...inherent) {
	items := testItems(t)
	var buf bytes.Buffer
	if err := write(&buf, items); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "items."+name)
	os.WriteFile(file, buf.Bytes(), 0o644)
	back := toCSL(t, file)
	if len(back) != len(items) {
		t.Fatalf("%d items written, %d read back", len(items), len(back))
	}
	reasons := map[string]int{}
	identical := 0
	for i, it := range items {
		diffs := diffFields(canonical(it), canonical(back[i]))
		if len(diffs) == 0 {
			identical++
		}
		for field, d := range diffs {
			reason := ""
			for _, a := range allowed {
				if f, ok := a[field]; ok && reason == "" {
					reason = f(it)
				}
			}
			if reason == "" {
				t.Errorf("%s: %s changed: %s", it.ID, field, d)
				continue
			}
			reasons[field+" ("+reason+")"]++
		}
	}
	t.Logf("%s: %d of %d items identical after the round trip; the others differ only where %s cannot say it:", name, identical, len(items), name)
	var keys []string
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("  %s: %d items", k, reasons[k])
	}
}

func TestRoundTripBibTeX(t *testing.T) {
	roundTrip(t, "bib", func(b *bytes.Buffer, items []csljson.Item) error { return bibtex.Write(b, items) }, common)
}

func TestRoundTripRIS(t *testing.T) {
	roundTrip(t, "ris", func(b *bytes.Buffer, items []csljson.Item) error { return ris.Write(b, items) }, common, risOnly)
}
