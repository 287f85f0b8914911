package search

import (
	"context"
	"database/sql"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
)

// benchRecords is the size of the benchmark catalogue.
const benchRecords = 100_000

// BenchmarkIndexBuild rebuilds the index of a store of 100,000 generated
// records (abstracts of 150-250 words in English, Russian and Chinese), as
// "annals reindex" does, and reports records/s and the process's peak RSS
// during the rebuild.
func BenchmarkIndexBuild(b *testing.B) {
	e := newEnv(b)
	catalogtest.MustCreateEvent(b, e.store)
	items := make([]catalog.ImportItem, benchRecords)
	for i, r := range catalogtest.NewGenerator(42).Records(benchRecords) {
		items[i] = catalog.ImportItem{Index: i, Record: r}
	}
	if _, err := e.store.ImportRecords(context.Background(), items, catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate}); err != nil {
		b.Fatal(err)
	}
	// As annals serve and reindex do (cmd/annals, rebuildGCPercent).
	defer debug.SetGCPercent(debug.SetGCPercent(200))
	items = nil
	runtime.GC()
	catalogtest.ResetPeakRSS()
	b.ResetTimer()
	for range b.N {
		if err := e.index.Rebuild(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchRecords*b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
}

// benchQueries is a fixed mixed set: English, Russian and Chinese words,
// names in several scripts, phrases, fields, exclusions and filters.
var benchQueries = []Request{
	{Query: "artificial intelligence"}, {Query: "energy storage battery"}, {Query: "protein cell"},
	{Query: "neural network learning"}, {Query: `"solar energy"`}, {Query: "climate -soil"},
	{Query: "title:semiconductor"}, {Query: "technology", Filters: Filters{Kind: []string{"report"}}},
	{Query: "heritage culture history"}, {Query: "supercomputer simulation algorithm"},
	{Query: "технология"}, {Query: "искусственный интеллект"}, {Query: "лаборатория платформа"},
	{Query: "материалы синтез"}, {Query: "история культура", Filters: Filters{Session: []string{"culture"}}},
	{Query: "人工智能"}, {Query: "能源"}, {Query: "基因组 细胞"}, {Query: `"超级计算"`}, {Query: "中俄 合作"},
	{Query: "Petrović"}, {Query: "Иванов"}, {Query: "Ivanov"}, {Query: "Zhang Wei"}, {Query: "王芳"},
	{Query: "name:Smith"}, {Query: "", Filters: Filters{Year: []string{"2025"}, Country: []string{"RU"}}},
	{Query: "materials", Sort: SortDateDesc}, {Query: "analysis", Sort: SortTitle}, {Query: "inteligence~"},
}

// percentiles returns the p-th percentiles (0-100) of durations.
func percentiles(d []time.Duration, ps ...float64) []time.Duration {
	sorted := append([]time.Duration(nil), d...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	out := make([]time.Duration, len(ps))
	for i, p := range ps {
		k := int(p / 100 * float64(len(sorted)-1))
		out[i] = sorted[k]
	}
	return out
}

// BenchmarkQueryLatency measures search latency in-process at 100,000
// records (ANNALS_BENCH_RECORDS sets another number) over the fixed query
// set: as the API asks (page of 20 with the
// seven facets counted over all matches), the same without facets, and the
// same queries' words in SQLite FTS5 ranked by bm25() (which counts no
// facets). It reports p50 and p99 of each, and the RSS of the benchmark
// process (which also holds the generated records).
func BenchmarkQueryLatency(b *testing.B) {
	e := newEnv(b)
	catalogtest.MustCreateEvent(b, e.store)
	recs := catalogtest.NewGenerator(42).Records(peerRecords(b)) // ANNALS_BENCH_RECORDS, or 100,000
	items := make([]catalog.ImportItem, len(recs))
	for i, r := range recs {
		items[i] = catalog.ImportItem{Index: i, Record: r}
	}
	if _, err := e.store.ImportRecords(context.Background(), items, catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate}); err != nil {
		b.Fatal(err)
	}
	items = nil
	if err := e.index.Rebuild(context.Background()); err != nil {
		b.Fatal(err)
	}
	fts := buildFTS5(b, recs)
	defer fts.Close()
	ctx := context.Background()
	// Warm up both, once.
	for _, q := range benchQueries {
		if _, err := e.index.Search(ctx, q); err != nil {
			b.Fatalf("%q: %v", q.Query, err)
		}
		ftsSearch(b, fts, q.Query)
	}
	var annals, bare, peer []time.Duration
	b.ResetTimer()
	for range b.N {
		for _, q := range benchQueries {
			start := time.Now()
			if _, err := e.index.Search(ctx, q); err != nil {
				b.Fatal(err)
			}
			annals = append(annals, time.Since(start))
			noFacets := q
			noFacets.NoFacets = true
			start = time.Now()
			if _, err := e.index.Search(ctx, noFacets); err != nil {
				b.Fatal(err)
			}
			bare = append(bare, time.Since(start))
			start = time.Now()
			ftsSearch(b, fts, q.Query)
			peer = append(peer, time.Since(start))
		}
	}
	for _, series := range []struct {
		name string
		d    []time.Duration
	}{{"", annals}, {"nofacets-", bare}, {"fts5-", peer}} {
		p := percentiles(series.d, 50, 99)
		b.ReportMetric(float64(p[0].Microseconds())/1000, series.name+"p50-ms")
		b.ReportMetric(float64(p[1].Microseconds())/1000, series.name+"p99-ms")
	}
	b.ReportMetric(rssMB(), "rss-MB")
}

func buildFTS5(b *testing.B, recs []catalog.Record) *sql.DB {
	db, err := sql.Open("sqlite", filepath.Join(b.TempDir(), "fts.db"))
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, abstract, names, tokenize = 'porter unicode61')`); err != nil {
		b.Fatal(err)
	}
	tx, _ := db.Begin()
	for _, r := range recs {
		names := make([]string, len(r.Contributors))
		for i, c := range r.Contributors {
			names[i] = c.DisplayName()
		}
		title := r.Title
		for _, t := range r.Translations {
			title += " " + t.Title
		}
		tx.Exec(`INSERT INTO docs (id, title, abstract, names) VALUES (?, ?, ?, ?)`, r.ID, title, r.Abstract, strings.Join(names, "; "))
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return db
}

func ftsSearch(b *testing.B, db *sql.DB, q string) {
	words := ftsWord.FindAllString(strings.ToLower(q), -1)
	if len(words) == 0 {
		return
	}
	for i, w := range words {
		words[i] = `"` + w + `"`
	}
	rows, err := db.Query(`SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 20`, strings.Join(words, " OR "))
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
	}
	rows.Close()
}

// rssMB reads the resident set size of this process.
func rssMB() float64 { return float64(catalogtest.ResidentBytes()) / (1 << 20) }

// peakRSSMB reads the largest resident set size of this process since it
// started or since resetPeakRSS.
func peakRSSMB() float64 { return float64(catalogtest.PeakRSS()) / (1 << 20) }

// suggestPrefixes are what people type, a few letters at a time, in the
// scripts of the catalogue.
var suggestPrefixes = []string{"in", "int", "intel", "ene", "energy st", "mat", "prot", "hist", "neu", "solar",
	"те", "тех", "технол", "иск", "мате", "ист", "Ив", "Ива", "Petr", "Zhang", "Wang F", "人工", "能源", "基因", "中俄", "sm", "smi"}

// BenchmarkSuggest measures suggestions at 100,000 records over prefixes
// of one to nine letters in Latin, Cyrillic and Han: p50 and p99 (the
// goal: p99 ≤ 10 ms).
func BenchmarkSuggest(b *testing.B) {
	e := newEnv(b)
	catalogtest.MustCreateEvent(b, e.store)
	recs := catalogtest.NewGenerator(42).Records(benchRecords)
	items := make([]catalog.ImportItem, len(recs))
	for i, r := range recs {
		r.Status = catalog.StatusPublished
		items[i] = catalog.ImportItem{Index: i, Record: r}
	}
	if _, err := e.store.ImportRecords(context.Background(), items, catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate}); err != nil {
		b.Fatal(err)
	}
	if err := e.index.Rebuild(context.Background()); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, p := range suggestPrefixes { // warm up
		if _, err := e.index.Suggest(ctx, p, 8); err != nil {
			b.Fatal(err)
		}
	}
	var d []time.Duration
	b.ResetTimer()
	for range b.N {
		for _, p := range suggestPrefixes {
			start := time.Now()
			if _, err := e.index.Suggest(ctx, p, 8); err != nil {
				b.Fatal(err)
			}
			d = append(d, time.Since(start))
		}
	}
	p := percentiles(d, 50, 99)
	b.ReportMetric(float64(p[0].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p[1].Microseconds())/1000, "p99-ms")
}
