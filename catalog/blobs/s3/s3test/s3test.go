// Package s3test starts a real S3 server for tests: versitygw (the Versity
// S3 Gateway, built from its Go module: go install
// github.com/versity/versitygw/cmd/versitygw@v1.8.0) over a temporary
// directory, on a free port of the loopback, with a new bucket per test.
// A test binary starts at most one server; Main stops it.
// ANNALS_TEST_S3=s3://ACCESS:SECRET@host:port/?secure=false uses a server
// already running instead.
package s3test

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

var server struct {
	once sync.Once
	base string // s3://ACCESS:SECRET@127.0.0.1:PORT
	err  error
	skip string
	cmd  *exec.Cmd
	dir  string
	n    atomic.Int64
}

// Main runs a package's tests and stops the server if one was started.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// Stop stops the server this binary started (if any).
func Stop() {
	if server.cmd != nil && server.cmd.Process != nil {
		server.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { server.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			server.cmd.Process.Kill()
		}
		server.cmd = nil
	}
	if server.dir != "" {
		os.RemoveAll(server.dir)
		server.dir = ""
	}
}

// NewBucket returns the URL of a new bucket (s3://…/bucket?secure=false)
// on the test server, starting it the first time. Without versitygw the
// test is skipped saying how to install it, or fails when
// ANNALS_REQUIRE_TOOLS=1.
func NewBucket(tb testing.TB) string {
	tb.Helper()
	server.once.Do(start)
	if server.skip != "" {
		if os.Getenv("ANNALS_REQUIRE_TOOLS") == "1" {
			tb.Fatal(server.skip + "; ANNALS_REQUIRE_TOOLS=1 requires it")
		}
		tb.Skip(server.skip)
	}
	if server.err != nil {
		tb.Fatalf("S3 for tests: %v", server.err)
	}
	return fmt.Sprintf("%s/annals-test-%d-%d?secure=false", server.base, os.Getpid(), server.n.Add(1))
}

func start() {
	if u := os.Getenv("ANNALS_TEST_S3"); u != "" {
		p, err := url.Parse(u)
		if err != nil {
			server.err = err
			return
		}
		p.Path, p.RawQuery = "", ""
		server.base = p.String()
		return
	}
	bin, err := exec.LookPath("versitygw")
	if err != nil {
		gobin := filepath.Join(os.Getenv("HOME"), "go", "bin", "versitygw")
		if _, serr := os.Stat(gobin); serr != nil {
			server.skip = "versitygw is not installed (go install github.com/versity/versitygw/cmd/versitygw@v1.8.0)"
			return
		}
		bin = gobin
	}
	dir, err := os.MkdirTemp("", "annals-s3-")
	if err != nil {
		server.err = err
		return
	}
	server.dir = dir
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		server.err = err
		return
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	const access, secret = "annalstest", "annalstestsecret"
	root := filepath.Join(dir, "root")
	os.Mkdir(root, 0o700)
	cmd := exec.Command(bin, "--port", "127.0.0.1:"+strconv.Itoa(port), "--access", access, "--secret", secret,
		"posix", "--sidecar", filepath.Join(dir, "meta"), root)
	os.Mkdir(filepath.Join(dir, "meta"), 0o700)
	logFile, _ := os.Create(filepath.Join(dir, "server.log"))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		server.err = fmt.Errorf("versitygw: %w", err)
		return
	}
	server.cmd = cmd
	server.base = fmt.Sprintf("s3://%s:%s@127.0.0.1:%d", access, secret, port)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/", port))
		if err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
	server.err = fmt.Errorf("versitygw did not start:\n%s", log)
}
