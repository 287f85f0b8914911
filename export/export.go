// Package export writes records in the formats reference managers and
// libraries read: BibLaTeX, RIS, CSL-JSON, Dublin Core and CSV. Its
// subpackages hold each format; Writer streams many records in one.
package export

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/annals/annals/export/bibtex"
	"github.com/annals/annals/export/csljson"
	"github.com/annals/annals/export/ris"
)

// Format is a format records can be written in.
type Format struct {
	Name      string
	MediaType string
	Ext       string // file name extension, without the dot
}

// Formats lists every export format; the streaming ones are Streamable.
var formats = []Format{
	{"bibtex", "application/x-bibtex", "bib"},
	{"ris", "application/x-research-info-systems", "ris"},
	{"csl-json", "application/vnd.citationstyles.csl+json", "json"},
	{"csv", "text/csv", "csv"},
	{"dc", "application/xml", "xml"},
}

// Formats returns the export formats.
func Formats() []Format { return append([]Format(nil), formats...) }

// FindFormat returns the format with the given name.
func FindFormat(name string) (Format, bool) {
	for _, f := range formats {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

// StreamNames are the formats a Writer writes (Dublin Core is one record
// per document).
var StreamNames = []string{"bibtex", "ris", "csl-json", "csv"}

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
	format string
	w      *bufio.Writer
	events EventFinder
	csv    *recordio.CSVWriter
	n      int
}

// NewWriter returns a writer of the named format (one of StreamNames).
func NewWriter(format string, w io.Writer, events EventFinder) (*Writer, error) {
	found := false
	for _, n := range StreamNames {
		found = found || n == format
	}
	if !found {
		return nil, fmt.Errorf("format %q cannot be streamed; use %s", format, strings.Join(StreamNames, ", "))
	}
	return &Writer{format: format, w: bufio.NewWriterSize(w, 64<<10), events: events}, nil
}

// Begin writes what comes before the records. widths sizes the columns of
// a CSV file and must fit every record written (recordio.Widths.Fit).
func (x *Writer) Begin(widths recordio.Widths) error {
	switch x.format {
	case "csl-json":
		_, err := x.w.WriteString("[\n")
		return err
	case "csv":
		var err error
		x.csv, err = recordio.NewCSVWriter(x.w, widths)
		return err
	}
	return nil
}

// Write writes one record.
func (x *Writer) Write(ctx context.Context, r *catalog.Record) error {
	defer func() { x.n++ }()
	if x.format == "csv" {
		return x.csv.Write(r)
	}
	item := csljson.FromRecord(r, x.events(ctx, r.Event))
	switch x.format {
	case "bibtex":
		if x.n > 0 {
			x.w.WriteByte('\n')
		}
		_, err := x.w.WriteString(bibtex.Entry(item))
		return err
	case "ris":
		_, err := x.w.WriteString(ris.Record(item) + "\n")
		return err
	default: // csl-json
		if x.n > 0 {
			x.w.WriteString(",\n")
		}
		data, err := json.Marshal(item)
		if err != nil {
			return err
		}
		_, err = x.w.Write(data)
		return err
	}
}

// End writes what comes after the records and flushes.
func (x *Writer) End() error {
	switch x.format {
	case "csl-json":
		x.w.WriteString("\n]\n")
	case "csv":
		if err := x.csv.Flush(); err != nil {
			return err
		}
	}
	return x.w.Flush()
}

// Count is how many records were written.
func (x *Writer) Count() int { return x.n }

// ImportFormats are the file formats records can be imported from: JSON,
// NDJSON and CSV (catalog/recordio), BibTeX and RIS.
func ImportFormats() []recordio.Format {
	return append(recordio.Formats(), bibtex.ImportFormat(), ris.ImportFormat())
}

// RecordSource is what WriteRecords reads: records and their events.
type RecordSource interface {
	catalog.EventReader
	FindRecordsByIDs(ctx context.Context, ids []string) ([]catalog.Record, error)
}

// recordsPerRead is how many records WriteRecords reads at a time.
const recordsPerRead = 500

// WriteRecords writes the records with the given ids, in that order, in a
// streaming format, reading them a few hundred at a time; records deleted
// meanwhile, and those keep (when not nil) refuses, are left out. For CSV
// it reads the records twice: first to size the columns to the widest.
func WriteRecords(ctx context.Context, src RecordSource, format string, ids []string, keep func(*catalog.Record) bool, out io.Writer) (int, error) {
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
	if err := w.Begin(widths); err != nil {
		return 0, err
	}
	if err := each(func(r *catalog.Record) error { return w.Write(ctx, r) }); err != nil {
		return 0, err
	}
	return w.Count(), w.End()
}
