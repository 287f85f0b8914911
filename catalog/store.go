package catalog

import (
	"context"
	"encoding/json"
	"time"
)

// Store is the catalogue's source of truth. Every write validates its input
// (NormalizeRecord, ValidateRecord) and commits the change and a ChangeLog
// row in one transaction; nothing is half-written. Errors are *Error values
// with the codes listed on each method; any other error is EINTERNAL.
//
// Consumers ask for the part they use (a RecordReader to make proceedings,
// a TokenStore to check credentials), not for the whole Store. Operational
// state that is not the catalogue (export jobs, backups) is not part of
// it: see ExportJobStore.
type Store interface {
	RecordStore
	EventStore
	ChangeLog
	TokenStore
	WebSessionStore
	HarvestStore
	FileAnalyses
	DuplicateFinder
	Close() error
}

// Leader is implemented by a store that several nodes share: some work
// must run on one node at a time (reading newly attached files follows one
// shared cursor). Where a store has one process, the work simply runs.
type Leader interface {
	// WhileLeader waits until this process holds the lead for name, then
	// runs fn with a context that ends if the lead is lost (the
	// database connection holding it broke). It returns fn's error, or
	// ctx's when ctx ends first.
	WhileLeader(ctx context.Context, name string, fn func(context.Context) error) error
}

// NodeReport is what a node sharing the catalogue says about itself.
type NodeReport struct {
	Name    string `json:"name"`
	URL     string `json:"url"`
	Version string `json:"version"`
	// Revision is the last change its search index has applied.
	Revision int64     `json:"revision"`
	Started  time.Time `json:"started"`
	Seen     time.Time `json:"seen"` // when it last reported (the store's clock)
}

// NodeRegistry is implemented by a store that several nodes share: each
// node reports itself now and then, so that an operator sees which nodes
// run and how far each has followed the change log.
type NodeRegistry interface {
	// ReportNode records r (Seen is set by the store).
	ReportNode(ctx context.Context, r NodeReport) error
	// FindNodes lists the nodes that reported, the most recently seen first.
	FindNodes(ctx context.Context) ([]NodeReport, error)
}

// FailureCounter is implemented by a store that several nodes share: it
// counts failed credentials (wrong tokens, failed sign-ins) per client
// address for all of them, so that a client guessing tokens is slowed down
// by every node together. Each client has a bucket of burst attempts,
// refilled by one every refill; the store's clock is the one that counts.
type FailureCounter interface {
	// FailureCredit is how many failed attempts client has left now (burst
	// when it has failed none lately).
	FailureCredit(ctx context.Context, client string, burst int, refill time.Duration) (float64, error)
	// RecordFailure takes one attempt from client's bucket; buckets full
	// again are forgotten on the way.
	RecordFailure(ctx context.Context, client string, burst int, refill time.Duration) error
}

// DuplicateFinder finds the records of the catalogue that are the same work
// as each other (DuplicateKeys).
type DuplicateFinder interface {
	// FindDuplicateGroups lists up to limit groups of live records that
	// share a duplicate key, the oldest records first in each group and
	// the groups in the order of their first records.
	FindDuplicateGroups(ctx context.Context, limit int) ([]DuplicateGroup, error)
}

// DuplicateGroup is records that are the same work: Why says what they
// share ("the same DOI", "the same title, year and first contributor").
type DuplicateGroup struct {
	Why string   `json:"why"`
	IDs []string `json:"ids"`
}

// RecordReader reads records.
type RecordReader interface {
	// FindRecordByID returns a record. ENOTFOUND if there never was one,
	// EGONE if it was deleted.
	FindRecordByID(ctx context.Context, id string) (*Record, error)
	// FindRecordsByIDs returns, in one read, the live records among ids in
	// the order of ids (any status). Ids never used or deleted are left
	// out; an id given twice is returned once.
	FindRecordsByIDs(ctx context.Context, ids []string) ([]Record, error)
	// FindRecords lists records newest first. EMALFORMED for a bad cursor
	// (BadCursor).
	FindRecords(ctx context.Context, filter RecordFilter) (*RecordPage, error)
	// CountRecords returns how many live records (any status) there are.
	CountRecords(ctx context.Context) (int, error)
}

