package pdfdoc

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
)

// This file reads just enough PDF syntax to find a file's pages and
// change their dictionaries by an incremental update: the files it reads
// are PDFium's own output (a classic cross-reference table, no object
// streams), and anything else is refused with errNotPlain, for the caller
// to fall back on PDFium.

// errNotPlain: the file is not laid out as this reader expects.
var errNotPlain = errors.New("pdfdoc: not a plain PDF file")

// plainFile is a PDF file with one classic cross-reference table.
type plainFile struct {
	data    []byte
	offsets map[int]int // object number -> offset of "N G obj"
	gens    map[int]int
	trailer dict
	xref    int // offset of the table
}

// dict is a parsed dictionary: each key (without its slash) with the text
// of its value, in order.
type dict struct {
	keys   []string
	values map[string][]byte
}

func (d dict) get(key string) ([]byte, bool) {
	v, ok := d.values[key]
	return v, ok
}

// readPlainFile reads the cross-reference table and trailer of data.
func readPlainFile(data []byte) (*plainFile, error) {
	i := bytes.LastIndex(data, []byte("startxref"))
	if i < 0 {
		return nil, errNotPlain
	}
	l := &lexer{s: data, pos: i + len("startxref")}
	at, ok := l.integer()
	if !ok || at < 0 || at >= len(data) {
		return nil, errNotPlain
	}
	f := &plainFile{data: data, offsets: map[int]int{}, gens: map[int]int{}, xref: at}
	l = &lexer{s: data, pos: at}
	if !l.keyword("xref") {
		return nil, errNotPlain // a cross-reference stream
	}
	for {
		l.space()
		if l.keyword("trailer") {
			break
		}
		first, ok1 := l.integer()
		count, ok2 := l.integer()
		if !ok1 || !ok2 || first < 0 || count < 0 || count > len(data)/20 {
			return nil, errNotPlain
		}
		l.space()
		for n := first; n < first+count; n++ {
			if l.pos+18 > len(data) {
				return nil, errNotPlain
			}
			entry := data[l.pos : l.pos+18]
			l.pos += 18
			for l.pos < len(data) && (data[l.pos] == ' ' || data[l.pos] == '\r' || data[l.pos] == '\n') {
				l.pos++
			}
			off, err1 := strconv.Atoi(string(entry[:10]))
			gen, err2 := strconv.Atoi(string(entry[11:16]))
			if err1 != nil || err2 != nil {
				return nil, errNotPlain
			}
			if entry[17] == 'n' {
				f.offsets[n], f.gens[n] = off, gen
			}
		}
	}
	v, err := l.value()
	if err != nil {
		return nil, errNotPlain
	}
	if f.trailer, err = parseDict(v); err != nil {
		return nil, errNotPlain
	}
	if _, prev := f.trailer.get("Prev"); prev {
		return nil, errNotPlain // updated before: not PDFium's fresh output
	}
	return f, nil
}

// object is the value of object n (a stream's dictionary, for a stream).
func (f *plainFile) object(n int) ([]byte, error) {
	off, ok := f.offsets[n]
	if !ok || off < 0 || off >= len(f.data) {
		return nil, fmt.Errorf("%w: no object %d", errNotPlain, n)
	}
	l := &lexer{s: f.data, pos: off}
	if num, ok := l.integer(); !ok || num != n {
		return nil, fmt.Errorf("%w: object %d is not at its offset", errNotPlain, n)
	}
	if _, ok := l.integer(); !ok || !l.keyword("obj") {
		return nil, errNotPlain
	}
	return l.value()
}

// resolve is v, or the value of the object v refers to.
func (f *plainFile) resolve(v []byte) ([]byte, error) {
	if n, ok := reference(v); ok {
		return f.object(n)
	}
	return v, nil
}

// dictOf is the dictionary v is, or refers to.
func (f *plainFile) dictOf(v []byte) (dict, error) {
	v, err := f.resolve(v)
	if err != nil {
		return dict{}, err
	}
	return parseDict(v)
}

// reference reads "N G R".
func reference(v []byte) (int, bool) {
	l := &lexer{s: v}
	n, ok1 := l.integer()
	_, ok2 := l.integer()
	l.space()
	if !ok1 || !ok2 || !l.keyword("R") {
		return 0, false
	}
	l.space()
	return n, l.pos == len(v)
}

// numbers reads an array of numbers.
func numbers(v []byte) ([]float64, bool) {
	l := &lexer{s: v}
	l.space()
	if l.pos >= len(v) || v[l.pos] != '[' {
		return nil, false
	}
	l.pos++
	var out []float64
	for {
		l.space()
		if l.pos < len(v) && v[l.pos] == ']' {
			return out, true
		}
		tok := l.token()
		x, err := strconv.ParseFloat(string(tok), 64)
		if err != nil {
			return nil, false
		}
		out = append(out, x)
	}
}

// referenceList reads an array of references.
func referenceList(v []byte) ([]int, bool) {
	l := &lexer{s: v}
	l.space()
	if l.pos >= len(v) || v[l.pos] != '[' {
		return nil, false
	}
	l.pos++
	var out []int
	for {
		l.space()
		if l.pos < len(v) && v[l.pos] == ']' {
			return out, true
		}
		item, err := l.value()
		if err != nil {
			return nil, false
		}
		n, ok := reference(item)
		if !ok {
			return nil, false
		}
		out = append(out, n)
	}
}

