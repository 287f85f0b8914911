package csl

import (
	"fmt"
	"strconv"
	"strings"
)

// dateUnits orders date parts from the largest.
var dateUnits = map[string]int{"year": 3, "month": 2, "day": 1}

// renderDate renders a date variable, localized (form="text" or
// "numeric", from the locale) or as the style spells it out.
func (r *renderer) renderDate(n *node) result {
	name := n.get("variable")
	res := result{called: 1}
	d := r.item.dates[name]
	if d == nil || r.suppressed[name] {
		return res
	}
	if r.substituting {
		r.suppress(name)
	}
	res.filled = 1
	parts, delim := r.dateParts(n)
	if r.sorting {
		// a macro's date sorts on the parts it shows (a year-only date
		// ties with another of the same year)
		shown := map[string]bool{}
		for _, p := range parts {
			shown[p.get("name")] = true
		}
		res.s = sortDateParts(d, shown)
		return res
	}
	if d.Literal != "" && len(d.Parts) == 0 {
		res.s = r.decorate(n, d.Literal)
		return res
	}
	r.dateVar = name
	res.s = r.decorate(n, r.formatDate(d, parts, delim))
	r.dateVar = ""
	return res
}

// dateParts returns the date-part elements to render, in order, with the
// delimiter between them. A localized form takes the locale's and lets the
// style's date-parts override their attributes.
func (r *renderer) dateParts(n *node) ([]*node, string) {
	if r.cache == nil {
		return r.buildDateParts(n)
	}
	if e, ok := r.cache.dateParts.Load(n); ok {
		d := e.(datePartsEntry)
		return d.parts, d.delim
	}
	parts, delim := r.buildDateParts(n)
	r.cache.dateParts.Store(n, datePartsEntry{parts, delim})
	return parts, delim
}

type datePartsEntry struct {
	parts []*node
	delim string
}

func (r *renderer) buildDateParts(n *node) ([]*node, string) {
	form := n.get("form")
	if form == "" {
		return n.all("date-part"), n.get("delimiter")
	}
	local := r.locale.date(form)
	if local == nil {
		return n.all("date-part"), n.get("delimiter")
	}
	limit := n.get("date-parts")
	if limit == "" {
		limit = "year-month-day"
	}
	keep := map[string]bool{"year": true}
	if limit != "year" {
		keep["month"] = true
	}
	if limit == "year-month-day" {
		keep["day"] = true
	}
	var out []*node
	for _, p := range local.all("date-part") {
		if !keep[p.get("name")] {
			continue
		}
		merged := &node{name: "date-part", attr: inherit(p.attr)}
		for _, o := range n.all("date-part") {
			if o.get("name") == p.get("name") {
				for k, v := range o.attr { // a localized date's parts keep the locale's affixes
					if k != "prefix" && k != "suffix" {
						merged.attr[k] = v
					}
				}
			}
		}
		merged.classify()
		out = append(out, merged)
	}
	return out, local.get("delimiter")
}

// partValue is the value of a unit in a date, 0 when it is missing.
func partValue(p []int, unit string) int {
	i := map[string]int{"year": 0, "month": 1, "day": 2}[unit]
	if i < len(p) {
		return p[i]
	}
	return 0
}

