package postgres

import (
	"context"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// commitSignal wakes everyone waiting for a change: each commit (of this
// process, or notified by another node) closes the current channel and
// opens a new one.
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

// listener holds the one connection of a node that LISTENs for other
// nodes' commits; a notification only wakes the waiters, who then read the
// log (a missed one costs at most the poll interval).
type listener struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// startListener connects and LISTENs before returning, so that no commit
// after Open goes unheard; it reconnects (every second) if the connection
// drops.
func startListener(ctx context.Context, dsn string, commits *commitSignal) (*listener, error) {
	conn, err := listen(ctx, dsn)
	if err != nil {
		return nil, err
	}
	lctx, cancel := context.WithCancel(context.Background())
	l := &listener{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(l.done)
		for {
			if conn != nil {
				_, err := conn.WaitForNotification(lctx)
				if err == nil {
					commits.committed()
					continue
				}
				conn.Close(context.Background())
				conn = nil
				commits.committed() // what was missed meanwhile is read by the waiters
			}
			select {
			case <-lctx.Done():
				return
			case <-time.After(time.Second):
			}
			conn, _ = listen(lctx, dsn)
		}
	}()
	return l, nil
}

func listen(ctx context.Context, dsn string) (*pgx.Conn, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		conn.Close(ctx)
		return nil, err
	}
	return conn, nil
}

func (l *listener) stop() {
	l.cancel()
	<-l.done
}

// WaitForChanges returns when the change log holds a settled revision
// above after. A commit of this node, or a notification of another's,
// wakes it at once; otherwise it looks every poll interval (a change held
// back behind a transaction still running settles without a notification).
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
