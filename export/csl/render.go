package csl

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// result is what rendering an element gives: its text, and how many
// variables it called and found not empty (for groups' implicit
// suppression).
type result struct {
	s              string
	called, filled int
}

func (r result) add(o result) result {
	return result{s: r.s, called: r.called + o.called, filled: r.filled + o.filled}
}

// renderer renders one item with one style and locale.
type renderer struct {
	style        *Style
	locale       chain
	item         *Item
	mode         string            // "citation" or "bibliography"
	sorting      bool              // rendering a sort key
	inherited    map[string]string // name options from style and citation/bibliography
	ownInherited bool              // inherited is this renderer's copy
	cache        *renderCache      // the processor's, shared by its renderers
	suppressed   map[string]bool   // variables already used by a substitute (nil until one is)
	substituting bool
	// substituteFor is the names element whose substitute is being
	// rendered: a bare <names> anywhere in it (in a choose too) takes its
	// options.
	substituteFor *node
	namesMarked   bool    // the first names of a bibliography entry are marked
	namesKey      string  // what the marked names compare by (markNames)
	unkeyed       bool    // names rendered now are not compared (markNames)
	lastShown     []Name  // the names the last list showed
	namesAs       *string // what the first names render as instead (subsequent-author-substitute)
	dateVar       string  // the date variable being rendered
	suffixPlaced  bool    // the implicit year suffix has been placed

	// disambiguation: the configuration the names follow (and, probing,
	// record what they showed), the lists of names rendered so far and the
	// one being rendered, each list's number of names (probing), and the
	// disambiguate="true" tests met and passed
	// a narrative citation's halves: the author alone, or the citation
	// without it (renderNames)
	cite       citePart
	namesDepth int
	authorDone bool
	authorText string

	request      *ambigConfig
	probing      bool
	nameset      int
	curNameset   int
	maxNames     []int
	disambTests  int
	disambPassed int
}

// renderChildren renders the children of n and joins them with its
// delimiter.
func (r *renderer) renderChildren(n *node, delim string) result {
	parts, res := r.renderParts(n.children)
	res.s = joinAll(parts, delim)
	return res
}

// renderParts renders elements into separate pieces. The children of the
// chosen branch of a choose stand as pieces of their own, so that the
// delimiter of the enclosing element goes between them, as CSL says.
func (r *renderer) renderParts(children []*node) ([]string, result) {
	var parts []string
	var res result
	for _, c := range children {
		if c.name == "choose" {
			for _, branch := range c.children {
				if branch.name == "else" || r.test(branch) {
					p, br := r.renderParts(branch.children)
					parts = append(parts, p...)
					res = res.add(br)
					break
				}
			}
			continue
		}
		cr := r.render(c)
		res = res.add(cr)
		if cr.s != "" {
			parts = append(parts, cr.s)
		}
	}
	return parts, res
}

// decorate applies an element's text case, formatting, quotes, affixes
// and display to its rendered text.
func (r *renderer) decorate(n *node, s string) string {
	return r.decorateIn(n, s, r.item.Var("language"))
}

// decorateTerm decorates a term of the locale ("trans.", "ed."): its case
// is the locale's to take, whatever the item's language (APA's "(R.
// Rosmalen, Trans.)" for a Dutch book, as citeproc-js).
func (r *renderer) decorateTerm(n *node, s string) string { return r.decorateIn(n, s, "") }

func (r *renderer) decorateIn(n *node, s, lang string) string {
	if s == "" || !n.decorated {
		return s
	}
	if tc := n.get("text-case"); tc != "" {
		s = textCase(s, tc, lang)
	}
	if truthy(n.get("strip-periods")) {
		s = strings.ReplaceAll(s, ".", "")
	}
	s = formatting(n, s)
	if truthy(n.get("quotes")) {
		s = quote(s)
	}
	s = affix(n.get("prefix"), s, n.get("suffix"))
	if m, ok := displayMarkers[n.get("display")]; ok && s != "" {
		s = string(m[0]) + s + string(m[1])
	}
	return s
}

// asGroup applies a group's implicit condition to what its children
// rendered: nothing if they called variables and all were empty. A group
// that renders counts as a filled variable for the group around it, and a
// macro is a group, as in citeproc-js (the reference implementation
// styles are tested with).
func asGroup(res result) result {
	if res.called > 0 && res.filled == 0 {
		return result{called: res.called}
	}
	if res.s != "" {
		res.filled = max(res.filled, 1)
	}
	return res
}

