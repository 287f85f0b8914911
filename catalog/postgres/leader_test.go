package postgres

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestOneLeaderAtATime: two nodes ask for the same lead; one runs, the
// other waits and takes over when the first stops; when the connection
// holding the lead is killed, the holder's work is told to stop and the
// other node takes the lead.
func TestOneLeaderAtATime(t *testing.T) {
	dsn := mustOpen(t).dsn
	const leaderPoll = 200 * time.Millisecond
	open := func() *Store {
		s, err := Open(context.Background(), dsn, Options{LeaderPoll: leaderPoll})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(), open()
	var running, most atomic.Int32
	work := func(name string, started chan<- string) func(context.Context) error {
		return func(ctx context.Context) error {
			n := running.Add(1)
			defer running.Add(-1)
			if n > most.Load() {
				most.Store(n)
			}
			started <- name
			<-ctx.Done()
			return ctx.Err()
		}
	}
	started := make(chan string, 2)
	ctxA, stopA := context.WithCancel(context.Background())
	ctxB, stopB := context.WithCancel(context.Background())
	defer stopB()
	doneA := make(chan error, 1)
	go func() { doneA <- a.WhileLeader(ctxA, "files", work("a", started)) }()
	if first := <-started; first != "a" {
		t.Fatalf("first leader %s", first)
	}
	doneB := make(chan error, 1)
	go func() { doneB <- b.WhileLeader(ctxB, "files", work("b", started)) }()
	select {
	case who := <-started:
		t.Fatalf("%s leads beside a", who)
	case <-time.After(2 * leaderPoll):
	}
	stopA()
	<-doneA
	select {
	case who := <-started:
		if who != "b" {
			t.Fatalf("after a stopped, %s leads", who)
		}
	case <-time.After(3 * leaderPoll):
		t.Fatal("b did not take the lead after a stopped")
	}
	// The lead's connection is killed: b's work is told to stop.
	if _, err := a.db.ExecContext(context.Background(), `SELECT pg_terminate_backend(pid) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * leaderPoll)
	for running.Load() != 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if running.Load() != 0 {
		t.Error("the work went on after its lead's connection was killed")
	}
	select {
	case err := <-doneB:
		if err == nil || !strings.Contains(err.Error(), "lost the lead for files") {
			t.Errorf("b's lead ended with %v, want the lost lead named", err)
		}
	case <-time.After(3 * leaderPoll):
		t.Error("WhileLeader did not return after its lead was lost")
	}
	if most.Load() != 1 {
		t.Errorf("%d leaders at once", most.Load())
	}
}
