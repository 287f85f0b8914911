package csl

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// nameOptions are the attributes that shape a list of names, inherited
// from the style, citation or bibliography, and names and name elements.
var nameOptionKeys = []string{"and", "delimiter-precedes-et-al", "delimiter-precedes-last", "et-al-min",
	"et-al-use-first", "et-al-use-last", "initialize", "initialize-with", "initialize-with-hyphen", "name-as-sort-order", "sort-separator",
	"form", "delimiter"}

// nameOpts gathers the options of a name element with what it inherits.
// The map returned is shared: it is not to be changed, except when sorting
// (sort keys get a map of their own).
func (r *renderer) nameOpts(name *node) map[string]string {
	if r.cache != nil && !r.sorting && !r.ownInherited {
		key := nameOptsKey{name, r.mode}
		if o, ok := r.cache.nameOpts.Load(key); ok {
			return o.(map[string]string)
		}
		o := r.buildNameOpts(name)
		r.cache.nameOpts.Store(key, o)
		return o
	}
	return r.buildNameOpts(name)
}

type nameOptsKey struct {
	name *node
	mode string
}

func (r *renderer) buildNameOpts(name *node) map[string]string {
	opts := map[string]string{}
	for _, k := range nameOptionKeys {
		if v, ok := r.inherited[k]; ok {
			opts[k] = v
		}
	}
	if v, ok := r.inherited["name-form"]; ok {
		opts["form"] = v
	}
	if v, ok := r.inherited["name-delimiter"]; ok {
		opts["delimiter"] = v
	}
	if name != nil {
		for k, v := range name.attr {
			opts[k] = v
		}
	}
	return opts
}

// isRomanesque reports whether a name is written in an alphabet where
// given names are initialised and the order is inverted with a comma:
// Latin, Cyrillic, Greek and the like. Han, kana and Hangul names are not.
func isRomanesque(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r) {
			return false
		}
	}
	return true
}

// initials shortens given names: "Sergey Mikhailovich" -> "S. M.",
// "Jean-Paul" -> "J.-P.", "А.В." -> "А. В.", keeping particles ("de").
// Without initialize, full names stay and only the initials already there
// are written the style's way ("John Q" -> "John Q.", "А.В." -> "А. В.").
// When initialize-with has no trailing space, initials close up ("J.P.")
// while whole words keep their spaces.
func initials(given, with string, initialize, hyphenInitials bool) string {
	mark := strings.TrimRight(with, " ")
	closeUp := !strings.HasSuffix(with, " ")
	var b strings.Builder
	prevInitial := false
	for _, word := range strings.Fields(given) {
		parts := splitHyphens(word)
		for h, part := range parts {
			// "А.В" written without a space is two initials
			subparts := strings.Split(part, ".")
			for k, p := range subparts {
				rs := []rune(p)
				if len(rs) == 0 {
					continue
				}
				abbreviated := k < len(subparts)-1 // "им.", "Ст."
				initial := false
				switch {
				case unicode.IsLower(rs[0]): // a particle such as "de" or "им."
				case !unicode.IsLetter(rs[0]): // "(бакалавриат)": not a name
				case abbreviated && len(rs) > 1: // "Ст.", "Wm.": kept as written
					p, initial, abbreviated = p+mark, true, false
				case initialize || len(rs) == 1:
					p, initial = string(rs[0])+mark, true
					abbreviated = false
				default:
					initial = abbreviated // "Ст." closes up like an initial
				}
				if abbreviated {
					p += "."
				}
				switch {
				case b.Len() == 0:
				case h > 0 && k == firstNonEmpty(subparts) && (hyphenInitials || !initial) &&
					(initialize || !strings.HasSuffix(parts[h-1], ".")):
					// "J.-P."; without initialize-with-hyphen the initials of
					// "Xiao-Lun" are two initials ("X L"), and initials typed
					// with their hyphen, "P.-G.", are normalised to "P. G." where
					// the style does not initialise, as citeproc-js writes them
					b.WriteByte('-')
				case closeUp && prevInitial && initial:
				default:
					b.WriteByte(' ')
				}
				b.WriteString(p)
				prevInitial = initial
			}
		}
	}
	return b.String()
}

