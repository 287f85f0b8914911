package csl

import (
	"bytes"
	"fmt"
	"strings"
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
	// usesDisambiguate is set when a condition tests disambiguate="true".
	usesDisambiguate bool
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
	if err := checkMacros(s.macros, root); err != nil {
		return nil, fmt.Errorf("style: %w", err)
	}
	s.citation = root.child("citation")
	s.bibliography = root.child("bibliography")
	s.locales = root.all("locale")
	s.usesDisambiguate = root.any(func(n *node) bool { return n.has("disambiguate") })
	s.explicitYearSuffix = root.any(func(n *node) bool { return n.name == "text" && n.get("variable") == "year-suffix" })
	if s.citation == nil {
		return nil, fmt.Errorf("style: no <citation> element")
	}
	if s.citation.child("layout") == nil {
		return nil, fmt.Errorf("style: <citation> has no <layout>")
	}
	if s.bibliography != nil && s.bibliography.child("layout") == nil {
		return nil, fmt.Errorf("style: <bibliography> has no <layout>")
	}
	return s, nil
}

// HasBibliography reports whether the style defines a bibliography.
func (s *Style) HasBibliography() bool { return s.bibliography != nil }

// checkMacros finds calls to macros the style does not define and macros
// that call themselves, directly or not, which would never finish.
func checkMacros(macros map[string]*node, root *node) error {
	calls := func(n *node) []string {
		var out []string
		n.any(func(c *node) bool {
			if name := c.get("macro"); name != "" && (c.name == "text" || c.name == "key") {
				out = append(out, name)
			}
			return false
		})
		return out
	}
	for _, name := range calls(root) {
		if macros[name] == nil {
			return fmt.Errorf("macro %q is called but not defined", name)
		}
	}
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	var visit func(name string, path []string) error
	visit = func(name string, path []string) error {
		switch state[name] {
		case visiting:
			return fmt.Errorf("macro %q calls itself (%s)", name, strings.Join(append(path, name), " → "))
		case done:
			return nil
		}
		state[name] = visiting
		for _, callee := range calls(macros[name]) {
			if err := visit(callee, append(path, name)); err != nil {
				return err
			}
		}
		state[name] = done
		return nil
	}
	for name := range macros {
		if err := visit(name, nil); err != nil {
			return err
		}
	}
	return nil
}