// render renders one element.
func (r *renderer) render(n *node) result {
	switch n.name {
	case "text":
		return r.renderText(n)
	case "group":
		res := asGroup(r.renderChildren(n, n.get("delimiter")))
		res.s = r.decorate(n, res.s)
		return res
	case "choose":
		return r.renderChoose(n)
	case "names":
		return r.renderNames(n)
	case "date":
		return r.renderDate(n)
	case "number":
		return r.renderNumber(n)
	case "label":
		return r.renderLabel(n, n.get("variable"))
	case "layout":
		return r.renderLayout(n)
	}
	return result{}
}

func (r *renderer) renderText(n *node) result {
	switch {
	case n.get("macro") != "":
		m := r.style.macros[n.get("macro")]
		if m == nil {
			return result{}
		}
		res := asGroup(r.renderChildren(m, ""))
		res.s = r.decorate(n, res.s)
		return res
	case n.get("variable") != "":
		name := n.get("variable")
		v := r.variable(name, n.get("form"))
		res := result{called: 1}
		if name == "year-suffix" && v == "" {
			// An absent year suffix is no evidence that a group is empty
			// (citeproc-js adds it after disambiguation): "(n.d.)" stays.
			return result{}
		}
		if v == "" || r.suppressed[name] {
			return res
		}
		if r.substituting {
			r.suppress(name)
		}
		res.filled = 1
		if name == "page" || name == "locator" && (r.item.Var("label") == "" || r.item.Var("label") == "page") {
			v = pageRange(v, r.style.root.get("page-range-format"), r.locale) // a page cited: "12–14", as citeproc-js
		} else if numericVars[name] || name == "locator" {
			v = numberRange(v)
		}
		if name == "URL" || name == "DOI" {
			res.s = affix(n.get("prefix"), formatting(n, v), n.get("suffix"))
			return res
		}
		res.s = r.decorate(n, typographic(richText(v)))
		return res
	case n.get("term") != "":
		t := r.locale.term(n.get("term"), n.get("form"), truthy(n.get("plural")), "")
		return result{s: r.decorateTerm(n, t)}
	case n.has("value"):
		v := n.get("value")
		if strings.HasPrefix(v, ".") || strings.HasPrefix(v, ",") {
			// punctuation written out as a value stays outside quotes, as
			// in citeproc-js (only affixes and delimiters move in)
			v = string(mKeepOutside) + v
		}
		return result{s: r.decorate(n, v)}
	}
	return result{}
}

func (n *node) has(name string) bool {
	_, ok := n.attr[name]
	return ok
}

// variable returns a variable's text, in its short form when asked.
func (r *renderer) variable(name, form string) string {
	if form == "short" {
		if v := r.item.Var(name + "-short"); v != "" {
			return v
		}
		if name == "title" {
			if v := r.item.Var("shortTitle"); v != "" {
				return v
			}
		}
	}
	return r.item.Var(name)
}

// renderChoose renders the first branch whose conditions hold.
func (r *renderer) renderChoose(n *node) result {
	for _, branch := range n.children {
		if branch.name == "else" || r.test(branch) {
			return r.renderChildren(branch, "")
		}
	}
	return result{}
}

// test evaluates the conditions of an if or else-if, stopping as soon
// as the outcome is known.
func (r *renderer) test(n *node) bool {
	any := false
	for _, c := range n.conds {
		for _, v := range c.values {
			ok := r.condition(c.kind, v)
			any = true
			switch {
			case n.match == "any" && ok:
				return true
			case n.match == "none" && ok:
				return false
			case n.match == "all" && !ok:
				return false
			}
		}
	}
	switch n.match {
	case "any":
		return false
	case "none":
		return true
	}
	return any
}

func (r *renderer) condition(kind, v string) bool {
	switch kind {
	case "type":
		return r.item.Type == v
	case "variable":
		return r.item.hasVar(v) // a substituted variable is still the item's (citeproc-js)
	case "is-numeric":
		return isNumeric(r.item.Var(v))
	case "is-uncertain-date":
		d := r.item.dates[v]
		return d != nil && d.Circa
	case "locator":
		return r.item.Var("label") == v || (v == "page" && r.item.Var("locator") != "" && r.item.Var("label") == "")
	case "position":
		if r.probing { // citeproc-js judges ambiguity on a later citation
			return v == "subsequent" || v == "near-note"
		}
		return v == "first" && r.mode == "citation"
	case "disambiguate":
		return v == "true" && r.passDisambiguate()
	}
	return false
}

// isNumeric follows CSL: digits, optionally with letters as prefix or
// suffix, joined by "-", "&", "," or "and".
func isNumeric(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return false
	}
	withDigits := false
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '–' || r == ',' || r == '&' || r == ' ' }) {
		if part == "and" {
			continue
		}
		if romanNumeral.MatchString(part) { // "60-I": a roman part beside a number (as citeproc-js)
			continue
		}
		digits := false
		for _, c := range part {
			if c >= '0' && c <= '9' {
				digits = true
			}
		}
		if !digits {
			return false
		}
		withDigits = true
		if _, err := strconv.Atoi(strings.Trim(part, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")); err != nil {
			return false
		}
	}
	return withDigits
}

