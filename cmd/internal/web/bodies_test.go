package web

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// slowClient sends a request head declaring a body of size bytes, then
// the body a byte at a time every gap; it returns the status the server
// answered (0 if none) and how long until the connection was answered or
// closed.
func slowClient(t *testing.T, addr, path, token string, size int, gap time.Duration) (int, time.Duration) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n", path, addr, size)
	if token != "" {
		head += "Authorization: Bearer " + token + "\r\n"
	}
	if _, err := conn.Write([]byte(head + "\r\n")); err != nil {
		t.Fatal(err)
	}
	answered := make(chan int, 1)
	go func() {
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	for i := 0; i < size; i++ {
		select {
		case status := <-answered:
			return status, time.Since(start)
		case <-time.After(gap):
		}
		if _, err := conn.Write([]byte("{")); err != nil {
			break // closed by the server
		}
	}
	select {
	case status := <-answered:
		return status, time.Since(start)
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: no answer 10 s after the body was sent", path)
	}
	return 0, 0
}

// TestSlowBodiesDoNotHoldConnections: bodies sent a byte at a time, or
// stopping half way, are cut off (408) within the limits instead of
// holding a connection for as long as the client likes; an anonymous
// upload is refused before its body is read; and past MaxBodies at once,
// a body is refused at once with Retry-After.
func TestSlowBodiesDoNotHoldConnections(t *testing.T) {
	e := newEnvWith(t, func(c *Config) {
		c.BodyIdleTimeout, c.BodyGrace, c.BodyMinRate, c.MaxBodies = 300*time.Millisecond, 500*time.Millisecond, 1024, 2
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go e.server.Serve(ctx, ln)
	addr := ln.Addr().String()

	// A drip of a byte every 100 ms: under the idle limit, far under the rate.
	status, took := slowClient(t, addr, "/api/v1/records", e.librarian, 2000, 100*time.Millisecond)
	if status != http.StatusRequestTimeout || took > 4*time.Second {
		t.Errorf("a dripping body: %d after %v, want 408 within seconds", status, took)
	}
	// A body that stops: the idle limit.
	status, took = slowClient(t, addr, "/api/v1/records", e.librarian, 2000, 2*time.Second)
	if status != http.StatusRequestTimeout || took > 4*time.Second {
		t.Errorf("a body that stops: %d after %v, want 408", status, took)
	}
	// Anonymous: refused before the body is read; the rest is not waited for.
	status, took = slowClient(t, addr, "/api/v1/import", "", 2000, 100*time.Millisecond)
	if status != http.StatusUnauthorized || took > 4*time.Second {
		t.Errorf("an anonymous slow import: %d after %v, want 401 at once", status, took)
	}

	// Two bodies being read; a third is refused at once.
	for range 2 {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /api/v1/records HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{", e.librarian)
	}
	time.Sleep(100 * time.Millisecond)
	r := e.do("POST", "/api/v1/records", e.librarian, []byte(`{"kind":"report"}`))
	if r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" || !strings.Contains(r.problem(t).Detail, "2 requests") {
		t.Errorf("a third body at once: %d %s", r.status, r.body)
	}
}
