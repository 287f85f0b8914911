package search

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/annals/annals/catalog"
)

// Clause is one part of a parsed query.
type Clause struct {
	Field   string // "" for the text fields; otherwise one of QueryFields
	Text    string
	Phrase  bool // "quoted words": the words in this order
	Fuzzy   bool // word~: close spellings match too
	Exclude bool // -word: records that match are left out
}

// QueryFields are the names a query may use before a colon
// (title:intelligence, name:Aldoshin, kind:report), with what each means.
var QueryFields = map[string]string{
	"title":       "words in titles (and translated titles)",
	"abstract":    "words anywhere in the text (title, abstract, keywords)",
	"keyword":     "keywords, topics and affiliations",
	"name":        "contributor names, in any script",
	"author":      "contributor names (same as name)",
	"contributor": "contributor names (same as name)",
	"speaker":     "contributor names (same as name)",
	"kind":        "the kind of output, such as report",
	"topic":       "a topic key, such as artificial-intelligence",
	"country":     "a contributor's country code, such as RU",
	"language":    "the language of the record, such as ru",
	"year":        "the year, such as 2025",
	"event":       "an event id",
	"session":     "a session key",
	"text":        "words in the text of the files (reports, slides), not in the record",
}

// fieldAliases maps query field names to the name the search uses.
var fieldAliases = map[string]string{"author": "name", "contributor": "name", "speaker": "name", "keywords": "keyword"}

// ParseQuery reads what a person typed. Words in any script, "phrases",
// -excluded words, field:value and word~ (fuzzy) are understood; anything
// else (a question mark, a stray colon or dash, an unbalanced quote) is
// read as plain words. The only error is an explicit field name that does
// not exist (EMALFORMED naming it).
func ParseQuery(q string) ([]Clause, error) {
	var clauses []Clause
	rs := []rune(q)
	if strings.Count(q, `"`)%2 == 1 { // an unbalanced quote: drop the last one
		i := strings.LastIndex(q, `"`)
		rs = []rune(q[:i] + " " + q[i+1:])
	}
	for i := 0; i < len(rs); {
		if unicode.IsSpace(rs[i]) {
			i++
			continue
		}
		c := Clause{}
		if rs[i] == '-' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) && rs[i+1] != '-' {
			c.Exclude = true
			i++
		}
		// field:
		if j := fieldPrefix(rs[i:]); j > 0 {
			name := strings.ToLower(string(rs[i : i+j]))
			if canonical, ok := fieldAliases[name]; ok {
				name = canonical
			}
			if _, ok := QueryFields[name]; !ok && name != "keyword" {
				return nil, unknownField(name)
			}
			c.Field = name
			i += j + 1
		}
		if i < len(rs) && rs[i] == '"' {
			end := i + 1
			for end < len(rs) && rs[end] != '"' {
				end++
			}
			c.Text, c.Phrase = strings.TrimSpace(string(rs[i+1:end])), true
			i = end + 1
		} else {
			end := i
			for end < len(rs) && !unicode.IsSpace(rs[end]) {
				end++
			}
			word := string(rs[i:end])
			i = end
			if strings.HasSuffix(word, "~") || (len(word) > 2 && word[len(word)-2] == '~' && strings.ContainsRune("12", rune(word[len(word)-1]))) {
				c.Fuzzy = true
				word = word[:strings.LastIndexByte(word, '~')]
			}
			c.Text = word
		}
		if strings.IndexFunc(c.Text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) < 0 {
			continue // nothing searchable: "?", "-", "~"
		}
		clauses = append(clauses, c)
	}
	return clauses, nil
}

// PlainClauses reads q as plain words with no syntax: quotes, dashes and
// colons are just punctuation. It is how pasted text (an abstract, a
// question) is searched for records like it.
func PlainClauses(q string) []Clause {
	var out []Clause
	for _, w := range strings.FieldsFunc(q, func(r rune) bool { return unicode.IsSpace(r) || r == '"' }) {
		w = strings.TrimLeft(w, "-")
		if strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) >= 0 {
			out = append(out, Clause{Text: w})
		}
	}
	return out
}

// fieldPrefix returns the length of a field name at the start of rs when
// it is followed by a colon and a value ("kind:report", `title:"a b"`), and
// 0 when the colon is stray ("3:2", "note:", "http://...").
func fieldPrefix(rs []rune) int {
	j := 0
	for j < len(rs) && (rs[j] >= 'a' && rs[j] <= 'z' || rs[j] >= 'A' && rs[j] <= 'Z' || rs[j] == '_') {
		j++
	}
	if j == 0 || j >= len(rs)-1 || rs[j] != ':' {
		return 0
	}
	next := rs[j+1]
	if unicode.IsSpace(next) || next == ':' || next == '/' {
		return 0
	}
	return j
}

func unknownField(name string) error {
	names := make([]string, 0, len(QueryFields))
	for n := range QueryFields {
		names = append(names, n)
	}
	slices.Sort(names)
	return &catalog.Error{Code: catalog.EMALFORMED, Message: fmt.Sprintf("The query names a field %q that does not exist.", name),
		Fields: []catalog.FieldError{{Field: "q", Message: fmt.Sprintf("%q is not a field to search; use one of %s, or put the words in quotes", name, strings.Join(names, ", "))}}}
}
