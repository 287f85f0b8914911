package csl

import (
	"strings"
)

// Citations that would read the same are told apart as citeproc-js tells
// them apart, since the reference for every style is what it prints: the
// items whose citations read the same form a group, and the group is
// worked through with one configuration that only ever grows — a given
// name expanded, then one more name shown, name by name (by-cite
// givenname rule), then year suffixes, then the disambiguate="true"
// condition (citeproc-js's order, which puts suffixes first). After each step the group is split by whether each item
// still reads as the first one; an item that reads alone keeps the
// configuration that made it so. The global givenname rules (all-names,
// primary-name...) expand names from a register of every name first.
// What a citation shows this way shows in the bibliography too, as
// citeproc-js does (more names, given names where a style initialises).

// ambigConfig is what an item's citation shows beyond the style's
// defaults: the number of names of each list of names it renders, the
// level of each name's given name, how many disambiguate="true" tests pass,
// and its year suffix.
type ambigConfig struct {
	names        []int   // by list of names, in the order rendered
	givens       [][]int // by list, by name: 0 as the style says, 1 initials, 2 full
	disambiguate int
	yearSuffix   int // -1: none
}

func newAmbigConfig() *ambigConfig { return &ambigConfig{yearSuffix: -1} }

func (c *ambigConfig) clone() *ambigConfig {
	d := &ambigConfig{names: append([]int(nil), c.names...), disambiguate: c.disambiguate, yearSuffix: c.yearSuffix}
	d.givens = make([][]int, len(c.givens))
	for i, g := range c.givens {
		d.givens[i] = append([]int(nil), g...)
	}
	return d
}

// pad gives every shown name a given-name level.
func (c *ambigConfig) pad() {
	for len(c.givens) < len(c.names) {
		c.givens = append(c.givens, nil)
	}
	for i, n := range c.names {
		for len(c.givens[i]) < n {
			c.givens[i] = append(c.givens[i], 0)
		}
	}
}

// setNames records that list pos showed n names.
func (c *ambigConfig) setNames(pos, n int) {
	for len(c.names) <= pos {
		c.names = append(c.names, 0)
	}
	c.names[pos] = n
	c.pad()
}

// given is the level asked for name i of list pos.
func (c *ambigConfig) given(pos, i int) int {
	if pos < len(c.givens) && i < len(c.givens[pos]) {
		return c.givens[pos][i]
	}
	return 0
}

// Levels of given-name expansion.
const (
	givenInitials = 1
	givenFull     = 2
)

// disambiguate runs the style's disambiguation: items in the order they
// were given (which decides the groups' order, as the order items reach
// citeproc-js's registry), sorted in bibliography order (which numbers
// year suffixes).
func (p *Processor) disambiguate(items, sorted []*Item) {
	c := p.style.citation
	for _, it := range items {
		it.ambig, it.givenNames = newAmbigConfig(), nil
		it.SetVar("year-suffix", "")
	}
	opts := disambOptions{
		addNames: truthy(c.get("disambiguate-add-names")), addGiven: truthy(c.get("disambiguate-add-givenname")),
		addYear: truthy(c.get("disambiguate-add-year-suffix")), rule: c.get("givenname-disambiguation-rule"),
	}
	if opts.rule == "" {
		opts.rule = "by-cite"
	}
	if opts.addGiven && opts.rule != "by-cite" {
		p.expandAmbiguousNames(items, opts.rule)
	}
	if opts.addNames || (opts.addGiven && opts.rule == "by-cite") {
		opts.modes = append(opts.modes, modeNames)
	}
	if opts.addYear {
		opts.modes = append(opts.modes, modeYears)
	}
	if p.style.usesDisambiguate {
		opts.modes = append(opts.modes, modeExtraText)
	}
	if len(opts.modes) == 0 {
		return
	}
	order := make(map[*Item]int, len(sorted))
	for i, it := range sorted {
		order[it] = i
	}
	// each item's citation as it reads by default is its group's key; the
	// configuration that rendering leaves is the item's to start with
	keys := make(map[*Item]string, len(items))
	for _, it := range items {
		keys[it] = p.probe(it, it.ambig).key
	}
	for _, g := range groupByKey(items, keys) {
		d := &disambiguator{p: p, opts: opts, order: order}
		d.run(g)
	}
	for _, it := range items {
		if it.ambig.yearSuffix >= 0 {
			it.SetVar("year-suffix", suffixLetters(it.ambig.yearSuffix))
		}
	}
}

