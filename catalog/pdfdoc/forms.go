package pdfdoc

import (
	"bytes"
	"fmt"
	"strconv"
)

// This file puts the pages of another plain PDF (gofpdf's strips) into an
// update as form XObjects, with every object their resources reach,
// renumbered: the strips of a stamped copy, made without PDFium.

// newUpdate starts an update of f; next is the first free object number.
func newUpdate(f *plainFile, room int) (*update, int, error) {
	size, ok := f.trailer.get("Size")
	next, err := strconv.Atoi(string(bytes.TrimSpace(size)))
	if !ok || err != nil {
		return nil, 0, fmt.Errorf("%w: no /Size", errNotPlain)
	}
	u := &update{out: bytes.NewBuffer(make([]byte, 0, len(f.data)+room)), written: map[int]int{}}
	u.out.Write(f.data)
	if !bytes.HasSuffix(f.data, []byte("\n")) {
		u.out.WriteByte('\n')
	}
	return u, next, nil
}

// pagesAsForms writes each page of the plain PDF src into u as a form
// XObject (its content as the form's, its box as the form's box), the
// objects its resources reach copied and numbered from *next. It gives
// the forms' object numbers, in page order.
func (u *update) pagesAsForms(src []byte, next *int) ([]int, error) {
	sf, err := readPlainFile(src)
	if err != nil {
		return nil, err
	}
	pages, err := sf.pages()
	if err != nil {
		return nil, err
	}
	c := &objectCopy{from: sf, mapping: map[int]int{}, next: next}
	forms := make([]int, len(pages))
	for i, p := range pages {
		b, err := sf.box(p.media)
		if err != nil {
			return nil, err
		}
		var res bytes.Buffer
		if v, ok := p.dict.get("Resources"); ok {
			if err := c.value(&lexer{s: v}, &res, 0); err != nil {
				return nil, err
			}
		} else {
			res.WriteString("<<>>")
		}
		n, ok := reference(p.dict.values["Contents"])
		if !ok {
			return nil, fmt.Errorf("%w: a strip's content is not one stream", errNotPlain)
		}
		sd, data, err := sf.stream(n)
		if err != nil {
			return nil, err
		}
		filter := ""
		if v, ok := sd.get("Filter"); ok {
			if _, isRef := reference(v); isRef {
				return nil, fmt.Errorf("%w: a strip's filter is a reference", errNotPlain)
			}
			filter = "/Filter " + string(v)
		}
		forms[i] = *next
		*next++
		body := fmt.Appendf(nil, "<</Type/XObject/Subtype/Form/FormType 1/BBox[%s]/Resources %s%s/Length %d>>stream\n",
			formatNumbers(b.left, b.bottom, b.right, b.top), res.Bytes(), filter, len(data))
		body = append(append(body, data...), "\nendstream"...)
		u.write(forms[i], 0, body)
	}
	// every object the resources reach, each once
	for len(c.queue) > 0 {
		n := c.queue[0]
		c.queue = c.queue[1:]
		body, err := c.object(n)
		if err != nil {
			return nil, err
		}
		u.write(c.mapping[n], 0, body)
	}
	return forms, nil
}

// stream is object n's dictionary and data (its /Length given directly).
func (f *plainFile) stream(n int) (dict, []byte, error) {
	off, ok := f.offsets[n]
	if !ok {
		return dict{}, nil, fmt.Errorf("%w: no object %d", errNotPlain, n)
	}
	l := &lexer{s: f.data, pos: off}
	if _, ok := l.integer(); !ok {
		return dict{}, nil, errNotPlain
	}
	if _, ok := l.integer(); !ok || !l.keyword("obj") {
		return dict{}, nil, errNotPlain
	}
	v, err := l.value()
	if err != nil {
		return dict{}, nil, err
	}
	d, err := parseDict(v)
	if err != nil {
		return dict{}, nil, err
	}
	data, err := l.streamData(d)
	return d, data, err
}