// splitHyphens splits a word at the hyphens that join two names
// ("Jean-Paul"), not at those before a lower-case letter ("E-mail").
func splitHyphens(word string) []string {
	var parts []string
	start := 0
	for i, r := range word {
		if r != '-' || i == 0 {
			continue
		}
		next, _ := utf8.DecodeRuneInString(word[i+1:])
		if unicode.IsUpper(next) {
			parts = append(parts, word[start:i])
			start = i + 1
		}
	}
	return append(parts, word[start:])
}

// firstNonEmpty is the index of the first non-empty string of ss.
func firstNonEmpty(ss []string) int {
	for i, s := range ss {
		if s != "" {
			return i
		}
	}
	return -1
}

// combineEditorTranslator puts editor and translator, when a names
// element asks for both and they are the same people, as one list labelled
// with the editortranslator term ("ed. & trans.").
func (r *renderer) combineEditorTranslator(vars []string) []string {
	ed, tr := -1, -1
	for i, v := range vars {
		switch v {
		case "editor":
			ed = i
		case "translator":
			tr = i
		}
	}
	if ed < 0 || tr < 0 || len(r.item.names["editor"]) == 0 || !slices.Equal(r.item.names["editor"], r.item.names["translator"]) {
		return vars
	}
	out := slices.Clone(vars)
	out[min(ed, tr)] = "editortranslator"
	return slices.Delete(out, max(ed, tr), max(ed, tr)+1)
}

// markNames marks the first names rendered in a bibliography entry (or
// what their substitute rendered), and puts the subsequent-author
// substitute in their place when asked. key is what makes two entries'
// names the same (the names shown, part by part, as citeproc-js compares
// them: "A, B, and C" is "A, B, C, et al."); a title in their place is
// never substituted and leaves the comparison to the entries around it,
// empty key.
func (r *renderer) markNames(s, key string) string {
	if r.mode != "bibliography" || r.sorting || r.namesMarked || s == "" {
		return s
	}
	r.namesMarked = true
	if key == "" || r.unkeyed {
		return s
	}
	r.namesKey = key
	if r.namesAs != nil {
		s = *r.namesAs
	}
	return string(mNamesOn) + s + string(mNamesOff)
}

// namesKey is the key of the names of a list that were shown.
func namesKey(names []Name) string {
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n.NonDroppingParticle + n.Family + n.Given + n.DroppingParticle + n.Suffix + n.Literal)
		b.WriteByte(0)
	}
	return b.String()
}

// substituteKey is the key of what a substitute other than names
// rendered: the value of a variable printed by the substitute itself
// (citeproc-js substitutes a repeated title then, but never what a macro
// printed).
func (r *renderer) substituteKey(c *node) string {
	key := ""
	c.any(func(n *node) bool {
		if v := n.get("variable"); n.name == "text" && v != "" && r.item.Var(v) != "" {
			key = r.item.Var(v)
			return true
		}
		return false
	})
	return key
}

// apostrophes sets the apostrophes of a name as ’ ("d’Arcus").
func apostrophes(s string) string { return strings.ReplaceAll(s, "'", "’") }

// withParticle joins a particle to a family name: with a space, or none
// after an apostrophe or hyphen ("d’Wander", "al-One").
func withParticle(particle, family string) string {
	if particle == "" {
		return family
	}
	if strings.HasSuffix(particle, "’") || strings.HasSuffix(particle, "-") {
		return particle + family
	}
	return particle + " " + family
}

// nameParts renders the parts of one name with name-part formatting.
func (r *renderer) namePart(nameNode *node, part, s string) string {
	if s == "" || nameNode == nil {
		return s
	}
	for _, np := range nameNode.all("name-part") {
		if np.get("name") == part {
			return r.decorate(np, s)
		}
	}
	return s
}

