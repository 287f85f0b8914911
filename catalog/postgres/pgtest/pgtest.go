// Package pgtest starts a real PostgreSQL server for tests: Debian's
// package (initdb and postgres), in a temporary directory, on a free port
// of the loopback, with one new database per test. A test binary starts at
// most one server (Main stops it); ANNALS_TEST_POSTGRES=postgres://... uses
// a server already running instead. The server does not sync its
// commits to disk unless ANNALS_TEST_POSTGRES_DURABLE=1 (for benchmarks
// beside SQLite, which does).
package pgtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// server is the one server of this test binary.
var server struct {
	once sync.Once
	base string // the URL of the server, without a database
	err  error
	skip string // why there is no server (tools missing)
	cmd  *exec.Cmd
	dir  string
	n    atomic.Int64
}

// Main runs the tests of a package and then stops the server if one was
// started: call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// Stop stops the server this binary started (if any).
func Stop() {
	if server.cmd != nil && server.cmd.Process != nil {
		server.cmd.Process.Signal(syscall.SIGINT) // fast shutdown
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

// NewDatabase returns the URL of a new, empty database on the test server,
// starting the server the first time. Without PostgreSQL installed the
// test is skipped saying what to install, or fails when
// ANNALS_REQUIRE_TOOLS=1 (as in CI).
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	server.once.Do(start)
	if server.skip != "" {
		if os.Getenv("ANNALS_REQUIRE_TOOLS") == "1" {
			tb.Fatal(server.skip + "; ANNALS_REQUIRE_TOOLS=1 requires it")
		}
		tb.Skip(server.skip)
	}
	if server.err != nil {
		tb.Fatalf("PostgreSQL for tests: %v", server.err)
	}
	name := fmt.Sprintf("annals_test_%d_%d", os.Getpid(), server.n.Add(1))
	db, err := sql.Open("pgx", server.base+"/postgres")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE DATABASE ` + name + ` TEMPLATE template0 ENCODING 'UTF8'`); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", server.base+"/postgres")
		if err == nil {
			db.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
			db.Close()
		}
	})
	return server.base + "/" + name
}

// start starts the server, or finds the one ANNALS_TEST_POSTGRES names.
func start() {
	if u := os.Getenv("ANNALS_TEST_POSTGRES"); u != "" {
		p, err := url.Parse(u)
		if err != nil {
			server.err = fmt.Errorf("ANNALS_TEST_POSTGRES: %w", err)
			return
		}
		p.Path = ""
		server.base = p.String()
		return
	}
	bin, err := binDir()
	if err != nil {
		server.skip = err.Error()
		return
	}
	server.err = startServer(bin)
}

// binDir finds initdb and postgres: on PATH, or where Debian's postgresql
// package puts them (/usr/lib/postgresql/N/bin, newest N).
func binDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("postgres"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("PostgreSQL is not installed (Debian: apt-get install postgresql)")
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// startServer makes a cluster in a temporary directory and starts it on a
// free port. initdb refuses to run as root: as root, the server runs as
// the postgres user (Debian's package makes it).
func startServer(bin string) error {
	dir, err := os.MkdirTemp("", "annals-pg-")
	if err != nil {
		return err
	}
	server.dir = dir
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return fmt.Errorf("running as root needs the postgres user to run the server: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			return err
		}
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "annals", "--auth=trust",
		"-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	initdb.Dir = dir
	if out, err := initdb.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %v\n%s", err, out)
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	args := []string{"-D", data, "-p", strconv.Itoa(port), "-k", dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300", "-c", "shared_buffers=128MB"}
	if os.Getenv("ANNALS_TEST_POSTGRES_DURABLE") != "1" { // tests need not survive a power cut
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
	cmd.Dir = dir
	logFile, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	server.cmd = cmd
	server.base = fmt.Sprintf("postgres://annals@127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		db, _ := sql.Open("pgx", server.base+"/postgres")
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := db.PingContext(ctx)
		cancel()
		db.Close()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			return fmt.Errorf("postgres did not start: %v\n%s", err, strings.TrimSpace(string(log)))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// freePort asks the kernel for a free port of the loopback.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
