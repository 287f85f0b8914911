package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"
	"github.com/annals/annals/catalog/postgres"
	"github.com/annals/annals/catalog/postgres/pgtest"
	"github.com/annals/annals/catalog/sqlite"
	"github.com/annals/annals/search"
)

// benchRecords is ANNALS_BENCH_RECORDS, or def.
func benchRecords(tb testing.TB, def int) int {
	v := os.Getenv("ANNALS_BENCH_RECORDS")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1000 {
		tb.Fatalf("ANNALS_BENCH_RECORDS=%q: a number of records, at least 1000", v)
	}
	return n
}

// loadGenerated imports n generated records (and their event) into store
// in parts of 10,000, as a librarian's bulk imports would; it returns the
// published records' ids.
func loadGenerated(tb testing.TB, store catalog.Store, n int) []string {
	tb.Helper()
	ctx := context.Background()
	catalogtest.MustCreateEvent(tb, store)
	gen := catalogtest.NewGenerator(42)
	var ids []string
	for done := 0; done < n; done += 10_000 {
		recs := gen.Records(min(10_000, n-done))
		items := make([]catalog.ImportItem, len(recs))
		for i, r := range recs {
			items[i] = catalog.ImportItem{Index: done + i, Record: r}
			if r.Status == catalog.StatusPublished {
				ids = append(ids, r.ID)
			}
		}
		rep, err := store.ImportRecords(ctx, items, catalog.ImportOptions{OnDuplicate: catalog.DuplicateCreate})
		if err != nil {
			tb.Fatal(err)
		}
		if rep.Imported != len(items) {
			tb.Fatalf("imported %d of %d", rep.Imported, len(items))
		}
	}
	return ids
}

// BenchmarkNewNodeAtScale: ANNALS_BENCH_RECORDS (default 100,000)
// generated records imported into PostgreSQL in parts of 10,000
// (records/s), the database's size, then what a node joining does: build
// its index from the store (records/s, and minutes). Run with -benchtime 1x.
func BenchmarkNewNodeAtScale(b *testing.B) {
	n := benchRecords(b, 100_000)
	ctx := context.Background()
	for range b.N {
		dsn := pgtest.NewDatabase(b)
		store, err := postgres.Open(ctx, dsn, postgres.Options{})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		loadGenerated(b, store, n)
		imported := time.Since(start)
		var size int64
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			b.Fatal(err)
		}
		err = db.QueryRowContext(ctx, `SELECT pg_database_size(current_database())`).Scan(&size)
		db.Close()
		if err != nil {
			b.Fatal(err)
		}
		opts := searchOptions(Config{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		index, err := search.Open(ctx, filepath.Join(b.TempDir(), "index"), store, opts)
		if err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		if err := index.Rebuild(ctx); err != nil {
			b.Fatal(err)
		}
		built := time.Since(start)
		index.Close()
		store.Close()
		b.ReportMetric(float64(n)/imported.Seconds(), "import-records/s")
		b.ReportMetric(float64(size)/(1<<20), "database-MB")
		b.ReportMetric(float64(n)/built.Seconds(), "index-records/s")
		b.ReportMetric(built.Minutes(), "index-build-min")
	}
}

// BenchmarkRecordGETOverHTTP: GET /api/v1/records/{id} of random published
// records among 10,000, over HTTP with wrk (2 threads, 32 connections,
// 10 s), from one "annals serve" on SQLite and one on PostgreSQL in the
// same run; req/s and latency p50/p99 of each. wrk shares the two cores
// with the server, as it does with both stores.
func BenchmarkRecordGETOverHTTP(b *testing.B) {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		b.Skip("wrk is not installed (apt install wrk)")
	}
	ctx := context.Background()
	const n = 10_000

	dirSQLite := b.TempDir()
	lite, err := sqlite.Open(ctx, filepath.Join(dirSQLite, "annals.db"), sqlite.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ids := loadGenerated(b, lite, n)
	lite.Close()
	dsn := pgtest.NewDatabase(b)
	pg, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		b.Fatal(err)
	}
	loadGenerated(b, pg, n)
	pg.Close()

	script := filepath.Join(b.TempDir(), "ids.lua")
	var lua strings.Builder
	lua.WriteString("local ids = {\n")
	for _, id := range ids {
		fmt.Fprintf(&lua, "%q,\n", id)
	}
	lua.WriteString("}\nrequest = function() return wrk.format(\"GET\", \"/api/v1/records/\" .. ids[math.random(#ids)]) end\n")
	if err := os.WriteFile(script, []byte(lua.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	for range b.N {
		for _, node := range []struct {
			name string
			dir  string
			env  []string
		}{{"sqlite", dirSQLite, nil}, {"postgres", b.TempDir(), []string{"ANNALS_STORE=" + dsn}}} {
			s := startServerEnv(b, node.dir, node.env)
			waitSettled(b, s)
			out, err := exec.Command(wrk, "-t2", "-c32", "-d10s", "--latency", "-s", script, s.url).CombinedOutput()
			s.cmd.Process.Kill()
			<-s.done
			if err != nil {
				b.Fatalf("wrk: %v\n%s", err, out)
			}
			rps, p50, p99, errs := parseWrk(string(out))
			if errs != "" {
				b.Fatalf("%s: wrk saw failed requests: %s\n%s", node.name, errs, out)
			}
			b.ReportMetric(rps, node.name+"-req/s")
			b.ReportMetric(p50, node.name+"-p50-ms")
			b.ReportMetric(p99, node.name+"-p99-ms")
		}
	}
}

// waitSettled waits until s has built its index and started reading
// files (PDFium compiled), so that neither runs beside the measurement.
func waitSettled(tb testing.TB, s *server) {
	tb.Helper()
	for deadline := time.Now().Add(5 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get(s.url + "/healthz")
		if err != nil {
			continue
		}
		var h struct{ Status string }
		json.NewDecoder(resp.Body).Decode(&h)
		resp.Body.Close()
		if h.Status == "ok" && strings.Contains(s.stderr.String(), "reading files in the background") {
			time.Sleep(time.Second)
			return
		}
	}
	tb.Fatalf("%s did not settle: %s", s.url, s.stderr.String())
}

var wrkLatency = regexp.MustCompile(`^\s+(50|99)%\s+([\d.]+)(us|ms|s)$`)

// parseWrk reads requests/s and the 50th and 99th latency percentiles (ms)
// from wrk's report, and its line about failed requests if any.
func parseWrk(out string) (rps, p50, p99 float64, errs string) {
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Requests/sec:"); ok {
			rps, _ = strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
		if strings.Contains(line, "Non-2xx") || strings.Contains(line, "Socket errors") {
			errs += strings.TrimSpace(line) + "; "
		}
		if m := wrkLatency.FindStringSubmatch(line); m != nil {
			v, _ := strconv.ParseFloat(m[2], 64)
			switch m[3] {
			case "us":
				v /= 1000
			case "s":
				v *= 1000
			}
			if m[1] == "50" {
				p50 = v
			} else {
				p99 = v
			}
		}
	}
	return rps, p50, p99, errs
}