// renderName renders one name. index is its position in the list.
func (r *renderer) renderName(n Name, nameNode *node, opts map[string]string, index int) string {
	if n.Literal != "" {
		return r.namePart(nameNode, "family", typographic(n.Literal))
	}
	if n.Given == "" {
		// a family name alone is often an institution's, quotes and all
		n.Family = typographic(n.Family)
	} else {
		// quotes inside a personal name are a nickname's or noise: dropped
		n.Family, n.Given = strings.ReplaceAll(n.Family, `"`, ""), strings.ReplaceAll(n.Given, `"`, "")
	}
	n.Family, n.Given = apostrophes(n.Family), apostrophes(n.Given)
	n.NonDroppingParticle, n.DroppingParticle = apostrophes(n.NonDroppingParticle), apostrophes(n.DroppingParticle)
	family := withParticle(n.NonDroppingParticle, n.Family)
	given := n.Given
	level := r.givenLevel(n, index, opts)
	if opts["form"] == "short" && level == 0 {
		return r.namePart(nameNode, "family", family)
	}
	if !isRomanesque(n.Family + n.Given) {
		// Han and kana: family then given, no space, no initials.
		return r.namePart(nameNode, "family", family) + r.namePart(nameNode, "given", given)
	}
	with, ok := opts["initialize-with"]
	if level == givenInitials && !ok {
		with, ok = ". ", true
	}
	if ok && given != "" && level != givenFull {
		initialize := opts["initialize"] != "false" || level == givenInitials
		given = initials(given, with, initialize, opts["initialize-with-hyphen"] != "false")
	}
	inverted := opts["name-as-sort-order"] == "all" || (opts["name-as-sort-order"] == "first" && index == 0) || r.sorting
	demote := r.inherited["demote-non-dropping-particle"]
	if demote == "" {
		demote = "display-and-sort"
	}
	particles := n.DroppingParticle
	if inverted && n.NonDroppingParticle != "" && n.Given != "" && (demote == "display-and-sort" || r.sorting && demote == "sort-only") {
		// "Gogh, Vincent van": the particle follows the given name
		family = n.Family
		particles = strings.TrimSpace(particles + " " + n.NonDroppingParticle)
	}
	if particles != "" {
		given = strings.TrimSpace(given + " " + particles)
	}
	familyText := r.namePart(nameNode, "family", family)
	givenText := r.namePart(nameNode, "given", given)
	staticOrder := n.StaticOrdering || isEastAsianItem(r.item.Var("language"))
	switch {
	case given == "":
		return familyText
	case staticOrder:
		return familyText + " " + givenText
	case inverted:
		sep := ", "
		if v, ok := opts["sort-separator"]; ok {
			sep = v
		}
		s := familyText + sep + givenText
		if n.Suffix != "" {
			s += sep + n.Suffix
		}
		return s
	}
	s := givenText + " " + familyText
	if n.Suffix != "" {
		if n.CommaSuffix {
			s += ", " + n.Suffix
		} else {
			s += " " + n.Suffix
		}
	}
	return s
}

// isEastAsianItem reports an item in Chinese, Japanese or Korean, whose
// names (even romanised) are written family first, without a comma.
func isEastAsianItem(lang string) bool {
	switch baseLang(strings.ToLower(lang)) {
	case "zh", "ja", "ko":
		return true
	}
	return false
}

