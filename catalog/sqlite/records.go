package sqlite

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/annals/annals/catalog"
)

// FindRecordByID returns a record. ENOTFOUND, EGONE.
func (s *Store) FindRecordByID(ctx context.Context, id string) (*catalog.Record, error) {
	var doc string
	var deleted sql.NullString
	err := s.read.QueryRowContext(ctx, `SELECT doc, deleted FROM records WHERE id = ?`, id).Scan(&doc, &deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "There is no record %q.", id)
	}
	if err != nil {
		return nil, err
	}
	if deleted.Valid {
		return nil, catalog.Errorf(catalog.EGONE, "Record %q was deleted on %s.", id, deleted.String[:10])
	}
	var r catalog.Record
	if err := json.Unmarshal([]byte(doc), &r); err != nil {
		return nil, fmt.Errorf("record %s: %w", id, err)
	}
	return &r, nil
}

// CountRecords returns how many live records there are.
func (s *Store) CountRecords(ctx context.Context) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM records WHERE deleted IS NULL`).Scan(&n)
	return n, err
}

// FindRecords lists live records newest first, one page at a time.
func (s *Store) FindRecords(ctx context.Context, f catalog.RecordFilter) (*catalog.RecordPage, error) {
	size := f.Size
	if size <= 0 {
		size = catalog.DefaultPageSize
	}
	size = min(size, catalog.MaxPageSize)
	where := []string{"deleted IS NULL"}
	var args []any
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, string(f.Kind))
	}
	if f.Event != "" {
		where, args = append(where, "event = ?"), append(args, f.Event)
	}
	if f.Session != "" {
		where, args = append(where, "session = ?"), append(args, f.Session)
	}
	if len(f.Statuses) > 0 {
		marks := strings.Repeat(",?", len(f.Statuses))[1:]
		where = append(where, "status IN ("+marks+")")
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
	}
	page := &catalog.RecordPage{Records: []catalog.Record{}}
	cond := strings.Join(where, " AND ")
	if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM records WHERE `+cond, args...).Scan(&page.Total); err != nil {
		return nil, err
	}
	if f.After != "" {
		seq, err := decodeCursor(f.After)
		if err != nil {
			return nil, &catalog.Error{Code: catalog.EINVALID, Message: "The cursor is not valid.",
				Fields: []catalog.FieldError{{Field: "after", Message: "is not a cursor returned by this listing; start again without it"}}}
		}
		cond += " AND seq < ?"
		args = append(args, seq)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT seq, doc FROM records WHERE `+cond+` ORDER BY seq DESC LIMIT ?`,
		append(args, size+1)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var lastSeq int64
	for rows.Next() {
		var seq int64
		var doc string
		if err := rows.Scan(&seq, &doc); err != nil {
			return nil, err
		}
		if len(page.Records) == size {
			page.Next = encodeCursor(lastSeq)
			break
		}
		var r catalog.Record
		if err := json.Unmarshal([]byte(doc), &r); err != nil {
			return nil, err
		}
		page.Records = append(page.Records, r)
		lastSeq = seq
	}
	return page, rows.Err()
}

const cursorPrefix = "r1."

func encodeCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(seq, 10)))
}

func decodeCursor(c string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), cursorPrefix) {
		return 0, errors.New("bad cursor")
	}
	return strconv.ParseInt(strings.TrimPrefix(string(b), cursorPrefix), 10, 64)
}

// CreateRecord validates and stores a new record.
func (s *Store) CreateRecord(ctx context.Context, r *catalog.Record) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		return s.createRecord(ctx, tx, r, newEventCache(tx))
	})
}

func (s *Store) createRecord(ctx context.Context, tx *sql.Tx, r *catalog.Record, events *eventCache) error {
	if err := prepareRecord(ctx, r, events); err != nil {
		return err
	}
	if r.ID == "" {
		r.ID = catalog.NewID("record", r.Title)
	}
	if err := checkRecordIDFree(ctx, tx, r.ID); err != nil {
		return err
	}
	now := s.stamp()
	r.Created, r.Updated, r.Version = now, now, 1
	doc, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO records (id, kind, status, event, session, version, created, updated, doc)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, string(r.Kind), string(r.Status), nullString(r.Event), nullString(r.Session),
		r.Version, formatTime(now), formatTime(now), string(doc)); err != nil {
		return err
	}
	return logChange(ctx, tx, catalog.EntityRecord, r.ID, catalog.OpCreate, now, nil, doc)
}

// prepareRecord normalises and validates r against the events in the store.
func prepareRecord(ctx context.Context, r *catalog.Record, events *eventCache) error {
	catalog.NormalizeRecord(r)
	var lookupErr error
	err := catalog.ValidateRecord(r, func(id string) (*catalog.Event, bool) {
		ev, err := events.find(ctx, id)
		if err != nil && catalog.ErrorCode(err) == catalog.EINTERNAL {
			lookupErr = err
		}
		return ev, err == nil
	})
	if lookupErr != nil {
		return lookupErr
	}
	return err
}

func checkRecordIDFree(ctx context.Context, tx *sql.Tx, id string) error {
	var deleted sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT deleted FROM records WHERE id = ?`, id).Scan(&deleted)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	case deleted.Valid:
		return idTaken(id, fmt.Sprintf("belonged to a record deleted on %s; harvesters still know it, so choose another id", deleted.String[:10]))
	default:
		return idTaken(id, "is taken by another record")
	}
}

