package csl

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Rendered text carries its formatting as marker runes from the Unicode
// private use area, so that joining pieces can look at the punctuation on
// either side of a join across formatting, and so that quotes can be
// nested and punctuation moved into them at the end. finish turns the
// markers into HTML tags, or drops them for plain text.
const (
	mItalicOn     = '\uE001'
	mItalicOff    = '\uE002'
	mBoldOn       = '\uE003'
	mBoldOff      = '\uE004'
	mSmallCapsOn  = '\uE005'
	mSmallCapsOff = '\uE006'
	mSupOn        = '\uE007'
	mSupOff       = '\uE008'
	mSubOn        = '\uE009'
	mSubOff       = '\uE00A'
	mUnderOn      = '\uE00B'
	mUnderOff     = '\uE00C'
	mNormalOn     = '\uE00D' // font-style="normal" inside italics
	mNormalOff    = '\uE00E'
	mQuoteOpen    = '\uE010'
	mQuoteClose   = '\uE011'
	mKeepOutside  = '\uE012' // punctuation after here was in the data: it stays put
	mNamesOn      = '\uE013' // the first names of an entry, for subsequent-author-substitute
	mNamesOff     = '\uE014'
	mFieldSep     = '\uE015' // after the first field of an entry (second-field-align)
	mBlockOn      = '\uE016' // display="block" and the like
	mBlockOff     = '\uE017'
	mMarginOn     = '\uE018'
	mMarginOff    = '\uE019'
	mInlineOn     = '\uE01A'
	mInlineOff    = '\uE01B'
	mIndentOn     = '\uE01C'
	mIndentOff    = '\uE01D'
	mNoCaseOn     = '\uE01E' // <span class="nocase"> in the data
	mNoCaseOff    = '\uE01F'
)

func isMarker(r rune) bool { return r >= '\uE000' && r <= '\uE01F' }

// lastVisible returns the last rune of s that is not a marker, and its
// byte index (-1 if none).
func lastVisible(s string) (rune, int) {
	for i := len(s); i > 0; {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
		if !isMarker(r) {
			return r, i
		}
	}
	return 0, -1
}

// firstVisible returns the first rune of s that is not a marker and its
// byte index (-1 if none).
func firstVisible(s string) (rune, int) {
	for i, r := range s {
		if !isMarker(r) {
			return r, i
		}
	}
	return 0, -1
}

// visible reports whether s has any text besides markers and spaces.
func visible(s string) bool {
	for _, r := range s {
		if !isMarker(r) && !unicode.IsSpace(r) {
			return true
		}
	}
	return false
}

// plain drops the markers.
func plain(s string) string {
	return strings.Map(func(r rune) rune {
		if isMarker(r) {
			return -1
		}
		return r
	}, s)
}

// concat joins b after a, resolving the punctuation where they meet the
// way bibliographies are set: one full stop after an abbreviation's or a
// question's, one space, no doubled comma.
func concat(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" {
		return a
	}
	ra, ia := lastVisible(a)
	rb, ib := firstVisible(b)
	if ia < 0 || ib < 0 {
		return a + b
	}
	if strings.ContainsRune(a[ia:], mQuoteClose) && strings.ContainsRune(b[:ib], mKeepOutside) {
		// a full stop written out after a quotation stays, as in
		// citeproc-js: “Why?”.
		return a + b
	}
	drop := false
	switch {
	case rb == '.' && (ra == '.' || ra == '?' || ra == '!' || ra == '…'):
		drop = true
	case (rb == ',' || rb == ';' || rb == ':') && ra == rb:
		drop = true
	case rb == ' ' && ra == ' ':
		drop = true
	}
	if drop {
		b = b[:ib] + b[ib+utf8.RuneLen(rb):]
	}
	return a + b
}

// joinAll joins pieces with a delimiter, resolving punctuation at every
// join.
func joinAll(parts []string, delim string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out = concat(out, delim)
		}
		out = concat(out, p)
	}
	return out
}

// affix wraps s in a prefix and a suffix.
func affix(prefix, s, suffix string) string {
	if s == "" {
		return ""
	}
	return concat(concat(prefix, s), suffix)
}

