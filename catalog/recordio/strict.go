// Package recordio reads records and events from the bytes people send:
// single JSON documents for the API, and JSON arrays, NDJSON and CSV files
// for bulk import. Decoding is strict: unknown fields and wrong types are
// reported, all at once, by their JSON path; nothing is guessed.
package recordio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/annals/annals/catalog"
)

// maxShapeErrors caps how many shape errors one document reports.
const maxShapeErrors = 50

// malformed returns an EMALFORMED error with the given field errors.
func malformed(msg string, fields []catalog.FieldError) error {
	return &catalog.Error{Code: catalog.EMALFORMED, Message: msg, Fields: fields}
}

// recordInput is a Record whose bookkeeping fields accept anything and are
// thrown away: the server keeps created, updated and version itself.
type recordInput struct {
	catalog.Record
	Created json.RawMessage `json:"created"`
	Updated json.RawMessage `json:"updated"`
	Version json.RawMessage `json:"version"`
	Files   []fileInput     `json:"files"`
}

// fileInput is a file an imported record names: where its bytes are among
// the import's files (path), or the SHA-256 of bytes the catalogue has,
// and the librarian's fields. What the server works out (type, size,
// pages, text) is accepted and thrown away.
type fileInput struct {
	Name         string          `json:"name"`
	Path         string          `json:"path"`
	SHA256       string          `json:"sha256"`
	Label        string          `json:"label"`
	Language     string          `json:"language"`
	Access       string          `json:"access"`
	EmbargoUntil string          `json:"embargo_until"`
	MediaType    json.RawMessage `json:"media_type"`
	Size         json.RawMessage `json:"size"`
	Pages        json.RawMessage `json:"pages"`
	Text         json.RawMessage `json:"text"`
	Created      json.RawMessage `json:"created"`
}

// importFiles turns the files an input names into import files.
func (in recordInput) importFiles() []catalog.ImportFile {
	var out []catalog.ImportFile
	for _, f := range in.Files {
		out = append(out, catalog.ImportFile{Path: f.Path, File: catalog.File{Name: f.Name, SHA256: f.SHA256, Label: f.Label,
			Language: f.Language, Access: f.Access, EmbargoUntil: f.EmbargoUntil}})
	}
	return out
}

type eventInput struct {
	catalog.Event
	Created json.RawMessage `json:"created"`
	Updated json.RawMessage `json:"updated"`
	Version json.RawMessage `json:"version"`
}

// DecodeRecord decodes one JSON object into a record. EMALFORMED (naming
// each bad field) for anything that is not a JSON object of the Record
// shape; the values themselves are checked later by catalog.ValidateRecord.
func DecodeRecord(data []byte) (catalog.Record, error) {
	var in recordInput
	err := decodeStrict(data, &in, "record")
	return in.Record, err
}

// DecodeEvent decodes one JSON object into an event, as DecodeRecord does.
func DecodeEvent(data []byte) (catalog.Event, error) {
	var in eventInput
	err := decodeStrict(data, &in, "event")
	return in.Event, err
}

// DecodeObject decodes one JSON object strictly into dst, a pointer to a
// struct, for request bodies other than records and events.
func DecodeObject(data []byte, dst any, what string) error {
	return decodeStrict(data, dst, what)
}

func decodeStrict(data []byte, dst any, what string) error {
	if err := CheckUTF8(data); err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return malformed(fmt.Sprintf("The body is empty; send a JSON object describing the %s.", what), nil)
	}
	v, err := parseJSON(data)
	if err != nil {
		return err
	}
	if _, ok := v.(map[string]any); !ok {
		return malformed(fmt.Sprintf("The body must be a JSON object describing one %s, not %s.", what, jsonKind(v)), nil)
	}
	var fe []catalog.FieldError
	checkShape("", v, reflect.TypeOf(dst).Elem(), &fe)
	if len(fe) > 0 {
		return malformed(fmt.Sprintf("The %s does not have the expected shape.", what), fe)
	}
	if err := json.Unmarshal(data, dst); err != nil { // cannot fail once the shape is right
		return malformed(err.Error(), nil)
	}
	return nil
}

// parseJSON decodes exactly one JSON value, keeping numbers exact.
func parseJSON(data []byte) (any, error) {
	if err := checkRawJSON(data); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, syntaxError(data, err, dec.InputOffset())
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := position(data, int(dec.InputOffset()))
		return nil, malformed(fmt.Sprintf("Line %d, column %d: unexpected data after the JSON value.", line, col), nil)
	}
	return v, nil
}

