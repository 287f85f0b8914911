package csl

import (
	"sort"
	"strconv"
	"strings"
)

// The steps of telling a group of citations apart, as citeproc-js takes
// them (see disambiguate.go).

// ambigList is items still to tell apart and the configuration they
// are tried with.
type ambigList struct {
	base  *ambigConfig
	items []*Item
}

// disambiguator works one group through, in citeproc-js's steps.
type disambiguator struct {
	p     *Processor
	opts  disambOptions
	order map[*Item]int // bibliography order

	lists        []ambigList
	base, better *ambigConfig // the configuration tried; the best one yet
	mode         int          // index in opts.modes
	nameset      int          // the list of names being expanded
	name         int          // the name of it being expanded
	namesMax     int          // names of the group's first item (-1: none)
	givensMax    int          // highest given-name level (-1: not expanded)
	namesetsMax  int
	initGivens   bool // the next step tries the configuration as it is
	clashes      [2]int
	partners     []*Item // items reading as the first, the first included
	nonpartners  []*Item
	last         probeResult // the last rendering of a step
}

// run tells a group apart; each item ends with its configuration.
func (d *disambiguator) run(group []*Item) {
	d.start(group)
	d.initGivens = true
	// each step grows the configuration or shortens a list, but a guard
	// keeps odd data from looping
	for steps := 0; len(d.lists) > 0 && steps < 100000; {
		d.nameset, d.name = 0, 0
		d.clashes = [2]int{1, 0}
		for len(d.lists) > 0 && len(d.lists[0].items) > 0 && steps < 100000 {
			steps++
			maxed := d.increment()
			d.scan(d.lists[0])
			d.evaluate(maxed)
		}
		if len(d.lists) > 0 {
			d.lists = d.lists[1:]
		}
	}
}

