package web

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/sqlite"
)

// wrkScript asks for a different record each time, in a fixed order.
const wrkScript = `
counter = 0
request = function()
  counter = counter + 7919
  return wrk.format("GET", string.format("/api/v1/records/gen-%%06d", (counter %% %d) + 1))
end
`

// BenchmarkGetRecordHTTP measures GET /api/v1/records/{id} on a real server
// over loopback, under load from wrk in a second process (one wrk thread,
// 32 connections, 10 s), on a store of 10,000 published records. It reports
// wrk's requests/s and 99th percentile latency. Run it with -benchtime 1x.
func BenchmarkGetRecordHTTP(b *testing.B) {
	wrk := catalogtest.RequireTool(b, "wrk", "apt install wrk")
	const n = 10_000
	store, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "annals.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	catalogtest.MustCreateEvent(b, store)
	recs := catalogtest.NewGenerator(5).Records(n)
	for i := range recs {
		recs[i].Status = catalog.StatusPublished
	}
	if _, err := store.ImportRecords(context.Background(), itemsOf(recs), catalog.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go New(Config{Store: store}).Serve(ctx, ln)
	script := filepath.Join(b.TempDir(), "get.lua")
	if err := os.WriteFile(script, []byte(fmt.Sprintf(wrkScript, n)), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		runWrk(b, wrk, script, "http://"+ln.Addr().String(), 32, "10s").report(b)
	}
}
