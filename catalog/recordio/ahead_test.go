package recordio

import (
	"errors"
	"strings"
	"testing"
)

func TestReadAhead(t *testing.T) {
	emitAll := func(n int, after error) func(func(int) error) error {
		return func(emit func(int) error) error {
			for i := 0; i < n; i++ {
				if err := emit(i); err != nil {
					return err
				}
			}
			return after
		}
	}
	// every value, in order
	var got []int
	if err := ReadAhead(emitAll(1000, nil), func(v int) error { got = append(got, v); return nil }); err != nil || len(got) != 1000 {
		t.Fatalf("%v, %d values", err, len(got))
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("value %d is %d", i, v)
		}
	}
	// the reader's error comes after every value it emitted before it
	broken := errors.New("line 131: not a tag")
	got = nil
	if err := ReadAhead(emitAll(130, broken), func(v int) error { got = append(got, v); return nil }); err != broken || len(got) != 130 {
		t.Errorf("%v after %d values", err, len(got))
	}
	// the user's error stops the reader
	full := errors.New("enough")
	read := 0
	err := ReadAhead(func(emit func(int) error) error {
		for i := 0; ; i++ {
			read++
			if err := emit(i); err != nil {
				return err
			}
		}
	}, func(v int) error {
		if v == 10 {
			return full
		}
		return nil
	})
	// at most: the batch in use, the four the channel holds, one waiting to
	// be sent when the stop came (a select may still send it) and the one
	// read before the reader sees the stop
	if err != full || read > 7*aheadBatch {
		t.Errorf("%v; the reader read %d values", err, read)
	}
	// a panic in the reader is an error
	err = ReadAhead(func(emit func(int) error) error { emit(1); panic("index out of range") }, func(int) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "index out of range") {
		t.Errorf("a panicking reader: %v", err)
	}
}