// streamData reads the data of a stream whose dictionary d was just read.
func (l *lexer) streamData(d dict) ([]byte, error) {
	length, err := strconv.Atoi(string(bytes.TrimSpace(d.values["Length"])))
	if err != nil || length < 0 {
		return nil, fmt.Errorf("%w: a stream's /Length is not a number", errNotPlain)
	}
	if !l.keyword("stream") {
		return nil, fmt.Errorf("%w: a stream was expected", errNotPlain)
	}
	if bytes.HasPrefix(l.s[l.pos:], []byte("\r\n")) {
		l.pos += 2
	} else if l.pos < len(l.s) && l.s[l.pos] == '\n' {
		l.pos++
	}
	if l.pos+length > len(l.s) {
		return nil, fmt.Errorf("%w: a stream runs past the file", errNotPlain)
	}
	return l.s[l.pos : l.pos+length], nil
}

// objectCopy copies objects of a file into an update under new numbers.
type objectCopy struct {
	from    *plainFile
	mapping map[int]int // old number -> new
	queue   []int       // old numbers given new ones, not yet copied
	next    *int
}

// number is the new number of old object n.
func (c *objectCopy) number(n int) int {
	if m, ok := c.mapping[n]; ok {
		return m
	}
	m := *c.next
	*c.next++
	c.mapping[n] = m
	c.queue = append(c.queue, n)
	return m
}

// object is old object n as it is written in the update: its value with
// its references renumbered, and a stream's data as it was.
func (c *objectCopy) object(n int) ([]byte, error) {
	off, ok := c.from.offsets[n]
	if !ok {
		return nil, fmt.Errorf("%w: no object %d", errNotPlain, n)
	}
	l := &lexer{s: c.from.data, pos: off}
	if _, ok := l.integer(); !ok {
		return nil, errNotPlain
	}
	if _, ok := l.integer(); !ok || !l.keyword("obj") {
		return nil, errNotPlain
	}
	start := l.pos
	var out bytes.Buffer
	if err := c.value(l, &out, 0); err != nil {
		return nil, err
	}
	save := l.pos
	if !l.keyword("stream") {
		return out.Bytes(), nil
	}
	l.pos = save
	d, err := parseDict(c.from.data[start:save])
	if err != nil {
		return nil, err
	}
	data, err := l.streamData(d)
	if err != nil {
		return nil, err
	}
	out.WriteString("stream\n")
	out.Write(data)
	out.WriteString("\nendstream")
	return out.Bytes(), nil
}

// value copies one value from l to out, references renumbered.
func (c *objectCopy) value(l *lexer, out *bytes.Buffer, depth int) error {
	if depth > 64 {
		return fmt.Errorf("%w: values nested too deep", errNotPlain)
	}
	l.space()
	if l.pos >= len(l.s) {
		return fmt.Errorf("%w: the file ends inside a value", errNotPlain)
	}
	switch ch := l.s[l.pos]; {
	case bytes.HasPrefix(l.s[l.pos:], []byte("<<")):
		l.pos += 2
		out.WriteString("<<")
		for {
			l.space()
			if bytes.HasPrefix(l.s[l.pos:], []byte(">>")) {
				l.pos += 2
				out.WriteString(">>")
				return nil
			}
			if err := c.value(l, out, depth+1); err != nil {
				return err
			}
			out.WriteByte(' ')
		}
	case ch == '[':
		l.pos++
		out.WriteByte('[')
		for {
			l.space()
			if l.pos < len(l.s) && l.s[l.pos] == ']' {
				l.pos++
				out.WriteByte(']')
				return nil
			}
			if err := c.value(l, out, depth+1); err != nil {
				return err
			}
			out.WriteByte(' ')
		}
	}
	start := l.pos
	if n, ok := l.integer(); ok {
		after := l.pos
		if _, ok := l.integer(); ok && l.keyword("R") {
			fmt.Fprintf(out, "%d 0 R", c.number(n))
			return nil
		}
		l.pos = after
		out.Write(l.s[start:after])
		return nil
	}
	if err := l.skipValue(depth); err != nil {
		return err
	}
	out.Write(l.s[start:l.pos])
	return nil
}
