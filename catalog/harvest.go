package catalog

import (
	"context"
	"time"
)

// HarvestStore serves harvesters (OAI-PMH): every record that has ever
// been published, in datestamp order, with the ones deleted or no longer
// published reported as deleted.
type HarvestStore interface {
	// FindHarvestItems returns up to f.Limit items in datestamp order.
	// EMALFORMED for a bad position (BadCursor).
	FindHarvestItems(ctx context.Context, f HarvestFilter) ([]HarvestItem, error)
	// CountHarvestItems counts the items f selects, ignoring After and Limit.
	CountHarvestItems(ctx context.Context, f HarvestFilter) (int, error)
	// FindHarvestItem returns one item. ENOTFOUND if the record was never
	// published.
	FindHarvestItem(ctx context.Context, id string) (*HarvestItem, error)
	// EarliestDatestamp is the datestamp of the oldest item (the zero time
	// when there is none).
	EarliestDatestamp(ctx context.Context) (time.Time, error)
}

// HarvestFilter selects harvest items. Zero fields do not filter.
type HarvestFilter struct {
	From   time.Time // datestamp at or after
	Before time.Time // datestamp strictly before
	Kind   Kind
	Event  string // "*": any event
	Topic  string // "*": any topic
	// After is the Position of the last item already delivered.
	After string
	Limit int
}

// HarvestItem is one record as a harvester sees it.
type HarvestItem struct {
	// Record is the record as last published or changed; for a deleted
	// record, as it was when it was deleted.
	Record Record
	// Deleted is true when the record was deleted or is no longer
	// published.
	Deleted bool
	// Datestamp is when the record last changed (or was deleted).
	Datestamp time.Time
	// Position marks the item in datestamp order, for paging.
	Position string
}

// HarvestedAsDeleted is the rule harvesters see records by: a record once
// published stays in the harvest, reported as deleted when it was deleted
// or is no longer published (a draft never published is never shown).
func HarvestedAsDeleted(status Status, deleted bool) bool {
	return deleted || status != StatusPublished
}