// syntaxError turns a decoding error into EMALFORMED with a line and column.
func syntaxError(data []byte, err error, offset int64) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		offset = se.Offset - 1 // Offset counts the offending byte; point at it
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		offset = int64(len(data))
		err = errors.New("the JSON ends too early (a bracket, brace or quote is not closed)")
	}
	line, col := position(data, int(offset))
	msg := strings.TrimPrefix(err.Error(), "json: ")
	return malformed(fmt.Sprintf("Line %d, column %d: %s.", line, col, msg), nil)
}

// position converts a byte offset to a 1-based line and column (in
// characters).
func position(data []byte, offset int) (line, col int) {
	offset = min(max(offset, 0), len(data))
	before := data[:offset]
	line = bytes.Count(before, []byte{'\n'}) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[start:]) + 1
}

// CheckUTF8 rejects input that is not UTF-8 (EMALFORMED), naming the line
// and column where it goes wrong; every reader of files calls it, since
// encoding/json and others would quietly turn bad bytes into U+FFFD.
func CheckUTF8(data []byte) error { return CheckUTF8At(data, 1) }

// CheckUTF8At is CheckUTF8 for a piece of a file that starts at the
// beginning of its line firstLine (a streaming reader's line or chunk).
func CheckUTF8At(data []byte, firstLine int) error {
	if utf8.Valid(data) {
		return nil
	}
	off := 0
	for off < len(data) {
		r, size := utf8.DecodeRune(data[off:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		off += size
	}
	line, col := position(data, off)
	line += firstLine - 1
	return malformed(fmt.Sprintf("Line %d, column %d: the data is not valid UTF-8 (byte 0x%02X); save the file as UTF-8.",
		line, col, data[off]), nil)
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "true or false"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "something else"
}

var (
	timeType = reflect.TypeOf(time.Time{})
	rawType  = reflect.TypeOf(json.RawMessage{})
)

// checkShape reports every place where v (from parseJSON) does not fit t:
// unknown object keys and values of the wrong JSON type.
func checkShape(path string, v any, t reflect.Type, fe *[]catalog.FieldError) {
	if len(*fe) >= maxShapeErrors || v == nil || t == rawType {
		return // null leaves a field empty, as encoding/json does
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	add := func(msg string) {
		*fe = append(*fe, catalog.FieldError{Field: path, Message: msg})
	}
	switch {
	case t == timeType:
		if _, ok := v.(string); !ok {
			add("must be a date-time string, not " + jsonKind(v))
		}
	case t.Kind() == reflect.String:
		if _, ok := v.(string); !ok {
			add("must be a string, not " + jsonKind(v))
		}
	case t.Kind() == reflect.Bool:
		if _, ok := v.(bool); !ok {
			add("must be true or false, not " + jsonKind(v))
		}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			add("must be a whole number, not " + jsonKind(v))
		} else if _, err := strconv.ParseInt(string(n), 10, 64); err != nil {
			add(fmt.Sprintf("must be a whole number, not %s", n))
		}
	case t.Kind() == reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			add("must be an array, not " + jsonKind(v))
			return
		}
		for i, el := range arr {
			checkShape(fmt.Sprintf("%s[%d]", path, i), el, t.Elem(), fe)
		}
	case t.Kind() == reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			add("must be an object, not " + jsonKind(v))
			return
		}
		fields := jsonFields(t)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			sub := k
			if path != "" {
				sub = path + "." + k
			}
			ft, ok := fields[k]
			if !ok {
				*fe = append(*fe, catalog.FieldError{Field: sub, Message: "is not a known field" + suggestField(k, fields)})
				continue
			}
			checkShape(sub, obj[k], ft, fe)
		}
	}
}

// jsonFields maps the JSON names of t's fields (embedded structs flattened,
// shallower fields winning, as encoding/json resolves them) to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	var walk func(t reflect.Type, depth int, depthOf map[string]int)
	walk = func(t reflect.Type, depth int, depthOf map[string]int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name := strings.Split(tag, ",")[0]
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				walk(f.Type, depth+1, depthOf)
				continue
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if d, ok := depthOf[name]; ok && d <= depth {
				continue
			}
			depthOf[name] = depth
			out[name] = f.Type
		}
	}
	walk(t, 0, map[string]int{})
	return out
}

// suggestField names a known field close to an unknown one ("titel" ->
// "title"), or lists nothing when none is close.
func suggestField(k string, fields map[string]reflect.Type) string {
	best, bestDist := "", 3
	lower := strings.ToLower(k)
	for name := range fields {
		if d := editDistance(lower, name); d < bestDist || (d == bestDist && name < best && best != "") {
			best, bestDist = name, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}
