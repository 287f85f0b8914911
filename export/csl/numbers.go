package csl

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// renderNumber renders a number variable: numeric, ordinal, long-ordinal
// or roman when it is a number, as text otherwise.
func (r *renderer) renderNumber(n *node) result {
	name := n.get("variable")
	res := result{called: 1}
	v := r.item.Var(name)
	if v == "" || r.suppressed[name] {
		return res
	}
	res.filled = 1
	num, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		res.s = r.decorate(n, numberRange(v))
		return res
	}
	switch n.get("form") {
	case "ordinal":
		v = r.ordinal(num, r.locale.gender(name))
	case "long-ordinal":
		if num >= 1 && num <= 10 {
			v = r.locale.term(fmt.Sprintf("long-ordinal-%02d", num), "", false, r.locale.gender(name))
		} else {
			v = r.ordinal(num, r.locale.gender(name))
		}
	case "roman":
		v = roman(num)
	default:
		v = strconv.Itoa(num)
	}
	res.s = r.decorate(n, v)
	return res
}

// ordinal writes 1st, 2nd... with the locale's ordinal terms.
func (r *renderer) ordinal(n int, gender string) string {
	suffix := ""
	for _, key := range []string{fmt.Sprintf("ordinal-%02d", n%100), fmt.Sprintf("ordinal-%02d", n%10), "ordinal"} {
		if key == fmt.Sprintf("ordinal-%02d", n%10) && n%100 >= 11 && n%100 <= 13 {
			continue
		}
		if r.locale.has(key, "long") {
			suffix = r.locale.term(key, "", false, gender)
			break
		}
	}
	return strconv.Itoa(n) + suffix
}

func roman(n int) string {
	if n <= 0 || n >= 4000 {
		return strconv.Itoa(n)
	}
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"m", "cm", "d", "cd", "c", "xc", "l", "xl", "x", "ix", "v", "iv", "i"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}

// numberSeparator separates the numbers of a list or range ("3-4",
// "3, 5", "3 & 5", "3 and 5").
var numberSeparator = regexp.MustCompile(`\s*(?:[-–&,]|\band\b)\s*`)

// numericPart is one number as citeproc-js reads them: digits with a few
// letters before or after ("S12", "12a"), or a roman numeral ("xx").
var numericPart = regexp.MustCompile(`^(?:[A-Za-z]{0,3}\d+[A-Za-z]{0,3}|[ivxlcdmIVXLCDM]+)$`)

// countedNumber is a number a label counts: digits with a few letters,
// or a roman numeral in lower case ("xxii"; "XX, 327" is one page, as in
// citeproc-js).
var countedNumber = regexp.MustCompile(`^(?:[A-Za-z]{0,3}\d+[A-Za-z]{0,3}|[ivxlcdm]+)$`)

// numberRomanRange is a number and an upper-case roman one joined as a
// range ("60-I", a journal's volume and part), which citeproc-js counts
// as two numbers; "XX, 327" (pages) it does not.
var numberRomanRange = regexp.MustCompile(`^\d+\s*[-–]\s*[IVXLCDM]+$`)

// severalNumbers reports whether v holds more than one number.
func severalNumbers(v string) bool {
	if numberRomanRange.MatchString(strings.TrimSpace(v)) {
		return true
	}
	n := 0
	for _, p := range numberSeparator.Split(strings.TrimSpace(v), -1) {
		if countedNumber.MatchString(p) {
			n++
		}
	}
	return n > 1
}

// renderLabel renders the term that labels a number variable ("p.",
// "pp.", "vol."), plural when the variable holds several numbers.
func (r *renderer) renderLabel(n *node, variable string) result {
	v := r.item.Var(variable)
	if variable == "locator" {
		if lbl := r.item.Var("label"); lbl != "" {
			variable = lbl
		} else {
			variable = "page"
		}
	}
	if v == "" {
		return result{}
	}
	plural := severalNumbers(v)
	if variable == "number-of-pages" || variable == "number-of-volumes" {
		if num, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			plural = num > 1
		}
	}
	switch n.get("plural") {
	case "always":
		plural = true
	case "never":
		plural = false
	}
	t := r.locale.term(variable, n.get("form"), plural, "")
	return result{s: r.decorateTerm(n, t)}
}

