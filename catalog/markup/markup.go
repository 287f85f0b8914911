// Package markup reads the rich text a title may carry: the HTML-like tags
// of CSL-JSON (<i>, <b>, <sup>, <sub>, <sc>, small-caps, nocase and nodecor
// spans), which Zotero and citeproc-js use and which a BibTeX \textit{}
// becomes on import. A record keeps its title with these tags; each output
// shows them in its own way (pages as HTML, BibTeX as \textit{}, Dublin
// Core, feeds and PDF headings as plain text; CSL-JSON, RIS and CSV keep
// the tags, as Zotero's do) and search reads the plain text.
//
// As in citeproc-js, a tag counts only when it is closed in order; any
// other "<" is text.
package markup

import (
	"html"
	"math/bits"
	"strings"
)

// Style is a set of the styles a span of text is in.
type Style uint8

// The styles.
const (
	Italic Style = 1 << iota
	Bold
	SmallCaps
	Superscript
	Subscript
	NoCase  // kept as written by styles that change case
	NoDecor // set upright, unbold, whatever surrounds it
)

// Span is a run of text in one style.
type Span struct {
	Text  string
	Style Style
}

// tags are the tags text may carry and the styles they open. The first
// tag of a style is the one a page writes (HTML).
var tags = []struct {
	open, close string
	style       Style
}{
	{"<i>", "</i>", Italic},
	{"<b>", "</b>", Bold},
	{`<span style="font-variant:small-caps;">`, "</span>", SmallCaps},
	{"<sup>", "</sup>", Superscript},
	{"<sub>", "</sub>", Subscript},
	{`<span class="nocase">`, "</span>", NoCase},
	{`<span class="nodecor">`, "</span>", NoDecor},
	{"<sc>", "</sc>", SmallCaps},
	{`<span style="font-variant: small-caps;">`, "</span>", SmallCaps},
}

// Has reports whether s carries any markup.
func Has(s string) bool {
	if !strings.Contains(s, "<") {
		return false
	}
	for _, sp := range Parse(s) {
		if sp.Style != 0 {
			return true
		}
	}
	return false
}

// Token is a piece of marked-up text: text, or a tag opening or closing a
// style.
type Token struct {
	Kind  TokenKind
	Text  string // of a text token
	Style Style  // the style a tag opens or closes
}

// TokenKind tells text from tags.
type TokenKind uint8

// The kinds of tokens.
const (
	Text TokenKind = iota
	Open
	Close
)

// Tokens splits s into text and the tags that count, in order; tags
// always nest and are always closed. Adjacent text is one token.
func Tokens(s string) []Token {
	var out []Token
	var pending strings.Builder // text not yet a token
	text := func(t string) { pending.WriteString(t) }
	tag := func(t Token) {
		if pending.Len() > 0 {
			out = append(out, Token{Kind: Text, Text: pending.String()})
			pending.Reset()
		}
		out = append(out, t)
	}
	var open []int // index into tags of each open tag
	// where each tag's closing tag is last: a tag opens only before it (one
	// look at the text, not one per "<")
	lastClose := make([]int, len(tags))
	for k, t := range tags {
		lastClose[k] = strings.LastIndex(s, t.close)
	}
	for i := 0; i < len(s); {
		if s[i] != '<' {
			j := strings.IndexByte(s[i:], '<')
			if j < 0 {
				j = len(s) - i
			}
			text(s[i : i+j])
			i += j
			continue
		}
		if n := len(open); n > 0 && strings.HasPrefix(s[i:], tags[open[n-1]].close) {
			tag(Token{Kind: Close, Style: tags[open[n-1]].style})
			i += len(tags[open[n-1]].close)
			open = open[:n-1]
			continue
		}
		matched := false
		for k, t := range tags {
			if strings.HasPrefix(s[i:], t.open) && lastClose[k] >= i+len(t.open) {
				tag(Token{Kind: Open, Style: t.style})
				open = append(open, k)
				i += len(t.open)
				matched = true
				break
			}
		}
		if !matched {
			text("<")
			i++
		}
	}
	if pending.Len() > 0 {
		out = append(out, Token{Kind: Text, Text: pending.String()})
	}
	for n := len(open) - 1; n >= 0; n-- { // "<i><i>a</i>": the first is closed at the end
		out = append(out, Token{Kind: Close, Style: tags[open[n]].style})
	}
	return out
}

// Parse splits s into spans of one style each. Text outside any tag is a
// span of style 0; empty spans are left out.
func Parse(s string) []Span {
	if !strings.Contains(s, "<") {
		if s == "" {
			return nil
		}
		return []Span{{Text: s}}
	}
	var spans []Span
	var open [8]int // how many tags of each style (by bit) are open
	for _, t := range Tokens(s) {
		bit := bits.TrailingZeros8(uint8(t.Style))
		switch t.Kind {
		case Open:
			open[bit]++
		case Close:
			open[bit]--
		default:
			st := Style(0)
			for b, n := range open {
				if n > 0 {
					st |= 1 << b
				}
			}
			spans = append(spans, Span{Text: t.Text, Style: st})
		}
	}
	return spans
}

// Plain is s without its markup: what search reads, and what outputs
// without styles (Dublin Core, a page's <title>) show.
func Plain(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	for _, t := range Tokens(s) {
		b.WriteString(t.Text) // tags have none
	}
	return b.String()
}

// HTML is s as HTML: its text escaped, its styles as tags (<i>, <b>,
// <sup>, <sub>, a small-caps span) nested as in s. Nothing else of s can
// become markup.
func HTML(s string) string {
	if !strings.Contains(s, "<") {
		return html.EscapeString(s)
	}
	var b strings.Builder
	for _, t := range Tokens(s) {
		open, close := pageTags(t.Style)
		switch t.Kind {
		case Open:
			b.WriteString(open)
		case Close:
			b.WriteString(close)
		default:
			b.WriteString(html.EscapeString(t.Text))
		}
	}
	return b.String()
}

// pageTags are the HTML tags of a style: the first of tags that has it;
// none for NoCase and NoDecor (a page has no case to keep).
func pageTags(st Style) (open, close string) {
	if st == NoCase || st == NoDecor {
		return "", ""
	}
	for _, t := range tags {
		if t.style == st {
			return t.open, t.close
		}
	}
	return "", ""
}
