package proceedings_test

import (
	"context"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/export/proceedings"
	"github.com/annals/annals/export/proceedings/proceedingstest"
)

// generatedDocument is n generated records (English, Russian and Chinese
// titles, abstracts of 150-250 words, 1-4 contributors) as proceedings in
// APA.
func generatedDocument(b testing.TB, n int) *proceedings.Document {
	ev := catalogtest.GeneratedEvent()
	return &proceedings.Document{Event: &ev, Sections: proceedings.Arrange(&ev, catalogtest.NewGenerator(11).Records(n), "Other outputs"),
		Style: proceedingstest.Style(b, "apa"), Generated: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)}
}

// peakHeap samples the heap in use while fn runs and returns its peak.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	return peak.Load()
}

// countingWriter counts what is written.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func benchmarkProceedings(b *testing.B, n int) {
	d := generatedDocument(b, n)
	fonts := proceedingstest.Fonts(b)
	pages := 0
	var peak uint64
	var size int64
	b.ResetTimer()
	for b.Loop() {
		var out countingWriter
		p := peakHeap(func() {
			st, err := proceedings.Render(context.Background(), io.Writer(&out), d, proceedings.Options{Fonts: fonts, Words: proceedingstest.Words(b)})
			if err != nil {
				b.Fatal(err)
			}
			pages += st.Pages
		})
		peak, size = max(peak, p), out.n
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(size)/(1<<20), "pdf-MB")
	b.ReportMetric(float64(pages)/float64(b.N), "pages")
}

// BenchmarkProceedings renders proceedings of 250 and 1,000 generated
// entries: pages per second, the peak heap in use and the PDF's size.
func BenchmarkProceedings(b *testing.B) {
	b.Run("entries=250", func(b *testing.B) { benchmarkProceedings(b, 250) })
	b.Run("entries=1000", func(b *testing.B) { benchmarkProceedings(b, 1000) })
}
