package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// The catalogue's write rules (normalising, validating, making ids,
// versions, the change log entry, which records harvesters see) live here,
// over Tx, the little a store's write transaction must offer. A store is
// then SQL and nothing else: its CreateRecord opens a transaction and calls
// CreateRecordIn.

// StoredDocument is the stored state of one record or event.
type StoredDocument struct {
	Version int
	// Revision is the change holding its current document (for a deleted
	// one, its last).
	Revision int64
	Doc      []byte
	// Deleted is when it was deleted; zero while it lives.
	Deleted time.Time
	// Exposed is true for a record that has been published at some time:
	// harvesters see it, as deleted if it is no longer published.
	Exposed bool
}

// Write is one change for a store to apply in its transaction: the
// entity's row and a row of the change log.
type Write struct {
	Entity string // EntityRecord or EntityEvent
	ID     string
	Op     string // OpCreate, OpUpdate or OpDelete
	Time   time.Time
	Actor  string
	// Prev is the revision of the entity's previous change, 0 for a create.
	Prev int64
	// Doc is the document after the change; nil for a delete.
	Doc     []byte
	Version int
	// Record is the record written (nil for events and deletes), for the
	// store's copies of the fields listings and harvests filter on.
	Record *Record
	// Exposed: harvesters see the record (once published, always).
	Exposed bool
}

// Tx is what the catalogue's rules need from one write transaction of a
// store. Its methods return only internal errors: the rules decide what is
// not found, taken or invalid.
type Tx interface {
	// Now is the time the transaction's writes are stamped with.
	Now() time.Time
	// FindDocument returns the stored state of a record or event, deleted
	// or not; nil if the id was never used.
	FindDocument(ctx context.Context, entity, id string) (*StoredDocument, error)
	// CountLiveRecords counts the live records of an event, or of one of
	// its sessions when session is not empty.
	CountLiveRecords(ctx context.Context, event, session string) (int, error)
	// Apply writes the change: the entity's row (inserted for a create,
	// updated otherwise, marked deleted for a delete) and a change log
	// row, whose revision it returns.
	Apply(ctx context.Context, w *Write) (int64, error)
	// FindRecordsWithKey returns the live records that have a duplicate
	// key (DuplicateKeys), written in this transaction or before.
	FindRecordsWithKey(ctx context.Context, key string) ([]string, error)
	// RestampEventRecords moves the harvest datestamp of an event's
	// records (those harvesters see) to Now: what they export changed.
	RestampEventRecords(ctx context.Context, event string) error
}

// ActorName is who the change log credits with a write made under ctx:
// the actor's name, or "system".
func ActorName(ctx context.Context) string {
	if a, ok := ActorFromContext(ctx); ok && a.Name != "" {
		return a.Name
	}
	return "system"
}

// findLive returns the stored state of a live record or event. ENOTFOUND,
// EGONE.
func findLive(ctx context.Context, tx Tx, entity, id string) (*StoredDocument, error) {
	cur, err := tx.FindDocument(ctx, entity, id)
	switch {
	case err != nil:
		return nil, err
	case cur == nil:
		return nil, Errorf(ENOTFOUND, "There is no %s %q.", entity, id)
	case !cur.Deleted.IsZero():
		return nil, Errorf(EGONE, "The %s %q was deleted on %s.", entity, id, cur.Deleted.Format(time.DateOnly))
	}
	return cur, nil
}

// checkIDFree returns ECONFLICT, naming the id field, if id is or was used.
func checkIDFree(ctx context.Context, tx Tx, entity, id string) error {
	cur, err := tx.FindDocument(ctx, entity, id)
	if err != nil || cur == nil {
		return err
	}
	why := fmt.Sprintf("is taken by another %s", entity)
	if !cur.Deleted.IsZero() {
		why = fmt.Sprintf("belonged to a %s deleted on %s; harvesters still know it, so choose another id",
			entity, cur.Deleted.Format(time.DateOnly))
	}
	return &Error{Code: ECONFLICT, Message: fmt.Sprintf("The id %q is taken.", id),
		Fields: []FieldError{{Field: "id", Message: fmt.Sprintf("%q %s", id, why)}}}
}

// checkVersion returns EPRECONDITION if ifVersion is set and is not current.
func checkVersion(entity string, current, ifVersion int) error {
	if ifVersion != 0 && ifVersion != current {
		return Errorf(EPRECONDITION,
			"The %s was changed since you read it: it is at version %d, you sent version %d. Reload it and apply your change again.",
			entity, current, ifVersion)
	}
	return nil
}

// insert stores v, a new record or event whose bookkeeping is bk.
func insert(ctx context.Context, tx Tx, w Write, v any, bk *Bookkeeping) error {
	if err := checkIDFree(ctx, tx, w.Entity, w.ID); err != nil {
		return err
	}
	now := tx.Now()
	*bk = Bookkeeping{Created: now, Updated: now, Version: 1}
	doc, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Op, w.Time, w.Actor, w.Doc, w.Version = OpCreate, now, ActorName(ctx), doc, 1
	_, err = tx.Apply(ctx, &w)
	return err
}

