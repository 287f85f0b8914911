// Package typeset lays text out for PDF pages in several scripts at once:
// it knows which embedded font can draw each character, splits text into
// runs of one font, measures them and breaks paragraphs into lines (at
// spaces for Latin and Cyrillic, between characters for Chinese and
// Japanese, keeping closing punctuation off the start of a line). It does
// not draw; the proceedings renderer does, with gofpdf.
package typeset

import (
	"fmt"
	"io/fs"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Face is one TrueType font file.
type Face struct {
	Name string // the name the PDF knows it by
	Data []byte
	font *sfnt.Font
	upem float64

	mu     sync.Mutex
	buf    sfnt.Buffer
	glyphs map[rune]glyph
}

type glyph struct {
	ok      bool
	advance float64 // in em
}

// NewFace reads a TrueType font. An empty name is the font's PostScript
// name ("DejaVuSerif-Bold").
func NewFace(name string, data []byte) (*Face, error) {
	f, err := sfnt.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("font %s: %w", name, err)
	}
	if name == "" {
		if name, err = f.Name(nil, sfnt.NameIDPostScript); err != nil || name == "" {
			return nil, fmt.Errorf("a font without a PostScript name needs one given")
		}
	}
	return &Face{Name: name, Data: data, font: f, upem: float64(f.UnitsPerEm()), glyphs: map[rune]glyph{}}, nil
}

// lookup returns whether the face draws r, and its advance in em.
func (f *Face) lookup(r rune) glyph {
	f.mu.Lock()
	defer f.mu.Unlock()
	if g, ok := f.glyphs[r]; ok {
		return g
	}
	var g glyph
	if idx, err := f.font.GlyphIndex(&f.buf, r); err == nil && idx != 0 {
		adv, err := f.font.GlyphAdvance(&f.buf, idx, fixed.Int26_6(f.upem*64), font.HintingNone)
		if err == nil {
			g = glyph{ok: true, advance: float64(adv) / 64 / f.upem}
		}
	}
	f.glyphs[r] = g
	return g
}

// Has reports whether the face has a glyph for r.
func (f *Face) Has(r rune) bool { return f.lookup(r).ok }

// Width is the width of s in the face at size (in the unit of size).
func (f *Face) Width(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		w += f.lookup(r).advance
	}
	return w * size
}

// Style is a weight or slant of the text face.
type Style int

// The styles.
const (
	Regular Style = iota
	Bold
	Italic
	BoldItalic
)

// Set is the fonts a document draws with: a text face per style for
// Latin, Cyrillic and the like, and faces for CJK that every style falls
// back to, in order (a Song face for simplified Chinese first, then a face
// with the characters it lacks). A Set is safe for concurrent use.
type Set struct {
	text        [4]*Face             // by Style
	cjk         []*Face              // tried in order
	hyphenation map[string]*Patterns // by language (WithHyphenation)
}

// NewSet makes a font set. italic may be nil (regular is used), and
// boldItalic (bold is); cjk are tried in order for what the text faces
// cannot draw.
func NewSet(regular, bold, italic, boldItalic *Face, cjk ...*Face) *Set {
	if italic == nil {
		italic = regular
	}
	if boldItalic == nil {
		boldItalic = bold
	}
	return &Set{text: [4]*Face{regular, bold, italic, boldItalic}, cjk: cjk}
}

// FaceFiles names the font files of a Set in a file system.
type FaceFiles struct {
	Regular, Bold, Italic, BoldItalic string
	CJK                               []string // tried in order
}

// LoadSet reads a Set's faces from fsys, each named by its PostScript name
// (which is the name PDF readers show).
func LoadSet(fsys fs.FS, files FaceFiles) (*Set, error) {
	var faces []*Face
	for _, path := range append([]string{files.Regular, files.Bold, files.Italic, files.BoldItalic}, files.CJK...) {
		data, err := fs.ReadFile(fsys, path)
		if err != nil {
			return nil, err
		}
		face, err := NewFace("", data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		faces = append(faces, face)
	}
	return NewSet(faces[0], faces[1], faces[2], faces[3], faces[4:]...), nil
}

// Faces are the set's distinct faces, for registering with the PDF.
func (s *Set) Faces() []*Face {
	out := []*Face{s.text[Regular], s.text[Bold]}
	if s.text[Italic] != s.text[Regular] {
		out = append(out, s.text[Italic])
	}
	if s.text[BoldItalic] != s.text[Bold] {
		out = append(out, s.text[BoldItalic])
	}
	return append(out, s.cjk...)
}

// Run is a piece of text drawn in one face.
type Run struct {
	Face *Face
	Text string
	// Scale and Rise set the run smaller and raised or lowered (a
	// variant's: see Piece); 0 for text on the line.
	Scale, Rise float64
}

// MissingGlyphError says that no font of the set can draw a character.
type MissingGlyphError struct {
	Rune rune
	Text string
}

func (e *MissingGlyphError) Error() string {
	return fmt.Sprintf("no embedded font has the character %q (U+%04X) in %q", e.Rune, e.Rune, e.Text)
}

// faceFor picks the face that draws r in a style: the text face when it
// can, else the first CJK one that can; nil when none can.
func (s *Set) faceFor(r rune, style Style) *Face {
	if s.text[style].Has(r) {
		return s.text[style]
	}
	for _, f := range s.cjk {
		if f.Has(r) {
			return f
		}
	}
	if style != Regular && s.text[Regular].Has(r) {
		return s.text[Regular]
	}
	return nil
}

// invisible are characters that are not drawn and need no glyph.
func invisible(r rune) bool {
	return r == '\n' || r == '\t' || r == '\u00ad' || r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff'
}

// Check returns an error naming the first character of text no font of
// the set can draw.
func (s *Set) Check(text string) error {
	for _, r := range text {
		if !invisible(r) && s.faceFor(r, Regular) == nil {
			return &MissingGlyphError{Rune: r, Text: text}
		}
	}
	return nil
}

// Runs splits text into runs of one face each, for a style. Characters
// no face draws make an error; spaces join the run they are in.
func (s *Set) Runs(text string, style Style) ([]Run, error) {
	var runs []Run
	var cur *Face
	start := 0
	for i, r := range text {
		if invisible(r) {
			continue
		}
		f := s.faceFor(r, style)
		if f == nil {
			return nil, &MissingGlyphError{Rune: r, Text: text}
		}
		if r == ' ' && cur != nil {
			continue // a space stays with the run before it
		}
		if f != cur {
			if cur != nil {
				runs = append(runs, Run{Face: cur, Text: text[start:i]})
			}
			cur, start = f, i
		}
	}
	if cur != nil {
		runs = append(runs, Run{Face: cur, Text: text[start:]})
	}
	return runs, nil
}
