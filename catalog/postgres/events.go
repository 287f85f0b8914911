package postgres

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/annals/annals/catalog"
)

// FindEventByID returns an event. ENOTFOUND, EGONE.
func (s *Store) FindEventByID(ctx context.Context, id string) (*catalog.Event, error) {
	doc, err := findLiveDoc(ctx, s, catalog.EntityEvent, id)
	if err != nil {
		return nil, err
	}
	var e catalog.Event
	if err := unmarshalDoc(catalog.EntityEvent, id, doc, &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// FindEvents returns every live event, earliest start first.
func (s *Store) FindEvents(ctx context.Context) ([]catalog.Event, error) {
	rows, err := s.query(ctx, `SELECT c.doc FROM events e JOIN changes c ON c.revision = e.rev
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
	return s.writeTx(ctx, func(t *txn) error { return catalog.CreateEventIn(ctx, t, e) })
}

// UpdateEvent replaces an event.
func (s *Store) UpdateEvent(ctx context.Context, e *catalog.Event, ifVersion int) error {
	return s.writeTx(ctx, func(t *txn) error { return catalog.UpdateEventIn(ctx, t, e, ifVersion) })
}

// DeleteEvent deletes an event that no live record refers to.
func (s *Store) DeleteEvent(ctx context.Context, id string, ifVersion int) error {
	return s.writeTx(ctx, func(t *txn) error { return catalog.DeleteEventIn(ctx, t, id, ifVersion) })
}
