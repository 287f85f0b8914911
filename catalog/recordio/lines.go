package recordio

import (
	"bufio"
	"bytes"
	"errors"
	"io"
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
