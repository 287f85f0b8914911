package bibtex

import (
	"strings"
	"unicode"
)

// BibTeX's names: a list joined by "and", each "Family, Given", "Given
// Family", "von Family, Jr, Given" or "{An Organisation}".

// splitNames splits a raw name list at " and " outside braces.
func splitNames(raw string) []string {
	var out []string
	depth, start := 0, 0
	rs := []rune(raw)
	for i := 0; i < len(rs); i++ {
		switch rs[i] {
		case '{':
			depth++
		case '}':
			depth--
		}
		if depth == 0 && i+5 <= len(rs) && unicode.IsSpace(rs[i]) && strings.EqualFold(string(rs[i+1:i+4]), "and") && unicode.IsSpace(rs[i+4]) {
			out = append(out, string(rs[start:i]))
			start = i + 5
			i += 4
		}
	}
	out = append(out, string(rs[start:]))
	var names []string
	for _, n := range out {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	return names
}

// words splits at spaces and commas outside braces; commas are kept as
// words of their own.
func words(raw string) []string {
	var out []string
	var cur strings.Builder
	depth := 0
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, r := range raw {
		switch {
		case r == '{':
			depth++
			cur.WriteRune(r)
		case r == '}':
			depth--
			cur.WriteRune(r)
		case depth == 0 && r == ',':
			flush()
			out = append(out, ",")
		case depth == 0 && unicode.IsSpace(r):
			flush()
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return out
}

// parseName reads one BibTeX name: "{Organisation}", "Family, Given",
// "Given Family", "von Family, Jr, Given".
func parseName(raw string) (family, given, literal string) {
	raw = strings.TrimSpace(raw)
	if groups := splitTop(raw); len(groups) == 1 && groups[0] == raw { // {One Name}: an organisation
		return "", "", decodeLaTeX(raw)
	}
	ws := words(raw)
	var parts [][]string
	cur := []string{}
	for _, w := range ws {
		if w == "," {
			parts = append(parts, cur)
			cur = []string{}
			continue
		}
		cur = append(cur, w)
	}
	parts = append(parts, cur)
	join := func(ws []string) string { return decodeLaTeX(strings.Join(ws, " ")) }
	switch len(parts) {
	case 1:
		w := parts[0]
		if len(w) == 0 {
			return "", "", ""
		}
		// The family name is the last word and any lower-case particles
		// ("van der") before it.
		k := len(w) - 1
		for k > 0 && startsLower(w[k-1]) {
			k--
		}
		return join(w[k:]), join(w[:k]), ""
	case 2:
		return join(parts[0]), join(parts[1]), ""
	default: // von Last, Jr, First
		return join(append(parts[0], parts[1]...)), join(parts[2]), ""
	}
}

// splitTop returns the top-level brace groups of s ("{a}{b}" has two).
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '{':
			if depth == 0 {
				start = i
			}
			depth++
		case '}':
			depth--
			if depth == 0 {
				out = append(out, s[start:i+1])
			}
		}
	}
	return out
}

func startsLower(w string) bool {
	for _, r := range w {
		if r == '{' || r == '\\' {
			continue
		}
		return unicode.IsLower(r)
	}
	return false
}