// replace makes v (bookkeeping bk) the current document in place of cur.
// A replacement identical to cur changes nothing and logs nothing.
func replace(ctx context.Context, tx Tx, w Write, cur *StoredDocument, v any, bk *Bookkeeping) error {
	if err := json.Unmarshal(cur.Doc, bk); err != nil { // keep the stored bookkeeping
		return err
	}
	doc, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if string(doc) == string(cur.Doc) {
		return nil
	}
	now := tx.Now()
	bk.Updated, bk.Version = now, cur.Version+1
	if doc, err = json.Marshal(v); err != nil {
		return err
	}
	w.Op, w.Time, w.Actor, w.Prev, w.Doc, w.Version = OpUpdate, now, ActorName(ctx), cur.Revision, doc, bk.Version
	_, err = tx.Apply(ctx, &w)
	return err
}

// remove leaves a tombstone: the row stays, marked deleted, still pointing
// at its last document so that harvesters can be told which sets it was in.
func remove(ctx context.Context, tx Tx, entity, id string, cur *StoredDocument) error {
	_, err := tx.Apply(ctx, &Write{Entity: entity, ID: id, Op: OpDelete, Time: tx.Now(), Actor: ActorName(ctx),
		Prev: cur.Revision, Version: cur.Version + 1, Exposed: cur.Exposed})
	return err
}

// eventLookup finds live events for validation, remembering each answer
// for the rest of the transaction (an import checks the same event
// thousands of times).
type eventLookup struct {
	tx     Tx
	events map[string]*Event // nil value: no such live event
}

func newEventLookup(tx Tx) *eventLookup { return &eventLookup{tx: tx, events: map[string]*Event{}} }

func (l *eventLookup) find(ctx context.Context, id string) (*Event, error) {
	if ev, ok := l.events[id]; ok {
		return ev, nil
	}
	ev, _, err := findEvent(ctx, l.tx, id)
	if err != nil && ErrorCode(err) == EINTERNAL {
		return nil, err
	}
	l.events[id] = ev
	return ev, nil
}

// findEvent returns a live event and its stored state. ENOTFOUND, EGONE.
func findEvent(ctx context.Context, tx Tx, id string) (*Event, *StoredDocument, error) {
	cur, err := findLive(ctx, tx, EntityEvent, id)
	if err != nil {
		return nil, nil, err
	}
	var e Event
	if err := json.Unmarshal(cur.Doc, &e); err != nil {
		return nil, nil, fmt.Errorf("event %s: %w", id, err)
	}
	return &e, cur, nil
}

// prepareRecord normalises and validates r against the live events.
func prepareRecord(ctx context.Context, events *eventLookup, r *Record) error {
	NormalizeRecord(r)
	var lookupErr error
	err := ValidateRecord(r, func(id string) (*Event, bool) {
		ev, err := events.find(ctx, id)
		if err != nil {
			lookupErr = err
		}
		return ev, ev != nil
	})
	if lookupErr != nil {
		return lookupErr
	}
	return err
}

// CreateRecordIn validates r and stores it as a new record in tx, filling
// its ID (when empty), Created, Updated and Version. EINVALID, ECONFLICT.
func CreateRecordIn(ctx context.Context, tx Tx, r *Record) error {
	return createRecord(ctx, tx, newEventLookup(tx), r)
}

func createRecord(ctx context.Context, tx Tx, events *eventLookup, r *Record) error {
	r.Files = nil // attached through the files endpoints, once the record exists
	return createRecordWithFiles(ctx, tx, events, r)
}

// createRecordWithFiles creates r with the files it lists, whose bytes are
// stored already (an import, ResolveImportFiles).
func createRecordWithFiles(ctx context.Context, tx Tx, events *eventLookup, r *Record) error {
	r.Merged, r.MergedInto = nil, "" // through MergeRecordsIn only
	for i := range r.Files {
		NormalizeFile(&r.Files[i])
	}
	if err := prepareRecord(ctx, events, r); err != nil {
		return err
	}
	if r.ID == "" {
		r.ID = NewID("record", r.Title)
	}
	return insert(ctx, tx, Write{Entity: EntityRecord, ID: r.ID, Record: r, Exposed: r.Status == StatusPublished}, r, &r.Bookkeeping)
}

// UpdateRecordIn replaces the record r.ID in tx when its version is
// ifVersion (0: any). A replacement identical to the stored record changes
// nothing and logs nothing. ENOTFOUND, EGONE, EINVALID, EPRECONDITION.
func UpdateRecordIn(ctx context.Context, tx Tx, r *Record, ifVersion int) error {
	cur, err := findLive(ctx, tx, EntityRecord, r.ID)
	if err != nil {
		return err
	}
	if err := checkVersion(EntityRecord, cur.Version, ifVersion); err != nil {
		return err
	}
	var stored Record
	if err := json.Unmarshal(cur.Doc, &stored); err != nil {
		return err
	}
	r.Files = stored.Files                     // changed through SetRecordFilesIn only
	r.Merged, r.MergedInto = stored.Merged, "" // through MergeRecordsIn only
	if err := prepareRecord(ctx, newEventLookup(tx), r); err != nil {
		return err
	}
	w := Write{Entity: EntityRecord, ID: r.ID, Record: r, Exposed: cur.Exposed || r.Status == StatusPublished}
	return replace(ctx, tx, w, cur, r, &r.Bookkeeping)
}