// formatting wraps s in the markers of the formatting attributes of n.
func formatting(n *node, s string) string {
	if s == "" || n == nil || !n.formatted {
		return s
	}
	wrap := func(on, off rune) { s = string(on) + s + string(off) }
	switch n.get("font-style") {
	case "italic", "oblique":
		wrap(mItalicOn, mItalicOff)
	case "normal":
		wrap(mNormalOn, mNormalOff)
	}
	if n.get("font-weight") == "bold" {
		wrap(mBoldOn, mBoldOff)
	}
	if n.get("font-variant") == "small-caps" {
		wrap(mSmallCapsOn, mSmallCapsOff)
	}
	if n.get("text-decoration") == "underline" {
		wrap(mUnderOn, mUnderOff)
	}
	switch n.get("vertical-align") {
	case "sup":
		wrap(mSupOn, mSupOff)
	case "sub":
		wrap(mSubOn, mSubOff)
	}
	return s
}

// quote wraps s in quote markers.
func quote(s string) string {
	if s == "" {
		return ""
	}
	return string(mQuoteOpen) + s + string(mQuoteClose)
}

// finish turns a rendered string into text or HTML: punctuation moves into
// closing quotes where the locale says so, quotes become the locale's
// (inner quotes inside outer ones), formatting markers become tags or
// nothing, and spaces are tidied.
func finish(s string, locale chain, asHTML bool) string {
	if left, right, ok := strings.Cut(s, string(mFieldSep)); ok {
		if asHTML {
			return `<div class="csl-left-margin">` + finish(left, locale, true) + `</div><div class="csl-right-inline">` + finish(right, locale, true) + `</div>`
		}
		return finish(left, locale, false) + " " + finish(right, locale, false)
	}
	if truthy(locale.option("punctuation-in-quote")) && strings.ContainsRune(s, mQuoteClose) {
		s = punctuationIntoQuotes(s)
	}
	open, close := locale.term("open-quote", "", false, ""), locale.term("close-quote", "", false, "")
	openIn, closeIn := locale.term("open-inner-quote", "", false, ""), locale.term("close-inner-quote", "", false, "")
	var b strings.Builder
	b.Grow(len(s))
	depth := 0
	space := true // drop leading spaces and collapse runs
	write := func(t string) {
		if t != "" {
			b.WriteString(t)
			space = false
		}
	}
	for _, r := range s {
		switch {
		case r == mQuoteOpen:
			if depth%2 == 0 {
				write(escape(open, asHTML))
			} else {
				write(escape(openIn, asHTML))
			}
			depth++
		case r == mQuoteClose:
			depth--
			if depth%2 == 0 {
				write(escape(close, asHTML))
			} else {
				write(escape(closeIn, asHTML))
			}
		case isMarker(r):
			if asHTML {
				b.WriteString(htmlTags[r])
			}
		case r == ' ':
			if !space {
				b.WriteByte(' ')
				space = true
			}
		case asHTML && (r == '&' || r == '<' || r == '>'):
			write(htmlEscaper.Replace(string(r)))
		default:
			b.WriteRune(r)
			space = false
		}
	}
	out := b.String()
	if asHTML { // a display block left empty (its names substituted away)
		for _, m := range displayMarkers {
			out = strings.ReplaceAll(out, htmlTags[m[0]]+htmlTags[m[1]], "")
		}
		for strings.Contains(out, "  ") { // spaces on either side of a tag
			out = strings.ReplaceAll(out, "  ", " ")
		}
	}
	return strings.TrimSpace(out)
}

var htmlTags = map[rune]string{
	mItalicOn: "<i>", mItalicOff: "</i>", mBoldOn: "<b>", mBoldOff: "</b>",
	mSmallCapsOn: `<span style="font-variant:small-caps;">`, mSmallCapsOff: "</span>",
	mSupOn: "<sup>", mSupOff: "</sup>", mSubOn: "<sub>", mSubOff: "</sub>",
	mUnderOn: `<span style="text-decoration:underline;">`, mUnderOff: "</span>",
	mNormalOn: `<span style="font-style:normal;">`, mNormalOff: "</span>",
	mBlockOn: `<div class="csl-block">`, mBlockOff: "</div>",
	mMarginOn: `<div class="csl-left-margin">`, mMarginOff: "</div>",
	mInlineOn: `<div class="csl-right-inline">`, mInlineOff: "</div>",
	mIndentOn: `<div class="csl-indent">`, mIndentOff: "</div>",
}

