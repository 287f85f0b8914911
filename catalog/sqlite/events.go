package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/annals/annals/catalog"
)

// findEvent returns the live event id. ENOTFOUND, EGONE.
func findEvent(ctx context.Context, q querier, id string) (*catalog.Event, *currentRow, error) {
	cur, err := findCurrent(ctx, q, eventTable, id)
	if err != nil {
		return nil, nil, err
	}
	var e catalog.Event
	if err := json.Unmarshal([]byte(cur.doc), &e); err != nil {
		return nil, nil, fmt.Errorf("event %s: %w", id, err)
	}
	return &e, cur, nil
}

// FindEventByID returns an event. ENOTFOUND, EGONE.
func (s *Store) FindEventByID(ctx context.Context, id string) (*catalog.Event, error) {
	e, _, err := findEvent(ctx, s.read, id)
	return e, err
}

// FindEvents returns every live event, earliest start first.
func (s *Store) FindEvents(ctx context.Context) ([]catalog.Event, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT c.doc FROM events e JOIN changes c ON c.revision = e.rev
		WHERE e.deleted IS NULL`)
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
	return s.writeTx(ctx, func(t *txn) error {
		return s.insertDocument(ctx, t, eventTable, e.ID, e, &e.Bookkeeping, columns{})
	})
}

// UpdateEvent replaces an event. Removing a session that records still
// belong to is refused, naming the session.
func (s *Store) UpdateEvent(ctx context.Context, e *catalog.Event, ifVersion int) error {
	catalog.NormalizeEvent(e)
	if err := catalog.ValidateEvent(e); err != nil {
		return err
	}
	return s.writeTx(ctx, func(t *txn) error {
		old, cur, err := findEvent(ctx, t, e.ID)
		if err != nil {
			return err
		}
		if err := checkVersion(eventTable, cur.version, ifVersion); err != nil {
			return err
		}
		if err := checkRemovedSessions(ctx, t, old, e); err != nil {
			return err
		}
		return s.replaceDocument(ctx, t, eventTable, e.ID, cur, e, &e.Bookkeeping, columns{})
	})
}

func checkRemovedSessions(ctx context.Context, t *txn, old, e *catalog.Event) error {
	var fields []catalog.FieldError
	for _, sess := range old.Sessions {
		if slices.ContainsFunc(e.Sessions, func(n catalog.Session) bool { return n.Key == sess.Key }) {
			continue
		}
		var n int
		if err := t.QueryRowContext(ctx, `SELECT count(*) FROM records WHERE event = ? AND session = ? AND deleted IS NULL`,
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

// DeleteEvent deletes an event that no live record refers to, leaving a
// tombstone.
func (s *Store) DeleteEvent(ctx context.Context, id string, ifVersion int) error {
	return s.writeTx(ctx, func(t *txn) error {
		_, cur, err := findEvent(ctx, t, id)
		if err != nil {
			return err
		}
		if err := checkVersion(eventTable, cur.version, ifVersion); err != nil {
			return err
		}
		var n int
		if err := t.QueryRowContext(ctx, `SELECT count(*) FROM records WHERE event = ? AND deleted IS NULL`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return catalog.Errorf(catalog.ECONFLICT, "Event %q still has %d records; move or delete them first.", id, n)
		}
		return s.deleteDocument(ctx, t, eventTable, id, cur)
	})
}
