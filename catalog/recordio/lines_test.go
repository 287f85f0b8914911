package recordio

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// readStringLines reads every line of text with StringLines, through a
// reader that gives one byte at a time when slow is set.
func readStringLines(t *testing.T, text string, slow bool) ([]string, error) {
	t.Helper()
	var r io.Reader = strings.NewReader(text)
	if slow {
		r = iotest.OneByteReader(r)
	}
	lines := NewStringLines(r)
	var got []string
	for {
		line, no, err := lines.Next()
		if errors.Is(err, io.EOF) {
			return got, nil
		}
		if err != nil {
			return got, err
		}
		if no != len(got)+1 {
			t.Fatalf("line %q numbered %d, want %d", line, no, len(got)+1)
		}
		got = append(got, line)
	}
}

// TestStringLines: lines without their breaks (CRLF too), the first
// without a byte order mark, the last without a line break, empty lines,
// and lines longer than a chunk whole.
func TestStringLines(t *testing.T) {
	long := strings.Repeat("ж", chunkSize) // 2 MiB: longer than a chunk
	for name, tc := range map[string]struct {
		text string
		want []string
	}{
		"plain":      {"TY  - JOUR\nER  - \n", []string{"TY  - JOUR", "ER  - "}},
		"crlf":       {"TY  - JOUR\r\nER  - \r\n", []string{"TY  - JOUR", "ER  - "}},
		"bom":        {"\ufeffTY  - JOUR\n", []string{"TY  - JOUR"}},
		"no break":   {"A\n\nB", []string{"A", "", "B"}},
		"empty":      {"", nil},
		"long lines": {"A\n" + long + "\nB\n" + long, []string{"A", long, "B", long}},
	} {
		for _, slow := range []bool{false, true} {
			if slow && len(tc.text) > 1<<16 {
				continue
			}
			got, err := readStringLines(t, tc.text, slow)
			if err != nil || strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
				t.Errorf("%s (slow %v): %d lines %.40q, %v; want %d", name, slow, len(got), got, err, len(tc.want))
			}
		}
	}
}

// TestStringLinesNameTheLineOfBadUTF8: invalid UTF-8 is an error naming
// its line, in any chunk.
func TestStringLinesNameTheLineOfBadUTF8(t *testing.T) {
	filler := strings.Repeat(strings.Repeat("x", 99)+"\n", chunkSize/100+10) // past the first chunk
	n := strings.Count(filler, "\n")
	_, err := readStringLines(t, filler+"ok\nbad \xff here\n", false)
	if err == nil || !strings.Contains(err.Error(), "Line "+strconv.Itoa(n+2)+", column 5") {
		t.Fatalf("err = %v, want line %d column 5", err, n+2)
	}
}
