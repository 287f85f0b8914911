package catalog

import (
	"fmt"
	"regexp"
	"strings"
)

// Identifiers as other tools write them: an ISSN with its label ("23993642
// (ISSN)"), two glued together ("1932-84941932-8486"), an ISSN in the ISBN
// field (CNKI), a DOI as a link.
var (
	issnInText = regexp.MustCompile(`(\d{4})[-‐‑–\s]?(\d{3}[\dXx])`)
	isbnInText = regexp.MustCompile(`(?:97[89][-\s]?)?(?:\d[-\s]?){9}[\dXx]`)
	doiInText  = regexp.MustCompile(`10\.\d{4,9}/\S+`)
)

// CleanImported mends what other tools write in an imported record's
// optional fields: identifiers are made valid where the value holds a
// valid one (the first when there are several) and left out where it does
// not, and a date is read from the front of what was written (a date with
// a time, "1887（光绪十三年三月十三日）"), the rest kept in the note. A
// record is not refused for what it can exist without; each change that
// loses something is said in a warning naming the field.
func CleanImported(r *Record) []FieldError {
	var warn []FieldError
	say := func(field, format string, args ...any) {
		warn = append(warn, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	cleanDate(r, say)
	r.Pages = strings.NewReplacer("–", "-", "—", "-", "‐", "-").Replace(r.Pages) // 4–23 is 4-23
	ids := &r.Identifiers
	if v := strings.TrimSpace(ids.ISSN); v != "" && !issnPattern.MatchString(strings.ToUpper(v)) {
		found := issnsIn(v)
		switch {
		case len(found) == 0:
			say("identifiers.issn", "%q is not an ISSN: left out", v)
			ids.ISSN = ""
		default:
			ids.ISSN = found[0]
			if len(found) > 1 {
				say("identifiers.issn", "%q holds %d ISSNs: kept %s, left out %s", v, len(found), found[0], strings.Join(found[1:], ", "))
			}
		}
	}
	if v := strings.TrimSpace(ids.ISBN); v != "" && !ValidISBN(v) {
		var isbns []string
		for _, m := range isbnInText.FindAllString(v, -1) {
			if ValidISBN(m) && !containsString(isbns, m) {
				isbns = append(isbns, m)
			}
		}
		switch {
		case len(isbns) > 0:
			ids.ISBN = isbns[0]
			if len(isbns) > 1 {
				say("identifiers.isbn", "%q holds %d ISBNs: kept %s, left out %s", v, len(isbns), isbns[0], strings.Join(isbns[1:], ", "))
			}
		case len(issnsIn(v)) > 0 && ids.ISSN == "":
			ids.ISBN, ids.ISSN = "", issnsIn(v)[0]
			say("identifiers.isbn", "%q is an ISSN: moved to identifiers.issn", v)
		default:
			ids.ISBN = ""
			say("identifiers.isbn", "%q is not an ISBN with a correct check digit: left out", v)
		}
	}
	if v := strings.TrimSpace(ids.DOI); v != "" && !doiPattern.MatchString(v) {
		if m := doiInText.FindString(v); m != "" {
			ids.DOI = strings.TrimRight(m, ".,;")
		} else {
			ids.DOI = ""
			say("identifiers.doi", "%q is not a DOI: left out", v)
		}
	}
	if v := strings.TrimSpace(ids.URL); v != "" {
		if err := checkURL(v); err != nil {
			ids.URL = ""
			say("identifiers.url", "%q %v: left out", v, err)
		}
	}
	return warn
}

// dateAtFront is a date at the start of a text: 2016, 2016-01,
// 2016-01-02, with - / or . between.
var dateAtFront = regexp.MustCompile(`^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?`)

// plainDate is a date in Annals' own form, possible or not.
var plainDate = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`)

// cleanDate reads the date at the front of an invalid one, keeping what it
// cannot read in the note.
func cleanDate(r *Record, say func(field, format string, args ...any)) {
	v := strings.TrimSpace(r.Date)
	// a date written as Annals writes them but impossible (2025-02-30) is
	// the cataloguer's to correct: validation refuses it
	if v == "" || ValidDate(v) || plainDate.MatchString(v) {
		return
	}
	date := ""
	rest := v
	if m := dateAtFront.FindStringSubmatch(v); m != nil {
		parts := []string{m[1]}
		for _, p := range m[2:] {
			if p != "" {
				parts = append(parts, fmt.Sprintf("%02s", p))
			}
		}
		for len(parts) > 0 && !ValidDate(strings.Join(parts, "-")) {
			parts = parts[:len(parts)-1]
		}
		if len(parts) > 0 {
			date = strings.Join(parts, "-")
			rest = strings.TrimSpace(v[len(m[0]):])
		}
	}
	r.Date = date
	if isClockTime(rest) { // 2016-01-01T00:00:00: the day is all a record has
		return
	}
	if r.Note != "" {
		r.Note += "\n"
	}
	r.Note += "Date as given: " + v
	if date == "" {
		say("date", "%q is not a date Annals can read: left out (kept in the note)", v)
	} else {
		say("date", "%q read as %s (the whole kept in the note)", v, date)
	}
}

// isClockTime reports whether s is what follows a date in an ISO date and
// time ("T00:00:00", "T12:30:00Z").
func isClockTime(s string) bool {
	return regexp.MustCompile(`^T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$`).MatchString(s)
}

// issnsIn finds the ISSNs in text, in order, once each, written
// 1234-567X; those whose check digit is wrong come after the right ones.
func issnsIn(text string) []string {
	var good, bad []string
	for _, m := range issnInText.FindAllStringSubmatch(text, -1) {
		issn := m[1] + "-" + strings.ToUpper(m[2])
		if containsString(good, issn) || containsString(bad, issn) {
			continue
		}
		if issnCheckDigitOK(issn) {
			good = append(good, issn)
		} else {
			bad = append(bad, issn)
		}
	}
	return append(good, bad...)
}

// issnCheckDigitOK checks an ISSN's check digit (weights 8 to 2, mod 11).
func issnCheckDigitOK(issn string) bool {
	d := strings.ReplaceAll(issn, "-", "")
	sum := 0
	for i := 0; i < 7; i++ {
		sum += int(d[i]-'0') * (8 - i)
	}
	check := (11 - sum%11) % 11
	want := byte('0' + check)
	if check == 10 {
		want = 'X'
	}
	return d[7] == want
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
