package export

import (
	"bufio"
	"io"
	"mime"
	"net/url"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
	"github.com/annals/annals/export/tagged"
)

// Format is one way records leave Annals and, where it has a reader,
// enter it: its name (the ?format= and --format value), what people call
// it, its media type and file extension, its writer and its reader. A
// format is one file here (format_*.go) and one line in Formats.
type Format struct {
	Name      string
	Label     string // what people read: BibTeX, RIS, Dublin Core
	MediaType string // the one it is written with
	Ext       string // file name extension, without the dot
	// newEncoder makes a writer of many records in one file; nil for a
	// format of one record per document.
	newEncoder func() encoder
	// writeOne writes a format of one record per document.
	writeOne func(w io.Writer, r *catalog.Record, ev *catalog.Event, recordURL string) error
	// Import reads the format; nil when records cannot be imported from it.
	Import *recordio.Format
}

// encoder writes a run of records; n counts the records written before.
type encoder interface {
	begin(w *bufio.Writer, widths recordio.Widths) error
	write(w *bufio.Writer, r *catalog.Record, ev *catalog.Event, n int, link FileLinker) error
	end(w *bufio.Writer) error
}

// Formats is the registry: every format Annals writes or reads, in the
// order they are offered.
func Formats() []Format {
	return []Format{jsonFormat(), bibtexFormat(), risFormat(), csljsonFormat(), csvFormat(), dcFormat(), ndjsonFormat()}
}

// FindFormat returns the format with the given name.
func FindFormat(name string) (Format, bool) {
	for _, f := range Formats() {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

// Streams reports whether the format holds many records in one file, so
// that a search, an event or a bundle can be exported in it.
func (f Format) Streams() bool { return f.newEncoder != nil }

// Writes reports whether one record can be written in the format.
func (f Format) Writes() bool { return f.newEncoder != nil || f.writeOne != nil }

// WriteRecord writes one record as a document of the format, with its
// event (nil for none) and the address of its page.
func (f Format) WriteRecord(w io.Writer, r *catalog.Record, ev *catalog.Event, recordURL string) error {
	if f.writeOne != nil {
		return f.writeOne(w, r, ev, recordURL)
	}
	bw := bufio.NewWriter(w)
	var widths recordio.Widths
	widths.Fit(r)
	enc := f.newEncoder()
	if err := enc.begin(bw, widths); err != nil {
		return err
	}
	var link FileLinker
	if recordURL != "" {
		link = func(_ *catalog.Record, f *catalog.File) string {
			if f == nil {
				return recordURL
			}
			return recordURL + "/files/" + url.PathEscape(f.Name)
		}
	}
	if err := enc.write(bw, r, ev, 0, link); err != nil {
		return err
	}
	if err := enc.end(bw); err != nil {
		return err
	}
	return bw.Flush()
}

// StreamNames are the names of the formats that hold many records.
func StreamNames() []string {
	var out []string
	for _, f := range Formats() {
		if f.Streams() {
			out = append(out, f.Name)
		}
	}
	return out
}

// RecordFormats are the formats one record is offered in, Annals' JSON
// first.
func RecordFormats() []Format {
	var out []Format
	for _, f := range Formats() {
		if f.Writes() && f.Name != "csv" && f.Name != "ndjson" { // a table or lines of one record help nobody
			out = append(out, f)
		}
	}
	return out
}

// ImportFormats are the formats records can be imported from.
func ImportFormats() []recordio.Format {
	var out []recordio.Format
	for _, f := range Formats() {
		if f.Import != nil {
			out = append(out, *f.Import)
		}
	}
	// formats Annals reads but does not write
	return append(out, tagged.Formats()...)
}

// FormatForMediaType finds the format a media type (an Accept entry, a
// Content-Type) names, among formats.
func FormatForMediaType(formats []Format, mediaType string) (Format, bool) {
	mt, _, err := mime.ParseMediaType(strings.TrimSpace(mediaType))
	if err != nil {
		return Format{}, false
	}
	for _, f := range formats {
		if f.MediaType == mt {
			return f, true
		}
	}
	return Format{}, false
}

// importFormat returns the reader named name of recordio's own formats.
func importFormat(name string) *recordio.Format {
	for _, f := range recordio.Formats() {
		if f.Name == name {
			return &f
		}
	}
	return nil
}
