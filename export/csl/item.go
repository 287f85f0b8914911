package csl

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Name is a CSL name.
type Name struct {
	Family, Given, Literal      string
	DroppingParticle            string
	NonDroppingParticle         string
	Suffix                      string
	CommaSuffix, StaticOrdering bool
}

// Date is a CSL date: one or two [year, month, day] parts, or a literal.
type Date struct {
	Parts   [][]int
	Season  string
	Literal string
	Circa   bool
}

// Item is one CSL-JSON item: its type, its ordinary and number variables
// (as strings), names and dates.
type Item struct {
	ID    string
	Type  string
	vars  map[string]string
	names map[string][]Name
	dates map[string]*Date
	// ambig is what the item's citation shows to be told apart (set by
	// a processor's disambiguation); givenNames the given-name levels a
	// global givenname rule gives its names
	ambig      *ambigConfig
	givenNames map[string]int
}

// nameVars and dateVars are the CSL variables that hold names and dates.
var nameVars = map[string]bool{"author": true, "chair": true, "collection-editor": true, "compiler": true,
	"composer": true, "container-author": true, "contributor": true, "curator": true, "director": true, "editor": true,
	"editorial-director": true, "executive-producer": true, "guest": true, "host": true, "illustrator": true,
	"interviewer": true, "narrator": true, "organizer": true, "original-author": true, "performer": true,
	"producer": true, "recipient": true, "reviewed-author": true, "script-writer": true, "series-creator": true,
	"translator": true, "editor-translator": true}

var dateVars = map[string]bool{"accessed": true, "available-date": true, "event-date": true, "issued": true,
	"original-date": true, "submitted": true}

// ParseItems reads a CSL-JSON array.
func ParseItems(data []byte) ([]*Item, error) {
	var raw []map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	items := make([]*Item, len(raw))
	for i, m := range raw {
		items[i] = ItemFromMap(m)
	}
	return items, nil
}

// ItemFromMap builds an item from a decoded CSL-JSON object.
func ItemFromMap(m map[string]any) *Item {
	it := &Item{vars: map[string]string{}, names: map[string][]Name{}, dates: map[string]*Date{}}
	for k, v := range m {
		switch {
		case k == "id":
			it.ID = fmt.Sprint(v)
		case k == "type":
			it.Type, _ = v.(string)
		case nameVars[k]:
			if list, ok := v.([]any); ok {
				for _, e := range list {
					if nm, ok := e.(map[string]any); ok {
						it.names[k] = append(it.names[k], nameFromMap(nm))
					}
				}
			}
		case dateVars[k]:
			if d := dateFromAny(v); d != nil {
				it.dates[k] = d
			}
		default:
			switch x := v.(type) {
			case string:
				it.vars[k] = protect(x)
			case float64:
				it.vars[k] = strconv.FormatFloat(x, 'f', -1, 64)
			case bool:
			default:
			}
		}
	}
	if it.vars["event-title"] == "" && it.vars["event"] != "" {
		it.vars["event-title"] = it.vars["event"]
	}
	if it.vars["event"] == "" && it.vars["event-title"] != "" {
		it.vars["event"] = it.vars["event-title"]
	}
	return it
}

func str(m map[string]any, k string) string { return protect(rawStr(m, k)) }

