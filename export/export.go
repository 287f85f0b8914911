// Package export writes records in the formats reference managers and
// libraries read: BibLaTeX, RIS, CSL-JSON, Dublin Core, CSV and Annals'
// own JSON. Its subpackages hold each format's writer and reader; the
// registry (Formats, one file per format here) is what the API, the pages,
// the command line and the OpenAPI description offer; Writer streams many
// records in one.
package export

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
)

// EventFinder returns an event by id, nil when there is none.
type EventFinder func(ctx context.Context, id string) *catalog.Event

// CachedEvents wraps a store's event lookup so that each event is read once.
func CachedEvents(s catalog.EventReader) EventFinder {
	cache := map[string]*catalog.Event{}
	return func(ctx context.Context, id string) *catalog.Event {
		if id == "" {
			return nil
		}
		if ev, ok := cache[id]; ok {
			return ev
		}
		ev, err := s.FindEventByID(ctx, id)
		if err != nil {
			ev = nil
		}
		cache[id] = ev
		return ev
	}
}

// Writer streams records in one format, one at a time, so that exports of
// any size use little memory. Call Begin, Write for each record, then End.
type Writer struct {
	enc    encoder
	w      *bufio.Writer
	events EventFinder
	n      int
	link   FileLinker // where records' open files are linked; none when nil
}

// LinkTo makes the writer link each record's open files at its page under
// base (https://annals.example.org), where the format can hold links; no
// links when base is empty.
func (x *Writer) LinkTo(base string) {
	x.link = nil
	if base != "" {
		x.link = AtRecordPages(strings.TrimSuffix(base, "/"))
	}
}

// LinkFiles makes the writer link each record's open files where link says.
func (x *Writer) LinkFiles(link FileLinker) { x.link = link }

// NewWriter returns a writer of the named format, one that holds many
// records (Format.Streams).
func NewWriter(format string, w io.Writer, events EventFinder) (*Writer, error) {
	f, ok := FindFormat(format)
	if !ok || !f.Streams() {
		return nil, fmt.Errorf("format %q cannot be streamed; use %s", format, strings.Join(StreamNames(), ", "))
	}
	return &Writer{enc: f.newEncoder(), w: bufio.NewWriterSize(w, 64<<10), events: events}, nil
}

// Begin writes what comes before the records. widths sizes the columns of
// a CSV file and must fit every record written (recordio.Widths.Fit).
func (x *Writer) Begin(widths recordio.Widths) error { return x.enc.begin(x.w, widths) }

// Write writes one record.
func (x *Writer) Write(ctx context.Context, r *catalog.Record) error {
	var ev *catalog.Event
	if x.events != nil {
		ev = x.events(ctx, r.Event)
	}
	err := x.enc.write(x.w, r, ev, x.n, x.link)
	x.n++
	return err
}

// End writes what comes after the records and flushes.
func (x *Writer) End() error {
	if err := x.enc.end(x.w); err != nil {
		return err
	}
	return x.w.Flush()
}

// Count is how many records were written.
func (x *Writer) Count() int { return x.n }

// RecordSource is what WriteRecords reads: records and their events.
type RecordSource interface {
	catalog.EventReader
	FindRecordsByIDs(ctx context.Context, ids []string) ([]catalog.Record, error)
}

// recordsPerRead is how many records WriteRecords reads at a time.
const recordsPerRead = 500

// WriteRecords writes the records with the given ids, in that order, in a
// streaming format, reading them a few hundred at a time; records deleted
// meanwhile, and those keep (when not nil) refuses, are left out; base,
// when not empty, is the site's address to link records' files at. For
// CSV it reads the records twice: first to size the columns to the widest.
func WriteRecords(ctx context.Context, src RecordSource, format string, ids []string, keep func(*catalog.Record) bool, base string, out io.Writer) (int, error) {
	each := func(fn func(*catalog.Record) error) error {
		for start := 0; start < len(ids); start += recordsPerRead {
			records, err := src.FindRecordsByIDs(ctx, ids[start:min(start+recordsPerRead, len(ids))])
			if err != nil {
				return err
			}
			for i := range records {
				if keep != nil && !keep(&records[i]) {
					continue
				}
				if err := fn(&records[i]); err != nil {
					return err
				}
			}
		}
		return nil
	}
	var widths recordio.Widths
	if format == "csv" {
		if err := each(func(r *catalog.Record) error { widths.Fit(r); return nil }); err != nil {
			return 0, err
		}
	}
	w, err := NewWriter(format, out, CachedEvents(src))
	if err != nil {
		return 0, err
	}
	w.LinkTo(base)
	if err := w.Begin(widths); err != nil {
		return 0, err
	}
	if err := each(func(r *catalog.Record) error { return w.Write(ctx, r) }); err != nil {
		return 0, err
	}
	return w.Count(), w.End()
}
