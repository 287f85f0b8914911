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
	r.Date = cleanDate(r.Date, "Date", &r.Note, "date", say)
	r.OriginalDate = cleanDate(r.OriginalDate, "Original date", &r.Note, "original_date", say)
	r.Pages = strings.NewReplacer("–", "-", "—", "-", "‐", "-").Replace(r.Pages) // 4–23 is 4-23
	// a book's or a report's "pages" of one number is how many it has
	if (r.Kind == KindBook || r.Kind == KindReport) && r.NumberOfPages == "" && r.Pages != "" && isDigits(r.Pages) {
		r.NumberOfPages, r.Pages = r.Pages, ""
	}
	cleanISSNs(&r.Identifiers, say)
	cleanISBNs(&r.Identifiers, say)
	ids := &r.Identifiers
	if v := strings.TrimSpace(ids.DOI); v != "" && !doiPattern.MatchString(v) {
		if m := doiInText.FindString(v); m != "" {
			ids.DOI = strings.TrimRight(m, ".,;")
		} else {
			ids.DOI = ""
			say("identifiers.doi", "%q is not a DOI: left out", v)
		}
	}
	normalizeIdentifiers(ids)
	for _, f := range []struct {
		name  string
		value *string
		re    *regexp.Regexp
	}{{"pmid", &ids.PMID, pmidPattern}, {"pmcid", &ids.PMCID, pmcidPattern}, {"arxiv", &ids.ArXiv, arxivPattern},
		{"handle", &ids.Handle, handlePattern}} {
		if *f.value != "" && !f.re.MatchString(*f.value) {
			say("identifiers."+f.name, "%q is not a valid %s: left out", *f.value, strings.ToUpper(f.name))
			*f.value = ""
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

// cleanISSNs reads the ISSNs in the ISSN fields (with labels, glued,
// listed): the first is the ISSN, the others are kept beside it.
func cleanISSNs(ids *Identifiers, say func(field, format string, args ...any)) {
	var all []string
	for i, v := range append([]string{ids.ISSN}, ids.OtherISSNs...) {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if issnPattern.MatchString(strings.ToUpper(v)) {
			all = appendNew(all, strings.ToUpper(v))
			continue
		}
		found := issnsIn(v)
		if len(found) == 0 {
			field := "identifiers.issn"
			if i > 0 {
				field = fmt.Sprintf("identifiers.other_issns[%d]", i-1)
			}
			say(field, "%q is not an ISSN: left out", v)
		}
		for _, f := range found {
			all = appendNew(all, f)
		}
	}
	ids.ISSN, ids.OtherISSNs = "", nil
	if len(all) > 0 {
		ids.ISSN, ids.OtherISSNs = all[0], all[1:]
	}
}

// cleanISBNs does for ISBNs what cleanISSNs does for ISSNs; an ISSN found
// in the ISBN field (CNKI writes them there) is moved to the ISSNs.
func cleanISBNs(ids *Identifiers, say func(field, format string, args ...any)) {
	var all []string
	for i, v := range append([]string{ids.ISBN}, ids.OtherISBNs...) {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		field := "identifiers.isbn"
		if i > 0 {
			field = fmt.Sprintf("identifiers.other_isbns[%d]", i-1)
		}
		if ValidISBN(v) {
			all = appendNew(all, v)
			continue
		}
		var found []string
		for _, m := range isbnInText.FindAllString(v, -1) {
			if ValidISBN(m) {
				found = appendNew(found, m)
			}
		}
		switch {
		case len(found) > 0:
			for _, f := range found {
				all = appendNew(all, f)
			}
		case len(issnsIn(v)) > 0:
			for _, issn := range issnsIn(v) {
				if ids.ISSN == "" {
					ids.ISSN = issn
				} else if ids.ISSN != issn && !containsString(ids.OtherISSNs, issn) {
					ids.OtherISSNs = append(ids.OtherISSNs, issn)
				}
			}
			say(field, "%q is an ISSN: moved to identifiers.issn", v)
		default:
			say(field, "%q is not an ISBN with a correct check digit: left out", v)
		}
	}
	ids.ISBN, ids.OtherISBNs = "", nil
	if len(all) > 0 {
		ids.ISBN, ids.OtherISBNs = all[0], all[1:]
	}
}

func appendNew(list []string, s string) []string {
	if containsString(list, s) {
		return list
	}
	return append(list, s)
}

// dateAtFront is a date at the start of a text: 2016, 2016-01,
// 2016-01-02, with - / or . between.
var dateAtFront = regexp.MustCompile(`^\s*(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?`)

// plainDate is a date in Annals' own form, possible or not.
var plainDate = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`)

// cleanDate reads the date at the front of an invalid one (the record's
// date or original date, called what in the note and field in the
// warning), keeping what it cannot read in the note.
func cleanDate(v, what string, note *string, field string, say func(field, format string, args ...any)) string {
	v = strings.TrimSpace(v)
	// a date written as Annals writes them but impossible (2025-02-30) is
	// the cataloguer's to correct: validation refuses it
	if v == "" || ValidDate(v) || plainDate.MatchString(v) {
		return v
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
	if clockTime.MatchString(rest) { // 2016-01-01T00:00:00: the day is all a record has
		return date
	}
	if *note != "" {
		*note += "\n"
	}
	*note += what + " as given: " + v
	if date == "" {
		say(field, "%q is not a date Annals can read: left out (kept in the note)", v)
	} else {
		say(field, "%q read as %s (the whole kept in the note)", v, date)
	}
	return date
}

// clockTime is what follows a date in an ISO date and time ("T00:00:00",
// "T12:30:00Z").
var clockTime = regexp.MustCompile(`^T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$`)

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