// rawStr reads a string (or a number as a string) of a CSL-JSON object.
func rawStr(m map[string]any, k string) string {
	switch v := m[k].(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

func nameFromMap(m map[string]any) Name {
	n := Name{Family: str(m, "family"), Given: str(m, "given"), Literal: str(m, "literal"),
		DroppingParticle: str(m, "dropping-particle"), NonDroppingParticle: str(m, "non-dropping-particle"),
		Suffix: str(m, "suffix")}
	n.CommaSuffix, _ = m["comma-suffix"].(bool)
	n.StaticOrdering, _ = m["static-ordering"].(bool)
	if n.Family == "" && n.Given == "" && n.Literal == "" {
		n.Literal = str(m, "name")
	}
	parseParticles(&n)
	return n
}

// parseParticles finds particles written into the name parts, as CSL
// processors do: lower-case words ending the given name are a dropping
// particle ("Jean de la" Fontaine), lower-case words opening the family
// name a non-dropping one ("van" Gogh).
func parseParticles(n *Name) {
	if n.DroppingParticle == "" {
		words := strings.Fields(n.Given)
		i := len(words)
		for i > 1 && startsLower(words[i-1]) {
			i--
		}
		if i < len(words) {
			n.Given, n.DroppingParticle = strings.Join(words[:i], " "), strings.Join(words[i:], " ")
		}
	}
	if n.NonDroppingParticle == "" {
		words := strings.Fields(n.Family)
		i := 0
		for i < len(words)-1 && startsLower(words[i]) {
			i++
		}
		if i > 0 {
			n.NonDroppingParticle, n.Family = strings.Join(words[:i], " "), strings.Join(words[i:], " ")
		}
	}
}

func startsLower(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsLower(r)
}

func dateFromAny(v any) *Date {
	m, ok := v.(map[string]any)
	if !ok {
		if s, ok := v.(string); ok && s != "" {
			return parseDateString(s)
		}
		return nil
	}
	d := &Date{Literal: str(m, "literal"), Season: str(m, "season")}
	d.Circa, _ = m["circa"].(bool)
	if parts, ok := m["date-parts"].([]any); ok {
		for _, p := range parts {
			arr, ok := p.([]any)
			if !ok {
				continue
			}
			var ints []int
			for _, x := range arr {
				switch n := x.(type) {
				case float64:
					ints = append(ints, int(n))
				case string:
					if i, err := strconv.Atoi(strings.TrimSpace(n)); err == nil {
						ints = append(ints, i)
					}
				}
			}
			if len(ints) > 0 {
				d.Parts = append(d.Parts, ints)
			}
		}
	}
	if raw := str(m, "raw"); raw != "" && len(d.Parts) == 0 && d.Literal == "" {
		return parseDateString(raw)
	}
	if len(d.Parts) == 0 && d.Literal == "" {
		return nil
	}
	return d
}

// parseDateString reads "2025", "2025-06-04" or "2025-06-04/2025-06-06".
func parseDateString(s string) *Date {
	d := &Date{}
	for _, end := range strings.Split(s, "/") {
		var ints []int
		for _, p := range strings.Split(strings.TrimSpace(end), "-") {
			i, err := strconv.Atoi(p)
			if err != nil {
				return &Date{Literal: s}
			}
			ints = append(ints, i)
		}
		d.Parts = append(d.Parts, ints)
	}
	return d
}

// Var returns an ordinary or number variable.
func (it *Item) Var(name string) string { return it.vars[name] }

// SetVar sets a variable (citation-number, year-suffix, locator...).
func (it *Item) SetVar(name, value string) { it.vars[name] = protect(value) }

func (it *Item) hasVar(name string) bool {
	switch {
	case nameVars[name]:
		return len(it.names[name]) > 0
	case dateVars[name]:
		return it.dates[name] != nil
	}
	return it.vars[name] != ""
}

// locatorLabels are the kinds of locator CSL names (its locator terms).
var locatorLabels = []string{"act", "appendix", "article-locator", "book", "canon", "chapter", "column", "elocation",
	"equation", "figure", "folio", "issue", "line", "note", "opus", "page", "paragraph", "part", "rule", "scene",
	"section", "sub-verbo", "supplement", "table", "timestamp", "title-locator", "verse", "version", "volume"}

// LocatorLabels are the kinds of locator a citation may point at ("page",
// "chapter", "figure"...).
func LocatorLabels() []string { return slices.Clone(locatorLabels) }

// SetLocator points an item's citation at a place in it: "12" or "12–14",
// of a kind of LocatorLabels ("" for page).
func (it *Item) SetLocator(locator, label string) {
	it.SetVar("locator", locator)
	it.SetVar("label", label)
}
