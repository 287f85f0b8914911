package csl

import (
	"strings"
)

// Outputs: finished text as plain text, HTML or styled spans.

// formatHTML names HTML output; anything else is plain text.
const formatHTML = "html"

// output receives finished text: runs of text as they read, and the
// formatting markers around them.
type output interface {
	text(s string)
	marker(m rune)
}

// finish turns a rendered string into text or HTML: punctuation moves into
// closing quotes where the locale says so, quotes become the locale's
// (inner quotes inside outer ones), formatting markers become tags or
// nothing, and spaces are tidied.
func finish(s string, locale chain, asHTML bool) string {
	if asHTML {
		return finishHTML(s, locale)
	}
	if left, right, ok := strings.Cut(s, string(mFieldSep)); ok {
		return finish(left, locale, false) + " " + finish(right, locale, false)
	}
	var out plainOutput
	walk(s, locale, &out)
	return strings.TrimSpace(out.String())
}

// finishHTML finishes s as HTML, with a field split off by
// second-field-align in its own div.
func finishHTML(s string, locale chain) string {
	if left, right, ok := strings.Cut(s, string(mFieldSep)); ok {
		return `<div class="csl-left-margin">` + finishHTML(left, locale) + `</div><div class="csl-right-inline">` + finishHTML(right, locale) + `</div>`
	}
	var out htmlOutput
	walk(s, locale, &out)
	html := out.String()
	for _, m := range displayMarkers { // a display block left empty (its names substituted away)
		html = strings.ReplaceAll(html, htmlTags[m[0]]+htmlTags[m[1]], "")
	}
	for strings.Contains(html, "  ") { // spaces on either side of a tag
		html = strings.ReplaceAll(html, "  ", " ")
	}
	return strings.TrimSpace(html)
}

// walk hands the finished text of s to out: quotes become the locale's,
// runs of spaces one, and leading spaces go.
func walk(s string, locale chain, out output) {
	if truthy(locale.option("punctuation-in-quote")) && strings.ContainsRune(s, mQuoteClose) {
		s = punctuationIntoQuotes(s)
	}
	open, close := locale.term("open-quote", "", false, ""), locale.term("close-quote", "", false, "")
	openIn, closeIn := locale.term("open-inner-quote", "", false, ""), locale.term("close-inner-quote", "", false, "")
	depth := 0
	space := true // drop leading spaces and collapse runs
	literal := false
	var run strings.Builder // text not yet handed to out: one call per run, not per character
	flush := func() {
		if run.Len() > 0 {
			out.text(run.String())
			run.Reset()
		}
	}
	write := func(t string) {
		if t != "" {
			run.WriteString(t)
			space = false
		}
	}
	openQuote := func() {
		if depth%2 == 0 {
			write(open)
		} else {
			write(openIn)
		}
		depth++
	}
	closeQuote := func() {
		depth--
		if depth%2 == 0 {
			write(close)
		} else {
			write(closeIn)
		}
	}
	var dataQuotes []bool // each data quote open: whether it is set as a quote inside quotes
	for _, r := range s {
		switch {
		case literal && r == dataQuoteOpen:
			literal = false
			asQuote := depth > 0 // inside the style's quotes: an inner quote; else as typed
			dataQuotes = append(dataQuotes, asQuote)
			if asQuote {
				openQuote()
			} else {
				write("“")
			}
		case literal && r == dataQuoteClose && len(dataQuotes) > 0:
			literal = false
			asQuote := dataQuotes[len(dataQuotes)-1]
			dataQuotes = dataQuotes[:len(dataQuotes)-1]
			if asQuote {
				closeQuote()
			} else {
				write("”")
			}
		case literal:
			if d, ok := unprotect(r); ok {
				r = d
			}
			literal = false
			run.WriteRune(r)
			space = false
		case r == mLiteral:
			literal = true
		case r == mQuoteOpen:
			openQuote()
		case r == mQuoteClose:
			closeQuote()
		case isMarker(r):
			flush()
			out.marker(r)
		case r == ' ':
			if !space {
				run.WriteByte(' ')
				space = true
			}
		default:
			run.WriteRune(r)
			space = false
		}
	}
	flush()
}

