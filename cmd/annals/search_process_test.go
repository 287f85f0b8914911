package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/annals/annals/catalog/catalogtest"
)

type health struct {
	Records  int
	Revision int64
	Search   struct {
		State    string
		Revision int64
	}
}

func (s *server) healthz(t *testing.T) health {
	t.Helper()
	resp, err := http.Get(s.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h health
	json.NewDecoder(resp.Body).Decode(&h)
	return h
}

// waitIndexed waits until the index has applied every change in the store.
func (s *server) waitIndexed(t *testing.T) health {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		h := s.healthz(t)
		if h.Search.State == "ready" && h.Search.Revision == h.Revision {
			return h
		}
		if time.Now().After(deadline) {
			t.Fatalf("index not caught up: %+v", h)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *server) searchTotal(t *testing.T, q string) int {
	t.Helper()
	resp, err := http.Get(s.url + "/api/v1/search?q=" + url.QueryEscape(q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct{ Total int }
	json.NewDecoder(resp.Body).Decode(&r)
	return r.Total
}

// TestIndexSurvivesKillAndRemoval kills the server while it writes, and
// checks that the restarted index resumes from its cursor and catches up;
// then removes the index and checks that it is rebuilt while the server
// serves.
func TestIndexSurvivesKillAndRemoval(t *testing.T) {
	dir := t.TempDir()
	token := createToken(t, dir)
	s := startServer(t, dir, "--sample")
	s.waitIndexed(t)
	if n := s.searchTotal(t, "Алдошин"); n != 1 {
		t.Fatalf("sample search: %d", n)
	}
	// Writes, then kill -9 at once: some may not be indexed yet.
	for i := 0; i < 50; i++ {
		body := `{"kind":"report","status":"published","title":"Водородная энергетика","contributors":[{"family":"Петров"}]}`
		if code, out, err := post(s.url+"/api/v1/records", token, "application/json", []byte(body)); code != 201 {
			t.Fatalf("write %d: %d %s %v", i, code, out, err)
		}
	}
	s.cmd.Process.Kill()
	<-s.done

	s2 := startServer(t, dir)
	h := s2.waitIndexed(t)
	if n := s2.searchTotal(t, "водородная"); n != 50 {
		t.Errorf("after kill -9 and restart, %d of 50 new records are found", n)
	}
	if !strings.Contains(s2.stderr.String(), "serving") || strings.Contains(s2.stderr.String(), "rebuild started") {
		t.Errorf("a restart after kill -9 should resume, not rebuild:\n%s", s2.stderr)
	}
	s2.cmd.Process.Kill()
	<-s2.done

	if err := os.RemoveAll(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	s3 := startServer(t, dir)
	if got := s3.healthz(t); got.Records != h.Records {
		t.Errorf("records while rebuilding: %d", got.Records)
	}
	s3.waitIndexed(t)
	if n := s3.searchTotal(t, "водородная"); n != 50 {
		t.Errorf("after rebuilding a removed index: %d", n)
	}
	// The index answers as soon as it is swapped in; the log line follows.
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(s3.stderr.String(), "search index rebuilt") && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(s3.stderr.String(), "search index will be rebuilt") || !strings.Contains(s3.stderr.String(), "search index rebuilt") {
		t.Errorf("the rebuild is not in the log:\n%s", s3.stderr)
	}

	out, err := exec.Command(annalsBinary(t), "reindex", "--data", dir).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "POST /api/v1/admin/reindex") {
		t.Errorf("reindex while serving: %v %s", err, out)
	}
	s3.cmd.Process.Kill()
	<-s3.done
	out, err = exec.Command(annalsBinary(t), "reindex", "--data", dir).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Rebuilt the search index") {
		t.Errorf("reindex: %v %s", err, out)
	}
}

// TestIndexFaultsWhileServing is the fault-injection run of issue 19: the
// index directory removed under a serving process (it used to exit on a
// panic inside Bleve), then 4 KiB of a segment overwritten before a
// restart (it used to panic in open, and reindex with it). The process
// stays up, every acknowledged write stays readable and becomes searchable,
// and reindex works from the store alone.
func TestIndexFaultsWhileServing(t *testing.T) {
	dir := t.TempDir()
	token := createToken(t, dir)
	s := startServer(t, dir, "--sample")
	s.waitIndexed(t)
	if err := os.RemoveAll(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		body := `{"kind":"report","status":"published","title":"Квазисолнечная энергетика","contributors":[{"family":"Петров"}]}`
		if code, out, err := post(s.url+"/api/v1/records", token, "application/json", []byte(body)); code != 201 {
			t.Fatalf("write %d after the index was removed: %d %s %v", i, code, out, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	h := s.waitIndexed(t)
	if n := s.searchTotal(t, "квазисолнечная"); n != 20 {
		t.Errorf("after the index was removed while serving: %d of 20 writes found", n)
	}
	select {
	case err := <-s.done:
		t.Fatalf("the server exited: %v\n%s", err, s.stderr)
	default:
	}
	s.cmd.Process.Kill()
	<-s.done

	// A segment overwritten while the server was down.
	segments, _ := filepath.Glob(filepath.Join(dir, "index", "store", "*.zap"))
	if len(segments) == 0 {
		t.Fatal("no segments")
	}
	for _, seg := range segments {
		f, err := os.OpenFile(seg, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := f.Stat()
		f.WriteAt([]byte(strings.Repeat("\xaa", 4096)), max(0, st.Size()/2-2048))
		f.Close()
	}
	out, err := exec.Command(annalsBinary(t), "reindex", "--data", dir).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Rebuilt the search index") {
		t.Fatalf("reindex of a corrupt index: %v %s", err, out)
	}
	// and the rebuilt index's segments, for the server to find
	newest, _ := filepath.Glob(filepath.Join(dir, "index", "store", "*.zap"))
	for _, seg := range newest {
		f, _ := os.OpenFile(seg, os.O_RDWR, 0)
		st, _ := f.Stat()
		f.WriteAt([]byte(strings.Repeat("\xaa", 4096)), max(0, st.Size()/2-2048))
		f.Close()
	}
	s2 := startServer(t, dir)
	s2.waitIndexed(t)
	if n := s2.searchTotal(t, "квазисолнечная"); n != 20 {
		t.Errorf("after a restart on a corrupt index: %d of 20 found", n)
	}
	if got := s2.healthz(t); got.Records != h.Records {
		t.Errorf("records: %d, want %d", got.Records, h.Records)
	}
	if !strings.Contains(s2.stderr.String(), "checksum") {
		t.Errorf("the corruption is not in the log:\n%s", s2.stderr)
	}
}

// TestSampleHasFiles: serve --sample attaches PDFs made from the records'
// text to the report and twelve presentations; a reader downloads one
// byte-identical to what the list says (size, SHA-256) and it is a PDF
// whose text is the record's.
func TestSampleHasFiles(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, dir, "--sample")
	resp, err := http.Get(s.url + "/api/v1/records/jinan-2025-belarusians-in-china/files")
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Files []struct {
			Name   string `json:"name"`
			SHA256 string `json:"sha256"`
			Size   int64  `json:"size"`
		}
	}
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if len(list.Files) != 1 || list.Files[0].Name != "Белорусы в Китае.pdf" {
		t.Fatalf("the report's files: %+v", list.Files)
	}
	f := list.Files[0]
	get, err := http.Get(s.url + "/records/jinan-2025-belarusians-in-china/files/" + url.PathEscape(f.Name))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(get.Body)
	get.Body.Close()
	sum := sha256.Sum256(data)
	if get.StatusCode != 200 || int64(len(data)) != f.Size || hex.EncodeToString(sum[:]) != f.SHA256 || !strings.HasPrefix(string(data), "%PDF-") {
		t.Fatalf("download: %d, %d bytes", get.StatusCode, len(data))
	}
	pdf := filepath.Join(t.TempDir(), "report.pdf")
	os.WriteFile(pdf, data, 0o600)
	bin := catalogtest.RequireTool(t, "pdftotext", "apt install poppler-utils")
	text, err := exec.Command(bin, "-enc", "UTF-8", pdf, "-").Output()
	if err != nil || !strings.Contains(string(text), "Белорусы в Китае") || !strings.Contains(string(text), "白俄罗斯人在中国") {
		t.Errorf("the PDF's text: %v\n%s", err, text)
	}
	blobs, _ := filepath.Glob(filepath.Join(dir, "files", "*", "*", "*"))
	if len(blobs) != 13 {
		t.Errorf("%d blobs in DATA/files, want 13 (the report and 4 presentations in each of 3 languages)", len(blobs))
	}
}
