package postgres

import (
	"context"
	"strings"

	"github.com/annals/annals/catalog"
)

// Every statement is a round trip to the server, and an import would make
// several for each record: look its id and its duplicate keys up, insert
// the change, the row and the keys. So a write transaction batches them:
//
//   - creates are queued and written together, a few multi-row INSERTs
//     for the whole queue, before anything else reads or writes in the
//     transaction (flush) and before it commits;
//   - an import tells the transaction the ids and keys it will look up
//     (catalog.Prefetcher), which are read in one query each and answered
//     from memory until a write touches them.
//
// The write lock is held for the whole transaction, so what was read
// cannot change underneath but by this transaction's own writes, which
// drop what they touch from the cache.

// maxRowsPerInsert keeps a multi-row INSERT under PostgreSQL's 65,535
// parameters (a change row has 9).
const maxRowsPerInsert = 1000

// queue is a transaction's creates not yet written.
type queue struct {
	changes [][]any            // revision, epoch, entity, id, op, time, actor, prev, doc
	rows    map[string][][]any // by table and column list ("records\x00kind,status...")
	order   []string           // the keys of rows, first use first
	keys    [][]any            // key, id
}

func (q *queue) empty() bool { return len(q.changes) == 0 }

// queueCreate queues a create's change, row and duplicate keys.
func (t *txn) queueCreate(table string, names []string, args []any, change []any, keys []string, id string) {
	if t.queued.rows == nil {
		t.queued.rows = map[string][][]any{}
	}
	t.queued.changes = append(t.queued.changes, change)
	group := table + "\x00" + strings.Join(names, ",")
	if _, ok := t.queued.rows[group]; !ok {
		t.queued.order = append(t.queued.order, group)
	}
	t.queued.rows[group] = append(t.queued.rows[group], args)
	for _, k := range keys {
		t.queued.keys = append(t.queued.keys, []any{k, id})
	}
}

// flush writes the queued creates: changes first (rows point at them),
// then rows, then keys.
func (t *txn) flush(ctx context.Context) error {
	if t.queued.empty() {
		return nil
	}
	q := t.queued
	t.queued = queue{}
	err := insertRows(ctx, t, `INSERT INTO changes (revision, epoch, xid, entity, entity_id, op, time, actor, prev, doc) VALUES `,
		`(?, ?, pg_current_xact_id(), ?, ?, ?, ?, ?, ?, ?)`, ``, q.changes)
	if err != nil {
		return err
	}
	for _, group := range q.order {
		table, columns, _ := strings.Cut(group, "\x00")
		n := strings.Count(columns, ",") + 1
		err := insertRows(ctx, t, `INSERT INTO `+table+` (`+strings.ReplaceAll(columns, ",", ", ")+`) VALUES `,
			`(`+strings.Repeat(", ?", n)[2:]+`)`, ``, q.rows[group])
		if err != nil {
			return err
		}
	}
	return insertRows(ctx, t, `INSERT INTO record_keys (key, id) VALUES `, `(?, ?)`, ` ON CONFLICT DO NOTHING`, q.keys)
}

// insertRows writes rows with head, one tuple of placeholders per row and
// tail, maxRowsPerInsert rows a statement.
func insertRows(ctx context.Context, t *txn, head, tuple, tail string, rows [][]any) error {
	for len(rows) > 0 {
		n := min(len(rows), maxRowsPerInsert)
		var sql strings.Builder
		sql.WriteString(head)
		var args []any
		for i, row := range rows[:n] {
			if i > 0 {
				sql.WriteString(", ")
			}
			sql.WriteString(tuple)
			args = append(args, row...)
		}
		sql.WriteString(tail)
		if _, err := t.tx.ExecContext(ctx, rebind(sql.String()), args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

var _ catalog.Prefetcher = (*txn)(nil)

// PrefetchDocuments reads the stored state of ids in one query; until a
// write touches one, FindDocument answers it from memory (nil for an id
// never used).
func (t *txn) PrefetchDocuments(ctx context.Context, entity string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	table, err := tableOf(entity)
	if err != nil {
		return err
	}
	if err := t.flush(ctx); err != nil {
		return err
	}
	exposed := "false"
	if entity == catalog.EntityRecord {
		exposed = "t.exposed"
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT t.id, t.version, t.rev, t.deleted, `+exposed+`, c.doc FROM `+table+` t
		JOIN changes c ON c.revision = t.rev WHERE t.id = ANY($1)`, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	if t.docs == nil {
		t.docs = map[string]*catalog.StoredDocument{}
	}
	for _, id := range ids {
		t.docs[entity+"\x00"+id] = nil
	}
	for rows.Next() {
		var id string
		d, err := scanStoredDocument(func(dest ...any) error { return rows.Scan(append([]any{&id}, dest...)...) })
		if err != nil {
			return err
		}
		t.docs[entity+"\x00"+id] = d
	}
	return rows.Err()
}

// PrefetchKeys reads the live records with each of keys in one query;
// until a write touches them, FindRecordsWithKey answers from memory.
func (t *txn) PrefetchKeys(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	if err := t.flush(ctx); err != nil {
		return err
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT k.key, k.id FROM record_keys k JOIN records r ON r.id = k.id
		WHERE k.key = ANY($1) AND r.deleted IS NULL ORDER BY r.seq`, keys)
	if err != nil {
		return err
	}
	defer rows.Close()
	if t.keys == nil {
		t.keys = map[string][]string{}
	}
	for _, k := range keys {
		t.keys[k] = nil
	}
	for rows.Next() {
		var key, id string
		if err := rows.Scan(&key, &id); err != nil {
			return err
		}
		t.keys[key] = append(t.keys[key], id)
	}
	return rows.Err()
}

// forget drops from the caches what a write of entity id may change.
func (t *txn) forget(w *catalog.Write) {
	delete(t.docs, w.Entity+"\x00"+w.ID)
	if w.Entity != catalog.EntityRecord {
		return
	}
	if w.Op != catalog.OpCreate {
		t.keys = nil // the keys it had are not known here
		return
	}
	if w.Record != nil {
		for _, k := range catalog.DuplicateKeys(w.Record) {
			delete(t.keys, k)
		}
	}
}