// plainOutput is text without formatting.
type plainOutput struct{ strings.Builder }

func (o *plainOutput) text(s string) { o.WriteString(s) }
func (o *plainOutput) marker(rune)   {}

// htmlOutput is HTML: markers become tags, text is escaped. Italics inside
// italics are set upright, as citeproc-js does (a species in an italic
// title: <i>Journal of <span style="font-style:normal;">Physiology</span></i>).
type htmlOutput struct {
	strings.Builder
	italics []bool // each italic open: whether it was set upright
}

func (o *htmlOutput) text(s string) { o.WriteString(htmlEscaper.Replace(s)) }
func (o *htmlOutput) marker(m rune) {
	switch m {
	case mItalicOn:
		upright := len(o.italics)%2 == 1
		o.italics = append(o.italics, upright)
		if upright {
			m = mNormalOn
		}
	case mItalicOff:
		if n := len(o.italics); n > 0 {
			if o.italics[n-1] {
				m = mNormalOff
			}
			o.italics = o.italics[:n-1]
		}
	}
	o.WriteString(htmlTags[m])
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

// Span is a run of finished text in one formatting, for outputs that draw
// text themselves (the PDF).
type Span struct {
	Text                              string
	Italic, Bold, SmallCaps, Sup, Sub bool
}

// spansOutput collects spans; a marker changes the formatting of what
// follows. Italics inside italics read upright (flip-flop), as in HTML.
type spansOutput struct {
	spans                              []Span
	italic, normal, bold, sc, sup, sub int
}

func (o *spansOutput) text(s string) {
	f := Span{Italic: o.italic%2 == 1 && o.normal == 0, Bold: o.bold > 0, SmallCaps: o.sc > 0, Sup: o.sup > 0, Sub: o.sub > 0}
	if n := len(o.spans); n > 0 {
		last := &o.spans[n-1]
		if f.Italic == last.Italic && f.Bold == last.Bold && f.SmallCaps == last.SmallCaps && f.Sup == last.Sup && f.Sub == last.Sub {
			last.Text += s
			return
		}
	}
	f.Text = s
	o.spans = append(o.spans, f)
}

func (o *spansOutput) marker(m rune) {
	switch m {
	case mItalicOn:
		o.italic++
	case mItalicOff:
		o.italic--
	case mNormalOn:
		o.normal++
	case mNormalOff:
		o.normal--
	case mBoldOn:
		o.bold++
	case mBoldOff:
		o.bold--
	case mSmallCapsOn:
		o.sc++
	case mSmallCapsOff:
		o.sc--
	case mSupOn:
		o.sup++
	case mSupOff:
		o.sup--
	case mSubOn:
		o.sub++
	case mSubOff:
		o.sub--
	}
}

// finishSpans finishes s as styled spans, the text of each as finish gives
// it for plain text.
func finishSpans(s string, locale chain) []Span {
	if left, right, ok := strings.Cut(s, string(mFieldSep)); ok {
		l, r := finishSpans(left, locale), finishSpans(right, locale)
		if len(l) > 0 && len(r) > 0 {
			l[len(l)-1].Text += " "
		}
		return append(l, r...)
	}
	var out spansOutput
	walk(s, locale, &out)
	spans := out.spans
	for len(spans) > 0 && strings.TrimSpace(spans[0].Text) == "" {
		spans = spans[1:]
	}
	for len(spans) > 0 && strings.TrimSpace(spans[len(spans)-1].Text) == "" {
		spans = spans[:len(spans)-1]
	}
	if len(spans) > 0 {
		spans[0].Text = strings.TrimLeft(spans[0].Text, " ")
		spans[len(spans)-1].Text = strings.TrimRight(spans[len(spans)-1].Text, " ")
	}
	return spans
}