// pageRange writes a page range in the style's format, with an en dash.
func pageRange(v, format string, locale chain) string {
	delim := locale.term("page-range-delimiter", "", false, "")
	if delim == "" {
		delim = "–"
	}
	var out []string
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		a, b, ok := strings.Cut(strings.ReplaceAll(part, "–", "-"), "-")
		a, b = strings.TrimSpace(a), strings.TrimSpace(strings.TrimLeft(b, "-"))
		if !ok || b == "" || !numericPart.MatchString(a) || !numericPart.MatchString(b) { // "217495:1-217495:14" stays
			out = append(out, part)
			continue
		}
		out = append(out, a+delim+collapsePages(a, b, format))
	}
	return strings.Join(out, ", ")
}

// collapsePages shortens the end of a range per page-range-format.
func collapsePages(a, b, format string) string {
	na, ea := strconv.Atoi(a)
	nb, eb := strconv.Atoi(b)
	if ea != nil || eb != nil || na < 0 || (format == "" && nb < na) {
		return b // without a format, "1204-22" stays short (as citeproc-js)
	}
	full := b
	if len(b) < len(a) { // given short ("321-28"): expand first
		full = a[:len(a)-len(b)] + b
	}
	if nb, _ := strconv.Atoi(full); nb <= na { // "294-294" is not a range to shorten
		return b
	}
	sa := a
	switch format {
	case "", "expanded":
		return full
	case "minimal", "minimal-two":
		minLen := 1
		if format == "minimal-two" {
			minLen = 2
		}
		if len(sa) != len(full) {
			return full
		}
		i := 0
		for i < len(sa) && sa[i] == full[i] {
			i++
		}
		keep := len(full) - i
		if keep < minLen {
			keep = min(minLen, len(full))
		}
		return full[len(full)-keep:]
	case "chicago", "chicago-15", "chicago-16":
		if na < 100 || na%100 == 0 {
			return full
		}
		if len(sa) != len(full) {
			return full
		}
		if na%100 < 10 { // 101-8, 808-33
			return collapsePages(a, full, "minimal")
		}
		s := collapsePages(a, full, "minimal-two")
		if format == "chicago-15" && len(sa) == 4 && len(s) < 3 && sa[1] != full[1] {
			return full[1:]
		}
		return s
	}
	return full
}

// numberRange writes a range of two numbers ("3-4", "60-I") with an en
// dash; anything else ("G-136-2022", a standard's number) as written.
func numberRange(v string) string {
	if !strings.Contains(v, "-") {
		return v
	}
	parts := strings.Split(v, ",")
	for i, part := range parts {
		a, b, ok := strings.Cut(part, "-")
		if ok && !strings.Contains(b, "-") && rangeEnd(strings.TrimSpace(a)) && rangeEnd(strings.TrimSpace(b)) {
			parts[i] = strings.TrimRight(a, " ") + "–" + strings.TrimLeft(b, " ")
		}
	}
	return strings.Join(parts, ",")
}

// rangeEnd reports whether s can end a range of numbers as citeproc-js
// reads them: digits, perhaps with a few letters after them ("107",
// "7178999X"), or a roman numeral ("I"); not "s2", "G", "116 Stat. 745 107"
// or an identifier such as "2006BAK04A10/10.2013" (citeproc-js does write
// that one with an en dash after a "No." label; Annals does not).
func rangeEnd(s string) bool {
	return digitsThenLetters.MatchString(s) || romanNumeral.MatchString(s)
}

var digitsThenLetters = regexp.MustCompile(`^\d+[A-Za-z]{0,3}$`)

// numericVars are the number variables a style may print with cs:text.
var numericVars = map[string]bool{"volume": true, "issue": true, "number": true, "edition": true,
	"chapter-number": true, "collection-number": true, "part-number": true, "supplement-number": true,
	"number-of-volumes": true, "number-of-pages": true, "citation-number": true}
