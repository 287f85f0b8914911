package bibtex

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/annals/annals/catalog/catalogtest"
)

// streamedLikeWhole checks that reading data in chunks as small as can be
// (each line that starts with @ ends one) gives the entries, or the
// error, that reading it whole gives.
func streamedLikeWhole(t *testing.T, name string, data []byte) {
	t.Helper()
	text := strings.TrimPrefix(string(data), "\ufeff")
	var whole, streamed []parsedEntry
	wholeErr := eachEntry(text, func(e parsedEntry) error { whole = append(whole, e); return nil })
	streamErr := streamEntries(bufio.NewReader(strings.NewReader(string(data))), 1, func(e parsedEntry) error {
		streamed = append(streamed, e)
		return nil
	})
	if wholeErr != nil || streamErr != nil {
		if wholeErr == nil || streamErr == nil || wholeErr.Error() != streamErr.Error() {
			t.Fatalf("%s: whole %v, streamed %v", name, wholeErr, streamErr)
		}
		return
	}
	if !reflect.DeepEqual(whole, streamed) {
		for i := range min(len(whole), len(streamed)) {
			if !reflect.DeepEqual(whole[i], streamed[i]) {
				t.Fatalf("%s: entry %d:\nwhole    %+v\nstreamed %+v", name, i, whole[i], streamed[i])
			}
		}
		t.Fatalf("%s: %d entries whole, %d streamed", name, len(whole), len(streamed))
	}
}

// TestStreamReadsTheCorpusAsWhole: every BibTeX file of the corpus (and
// the package's own) read a chunk at a time gives exactly the entries
// read whole, as do entries cut by lines that start with @ inside them.
func TestStreamReadsTheCorpusAsWhole(t *testing.T) {
	files, _ := filepath.Glob(catalogtest.SharedPath(t, "corpora", "bibliographic") + "/*/*.bib")
	more, _ := filepath.Glob(catalogtest.SharedPath(t, "corpora", "bibliographic") + "/*.bib")
	files = append(append(files, more...), "testdata/mixed.bib")
	t.Logf("%d files", len(files))
	if len(files) < 5 {
		t.Fatalf("only %d BibTeX files found", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if utf8.Valid(data) { // the others are read whole (their declared encoding)
			streamedLikeWhole(t, filepath.Base(f), data)
		}
	}
	streamedLikeWhole(t, "an @ at a line's start inside a value",
		[]byte("@article{a,\n  abstract = {first line\n@ second line\n@third},\n  title = {T}}\n@book{b, title = {B}}\n"))
	streamedLikeWhole(t, "an @string used after a chunk's end",
		[]byte("@string{ras = {Академия}}\n@book{a, publisher = ras}\n@book{b, publisher = ras # { наук}}\n"))
	streamedLikeWhole(t, "a brace never closed",
		[]byte("@book{a, title = {A}}\n@book{b, title = {B\n@book{c, title = {C}}\n"))
	streamedLikeWhole(t, "text between entries",
		[]byte("Some notes.\n@comment{x}\n@preamble{\"p\"}\n@book{a, title = {A}}\nmore notes\n"))
}

// TestStreamFollowsCrossrefs: children come before the proceedings they
// name (as BibTeX wants) or after; either way they take its fields, and
// the items stay in file order.
func TestStreamFollowsCrossrefs(t *testing.T) {
	data := "@proceedings{early, title = {Early Proceedings}, year = {2020}, publisher = {P}}\n" +
		"@article{plain, title = {Plain}, author = {A, B}, year = {2021}}\n" +
		"@inproceedings{c1, title = {Child one}, author = {Doe, J.}, crossref = {late}}\n" +
		"@inproceedings{c2, title = {Child two}, author = {Roe, R.}, crossref = {early}}\n" +
		"@proceedings{late, title = {Late Proceedings}, year = {2025}, editor = {Ed, E.}}\n"
	items, err := Read([]byte(data))
	if err != nil || len(items) != 5 {
		t.Fatalf("%v, %d items", err, len(items))
	}
	for i, want := range []string{"early", "plain", "c1", "c2", "late"} {
		if items[i].Record.ID != want || items[i].Index != i {
			t.Errorf("item %d: %s (index %d), want %s", i, items[i].Record.ID, items[i].Index, want)
		}
	}
	if got := items[2].Record.Source.ContainerTitle; got != "Late Proceedings" || items[2].Record.Date != "2025" {
		t.Errorf("c1 took %q, %q", got, items[2].Record.Date)
	}
	if got := items[3].Record.Source.ContainerTitle; got != "Early Proceedings" || items[3].Record.Date != "2020" {
		t.Errorf("c2 took %q, %q", got, items[3].Record.Date)
	}
}

// FuzzStreamMatchesWhole: whatever the text, reading it in the smallest
// chunks gives what reading it whole gives.
func FuzzStreamMatchesWhole(f *testing.F) {
	if data, err := os.ReadFile("testdata/mixed.bib"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("@book{a, title = {x\n@y}}\n@book{b,\n title = \"q\"}\n"))
	f.Add([]byte("@string{s = {v}}\n@misc{k, note = s # s}\n@misc{j, note = {\n@\n}}"))
	f.Add([]byte("@misc{k, title = {unclosed\n@misc{j}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) {
			return
		}
		streamedLikeWhole(t, "fuzz", data)
	})
}

// TestStreamReadsLinesLongerThanItsBuffer: a value on one line longer
// than the reader's buffer is read whole, and a bad byte after it is
// reported on its line.
func TestStreamReadsLinesLongerThanItsBuffer(t *testing.T) {
	long := strings.Repeat("Длинная аннотация. ", 10_000) // 350 KB on one line
	items, err := Read([]byte("@article{a,\n  abstract = {" + long + "},\n  title = {T}}\n@book{b, title = {B}}\n"))
	if err != nil || len(items) != 2 || items[0].Record.Abstract != strings.TrimSpace(long) {
		t.Fatalf("%v, %d items", err, len(items))
	}
	_, err = Read([]byte("@article{a,\n  abstract = {" + long + "},\n  title = {T\xff}}\n"))
	if err == nil || !strings.Contains(err.Error(), "Line 3, column 13") {
		t.Fatalf("a bad byte: %v", err)
	}
}

// TestStreamKeepsOnlyRecentBooksForCrossrefs: a streamed file remembers
// the last thousand books before an entry for crossrefs that name them,
// not every book of a catalogue.
func TestStreamKeepsOnlyRecentBooksForCrossrefs(t *testing.T) {
	var b strings.Builder
	for i := range 1500 {
		fmt.Fprintf(&b, "@book{b%d, title = {Book %d}, year = {2001}, publisher = {P%d}}\n", i, i, i)
	}
	b.WriteString("@incollection{near, title = {Near}, author = {A, B}, crossref = {b1400}}\n")
	b.WriteString("@incollection{far, title = {Far}, author = {A, B}, crossref = {b10}}\n")
	items, err := Read([]byte(b.String()))
	if err != nil || len(items) != 1502 {
		t.Fatalf("%v, %d items", err, len(items))
	}
	if near := items[1500].Record; near.Source.ContainerTitle != "Book 1400" || near.Publisher != "P1400" {
		t.Errorf("a recent book was not followed: %+v", near.Source)
	}
	if far := items[1501]; far.Record.Source.ContainerTitle != "" || len(far.Warnings) != 1 || !strings.Contains(far.Warnings[0].Message, "crossref = {b10} names no entry") {
		t.Errorf("a book 1,490 entries back: %+v, warnings %v", far.Record.Source, far.Warnings)
	}
}