// disambOptions are the style's disambiguation settings.
type disambOptions struct {
	addNames, addGiven, addYear bool
	rule                        string
	modes                       []disambMode
}

type disambMode int

const (
	modeNames disambMode = iota
	modeYears
	modeExtraText
)

// probeResult is a citation rendered to judge ambiguity.
type probeResult struct {
	key              string
	maxNames         []int // each list's number of names
	tests, testsPast int   // disambiguate="true" tests met and passed
}

// probe renders an item's citation as plain text following cfg, which
// it updates with what was shown (names, given-name levels).
func (p *Processor) probe(it *Item, cfg *ambigConfig) probeResult {
	r := p.newRenderer(it, "citation")
	r.request, r.probing = cfg, true
	key := plain(r.render(p.style.citation.child("layout")).s)
	return probeResult{key: key, maxNames: r.maxNames, tests: r.disambTests, testsPast: r.disambPassed}
}

// groupByKey returns the groups of two or more items with the same key,
// in the items' order.
func groupByKey(items []*Item, keys map[*Item]string) [][]*Item {
	groups := map[string][]*Item{}
	var order []string
	for _, it := range items {
		k := keys[it]
		if len(groups[k]) == 0 {
			order = append(order, k)
		}
		groups[k] = append(groups[k], it)
	}
	var out [][]*Item
	for _, k := range order {
		if len(groups[k]) > 1 {
			out = append(out, groups[k])
		}
	}
	return out
}

// firstNames are the names a citation most likely shows: the first name
// variable the item has.
func firstNames(it *Item) []Name {
	for _, v := range []string{"author", "editor", "translator", "container-author", "composer", "director"} {
		if len(it.names[v]) > 0 {
			return it.names[v]
		}
	}
	return nil
}

// expandAmbiguousNames applies a global givenname rule: a name whose
// family name is shared by a person with another given name gets its
// initials, or its full given name where initials are not enough (or
// the rule asks for no more than initials). The primary-name rules look
// at first names only.
func (p *Processor) expandAmbiguousNames(items []*Item, rule string) {
	primary := strings.HasPrefix(rule, "primary-name")
	initialsOnly := strings.HasSuffix(rule, "with-initials")
	givens := map[string]map[string]bool{}    // family -> given names
	initialSet := map[string]map[string]int{} // family -> initials -> count of given names
	each := func(fn func(it *Item, n Name)) {
		for _, it := range items {
			for i, n := range firstNames(it) {
				if primary && i > 0 {
					break
				}
				if n.Literal == "" && n.Given != "" {
					fn(it, n)
				}
			}
		}
	}
	each(func(_ *Item, n Name) {
		if givens[n.Family] == nil {
			givens[n.Family], initialSet[n.Family] = map[string]bool{}, map[string]int{}
		}
		if !givens[n.Family][n.Given] {
			givens[n.Family][n.Given] = true
			initialSet[n.Family][initials(n.Given, ".", true, true)]++
		}
	})
	each(func(it *Item, n Name) {
		if len(givens[n.Family]) < 2 {
			return
		}
		level := givenInitials
		if !initialsOnly && initialSet[n.Family][initials(n.Given, ".", true, true)] > 1 {
			level = givenFull
		}
		if it.givenNames == nil {
			it.givenNames = map[string]int{}
		}
		it.givenNames[nameKey(n)] = level
	})
}

func nameKey(n Name) string { return n.Family + "\x00" + n.Given }

// suffixLetters is a, b, ... z, aa, ab...
func suffixLetters(i int) string {
	s := ""
	for i >= 0 {
		s = string(rune('a'+i%26)) + s
		i = i/26 - 1
	}
	return s
}