var romanNumeral = regexp.MustCompile(`^[ivxlcdmIVXLCDM]+$`)

// typographic sets the data's apostrophes as ’ ("Students’", "d’eau")
// and its straight quotes, double or single, as quotation marks that the
// locale will draw (nested ones as inner quotes); its curly double quotes
// stay as typed unless the text is quoted (dataQuoteOpen).
func typographic(s string) string {
	if !strings.ContainsAny(s, "'\"“") {
		return s
	}
	rs := []rune(s)
	letter := func(i int) bool {
		return i >= 0 && i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i]))
	}
	opening := func(i int) bool { // after a space, a bracket or the start
		j := i - 1
		for j >= 0 && isMarker(rs[j]) {
			j--
		}
		return j < 0 || unicode.IsSpace(rs[j]) || strings.ContainsRune("([{\u2014\u2013-/", rs[j])
	}
	// pair the quotes: an opening one before text, a closing one after
	kind := make([]rune, len(rs)) // mQuoteOpen, mQuoteClose, dataQuoteOpen, dataQuoteClose or 0
	var open []int
	for i, c := range rs {
		if c == '“' { // curly quotes say which way they face (“一前五后” after a Han letter)
			open = append(open, i)
			continue
		}
		if c == '”' {
			if n := len(open); n > 0 && rs[open[n-1]] == '“' {
				kind[open[n-1]], kind[i] = dataQuoteOpen, dataQuoteClose
				open = open[:n-1]
			}
			continue
		}
		if c != '"' && c != '\'' {
			continue
		}
		switch {
		case opening(i) && (letter(i+1) || i+1 < len(rs) && (rs[i+1] == '\'' || rs[i+1] == '"' || isMarker(rs[i+1]))):
			open = append(open, i)
		case len(open) > 0 && rs[open[len(open)-1]] == c && !(c == '\'' && letter(i+1)):
			j := open[len(open)-1]
			open = open[:len(open)-1]
			kind[j], kind[i] = mQuoteOpen, mQuoteClose
		}
	}
	out := make([]rune, 0, len(rs)+4)
	for i, c := range rs {
		switch {
		case kind[i] == dataQuoteOpen || kind[i] == dataQuoteClose:
			out = append(out, mLiteral, kind[i])
		case kind[i] == mQuoteOpen:
			out = append(out, mQuoteOpen)
		case kind[i] == mQuoteClose:
			out = append(out, mQuoteClose)
			if i+1 < len(rs) && (rs[i+1] == ',' || rs[i+1] == '.') {
				// the data's own punctuation is not moved into the quotes
				out = append(out, mKeepOutside)
			}
		case c == '\'':
			out = append(out, '’') // an apostrophe
		default:
			out = append(out, c)
		}
	}
	return string(out)
}

// renderLayout renders a layout: its children, with the first field apart
// under second-field-align, and its suffix inside a display block that
// ends the entry.
func (r *renderer) renderLayout(n *node) result {
	parts, res := r.renderParts(n.children)
	if r.mode == "bibliography" && r.style.bibliography.has("second-field-align") && len(parts) > 1 {
		res.s = parts[0] + string(mFieldSep) + joinAll(parts[1:], n.get("delimiter"))
	} else {
		res.s = joinAll(parts, n.get("delimiter"))
	}
	if res.s == "" {
		return res
	}
	suffix := n.get("suffix")
	last, _ := utf8.DecodeLastRuneInString(res.s)
	if suffix != "" && (last == mInlineOff || last == mBlockOff || last == mIndentOff) {
		body := strings.TrimSuffix(res.s, string(last))
		prefixOnly := &node{name: "layout", attr: map[string]string{"prefix": n.get("prefix")}}
		prefixOnly.classify()
		res.s = r.decorate(prefixOnly, concat(body, suffix)+string(last))
		return res
	}
	res.s = r.decorate(n, res.s)
	return res
}

// suppress marks a variable used by a substitute: it renders no more.
func (r *renderer) suppress(name string) {
	if r.suppressed == nil {
		r.suppressed = map[string]bool{}
	}
	r.suppressed[name] = true
}

// renderCache keeps what a processor works out from its style once: the
// options of each name element and the parts of each localized date.
type renderCache struct {
	nameOpts  sync.Map // nameOptsKey -> map[string]string
	dateParts sync.Map // *node -> datePartsEntry
}
