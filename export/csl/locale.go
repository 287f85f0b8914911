package csl

import (
	"bytes"
	"fmt"
	"strings"
)

// term is one locale term in its forms.
type term struct {
	single, multiple string
}

// Locale holds the terms, date formats and options of one language.
type Locale struct {
	Lang    string
	terms   map[string]term // key: name|form|gender
	dates   map[string]*node
	options map[string]string
}

// ParseLocale reads a CSL locale file.
func ParseLocale(data []byte) (*Locale, error) {
	root, err := parseTree(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("locale: %w", err)
	}
	if root.name != "locale" {
		return nil, fmt.Errorf("locale: the root element is %q, not locale", root.name)
	}
	l := newLocale(root.get("lang"))
	l.merge(root)
	return l, nil
}

func newLocale(lang string) *Locale {
	return &Locale{Lang: lang, terms: map[string]term{}, dates: map[string]*node{}, options: map[string]string{}}
}

func termKey(name, form, gender string) string { return name + "|" + form + "|" + gender }

// merge adds the terms, dates and options of a locale element (a locale
// file, or a style's own <locale>), replacing what is there.
func (l *Locale) merge(n *node) {
	if terms := n.child("terms"); terms != nil {
		for _, t := range terms.all("term") {
			form := t.get("form")
			if form == "" {
				form = "long"
			}
			tm := term{single: t.text, multiple: t.text}
			if s := t.child("single"); s != nil {
				tm.single = s.text
				if m := t.child("multiple"); m != nil {
					tm.multiple = m.text
				}
			}
			l.terms[termKey(t.get("name"), form, t.get("gender-form"))] = tm
			if g := t.get("gender"); g != "" && t.get("gender-form") == "" {
				l.terms["gender|"+t.get("name")] = term{single: g}
			}
		}
	}
	for _, d := range n.all("date") {
		l.dates[d.get("form")] = d
	}
	if o := n.child("style-options"); o != nil {
		for k, v := range o.attr {
			l.options[k] = v
		}
	}
}

// formFallback lists the forms to try for a term form: verb-short falls
// back to verb, symbol to short, short and verb to long.
var formFallback = map[string][]string{
	"long": {"long"}, "short": {"short", "long"}, "verb": {"verb", "long"},
	"verb-short": {"verb-short", "verb", "long"}, "symbol": {"symbol", "short", "long"},
}

// term returns a term's text; ok is false if the locale lacks it.
func (l *Locale) term(name, form string, plural bool, gender string) (string, bool) {
	if form == "" {
		form = "long"
	}
	for _, f := range formFallback[form] {
		for _, g := range []string{gender, ""} {
			if t, ok := l.terms[termKey(name, f, g)]; ok {
				if plural {
					return t.multiple, true
				}
				return t.single, true
			}
		}
	}
	return "", false
}

func (l *Locale) gender(name string) string { return l.terms["gender|"+name].single }

// chain is locales in order of precedence: the first that has a term wins.
type chain []*Locale

func (c chain) term(name, form string, plural bool, gender string) string {
	for _, l := range c {
		if s, ok := l.term(name, form, plural, gender); ok {
			return s
		}
	}
	return ""
}

func (c chain) has(name, form string) bool {
	for _, l := range c {
		if _, ok := l.term(name, form, false, ""); ok {
			return true
		}
	}
	return false
}

func (c chain) gender(name string) string {
	for _, l := range c {
		if g := l.gender(name); g != "" {
			return g
		}
	}
	return ""
}

func (c chain) date(form string) *node {
	for _, l := range c {
		if d, ok := l.dates[form]; ok {
			return d
		}
	}
	return nil
}

func (c chain) option(name string) string {
	for _, l := range c {
		if v, ok := l.options[name]; ok {
			return v
		}
	}
	return ""
}

// baseLang is the language of a tag without its region ("ru-RU" -> "ru").
func baseLang(tag string) string {
	b, _, _ := strings.Cut(tag, "-")
	return b
}