// displayMarkers are the markers of each display attribute value.
var displayMarkers = map[string][2]rune{
	"block": {mBlockOn, mBlockOff}, "left-margin": {mMarginOn, mMarginOff},
	"right-inline": {mInlineOn, mInlineOff}, "indent": {mIndentOn, mIndentOff},
}

// htmlEscaper writes numeric entities, as citeproc-js does, so that the
// output reads as XML too.
var htmlEscaper = strings.NewReplacer("&", "&#38;", "<", "&#60;", ">", "&#62;")

func escape(s string, asHTML bool) string {
	if asHTML {
		return htmlEscaper.Replace(s)
	}
	return s
}

// punctuationIntoQuotes moves a full stop or comma that follows a closing
// quote inside it (American usage).
func punctuationIntoQuotes(s string) string {
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		if rs[i] != mQuoteClose {
			continue
		}
		j := i + 1
		for j < len(rs) && isMarker(rs[j]) && rs[j] != mQuoteOpen && rs[j] != mQuoteClose && rs[j] != mKeepOutside {
			j++
		}
		if j < len(rs) && (rs[j] == '.' || rs[j] == ',') {
			p := rs[j]
			// into the innermost of the quotes that close here
			for i > 0 && rs[i-1] == mQuoteClose {
				i--
			}
			copy(rs[i+1:j+1], rs[i:j])
			rs[i] = p
			// drop the moved mark if the quoted text already ends with one
			if k := i - 1; k >= 0 {
				for k >= 0 && isMarker(rs[k]) {
					k--
				}
				if k >= 0 && (rs[k] == '.' || rs[k] == '?' || rs[k] == '!') && p == '.' {
					rs = append(rs[:i], rs[i+1:]...)
				}
			}
		}
	}
	return string(rs)
}

// inputTags are the HTML-like tags CSL-JSON text may carry, and the
// markers they become.
var inputTags = []struct {
	open, close string
	on, off     rune
}{
	{"<i>", "</i>", mItalicOn, mItalicOff},
	{"<b>", "</b>", mBoldOn, mBoldOff},
	{"<sup>", "</sup>", mSupOn, mSupOff},
	{"<sub>", "</sub>", mSubOn, mSubOff},
	{"<sc>", "</sc>", mSmallCapsOn, mSmallCapsOff},
	{`<span style="font-variant:small-caps;">`, "</span>", mSmallCapsOn, mSmallCapsOff},
	{`<span style="font-variant: small-caps;">`, "</span>", mSmallCapsOn, mSmallCapsOff},
	{`<span class="nocase">`, "</span>", mNoCaseOn, mNoCaseOff},
	{`<span class="nodecor">`, "</span>", mNormalOn, mNormalOff},
}

// richText turns the markup CSL-JSON allows in text (<i>, <b>, <sup>,
// <sub>, <sc>, small-caps, nocase and nodecor spans) into markers. Tags
// that are not closed, or any other "<", stay as text.
func richText(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	var closers []int // index into inputTags of each open tag
	for i := 0; i < len(s); {
		if s[i] != '<' {
			b.WriteByte(s[i])
			i++
			continue
		}
		matched := false
		if n := len(closers); n > 0 {
			t := inputTags[closers[n-1]]
			if strings.HasPrefix(s[i:], t.close) {
				b.WriteRune(t.off)
				closers = closers[:n-1]
				i += len(t.close)
				continue
			}
		}
		for k, t := range inputTags {
			if strings.HasPrefix(s[i:], t.open) && strings.Contains(s[i+len(t.open):], t.close) {
				b.WriteRune(t.on)
				closers = append(closers, k)
				i += len(t.open)
				matched = true
				break
			}
		}
		if !matched {
			b.WriteByte('<')
			i++
		}
	}
	for n := len(closers); n > 0; n-- { // close what the data left open
		b.WriteRune(inputTags[closers[n-1]].off)
	}
	return b.String()
}
