package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/blobs/s3/s3test"
	"github.com/annals/annals/catalog/postgres/pgtest"
	"github.com/annals/annals/catalog/sqlite"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binaryDir != "" {
		os.RemoveAll(binaryDir) // the binary the process tests built
	}
	pgtest.Stop()
	s3test.Stop()
	os.Exit(code)
}

// cluster is several "annals serve" processes sharing one PostgreSQL
// database, each with its own data directory (its index).
type cluster struct {
	t     testing.TB
	env   []string
	token string
}

func newCluster(t testing.TB) *cluster {
	t.Helper()
	dsn := pgtest.NewDatabase(t)
	c := &cluster{t: t, env: []string{"ANNALS_STORE=" + dsn, "ANNALS_BLOBS=" + s3test.NewBucket(t), "ANNALS_SESSION_KEY=" + strings.Repeat("k", 40),
		"ANNALS_TRUSTED_PROXIES=127.0.0.1"}}
	cmd := exec.Command(annalsBinary(t), "token", "create", "--data", t.TempDir(), "--name", "loader", "--role", "librarian")
	cmd.Env = append(os.Environ(), c.env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("token create: %v", err)
	}
	c.token = strings.TrimSpace(string(out))
	return c
}

// node starts a node on dir (a new one when dir is empty).
func (c *cluster) node(dir string) (*server, string) {
	c.t.Helper()
	if dir == "" {
		dir = c.t.TempDir()
	}
	return startServerEnv(c.t, dir, c.env), dir
}

// create writes a record on s and returns its id (or the error).
func (c *cluster) create(s *server, title string) (string, error) {
	body := fmt.Sprintf(`{"kind":"report","status":"published","title":%q,"language":"en","date":"2025","contributors":[{"family":"Petrov","given":"Ivan"}]}`, title)
	status, data, err := post(s.url+"/api/v1/records", c.token, "application/json", []byte(body))
	if err != nil {
		return "", err
	}
	if status != http.StatusCreated {
		return "", fmt.Errorf("create: %d %s", status, data)
	}
	var r struct{ ID string }
	json.Unmarshal(data, &r)
	return r.ID, nil
}

// upload puts a text file on a record through s.
func (c *cluster) upload(s *server, id, name string, text []byte) {
	c.t.Helper()
	req, _ := http.NewRequest("PUT", s.url+"/api/v1/records/"+id+"/files/"+name, bytes.NewReader(text))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		c.t.Fatalf("upload of %s to %s: %d", name, s.url, resp.StatusCode)
	}
}

// waitFileText waits until s says the text of a record's file was read.
func waitFileText(t *testing.T, s *server, id, name string, within time.Duration) {
	t.Helper()
	var state string
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get(s.url + "/api/v1/records/" + id + "/files")
		if err != nil {
			continue
		}
		var list struct {
			Files []struct {
				Name string
				Text struct{ State string }
			}
		}
		json.NewDecoder(resp.Body).Decode(&list)
		resp.Body.Close()
		for _, f := range list.Files {
			if f.Name == name {
				state = f.Text.State
			}
		}
		if state == "done" {
			return
		}
	}
	t.Fatalf("%s of %s on %s: text %q after %s, want done", name, id, s.url, state, within)
}

// found says how many records a search on s finds.
func found(s *server, q string) int {
	resp, err := http.Get(s.url + "/api/v1/search?q=" + url.QueryEscape(q))
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	var res struct{ Total int }
	json.NewDecoder(resp.Body).Decode(&res)
	return res.Total
}