// start renders each item of the group with the configuration the first
// one leaves, orders them by how many names they have, and sets the
// limits of the steps.
func (d *disambiguator) start(group []*Item) {
	p := d.p
	maxNames := map[*Item]string{}
	first := group[0]
	res := p.probe(first, first.ambig)
	d.base = first.ambig.clone()
	d.better = d.base.clone()
	maxNames[first] = joinInts(res.maxNames)
	allMax := map[*Item][]int{first: res.maxNames}
	d.namesetsMax = len(first.ambig.names) - 1
	for _, it := range group[1:] {
		// each is rendered with the configuration as the one before left
		// it, and takes its given-name levels (as citeproc-js)
		res := p.probe(it, d.base)
		maxNames[it], allMax[it] = joinInts(res.maxNames), res.maxNames
		it.ambig.givens = d.base.clone().givens
		d.namesetsMax = len(it.ambig.names) - 1
	}
	d.better.givens = d.base.clone().givens
	items := append([]*Item(nil), group...)
	// by the number of names compared as text ("12" before "3"), then by
	// id, as citeproc-js sorts them
	sort.SliceStable(items, func(i, j int) bool {
		a, b := maxNames[items[i]], maxNames[items[j]]
		if a != b {
			return a < b
		}
		return items[i].ID < items[j].ID
	})
	d.lists = []ambigList{{d.base, items}}
	d.mode = 0
	d.namesMax = -1
	if m := allMax[items[0]]; len(m) > 0 {
		d.namesMax = m[0]
	}
	d.base.pad()
	d.better.pad()
	d.base.yearSuffix, d.base.disambiguate = -1, 0
	d.better.yearSuffix, d.better.disambiguate = -1, 0
	d.givensMax = -1
	if d.opts.addGiven && d.opts.rule == "by-cite" {
		d.givensMax = givenFull
	}
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

// increment grows the configuration by one step of the current mode: a
// given name one level, else one more name, else the next list of names;
// or one more disambiguate test. It reports that nothing is left to grow.
func (d *disambiguator) increment() bool {
	if d.initGivens {
		d.initGivens = false
		return false
	}
	b := d.base
	switch d.opts.modes[d.mode] {
	case modeNames:
		incNames := d.givensMax < 0
		incSets := d.namesMax < 0
		if d.givensMax >= 0 {
			if len(b.givens) > 0 && d.nameset < len(b.givens) && d.name < len(b.givens[d.nameset]) && b.givens[d.nameset][d.name] < d.givensMax {
				b.givens[d.nameset][d.name]++
			} else {
				incNames = true
			}
		}
		if d.namesMax >= 0 && incNames {
			if d.opts.addNames {
				incSets = false
				if d.name < d.namesMax {
					if d.nameset < len(b.names) {
						b.names[d.nameset]++
					}
					d.name++
				} else {
					incSets = true
				}
			} else {
				incSets = true
			}
		}
		if incSets && d.nameset < d.namesetsMax {
			d.nameset++
			b.setNames(d.nameset, 1)
			d.name = 0
		}
		givenDone := d.givensMax < 0 || d.nameset >= len(b.givens) || d.name >= len(b.givens[d.nameset]) ||
			b.givens[d.nameset][d.name] == d.givensMax
		return (d.namesetsMax == -1 || d.nameset == d.namesetsMax) &&
			(!d.opts.addNames || d.namesMax < 0 || d.name == d.namesMax) && givenDone
	case modeExtraText:
		b.disambiguate++
		d.better.disambiguate++
	}
	return false
}

// scan splits a list into the items that read as its first (partners)
// and the rest.
func (d *disambiguator) scan(l ambigList) {
	first := l.items[0]
	d.last = d.p.probe(first, d.base)
	key := d.last.key
	d.partners, d.nonpartners = []*Item{first}, nil
	clashes := 0
	for _, it := range l.items[1:] {
		res := d.p.probe(it, d.base)
		d.last = res
		if res.key == key {
			clashes++
			d.partners = append(d.partners, it)
		} else {
			d.nonpartners = append(d.nonpartners, it)
		}
	}
	d.clashes[0], d.clashes[1] = d.clashes[1], clashes
}

// evaluate judges a step by the current mode and moves to the next mode
// when this one has nothing left to try.
func (d *disambiguator) evaluate(maxed bool) {
	switch d.opts.modes[d.mode] {
	case modeNames:
		d.byNames(maxed)
	case modeExtraText:
		d.byExtraText()
	case modeYears:
		d.byYears()
	}
	if maxed {
		if d.mode < len(d.opts.modes)-1 {
			d.mode++
		} else if len(d.lists) > 1 {
			d.lists[1] = ambigList{d.base, nil}
		} else {
			d.lists = append(d.lists, ambigList{d.base, nil})
		}
	}
}

// register gives an item the configuration.
func (d *disambiguator) register(it *Item, cfg *ambigConfig) { it.ambig = cfg.clone() }

// keepStep copies what the last step grew into the best configuration.
func (d *disambiguator) keepStep() {
	b := d.base
	if d.opts.rule == "by-cite" && len(b.givens) > 0 && d.nameset < len(b.givens) && d.name < len(b.givens[d.nameset]) {
		if len(d.better.givens) < len(b.givens) {
			d.better.givens = b.clone().givens
		}
		for len(d.better.givens[d.nameset]) <= d.name {
			d.better.givens[d.nameset] = append(d.better.givens[d.nameset], 0)
		}
		d.better.givens[d.nameset][d.name] = b.givens[d.nameset][d.name]
	}
	if d.nameset < len(b.names) {
		for len(d.better.names) <= d.nameset {
			d.better.names = append(d.better.names, 0)
		}
		d.better.names[d.nameset] = b.names[d.nameset]
	}
}

// byNames judges a step of more names or given names.
func (d *disambiguator) byNames(maxed bool) {
	switch {
	case d.clashes[1] == 0 && len(d.nonpartners) == 1:
		// the first item and the one other read apart: both done
		d.keepStep()
		d.register(d.nonpartners[0], d.better)
		d.register(d.partners[0], d.better)
		d.lists[0] = ambigList{d.better, nil}
	case d.clashes[1] == 0:
		// the first item reads alone: done; the others go on
		d.keepStep()
		d.register(d.partners[0], d.better)
		d.lists[0] = ambigList{d.better, d.nonpartners}
		if len(d.nonpartners) > 0 {
			d.initGivens = true
		}
	case len(d.nonpartners) == 1:
		// one item reads apart from all the others: done
		d.keepStep()
		d.register(d.nonpartners[0], d.better)
		d.lists[0] = ambigList{d.better, d.partners}
	case d.clashes[1] < d.clashes[0]:
		// fewer read the same: the partners go on, the others later
		d.keepStep()
		d.lists[0] = ambigList{d.better, d.partners}
		d.lists = append(d.lists, ambigList{d.better, d.nonpartners})
	case maxed:
		// no better and nothing left to grow
		d.lists[0] = ambigList{d.better, d.nonpartners}
		d.lists = append(d.lists, ambigList{d.better, d.partners})
		if d.mode == len(d.opts.modes)-1 {
			for _, it := range d.partners {
				d.register(it, d.better)
			}
			d.lists[0] = ambigList{d.better, nil}
		}
	}
}

// byExtraText judges the disambiguate="true" condition.
func (d *disambiguator) byExtraText() {
	done := d.clashes[1] == 0 && len(d.nonpartners) < 2
	last := len(d.opts.modes) - 1
	if !done && (d.base.disambiguate == 0 || d.last.testsPast != d.last.tests) {
		d.mode = 0
		d.base.disambiguate, d.better.disambiguate = d.last.testsPast, d.last.testsPast
		if d.base.disambiguate == 0 {
			d.initGivens = true
			d.base.disambiguate = 1
		} else {
			d.byNames(false)
		}
		return
	}
	b := d.lists[0].base
	if done || d.mode == last {
		for _, it := range d.lists[0].items {
			d.register(it, b)
		}
		d.lists[0] = ambigList{d.better, nil}
		return
	}
	d.mode = last
	b.disambiguate = max(b.disambiguate, 1)
	for _, it := range d.lists[0].items {
		d.register(it, b)
	}
}

// byYears gives the items that still read the same year suffixes in
// bibliography order.
func (d *disambiguator) byYears() {
	b := d.lists[0].base
	var tokens []*Item
	if d.clashes[1] > 0 {
		tokens = append(tokens, d.lists[0].items...)
	}
	sort.SliceStable(tokens, func(i, j int) bool { return d.order[tokens[i]] < d.order[tokens[j]] })
	for i, it := range tokens {
		b.yearSuffix = i
		d.register(it, b)
	}
	d.lists[0] = ambigList{d.better, nil}
}
