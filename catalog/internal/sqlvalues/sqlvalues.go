// Package sqlvalues holds how the SQL stores (catalog/sqlite and
// catalog/postgres) write values into their columns. Both must write them
// alike: datestamps, cursors and harvest positions encode and compare the
// same way whichever store a catalogue is kept in.
package sqlvalues

import "time"

// timeLayout sorts as text and keeps microseconds.
const timeLayout = "2006-01-02T15:04:05.000000Z07:00"

// FormatTime writes a time as stored: UTC, to the microsecond, sortable.
func FormatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// ParseTime reads a stored time; the zero time for what is not one.
func ParseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// NullText is b as a text column: NULL for nil.
func NullText(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// NullInt is n as a column: NULL for 0.
func NullInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// NullString is s as a column: NULL for "".
func NullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
