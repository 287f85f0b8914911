package typeset

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Piece is a run of text on a line, in one face, at a horizontal offset
// from the line's start.
type Piece struct {
	Face  *Face
	Text  string
	X     float64
	Width float64
	// Scale is the piece's size as a share of the line's (0 for the
	// line's own), Rise how far its baseline is raised, as a share of the
	// line's size (a superscript's, negative for a subscript's).
	Scale, Rise float64
}

// Size is the size the piece is set in, on a line set in size.
func (p Piece) Size(size float64) float64 { return size * scaleOf(p.Scale) }

func scaleOf(scale float64) float64 {
	if scale == 0 {
		return 1
	}
	return scale
}

// Line is one line of a laid-out paragraph.
type Line struct {
	Pieces []Piece
	Width  float64
}

// Text is the line's text, pieces joined by what separates them.
func (l Line) Text() string {
	var b strings.Builder
	for _, p := range l.Pieces {
		b.WriteString(p.Text)
	}
	return b.String()
}

// noStart are characters a line may not begin with (closing punctuation),
// noEnd characters it may not end with (opening punctuation): the common
// rules of Chinese and Japanese line breaking (kinsoku), which also hold
// for Latin and Cyrillic punctuation.
const (
	noStart = ",.;:!?)]}»”’%…、。，．；：！？）］｝」』》〉】〕〗〙〛・ー々〻ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
	noEnd   = "([{«“‘（［｛「『《〈【〔〖〘〚"
)

// atom is the smallest piece a line break does not cut: a word, or a CJK
// character with the punctuation that clings to it.
type atom struct {
	segs  []seg
	width float64
	space float64 // the width of the space after it, 0 without one
}

// seg is a measured part of an atom in one face, at one scale and rise.
type seg struct {
	face        *Face
	text        string
	width       float64
	scale, rise float64
}

// addScaled adds text set at a share of size, raised by a share of it.
func (a *atom) addScaled(f *Face, s string, size, scale, rise float64) {
	w := f.Width(s, size*scaleOf(scale))
	if n := len(a.segs); n > 0 && a.segs[n-1].face == f && a.segs[n-1].scale == scale && a.segs[n-1].rise == rise {
		a.segs[n-1].text += s
		a.segs[n-1].width += w
	} else {
		a.segs = append(a.segs, seg{f, s, w, scale, rise})
	}
	a.width += w
}

func (a *atom) lastRune() rune {
	r, _ := utf8.DecodeLastRuneInString(a.segs[len(a.segs)-1].text)
	return r
}

func isCJK(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef
}

// atoms cuts runs into atoms.
func atoms(runs []Run, size float64) []*atom {
	var out []*atom
	var cur *atom     // the atom being built; nil where a break may come
	glueNext := false // the last character may not end a line
	for _, run := range runs {
		for _, r := range run.Text {
			if unicode.IsSpace(r) {
				if n := len(out); n > 0 && out[n-1].space == 0 {
					out[n-1].space = run.Face.Width(" ", size)
				}
				cur, glueNext = nil, false
				continue
			}
			var last *atom
			if n := len(out); n > 0 && out[n-1].space == 0 {
				last = out[n-1] // the atom just before, with no space between
			}
			switch {
			case last != nil && (glueNext || strings.ContainsRune(noStart, r)):
				cur = last // after an opening bracket, or closing punctuation
			case cur != nil && !isCJK(r) && !isCJK(cur.lastRune()) && !strings.ContainsRune("-–—/", cur.lastRune()):
				// the word goes on, in another face too (an italic ending)
			default:
				cur = &atom{}
				out = append(out, cur)
			}
			cur.addScaled(run.Face, string(r), size, run.Scale, run.Rise)
			glueNext = strings.ContainsRune(noEnd, r)
			if isCJK(r) {
				cur = nil // a line may break after a CJK character
			}
		}
	}
	return out
}

// Layout breaks text, in a style and at a size, into lines no wider than
// width (same unit as size). Lines break at spaces, after hyphens and
// between CJK characters; a word wider than the line is cut between
// characters. Words are not hyphenated (LayoutIn does).
func (s *Set) Layout(text string, style Style, size, width float64) ([]Line, error) {
	return s.LayoutSpans([]Span{{Text: text, Style: style}}, size, width)
}

// Span is a run of text in one style and variant.
type Span struct {
	Text    string
	Style   Style
	Variant Variant
}

// Variant is how a span sits among the text around it.
type Variant uint8

// The variants: on the line, raised and smaller, lowered and smaller, or
// in small capitals (lower-case letters as smaller capitals: the faces
// have no small capitals of their own).
const (
	Normal Variant = iota
	Superscript
	Subscript
	SmallCaps
)

// The shares of the size and of the rise of the variants.
const (
	scriptScale    = 0.65
	superRise      = 0.35
	subRise        = -0.15
	smallCapsScale = 0.78
)

// varied sets runs in a variant.
func varied(runs []Run, v Variant) []Run {
	switch v {
	case Superscript, Subscript:
		rise := superRise
		if v == Subscript {
			rise = subRise
		}
		for i := range runs {
			runs[i].Scale, runs[i].Rise = scriptScale, rise
		}
	case SmallCaps:
		var out []Run
		for _, r := range runs {
			start, lower := 0, false
			for i, c := range r.Text {
				if l := unicode.IsLower(c); l != lower && i > start {
					out = append(out, smallCapsRun(r.Face, r.Text[start:i], lower))
					start = i
				}
				lower = unicode.IsLower(c)
			}
			out = append(out, smallCapsRun(r.Face, r.Text[start:], lower))
		}
		return out
	}
	return runs
}

