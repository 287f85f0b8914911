package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/annals/annals/catalog"
)

// table is one of the two kinds of document the store keeps: records and
// events share how they are created, replaced and deleted.
type table struct {
	name   string // SQL table
	entity string // catalog.EntityRecord or catalog.EntityEvent
}

var (
	recordTable = table{name: "records", entity: catalog.EntityRecord}
	eventTable  = table{name: "events", entity: catalog.EntityEvent}
)

// querier is what the read pool and a write transaction share.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// currentRow is the stored state of one record or event.
type currentRow struct {
	version int
	rev     int64
	doc     string
}

// findCurrent returns the live row with id and its document. ENOTFOUND,
// EGONE.
func findCurrent(ctx context.Context, q querier, tb table, id string) (*currentRow, error) {
	var c currentRow
	var deleted sql.NullString
	err := q.QueryRowContext(ctx, `SELECT t.version, t.rev, t.deleted, c.doc FROM `+tb.name+` t
		JOIN changes c ON c.revision = t.rev WHERE t.id = ?`, id).Scan(&c.version, &c.rev, &deleted, &c.doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "There is no %s %q.", tb.entity, id)
	}
	if err != nil {
		return nil, err
	}
	if deleted.Valid {
		return nil, catalog.Errorf(catalog.EGONE, "The %s %q was deleted on %s.", tb.entity, id, deleted.String[:10])
	}
	return &c, nil
}

// checkIDFree returns ECONFLICT, naming the id field, if id is or was used.
func checkIDFree(ctx context.Context, q querier, tb table, id string) error {
	var deleted sql.NullString
	err := q.QueryRowContext(ctx, `SELECT deleted FROM `+tb.name+` WHERE id = ?`, id).Scan(&deleted)
	why := fmt.Sprintf("is taken by another %s", tb.entity)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	case deleted.Valid:
		why = fmt.Sprintf("belonged to a %s deleted on %s; harvesters still know it, so choose another id", tb.entity, deleted.String[:10])
	}
	return &catalog.Error{Code: catalog.ECONFLICT, Message: fmt.Sprintf("The id %q is taken.", id),
		Fields: []catalog.FieldError{{Field: "id", Message: fmt.Sprintf("%q %s", id, why)}}}
}

// checkVersion returns EPRECONDITION if ifVersion is set and is not current.
func checkVersion(tb table, current, ifVersion int) error {
	if ifVersion != 0 && ifVersion != current {
		return catalog.Errorf(catalog.EPRECONDITION,
			"The %s was changed since you read it: it is at version %d, you sent version %d. Reload it and apply your change again.",
			tb.entity, current, ifVersion)
	}
	return nil
}

// columns are an entity's own filter columns: their values when a row is
// inserted, and the SET clauses (with their values) when it is replaced.
type columns struct {
	names []string
	args  []any
	sets  []string // "name = ?" by default; a column may keep more of its past ("exposed = max(exposed, ?)")
}

// insertDocument stores v, a new record or event whose bookkeeping is bk,
// logging its creation.
func (s *Store) insertDocument(ctx context.Context, t *txn, tb table, id string, v any, bk *catalog.Bookkeeping, cols columns) error {
	if err := checkIDFree(ctx, t, tb, id); err != nil {
		return err
	}
	now := s.stamp()
	*bk = catalog.Bookkeeping{Created: now, Updated: now, Version: 1}
	doc, err := json.Marshal(v)
	if err != nil {
		return err
	}
	rev, err := logChange(ctx, t, tb.entity, id, catalog.OpCreate, now, 0, doc)
	if err != nil {
		return err
	}
	names := append([]string{"id", "version", "created", "updated", "rev"}, cols.names...)
	args := append([]any{id, bk.Version, formatTime(now), formatTime(now), rev}, cols.args...)
	_, err = t.exec(ctx, `INSERT INTO `+tb.name+` (`+strings.Join(names, ", ")+`) VALUES (`+strings.Repeat(", ?", len(names))[2:]+`)`, args...)
	return err
}

// replaceDocument makes v (bookkeeping bk) the current document in place of
// cur. A replacement identical to cur changes nothing and logs nothing.
func (s *Store) replaceDocument(ctx context.Context, t *txn, tb table, id string, cur *currentRow, v any, bk *catalog.Bookkeeping, cols columns) error {
	if err := json.Unmarshal([]byte(cur.doc), bk); err != nil { // keep the stored bookkeeping
		return err
	}
	doc, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if string(doc) == cur.doc {
		return nil
	}
	now := s.stamp()
	bk.Updated, bk.Version = now, cur.version+1
	if doc, err = json.Marshal(v); err != nil {
		return err
	}
	rev, err := logChange(ctx, t, tb.entity, id, catalog.OpUpdate, now, cur.rev, doc)
	if err != nil {
		return err
	}
	set := ""
	for i, n := range cols.names {
		if i < len(cols.sets) && cols.sets[i] != "" {
			set += cols.sets[i] + ", "
		} else {
			set += n + " = ?, "
		}
	}
	args := append(cols.args, bk.Version, formatTime(now), rev, id)
	_, err = t.exec(ctx, `UPDATE `+tb.name+` SET `+set+`version = ?, updated = ?, rev = ? WHERE id = ?`, args...)
	return err
}

// deleteDocument leaves a tombstone for id: the row stays, marked deleted,
// still pointing at its last document so that harvesters can be told which
// sets it was in.
func (s *Store) deleteDocument(ctx context.Context, t *txn, tb table, id string, cur *currentRow) error {
	now := s.stamp()
	if _, err := logChange(ctx, t, tb.entity, id, catalog.OpDelete, now, cur.rev, nil); err != nil {
		return err
	}
	_, err := t.exec(ctx, `UPDATE `+tb.name+` SET deleted = ?, updated = ?, version = version + 1 WHERE id = ?`,
		formatTime(now), formatTime(now), id)
	return err
}
