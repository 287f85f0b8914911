// Package csl is a processor for the Citation Style Language 1.0.2: it
// renders bibliography entries and citations from CSL-JSON items with the
// official style and locale files, as text or HTML.
package csl

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// node is an element of a style or locale file.
type node struct {
	name     string
	attr     map[string]string
	children []*node
	text     string
	// conds are the tests of an if or else-if, read once when parsed
	conds []cond
	match string // all, any or none
	// decorated and formatted say whether the node has attributes that
	// decorate and formatting apply (most have none)
	decorated, formatted bool
}

// formattingAttrs and decoratingAttrs are the attributes formatting and
// decorate read.
var (
	formattingAttrs = []string{"font-style", "font-weight", "font-variant", "text-decoration", "vertical-align"}
	decoratingAttrs = []string{"text-case", "strip-periods", "quotes", "prefix", "suffix", "display"}
)

// classify notes which kinds of attributes the node has.
func (n *node) classify() {
	for _, a := range formattingAttrs {
		if _, ok := n.attr[a]; ok {
			n.formatted = true
		}
	}
	n.decorated = n.formatted
	for _, a := range decoratingAttrs {
		if _, ok := n.attr[a]; ok {
			n.decorated = true
		}
	}
}

// cond is one condition attribute of an if: its kind (type, variable,
// is-numeric...) and the values it lists.
type cond struct {
	kind   string
	values []string
}

func (n *node) get(name string) string { return n.attr[name] }

func (n *node) child(name string) *node {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

func (n *node) all(name string) []*node {
	var out []*node
	for _, c := range n.children {
		if c.name == name {
			out = append(out, c)
		}
	}
	return out
}

// parseTree reads an XML document into nodes. Only elements and their
// text matter to CSL; namespaces are dropped.
func parseTree(r io.Reader) (*node, error) {
	dec := xml.NewDecoder(r)
	var stack []*node
	var root *node
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name.Local, attr: map[string]string{}}
			for _, a := range t.Attr {
				n.attr[a.Name.Local] = a.Value
			}
			if n.name == "if" || n.name == "else-if" {
				n.compileConditions()
			}
			n.classify()
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no root element")
	}
	return root, nil
}

// compileConditions reads the tests of an if or else-if once.
func (n *node) compileConditions() {
	n.match = n.attr["match"]
	if n.match == "" {
		n.match = "all"
	}
	for attr, value := range n.attr {
		if attr != "match" {
			n.conds = append(n.conds, cond{kind: attr, values: strings.Fields(value)})
		}
	}
}

// attrs merges inherited attributes: later maps win.
func inherit(maps ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func truthy(s string) bool { return s == "true" }

func trimSpace(s string) string { return strings.TrimSpace(s) }

// any reports whether n or a node below it satisfies f.
func (n *node) any(f func(*node) bool) bool {
	if f(n) {
		return true
	}
	for _, c := range n.children {
		if c.any(f) {
			return true
		}
	}
	return false
}
