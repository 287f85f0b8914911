package export_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/recordio"
	"github.com/annals/annals/catalog/sqlite"
	"github.com/annals/annals/export"
	"github.com/annals/annals/export/bibtex"
	"github.com/annals/annals/export/ris"
)

// citationJS parses a file with Citation.js (the BibTeX or RIS plugin)
// and prints the milliseconds it took and the number of entries.
const citationJS = `
const fs = require('fs');
const { Cite, plugins } = require('@citation-js/core');
require('@citation-js/plugin-bibtex'); require('@citation-js/plugin-ris');
const text = fs.readFileSync(process.argv[2], 'utf8');
const start = process.hrtime.bigint();
const items = plugins.input.chain(text, { generateGraph: false });
const ms = Number(process.hrtime.bigint() - start) / 1e6;
console.log(ms + ' ' + items.length);
`

// BenchmarkImport100k writes 100,000 generated records as BibTeX and as
// RIS, then parses each, and imports it into a new SQLite catalogue — a
// dry run and a real import (parse, mend, validate, store) — beside Citation.js
// parsing the same file in the same run (node, the oracle's packages):
// entries/s each, and the ratio. Needs ANNALS_CITE_ORACLE for the peer.
//
//	ANNALS_CITE_ORACLE=$(sh ../shared/tools/cite-oracle/setup.sh) go test ./export -run '^$' -bench Import100k -benchtime 1x -timeout 60m
func BenchmarkImport100k(b *testing.B) {
	n := 100_000
	if s := os.Getenv("ANNALS_BENCH_IMPORT_RECORDS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	records := catalogtest.NewGenerator(11).Records(n)
	dir := b.TempDir()
	for _, c := range []struct {
		format string
		read   func([]byte) ([]catalog.ImportItem, error)
	}{{"bibtex", bibtex.Read}, {"ris", ris.Read}} {
		var buf bytes.Buffer
		w, err := export.NewWriter(c.format, &buf, func(context.Context, string) *catalog.Event { return nil })
		if err != nil {
			b.Fatal(err)
		}
		w.Begin(recordio.Widths{})
		for i := range records {
			r := records[i]
			r.Event, r.Session = "", ""
			if err := w.Write(context.Background(), &r); err != nil {
				b.Fatal(err)
			}
		}
		w.End()
		path := filepath.Join(dir, "records."+c.format)
		os.WriteFile(path, buf.Bytes(), 0o600)
		b.Run(c.format+"/parse", func(b *testing.B) {
			start := time.Now()
			for i := 0; i < b.N; i++ {
				if _, err := c.read(buf.Bytes()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "entries/s")
		})
		for _, dry := range []bool{true, false} {
			name := c.format + "/import"
			if dry {
				name = c.format + "/dry-run"
			}
			b.Run(name, func(b *testing.B) {
				var elapsed time.Duration
				for i := 0; i < b.N; i++ {
					store, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "annals.db"), sqlite.Options{})
					if err != nil {
						b.Fatal(err)
					}
					start := time.Now()
					items, err := c.read(buf.Bytes())
					if err != nil {
						b.Fatal(err)
					}
					rep, err := store.ImportRecords(context.Background(), items, catalog.ImportOptions{DryRun: dry})
					elapsed += time.Since(start)
					store.Close()
					if err != nil || rep.Failed > n/100 {
						b.Fatalf("%v; %d failed", err, rep.Failed)
					}
				}
				b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "entries/s")
				b.ReportMetric(float64(catalogtest.PeakRSS())/1e6, "peak-RSS-MB")
			})
		}
		oracle := os.Getenv("ANNALS_CITE_ORACLE")
		if oracle == "" {
			continue
		}
		b.Run(c.format+"/citation-js", func(b *testing.B) {
			script := filepath.Join(dir, "parse.js")
			os.WriteFile(script, []byte(citationJS), 0o600)
			var ms float64
			for i := 0; i < b.N; i++ {
				cmd := exec.Command("node", "--max-old-space-size=8192", script, path)
				cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(oracle, "node_modules"))
				out, err := cmd.CombinedOutput()
				if err != nil {
					b.Fatalf("node: %v %s", err, out)
				}
				f := strings.Fields(string(out))
				v, _ := strconv.ParseFloat(f[0], 64)
				ms += v
			}
			b.ReportMetric(float64(n*b.N)/(ms/1000), "entries/s")
		})
	}
}
