package csl

import "strings"

// How a disambiguation configuration (ambigConfig) shows when an item is
// rendered: how many names a list shows, how far a given name is
// expanded, whether a disambiguate="true" test passes.

// requestFor is the configuration an item's rendering follows: in a
// citation the item's own; in the bibliography its names and given
// names where the style adds given names (citeproc-js carries them over
// only then), nil otherwise.
func (p *Processor) requestFor(it *Item, mode string) *ambigConfig {
	if it.ambig == nil {
		return nil
	}
	if mode == "citation" {
		return it.ambig
	}
	c := p.style.citation
	if !truthy(c.get("disambiguate-add-givenname")) {
		return nil
	}
	req := &ambigConfig{givens: it.ambig.givens, yearSuffix: -1}
	if truthy(c.get("disambiguate-add-names")) {
		req.names = it.ambig.names
	}
	return req
}

// namesShown is how many of a list's count names are shown, by the
// style's et-al-min and et-al-use-first and the configuration asked for
// list pos. A probe shows what the configuration asks; a rendering shows
// more than et-al-use-first only when asked.
func (r *renderer) namesShown(count, etAlMin, useFirst, pos int) int {
	if etAlMin <= 0 || useFirst <= 0 || etAlMin < useFirst {
		return count
	}
	asked := 0
	if r.request != nil && pos < len(r.request.names) {
		asked = r.request.names[pos]
	}
	shown := etAlMin
	switch {
	case r.probing && asked > 0:
		shown = asked
	case !r.probing && asked > useFirst:
		shown = asked
		if count < etAlMin {
			shown = count
		}
	case count >= etAlMin:
		shown = useFirst
	}
	return max(0, min(shown, count))
}

// givenLevel is how far a name of a citation (or, where the style adds
// given names, of a bibliography entry) is expanded beyond what the
// style says: 0, givenInitials or givenFull.
func (r *renderer) givenLevel(n Name, index int, opts map[string]string) int {
	if r.sorting {
		return 0
	}
	_, hasInitials := opts["initialize-with"]
	base := givenFull // what the style shows by default (initials, if it has initialize-with, even with initialize="false", as citeproc-js)
	switch {
	case opts["form"] == "short":
		base = 0
	case hasInitials:
		base = givenInitials
	}
	level := 0
	if l := r.item.givenNames[nameKey(n)]; l > 0 {
		if rule := r.style.citation.get("givenname-disambiguation-rule"); !strings.HasPrefix(rule, "primary-name") || index == 0 {
			// a global rule's expansion shows in the bibliography too where
			// it goes beyond the style's ("Alver, Morten O", as typed)
			if r.mode == "citation" || l > base {
				level = l
			}
		}
	}
	if r.request == nil || !r.byCiteGivens() {
		return level
	}
	asked := r.request.given(r.curNameset, index)
	if asked == givenInitials && (!hasInitials || n.Given == "") {
		asked = givenFull
	}
	if r.probing && n.Given != "" {
		r.request.pad()
		if r.curNameset < len(r.request.givens) && index < len(r.request.givens[r.curNameset]) {
			r.request.givens[r.curNameset][index] = max(asked, base)
		}
	}
	if asked > base {
		level = max(level, asked)
	}
	return level
}

// byCiteGivens reports a style that expands given names citation by
// citation.
func (r *renderer) byCiteGivens() bool {
	c := r.style.citation
	rule := c.get("givenname-disambiguation-rule")
	return truthy(c.get("disambiguate-add-givenname")) && (rule == "" || rule == "by-cite")
}

// passDisambiguate tests disambiguate="true": the first tests pass, as
// many as the configuration says.
func (r *renderer) passDisambiguate() bool {
	if r.mode == "bibliography" {
		if r.item.ambig != nil && r.disambPassed < r.item.ambig.disambiguate {
			r.disambPassed++
			return true
		}
		return false
	}
	r.disambTests++
	if r.request != nil && r.request.disambiguate > 0 && r.disambPassed < r.request.disambiguate {
		r.disambPassed++
		return true
	}
	return false
}
