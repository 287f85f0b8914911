package recordio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/annals/annals/catalog"
)

// Format is a file format records can be imported from.
type Format struct {
	Name       string   // short name: json, ndjson, csv, bibtex, ris
	MediaTypes []string // the first is canonical
	Extensions []string // with the dot
	// Read parses a whole file. A file that cannot be read as a whole (bad
	// syntax, bad encoding, a ragged CSV row) is EMALFORMED and yields no
	// items; an item that is readable but of the wrong shape carries its
	// errors in ImportItem.Errors.
	Read func(data []byte) ([]catalog.ImportItem, error)
	// Stream, when set, reads as Read does from r, handing over each item
	// as it is read, so that neither the file nor its items need be held
	// whole; it stops at yield's first error. A malformed file may be
	// found so only after some items were handed over.
	Stream func(r io.Reader, yield func(catalog.ImportItem) error) error
}

// Formats returns the formats this package reads.
func Formats() []Format {
	return []Format{
		{Name: "json", MediaTypes: []string{"application/json"}, Extensions: []string{".json"}, Read: ReadJSON},
		{Name: "ndjson", MediaTypes: []string{"application/x-ndjson", "application/jsonl", "application/x-jsonlines"},
			Extensions: []string{".ndjson", ".jsonl"}, Read: ReadNDJSON, Stream: StreamNDJSON},
		{Name: "csv", MediaTypes: []string{"text/csv"}, Extensions: []string{".csv"}, Read: ReadCSV},
	}
}

// Opener opens an import's records file, each time from its beginning.
type Opener func() (io.ReadCloser, error)

// BytesOpener opens data.
func BytesOpener(data []byte) Opener {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
}

// FileOpener opens the file at path.
func FileOpener(path string) Opener {
	return func() (io.ReadCloser, error) { return os.Open(path) }
}

// Source is the items of the file open opens, in the format, as an
// import source: read as they are imported when the format streams,
// else read whole first.
func (f Format) Source(open Opener) catalog.ImportSource {
	return func(yield func(catalog.ImportItem) error) error {
		r, err := open()
		if err != nil {
			return err
		}
		defer r.Close()
		if f.Stream != nil {
			return f.Stream(r, yield)
		}
		data, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		items, err := f.Read(data)
		if err != nil {
			return err
		}
		return catalog.ItemsSource(items)(yield)
	}
}

// ImportSource is the file's items to import with opts. An import that
// commits as it goes (neither a dry run nor atomic) reads a streaming
// format through once first (Check): a malformed file is refused before
// anything is written. A dry run or an atomic import runs in one
// transaction, which a malformed file rolls back.
func (f Format) ImportSource(open Opener, opts catalog.ImportOptions) (catalog.ImportSource, error) {
	src := f.Source(open)
	if f.Stream != nil && !opts.DryRun && !opts.Atomic {
		if err := src(func(catalog.ImportItem) error { return nil }); err != nil {
			return nil, err
		}
	}
	return src, nil
}

// FormatForMediaType finds the format of a Content-Type header value.
func FormatForMediaType(formats []Format, contentType string) (Format, bool) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return Format{}, false
	}
	for _, f := range formats {
		for _, m := range f.MediaTypes {
			if m == mt {
				return f, true
			}
		}
	}
	return Format{}, false
}

// FormatForFile finds the format of a file by its extension.
func FormatForFile(formats []Format, name string) (Format, bool) {
	ext := strings.ToLower(filepath.Ext(name))
	for _, f := range formats {
		for _, e := range f.Extensions {
			if e == ext {
				return f, true
			}
		}
	}
	return Format{}, false
}

var bom = []byte("\xef\xbb\xbf")

// ReadJSON reads a JSON array of records (a single object is read as one
// record).
func ReadJSON(data []byte) ([]catalog.ImportItem, error) {
	if err := CheckUTF8(data); err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, bom)
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, malformed("The file is empty; send a JSON array of records.", nil)
	}
	if trimmed[0] == '{' {
		item, err := readItem(data, 0, 1)
		if err != nil {
			return nil, err
		}
		return []catalog.ImportItem{item}, nil
	}
	if trimmed[0] != '[' {
		v, err := parseJSON(data)
		if err != nil {
			return nil, err
		}
		return nil, malformed(fmt.Sprintf("The file must be a JSON array of records, not %s.", jsonKind(v)), nil)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		return nil, syntaxError(data, err, dec.InputOffset())
	}
	var items []catalog.ImportItem
	for dec.More() {
		start := int(dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, syntaxError(data, err, dec.InputOffset())
		}
		// InputOffset before Decode points at the separator; the item
		// starts at its first non-space byte after it.
		rel := bytes.IndexFunc(data[start:], func(r rune) bool { return !strings.ContainsRune(" \t\r\n,", r) })
		line, _ := position(data, start+max(rel, 0))
		item, err := readItem(raw, len(items), line)
		if err != nil {
			return nil, err
		}
		items = append(items, item)
	}
	if _, err := dec.Token(); err != nil { // the closing bracket
		return nil, syntaxError(data, err, dec.InputOffset())
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := position(data, int(dec.InputOffset()))
		return nil, malformed(fmt.Sprintf("Line %d, column %d: unexpected data after the array.", line, col), nil)
	}
	return items, nil
}

// readItem turns one JSON value into an import item; shape problems become
// the item's errors, syntax problems an error for the whole file.
func readItem(raw []byte, index, line int) (catalog.ImportItem, error) {
	item := catalog.ImportItem{Index: index, Line: line}
	v, err := parseJSON(raw)
	if err != nil {
		return item, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		item.Errors = []catalog.FieldError{{Message: "must be a JSON object describing a record, not " + jsonKind(v)}}
		return item, nil
	}
	if id, ok := obj["id"].(string); ok {
		item.Record.ID = id
	}
	checkShape("", v, reflect.TypeOf(recordInput{}), &item.Errors)
	if len(item.Errors) > 0 {
		return item, nil
	}
	var in recordInput
	if err := json.Unmarshal(raw, &in); err != nil {
		item.Errors = []catalog.FieldError{{Message: err.Error()}}
		return item, nil
	}
	item.Record, item.Files = in.Record, in.importFiles()
	return item, nil
}

// ReadNDJSON reads one JSON record per line; blank lines are skipped.
func ReadNDJSON(data []byte) ([]catalog.ImportItem, error) {
	var items []catalog.ImportItem
	err := StreamNDJSON(bytes.NewReader(data), func(it catalog.ImportItem) error {
		items = append(items, it)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return items, nil
}

// StreamNDJSON reads NDJSON as ReadNDJSON does, a line at a time, handing
// over each item as it is read. It stops at yield's first error.
func StreamNDJSON(r io.Reader, yield func(catalog.ImportItem) error) error {
	lines := NewLineReader(r)
	n := 0
	for {
		line, no, err := lines.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		line = bytes.TrimSpace(line) // also drops the \r of Windows line endings
		if len(line) == 0 {
			continue
		}
		item, err := readItem(line, n, no)
		if err != nil {
			return malformed(strings.Replace(catalog.ErrorMessage(err), "Line 1,", fmt.Sprintf("Line %d,", no), 1), nil)
		}
		if err := yield(item); err != nil {
			return err
		}
		n++
	}
	if n == 0 {
		return malformed("The file has no records; send one JSON object per line.", nil)
	}
	return nil
}