// renderNameList renders the names of one variable.
func (r *renderer) renderNameList(names []Name, nameNode, etAlNode *node, opts map[string]string) string {
	if len(names) == 0 {
		return ""
	}
	if opts["form"] == "count" {
		return strconv.Itoa(len(names))
	}
	min, _ := strconv.Atoi(opts["et-al-min"])
	useFirst, _ := strconv.Atoi(opts["et-al-use-first"])
	n := len(names)
	if r.sorting {
		if min > 0 && len(names) >= min && useFirst > 0 && useFirst < len(names) {
			n = useFirst
		}
	} else {
		pos := r.nameset
		r.nameset++
		r.curNameset = pos
		n = r.namesShown(len(names), min, useFirst, pos)
		if r.probing {
			r.maxNames = append(r.maxNames, len(names))
			if r.request != nil {
				r.request.setNames(pos, n)
			}
		}
	}
	shown, etAl := names[:n], n < len(names)
	r.lastShown = shown
	delim := ", "
	if v, ok := opts["delimiter"]; ok {
		delim = v
	}
	var parts []string
	for i, n := range shown {
		parts = append(parts, r.renderName(n, nameNode, opts, i))
	}
	inverted := func(i int) bool { // a personal name written family first
		personal := i >= 0 && i < len(names) && names[i].Literal == "" && names[i].Given != ""
		return personal && (opts["name-as-sort-order"] == "all" || (opts["name-as-sort-order"] == "first" && i == 0))
	}
	if etAl && r.sorting && !truthy(opts["et-al-use-last"]) { // a sort key has the names shown, not "et al." (as citeproc-js)
		return joinAll(parts, delim)
	}
	if etAl {
		if truthy(opts["et-al-use-last"]) && len(names) > useFirst+1 {
			return joinAll(parts, delim) + delim + "… " + r.renderName(names[len(names)-1], nameNode, opts, len(names)-1)
		}
		term := "et-al"
		var etAlFmt *node
		if etAlNode != nil {
			if t := etAlNode.get("term"); t != "" {
				term = t
			}
			etAlFmt = etAlNode
		}
		etAlText := r.locale.term(term, "", false, "")
		if strings.TrimSpace(etAlText) == "" { // a style that writes no "et al."
			return joinAll(parts, delim)
		}
		if etAlFmt != nil {
			etAlText = formatting(etAlFmt, etAlText)
		}
		before := " "
		switch opts["delimiter-precedes-et-al"] {
		case "always":
			before = delim
		case "after-inverted-name":
			if inverted(len(shown) - 1) {
				before = delim
			}
		case "never":
		default: // contextual
			if len(shown) > 1 {
				before = delim
			}
		}
		head := joinAll(parts, delim)
		if strings.TrimSpace(before) == "" && isHan(firstRune(etAlText)) {
			before = "" // "梁等": no space before a Chinese term (as citeproc-js)
		}
		return head + before + etAlText
	}
	if len(parts) == 1 {
		return parts[0]
	}
	and := ""
	switch {
	case r.sorting: // a sort key compares the names, not "&" (as citeproc-js)
	case opts["and"] == "text":
		and = r.locale.term("and", "", false, "")
	case opts["and"] == "symbol":
		and = "&"
	}
	// the comma between names stays outside a name's own quotes
	// (“Газпром”, …), as in citeproc-js; the one before "and" does not
	between := string(mKeepOutside) + delim
	if and == "" {
		return joinAll(parts, between)
	}
	last := parts[len(parts)-1]
	head := joinAll(parts[:len(parts)-1], between)
	before := " "
	switch opts["delimiter-precedes-last"] {
	case "always":
		before = delim
	case "after-inverted-name":
		if inverted(len(parts) - 2) {
			before = delim
		}
	case "never":
	default: // contextual: with three names or more
		if len(parts) > 2 {
			before = delim
		}
	}
	return head + before + and + " " + last
}

// renderNames renders a names element: each variable's list with its
// label, or, if all are empty, the first substitute that renders. In a
// citation asked for its author alone, or without it (a narrative
// citation's two halves), the first names element that renders is kept
// aside, or left out.
func (r *renderer) renderNames(n *node) result {
	outer := r.namesDepth == 0
	r.namesDepth++
	res := r.namesElement(n)
	r.namesDepth--
	if outer && r.cite != citeWhole && !r.authorDone && res.s != "" && r.mode == "citation" && !r.sorting {
		r.authorDone, r.authorText = true, res.s
		if r.cite == citeWithoutAuthor {
			return result{called: res.called}
		}
	}
	return res
}

