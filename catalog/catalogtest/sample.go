package catalogtest

import (
	"context"
	"encoding/json"
	"io/fs"
	"testing"

	"github.com/annals/annals/assets"
	"github.com/annals/annals/catalog"
)

// Sample returns the shipped sample catalogue (the Jinan 2025 conference):
// its events and its records, as the file holds them.
func Sample(tb testing.TB) ([]catalog.Event, []catalog.Record) {
	tb.Helper()
	data, err := fs.ReadFile(assets.FS(), assets.SamplePath)
	if err != nil {
		tb.Fatal(err)
	}
	var f struct {
		Events  []catalog.Event
		Records []catalog.Record
	}
	if err := json.Unmarshal(data, &f); err != nil {
		tb.Fatal(err)
	}
	return f.Events, f.Records
}

// LoadSample puts the sample catalogue in a store: its events, then its
// records in one all-or-nothing import.
func LoadSample(tb testing.TB, s catalog.Store) {
	tb.Helper()
	events, records := Sample(tb)
	ctx := context.Background()
	for i := range events {
		if err := s.CreateEvent(ctx, &events[i]); err != nil {
			tb.Fatal(err)
		}
	}
	items := make([]catalog.ImportItem, len(records))
	for i := range records {
		items[i] = catalog.ImportItem{Index: i, Record: records[i]}
	}
	if _, err := s.ImportRecords(ctx, items, catalog.ImportOptions{Atomic: true, OnDuplicate: catalog.DuplicateCreate}); err != nil {
		tb.Fatal(err)
	}
}
