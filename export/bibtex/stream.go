package bibtex

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"

	"github.com/annals/annals/catalog"
	"github.com/annals/annals/catalog/recordio"
)

// streamChunk is how much of a file a stream parses at a time, at least:
// a chunk ends before a line that starts with @, so that it usually ends
// between entries.
const streamChunk = 64 << 10

// Stream reads a BibTeX file from r as Read does, handing over each item
// as its entry is read, a chunk of the file at a time: memory holds a
// chunk and the items being imported, not the file. Entries that name
// others by crossref are held from the first of them to the end of the
// file, where they take the fields of the entries they name (those after
// them, and the last thousand books, proceedings and collections before
// them). A file that declares another encoding than UTF-8 (as JabRef
// writes "% Encoding: windows-1252") is read whole. It stops at yield's
// first error.
func Stream(r io.Reader, yield func(catalog.ImportItem) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(4096); declaresOtherEncoding(head) {
		data, err := io.ReadAll(br)
		if err != nil {
			return err
		}
		return readWhole(data, yield)
	}
	n := 0
	var held []parsedEntry
	containers := map[string]parsedEntry{} // by lower-case key
	var order []string                     // their keys, oldest first
	// the entries are parsed in a goroutine of their own, ahead of making
	// records of them
	err := recordio.ReadAhead(func(emit func(parsedEntry) error) error {
		return streamEntries(br, streamChunk, emit)
	}, func(e parsedEntry) error {
		if held != nil || e.Fields["crossref"] != "" {
			held = append(held, e)
			return nil
		}
		if containerTypes[e.Type] && e.Key != "" {
			key := strings.ToLower(e.Key)
			if _, had := containers[key]; !had {
				order = append(order, key)
			}
			containers[key] = detached(e)
			if len(order) > maxEarlierContainers { // the oldest goes
				delete(containers, order[0])
				order = order[1:]
			}
		}
		n++
		return yield(entryItem(n-1, e))
	})
	if err == nil && held != nil {
		inheritCrossrefs(held, containers)
		err = yieldEntries(held, &n, yield)
	}
	return finish(err, n)
}

// yieldEntries hands entries over as items, counting them on from *n.
func yieldEntries(entries []parsedEntry, n *int, yield func(catalog.ImportItem) error) error {
	for _, e := range entries {
		*n++
		if err := yield(entryItem(*n-1, e)); err != nil {
			return err
		}
	}
	return nil
}

// maxEarlierContainers bounds how many of the books, proceedings and
// collections before an entry a streamed file keeps for crossrefs that
// name them later (BibTeX wants them after their children anyway): a
// catalogue of a million books must not be held whole.
const maxEarlierContainers = 1000

// detached is a copy of e that keeps none of the chunk of text it was
// read from.
func detached(e parsedEntry) parsedEntry {
	c := parsedEntry{Type: e.Type, Key: strings.Clone(e.Key), Line: e.Line, Fields: make(map[string]string, len(e.Fields))}
	for k, v := range e.Fields {
		c.Fields[k] = strings.Clone(v)
	}
	return c
}

// containerTypes are the entry types other entries are parts of: kept,
// while a file streams, for the crossrefs that name them later.
var containerTypes = map[string]bool{"book": true, "mvbook": true, "collection": true, "mvcollection": true,
	"proceedings": true, "mvproceedings": true, "reference": true, "mvreference": true, "periodical": true}

// readWhole reads a file held whole (decoded from the encoding it
// declares), crossrefs followed wherever their entries are.
func readWhole(data []byte, yield func(catalog.ImportItem) error) error {
	data = fromDeclaredEncoding(data)
	if err := recordio.CheckUTF8(data); err != nil {
		return err
	}
	entries, err := parseEntries(strings.TrimPrefix(string(data), "\ufeff"))
	n := 0
	if err == nil {
		inheritCrossrefs(entries, nil)
		err = yieldEntries(entries, &n, yield)
	}
	return finish(err, n)
}

// finish is the error a read of n entries ends with.
func finish(err error, n int) error {
	var se *SyntaxError
	switch {
	case errors.As(err, &se):
		return &catalog.Error{Code: catalog.EMALFORMED, Message: se.Error()}
	case err != nil:
		return err
	case n == 0:
		return &catalog.Error{Code: catalog.EMALFORMED, Message: "The file has no BibTeX entries (they start with @article{, @book{, ...)."}
	}
	return nil
}

// declaresOtherEncoding reports whether a file's beginning declares an
// encoding other than UTF-8.
func declaresOtherEncoding(head []byte) bool {
	m := jabrefEncoding.FindSubmatch(head)
	if m == nil {
		return false
	}
	enc := strings.ToLower(strings.ReplaceAll(string(m[1]), "_", "-"))
	return enc != "utf-8" && enc != "utf8"
}

// streamEntries reads the entries of a BibTeX file from r, calling fn
// with each, as eachEntry reads them from the whole text, in chunks of
// at least size bytes. Each chunk of text is its own string, which the
// entries read from it slice; an entry that a chunk's end cuts off is
// read again with the next chunk.
func streamEntries(r io.Reader, size int, fn func(parsedEntry) error) error {
	p := newParser()
	var chunk []byte
	start, total := 1, 0 // the line chunk starts on; bytes read
	need := size         // what the chunk holds before it is parsed
	parse := func(more bool) error {
		text := string(chunk)
		p.src, p.pos, p.line = text, 0, start
		p.expandLimit = maxExpansion + maxExpansionRatio*total
		rest, err := p.entries(fn, more)
		if err != nil {
			return err
		}
		chunk, start, need = chunk[:0], p.line, size
		if rest >= 0 {
			chunk = append(chunk, text[rest:]...)
			if rest == 0 { // an entry longer than the chunk: wait for twice as much
				need = 2 * len(chunk)
			}
		}
		return nil
	}
	lr := recordio.NewLineReader(r)
	for {
		line, _, err := lr.Next()
		if err == io.EOF {
			return parse(false)
		}
		if err != nil {
			return err
		}
		if len(chunk) >= need && startsEntry(line) {
			if perr := parse(true); perr != nil {
				return perr
			}
		}
		chunk = append(chunk, line...)
		total += len(line)
	}
}

// startsEntry reports whether a line begins with @ (after spaces).
func startsEntry(line []byte) bool {
	t := bytes.TrimLeft(line, " \t")
	return len(t) > 0 && t[0] == '@'
}
