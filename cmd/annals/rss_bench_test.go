package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog/catalogtest"
)

// BenchmarkServeRSS measures the resident memory of a real "annals serve"
// process holding 100,000 generated records (ANNALS_BENCH_RECORDS to
// change), after its index is built and it has answered a round of
// searches. Run it with -benchtime 1x.
func BenchmarkServeRSS(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("ANNALS_BENCH_RECORDS")); err == nil && v > 0 {
		n = v
	}
	dir := b.TempDir()
	records := filepath.Join(dir, "records.ndjson")
	f, err := os.Create(records)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for _, r := range catalogtest.NewGenerator(42).Records(n) {
		data, _ := json.Marshal(r)
		w.Write(data)
		w.WriteByte('\n')
	}
	w.Flush()
	f.Close()
	bin := buildForBench(b)
	ev, _ := json.Marshal(catalogtest.GeneratedEvent())
	data := filepath.Join(dir, "data")
	// The event first (through the API of a short-lived server), then the records.
	if out, err := exec.Command(bin, "token", "create", "--data", data, "--name", "bench", "--role", "admin").Output(); err != nil {
		b.Fatal(err)
	} else {
		token := strings.TrimSpace(string(out))
		rssOnce(b, bin, data, token, ev, records)
	}
}

func buildForBench(b *testing.B) string {
	dir := b.TempDir()
	bin := filepath.Join(dir, "annals")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v %s", err, out)
	}
	return bin
}

func rssOnce(b *testing.B, bin, data, token string, event []byte, records string) {
	addr := "127.0.0.1:" + strconv.Itoa(20000+os.Getpid()%10000)
	serve := func() *exec.Cmd {
		cmd := exec.Command(bin, "serve", "--data", data, "--addr", addr)
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		for i := 0; i < 200; i++ {
			if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
				resp.Body.Close()
				return cmd
			}
			time.Sleep(50 * time.Millisecond)
		}
		b.Fatal("server did not start")
		return nil
	}
	cmd := serve()
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/events", strings.NewReader(string(event)))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 201 {
		b.Fatalf("event: %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if out, err := exec.Command(bin, "import", "--data", data, records).CombinedOutput(); err != nil {
		b.Fatalf("import: %v %s", err, out[:min(len(out), 500)])
	}
	cmd = serve()
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	for { // wait for the index
		resp, err := http.Get("http://" + addr + "/healthz")
		if err != nil {
			b.Fatal(err)
		}
		var h struct {
			Revision int64
			Search   struct {
				State    string
				Revision int64
			}
		}
		json.NewDecoder(resp.Body).Decode(&h)
		resp.Body.Close()
		if h.Search.State == "ready" && h.Search.Revision == h.Revision {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	for _, q := range []string{"analysis", "energy storage", "технологии", "人工智能", "Ivanov", ""} {
		resp, err := http.Get("http://" + addr + "/api/v1/search?q=" + url.QueryEscape(q))
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
	}
	b.ReportMetric(float64(procStatusKB(b, cmd.Process.Pid, "VmRSS:"))/1024, "rss-MB")
}
