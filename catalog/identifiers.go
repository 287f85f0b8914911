package catalog

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
)

var (
	keyPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)
	orcidShape  = regexp.MustCompile(`^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$`)
	doiPattern  = regexp.MustCompile(`^10\.\d{4,9}/\S+$`)
	issnPattern = regexp.MustCompile(`^\d{4}-\d{3}[\dX]$`)
)

// ValidID reports whether id may name a record or an event.
// (^[a-z0-9][a-z0-9._-]{0,127}$, read byte by byte: every import asks it
// of every item.)
func ValidID(id string) bool {
	if len(id) == 0 || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || i > 0 && (c == '.' || c == '_' || c == '-')) {
			return false
		}
	}
	return true
}

// IDFromKey makes a record id of another tool's key (a BibTeX key, a RIS
// or CSL-JSON id), the same way every time: lower case, each run of
// characters an id may not have ("gbt7714.7.1.1:11", "Doe 2020") made one
// hyphen. "" when nothing usable is left, or the key has letters of other
// scripts (the import then makes an id from the title).
func IDFromKey(key string) string {
	if ValidID(key) && strings.Trim(key, "-._") == key { // most keys are ids already
		return key
	}
	for _, r := range key {
		if r > 0x7f && unicode.IsLetter(r) { // "Иванов2020" is not "2020": the title makes the id
			return ""
		}
	}
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(strings.TrimSpace(key)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	id := strings.Trim(b.String(), "-._")
	if len(id) > 128 {
		id = strings.TrimRight(id[:128], "-._")
	}
	if !ValidID(id) {
		return ""
	}
	return id
}

// ValidORCID reports whether s is an ORCID iD (0000-0002-1825-0097) whose
// check digit (ISO 7064 MOD 11-2) is right.
func ValidORCID(s string) bool {
	if !orcidShape.MatchString(s) {
		return false
	}
	digits := strings.ReplaceAll(s, "-", "")
	total := 0
	for _, c := range digits[:15] {
		total = (total + int(c-'0')) * 2
	}
	check := (12 - total%11) % 11
	want := byte('0' + check)
	if check == 10 {
		want = 'X'
	}
	return digits[15] == want
}

// ValidISBN reports whether s (hyphens and spaces allowed) is an ISBN-10 or
// ISBN-13 with a correct check digit.
func ValidISBN(s string) bool {
	d := strings.NewReplacer("-", "", " ", "").Replace(s)
	switch len(d) {
	case 10:
		sum := 0
		for i := 0; i < 10; i++ {
			c := d[i]
			var v int
			switch {
			case c >= '0' && c <= '9':
				v = int(c - '0')
			case (c == 'X' || c == 'x') && i == 9:
				v = 10
			default:
				return false
			}
			sum += v * (10 - i)
		}
		return sum%11 == 0
	case 13:
		sum := 0
		for i := 0; i < 13; i++ {
			c := d[i]
			if c < '0' || c > '9' {
				return false
			}
			w := 1
			if i%2 == 1 {
				w = 3
			}
			sum += int(c-'0') * w
		}
		return sum%10 == 0
	}
	return false
}

// ValidDate reports whether s is YYYY, YYYY-MM or YYYY-MM-DD naming a real
// calendar date.
func ValidDate(s string) bool {
	var layout string
	switch len(s) {
	case 4:
		layout = "2006"
	case 7:
		layout = "2006-01"
	case 10:
		layout = "2006-01-02"
	default:
		return false
	}
	_, err := time.Parse(layout, s)
	return err == nil
}

// normalizeORCID accepts the forms people paste (https://orcid.org/…,
// lower-case x) and returns the bare iD.
func normalizeORCID(s string) string {
	s = strings.TrimSpace(s)
	for _, p := range []string{"https://orcid.org/", "http://orcid.org/", "orcid.org/"} {
		s = strings.TrimPrefix(s, p)
	}
	return strings.ToUpper(s)
}

// normalizeDOI strips resolver prefixes from a DOI.
func normalizeDOI(s string) string {
	s = strings.TrimSpace(s)
	for _, p := range []string{"https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"} {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			s = s[len(p):]
		}
	}
	return s
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("must be an absolute http or https URL")
	}
	return nil
}
