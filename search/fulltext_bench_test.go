package search

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
)

// BenchmarkFulltext measures the index of files' text at the size the
// issue names: ANNALS_BENCH_FULLTEXT_RECORDS records (default 10,000),
// each with a 30-page document of generated text (about 250 words a page)
// in the record's language (60 % English, 25 % Russian, 15 % Chinese). It
// reports the build of the pages index from the store (pages/s, seconds),
// the latency of 200 searches of one or two words through Index.Search,
// facets counted (p50, p99), beside SQLite FTS5 over the same page texts in
// the same run (MATCH of the same words, ORDER BY bm25, LIMIT 20), and the
// process's resident memory after.
//
//	ANNALS_BENCH_FULLTEXT_RECORDS=10000 go test ./search -run '^$' -bench Fulltext -benchtime 1x -timeout 90m
func BenchmarkFulltext(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("ANNALS_BENCH_FULLTEXT_RECORDS")); err == nil && v > 0 {
		n = v
	}
	const pagesPerDoc, wordsPerPage = 30, 250
	e := newEnv(b)
	ctx := context.Background()
	ev := catalogtest.GeneratedEvent()
	if err := e.store.CreateEvent(ctx, &ev); err != nil {
		b.Fatal(err)
	}
	fts, err := sql.Open("sqlite", filepath.Join(b.TempDir(), "fts.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer fts.Close()
	if _, err := fts.Exec(`CREATE VIRTUAL TABLE pages USING fts5(record UNINDEXED, page UNINDEXED, text, tokenize = 'porter unicode61')`); err != nil {
		b.Fatal(err)
	}
	tx, _ := fts.Begin()
	var queries []string
	g := catalogtest.NewGenerator(42)
	i := 0
	catalogtest.StoreRecordsWithText(b, ctx, e.store, g, n, pagesPerDoc, wordsPerPage, func(r *catalog.Record, texts []string) {
		for p, text := range texts {
			if _, err := tx.Exec(`INSERT INTO pages (record, page, text) VALUES (?, ?, ?)`, r.ID, p+1, text); err != nil {
				b.Fatal(err)
			}
		}
		if i%(n/200+1) == 0 && len(queries) < 200 && r.Language != "zh" { // FTS5's tokenizer has no bigrams for Chinese
			queries = append(queries, g.Query(r.Language, len(queries)))
		}
		i++
	})
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	pages, err := OpenPages(filepath.Join(e.dir, "pages"), e.store, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer pages.Close()
	ix, err := Open(ctx, filepath.Join(e.dir, "with-pages"), e.store, Options{Pages: pages})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	total := n * pagesPerDoc
	for b.Loop() {
		start := time.Now()
		if err := pages.Build(ctx); err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		b.ReportMetric(took.Seconds(), "build-s")
		b.ReportMetric(float64(total)/took.Seconds(), "pages/s")
	}
	<-ix.rebuild
	if err := ix.Rebuild(ctx); err != nil {
		b.Fatal(err)
	}
	latencies := func(run func(q string) error) (p50, p99 time.Duration) {
		var ds []time.Duration
		for round := 0; round < 3; round++ { // the first round warms the caches
			for _, q := range queries {
				start := time.Now()
				if err := run(q); err != nil {
					b.Fatal(err)
				}
				if round > 0 {
					ds = append(ds, time.Since(start))
				}
			}
		}
		slices.Sort(ds)
		return ds[len(ds)/2], ds[len(ds)*99/100]
	}
	a50, a99 := latencies(func(q string) error {
		_, err := ix.Search(ctx, Request{Query: q})
		return err
	})
	f50, f99 := latencies(func(q string) error {
		words := strings.Fields(q)
		for i, w := range words {
			words[i] = `"` + w + `"`
		}
		rows, err := fts.Query(`SELECT record, page FROM pages WHERE pages MATCH ? ORDER BY bm25(pages) LIMIT 20`, strings.Join(words, " "))
		if err != nil {
			return err
		}
		for rows.Next() {
		}
		rows.Close()
		return rows.Err()
	})
	b.ReportMetric(float64(a50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(a99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(f50.Microseconds())/1000, "fts5-p50-ms")
	b.ReportMetric(float64(f99.Microseconds())/1000, "fts5-p99-ms")
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(line, "VmRSS:") {
				kb, _ := strconv.Atoi(strings.Fields(line)[1])
				b.ReportMetric(float64(kb)/1024, "rss-MB")
			}
		}
	}
}