func idTaken(id, why string) error {
	return &catalog.Error{Code: catalog.ECONFLICT, Message: fmt.Sprintf("The id %q is taken.", id),
		Fields: []catalog.FieldError{{Field: "id", Message: fmt.Sprintf("%q %s", id, why)}}}
}

// currentRow is what a write needs to know of the row it replaces.
type currentRow struct {
	version int
	created string
	deleted sql.NullString
	doc     string
}

func findCurrentRecord(ctx context.Context, tx *sql.Tx, id string) (*currentRow, error) {
	var c currentRow
	err := tx.QueryRowContext(ctx, `SELECT version, created, deleted, doc FROM records WHERE id = ?`, id).
		Scan(&c.version, &c.created, &c.deleted, &c.doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "There is no record %q.", id)
	}
	if err != nil {
		return nil, err
	}
	if c.deleted.Valid {
		return nil, catalog.Errorf(catalog.EGONE, "Record %q was deleted on %s.", id, c.deleted.String[:10])
	}
	return &c, nil
}

func checkVersion(what string, current, ifVersion int) error {
	if ifVersion != 0 && ifVersion != current {
		return catalog.Errorf(catalog.EPRECONDITION,
			"The %s was changed since you read it: it is at version %d, you sent version %d. Reload it and apply your change again.",
			what, current, ifVersion)
	}
	return nil
}

// UpdateRecord replaces a record. A replacement identical to the stored
// record changes nothing and logs nothing.
func (s *Store) UpdateRecord(ctx context.Context, r *catalog.Record, ifVersion int) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		cur, err := findCurrentRecord(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		if err := checkVersion("record", cur.version, ifVersion); err != nil {
			return err
		}
		if err := prepareRecord(ctx, r, newEventCache(tx)); err != nil {
			return err
		}
		var old catalog.Record
		if err := json.Unmarshal([]byte(cur.doc), &old); err != nil {
			return err
		}
		r.Created, r.Updated, r.Version = old.Created, old.Updated, old.Version
		doc, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if string(doc) == cur.doc {
			return nil
		}
		now := s.stamp()
		r.Updated, r.Version = now, cur.version+1
		if doc, err = json.Marshal(r); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE records SET kind = ?, status = ?, event = ?, session = ?, version = ?,
			updated = ?, doc = ? WHERE id = ?`, string(r.Kind), string(r.Status), nullString(r.Event), nullString(r.Session),
			r.Version, formatTime(now), string(doc), r.ID); err != nil {
			return err
		}
		return logChange(ctx, tx, catalog.EntityRecord, r.ID, catalog.OpUpdate, now, []byte(cur.doc), doc)
	})
}

// DeleteRecord marks a record deleted, keeping its last document in the
// tombstone so that harvesters can still be told which sets it was in.
func (s *Store) DeleteRecord(ctx context.Context, id string, ifVersion int) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		cur, err := findCurrentRecord(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkVersion("record", cur.version, ifVersion); err != nil {
			return err
		}
		now := s.stamp()
		if _, err := tx.ExecContext(ctx, `UPDATE records SET deleted = ?, updated = ?, version = version + 1 WHERE id = ?`,
			formatTime(now), formatTime(now), id); err != nil {
			return err
		}
		return logChange(ctx, tx, catalog.EntityRecord, id, catalog.OpDelete, now, []byte(cur.doc), nil)
	})
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// eventCache remembers the events a transaction has looked up, so that an
// import of thousands of records reads each event once.
type eventCache struct {
	tx     *sql.Tx
	events map[string]*catalog.Event
}

func newEventCache(tx *sql.Tx) *eventCache {
	return &eventCache{tx: tx, events: map[string]*catalog.Event{}}
}

func (c *eventCache) find(ctx context.Context, id string) (*catalog.Event, error) {
	if ev, ok := c.events[id]; ok {
		if ev == nil {
			return nil, catalog.Errorf(catalog.ENOTFOUND, "There is no event %q.", id)
		}
		return ev, nil
	}
	ev, err := findLiveEvent(ctx, c.tx, id)
	if err != nil && catalog.ErrorCode(err) == catalog.EINTERNAL {
		return nil, err
	}
	c.events[id] = ev
	return ev, err
}

