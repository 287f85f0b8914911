package csl

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Rendered text carries its formatting as marker runes from the Unicode
// private use area, so that joining pieces can look at the punctuation on
// either side of a join across formatting, and so that quotes can be
// nested and punctuation moved into them at the end. finish hands the
// text and markers to an output: HTML tags, plain text, or styled spans
// for the PDF.
//
// Data never carries a marker: a character of the marker range in an
// item's text is protected on the way in (protect) as mLiteral followed by
// a stand-in from plane 16, and written back as itself on the way out, so
// whatever a user types renders as typed.
const (
	mLiteral      = '\uE000' // the next rune stands for a data character of the marker range
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

// standIn is the plane-16 private use character that stands for data
// character r of the marker range after an mLiteral.
const standInBase = 0x100000

// protect makes the characters of s that fall in the marker range safe
// from being read as formatting.
func protect(s string) string {
	if !strings.ContainsFunc(s, isMarker) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isMarker(r) {
			b.WriteRune(mLiteral)
			r = standInBase + (r - 0xE000)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Curly double quotes in the data, paired, stay as typed unless the style
// quotes the text they are in: then they are its inner quotes (MLA's
// quoted title "… ‘一前五后’ …"), as citeproc-js sets them. typographic
// writes them as these stand-ins after mLiteral.
const (
	dataQuoteOpen  = standInBase + 0x20
	dataQuoteClose = standInBase + 0x21
)

// unprotect returns the data character a stand-in after mLiteral stands
// for, false when r is no stand-in.
func unprotect(r rune) (rune, bool) {
	switch {
	case r >= standInBase && r < standInBase+0x20:
		return 0xE000 + (r - standInBase), true
	case r == dataQuoteOpen:
		return '“', true
	case r == dataQuoteClose:
		return '”', true
	}
	return 0, false
}

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

// plain drops the markers, and gives protected data characters back.
func plain(s string) string {
	if !strings.ContainsFunc(s, isMarker) {
		return s
	}
	var b strings.Builder
	literal := false
	for _, r := range s {
		if literal {
			if d, ok := unprotect(r); ok {
				r = d
			}
			literal = false
		} else if r == mLiteral {
			literal = true
			continue
		} else if isMarker(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
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