// RecordWriter writes records.
type RecordWriter interface {
	// CreateRecord stores a new record, filling ID (when empty), Created,
	// Updated and Version. EINVALID, ECONFLICT if the id is taken.
	CreateRecord(ctx context.Context, r *Record) error
	// UpdateRecord replaces the record with r.ID when its version is
	// ifVersion (0: any). ENOTFOUND, EGONE, EINVALID, EPRECONDITION.
	UpdateRecord(ctx context.Context, r *Record, ifVersion int) error
	// DeleteRecord removes a record and leaves a tombstone, when its version
	// is ifVersion (0: any). ENOTFOUND, EGONE, EPRECONDITION.
	DeleteRecord(ctx context.Context, id string, ifVersion int) error
	// ImportRecords creates many records; see ImportOptions for dry runs and
	// all-or-nothing imports. The report has one entry per item.
	ImportRecords(ctx context.Context, items []ImportItem, opts ImportOptions) (*ImportReport, error)
	// ImportRecordsFrom is ImportRecords with the items taken from src as
	// it reads them (ImportRecordsFromIn): a batch at a time in memory.
	ImportRecordsFrom(ctx context.Context, src ImportSource, opts ImportOptions) (*ImportReport, error)
	// SetRecordFiles changes a record's files (SetRecordFilesIn) and
	// returns the record as stored. ENOTFOUND, EGONE, EPRECONDITION,
	// EINVALID, and whatever change returns.
	SetRecordFiles(ctx context.Context, id string, ifVersion int, change func([]File) ([]File, error)) (*Record, error)
	// ChangeRecords publishes, withdraws or deletes records, all or none
	// (ChangeRecordsIn).
	ChangeRecords(ctx context.Context, ids []string, action string) (*BulkReport, error)
	// MergeRecords merges the record fromID into r.ID (MergeRecordsIn).
	// ENOTFOUND, EGONE, EINVALID, EPRECONDITION.
	MergeRecords(ctx context.Context, r *Record, ifVersion int, fromID string, fromVersion int) error
}

// RecordStore holds records.
type RecordStore interface {
	RecordReader
	RecordWriter
}

// EventReader reads events.
type EventReader interface {
	// FindEventByID returns an event. ENOTFOUND, EGONE.
	FindEventByID(ctx context.Context, id string) (*Event, error)
	// FindEvents returns every live event, earliest start first.
	FindEvents(ctx context.Context) ([]Event, error)
}

// EventStore holds events and their sessions.
type EventStore interface {
	EventReader
	// CreateEvent stores a new event. EINVALID, ECONFLICT.
	CreateEvent(ctx context.Context, e *Event) error
	// UpdateEvent replaces an event when its version is ifVersion (0: any).
	// EINVALID also when a session still used by records is removed.
	// ENOTFOUND, EGONE, EPRECONDITION.
	UpdateEvent(ctx context.Context, e *Event, ifVersion int) error
	// DeleteEvent removes an event. ECONFLICT while records refer to it.
	// ENOTFOUND, EGONE, EPRECONDITION.
	DeleteEvent(ctx context.Context, id string, ifVersion int) error
}

// Entity types in the change log. A file's entry (its id the bytes'
// SHA-256) says that Annals has read the bytes (FileAnalyses), so that the
// search index, which follows the log, indexes their text; it belongs to no
// record's history.
const (
	EntityRecord = "record"
	EntityEvent  = "event"
	EntityFile   = "file"
)

// Operations in the change log.
const (
	OpCreate   = "create"
	OpUpdate   = "update"
	OpDelete   = "delete"
	OpAnalyzed = "analyzed" // a file's bytes were read (EntityFile)
)

// Change is one row of the change log: the revision is a strictly
// increasing number that the search index and harvesters follow.
type Change struct {
	Revision int64           `json:"revision"`
	Entity   string          `json:"entity"`
	EntityID string          `json:"id"`
	Op       string          `json:"operation"`
	Time     time.Time       `json:"time"`
	Actor    string          `json:"actor"`
	Before   json.RawMessage `json:"before,omitempty"`
	After    json.RawMessage `json:"after,omitempty"`
}

// ChangeLog is the ordered feed of every write.
//
// Changes become visible in revision order: once a reader sees revision n,
// every change with a lower revision is visible too and none will ever
// appear below n. A follower can therefore keep one number, the last
// revision it applied, and never skip a change by moving past it. (SQLite's
// single writer gives this for free; a store whose sequence can commit out
// of order must hold back what is above a still-open transaction.)
type ChangeLog interface {
	// FindChanges returns up to limit changes with revisions above after,
	// in revision order.
	FindChanges(ctx context.Context, after int64, limit int) ([]Change, error)
	// WaitForChanges returns nil once the log holds a revision above
	// after, at once if it already does, and ctx.Err() if ctx is done
	// first. Followers (the search index, text extraction, harvest caches)
	// wait here instead of being woken by whoever wrote.
	WaitForChanges(ctx context.Context, after int64) error
	// FindEntityHistory returns every change to one record or event, oldest
	// first. ENOTFOUND if there were none.
	FindEntityHistory(ctx context.Context, entity, id string) ([]Change, error)
	// LatestRevision returns the newest revision, 0 for an empty log.
	LatestRevision(ctx context.Context) (int64, error)
	// FindCurrentRecords returns, for up to limit live records (any
	// status) after position after, the change that holds each one's
	// current document, in the order the records were created, and the
	// position of the last one (to pass as after; 0 starts). It is for
	// rebuilding what is derived from the store without replaying history.
	FindCurrentRecords(ctx context.Context, after int64, limit int) ([]Change, int64, error)
}

// Actor is who makes a change: the name of the token, or of the command.
type Actor struct {
	Name string
	Role Role
}

type actorKey struct{}

// NewContextWithActor returns a context that attributes writes to a.
func NewContextWithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFromContext returns the actor of ctx; ok is false if there is none.
func ActorFromContext(ctx context.Context) (a Actor, ok bool) {
	a, ok = ctx.Value(actorKey{}).(Actor)
	return a, ok
}
