package bibtex

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Entry types and field names are case-insensitive; Entry holds them in
// lower case, with values decoded from LaTeX to plain UTF-8.
type parsedEntry struct {
	Type   string
	Key    string
	Line   int
	Fields map[string]string
	Order  []string // field names as they came
	// Warnings say what was read leniently (an undefined @string name);
	// Repeated are fields given twice with different values: name, the
	// value kept (the first), the value left out.
	Warnings []string
	Repeated [][3]string
}

// SyntaxError is a BibTeX file that cannot be read, with where.
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("Line %d: %s.", e.Line, e.Msg) }

// parser reads BibTeX from text, a character at a time (pos is a byte
// offset: the characters that matter are ASCII, which never occur inside
// another character's UTF-8, so values are slices of the text).
type parser struct {
	src     string
	pos     int
	line    int
	strings map[string]string
	// warnings gathers what the entry being read was read leniently for
	warnings []string
	// expanded counts the bytes @string names have put into values, and
	// expandLimit bounds it: a file of @strings each defined as the one
	// before twice doubles at every line, and 30 lines would be gigabytes.
	expanded, expandLimit int
}

// maxExpansion is what @string names may add to a file's values, beyond
// maxExpansionRatio times the file's own size.
const (
	maxExpansion      = 1 << 20
	maxExpansionRatio = 4
)

var months = map[string]string{"jan": "1", "feb": "2", "mar": "3", "apr": "4", "may": "5", "jun": "6",
	"jul": "7", "aug": "8", "sep": "9", "oct": "10", "nov": "11", "dec": "12"}