// formatDate renders a date or a date range with the given parts.
func (r *renderer) formatDate(d *Date, parts []*node, delim string) string {
	start := d.Parts[0]
	if len(d.Parts) < 2 || equalParts(d.Parts[0], d.Parts[1]) {
		return r.datePartsText(start, parts, delim)
	}
	end := d.Parts[1]
	// The largest unit that differs decides what is a range.
	diff := ""
	for _, u := range []string{"year", "month", "day"} {
		if partValue(start, u) != partValue(end, u) {
			diff = u
			break
		}
	}
	// The contiguous run of parts no larger than the differing unit is
	// given twice, joined by the range delimiter of the differing part.
	first, last := -1, -1
	for i, p := range parts {
		if dateUnits[p.get("name")] <= dateUnits[diff] {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return r.datePartsText(start, parts, delim)
	}
	rangeDelim := "–"
	for _, p := range parts {
		if p.get("name") == diff && p.has("range-delimiter") {
			rangeDelim = p.get("range-delimiter")
		}
	}
	before := r.datePartsText(start, parts[:first], delim)
	seg := parts[first : last+1]
	a := r.datePartsText(start, seg, delim)
	b := r.datePartsText(end, seg, delim)
	after := r.datePartsText(start, parts[last+1:], delim)
	// The range delimiter replaces the affixes at the join: strip the last
	// part's suffix from the start and the first part's prefix from the end.
	a = strings.TrimSuffix(a, seg[len(seg)-1].get("suffix"))
	b = strings.TrimPrefix(b, seg[0].get("prefix"))
	out := joinNonEmpty(delim, before, a+rangeDelim+b)
	return joinNonEmpty(delim, out, after)
}

func joinNonEmpty(delim string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return joinAll(keep, delim)
}

func equalParts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// datePartsText renders the given parts of one date.
func (r *renderer) datePartsText(p []int, parts []*node, delim string) string {
	var out []string
	for _, part := range parts {
		if s := r.datePart(p, part); s != "" {
			out = append(out, s)
		}
	}
	return joinAll(out, delim)
}

// datePart renders one part (day, month or year) of a date.
func (r *renderer) datePart(p []int, part *node) string {
	name := part.get("name")
	v := partValue(p, name)
	if v == 0 && name != "year" {
		return ""
	}
	form := part.get("form")
	var s string
	switch name {
	case "year":
		if len(p) == 0 {
			return ""
		}
		switch {
		case v < 0:
			s = strconv.Itoa(-v) + r.locale.term("bc", "", false, "")
		case form == "short":
			s = fmt.Sprintf("%02d", v%100)
		default:
			s = strconv.Itoa(v)
		}
		if r.dateVar == "issued" && !r.style.explicitYearSuffix && !r.suffixPlaced {
			// a style that does not place year-suffix gets it after the
			// first year of issued it renders ("1930a")
			if ys := r.item.Var("year-suffix"); ys != "" {
				s += ys
				r.suffixPlaced = true
			}
		}
	case "month":
		switch {
		case v > 12 && v <= 16: // seasons
			s = r.locale.term(fmt.Sprintf("season-%02d", v-12), "", false, "")
		case form == "numeric":
			s = strconv.Itoa(v)
		case form == "numeric-leading-zeros":
			s = fmt.Sprintf("%02d", v)
		case form == "short":
			s = r.locale.term(fmt.Sprintf("month-%02d", v), "short", false, "")
		default:
			s = r.locale.term(fmt.Sprintf("month-%02d", v), "long", false, "")
		}
	case "day":
		switch form {
		case "numeric-leading-zeros":
			s = fmt.Sprintf("%02d", v)
		case "ordinal":
			if v == 1 || !truthy(r.locale.option("limit-day-ordinals-to-day-1")) {
				s = r.ordinal(v, r.locale.gender(fmt.Sprintf("month-%02d", partValue(p, "month"))))
			} else {
				s = strconv.Itoa(v)
			}
		default:
			s = strconv.Itoa(v)
		}
	}
	return r.decorate(part, s)
}

// sortDate is a date as a sort key: YYYYMMDD, padded.
func sortDate(d *Date) string {
	return sortDateParts(d, map[string]bool{"year": true, "month": true, "day": true})
}

// sortDateParts is a sort key of the given parts of a date, the others
// taken as zero.
func sortDateParts(d *Date, shown map[string]bool) string {
	if len(d.Parts) == 0 {
		return d.Literal
	}
	p := d.Parts[0]
	part := func(unit string) int {
		if !shown[unit] {
			return 0
		}
		return partValue(p, unit)
	}
	return fmt.Sprintf("%05d%02d%02d", part("year")+10000, part("month"), part("day"))
}
