package web

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/annals/annals/catalog/catalogtest"
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
	url := serveBench(b, Config{Store: benchStore(b, b.TempDir(), n, 5)})
	script := filepath.Join(b.TempDir(), "get.lua")
	if err := os.WriteFile(script, []byte(fmt.Sprintf(wrkScript, n)), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		runWrk(b, wrk, script, url, 32, "10s").report(b)
	}
}
