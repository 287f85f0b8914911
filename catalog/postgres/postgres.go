// Package postgres implements catalog.Store on PostgreSQL (pgx, pure Go),
// for several Annals nodes sharing one catalogue. Its tables and rules are
// those of the SQLite store; what differs is how the change log stays in
// order when transactions of several processes commit out of order (see
// revision.go) and how followers on other nodes are woken (LISTEN/NOTIFY).
//
// Writes are serialised across every node by a transaction-level advisory
// lock, as SQLite's single writer serialises them: the catalogue's rules
// (an id is free, a version is current, a record is a duplicate) read and
// then write, and hold only if no other write comes between. Reads never
// wait for it.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/internal/sqlvalues"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// Lock keys of pg_advisory_lock: one for migrations (several nodes
// starting at once), one for writes.
const (
	migrationLock = 7203_2025_01
	writeLock     = 7203_2025_02
)

// notifyChannel is what writers NOTIFY and followers LISTEN on.
const notifyChannel = "annals_changes"

// Options tune a Store. The zero value is right for production.
type Options struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// ChangePoll is how often WaitForChanges looks for changes when no
	// notification came (default 1 s).
	ChangePoll time.Duration
	// MaxConns bounds the connection pool (default 16).
	MaxConns int
	// LeaderPoll is how often a node waiting for a lead tries again and
	// how often the holder checks that its lock is still there (default 5 s).
	LeaderPoll time.Duration
}

// Store is a catalog.Store on PostgreSQL.
type Store struct {
	db       *sql.DB
	dsn      string
	now      func() time.Time
	poll     time.Duration
	leadPoll time.Duration
	epoch    int64
	commits  *commitSignal
	listen   *listener
}

var (
	_ catalog.Store          = (*Store)(nil)
	_ catalog.ExportJobStore = (*Store)(nil)
	_ catalog.FileReferences = (*Store)(nil)
)

// Open connects to the database named by dsn (a postgres:// URL or a
// key=value string), brings its schema up to date under an advisory lock
// and starts listening for other nodes' changes.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ChangePoll <= 0 {
		opts.ChangePoll = time.Second
	}
	if opts.MaxConns <= 0 {
		opts.MaxConns = 16
	}
	if opts.LeaderPoll <= 0 {
		opts.LeaderPoll = 5 * time.Second
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db.SetMaxOpenConns(opts.MaxConns)
	db.SetMaxIdleConns(opts.MaxConns)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s := &Store{db: db, dsn: dsn, now: opts.Now, poll: opts.ChangePoll, leadPoll: opts.LeaderPoll, commits: newCommitSignal()}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT epoch FROM log_epoch`).Scan(&s.epoch); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s.listen, err = startListener(ctx, dsn, s.commits)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: listen: %w", err)
	}
	return s, nil
}

// Close stops listening and closes the pool.
func (s *Store) Close() error {
	if s.listen != nil {
		s.listen.stop()
	}
	return s.db.Close()
}

// migrate applies the embedded migrations not yet applied, holding a
// session advisory lock so that nodes starting together apply each once,
// and then moves the log's epoch on if the server's transaction ids are
// behind the log's.
func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLock); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLock)
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, applied text NOT NULL)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		version, err := strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with a number", name)
		}
		if err := applyMigration(ctx, conn, name, version); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return advanceEpoch(ctx, conn)
}

func applyMigration(ctx context.Context, conn *sql.Conn, name string, version int) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied) VALUES ($1, $2)`,
		version, formatTime(time.Now())); err != nil {
		return err
	}
	return tx.Commit()
}

// txn is a write transaction: it holds the write lock, knows its
// transaction id, and numbers its changes. It is the catalog.Tx the
// catalogue's write rules run over.
type txn struct {
	tx      *sql.Tx
	store   *Store
	xid     int64
	changes int64 // changes numbered so far
	// batch.go: creates not written yet, what was prefetched, and the
	// error of a flush that a query could not return.
	queued   queue
	docs     map[string]*catalog.StoredDocument
	keys     map[string][]string
	flushErr error
}

