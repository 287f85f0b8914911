package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/annals/annals/catalog"
)

// querier is what *sql.DB and *sql.Tx share, for helpers used by both.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func findEvent(ctx context.Context, q querier, id string) (*catalog.Event, *currentRow, error) {
	var c currentRow
	err := q.QueryRowContext(ctx, `SELECT version, created, deleted, doc FROM events WHERE id = ?`, id).
		Scan(&c.version, &c.created, &c.deleted, &c.doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, catalog.Errorf(catalog.ENOTFOUND, "There is no event %q.", id)
	}
	if err != nil {
		return nil, nil, err
	}
	if c.deleted.Valid {
		return nil, nil, catalog.Errorf(catalog.EGONE, "Event %q was deleted on %s.", id, c.deleted.String[:10])
	}
	var e catalog.Event
	if err := json.Unmarshal([]byte(c.doc), &e); err != nil {
		return nil, nil, fmt.Errorf("event %s: %w", id, err)
	}
	return &e, &c, nil
}

func findLiveEvent(ctx context.Context, q querier, id string) (*catalog.Event, error) {
	e, _, err := findEvent(ctx, q, id)
	return e, err
}

// FindEventByID returns an event. ENOTFOUND, EGONE.
func (s *Store) FindEventByID(ctx context.Context, id string) (*catalog.Event, error) {
	return findLiveEvent(ctx, s.read, id)
}

// FindEvents returns every live event, earliest start first.
func (s *Store) FindEvents(ctx context.Context) ([]catalog.Event, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT doc FROM events WHERE deleted IS NULL`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	events := []catalog.Event{}
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		var e catalog.Event
		if err := json.Unmarshal([]byte(doc), &e); err != nil {
			return nil, err
		}
		events = append(events, e)
	}
	sort.SliceStable(events, func(i, j int) bool {
		if events[i].Start != events[j].Start {
			return events[i].Start < events[j].Start
		}
		return events[i].ID < events[j].ID
	})
	return events, rows.Err()
}

// CreateEvent validates and stores a new event.
func (s *Store) CreateEvent(ctx context.Context, e *catalog.Event) error {
	catalog.NormalizeEvent(e)
	if err := catalog.ValidateEvent(e); err != nil {
		return err
	}
	if e.ID == "" {
		e.ID = catalog.NewID("event", e.Name)
	}
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		_, _, err := findEvent(ctx, tx, e.ID)
		switch catalog.ErrorCode(err) {
		case catalog.ENOTFOUND:
		case "":
			return idTaken(e.ID, "is taken by another event")
		case catalog.EGONE:
			return idTaken(e.ID, "belonged to a deleted event; choose another id")
		default:
			return err
		}
		now := s.stamp()
		e.Created, e.Updated, e.Version = now, now, 1
		doc, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO events (id, version, created, updated, doc) VALUES (?, ?, ?, ?, ?)`,
			e.ID, e.Version, formatTime(now), formatTime(now), string(doc)); err != nil {
			return err
		}
		return logChange(ctx, tx, catalog.EntityEvent, e.ID, catalog.OpCreate, now, nil, doc)
	})
}

// UpdateEvent replaces an event. Removing a session that records still
// belong to is refused, naming the session.
func (s *Store) UpdateEvent(ctx context.Context, e *catalog.Event, ifVersion int) error {
	catalog.NormalizeEvent(e)
	if err := catalog.ValidateEvent(e); err != nil {
		return err
	}
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		old, cur, err := findEvent(ctx, tx, e.ID)
		if err != nil {
			return err
		}
		if err := checkVersion("event", cur.version, ifVersion); err != nil {
			return err
		}
		if err := checkRemovedSessions(ctx, tx, old, e); err != nil {
			return err
		}
		e.Created, e.Updated, e.Version = old.Created, old.Updated, old.Version
		doc, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if string(doc) == cur.doc {
			return nil
		}
		now := s.stamp()
		e.Updated, e.Version = now, cur.version+1
		if doc, err = json.Marshal(e); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE events SET version = ?, updated = ?, doc = ? WHERE id = ?`,
			e.Version, formatTime(now), string(doc), e.ID); err != nil {
			return err
		}
		return logChange(ctx, tx, catalog.EntityEvent, e.ID, catalog.OpUpdate, now, []byte(cur.doc), doc)
	})
}

func checkRemovedSessions(ctx context.Context, tx *sql.Tx, old, e *catalog.Event) error {
	var fields []catalog.FieldError
	for _, sess := range old.Sessions {
		if slices.ContainsFunc(e.Sessions, func(n catalog.Session) bool { return n.Key == sess.Key }) {
			continue
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM records WHERE event = ? AND session = ? AND deleted IS NULL`,
			e.ID, sess.Key).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			fields = append(fields, catalog.FieldError{Field: "sessions",
				Message: fmt.Sprintf("session %q cannot be removed: %d records belong to it; move them to another session first", sess.Key, n)})
		}
	}
	return catalog.InvalidFields(fields)
}

// DeleteEvent removes an event that no live record refers to.
func (s *Store) DeleteEvent(ctx context.Context, id string, ifVersion int) error {
	return s.writeTx(ctx, func(tx *sql.Tx) error {
		_, cur, err := findEvent(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkVersion("event", cur.version, ifVersion); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM records WHERE event = ? AND deleted IS NULL`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return catalog.Errorf(catalog.ECONFLICT, "Event %q still has %d records; move or delete them first.", id, n)
		}
		now := s.stamp()
		if _, err := tx.ExecContext(ctx, `UPDATE events SET deleted = ?, updated = ?, version = version + 1 WHERE id = ?`,
			formatTime(now), formatTime(now), id); err != nil {
			return err
		}
		return logChange(ctx, tx, catalog.EntityEvent, id, catalog.OpDelete, now, []byte(cur.doc), nil)
	})
}

