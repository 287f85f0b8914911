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
// dry run and a real import (parse, mend, validate, store), streamed as
// the server imports, and the real import again with every item read
// before the import starts (as before imports streamed) — beside
// Citation.js parsing the same file in the same run (node, the oracle's
// packages): entries/s each, and the ratio. The peak resident memory of
// each import is its own: the generated records are dropped once written,
// and the peak is reset before each (it includes the file, read as the
// server reads a request's body). Needs ANNALS_CITE_ORACLE for the peer.
//
//	ANNALS_CITE_ORACLE=$(sh ../shared/tools/cite-oracle/setup.sh) go test ./export -run '^$' -bench Import100k -benchtime 1x -timeout 60m
func BenchmarkImport100k(b *testing.B) {
	n := 100_000
	if s := os.Getenv("ANNALS_BENCH_IMPORT_RECORDS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	dir := b.TempDir()
	formats := []struct {
		format string
		read   recordio.Format
		path   string
	}{{"bibtex", bibtex.ImportFormat(), ""}, {"ris", ris.ImportFormat(), ""}}
	records := catalogtest.NewGenerator(11).Records(n)
	for i := range formats {
		formats[i].path = filepath.Join(dir, "records."+formats[i].format)
		writeRecords(b, formats[i].format, formats[i].path, records)
	}
	records = nil
	for _, c := range formats {
		b.Run(c.format+"/parse", func(b *testing.B) {
			data := readFile(b, c.path)
			start := time.Now()
			for i := 0; i < b.N; i++ {
				if _, err := c.read.Read(data); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "entries/s")
		})
		for _, mode := range []string{"dry-run", "import", "import-read-whole"} {
			b.Run(c.format+"/"+mode, func(b *testing.B) {
				var elapsed time.Duration
				opts := catalog.ImportOptions{DryRun: mode == "dry-run"}
				for i := 0; i < b.N; i++ {
					store, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "annals.db"), sqlite.Options{})
					if err != nil {
						b.Fatal(err)
					}
					catalogtest.ResetPeakRSS()
					start := time.Now()
					var rep *catalog.ImportReport
					if mode == "import-read-whole" {
						var items []catalog.ImportItem
						if items, err = c.read.Read(readFile(b, c.path)); err == nil {
							rep, err = store.ImportRecords(context.Background(), items, opts)
						}
					} else {
						var src catalog.ImportSource
						if src, err = c.read.ImportSource(recordio.FileOpener(c.path), opts); err == nil {
							rep, err = store.ImportRecordsFrom(context.Background(), src, opts)
						}
					}
					elapsed += time.Since(start)
					store.Close()
					if err != nil || rep.Failed > n/100 {
						b.Fatalf("%v; %+v", err, rep)
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
				cmd := exec.Command("node", "--max-old-space-size=8192", script, c.path)
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

// writeRecords writes records to path in format, as Annals exports them
// (without their events, which the file's reader would not know).
func writeRecords(b *testing.B, format, path string, records []catalog.Record) {
	var buf bytes.Buffer
	w, err := export.NewWriter(format, &buf, func(context.Context, string) *catalog.Event { return nil })
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
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
}

func readFile(b *testing.B, path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return data
}
