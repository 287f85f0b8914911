package i18n

import "fmt"

// Dates are written by patterns in the messages, so that each language
// keeps its own order and words: date.year, date.month and date.day, and
// date.days for a range within one month. Their arguments are {0} the
// year, {1} the month's name (month.N after a day, month.alone.N on its
// own), {2} the day (or the first day), {3} the last day of a range or the
// month's number, {4} the month's number in a range.

// Date writes an ISO date (2025, 2025-06, 2025-06-04): 4 June 2025,
// 4 июня 2025 г., 2025年6月4日. Anything else is returned as it is.
func (l Lang) Date(iso string) string {
	y, m, d, n := parseDate(iso)
	switch n {
	case 1:
		return l.T("date.year", y)
	case 2:
		return l.T("date.month", y, l.T(fmt.Sprintf("month.alone.%d", m)), m)
	case 3:
		return l.T("date.day", y, l.T(fmt.Sprintf("month.%d", m)), d, m)
	}
	return iso
}

// DateRange writes the dates of an event: 4–6 June 2025 within a month,
// both dates in full otherwise.
func (l Lang) DateRange(start, end string) string {
	if end == "" || end == start {
		return l.Date(start)
	}
	y1, m1, d1, n1 := parseDate(start)
	y2, m2, d2, n2 := parseDate(end)
	if n1 == 3 && n2 == 3 && y1 == y2 && m1 == m2 {
		return l.T("date.days", y1, l.T(fmt.Sprintf("month.%d", m1)), d1, d2, m1)
	}
	return l.Date(start) + " – " + l.Date(end)
}

// parseDate reads YYYY, YYYY-MM or YYYY-MM-DD; n is how many parts were
// read and are valid (0 for none).
func parseDate(s string) (y, m, d, n int) {
	var rest string
	n, _ = fmt.Sscanf(s, "%4d-%2d-%2d%s", &y, &m, &d, &rest)
	if rest != "" || len(s) > 10 {
		return 0, 0, 0, 0
	}
	switch {
	case n >= 2 && (m < 1 || m > 12):
		return 0, 0, 0, 0
	case n == 3 && (d < 1 || d > 31):
		return 0, 0, 0, 0
	}
	return y, m, d, min(n, 3)
}
