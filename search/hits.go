package search

import (
	"context"
	"slices"

	"github.com/annals/annals/catalog"
)

// Found is a hit with its record as the store holds it now.
type Found struct {
	Hit
	Record *catalog.Record
}

// Visible reports whether a record, as the store holds it now, may be
// shown to a searcher with these filters: its current status must be one
// the searcher may see. The index can lag behind the store (and answers
// from its old copy during a rebuild), so a record it still finds as
// published may have become a draft since.
func (f Filters) Visible(r *catalog.Record) bool {
	if len(f.Statuses) == 0 {
		return r.Status == catalog.StatusPublished
	}
	return slices.Contains(f.Statuses, r.Status)
}

// LoadHits reads the records of hits from the store in one read and
// returns them in the hits' order. A record deleted since the index last
// caught up, or no longer visible under f, is left out. Every path that
// shows search results (the API, the pages, exports) loads them here.
func (ix *Index) LoadHits(ctx context.Context, f Filters, hits []Hit) ([]Found, error) {
	if len(hits) == 0 {
		return []Found{}, nil
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	records, err := ix.records.FindRecordsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*catalog.Record, len(records))
	for i := range records {
		byID[records[i].ID] = &records[i]
	}
	out := make([]Found, 0, len(hits))
	for _, h := range hits {
		if r := byID[h.ID]; r != nil && f.Visible(r) {
			out = append(out, Found{Hit: h, Record: r})
		}
	}
	return out, nil
}
