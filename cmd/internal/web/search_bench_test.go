package web

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/sqlite"
	"github.com/annals/annals/search"
)

// searchBenchQueries are the query strings wrk cycles through.
var searchBenchQueries = []string{
	"q=artificial+intelligence", "q=energy+storage+battery", "q=protein+cell", "q=%22solar+energy%22",
	"q=climate+-soil", "q=title:semiconductor", "q=technology&kind=report", "q=heritage+culture+history",
	"q=" + url.QueryEscape("технология"), "q=" + url.QueryEscape("искусственный интеллект"),
	"q=" + url.QueryEscape("история культура") + "&session=culture", "q=" + url.QueryEscape("人工智能"),
	"q=" + url.QueryEscape("能源"), "q=" + url.QueryEscape("中俄 合作"), "q=" + url.QueryEscape("Petrović"),
	"q=" + url.QueryEscape("Иванов"), "q=Ivanov", "q=Zhang+Wei", "q=name:Smith", "year=2025&country=RU",
	"q=materials&sort=-date", "q=analysis&sort=title", "q=inteligence~",
}

// BenchmarkSearchHTTP measures GET /api/v1/search on a real server over
// loopback at 100,000 records, under load from wrk in a second process (1
// thread, 8 connections, 20 s by default), cycling through a fixed mixed
// query set; each answer has facets, highlights and 20 records loaded from
// the store. Run it with -benchtime 1x.
func BenchmarkSearchHTTP(b *testing.B) {
	wrk := catalogtest.RequireTool(b, "wrk", "apt install wrk")
	dir := b.TempDir()
	store, index := benchSearchIndex(b, dir)
	url := serveBench(b, Config{Store: store, Search: index})
	script := wrkQueryScript(b, dir, "/api/v1/search?")
	b.ResetTimer()
	for range b.N {
		runWrk(b, wrk, script, url, 8, "20s").report(b)
	}
}

// BenchmarkSearchPage measures the HTML search page (GET /search) at
// 100,000 records under load from wrk in a second process, with 2 and 8
// connections, cycling through the same queries as BenchmarkSearchHTTP;
// each page has facets with labels, highlights and 20 results. It also
// reports the weight of a results page: HTML, CSS and JavaScript. Run it
// with -benchtime 1x.
func BenchmarkSearchPage(b *testing.B) {
	wrk := catalogtest.RequireTool(b, "wrk", "apt install wrk")
	dir := b.TempDir()
	store, index := benchSearchIndex(b, dir)
	base := serveBench(b, Config{Store: store, Search: index, Site: assets.FS(), SessionKey: []byte(strings.Repeat("k", 32))})
	weight := 0
	for _, path := range []string{"/search?q=artificial+intelligence"} {
		page := httpGet(b, base+path)
		weight += len(page)
		for _, m := range regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(string(page), -1) {
			weight += len(httpGet(b, base+m[1]))
		}
	}
	script := wrkQueryScript(b, dir, "/search?")
	b.ResetTimer()
	for range b.N {
		for _, conns := range []int{2, 8} {
			r := runWrk(b, wrk, script, base, conns, "20s")
			b.ReportMetric(r.rps, fmt.Sprintf("c%d-req/s", conns))
			b.ReportMetric(float64(r.p50.Microseconds())/1000, fmt.Sprintf("c%d-p50-ms", conns))
			b.ReportMetric(float64(r.p99.Microseconds())/1000, fmt.Sprintf("c%d-p99-ms", conns))
		}
	}
	b.ReportMetric(float64(weight)/1024, "page-KB")
}

// benchSearchIndex makes a store of 100,000 generated records in dir and
// builds its search index.
func benchSearchIndex(b *testing.B, dir string) (*sqlite.Store, *search.Index) {
	b.Helper()
	store := benchStore(b, dir, 100_000, 42)
	// ANNALS_SEARCH_CONCURRENCY sets the search slots, as for annals serve.
	slots, _ := strconv.Atoi(os.Getenv("ANNALS_SEARCH_CONCURRENCY"))
	index, err := search.Open(context.Background(), filepath.Join(dir, "index"), store, search.Options{MaxConcurrent: slots})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { index.Close() })
	if err := index.Rebuild(context.Background()); err != nil {
		b.Fatal(err)
	}
	return store, index
}

// wrkQueryScript writes a wrk script to dir that cycles through
// searchBenchQueries at path, and returns its file name.
func wrkQueryScript(b *testing.B, dir, path string) string {
	b.Helper()
	var lua strings.Builder
	lua.WriteString("queries = {\n")
	for _, q := range searchBenchQueries {
		fmt.Fprintf(&lua, "  %q,\n", path+q)
	}
	lua.WriteString("}\ncounter = 0\nrequest = function()\n  counter = counter + 1\n  return wrk.format(\"GET\", queries[(counter % #queries) + 1])\nend\n")
	script := filepath.Join(dir, "queries.lua")
	if err := os.WriteFile(script, []byte(lua.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return script
}

func httpGet(b *testing.B, u string) []byte {
	b.Helper()
	resp, err := http.Get(u)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		b.Fatalf("%s: %d", u, resp.StatusCode)
	}
	return data
}