// waitFound waits until a search on s finds want records; it returns how
// long that took.
func waitFound(t *testing.T, s *server, q string, want int, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < within {
		if found(s, q) == want {
			return time.Since(start)
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%q on %s: %d found after %s, want %d", q, s.url, found(s, q), within, want)
	return 0
}

// TestTwoNodesShareTheCatalogue: two nodes on one PostgreSQL database,
// then three. A record written on A is found by a search on B (and the
// other way); a file uploaded to A downloads from B and is read by one
// node; an export asked of A downloads from B; a librarian signed in on A
// is signed in on B; wrong tokens count on both; kill -9 of A during a
// stream of writes loses no acknowledged write while B keeps serving and
// takes over reading files; a restarted A catches up, a new node C builds
// its index from the store, and all three see each other's writes.
func TestTwoNodesShareTheCatalogue(t *testing.T) {
	c := newCluster(t)
	a, dirA := c.node("")
	b, _ := c.node("")
	checkWritesCross(t, c, a, b)
	id := checkFilesCross(t, c, a, b)
	checkExportCross(t, c, a, b, id)
	checkSessionCrosses(t, c, a, b)
	checkFailuresCountedTogether(t, a, b)
	total := killDuringWrites(t, c, a, b)
	checkReadingMovesOn(t, c, a, b)
	checkRestartAndJoin(t, c, dirA, b, total)
}

// checkWritesCross: writes on either node are searchable on the other.
func checkWritesCross(t *testing.T, c *cluster, a, b *server) {
	var lags []time.Duration
	for i := range 20 {
		word := fmt.Sprintf("zebrafinch%03d", i)
		from, to := a, b
		if i%2 == 1 {
			from, to = b, a
		}
		if _, err := c.create(from, "Birdsong "+word); err != nil {
			t.Fatal(err)
		}
		lags = append(lags, waitFound(t, to, word, 1, 10*time.Second))
	}
	slices.Sort(lags)
	t.Logf("write on one node to searchable on the other: median %s, max %s (20 writes)", lags[len(lags)/2], lags[len(lags)-1])

}

// checkFilesCross: a file uploaded to A downloads from B, whole and by
// ranges, and one node reads it; it returns the record's id.
func checkFilesCross(t *testing.T, c *cluster, a, b *server) string {
	id, err := c.create(a, "A report with a file")
	if err != nil {
		t.Fatal(err)
	}
	text := []byte(strings.Repeat("Белорусы в Китае 白俄罗斯人在中国 ", 20000))
	c.upload(a, id, "report.txt", text)
	resp, err := http.Get(b.url + "/api/v1/records/" + id + "/files/report.txt")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, text) {
		t.Errorf("the file from B: %d, %d bytes of %d", resp.StatusCode, len(got), len(text))
	}
	req, _ := http.NewRequest("GET", b.url+"/api/v1/records/"+id+"/files/report.txt", nil)
	req.Header.Set("Range", "bytes=100000-100099")
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	got, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(got, text[100000:100100]) {
		t.Errorf("a range from B: %d %q", resp.StatusCode, got)
	}

	// One node reads the files: the text is read once, seen from B.
	waitFileText(t, b, id, "report.txt", 60*time.Second)
	leaders := 0
	for _, s := range []*server{a, b} {
		leaders += strings.Count(s.stderr.String(), "this node leads the reading of files")
	}
	if leaders != 1 {
		t.Errorf("%d nodes took the lead for reading files, want 1", leaders)
	}
	return id
}

// checkExportCross: an export asked of A is made by a node and downloaded
// from B.
func checkExportCross(t *testing.T, c *cluster, a, b *server, id string) {
	status, data, err := post(a.url+"/api/v1/exports", c.token, "application/json",
		[]byte(fmt.Sprintf(`{"kind":"proceedings","ids":[%q]}`, id)))
	if err != nil || status != http.StatusAccepted {
		t.Fatalf("export on A: %d %s %v", status, data, err)
	}
	var job struct{ ID, Status string }
	json.Unmarshal(data, &job)
	deadline := time.Now().Add(60 * time.Second)
	for job.Status != "done" && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		req, _ := http.NewRequest("GET", b.url+"/api/v1/exports/"+job.ID, nil)
		req.Header.Set("Authorization", "Bearer "+c.token)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			json.NewDecoder(resp.Body).Decode(&job)
			resp.Body.Close()
		}
	}
	req, _ := http.NewRequest("GET", b.url+"/api/v1/exports/"+job.ID+"/file", nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if job.Status != "done" || resp.StatusCode != http.StatusOK || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Errorf("the export from B: job %s, %d, %d bytes", job.Status, resp.StatusCode, len(pdf))
	}

}