// parseDict reads a dictionary.
func parseDict(v []byte) (dict, error) {
	d := dict{values: map[string][]byte{}}
	l := &lexer{s: v}
	l.space()
	if !bytes.HasPrefix(v[l.pos:], []byte("<<")) {
		return d, fmt.Errorf("%w: a dictionary was expected", errNotPlain)
	}
	l.pos += 2
	for {
		l.space()
		if bytes.HasPrefix(v[l.pos:], []byte(">>")) {
			return d, nil
		}
		if l.pos >= len(v) || v[l.pos] != '/' {
			return d, fmt.Errorf("%w: a key was expected", errNotPlain)
		}
		key := string(l.token()[1:])
		val, err := l.value()
		if err != nil {
			return d, err
		}
		if _, dup := d.values[key]; !dup {
			d.keys = append(d.keys, key)
		}
		d.values[key] = val
	}
}

// lexer reads PDF tokens from s.
type lexer struct {
	s   []byte
	pos int
}

// space skips white space and comments.
func (l *lexer) space() {
	for l.pos < len(l.s) {
		switch c := l.s[l.pos]; {
		case c == '%':
			for l.pos < len(l.s) && l.s[l.pos] != '\n' && l.s[l.pos] != '\r' {
				l.pos++
			}
		case isSpace(c):
			l.pos++
		default:
			return
		}
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelimiter(c byte) bool {
	return bytes.IndexByte([]byte("()<>[]{}/%"), c) >= 0
}

// keyword reads the keyword k if it is next.
func (l *lexer) keyword(k string) bool {
	l.space()
	end := l.pos + len(k)
	if end > len(l.s) || string(l.s[l.pos:end]) != k || (end < len(l.s) && !isSpace(l.s[end]) && !isDelimiter(l.s[end])) {
		return false
	}
	l.pos = end
	return true
}

// integer reads a non-negative integer if it is next.
func (l *lexer) integer() (int, bool) {
	l.space()
	start := l.pos
	for l.pos < len(l.s) && l.s[l.pos] >= '0' && l.s[l.pos] <= '9' {
		l.pos++
	}
	if l.pos == start || l.pos-start > 12 || (l.pos < len(l.s) && !isSpace(l.s[l.pos]) && !isDelimiter(l.s[l.pos])) {
		l.pos = start
		return 0, false
	}
	n, _ := strconv.Atoi(string(l.s[start:l.pos]))
	return n, true
}

// token reads a name, number or keyword.
func (l *lexer) token() []byte {
	l.space()
	start := l.pos
	if l.pos < len(l.s) && l.s[l.pos] == '/' {
		l.pos++
	}
	for l.pos < len(l.s) && !isSpace(l.s[l.pos]) && !isDelimiter(l.s[l.pos]) {
		l.pos++
	}
	return l.s[start:l.pos]
}

// value reads one value (with "N G R" as one) and gives its text.
func (l *lexer) value() ([]byte, error) {
	l.space()
	start := l.pos
	if err := l.skipValue(0); err != nil {
		return nil, err
	}
	return l.s[start:l.pos], nil
}

func (l *lexer) skipValue(depth int) error {
	if depth > 64 {
		return fmt.Errorf("%w: values nested too deep", errNotPlain)
	}
	l.space()
	if l.pos >= len(l.s) {
		return fmt.Errorf("%w: the file ends inside a value", errNotPlain)
	}
	switch c := l.s[l.pos]; {
	case bytes.HasPrefix(l.s[l.pos:], []byte("<<")):
		l.pos += 2
		for {
			l.space()
			if bytes.HasPrefix(l.s[l.pos:], []byte(">>")) {
				l.pos += 2
				return nil
			}
			if err := l.skipValue(depth + 1); err != nil {
				return err
			}
		}
	case c == '[':
		l.pos++
		for {
			l.space()
			if l.pos < len(l.s) && l.s[l.pos] == ']' {
				l.pos++
				return nil
			}
			if err := l.skipValue(depth + 1); err != nil {
				return err
			}
		}
	case c == '<':
		end := bytes.IndexByte(l.s[l.pos:], '>')
		if end < 0 {
			return fmt.Errorf("%w: a hex string is not closed", errNotPlain)
		}
		l.pos += end + 1
		return nil
	case c == '(':
		nest := 0
		for l.pos < len(l.s) {
			switch l.s[l.pos] {
			case '\\':
				l.pos++
			case '(':
				nest++
			case ')':
				if nest--; nest == 0 {
					l.pos++
					return nil
				}
			}
			l.pos++
		}
		return fmt.Errorf("%w: a string is not closed", errNotPlain)
	case c == ']' || c == '>' || c == ')' || c == '{' || c == '}':
		return fmt.Errorf("%w: %q where a value was expected", errNotPlain, c)
	}
	// a name, a keyword, or a number, which "G R" may follow
	save := l.pos
	if _, ok := l.integer(); ok {
		after := l.pos
		if _, ok := l.integer(); ok && l.keyword("R") {
			return nil
		}
		l.pos = after
		return nil
	}
	l.pos = save
	if len(l.token()) == 0 {
		return fmt.Errorf("%w: %q where a value was expected", errNotPlain, l.s[l.pos])
	}
	return nil
}
