package postgres

import (
	"context"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/jackc/pgx/v5"
)

var _ catalog.Leader = (*Store)(nil)

// WhileLeader holds a session advisory lock named after name on a
// connection of its own while fn runs: the lock goes when the connection
// does (a node that dies or loses the database loses the lead at once),
// and another node waiting for it takes it within Options.LeaderPoll.
func (s *Store) WhileLeader(ctx context.Context, name string, fn func(context.Context) error) error {
	h := fnv.New64a()
	h.Write([]byte("annals-leader:" + name))
	key := int64(h.Sum64())
	for {
		conn, err := pgx.Connect(ctx, s.dsn)
		if err == nil {
			var got bool
			if err = conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&got); err == nil && got {
				return s.lead(ctx, name, conn, fn)
			}
			conn.Close(context.WithoutCancel(ctx))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(s.leadPoll):
		}
	}
}

// lead runs fn while conn, which holds the lock, answers.
func (s *Store) lead(ctx context.Context, name string, conn *pgx.Conn, fn func(context.Context) error) error {
	lctx, cancel := context.WithCancel(ctx)
	watching := make(chan struct{})
	var lost error
	go func() {
		defer close(watching)
		ticker := time.NewTicker(s.leadPoll)
		defer ticker.Stop()
		for {
			select {
			case <-lctx.Done():
				return
			case <-ticker.C:
				pctx, pcancel := context.WithTimeout(lctx, s.leadPoll)
				err := conn.Ping(pctx)
				pcancel()
				if err != nil && lctx.Err() == nil {
					lost = fmt.Errorf("postgres: lost the lead for %s with its connection: %w", name, err)
					cancel()
					return
				}
			}
		}
	}()
	err := fn(lctx)
	cancel()
	<-watching
	conn.Close(context.WithoutCancel(ctx)) // releases the lock
	if lost != nil && ctx.Err() == nil {
		return lost
	}
	return err
}
