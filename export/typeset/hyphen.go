package typeset

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/encoding/charmap"
)

// Patterns are the hyphenation patterns of one language: Liang's, as TeX
// and the hyphen library of LibreOffice use them. Each pattern is letters
// with digits between them; at each place between two letters of a word,
// the highest digit of the patterns found there decides: odd, the word may
// be broken there.
type Patterns struct {
	values   map[string][]byte // letters -> the digit before each letter and after the last
	longest  int               // letters in the longest pattern
	leftMin  int               // letters a word keeps before a break
	rightMin int               // and after it
}

// ParsePatterns reads patterns in the hyphen library's format (.dic): a
// first line naming the charset (UTF-8, or KOI8-R as the Russian file is
// written), LEFTHYPHENMIN and RIGHTHYPHENMIN lines, and one pattern a line
// ("%" starts a comment). The second level of compound words (NEXTLEVEL)
// is not read.
func ParsePatterns(data []byte) (*Patterns, error) {
	charset, rest, _ := bytes.Cut(data, []byte("\n"))
	switch cs := strings.ToUpper(strings.TrimSpace(string(charset))); cs {
	case "UTF-8":
	case "KOI8-R":
		decoded, err := charmap.KOI8R.NewDecoder().Bytes(rest)
		if err != nil {
			return nil, err
		}
		rest = decoded
	default:
		return nil, fmt.Errorf("typeset: hyphenation patterns in %q: only UTF-8 and KOI8-R are read", cs)
	}
	p := &Patterns{values: map[string][]byte{}, leftMin: 2, rightMin: 2}
	sc := bufio.NewScanner(bytes.NewReader(rest))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "%")
		line = strings.TrimSpace(line)
		key, value, _ := strings.Cut(line, " ")
		switch {
		case line == "":
			continue
		case key == "NEXTLEVEL":
			return p, nil
		case key == "LEFTHYPHENMIN" || key == "RIGHTHYPHENMIN":
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 1 {
				return nil, fmt.Errorf("typeset: hyphenation patterns: %q", line)
			}
			if key == "LEFTHYPHENMIN" {
				p.leftMin = n
			} else {
				p.rightMin = n
			}
			continue
		case strings.ToUpper(key) == key && strings.ContainsFunc(key, unicode.IsLetter) && !strings.ContainsAny(key, ".0123456789"):
			continue // another directive (COMPOUNDLEFTHYPHENMIN, NOHYPHEN...)
		}
		p.add(line)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

// add reads one pattern: "a1b" says a break between a and b is allowed
// (odd) at strength 1.
func (p *Patterns) add(pattern string) {
	var letters []rune
	digits := []byte{0}
	for _, r := range pattern {
		if r >= '0' && r <= '9' {
			digits[len(digits)-1] = byte(r - '0')
			continue
		}
		letters = append(letters, unicode.ToLower(r))
		digits = append(digits, 0)
	}
	if len(letters) == 0 {
		return
	}
	p.values[string(letters)] = digits
	p.longest = max(p.longest, len(letters))
}

// Points are the places in word (indices of its runes, counted from 0)
// before which it may be broken with a hyphen, keeping the language's
// least number of letters on each side.
func (p *Patterns) Points(word string) []int {
	letters := []rune("." + strings.ToLower(word) + ".")
	n := len(letters) - 2
	if n < p.leftMin+p.rightMin {
		return nil
	}
	values := make([]byte, len(letters)+1)
	for i := range letters {
		for j := i + 1; j <= min(len(letters), i+p.longest); j++ {
			digits, ok := p.values[string(letters[i:j])]
			if !ok {
				continue
			}
			for k, d := range digits {
				values[i+k] = max(values[i+k], d)
			}
		}
	}
	var out []int
	for i := p.leftMin; i <= n-p.rightMin; i++ {
		if values[i+1]%2 == 1 { // before word[i], which is letters[i+1]
			out = append(out, i)
		}
	}
	return out
}

// Hyphenate returns the word with "-" at every place it may be broken.
func (p *Patterns) Hyphenate(word string) string {
	runes := []rune(word)
	var b strings.Builder
	at := 0
	for _, i := range p.Points(word) {
		b.WriteString(string(runes[at:i]) + "-")
		at = i
	}
	b.WriteString(string(runes[at:]))
	return b.String()
}

// WithHyphenation is the set breaking words of the languages given (by
// ISO 639-1 code) with their patterns in the lines LayoutIn makes.
func (s *Set) WithHyphenation(patterns map[string]*Patterns) *Set {
	out := *s
	out.hyphenation = patterns
	return &out
}

// LayoutIn is Layout for text in a language (ISO 639-1; a tag such as
// ru-RU is read as ru): where the set has the language's patterns, a word
// that does not fit at the end of a line is broken with a hyphen at the
// last place the patterns allow that fits.
func (s *Set) LayoutIn(lang, text string, style Style, size, width float64) ([]Line, error) {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	return s.layoutSpans([]Span{{Text: text, Style: style}}, size, width, s.hyphenation[base])
}

// hyphenate breaks the word a at the last place the patterns allow where
// its first part and a hyphen fit in room; nil when there is none. A
// word's leading and trailing punctuation ("(word),") stays with its
// parts; a word with anything but letters inside is not broken.
func hyphenate(a *atom, room, size float64, p *Patterns) (head, tail *atom) {
	type char struct {
		face        *Face
		r           rune
		scale, rise float64
	}
	var cs []char
	for _, sg := range a.segs {
		for _, r := range sg.text {
			cs = append(cs, char{sg.face, r, sg.scale, sg.rise})
		}
	}
	start, end := 0, len(cs)
	for start < end && !unicode.IsLetter(cs[start].r) {
		start++
	}
	for end > start && !unicode.IsLetter(cs[end-1].r) {
		end--
	}
	word := make([]rune, 0, end-start)
	for _, c := range cs[start:end] {
		if !unicode.IsLetter(c.r) || isCJK(c.r) {
			return nil, nil
		}
		word = append(word, c.r)
	}
	points := p.Points(string(word))
	for i := len(points) - 1; i >= 0; i-- {
		at := start + points[i]
		head = &atom{}
		for _, c := range cs[:at] {
			head.addScaled(c.face, string(c.r), size, c.scale, c.rise)
		}
		head.addScaled(cs[at-1].face, "-", size, cs[at-1].scale, cs[at-1].rise)
		if head.width > room {
			continue
		}
		tail = &atom{space: a.space}
		for _, c := range cs[at:] {
			tail.addScaled(c.face, string(c.r), size, c.scale, c.rise)
		}
		return head, tail
	}
	return nil, nil
}

// LoadHyphenation reads the patterns of dir in fsys, hyph_LL_CC.dic each,
// by language (LL).
func LoadHyphenation(fsys fs.FS, dir string) (map[string]*Patterns, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "hyph_*.dic"))
	if err != nil {
		return nil, err
	}
	out := map[string]*Patterns{}
	for _, name := range names {
		lang, _, _ := strings.Cut(strings.TrimPrefix(path.Base(name), "hyph_"), "_")
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		p, err := ParsePatterns(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[strings.ToLower(strings.TrimSuffix(lang, ".dic"))] = p
	}
	return out, nil
}
