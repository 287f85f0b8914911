package catalogtest

import (
	"context"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
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

// PeakRSS is the process's peak resident memory (VmHWM in
// /proc/self/status), in bytes; 0 where the system does not say.
func PeakRSS() int64 { return procStatusBytes("VmHWM:") }

// ResidentBytes is the process's resident memory now (VmRSS), in bytes.
func ResidentBytes() int64 { return procStatusBytes("VmRSS:") }

// procStatusBytes reads one "Key: N kB" line of /proc/self/status.
func procStatusBytes(key string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, key); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// ResetPeakRSS starts PeakRSS afresh (Linux; elsewhere it does nothing),
// so that a benchmark's peak is its own and not its setup's: the memory
// the setup freed is first given back to the system.
func ResetPeakRSS() {
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}