// checkSessionCrosses: a session made on A opens on B.
func checkSessionCrosses(t *testing.T, c *cluster, a, b *server) {
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(a.url + "/sign-in")
	if err != nil {
		t.Fatal(err)
	}
	page := new(strings.Builder)
	buf := make([]byte, 1<<16)
	for {
		n, err := resp.Body.Read(buf)
		page.Write(buf[:n])
		if err != nil {
			break
		}
	}
	resp.Body.Close()
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page.String())
	if csrf == nil {
		t.Fatalf("no csrf field on the sign-in page")
	}
	resp, err = browser.PostForm(a.url+"/sign-in", url.Values{"token": {c.token}, "csrf": {csrf[1]}, "next": {"/librarian/records/new"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in on A: %d", resp.StatusCode)
	}
	aURL, _ := url.Parse(a.url)
	bURL, _ := url.Parse(b.url)
	jar.SetCookies(bURL, jar.Cookies(aURL)) // the same site behind a balancer
	resp, err = browser.Get(b.url + "/librarian/records/new")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the session made on A, on B: %d (want the librarian's page)", resp.StatusCode)
	}

}

// checkFailuresCountedTogether: wrong tokens are counted by both nodes
// together: ten from one address (the limit), spread over A and B, and
// the eleventh is refused unchecked on either; another address is still
// checked.
func checkFailuresCountedTogether(t *testing.T, a, b *server) {
	wrong := func(s *server, client string) int {
		req, _ := http.NewRequest("GET", s.url+"/api/v1/exports", nil)
		req.Header.Set("Authorization", "Bearer not-a-token")
		req.Header.Set("X-Forwarded-For", client)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := range 10 {
		if got := wrong([]*server{a, b}[i%2], "192.0.2.50"); got != http.StatusUnauthorized {
			t.Fatalf("wrong token %d: %d, want 401", i+1, got)
		}
	}
	for _, s := range []*server{a, b} {
		if got := wrong(s, "192.0.2.50"); got != http.StatusTooManyRequests {
			t.Errorf("the eleventh wrong token on %s: %d, want 429", s.url, got)
		}
	}
	if got := wrong(b, "192.0.2.51"); got != http.StatusUnauthorized {
		t.Errorf("a wrong token from another address: %d, want 401", got)
	}

}

// killDuringWrites kills A (kill -9) while writes stream to it and to B;
// every acknowledged write is found on B. It returns how many streamed
// records B finds.
func killDuringWrites(t *testing.T, c *cluster, a, b *server) int {
	var mu sync.Mutex
	var acknowledged []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w, s := range []*server{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				word := fmt.Sprintf("kw%dx%d", w, i)
				if _, err := c.create(s, "Streamed kestrelwing "+word); err == nil {
					mu.Lock()
					acknowledged = append(acknowledged, word)
					mu.Unlock()
				} else if s == b {
					t.Errorf("B failed a write while A died: %v", err)
					return
				}
			}
		}()
	}
	time.Sleep(700 * time.Millisecond)
	a.cmd.Process.Kill()
	<-a.done
	time.Sleep(500 * time.Millisecond) // B goes on alone
	close(stop)
	wg.Wait()
	mu.Lock()
	n := len(acknowledged)
	mu.Unlock()
	if n < 10 {
		t.Fatalf("only %d writes acknowledged", n)
	}
	// Every acknowledged write is there; a write the server committed but
	// could not acknowledge before it died (one per writer at most) may be
	// there too.
	total := waitAtLeast(t, b, "kestrelwing", n, 20*time.Second)
	if total > n+2 {
		t.Errorf("%d streamed records found, %d acknowledged: more than the two writes in flight", total, n)
	}
	for _, word := range acknowledged {
		if got := found(b, word); got != 1 {
			t.Errorf("acknowledged write %s: found %d times on B", word, got)
		}
	}
	t.Logf("%d writes acknowledged during the kill (%d stored), all found on B", n, total)
	return total
}

// checkReadingMovesOn: with A gone, B reads new files (it takes the lead
// if A held it).
func checkReadingMovesOn(t *testing.T, c *cluster, a, b *server) {
	id, err := c.create(b, "A report uploaded while A was down")
	if err != nil {
		t.Fatal(err)
	}
	aLed := strings.Contains(a.stderr.String(), "this node leads the reading of files")
	start := time.Now()
	c.upload(b, id, "notes.txt", []byte("Заметки о переговорах 会谈纪要"))
	waitFileText(t, b, id, "notes.txt", 60*time.Second)
	if !strings.Contains(b.stderr.String(), "this node leads the reading of files") {
		t.Error("B read a file without taking the lead")
	}
	t.Logf("files read first by A: %v; a file uploaded to B after A's kill was read in %s", aLed, time.Since(start).Round(time.Millisecond))

}

