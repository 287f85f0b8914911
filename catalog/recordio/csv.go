package recordio

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/annals/annals/catalog"
)

// ListSeparator separates the values of a list column (topics, keywords)
// in one CSV cell.
const ListSeparator = ";"

// segment is one step of a column path: a field name and, for an element
// of a list, its index.
type segment struct {
	name  string
	index int // -1 when the step names the whole field
}

// column is a parsed CSV header: where in a record its cells go.
type column struct {
	header string
	path   []segment
	target reflect.Type // the type of the field the path ends at
}

var segmentPattern = regexp.MustCompile(`^([a-z_]+)(?:\[(\d{1,4})\])?$`)

// parseColumn reads a header such as "contributors[0].family" against the
// record shape.
func parseColumn(header string) (column, error) {
	col := column{header: header}
	t := reflect.TypeOf(recordInput{})
	if strings.TrimSpace(header) == "" {
		return col, errors.New("a column has no name in the header row")
	}
	for i, part := range strings.Split(header, ".") {
		m := segmentPattern.FindStringSubmatch(part)
		if m == nil {
			return col, fmt.Errorf("column %q: %q is not a field name (a-z and _, optionally followed by [N])", header, part)
		}
		if t.Kind() != reflect.Struct {
			return col, fmt.Errorf("column %q: %s has no fields", header, strings.Join(strings.Split(header, ".")[:i], "."))
		}
		fields := jsonFields(t)
		ft, ok := fields[m[1]]
		if !ok {
			return col, fmt.Errorf("column %q: %q is not a field of a record%s", header, m[1], suggestField(m[1], fields))
		}
		seg := segment{name: m[1], index: -1}
		t = ft
		if m[2] != "" {
			if t.Kind() != reflect.Slice {
				return col, fmt.Errorf("column %q: %s is not a list, so it takes no [N]", header, m[1])
			}
			seg.index, _ = strconv.Atoi(m[2])
			t = t.Elem()
		}
		col.path = append(col.path, seg)
	}
	switch {
	case t.Kind() == reflect.String, t == rawType,
		t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
	default:
		return col, fmt.Errorf("column %q names a group of fields; name one of them, such as %s.%s", header, header, firstField(t))
	}
	col.target = t
	return col, nil
}

func firstField(t reflect.Type) string {
	if t.Kind() == reflect.Slice {
		return "[0]." + firstField(t.Elem())
	}
	names := make([]string, 0)
	for n := range jsonFields(t) {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "?"
	}
	return names[0]
}

// ReadCSV reads one record per row. The header row names the fields by
// their JSON path (id, kind, title, contributors[0].family,
// translations[1].title, identifiers.doi...); list fields such as topics
// and keywords take several values separated by ";". Empty cells are
// absent fields. A UTF-8 byte order mark and Windows line endings are fine.
func ReadCSV(data []byte) ([]catalog.ImportItem, error) {
	data, err := fromUTF16(data)
	if err != nil {
		return nil, err
	}
	if err := CheckUTF8(data); err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, bom)
	r := csv.NewReader(bytes.NewReader(data))
	r.ReuseRecord = false
	r.Comma = delimiter(data)
	header, err := r.Read()
	if err != nil {
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, malformed("The file is empty; the first row must name the columns (id, kind, title, ...).", nil)
		}
		return nil, csvError(err)
	}
	names := map[string]bool{}
	for _, h := range header {
		names[strings.TrimSpace(h)] = true
	}
	for _, layout := range foreignLayouts {
		if layout.is(names) {
			return readForeign(data, r.Comma, layout)
		}
	}
	cols := make([]column, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if seen[h] {
			return nil, malformed(fmt.Sprintf("Line 1: the column %q appears twice.", h), nil)
		}
		seen[h] = true
		if cols[i], err = parseColumn(h); err != nil {
			return nil, malformed("Line 1: "+err.Error()+".", nil)
		}
	}
	var items []catalog.ImportItem
	for {
		row, err := r.Read()
		if err != nil {
			if err == io.EOF {
				break
			}
			return nil, csvError(err)
		}
		line, _ := r.FieldPos(0)
		obj := map[string]any{}
		for i, cell := range row {
			if cell = strings.TrimSpace(cell); cell != "" {
				setPath(obj, cols[i], cell)
			}
		}
		if len(obj) == 0 {
			continue // a row of empty cells
		}
		items = append(items, rowItem(obj, len(items), line))
	}
	if len(items) == 0 {
		return nil, malformed("The file has a header row but no records.", nil)
	}
	return items, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return malformed(fmt.Sprintf("Line %d: this row has a different number of cells from the header row; every row needs one cell per column (empty cells are fine).", pe.StartLine), nil)
		}
		return malformed(fmt.Sprintf("Line %d, column %d: %v.", pe.Line, pe.Column, pe.Err), nil)
	}
	return malformed(err.Error(), nil)
}

