package sqlite_test

import (
	"context"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
)

// BenchmarkImport imports 100,000 generated records (abstracts of 150-250
// words in English, Russian and Chinese) into a new database through
// ImportRecords, the path bulk imports take, and reports records/s.
func BenchmarkImport(b *testing.B) {
	const n = 100_000
	items := items(catalogtest.NewGenerator(42).Records(n))
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		s := MustOpen(b)
		catalogtest.MustCreateEvent(b, s)
		b.StartTimer()
		rep, err := s.ImportRecords(context.Background(), items, catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Imported != n {
			b.Fatalf("imported %d of %d", rep.Imported, n)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkFindRecordByID reads one record at a time from a store of
// 10,000 records.
func BenchmarkFindRecordByID(b *testing.B) {
	s := MustOpen(b)
	catalogtest.MustCreateEvent(b, s)
	recs := catalogtest.NewGenerator(43).Records(10_000)
	if _, err := s.ImportRecords(context.Background(), items(recs), catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate}); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := s.FindRecordByID(ctx, recs[i%len(recs)].ID); err != nil {
				b.Error(err)
				return
			}
			i += 7919
		}
	})
}

// BenchmarkStore is the benchmark every store runs (beside PostgreSQL's:
// catalog/postgres).
func BenchmarkStore(b *testing.B) {
	catalogtest.RunStoreBenchmarks(b, func(tb testing.TB) catalog.Store { return MustOpen(tb) })
}