// checkRestartAndJoin: A restarted on its data directory catches up; a new
// node C builds its index from the store; "annals nodes" lists the three;
// then a write on any of the three is found on the other two.
func checkRestartAndJoin(t *testing.T, c *cluster, dirA string, b *server, total int) {
	a, _ := c.node(dirA)
	waitFound(t, a, "kestrelwing", total, 30*time.Second)
	cNode, _ := c.node("")
	waitFound(t, cNode, "kestrelwing", total, 60*time.Second)
	waitFound(t, cNode, "birdsong", 20, 10*time.Second)
	// "annals nodes" lists the three running nodes, their indexes up to
	// date once they have reported (every 2 s when they move on).
	var out []byte
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		cmd := exec.Command(annalsBinary(t), "nodes", "--data", t.TempDir())
		cmd.Env = append(os.Environ(), c.env...)
		if out, err = cmd.CombinedOutput(); err != nil {
			t.Fatalf("annals nodes: %v\n%s", err, out)
		}
		if strings.Count(string(out), "up to date") >= 3 {
			break
		}
	}
	t.Logf("annals nodes:\n%s", out)
	for _, s := range []*server{a, b, cNode} {
		if !regexp.MustCompile(regexp.QuoteMeta(s.url) + `\s+dev\s+up to date`).Match(out) {
			t.Errorf("annals nodes does not list %s up to date:\n%s", s.url, out)
		}
	}
	for i, from := range []*server{a, b, cNode} {
		word := fmt.Sprintf("threenodes%d", i)
		if _, err := c.create(from, "Ptarmigan "+word); err != nil {
			t.Fatal(err)
		}
		for _, to := range []*server{a, b, cNode} {
			waitFound(t, to, word, 1, 10*time.Second)
		}
	}
}

// waitAtLeast waits until a search on s finds at least want records, and
// a moment more for what was in flight; it returns how many it finds.
func waitAtLeast(t *testing.T, s *server, q string, want int, within time.Duration) int {
	t.Helper()
	start := time.Now()
	for time.Since(start) < within {
		if found(s, q) >= want {
			time.Sleep(300 * time.Millisecond)
			return found(s, q)
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%q on %s: %d found after %s, want at least %d", q, s.url, found(s, q), within, want)
	return 0
}

// TestOrphansOnS3: in an S3 bucket, bytes no version names are removed
// once older than the grace period (by the objects' times), while bytes a
// record names and a finished export's file stay.
func TestOrphansOnS3(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "annals.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	files, err := openBlobs(ctx, Config{Blobs: s3test.NewBucket(t)})
	if err != nil {
		t.Fatal(err)
	}
	put := func(s string) catalog.Blob {
		b, err := files.Put(ctx, strings.NewReader(s), 100, "")
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	named, orphan, exported := put("named"), put("orphan"), put("an export's PDF")
	r := catalog.Record{ID: "r", Kind: catalog.KindOther, Title: "R"}
	if err := store.CreateRecord(ctx, &r); err != nil {
		t.Fatal(err)
	}
	if _, err := store.SetRecordFiles(ctx, "r", 0, func([]catalog.File) ([]catalog.File, error) {
		return []catalog.File{{Name: "a.txt", SHA256: named.SHA256, Size: named.Size, MediaType: "text/plain"}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	job := &catalog.ExportJob{Kind: "proceedings", Status: catalog.JobDone, Request: []byte(`{}`), File: "blob:" + exported.SHA256}
	if err := store.CreateExportJob(ctx, job); err != nil {
		t.Fatal(err)
	}
	if n, err := collectOrphans(ctx, store, store, files, 7*24*time.Hour, time.Now()); err != nil || n != 0 {
		t.Fatalf("within the grace period: removed %d, %v", n, err)
	}
	n, err := collectOrphans(ctx, store, store, files, 7*24*time.Hour, time.Now().Add(8*24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("after the grace period: removed %d, %v; want the orphan only", n, err)
	}
	for b, want := range map[catalog.Blob]bool{named: true, orphan: false, exported: true} {
		if _, err := files.Open(ctx, b.SHA256); (err == nil) != want {
			t.Errorf("%s: stored %v, want %v", b.SHA256[:8], err == nil, want)
		}
	}
}