// setPath puts a cell's value into the nested object at the column's path.
func setPath(obj map[string]any, col column, cell string) {
	var cur any = obj
	for i, seg := range col.path {
		last := i == len(col.path)-1
		m := cur.(map[string]any)
		if seg.index < 0 {
			if last {
				m[seg.name] = cellValue(col.target, cell)
				return
			}
			next, ok := m[seg.name].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[seg.name] = next
			}
			cur = next
			continue
		}
		list, ok := m[seg.name].(map[int]any) // indexed lists are gathered by index, then compacted
		if !ok {
			list = map[int]any{}
			m[seg.name] = list
		}
		if last {
			list[seg.index] = cellValue(col.target, cell)
			return
		}
		next, ok := list[seg.index].(map[string]any)
		if !ok {
			next = map[string]any{}
			list[seg.index] = next
		}
		cur = next
	}
}

func cellValue(t reflect.Type, cell string) any {
	if t.Kind() == reflect.Slice {
		var out []any
		for _, v := range strings.Split(cell, ListSeparator) {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	return cell
}

// compact turns the index-keyed lists setPath builds into arrays in index
// order.
func compact(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, el := range x {
			x[k] = compact(el)
		}
		return x
	case map[int]any:
		idx := make([]int, 0, len(x))
		for i := range x {
			idx = append(idx, i)
		}
		sort.Ints(idx)
		out := make([]any, len(idx))
		for j, i := range idx {
			out[j] = compact(x[i])
		}
		return out
	}
	return v
}

func rowItem(obj map[string]any, index, line int) catalog.ImportItem {
	item := catalog.ImportItem{Index: index, Line: line}
	v := compact(obj)
	if id, ok := obj["id"].(string); ok {
		item.Record.ID = id
	}
	checkShape("", v, reflect.TypeOf(recordInput{}), &item.Errors)
	if len(item.Errors) > 0 {
		return item
	}
	raw, err := json.Marshal(v)
	if err == nil {
		var in recordInput
		if err = json.Unmarshal(raw, &in); err == nil {
			item.Record, item.Files = in.Record, in.importFiles()
			return item
		}
	}
	item.Errors = []catalog.FieldError{{Message: err.Error()}}
	return item
}

// delimiter is the separator of the header line: a comma, or the semicolon
// a Russian or French Excel writes, or a tab — whichever it has most of
// outside quotes.
func delimiter(data []byte) rune {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	counts := map[rune]int{}
	quoted := false
	for _, r := range string(line) {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ',' || r == ';' || r == '\t'):
			counts[r]++
		}
	}
	best := ','
	for _, r := range []rune{';', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// fromUTF16 decodes a file Excel saved as "Unicode text" (UTF-16 with a
// byte order mark) to UTF-8; other files pass as they are.
func fromUTF16(data []byte) ([]byte, error) {
	var order binary.ByteOrder
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		order = binary.LittleEndian
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		order = binary.BigEndian
	default:
		return data, nil
	}
	if len(data)%2 != 0 {
		return nil, malformed("The file starts as UTF-16 but has an odd number of bytes; save it again as UTF-8.", nil)
	}
	units := make([]uint16, 0, len(data)/2-1)
	for i := 2; i+1 < len(data); i += 2 {
		units = append(units, order.Uint16(data[i:]))
	}
	return []byte(string(utf16.Decode(units))), nil
}

var spaceAfterQuote = regexp.MustCompile(`"[ \t]+([;,\t]|\r?\n)`)

// readForeign reads a CSV in another tool's layout: rows may be short
// (Zotero leaves trailing cells out) and quotes loose.
func readForeign(data []byte, comma rune, layout foreignLayout) ([]catalog.ImportItem, error) {
	// spaces after a closing quote ("…Thiéry" ;) would make the quote
	// part of the text and swallow the next row
	data = spaceAfterQuote.ReplaceAll(data, []byte(`"$1`))
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma, r.FieldsPerRecord, r.LazyQuotes = comma, -1, true
	header, err := r.Read()
	if err != nil {
		return nil, csvError(err)
	}
	at := map[string]int{}
	for i, h := range header {
		at[strings.TrimSpace(h)] = i
	}
	var items []catalog.ImportItem
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := r.FieldPos(0)
		cell := func(name string) string {
			if i, ok := at[name]; ok && i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
		obj := layout.read(cell)
		for k, v := range obj {
			if v == "" {
				delete(obj, k)
			}
		}
		if obj["title"] == nil && obj["contributors"] == nil {
			continue // an empty row
		}
		items = append(items, rowItem(obj, len(items), line))
	}
	if len(items) == 0 {
		return nil, malformed("The file has a "+layout.name+" header row but no records.", nil)
	}
	return items, nil
}
