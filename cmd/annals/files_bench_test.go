package main

import (
	crand "crypto/rand"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// procKB reads a /proc/PID/status field (VmRSS, VmHWM) in KB.
func procKB(b *testing.B, pid int, field string) int {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Skip("no /proc on this system")
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, field+":") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return kb
		}
	}
	return 0
}

// BenchmarkFileTransfer measures a 200 MB file through a real "annals
// serve" over loopback: the upload (PUT) as a ratio to cp of the same file
// on the same disk, the server's peak memory growth while it uploads; the
// download (GET) as a ratio to Go's http.ServeFile of the same bytes; and
// 1,000 concurrent range requests. Run it with -benchtime 1x.
func BenchmarkFileTransfer(b *testing.B) {
	const size = 200 << 20
	dir := b.TempDir()
	src := filepath.Join(dir, "big.bin")
	f, err := os.Create(src)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.CopyN(f, crand.Reader, size); err != nil {
		b.Fatal(err)
	}
	f.Close()
	bin := buildForBench(b)
	data := filepath.Join(dir, "data")
	out, err := exec.Command(bin, "token", "create", "--data", data, "--name", "bench", "--role", "admin").Output()
	if err != nil {
		b.Fatal(err)
	}
	token := strings.TrimSpace(string(out))
	addr := freeAddrB(b)
	cmd := exec.Command(bin, "serve", "--data", data, "--addr", addr, "--sample")
	cmd.Env = append(os.Environ(), "ANNALS_MAX_FILE_SIZE="+strconv.Itoa(1<<30))
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer cmd.Process.Kill()
	base := "http://" + addr
	for deadline := time.Now().Add(20 * time.Second); ; {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			b.Fatal("the server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	fileURL := base + "/api/v1/records/jinan-2025-aldoshin/files/big.bin"
	b.ResetTimer()
	for i := range b.N {
		// cp of the same file on the same disk, cold-ish: both read it from the page cache
		start := time.Now()
		if out, err := exec.Command("cp", src, filepath.Join(dir, fmt.Sprintf("copy-%d.bin", i))).CombinedOutput(); err != nil {
			b.Fatalf("cp: %v %s", err, out)
		}
		cpSecs := time.Since(start).Seconds()
		os.Remove(filepath.Join(dir, fmt.Sprintf("copy-%d.bin", i)))

		// the peak is reset so that it is the upload's (needs root; else
		// it may be an earlier peak, and the growth reads low)
		os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", cmd.Process.Pid), []byte("5"), 0)
		rssBefore := procKB(b, cmd.Process.Pid, "VmRSS")
		body, _ := os.Open(src)
		req, _ := http.NewRequest("PUT", fileURL, body)
		req.ContentLength = size
		req.Header.Set("Authorization", "Bearer "+token)
		start = time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		upSecs := time.Since(start).Seconds()
		body.Close()
		if resp.StatusCode != 201 && resp.StatusCode != 200 {
			b.Fatalf("upload: %d", resp.StatusCode)
		}
		peak := procKB(b, cmd.Process.Pid, "VmHWM")

		start = time.Now()
		resp, err = http.Get(fileURL)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		downSecs := time.Since(start).Seconds()
		if n != size {
			b.Fatalf("downloaded %d bytes", n)
		}
		peerSecs := serveFileSeconds(b, src)

		errorsSeen := concurrentRanges(base+"/records/jinan-2025-aldoshin/files/big.bin", size, 1000)

		mb := float64(size) / (1 << 20)
		b.ReportMetric(mb/upSecs, "upload-MB/s")
		b.ReportMetric(cpSecs/upSecs, "upload/cp")
		b.ReportMetric(float64(peak-rssBefore)/1024, "upload-rss-growth-MB")
		b.ReportMetric(mb/downSecs, "download-MB/s")
		b.ReportMetric(peerSecs/downSecs, "download/ServeFile")
		b.ReportMetric(float64(errorsSeen), "range-errors")
	}
}

func freeAddrB(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serveFileSeconds is how long Go's http.ServeFile takes to send path to
// a client over loopback: the peer of a download.
func serveFileSeconds(b *testing.B, path string) float64 {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.ServeFile(w, r, path) })}
	go srv.Serve(ln)
	defer srv.Close()
	start := time.Now()
	resp, err := http.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return time.Since(start).Seconds()
}

// concurrentRanges sends n range requests of 64 KB at once and counts the
// answers that are not a 206 with the right length.
func concurrentRanges(u string, size, n int) int {
	var bad atomic.Int64
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: 0}, Timeout: 2 * time.Minute}
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			from := rand.IntN(size - 65536)
			req, _ := http.NewRequest("GET", u, nil)
			req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", from, from+65535))
			resp, err := client.Do(req)
			if err != nil {
				bad.Add(1)
				return
			}
			got, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusPartialContent || got != 65536 {
				bad.Add(1)
			}
		}()
	}
	wg.Wait()
	return int(bad.Load())
}
