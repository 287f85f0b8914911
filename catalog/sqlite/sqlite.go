// Package sqlite implements catalog.Store on an embedded SQLite database
// (modernc.org/sqlite, pure Go) in WAL mode: one writer connection that
// serialises writes, and a pool of read-only connections that never wait
// for it.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/internal/sqlvalues"

	sqlitedriver "modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options tune a Store. The zero value is right for production.
type Options struct {
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Synchronous is SQLite's synchronous setting: FULL (the default)
	// survives power loss; NORMAL survives a crash of the process only.
	Synchronous string
	// ReadConns is the size of the read pool; 4 when 0.
	ReadConns int
	// ChangePoll is how often WaitForChanges looks for changes committed
	// by another process (default 250 ms); this process's own commits wake
	// it at once.
	ChangePoll time.Duration
}

// Store is a catalog.Store on SQLite.
type Store struct {
	write   *sql.DB
	read    *sql.DB
	now     func() time.Time
	poll    time.Duration
	commits *commitSignal
}

var (
	_ catalog.Store          = (*Store)(nil)
	_ catalog.ExportJobStore = (*Store)(nil)
	_ catalog.FileReferences = (*Store)(nil)
)

// Open opens (creating if needed) the database at path and brings its
// schema up to date.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Synchronous == "" {
		opts.Synchronous = "FULL"
	}
	if opts.ReadConns == 0 {
		opts.ReadConns = 4
	}
	if opts.ChangePoll <= 0 {
		opts.ChangePoll = 250 * time.Millisecond
	}
	if err := ownerOnly(path); err != nil {
		return nil, err
	}
	pragmas := []string{"busy_timeout(10000)", "foreign_keys(1)", "synchronous(" + opts.Synchronous + ")"}
	// A WAL of up to 10,000 pages between checkpoints lets B-tree pages
	// that bulk writes touch again and again be copied back once; the file
	// is trimmed to 64 MiB after each checkpoint.
	write, err := sql.Open("sqlite", dsn(path, append(pragmas, "journal_mode(WAL)", "wal_autocheckpoint(10000)",
		"journal_size_limit(67108864)"), "immediate"))
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	s := &Store{write: write, now: opts.Now, poll: opts.ChangePoll, commits: newCommitSignal()}
	if err := s.migrate(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := s.keyOldRecords(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", dsn(path, append(pragmas, "query_only(1)"), "deferred"))
	if err != nil {
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(opts.ReadConns)
	read.SetMaxIdleConns(opts.ReadConns)
	s.read = read
	return s, nil
}

// ownerOnly makes the database readable by its owner only: it holds drafts
// and the hashes of tokens. A new file is created so (SQLite gives its
// journal files the same permissions); an existing one is tightened.
func ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("chmod %s: %w", p, err)
		}
	}
	return nil
}

func dsn(path string, pragmas []string, txlock string) string {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", txlock)
	return "file:" + path + "?" + q.Encode()
}

// Close closes the database.
func (s *Store) Close() error {
	var err error
	if s.read != nil {
		err = s.read.Close()
	}
	if e := s.write.Close(); e != nil {
		err = e
	}
	return err
}

// migrate applies the embedded migrations that have not run yet, each in
// its own transaction.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, applied TEXT NOT NULL) STRICT`); err != nil {
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
		if err := s.applyMigration(ctx, name, version); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, name string, version int) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
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
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied) VALUES (?, ?)`,
		version, formatTime(time.Now())); err != nil {
		return err
	}
	return tx.Commit()
}

// txn is a write transaction with a cache of prepared statements (an
// import runs the same few statements thousands of times). It is the
// catalog.Tx the catalogue's write rules run over.
type txn struct {
	tx    *sql.Tx
	store *Store
	stmts map[string]*sql.Stmt
}

func (t *txn) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := t.stmts[query]; ok {
		return st, nil
	}
	st, err := t.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	t.stmts[query] = st
	return st, nil
}

func (t *txn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// QueryRowContext lets a txn serve where a querier is wanted.
func (t *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return t.tx.QueryRowContext(ctx, query, args...) // reports the same error on Scan
	}
	return st.QueryRowContext(ctx, args...)
}

// begin starts a write transaction.
func (s *Store) begin(ctx context.Context) (*txn, error) {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &txn{tx: tx, store: s, stmts: map[string]*sql.Stmt{}}, nil
}

// writeTx runs fn in a write transaction and commits it if fn returns nil.
func (s *Store) writeTx(ctx context.Context, fn func(*txn) error) error {
	t, err := s.begin(ctx)
	if err != nil {
		return storageError(err)
	}
	defer t.tx.Rollback()
	if err := fn(t); err != nil {
		return storageError(err)
	}
	return storageError(s.commit(t))
}

// storageError says in the domain's words why the database could not be
// written: a full disk (ENOSPACE) or a read-only one (EUNAVAILABLE). The
// transaction was rolled back, so nothing was stored.
func storageError(err error) error {
	var se *sqlitedriver.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_FULL:
		return catalog.Errorf(catalog.ENOSPACE, "The server's disk is full, so nothing was saved. Free some space on it and try again.")
	case sqlite3.SQLITE_READONLY:
		return catalog.Errorf(catalog.EUNAVAILABLE, "The catalogue cannot be written now (its files are read-only), so nothing was saved. Reads still work.")
	}
	return err
}

// commit commits a write transaction and wakes those waiting for changes.
func (s *Store) commit(t *txn) error {
	if err := t.tx.Commit(); err != nil {
		return err
	}
	s.commits.committed()
	return nil
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

// queryAll runs a query on the read pool and scans every row it returns
// with scan (a scanToken-like function taking rows.Scan).
func queryAll[T any](ctx context.Context, s *Store, scan func(func(...any) error) (*T, error), query string, args ...any) ([]T, error) {
	rows, err := s.read.QueryContext(ctx, query, args...)
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

// keyOldRecords gives the live records stored before duplicate keys
// existed their keys (once: when there are records and no keys at all).
func (s *Store) keyOldRecords(ctx context.Context) error {
	var keys, records int
	if err := s.write.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM record_keys), (SELECT count(*) FROM records WHERE deleted IS NULL)`).Scan(&keys, &records); err != nil {
		return err
	}
	if keys > 0 || records == 0 {
		return nil
	}
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT r.id, c.doc FROM records r JOIN changes c ON c.revision = r.rev WHERE r.deleted IS NULL`)
	if err != nil {
		return err
	}
	type keyed struct{ id, key string }
	var all []keyed
	for rows.Next() {
		var id string
		var doc []byte
		if err := rows.Scan(&id, &doc); err != nil {
			rows.Close()
			return err
		}
		var r catalog.Record
		if err := unmarshalDoc("record", id, doc, &r); err != nil {
			rows.Close()
			return err
		}
		for _, k := range catalog.DuplicateKeys(&r) {
			all = append(all, keyed{id, k})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, k := range all {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO record_keys (key, id) VALUES (?, ?)`, k.key, k.id); err != nil {
			return err
		}
	}
	return tx.Commit()
}
