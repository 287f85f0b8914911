package proceedings

import (
	"context"
	"fmt"
	"time"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/export/csl"
)

// Selection is what staff ask proceedings of: an event (or one of its
// sessions), or records by ID (the matches of a search, say).
type Selection struct {
	Event   string   `json:"event,omitempty"`
	Session string   `json:"session,omitempty"`
	IDs     []string `json:"ids,omitempty"`
	// Title overrides the proceedings' title.
	Title string `json:"title,omitempty"`
	// IncludeDrafts takes drafts and withdrawn records too; otherwise
	// only published ones.
	IncludeDrafts bool `json:"include_drafts,omitempty"`
}

// Validate checks that the selection asks for one thing.
func (s Selection) Validate() error {
	switch {
	case s.Event == "" && len(s.IDs) == 0:
		return &catalog.Error{Code: catalog.EINVALID, Message: "Say what the proceedings hold.",
			Fields: []catalog.FieldError{{Field: "event", Message: "give an event, a query or record ids"}}}
	case s.Event != "" && len(s.IDs) > 0:
		return &catalog.Error{Code: catalog.EINVALID, Message: "Give either an event or records, not both.",
			Fields: []catalog.FieldError{{Field: "ids", Message: "leave out when an event is given"}}}
	case s.Session != "" && s.Event == "":
		return &catalog.Error{Code: catalog.EINVALID, Message: "A session belongs to an event.",
			Fields: []catalog.FieldError{{Field: "session", Message: "needs event"}}}
	}
	return nil
}

// Source is what proceedings are made from: records and their events.
type Source interface {
	catalog.RecordReader
	catalog.EventReader
}

// Build reads the selected records from the store and arranges them as
// proceedings, with style for the "Cite as" lines (nil for none).
func Build(ctx context.Context, store Source, sel Selection, style *csl.Processor, now time.Time) (*Document, error) {
	if err := sel.Validate(); err != nil {
		return nil, err
	}
	var statuses []catalog.Status
	if !sel.IncludeDrafts {
		statuses = []catalog.Status{catalog.StatusPublished}
	}
	d := &Document{Title: sel.Title, Style: style, Generated: now}
	if style != nil {
		d.Language = style.Locale()
	}
	var records []catalog.Record
	if sel.Event != "" {
		ev, err := store.FindEventByID(ctx, sel.Event)
		if err != nil {
			return nil, err
		}
		d.Event = ev
		if sel.Session != "" {
			if _, ok := ev.FindSession(sel.Session); !ok {
				return nil, &catalog.Error{Code: catalog.EINVALID, Message: "No such session.",
					Fields: []catalog.FieldError{{Field: "session", Message: fmt.Sprintf("%q is not a session of %s", sel.Session, ev.ID)}}}
			}
		}
		f := catalog.RecordFilter{Event: sel.Event, Session: sel.Session, Statuses: statuses, Size: catalog.MaxPageSize}
		for {
			page, err := store.FindRecords(ctx, f)
			if err != nil {
				return nil, err
			}
			records = append(records, page.Records...)
			if page.Next == "" {
				break
			}
			f.After = page.Next
		}
	} else {
		found, err := store.FindRecordsByIDs(ctx, sel.IDs)
		if err != nil {
			return nil, err
		}
		if err := checkAllFound(sel.IDs, found); err != nil {
			return nil, err
		}
		events := map[string]bool{}
		for _, r := range found {
			if !sel.IncludeDrafts && r.Status != catalog.StatusPublished {
				continue
			}
			records = append(records, r)
			events[r.Event] = true
		}
		if len(events) == 1 { // all from one event: its programme orders them
			for id := range events {
				if id != "" {
					d.Event, _ = store.FindEventByID(ctx, id)
				}
			}
		}
	}
	if len(records) == 0 {
		msg := "The selection holds no published records."
		if sel.IncludeDrafts {
			msg = "The selection holds no records."
		}
		return nil, &catalog.Error{Code: catalog.EINVALID, Message: msg}
	}
	if sel.Session != "" && d.Event != nil {
		s, _ := d.Event.FindSession(sel.Session)
		if d.Title == "" {
			d.Session = s.Title
		}
	}
	d.Sections = Arrange(d.Event, records, "")
	return d, nil
}

// checkAllFound returns ENOTFOUND naming the first of ids that is not among
// the records found (deleted since it was chosen, or never there).
func checkAllFound(ids []string, found []catalog.Record) error {
	have := make(map[string]bool, len(found))
	for _, r := range found {
		have[r.ID] = true
	}
	for _, id := range ids {
		if !have[id] {
			return catalog.Errorf(catalog.ENOTFOUND, "There is no record %q (deleted since it was chosen?).", id)
		}
	}
	return nil
}