// parseEntries reads every entry of a BibTeX file. @string definitions
// are applied, @comment and @preamble skipped, text outside entries
// ignored (as BibTeX does).
func parseEntries(text string) ([]parsedEntry, error) {
	var out []parsedEntry
	err := eachEntry(text, func(e parsedEntry) error {
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachEntry reads the entries of a BibTeX file as parseEntries does,
// calling fn with each as it is read; it stops at fn's first error.
func eachEntry(text string, fn func(parsedEntry) error) error {
	p := newParser()
	p.src, p.expandLimit = text, maxExpansion+maxExpansionRatio*len(text)
	_, err := p.entries(fn, false)
	return err
}

// newParser is a parser with no text yet and the month names defined.
func newParser() *parser {
	p := &parser{line: 1, strings: make(map[string]string, len(months)), expandLimit: maxExpansion}
	for k, v := range months {
		p.strings[k] = v
	}
	return p
}

// entries reads the entries of p.src from p.pos, calling fn with each.
// With more (the file goes on after src), an entry cut off by the end of
// src is no error: entries returns the offset of its @ (with p.line set
// back to its line) so that it can be read again with what follows;
// otherwise it returns -1 once src is read.
func (p *parser) entries(fn func(parsedEntry) error, more bool) (int, error) {
	for {
		if !p.skipTo('@') {
			return -1, nil
		}
		at, line := p.pos, p.line
		e, ok, err := p.entry()
		switch {
		case err != nil && more && p.eof():
			p.pos, p.line = at, line
			return at, nil
		case err != nil:
			return -1, err
		case ok:
			if err := fn(e); err != nil {
				return -1, err
			}
		}
	}
}

// entry reads the entry at p.pos (an @): ok is false for @comment,
// @preamble and @string, which are read (strings defined) but are not
// entries.
func (p *parser) entry() (e parsedEntry, ok bool, err error) {
	line := p.line
	p.next() // '@'
	typ := strings.ToLower(p.ident())
	if typ == "" {
		return e, false, p.errorf("an entry type must follow @")
	}
	p.space()
	open := p.peek()
	if open != '{' && open != '(' {
		return e, false, p.errorf("@%s must be followed by { or (", typ)
	}
	closer := '}'
	if open == '(' {
		closer = ')'
	}
	switch typ {
	case "comment":
		_, err := p.braced(open, closer)
		return e, false, err
	case "preamble":
		p.next()
		if _, err := p.value(); err != nil {
			return e, false, err
		}
		return e, false, p.expect(closer)
	case "string":
		p.next()
		return e, false, p.fields(closer, func(name, value string) { p.strings[name] = value })
	}
	p.next()
	p.space()
	start := p.pos
	key := p.until(func(r rune) bool { return r == ',' || r == closer || unicode.IsSpace(r) || r == '=' })
	p.space()
	if p.peek() == '=' { // no key: EndNote writes "@article{ author = ..."
		p.pos, key = start, ""
	}
	e = parsedEntry{Type: typ, Key: key, Line: line, Fields: map[string]string{}}
	p.space()
	if p.peek() == ',' {
		p.next()
	}
	p.warnings = nil
	err = p.fields(closer, func(name, value string) {
		old, dup := e.Fields[name]
		switch {
		case !dup:
			e.Order = append(e.Order, name)
			e.Fields[name] = value
		case name == "keywords":
			e.Fields[name] = old + ", " + value
		case name == "author" || name == "editor" || name == "translator":
			e.Fields[name] = old + " and " + value
		case name == "file":
			e.Fields[name] = old + ";" + value
		case value != old:
			e.Repeated = append(e.Repeated, [3]string{name, old, value})
		}
	})
	if err != nil {
		return e, false, err
	}
	e.Warnings = p.warnings
	return e, true, nil
}

// fields reads "name = value, ..." up to closer.
func (p *parser) fields(closer rune, set func(name, value string)) error {
	for {
		p.space()
		if p.peek() == closer {
			p.next()
			return nil
		}
		if p.eof() {
			return p.errorf("the entry is not closed with %c", closer)
		}
		name := strings.ToLower(p.ident())
		if name == "" {
			return p.errorf("a field name is expected, not %q", string(p.peek()))
		}
		p.space()
		for isIdentRune(p.peek()) { // a name with spaces, as Scopus writes "funding_text 1"
			name += "_" + strings.ToLower(p.ident())
			p.space()
		}
		if err := p.expect('='); err != nil {
			return err
		}
		v, err := p.value()
		if err != nil {
			return err
		}
		set(name, v)
		p.space()
		switch p.peek() {
		case ',':
			p.next()
		case closer:
		default:
			if p.eof() {
				return p.errorf("the entry is not closed with %c", closer)
			}
			return p.errorf("a comma or %c is expected after the value of %s, not %q", closer, name, string(p.peek()))
		}
	}
}

// value reads a value: parts joined by #, each braced, quoted, a number
// or a @string name.
func (p *parser) value() (string, error) {
	var b strings.Builder
	first, parts := "", 0 // a value of one part is that part, not a copy
	add := func(s string) {
		if parts++; parts == 1 {
			first = s
			return
		}
		if parts == 2 {
			b.WriteString(first)
		}
		b.WriteString(s)
	}
	for {
		p.space()
		switch r := p.peek(); {
		case r == '{':
			s, err := p.braced('{', '}')
			if err != nil {
				return "", err
			}
			add(s)
		case r == '"':
			s, err := p.quoted()
			if err != nil {
				return "", err
			}
			add(s)
		case unicode.IsDigit(r):
			add(p.until(func(r rune) bool { return !unicode.IsDigit(r) }))
		case isIdentRune(r):
			name := strings.ToLower(p.ident())
			s, ok := p.strings[name]
			if !ok { // as biber does: the name stands for itself, said
				p.warnings = append(p.warnings, fmt.Sprintf("%q is not defined with @string: kept as written", name))
				s = name
			}
			if p.expanded += len(s); p.expanded > p.expandLimit {
				return "", p.errorf("@string %q makes the file's values grow past %d MB; a file may not expand to more than %d times its size",
					name, p.expandLimit>>20, maxExpansionRatio)
			}
			add(s)
		case p.eof():
			return "", p.errorf("the file ends where a value is expected")
		default:
			return "", p.errorf("a value is expected, not %q", string(r))
		}
		p.space()
		if p.peek() != '#' {
			if parts == 1 {
				return first, nil
			}
			return b.String(), nil
		}
		p.next()
	}
}

// braced reads {...} with nested braces and returns what is inside, as
// written.
func (p *parser) braced(open, closer rune) (string, error) {
	start := p.line
	p.pos++ // the opening brace
	from := p.pos
	depth := 1
	stops := "\\\n{}"
	if open == '(' {
		stops = "\\\n()"
	}
	// a byte at a time: every byte that matters is ASCII, which never
	// occurs inside another character's UTF-8
	for {
		i := strings.IndexAny(p.src[p.pos:], stops)
		if i < 0 {
			p.pos = len(p.src)
			return "", &SyntaxError{Line: start, Msg: fmt.Sprintf("a %c opened here is never closed", open)}
		}
		p.pos += i
		c := p.src[p.pos]
		p.pos++
		switch {
		case c == '\n':
			p.line++
		case c == '\\' && p.pos < len(p.src): // an escaped brace does not nest
			if p.src[p.pos] == '\n' {
				p.line++
			}
			p.pos++
		case rune(c) == open:
			depth++
		case rune(c) == closer:
			if depth--; depth == 0 {
				return p.src[from : p.pos-1], nil
			}
		}
	}
}

// quoted reads "..." (braces inside may hold quotes) and returns what is
// inside, as written.
func (p *parser) quoted() (string, error) {
	start := p.line
	p.pos++ // the opening quote
	from := p.pos
	depth := 0
	for {
		i := strings.IndexAny(p.src[p.pos:], "\\\n{}\"")
		if i < 0 {
			p.pos = len(p.src)
			return "", &SyntaxError{Line: start, Msg: "a quote opened here is never closed"}
		}
		p.pos += i
		c := p.src[p.pos]
		p.pos++
		switch {
		case c == '\n':
			p.line++
		case c == '\\' && p.pos < len(p.src):
			if p.src[p.pos] == '\n' {
				p.line++
			}
			p.pos++
		case c == '{':
			depth++
		case c == '}':
			depth--
		case c == '"' && depth <= 0:
			return p.src[from : p.pos-1], nil
		}
	}
}

func (p *parser) eof() bool  { return p.pos >= len(p.src) }
func (p *parser) peek() rune { return p.at(p.pos) }
func (p *parser) at(i int) rune {
	if i >= len(p.src) {
		return 0
	}
	if c := p.src[i]; c < utf8.RuneSelf {
		return rune(c)
	}
	r, _ := utf8.DecodeRuneInString(p.src[i:])
	return r
}

func (p *parser) next() rune {
	c := p.src[p.pos]
	if c < utf8.RuneSelf {
		p.pos++
		if c == '\n' {
			p.line++
		}
		return rune(c)
	}
	r, size := utf8.DecodeRuneInString(p.src[p.pos:])
	p.pos += size
	return r
}

func (p *parser) space() {
	for !p.eof() && unicode.IsSpace(p.peek()) {
		p.next()
	}
}

func (p *parser) skipTo(r rune) bool {
	for !p.eof() {
		if p.peek() == r {
			return true
		}
		p.next()
	}
	return false
}

func (p *parser) until(stop func(rune) bool) string {
	start := p.pos
	for !p.eof() && !stop(p.peek()) {
		p.next()
	}
	return p.src[start:p.pos]
}

func isIdentRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_-:.+/'!?*&", r)
}

func (p *parser) ident() string { return p.until(func(r rune) bool { return !isIdentRune(r) }) }

func (p *parser) expect(r rune) error {
	p.space()
	if p.peek() != r {
		if p.eof() {
			return p.errorf("the file ends where %q is expected", string(r))
		}
		return p.errorf("%q is expected, not %q", string(r), string(p.peek()))
	}
	p.next()
	return nil
}

func (p *parser) errorf(format string, args ...any) error {
	return &SyntaxError{Line: p.line, Msg: fmt.Sprintf(format, args...)}
}
