package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
)

// The SQL under the catalogue's write rules (catalog.Tx), as on SQLite:
// every version of every document lives once, in the change log; the
// records and events tables hold the fields listings filter on and point
// at the change holding the current document.

// tableOf is the SQL table of an entity.
func tableOf(entity string) (string, error) {
	switch entity {
	case catalog.EntityRecord:
		return "records", nil
	case catalog.EntityEvent:
		return "events", nil
	}
	return "", fmt.Errorf("no table for entity %q", entity)
}

// querier is what the pool and a write transaction share.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// findDocument reads the stored state of a record or event; nil if the id
// was never used.
func findDocument(ctx context.Context, q querier, entity, id string) (*catalog.StoredDocument, error) {
	table, err := tableOf(entity)
	if err != nil {
		return nil, err
	}
	exposed := "false"
	if entity == catalog.EntityRecord {
		exposed = "t.exposed"
	}
	row := q.QueryRowContext(ctx, `SELECT t.version, t.rev, t.deleted, `+exposed+`, c.doc FROM `+table+` t
		JOIN changes c ON c.revision = t.rev WHERE t.id = ?`, id)
	d, err := scanStoredDocument(row.Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return d, err
}

// scanStoredDocument scans version, revision, deleted, exposed and doc.
func scanStoredDocument(scan func(...any) error) (*catalog.StoredDocument, error) {
	var d catalog.StoredDocument
	var deleted sql.NullString
	var doc string
	if err := scan(&d.Version, &d.Revision, &deleted, &d.Exposed, &doc); err != nil {
		return nil, err
	}
	d.Doc = []byte(doc)
	if deleted.Valid {
		d.Deleted = parseTime(deleted.String)
	}
	return &d, nil
}

// findLiveDoc returns the document of a live record or event. ENOTFOUND,
// EGONE.
func findLiveDoc(ctx context.Context, q querier, entity, id string) ([]byte, error) {
	d, err := findDocument(ctx, q, entity, id)
	switch {
	case err != nil:
		return nil, err
	case d == nil:
		return nil, catalog.Errorf(catalog.ENOTFOUND, "There is no %s %q.", entity, id)
	case !d.Deleted.IsZero():
		return nil, catalog.Errorf(catalog.EGONE, "The %s %q was deleted on %s.", entity, id, d.Deleted.Format(time.DateOnly))
	}
	return d.Doc, nil
}

// Now is the time the transaction's writes are stamped with.
func (t *txn) Now() time.Time { return t.store.stamp() }

// FindDocument returns the stored state of a record or event.
func (t *txn) FindDocument(ctx context.Context, entity, id string) (*catalog.StoredDocument, error) {
	if d, ok := t.docs[entity+"\x00"+id]; ok {
		return d, nil
	}
	return findDocument(ctx, t, entity, id)
}

// CountLiveRecords counts the live records of an event or of one session.
func (t *txn) CountLiveRecords(ctx context.Context, event, session string) (int, error) {
	var n int
	var err error
	if session == "" {
		err = t.QueryRowContext(ctx, `SELECT count(*) FROM records WHERE event = ? AND deleted IS NULL`, event).Scan(&n)
	} else {
		err = t.QueryRowContext(ctx, `SELECT count(*) FROM records WHERE event = ? AND session = ? AND deleted IS NULL`,
			event, session).Scan(&n)
	}
	return n, err
}

// RestampEventRecords moves the harvest datestamp of the records of an
// event to the transaction's time: their Dublin Core carries the event.
func (t *txn) RestampEventRecords(ctx context.Context, event string) error {
	_, err := t.exec(ctx, `UPDATE records SET stamped = ? WHERE event = ? AND exposed`, formatTime(t.Now()), event)
	return err
}

// Apply writes a change row and the entity's row: a create is queued
// (batch.go), anything else is written at once.
func (t *txn) Apply(ctx context.Context, w *catalog.Write) (int64, error) {
	table, err := tableOf(w.Entity)
	if err != nil {
		return 0, err
	}
	t.forget(w)
	if w.Op == catalog.OpCreate {
		return t.queueApply(table, w)
	}
	rev, err := t.insertChange(ctx, w.Entity, w.ID, w.Op, formatTime(w.Time), w.Actor, w.Prev, w.Doc)
	if err != nil {
		return 0, err
	}
	names, args := rowColumns(w, rev)
	switch w.Op {
	case catalog.OpUpdate:
		_, err = t.exec(ctx, `UPDATE `+table+` SET `+strings.Join(names, " = ?, ")+` = ? WHERE id = ?`, append(args, w.ID)...)
	case catalog.OpDelete: // the row keeps pointing at its last document, for harvesters
		set, args := `deleted = ?, updated = ?, version = ?`, []any{formatTime(w.Time), formatTime(w.Time), w.Version}
		if w.Entity == catalog.EntityRecord {
			set, args = set+`, stamped = ?`, append(args, formatTime(w.Time))
		}
		_, err = t.exec(ctx, `UPDATE `+table+` SET `+set+` WHERE id = ?`, append(args, w.ID)...)
	default:
		err = fmt.Errorf("unknown operation %q", w.Op)
	}
	if err == nil && w.Entity == catalog.EntityRecord {
		err = t.keyRecord(ctx, w.ID, w.Record)
	}
	return rev, err
}

// queueApply queues a create (its change, row and keys) for the next flush.
func (t *txn) queueApply(table string, w *catalog.Write) (int64, error) {
	rev, err := t.nextRevision()
	if err != nil {
		return 0, err
	}
	names, args := rowColumns(w, rev)
	names, args = append(names, "id", "created"), append(args, w.ID, formatTime(w.Time))
	var keys []string
	if w.Entity == catalog.EntityRecord && w.Record != nil {
		keys = catalog.DuplicateKeys(w.Record)
	}
	change := []any{rev, t.store.epoch, w.Entity, w.ID, w.Op, formatTime(w.Time), w.Actor, nullInt(w.Prev), nullText(w.Doc)}
	t.queueCreate(table, names, args, change, keys, w.ID)
	return rev, nil
}

// rowColumns are the columns and values of an entity's row after w.
func rowColumns(w *catalog.Write, rev int64) ([]string, []any) {
	names, args := []string{"version", "updated", "rev"}, []any{w.Version, formatTime(w.Time), rev}
	if w.Record != nil {
		n, a := recordColumns(w.Record, w.Exposed)
		names, args = append(names, n...), append(args, a...)
		names, args = append(names, "stamped"), append(args, formatTime(w.Time))
	}
	return names, args
}

// keyRecord replaces a record's duplicate keys (none once deleted), in
// one statement each way: every statement is a round trip to the server.
func (t *txn) keyRecord(ctx context.Context, id string, r *catalog.Record) error {
	if _, err := t.exec(ctx, `DELETE FROM record_keys WHERE id = ?`, id); err != nil {
		return err
	}
	if r == nil {
		return nil
	}
	keys := catalog.DuplicateKeys(r)
	if len(keys) == 0 {
		return nil
	}
	args := make([]any, 0, 2*len(keys))
	for _, k := range keys {
		args = append(args, k, id)
	}
	_, err := t.exec(ctx, `INSERT INTO record_keys (key, id) VALUES `+strings.Repeat(", (?, ?)", len(keys))[2:]+` ON CONFLICT DO NOTHING`, args...)
	return err
}

// FindRecordsWithKey returns the live records with a duplicate key.
func (t *txn) FindRecordsWithKey(ctx context.Context, key string) ([]string, error) {
	if ids, ok := t.keys[key]; ok {
		return ids, nil
	}
	if err := t.flush(ctx); err != nil {
		return nil, err
	}
	rows, err := t.tx.QueryContext(ctx, `SELECT k.id FROM record_keys k JOIN records r ON r.id = k.id
		WHERE k.key = $1 AND r.deleted IS NULL ORDER BY r.seq`, key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// recordColumns are the copies of a record's fields that listings and
// harvests filter on.
func recordColumns(r *catalog.Record, exposed bool) ([]string, []any) {
	topics := ""
	if len(r.Topics) > 0 {
		topics = "|" + strings.Join(r.Topics, "|") + "|"
	}
	return []string{"kind", "status", "event", "session", "exposed", "topics"},
		[]any{string(r.Kind), string(r.Status), nullString(r.Event), nullString(r.Session), exposed, topics}
}

// unmarshalDoc decodes a stored document, naming it in the error.
func unmarshalDoc(entity, id string, doc []byte, v any) error {
	if err := json.Unmarshal(doc, v); err != nil {
		return fmt.Errorf("%s %s: %w", entity, id, err)
	}
	return nil
}

// FindDuplicateGroups lists groups of live records sharing a duplicate key.
func (s *Store) FindDuplicateGroups(ctx context.Context, limit int) ([]catalog.DuplicateGroup, error) {
	rows, err := s.query(ctx, `SELECT k.key, array_to_string(array_agg(k.id ORDER BY r.seq), chr(31))
		FROM record_keys k JOIN records r ON r.id = k.id WHERE r.deleted IS NULL
		GROUP BY k.key HAVING count(*) > 1 ORDER BY min(r.seq) LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []catalog.DuplicateGroup
	for rows.Next() {
		var key, ids string
		if err := rows.Scan(&key, &ids); err != nil {
			return nil, err
		}
		why := "the same title, year and first contributor"
		if strings.HasPrefix(key, "doi:") {
			why = "the same DOI"
		}
		out = append(out, catalog.DuplicateGroup{Why: why, IDs: strings.Split(ids, "\x1f")})
	}
	return out, rows.Err()
}
