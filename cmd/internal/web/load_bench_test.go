package web

import (
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// costlySearches are the searches issue 19 found to cost a minute of CPU
// at 100,000 records ("energy" a thousand times, "能源" 2,500 times), and
// the costliest ones the server still accepts: sixteen common words each
// sixteen times, and "能源" 1,900 times (3,800 characters).
func costlySearches() []string {
	words := strings.Fields("energy technology research development analysis system data model science " +
		"international cooperation academy conference materials climate culture")
	var common strings.Builder
	for range 16 {
		for _, w := range words {
			common.WriteString(w + " ")
		}
	}
	return []string{
		"/api/v1/search?q=" + url.QueryEscape(strings.TrimSpace(strings.Repeat("energy ", 1000))),
		"/api/v1/search?q=" + url.QueryEscape(strings.Repeat("能源", 2500)),
		"/api/v1/search?q=" + url.QueryEscape(strings.TrimSpace(common.String())),
		"/api/v1/search?q=" + url.QueryEscape(strings.Repeat("能源", 1900)),
	}
}

// BenchmarkRecordReadsDuringCostlySearches measures GET
// /api/v1/records/{id} at 100,000 records, one request at a time for 15 s,
// first alone, then while four clients send costly searches
// (costlySearches) back to back. It reports the record reads' median and
// p99 in both, the searches' answers by status, and how long they took.
// Run it with -benchtime 1x.
func BenchmarkRecordReadsDuringCostlySearches(b *testing.B) {
	dir := b.TempDir()
	store, index := benchSearchIndex(b, dir)
	base := serveBench(b, Config{Store: store, Search: index})
	page := httpGet(b, base+"/api/v1/records?size=100")
	ids := idsIn(string(page))
	if len(ids) == 0 {
		b.Fatal("no records")
	}
	client := &http.Client{Timeout: 10 * time.Minute}
	b.ResetTimer()
	for range b.N {
		alone := readRecords(b, client, base, ids, 15*time.Second)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var mu sync.Mutex
		statuses := map[int]int{}
		var took []time.Duration
		var done atomic.Int64
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				qs := costlySearches()
				for i := w; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					start := time.Now()
					resp, err := client.Get(base + qs[i%len(qs)])
					code := 0
					if err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						code = resp.StatusCode
					}
					mu.Lock()
					statuses[code]++
					took = append(took, time.Since(start))
					mu.Unlock()
					done.Add(1)
				}
			}()
		}
		time.Sleep(2 * time.Second) // the searches under way
		loaded := readRecords(b, client, base, ids, 15*time.Second)
		close(stop)
		wg.Wait()
		b.ReportMetric(ms(alone[len(alone)/2]), "alone-p50-ms")
		b.ReportMetric(ms(alone[len(alone)*99/100]), "alone-p99-ms")
		b.ReportMetric(ms(loaded[len(loaded)/2]), "loaded-p50-ms")
		b.ReportMetric(ms(loaded[len(loaded)*99/100]), "loaded-p99-ms")
		slices.Sort(took)
		if len(took) > 0 {
			b.ReportMetric(ms(took[len(took)/2]), "search-p50-ms")
		}
		b.ReportMetric(float64(done.Load()), "searches")
		b.Logf("costly searches answered: %v (status: count)", statuses)
	}
}

// readRecords GETs records one after another for d and returns the
// latencies, sorted.
func readRecords(b *testing.B, client *http.Client, base string, ids []string, d time.Duration) []time.Duration {
	var out []time.Duration
	for end := time.Now().Add(d); time.Now().Before(end); {
		start := time.Now()
		resp, err := client.Get(base + "/api/v1/records/" + ids[rand.IntN(len(ids))])
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("record GET: %d", resp.StatusCode)
		}
		out = append(out, time.Since(start))
	}
	slices.Sort(out)
	return out
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// idsIn picks the record ids out of a listing's JSON.
func idsIn(listing string) []string {
	var ids []string
	for _, part := range strings.Split(listing, `{"id":"`)[1:] {
		if id, _, ok := strings.Cut(part, `"`); ok {
			ids = append(ids, id)
		}
	}
	return ids
}
