package sqlvalues

import (
	"testing"
	"time"
)

// TestTimesSortAsText: stored times compare as text in time order (across
// zones and sub-second digits) and read back to the microsecond.
func TestTimesSortAsText(t *testing.T) {
	a := time.Date(2026, 12, 1, 9, 0, 0, 1_000, time.UTC)
	b := time.Date(2026, 12, 1, 12, 0, 0, 999_000, time.FixedZone("MSK", 3*3600)) // 09:00:00.000999 UTC
	if !a.Before(b) || !(FormatTime(a) < FormatTime(b)) {
		t.Errorf("%s and %s do not sort as their times", FormatTime(a), FormatTime(b))
	}
	if got := ParseTime(FormatTime(b)); !got.Equal(b.Truncate(time.Microsecond)) {
		t.Errorf("read back %v, want %v", got, b)
	}
	if NullText(nil) != nil || NullInt(0) != nil || NullString("") != nil || NullString("x") != "x" {
		t.Error("empty values are not NULL")
	}
}
