package web

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// wrkResult is what a wrk run measured.
type wrkResult struct {
	rps      float64
	p50, p99 time.Duration
}

// runWrk loads url for duration (default, or $ANNALS_WRK_DURATION) with one
// wrk thread, conns connections and the Lua script, from a second process.
// Any non-2xx answer fails the benchmark.
func runWrk(b *testing.B, wrk, script, url string, conns int, duration string) wrkResult {
	b.Helper()
	if d := os.Getenv("ANNALS_WRK_DURATION"); d != "" {
		duration = d
	}
	out, err := exec.Command(wrk, "-t1", "-c"+strconv.Itoa(conns), "-d"+duration, "--latency", "-s", script, url).CombinedOutput()
	if err != nil {
		b.Fatalf("wrk: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "Non-2xx") {
		b.Fatalf("wrk saw errors:\n%s", out)
	}
	rps := regexp.MustCompile(`Requests/sec:\s+([\d.]+)`).FindSubmatch(out)
	if rps == nil {
		b.Fatalf("cannot read wrk output:\n%s", out)
	}
	var res wrkResult
	res.rps, _ = strconv.ParseFloat(string(rps[1]), 64)
	for _, p := range []struct {
		label string
		dst   *time.Duration
	}{{"50", &res.p50}, {"99", &res.p99}} {
		m := regexp.MustCompile(p.label + `%\s+([\d.]+)(us|ms|s)`).FindSubmatch(out)
		if m == nil {
			b.Fatalf("no p%s in wrk output:\n%s", p.label, out)
		}
		v, _ := strconv.ParseFloat(string(m[1]), 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[string(m[2])]
		*p.dst = time.Duration(v * float64(unit))
	}
	return res
}

// report adds a wrk result to the benchmark's metrics.
func (r wrkResult) report(b *testing.B) {
	b.ReportMetric(r.rps, "req/s")
	b.ReportMetric(float64(r.p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(r.p99.Microseconds())/1000, "p99-ms")
}
