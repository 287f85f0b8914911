package csl

import "strings"

// Citations that would read the same are told apart in the order CSL
// gives: more names (disambiguate-add-names), given names or initials
// (disambiguate-add-givenname, by its givenname-disambiguation-rule), the
// disambiguate="true" condition, and last year suffixes ("2025a").

// disambiguation is what an item's citation shows beyond the style's
// defaults to tell it apart.
type disambiguation struct {
	extraNames int            // names shown beyond et-al-use-first
	allGiven   int            // by-cite: every name expanded to this level
	given      map[string]int // global rules: level of each ambiguous name
}

// Levels of given-name expansion.
const (
	givenInitials = 1
	givenFull     = 2
)

// disambiguate runs the style's disambiguation over items in
// bibliography order. Citations are rendered once and again only for the
// items a step changed.
func (p *Processor) disambiguate(items []*Item) {
	c := p.style.citation
	for _, it := range items {
		it.SetVar("year-suffix", "")
		it.SetVar("disambiguate", "")
		it.disamb = disambiguation{}
	}
	addNames, addYear := truthy(c.get("disambiguate-add-names")), truthy(c.get("disambiguate-add-year-suffix"))
	addGiven := truthy(c.get("disambiguate-add-givenname"))
	if !addNames && !addYear && !addGiven && !p.style.usesDisambiguate {
		return
	}
	rule := c.get("givenname-disambiguation-rule")
	if rule == "" {
		rule = "by-cite"
	}
	if addGiven && rule != "by-cite" {
		p.expandAmbiguousNames(items, rule)
	}
	keys := make(map[*Item]string, len(items))
	for _, it := range items {
		keys[it] = p.citeKey(it)
	}
	for _, g := range groupByKey(items, keys) {
		p.tellApart(g, addGiven && rule == "by-cite")
		for _, it := range g {
			keys[it] = p.citeKey(it)
		}
	}
	if addYear {
		for _, g := range groupByKey(items, keys) {
			for i, it := range g {
				it.SetVar("year-suffix", suffixLetters(i))
			}
		}
	}
}

// citeKey is an item's citation as plain text, what ambiguity is judged
// on.
func (p *Processor) citeKey(it *Item) string { return plain(p.renderEntry(it, "citation")) }

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

// tellApart tries, on a group of items whose citations read the same,
// more names, then given names, then the disambiguate condition, keeping
// each step only as far as it helps.
func (p *Processor) tellApart(g []*Item, byCiteGiven bool) {
	if truthy(p.style.citation.get("disambiguate-add-names")) {
		most := 0
		for _, it := range g {
			most = max(most, len(firstNames(it)))
		}
		// one more name at a time, as the specification says (past a few,
		// straight to all of them: each try renders the whole group); each
		// item keeps the fewest extra names that tell it apart from as
		// many others as all its names do — none when more names do not
		// help (as citeproc-js)
		partners := map[*Item][]int{} // how many items read the same as it, at each try
		var levels []int
		for extra := 0; extra <= most; extra++ {
			if extra > 8 {
				extra = most
			}
			for _, it := range g {
				it.disamb.extraNames = extra
			}
			sizes := map[*Item]int{}
			for _, same := range p.ambiguousGroups(g) {
				for _, it := range same {
					sizes[it] = len(same)
				}
			}
			for _, it := range g {
				partners[it] = append(partners[it], sizes[it])
			}
			levels = append(levels, extra)
		}
		for _, it := range g {
			ps := partners[it]
			best := 0
			if final := ps[len(ps)-1]; final < ps[0] {
				for i, n := range ps {
					if n == final {
						best = levels[i]
						break
					}
				}
			}
			it.disamb.extraNames = best
		}
	}
	if byCiteGiven {
		for _, level := range []int{givenInitials, givenFull} {
			if len(p.ambiguousGroups(g)) == 0 {
				break
			}
			for _, it := range g {
				it.disamb.allGiven = level
			}
		}
	}
	if rest := p.ambiguousGroups(g); len(rest) > 0 {
		before := len(rest)
		for _, it := range g {
			it.SetVar("disambiguate", "true")
		}
		if len(p.ambiguousGroups(g)) >= before {
			for _, it := range g {
				it.SetVar("disambiguate", "")
			}
		}
	}
}

// ambiguousGroups returns the groups of two or more items whose
// citations render the same, in the items' order.
func (p *Processor) ambiguousGroups(items []*Item) [][]*Item {
	keys := make(map[*Item]string, len(items))
	for _, it := range items {
		keys[it] = p.citeKey(it)
	}
	return groupByKey(items, keys)
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
		if it.disamb.given == nil {
			it.disamb.given = map[string]int{}
		}
		it.disamb.given[nameKey(n)] = level
	})
}

func nameKey(n Name) string { return n.Family + "\x00" + n.Given }

// givenLevel is how far a name in a citation is expanded (0: as the
// style says).
func (r *renderer) givenLevel(n Name, index int) int {
	if r.mode != "citation" || r.sorting {
		return 0
	}
	d := r.item.disamb
	level := d.allGiven
	if l := d.given[nameKey(n)]; l > level {
		if rule := r.style.citation.get("givenname-disambiguation-rule"); !strings.HasPrefix(rule, "primary-name") || index == 0 {
			level = l
		}
	}
	return level
}

// suffixLetters is a, b, ... z, aa, ab...
func suffixLetters(i int) string {
	s := ""
	for i >= 0 {
		s = string(rune('a'+i%26)) + s
		i = i/26 - 1
	}
	return s
}
