package web

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/sqlite"
)

var tokenPattern = regexp.MustCompile(`<resumptionToken[^>]*>([^<]+)</resumptionToken>`)

// BenchmarkOAIListRecords harvests 10,000 and 100,000 published records with
// ListRecords over HTTP (pages of 100, Dublin Core, resumption tokens) as
// a harvester does, and reports records/s and the server's peak heap in
// use during the harvest, which stays flat in the number of records
// because each response holds one page.
func BenchmarkOAIListRecords(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchmarkHarvest(b, n) })
	}
}

func benchmarkHarvest(b *testing.B, n int) {
	store, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "annals.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	catalogtest.MustCreateEvent(b, store)
	recs := catalogtest.NewGenerator(9).Records(n)
	for i := range recs {
		recs[i].Status = catalog.StatusPublished
	}
	if _, err := store.ImportRecords(context.Background(), itemsOf(recs), catalog.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	recs = nil
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go New(Config{Store: store}).Serve(ctx, ln)
	base := "http://" + ln.Addr().String() + "/oai?verb=ListRecords"
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	startHeap := ms.HeapInuse
	var peak uint64
	b.ResetTimer()
	for range b.N {
		harvested := 0
		query := base + "&metadataPrefix=oai_dc"
		for {
			resp, err := http.Get(query)
			if err != nil {
				b.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			harvested += countRecords(body)
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			m := tokenPattern.FindSubmatch(body)
			if m == nil {
				break
			}
			query = base + "&resumptionToken=" + url.QueryEscape(string(m[1]))
		}
		if harvested != n {
			b.Fatalf("harvested %d of %d", harvested, n)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(peak-startHeap)/(1<<20), "heap-growth-MB")
}

var recordOpen = regexp.MustCompile(`<record>`)

func countRecords(body []byte) int { return len(recordOpen.FindAllIndex(body, -1)) }
