package csl_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/export/csl"
	"github.com/annals/annals/export/csljson"
)

// benchItems are n generated records (Russian, Chinese, English, Kazakh...
// titles and names, as the catalogue's mix) as CSL-JSON.
func benchItems(tb testing.TB, n int) []byte {
	tb.Helper()
	ev := catalogtest.GeneratedEvent()
	var items []csljson.Item
	for _, r := range catalogtest.NewGenerator(7).Records(n) {
		items = append(items, csljson.FromRecord(&r, &ev))
	}
	data, err := json.Marshal(items)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// BenchmarkBibliographyAPA formats a 1,000-entry bibliography in APA: sort,
// disambiguation (year suffixes, initials) and rendering, with the style
// parsed once. Reported as entries/s.
func BenchmarkBibliographyAPA(b *testing.B) {
	data := benchItems(b, 1000)
	items, err := csl.ParseItems(data)
	if err != nil {
		b.Fatal(err)
	}
	p := processor(b, "apa")
	b.ResetTimer()
	entries := 0
	for b.Loop() {
		entries += len(p.Bibliography(items, "text"))
	}
	b.ReportMetric(float64(entries)/b.Elapsed().Seconds(), "entries/s")
}

// BenchmarkCiteprocAPA is the reference, citeproc-js, formatting the same
// 1,000 items with the same APA file in the same run (skipped without
// ANNALS_CITE_ORACLE). The node process is started once per benchmark
// round; the time counted is its own measurement of the formatting calls.
func BenchmarkCiteprocAPA(b *testing.B) {
	node, err := exec.LookPath("node")
	modules := os.Getenv("ANNALS_CITE_ORACLE")
	if err != nil || modules == "" {
		b.Skip("node and ANNALS_CITE_ORACLE are needed for the reference")
	}
	dir := b.TempDir()
	itemsFile, styleFile := filepath.Join(dir, "items.json"), filepath.Join(dir, "apa.csl")
	os.WriteFile(itemsFile, benchItems(b, 1000), 0o644)
	style, _ := fs.ReadFile(assets.FS(), assets.StylesDir+"/apa.csl")
	os.WriteFile(styleFile, style, 0o644)
	cmd := exec.Command(node, "testdata/citeproc-bench.js", itemsFile, styleFile, strconv.Itoa(b.N))
	cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(modules, "node_modules"))
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("citeproc-bench.js: %v", err)
	}
	var r struct{ Runs, Entries, Ns int64 }
	if err := json.Unmarshal(out, &r); err != nil {
		b.Fatalf("%v: %s", err, out)
	}
	b.ReportMetric(float64(r.Ns)/float64(r.Runs), "ns/op")
	b.ReportMetric(float64(r.Entries*r.Runs)/(float64(r.Ns)/1e9), "entries/s")
}