// namesElement renders a names element (renderNames).
func (r *renderer) namesElement(n *node) result {
	if parent := r.substituteFor; parent != nil && parent != n && len(n.children) == 0 && n.get("variable") != "" {
		// a bare <names> in a substitute, however deep, takes the options
		// of the names it substitutes for (CSL 1.0.2, cs:substitute)
		inheritedNode := &node{name: "names", attr: inherit(parent.attr, n.attr), children: withoutSubstitute(parent.children)}
		inheritedNode.classify()
		r.substituteFor = nil
		res := r.renderNames(inheritedNode)
		r.substituteFor = parent
		return res
	}
	vars := strings.Fields(n.get("variable"))
	res := result{called: len(vars)}
	nameNode, etAlNode, labelNode := n.child("name"), n.child("et-al"), n.child("label")
	opts := r.nameOpts(nameNode)
	if r.sorting {
		opts["name-as-sort-order"] = "all"
	}
	vars = r.combineEditorTranslator(vars)
	var parts []string
	for _, v := range vars {
		if r.suppressed[v] {
			continue
		}
		names := r.item.names[v]
		if v == "editortranslator" {
			names = r.item.names["editor"]
		}
		if len(names) == 0 {
			continue
		}
		if r.substituting {
			r.suppress(v)
			if v == "editortranslator" {
				r.suppress("editor")
				r.suppress("translator")
			}
		}
		s := r.renderNameList(names, nameNode, etAlNode, opts)
		label := ""
		if labelNode != nil && opts["form"] != "count" && !r.sorting { // sort keys have no labels
			label = r.nameLabel(labelNode, v, len(names))
		}
		s = r.markNames(s, namesKey(r.lastShown))
		if nameNode != nil {
			s = affix(nameNode.get("prefix"), formatting(nameNode, s), nameNode.get("suffix"))
		}
		if label != "" {
			if labelBefore(n, labelNode) {
				s = concat(label, s)
			} else {
				s = concat(s, label)
			}
		}
		parts = append(parts, s)
		res.filled++
	}
	if len(parts) > 0 {
		delim, ok := n.attr["delimiter"]
		if !ok {
			delim = r.inherited["names-delimiter"]
		}
		res.s = r.decorate(n, joinAll(parts, delim))
		return res
	}
	if sub := n.child("substitute"); sub != nil {
		// after a names element with a name of its own, what a substitute
		// renders is never replaced by subsequent-author-substitute nor
		// compared (as citeproc-js: MLA's editors, after its guest)
		defer func(was bool) { r.unkeyed = was }(r.unkeyed)
		for _, c := range sub.children {
			var cr result
			if c.name == "names" && c.get("variable") != "" && len(c.children) == 0 {
				// A bare <names> in a substitute takes the options of its parent.
				inheritedNode := &node{name: "names", attr: inherit(n.attr, c.attr), children: n.children}
				inheritedNode.children = withoutSubstitute(n.children)
				inheritedNode.classify()
				r.substituting = true
				cr = r.renderNames(inheritedNode)
				r.substituting = false
			} else {
				r.substituting = true
				saved := r.substituteFor
				r.substituteFor = n
				cr = r.render(c)
				r.substituteFor = saved
				r.substituting = false
			}
			if cr.s != "" {
				return result{s: r.markNames(cr.s, r.substituteKey(c)), called: res.called + cr.called, filled: cr.filled + 1}
			}
			if c.name == "names" && len(c.children) > 0 {
				r.unkeyed = true
			}
		}
	}
	return res
}

func withoutSubstitute(children []*node) []*node {
	var out []*node
	for _, c := range children {
		if c.name != "substitute" {
			out = append(out, c)
		}
	}
	return out
}

// labelBefore reports whether a label precedes the names in the element.
func labelBefore(names, label *node) bool {
	for _, c := range names.children {
		if c == label {
			return true
		}
		if c.name == "name" {
			return false
		}
	}
	return false
}

// nameLabel renders the label of a names variable ("ed.", "eds.").
func (r *renderer) nameLabel(label *node, variable string, count int) string {
	plural := count > 1
	switch label.get("plural") {
	case "always":
		plural = true
	case "never":
		plural = false
	}
	t := r.locale.term(variable, label.get("form"), plural, "")
	return r.decorateTerm(label, t)
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

func firstRune(s string) rune { r, _ := firstVisible(s); return r }