func (t *txn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if err := t.flush(ctx); err != nil {
		return nil, err
	}
	return t.tx.ExecContext(ctx, rebind(query), args...)
}

// QueryRowContext lets a txn serve where a querier is wanted. Should the
// queued writes fail to flush, the query fails (the transaction is
// aborted) and writeTx reports the flush's error.
func (t *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if err := t.flush(ctx); err != nil && t.flushErr == nil {
		t.flushErr = err
	}
	return t.tx.QueryRowContext(ctx, rebind(query), args...)
}

// begin starts a write transaction: it waits for the write lock, then
// takes its transaction id (so that ids are handed out in the order the
// lock is taken).
func (s *Store) begin(ctx context.Context) (*txn, error) {
	return s.beginTx(ctx, true)
}

func (s *Store) beginTx(ctx context.Context, lock bool) (*txn, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	if lock {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, writeLock); err != nil {
			tx.Rollback()
			return nil, err
		}
	}
	var xid int64
	if err := tx.QueryRowContext(ctx, `SELECT pg_current_xact_id()::text::bigint`).Scan(&xid); err != nil {
		tx.Rollback()
		return nil, err
	}
	return &txn{tx: tx, store: s, xid: xid}, nil
}

// writeTx runs fn in a write transaction and commits it if fn returns nil.
func (s *Store) writeTx(ctx context.Context, fn func(*txn) error) error {
	t, err := s.begin(ctx)
	if err != nil {
		return storageError(err)
	}
	defer t.tx.Rollback()
	if err := fn(t); err != nil {
		if t.flushErr != nil {
			err = t.flushErr
		}
		return storageError(err)
	}
	return storageError(s.commit(ctx, t))
}

// commit commits a write transaction, notifying the other nodes if it
// wrote changes, and wakes this process's waiters.
func (s *Store) commit(ctx context.Context, t *txn) error {
	if t.flushErr != nil {
		return t.flushErr
	}
	if err := t.flush(ctx); err != nil {
		return err
	}
	if t.changes > 0 {
		if _, err := t.tx.ExecContext(ctx, `SELECT pg_notify($1, '')`, notifyChannel); err != nil {
			return err
		}
	}
	if err := t.tx.Commit(); err != nil {
		return err
	}
	s.commits.committed()
	return nil
}

// storageError says in the domain's words why the database could not be
// written: a full disk (ENOSPACE), a read-only server (EUNAVAILABLE), a
// unique id taken by a concurrent write (ECONFLICT).
func storageError(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch {
	case pe.Code == "53100": // disk_full
		return catalog.Errorf(catalog.ENOSPACE, "The database server's disk is full, so nothing was saved. Free some space on it and try again.")
	case pe.Code == "25006": // read_only_sql_transaction (a standby)
		return catalog.Errorf(catalog.EUNAVAILABLE, "The catalogue cannot be written now (the database is read-only), so nothing was saved. Reads still work.")
	case pe.Code == "23505": // unique_violation
		return catalog.Errorf(catalog.ECONFLICT, "Someone else saved the same thing at the same moment; nothing was saved. Try again.")
	}
	return err
}

// rebind turns the ? placeholders the queries are written with into $1, $2...
func rebind(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// How values are written into columns: the same on both SQL stores.
var (
	formatTime = sqlvalues.FormatTime
	parseTime  = sqlvalues.ParseTime
	nullText   = sqlvalues.NullText
	nullInt    = sqlvalues.NullInt
	nullString = sqlvalues.NullString
)

// stamp is the time a write is recorded at, in UTC to the microsecond.
func (s *Store) stamp() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// query runs a read on the pool.
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.db.QueryContext(ctx, rebind(query), args...)
}

// QueryRowContext reads one row on the pool (a querier).
func (s *Store) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return s.db.QueryRowContext(ctx, rebind(query), args...)
}

// exec runs a statement on the pool, outside any write transaction (what
// the change log does not record: a token's last use, a job's progress).
func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return s.db.ExecContext(ctx, rebind(query), args...)
}

// queryAll runs a query on the pool and scans every row it returns.
func queryAll[T any](ctx context.Context, s *Store, scan func(func(...any) error) (*T, error), query string, args ...any) ([]T, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}
