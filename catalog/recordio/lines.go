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
// whose values can share the file's text: a goroutine of its own reads the
// file ahead in chunks of whole lines into one buffer, checks each chunk as
// UTF-8 and makes it a string once (a string's memory is not cleared
// before the copy, a new buffer's would be: measurably faster); a line
// costs no copy of its own (the values cut from it keep their chunk
// in memory for as long as they live). Lines come without their line
// break (a "\r" before it is dropped), the first without a byte order
// mark. Close stops the reading when the lines are not all wanted.
type StringLines struct {
	chunks <-chan stringChunk
	stop   chan struct{}
	chunk  string
	pos    int // in chunk
	line   int
	err    error
	closed bool
}

// stringChunk is a chunk of whole lines read ahead, or why reading stopped.
type stringChunk struct {
	text string
	err  error
}

// chunkSize is how much is read at a time.
const chunkSize = 1 << 20

// NewStringLines reads r.
func NewStringLines(r io.Reader) *StringLines {
	chunks, stop := make(chan stringChunk, 2), make(chan struct{})
	go readChunks(r, chunks, stop)
	return &StringLines{chunks: chunks, stop: stop}
}

// Close stops reading ahead; Next then gives io.EOF.
func (l *StringLines) Close() {
	if !l.closed {
		l.closed = true
		close(l.stop)
	}
}

// Next gives the next line and its number (from 1); io.EOF once every
// line was given.
func (l *StringLines) Next() (string, int, error) {
	for l.pos >= len(l.chunk) {
		if l.err != nil {
			return "", 0, l.err
		}
		c, ok := <-l.chunks
		switch {
		case l.closed || !ok:
			l.err = io.EOF
		case c.err != nil:
			l.err = c.err
		default:
			l.chunk, l.pos = c.text, 0
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

// readChunks reads r in chunks of whole lines (all that is left at the
// end of the file), each checked as UTF-8, and sends them until the file
// ends (the channel is closed), an error (sent) or stop.
func readChunks(r io.Reader, chunks chan<- stringChunk, stop <-chan struct{}) {
	defer close(chunks)
	send := func(c stringChunk) bool {
		select {
		case chunks <- c:
			return true
		case <-stop:
			return false
		}
	}
	buf := make([]byte, 0, chunkSize) // read into, again and again: each chunk's string is a copy
	line := 1                         // the number of the chunk's first line
	first := true
	for eof := false; !eof; {
		for {
			if cap(buf)-len(buf) < chunkSize/2 { // a line longer than the buffer: room for more of it
				grown := make([]byte, len(buf), 2*cap(buf))
				copy(grown, buf)
				buf = grown
			}
			n, err := io.ReadFull(r, buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				eof = true
				break
			}
			if err != nil {
				send(stringChunk{err: err})
				return
			}
			if bytes.LastIndexByte(buf, '\n') >= 0 {
				break
			}
		}
		cut := len(buf)
		if !eof {
			cut = bytes.LastIndexByte(buf, '\n') + 1
		}
		data := buf[:cut]
		if first {
			data, first = bytes.TrimPrefix(data, []byte("\ufeff")), false
		}
		if err := CheckUTF8At(data, line); err != nil {
			send(stringChunk{err: err})
			return
		}
		line += bytes.Count(data, []byte("\n"))
		text := string(data) // a string's memory is not cleared first, a new buffer's would be
		buf = buf[:copy(buf, buf[cut:])]
		if len(text) > 0 && !send(stringChunk{text: text}) {
			return
		}
	}
}
