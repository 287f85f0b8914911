package csl

import (
	"bytes"
	"fmt"
)

// Style is a parsed CSL style.
type Style struct {
	ID, Title     string
	Class         string // in-text or note
	Format        string // the citation-format category: author-date, numeric, note...
	DefaultLocale string
	root          *node
	macros        map[string]*node
	citation      *node
	bibliography  *node
	locales       []*node // the style's own <locale> elements
	// explicitYearSuffix is set when the style places year-suffix itself;
	// otherwise it follows the first year of issued rendered.
	explicitYearSuffix bool
}

// ParseStyle reads a CSL style file.
func ParseStyle(data []byte) (*Style, error) {
	root, err := parseTree(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("style: %w", err)
	}
	if root.name != "style" {
		return nil, fmt.Errorf("style: the root element is %q, not style", root.name)
	}
	s := &Style{root: root, Class: root.get("class"), DefaultLocale: root.get("default-locale"), macros: map[string]*node{}}
	if info := root.child("info"); info != nil {
		if id := info.child("id"); id != nil {
			s.ID = trimSpace(id.text)
		}
		if t := info.child("title"); t != nil {
			s.Title = trimSpace(t.text)
		}
		for _, c := range info.all("category") {
			if f := c.get("citation-format"); f != "" {
				s.Format = f
			}
		}
	}
	for _, m := range root.all("macro") {
		s.macros[m.get("name")] = m
	}
	s.citation = root.child("citation")
	s.bibliography = root.child("bibliography")
	s.locales = root.all("locale")
	s.explicitYearSuffix = root.any(func(n *node) bool { return n.name == "text" && n.get("variable") == "year-suffix" })
	if s.citation == nil {
		return nil, fmt.Errorf("style: no <citation> element")
	}
	return s, nil
}

// HasBibliography reports whether the style defines a bibliography.
func (s *Style) HasBibliography() bool { return s.bibliography != nil }
