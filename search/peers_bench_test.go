package search

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/blevesearch/bleve/v2"
)

// peerRecords is how many generated records BenchmarkRebuildBesidePeers
// indexes: ANNALS_BENCH_RECORDS, or 100,000 (1,000,000 takes long: it is
// never part of the default test run).
func peerRecords(b *testing.B) int {
	if v := os.Getenv("ANNALS_BENCH_RECORDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1000 {
			b.Fatalf("ANNALS_BENCH_RECORDS=%q: a number of records, at least 1000", v)
		}
		return n
	}
	return benchRecords
}

// BenchmarkRebuildBesidePeers rebuilds Annals' index of generated records
// and, in the same run on the same records, builds the two peers of the
// search issue: Bleve with its default mapping indexing each record's
// title, abstract and names as one document, and SQLite FTS5 indexing the
// same text. It reports each one's records/s, Annals' ratio to each, the
// size of Annals' index on disk and the process's peak RSS during
// Annals' rebuild.
func BenchmarkRebuildBesidePeers(b *testing.B) {
	n := peerRecords(b)
	e := newEnv(b)
	catalogtest.MustCreateEvent(b, e.store)
	gen := catalogtest.NewGenerator(42)
	var recs []catalog.Record
	for start := 0; start < n; start += 100_000 { // imported in slices, to bound the memory of the items
		part := gen.Records(min(100_000, n-start))
		items := make([]catalog.ImportItem, len(part))
		for i, r := range part {
			r.ID = "gen-" + strconv.Itoa(start+i)
			part[i] = r
			items[i] = catalog.ImportItem{Index: i, Record: r}
		}
		if _, err := e.store.ImportRecords(context.Background(), items, catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate}); err != nil {
			b.Fatal(err)
		}
		recs = append(recs, part...)
	}
	defer debug.SetGCPercent(debug.SetGCPercent(200))
	runtime.GC()
	b.ResetTimer()
	var annals, peerBleve, peerFTS time.Duration
	var size int64
	var peak float64
	for range b.N {
		catalogtest.ResetPeakRSS()
		start := time.Now()
		if err := e.index.Rebuild(context.Background()); err != nil {
			b.Fatal(err)
		}
		annals += time.Since(start)
		peak = max(peak, peakRSSMB())
		size = dirSize(b, e.index.dir)

		start = time.Now()
		bi, err := bleve.New(filepath.Join(b.TempDir(), "default.bleve"), bleve.NewIndexMapping())
		if err != nil {
			b.Fatal(err)
		}
		batch := bi.NewBatch()
		for i := range recs {
			title, abstract, names := plainText(&recs[i])
			batch.Index(recs[i].ID, map[string]string{"title": title, "abstract": abstract, "names": names})
			if batch.Size() == 1000 {
				if err := bi.Batch(batch); err != nil {
					b.Fatal(err)
				}
				batch = bi.NewBatch()
			}
		}
		if err := bi.Batch(batch); err != nil {
			b.Fatal(err)
		}
		bi.Close()
		peerBleve += time.Since(start)

		start = time.Now()
		db, err := sql.Open("sqlite", filepath.Join(b.TempDir(), "fts.db"))
		if err != nil {
			b.Fatal(err)
		}
		db.Exec(`CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, abstract, names, tokenize = 'porter unicode61')`)
		tx, _ := db.Begin()
		for i := range recs {
			title, abstract, names := plainText(&recs[i])
			tx.Exec(`INSERT INTO docs VALUES (?, ?, ?, ?)`, recs[i].ID, title, abstract, names)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		db.Close()
		peerFTS += time.Since(start)
	}
	per := func(d time.Duration) float64 { return float64(n*b.N) / d.Seconds() }
	b.ReportMetric(per(annals), "annals-records/s")
	b.ReportMetric(per(peerBleve), "bleve-default-records/s")
	b.ReportMetric(per(peerFTS), "fts5-records/s")
	b.ReportMetric(per(annals)/per(peerBleve), "ratio-to-bleve-default")
	b.ReportMetric(per(annals)/per(peerFTS), "ratio-to-fts5")
	b.ReportMetric(float64(size)/1e6, "index-MB")
	b.ReportMetric(peak, "peak-RSS-MB")
}

// dirSize is the bytes of the files under dir.
func dirSize(b *testing.B, dir string) int64 {
	var total int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return total
}
