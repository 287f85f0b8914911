package catalogtest

import (
	"context"
	"testing"

	"github.com/annals/annals/catalog"
)

// RunStoreBenchmarks measures what every store must do quickly, the same
// way on each, so that SQLite and PostgreSQL can be compared in one run:
//
//   - CreateRecord: single-record writes, one after another (records/s);
//   - Import: a bulk import of 20,000 generated records through
//     ImportRecords (records/s);
//   - FindRecordByID: reads of one record by id from 10,000, in parallel.
//
// open must return a new, empty store for each call.
func RunStoreBenchmarks(b *testing.B, open func(testing.TB) catalog.Store) {
	ctx := context.Background()
	b.Run("CreateRecord", func(b *testing.B) {
		s := open(b)
		MustCreateEvent(b, s)
		recs := NewGenerator(41).Records(b.N)
		b.ResetTimer()
		for i := range recs {
			if err := s.CreateRecord(ctx, &recs[i]); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
	})
	b.Run("Import", func(b *testing.B) {
		const n = 20_000
		items := importItems(NewGenerator(42).Records(n))
		b.ResetTimer()
		for range b.N {
			b.StopTimer()
			s := open(b)
			MustCreateEvent(b, s)
			b.StartTimer()
			rep, err := s.ImportRecords(ctx, items, catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate})
			if err != nil {
				b.Fatal(err)
			}
			if rep.Imported != n {
				b.Fatalf("imported %d of %d", rep.Imported, n)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
	})
	b.Run("FindRecordByID", func(b *testing.B) {
		s := open(b)
		MustCreateEvent(b, s)
		recs := NewGenerator(43).Records(10_000)
		if _, err := s.ImportRecords(ctx, importItems(recs), catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate}); err != nil {
			b.Fatal(err)
		}
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
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
	})
}

func importItems(recs []catalog.Record) []catalog.ImportItem {
	out := make([]catalog.ImportItem, len(recs))
	for i, r := range recs {
		out[i] = catalog.ImportItem{Index: i, Record: r}
	}
	return out
}