func smallCapsRun(f *Face, text string, lower bool) Run {
	if !lower {
		return Run{Face: f, Text: text}
	}
	return Run{Face: f, Text: strings.ToUpper(text), Scale: smallCapsScale}
}

// LayoutSpans breaks text made of spans in several styles (a citation
// with its italics) into lines, as Layout does. Runs of spaces become one
// space, across spans too.
func (s *Set) LayoutSpans(spans []Span, size, width float64) ([]Line, error) {
	return s.layoutSpans(spans, size, width, nil)
}

// layoutSpans is LayoutSpans, hyphenating with patterns when they are not
// nil.
func (s *Set) layoutSpans(spans []Span, size, width float64, patterns *Patterns) ([]Line, error) {
	var runs []Run
	afterSpace := true // drop leading spaces
	for _, sp := range spans {
		text := sp.Text
		if text == "" {
			continue
		}
		lead, trail := unicode.IsSpace(firstRune(text)), unicode.IsSpace(lastRune(text))
		text = strings.Join(strings.Fields(text), " ")
		if lead && !afterSpace && text != "" {
			text = " " + text
		}
		if trail && text != "" {
			text += " "
		}
		if text == "" {
			if lead && !afterSpace && len(runs) > 0 {
				runs[len(runs)-1].Text += " "
				afterSpace = true
			}
			continue
		}
		rs, err := s.Runs(text, sp.Style)
		if err != nil {
			return nil, err
		}
		runs = append(runs, varied(rs, sp.Variant)...)
		afterSpace = strings.HasSuffix(text, " ")
	}
	return layoutRuns(runs, size, width, patterns), nil
}

func firstRune(s string) rune { r, _ := utf8.DecodeRuneInString(s); return r }
func lastRune(s string) rune  { r, _ := utf8.DecodeLastRuneInString(s); return r }

// layoutRuns breaks runs into lines no wider than width; with patterns,
// a word that does not fit at the end of a line is hyphenated there when
// it can be.
func layoutRuns(runs []Run, size, width float64, patterns *Patterns) []Line {
	var lines []Line
	var line []*atom
	lineWidth := 0.0
	flush := func() {
		if len(line) > 0 {
			lines = append(lines, makeLine(line))
		}
		line, lineWidth = nil, 0
	}
	var place func(a *atom)
	place = func(a *atom) {
		if a.width > width { // a word longer than the line: cut between characters
			flush()
			for i, piece := range cut(a, size, width) {
				if i > 0 {
					flush()
				}
				line, lineWidth = append(line, piece), piece.width
			}
			return
		}
		gap := 0.0
		if n := len(line); n > 0 {
			gap = line[n-1].space
		}
		if len(line) > 0 && lineWidth+gap+a.width > width {
			if patterns != nil {
				if head, tail := hyphenate(a, width-lineWidth-gap, size, patterns); head != nil {
					line = append(line, head)
					flush()
					place(tail)
					return
				}
			}
			flush()
			gap = 0
		}
		line = append(line, a)
		lineWidth += gap + a.width
	}
	for _, a := range atoms(runs, size) {
		place(a)
	}
	flush()
	return lines
}

// cut splits an atom wider than width into atoms that fit.
func cut(a *atom, size, width float64) []*atom {
	var out []*atom
	cur := &atom{}
	for _, sg := range a.segs {
		for _, r := range sg.text {
			w := sg.face.Width(string(r), size*scaleOf(sg.scale))
			if cur.width > 0 && cur.width+w > width {
				out = append(out, cur)
				cur = &atom{}
			}
			cur.addScaled(sg.face, string(r), size, sg.scale, sg.rise)
		}
	}
	cur.space = a.space
	return append(out, cur)
}

// makeLine places a line's atoms: pieces of one face each, neighbours in
// the same face joined (with the space between them, so that text
// extracted from the PDF reads as written).
func makeLine(atoms []*atom) Line {
	var l Line
	x := 0.0
	for i, a := range atoms {
		gap := 0.0
		if i > 0 {
			gap = atoms[i-1].space
		}
		for j, sg := range a.segs {
			lead := 0.0 // the space before this segment
			if j == 0 {
				lead = gap
			}
			// a face's own space was measured for the gap, so a piece in
			// the same face can carry it as text
			if n := len(l.Pieces); n > 0 && l.Pieces[n-1].Face == sg.face && l.Pieces[n-1].Scale == sg.scale && l.Pieces[n-1].Rise == sg.rise {
				p := &l.Pieces[n-1]
				if lead > 0 {
					p.Text += " "
				}
				p.Text += sg.text
				p.Width += lead + sg.width
			} else {
				l.Pieces = append(l.Pieces, Piece{Face: sg.face, Text: sg.text, X: x + lead, Width: sg.width, Scale: sg.scale, Rise: sg.rise})
			}
			x += lead + sg.width
		}
	}
	l.Width = x
	return l
}
