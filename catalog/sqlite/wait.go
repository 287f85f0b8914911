package sqlite

import (
	"context"
	"sync"
	"time"
)

// commitSignal wakes everyone waiting for a change when this process
// commits one: each commit closes the current channel and opens a new one.
type commitSignal struct {
	mu sync.Mutex
	ch chan struct{}
}

func newCommitSignal() *commitSignal { return &commitSignal{ch: make(chan struct{})} }

// next returns the channel the next commit closes.
func (c *commitSignal) next() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ch
}

// committed wakes every waiter.
func (c *commitSignal) committed() {
	c.mu.Lock()
	close(c.ch)
	c.ch = make(chan struct{})
	c.mu.Unlock()
}

// WaitForChanges returns when the change log holds a revision above after.
// A commit of this process wakes it at once; a commit of another process
// on the same database file (annals import while the server runs) is seen
// within the poll interval.
func (s *Store) WaitForChanges(ctx context.Context, after int64) error {
	ticker := time.NewTicker(s.poll)
	defer ticker.Stop()
	for {
		woken := s.commits.next() // before reading, so that no commit falls between
		latest, err := s.LatestRevision(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		if latest > after {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-woken:
		case <-ticker.C:
		}
	}
}
