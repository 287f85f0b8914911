package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"testing"
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
	base := serveBench(b, Config{Store: benchStore(b, b.TempDir(), n, 9)}) + "/oai?verb=ListRecords"
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
