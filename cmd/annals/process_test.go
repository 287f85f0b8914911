package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/catalogtest"

	_ "modernc.org/sqlite"
)

var (
	buildOnce sync.Once
	binary    string
	binaryDir string
	buildErr  error
)

// annalsBinary builds the command once for the tests that need a real
// process (signals, kill -9).
func annalsBinary(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "annals-bin")
		if err != nil {
			buildErr = err
			return
		}
		binaryDir, binary = dir, filepath.Join(dir, "annals")
		out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

func freeAddr(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// server is a running "annals serve" process.
type server struct {
	cmd    *exec.Cmd
	url    string
	stderr *lockedBuffer
	done   chan error
}

// lockedBuffer collects a process's output; it can be read while the
// process writes.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func startServer(t *testing.T, dir string, extra ...string) *server {
	t.Helper()
	return startServerEnv(t, dir, nil, extra...)
}

// startServerEnv starts a server with extra environment variables.
func startServerEnv(t testing.TB, dir string, env []string, extra ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(annalsBinary(t), append([]string{"serve", "--data", dir, "--addr", addr}, extra...)...)
	cmd.Env = append(os.Environ(), env...)
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, url: "http://" + addr, stderr: stderr, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(s.url + "/healthz"); err == nil {
			resp.Body.Close()
			return s
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("server did not start: %s", stderr.String())
	return nil
}

func (s *server) health(t *testing.T) (records int) {
	resp, err := http.Get(s.url + "/healthz")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	var h struct{ Records int }
	json.NewDecoder(resp.Body).Decode(&h)
	return h.Records
}

func post(url, token, contentType string, body []byte) (int, []byte, error) {
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

func createToken(t *testing.T, dir string) string {
	out, err := exec.Command(annalsBinary(t), "token", "create", "--data", dir, "--name", "loader", "--role", "librarian").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

func TestServeSampleAndSIGTERM(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir, "--sample")
	resp, err := http.Get(s.url + "/api/v1/records?size=1")
	if err != nil {
		t.Fatal(err)
	}
	var page struct{ Total int }
	json.NewDecoder(resp.Body).Decode(&page)
	resp.Body.Close()
	if page.Total < 80 {
		t.Errorf("sample serves %d records", page.Total)
	}
	// A backup taken from another process while the server runs.
	backup := filepath.Join(t.TempDir(), "backup.db")
	if out, err := exec.Command(annalsBinary(t), "backup", "--data", dir, backup).CombinedOutput(); err != nil {
		t.Fatalf("backup while serving: %v %s", err, out)
	}
	db, err := sql.Open("sqlite", backup)
	if err != nil {
		t.Fatal(err)
	}
	var inBackup int
	db.QueryRow(`SELECT count(*) FROM records WHERE deleted IS NULL`).Scan(&inBackup)
	db.Close()
	if inBackup != page.Total {
		t.Errorf("backup holds %d records, the server %d", inBackup, page.Total)
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, s.stderr)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop on SIGTERM")
	}
	if !strings.Contains(s.stderr.String(), "shutting down") {
		t.Errorf("no shutdown log line: %s", s.stderr)
	}
}

// TestKillDuringImportKeepsCommittedWrites kills the server with SIGKILL
// while a bulk import and single writes are running, restarts it, and
// checks that every write the server acknowledged is there, that the bulk
// import lost only whole uncommitted batches, and that the database is
// intact.
func TestKillDuringImportKeepsCommittedWrites(t *testing.T) {
	dir := t.TempDir()
	token := createToken(t, dir)
	s := startServer(t, dir)
	ev := catalogtest.GeneratedEvent()
	if code, body, err := post(s.url+"/api/v1/events", token, "application/json", mustMarshal(t, ev)); code != 201 {
		t.Fatalf("event: %d %s %v", code, body, err)
	}
	const n = 20000
	recs := catalogtest.NewGenerator(77).Records(n)
	var ndjson bytes.Buffer
	for _, r := range recs {
		ndjson.Write(mustMarshal(t, r))
		ndjson.WriteByte('\n')
	}
	go post(s.url+"/api/v1/import", token, "application/x-ndjson", ndjson.Bytes()) // killed half way

	var mu sync.Mutex
	var acked []catalog.Record
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			r := catalog.Record{ID: fmt.Sprintf("single-%05d", i), Kind: catalog.KindReport, Status: catalog.StatusPublished,
				Title: fmt.Sprintf("Отчёт № %d", i), Contributors: []catalog.Contributor{{Family: "Петров"}}}
			code, _, err := post(s.url+"/api/v1/records", token, "application/json", mustMarshal(t, r))
			if err != nil {
				return
			}
			if code == http.StatusCreated {
				mu.Lock()
				acked = append(acked, r)
				mu.Unlock()
			}
		}
	}()
	deadline := time.Now().Add(30 * time.Second)
	for s.health(t) < 3000 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	s.cmd.Process.Kill()
	<-s.done
	close(stop)
	wg.Wait()

	db, err := sql.Open("sqlite", filepath.Join(dir, "annals.db"))
	if err != nil {
		t.Fatal(err)
	}
	var integrity string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity_check: %q %v", integrity, err)
	}
	var imported int
	db.QueryRow(`SELECT count(*) FROM records WHERE id LIKE 'gen-%'`).Scan(&imported)
	db.Close()
	if imported == 0 || (imported%1000 != 0 && imported != n) {
		t.Errorf("%d generated records survived; the import commits whole batches of 1000", imported)
	}

	s2 := startServer(t, dir)
	mu.Lock()
	defer mu.Unlock()
	if len(acked) == 0 {
		t.Fatal("no single write was acknowledged before the kill")
	}
	for _, r := range acked {
		resp, err := http.Get(s2.url + "/api/v1/records/" + r.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got catalog.Record
		json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if resp.StatusCode != 200 || got.Title != r.Title {
			t.Errorf("acknowledged %s lost after kill -9: %d %q", r.ID, resp.StatusCode, got.Title)
		}
	}
	for _, i := range []int{0, imported / 2, imported - 1} {
		req, _ := http.NewRequest("GET", s2.url+"/api/v1/records/"+recs[i].ID, nil)
		req.Header.Set("Authorization", "Bearer "+token) // some generated records are drafts
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var got catalog.Record
		json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if got.Title != recs[i].Title || got.Abstract != recs[i].Abstract {
			t.Errorf("imported record %s differs after restart", recs[i].ID)
		}
	}
	t.Logf("killed after %d imported records and %d acknowledged single writes; all present after restart", imported, len(acked))
}

func mustMarshal(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
