package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/sqlite"
)

// BenchmarkServeRSSWithFullText measures a real "annals serve" holding
// 10,000 generated records, each with a 30-page document whose text was
// read and stored (300,000 pages, as after extraction; the same generator
// as search's BenchmarkFulltext): the first start, which builds the
// indexes from the store (time to a found page, peak memory), and a
// second start's resident memory after answering 100 searches that reach
// the pages (issue 14's serving memory at that size).
//
//	go test ./cmd/annals -run '^$' -bench ServeRSSWithFullText -benchtime 1x -timeout 60m
func BenchmarkServeRSSWithFullText(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("ANNALS_BENCH_FULLTEXT_RECORDS")); err == nil && v > 0 {
		n = v
	}
	data := filepath.Join(b.TempDir(), "data")
	queries := storeWithPages(b, data, n, 30, 250)
	bin := buildForBench(b)
	addr := "127.0.0.1:" + strconv.Itoa(20000+os.Getpid()%10000)
	probe := "http://" + addr + "/api/v1/search?q=" + url.QueryEscape("text:"+queries[0])
	// The first start builds the indexes from the store (and compiles
	// PDFium); the second, measured, serves what the first built.
	first := serveUntilFound(b, bin, data, addr, probe)
	b.ReportMetric(first.ready.Seconds(), "s-first-start")
	b.ReportMetric(first.stop(), "peak-rss-MB-first-start")
	second := serveUntilFound(b, bin, data, addr, probe)
	for _, q := range queries {
		resp, err := http.Get("http://" + addr + "/api/v1/search?q=" + url.QueryEscape(q))
		if err != nil {
			b.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("%q: %d", q, resp.StatusCode)
		}
		resp.Body.Close()
	}
	b.ReportMetric(second.ready.Seconds(), "s-second-start")
	b.ReportMetric(float64(procStatusKB(b, second.cmd.Process.Pid, "VmRSS:"))/1024, "rss-MB")
	b.ReportMetric(second.stop(), "peak-rss-MB")
}

// servedCatalogue is a running "annals serve" and how long it took to find a word
// of the pages.
type servedCatalogue struct {
	cmd   *exec.Cmd
	ready time.Duration
}

// stop stops the server and gives its peak resident memory, in MB.
func (s servedCatalogue) stop() float64 {
	peak := procStatusKB(nil, s.cmd.Process.Pid, "VmHWM:")
	s.cmd.Process.Kill()
	s.cmd.Wait()
	return float64(peak) / 1024
}

// serveUntilFound starts the server and waits until probe finds records.
func serveUntilFound(b *testing.B, bin, data, addr, probe string) servedCatalogue {
	cmd := exec.Command(bin, "serve", "--data", data, "--addr", addr)
	started := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for {
		if time.Since(started) > 50*time.Minute {
			b.Fatal("the indexes were not built in 50 minutes")
		}
		time.Sleep(200 * time.Millisecond)
		resp, err := http.Get(probe)
		if err != nil {
			continue
		}
		var res struct {
			Total int `json:"total"`
		}
		json.NewDecoder(resp.Body).Decode(&res)
		resp.Body.Close()
		if res.Total > 0 {
			return servedCatalogue{cmd: cmd, ready: time.Since(started)}
		}
	}
}

// procStatusKB reads one "Key: N kB" line of a process's status; with b
// nil, 0 when it cannot.
func procStatusKB(b *testing.B, pid int, key string) int {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		if b != nil {
			b.Skip("no /proc on this system")
		}
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, key); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return kb
		}
	}
	return 0
}

// storeWithPages makes a catalogue in data with n generated records, each
// with a document of pages pages of words words whose text is stored as
// extraction stores it; it returns 100 queries of words from the pages.
func storeWithPages(b *testing.B, data string, n, pages, words int) []string {
	ctx := catalog.NewContextWithActor(context.Background(), catalog.Actor{Name: "bench", Role: catalog.RoleAdmin})
	if err := os.MkdirAll(data, 0o700); err != nil {
		b.Fatal(err)
	}
	store, err := sqlite.Open(ctx, filepath.Join(data, "annals.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	ev := catalogtest.GeneratedEvent()
	if err := store.CreateEvent(ctx, &ev); err != nil {
		b.Fatal(err)
	}
	g := catalogtest.NewGenerator(42)
	var queries []string
	i := 0
	catalogtest.StoreRecordsWithText(b, ctx, store, g, n, pages, words, func(r *catalog.Record, _ []string) {
		if i%(n/100+1) == 0 && len(queries) < 100 && r.Language != "zh" {
			queries = append(queries, g.Query(r.Language, len(queries)))
		}
		i++
	})
	return queries
}
