package recordio

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
)

// LineReader reads a file a line at a time for the readers that stream:
// each line whole however long, checked as UTF-8 (an error names its line
// and column), the first without a byte order mark.
type LineReader struct {
	r    *bufio.Reader
	buf  []byte
	line int
	done bool
}

// NewLineReader reads r.
func NewLineReader(r io.Reader) *LineReader {
	return &LineReader{r: bufio.NewReaderSize(r, 64<<10)}
}

// Next gives the next line, with its line break if it has one, and its
// number (from 1); io.EOF once every line was given. The line is valid
// until the next call.
func (l *LineReader) Next() ([]byte, int, error) {
	if l.done {
		return nil, 0, io.EOF
	}
	part, err := l.r.ReadSlice('\n')
	l.buf = append(l.buf[:0], part...)
	for errors.Is(err, bufio.ErrBufferFull) { // a line longer than the buffer
		part, err = l.r.ReadSlice('\n')
		l.buf = append(l.buf, part...)
	}
	switch {
	case err == io.EOF:
		l.done = true
		if len(l.buf) == 0 {
			return nil, 0, io.EOF
		}
	case err != nil:
		return nil, 0, err
	}
	l.line++
	if l.line == 1 {
		l.buf = bytes.TrimPrefix(l.buf, []byte("\ufeff"))
	}
	if err := CheckUTF8At(l.buf, l.line); err != nil {
		return nil, 0, err
	}
	return l.buf, l.line, nil
}

// StringLines reads a file a line at a time as strings, for the readers
// whose values can share the file's text: the file is read in chunks of
// whole lines, each checked as UTF-8 and made a string once, so a line
// costs no copy of its own (the values cut from it keep their chunk in
// memory for as long as they live). Lines come without their line break
// (a "\r" before it is dropped), the first without a byte order mark.
type StringLines struct {
	r     io.Reader
	buf   []byte // read, not yet made a chunk
	chunk string
	pos   int // in chunk
	line  int
	eof   bool
}

// stringChunk is how much is read at a time.
const stringChunk = 1 << 20

// NewStringLines reads r.
func NewStringLines(r io.Reader) *StringLines { return &StringLines{r: r} }

// Next gives the next line and its number (from 1); io.EOF once every
// line was given.
func (l *StringLines) Next() (string, int, error) {
	if l.pos >= len(l.chunk) {
		if err := l.fill(); err != nil {
			return "", 0, err
		}
	}
	rest := l.chunk[l.pos:]
	end := strings.IndexByte(rest, '\n')
	next := end + 1
	if end < 0 { // the file's last line, without a line break
		end, next = len(rest), len(rest)
	}
	l.pos += next
	l.line++
	return strings.TrimSuffix(rest[:end], "\r"), l.line, nil
}

// fill makes the next chunk of whole lines: what is read up to its last
// line break (all of it at the end of the file).
func (l *StringLines) fill() error {
	for {
		if i := bytes.LastIndexByte(l.buf, '\n'); i >= 0 || (l.eof && len(l.buf) > 0) {
			cut := len(l.buf)
			if i >= 0 && !l.eof {
				cut = i + 1
			}
			data := l.buf[:cut]
			if l.line == 0 && l.chunk == "" {
				data = bytes.TrimPrefix(data, []byte("\ufeff"))
			}
			if err := CheckUTF8At(data, l.line+1); err != nil {
				return err
			}
			l.chunk, l.pos = string(data), 0
			l.buf = append(l.buf[:0], l.buf[cut:]...)
			if l.chunk == "" {
				continue
			}
			return nil
		}
		if l.eof {
			return io.EOF
		}
		// read more: a chunk's worth, or more for a line longer than that
		start := len(l.buf)
		if cap(l.buf)-start < stringChunk {
			grown := make([]byte, start, 2*start+stringChunk)
			copy(grown, l.buf)
			l.buf = grown
		}
		n, err := io.ReadFull(l.r, l.buf[start:start+stringChunk])
		l.buf = l.buf[:start+n]
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			l.eof = true
		case err != nil:
			return err
		}
	}
}
