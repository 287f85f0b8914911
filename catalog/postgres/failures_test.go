package postgres

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"
)

// TestFailuresAreCountedByEveryNode: failures recorded on two nodes at once
// come out of one bucket, none lost; the bucket fills again with time and
// is forgotten once full.
func TestFailuresAreCountedByEveryNode(t *testing.T) {
	ctx := context.Background()
	a := mustOpen(t)
	b := mustOpenAt(t, a.dsn)
	if got, err := b.FailureCredit(ctx, "192.0.2.7", 100, time.Hour); err != nil || got != 100 {
		t.Fatalf("a client that never failed: %v %v, want 100", got, err)
	}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			node := a
			if i%2 == 1 {
				node = b
			}
			if err := node.RecordFailure(ctx, "192.0.2.7", 100, time.Hour); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, err := a.FailureCredit(ctx, "192.0.2.7", 100, time.Hour)
	if err != nil || math.Abs(got-60) > 0.1 {
		t.Errorf("after 40 failures on two nodes: %v left (%v), want 60", got, err)
	}
	if got, _ := b.FailureCredit(ctx, "198.51.100.1", 100, time.Hour); got != 100 {
		t.Errorf("another client: %v left", got)
	}

	// With a fast refill the bucket fills again, and a full one is forgotten.
	for range 3 {
		b.RecordFailure(ctx, "203.0.113.9", 3, 100*time.Millisecond)
	}
	if got, _ := a.FailureCredit(ctx, "203.0.113.9", 3, 100*time.Millisecond); got > 0.5 {
		t.Errorf("after its burst: %v left", got)
	}
	time.Sleep(350 * time.Millisecond)
	if got, _ := a.FailureCredit(ctx, "203.0.113.9", 3, 100*time.Millisecond); got != 3 {
		t.Errorf("after the refill time: %v left, want 3", got)
	}
	b.RecordFailure(ctx, "192.0.2.200", 3, 100*time.Millisecond) // forgets the full bucket
	var n int
	a.db.QueryRowContext(ctx, `SELECT count(*) FROM auth_failures WHERE client = '203.0.113.9'`).Scan(&n)
	if n != 0 {
		t.Error("a bucket full again was kept")
	}
}