// SetRecordFilesIn changes the files of record id in tx, when its version
// is ifVersion (0: any): change gets the current files and returns the new
// list (or an error, which writes nothing). The record gets a new version
// and a change-log row like any change. It returns the record as stored.
// ENOTFOUND, EGONE, EPRECONDITION, EINVALID.
func SetRecordFilesIn(ctx context.Context, tx Tx, id string, ifVersion int, change func([]File) ([]File, error)) (*Record, error) {
	cur, err := findLive(ctx, tx, EntityRecord, id)
	if err != nil {
		return nil, err
	}
	if err := checkVersion(EntityRecord, cur.Version, ifVersion); err != nil {
		return nil, err
	}
	var r Record
	if err := json.Unmarshal(cur.Doc, &r); err != nil {
		return nil, err
	}
	files, err := change(slices.Clone(r.Files))
	if err != nil {
		return nil, err
	}
	for i := range files {
		NormalizeFile(&files[i])
	}
	var fe fieldErrors
	validateFiles(&fe, files)
	if err := InvalidFields(fe); err != nil {
		return nil, err
	}
	r.Files = files
	if len(r.Files) == 0 {
		r.Files = nil
	}
	w := Write{Entity: EntityRecord, ID: id, Record: &r, Exposed: cur.Exposed || r.Status == StatusPublished}
	if err := replace(ctx, tx, w, cur, &r, &r.Bookkeeping); err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteRecordIn deletes the record id in tx, leaving a tombstone, when its
// version is ifVersion (0: any). ENOTFOUND, EGONE, EPRECONDITION.
func DeleteRecordIn(ctx context.Context, tx Tx, id string, ifVersion int) error {
	cur, err := findLive(ctx, tx, EntityRecord, id)
	if err != nil {
		return err
	}
	if err := checkVersion(EntityRecord, cur.Version, ifVersion); err != nil {
		return err
	}
	return remove(ctx, tx, EntityRecord, id, cur)
}

// CreateEventIn validates e and stores it as a new event in tx. EINVALID,
// ECONFLICT.
func CreateEventIn(ctx context.Context, tx Tx, e *Event) error {
	NormalizeEvent(e)
	if err := ValidateEvent(e); err != nil {
		return err
	}
	if e.ID == "" {
		e.ID = NewID("event", e.Name)
	}
	return insert(ctx, tx, Write{Entity: EntityEvent, ID: e.ID}, e, &e.Bookkeeping)
}

// UpdateEventIn replaces an event in tx when its version is ifVersion (0:
// any). Removing a session that live records belong to is refused, naming
// the session. ENOTFOUND, EGONE, EINVALID, EPRECONDITION.
func UpdateEventIn(ctx context.Context, tx Tx, e *Event, ifVersion int) error {
	NormalizeEvent(e)
	if err := ValidateEvent(e); err != nil {
		return err
	}
	old, cur, err := findEvent(ctx, tx, e.ID)
	if err != nil {
		return err
	}
	if err := checkVersion(EntityEvent, cur.Version, ifVersion); err != nil {
		return err
	}
	var fields []FieldError
	for _, sess := range old.Sessions {
		if slices.ContainsFunc(e.Sessions, func(n Session) bool { return n.Key == sess.Key }) {
			continue
		}
		n, err := tx.CountLiveRecords(ctx, e.ID, sess.Key)
		if err != nil {
			return err
		}
		if n > 0 {
			fields = append(fields, FieldError{Field: "sessions",
				Message: fmt.Sprintf("session %q cannot be removed: %d records belong to it; move them to another session first", sess.Key, n)})
		}
	}
	if err := InvalidFields(fields); err != nil {
		return err
	}
	if err := replace(ctx, tx, Write{Entity: EntityEvent, ID: e.ID}, cur, e, &e.Bookkeeping); err != nil {
		return err
	}
	// the records' Dublin Core carries the event: harvesters hear of them again
	return tx.RestampEventRecords(ctx, e.ID)
}

// DeleteEventIn deletes an event that no live record refers to, leaving a
// tombstone. ECONFLICT while records refer to it; ENOTFOUND, EGONE,
// EPRECONDITION.
func DeleteEventIn(ctx context.Context, tx Tx, id string, ifVersion int) error {
	_, cur, err := findEvent(ctx, tx, id)
	if err != nil {
		return err
	}
	if err := checkVersion(EntityEvent, cur.Version, ifVersion); err != nil {
		return err
	}
	n, err := tx.CountLiveRecords(ctx, id, "")
	if err != nil {
		return err
	}
	if n > 0 {
		return Errorf(ECONFLICT, "Event %q still has %d records; move or delete them first.", id, n)
	}
	return remove(ctx, tx, EntityEvent, id, cur)
}
