package bibtex

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Combining marks of TeX's accent commands.
var accents = map[string]rune{
	"'": '\u0301', "`": '\u0300', "^": '\u0302', `"`: '\u0308', "~": '\u0303', "=": '\u0304', ".": '\u0307',
	"v": '\u030C', "u": '\u0306', "H": '\u030B', "c": '\u0327', "k": '\u0328', "r": '\u030A', "d": '\u0323', "b": '\u0331',
}

// Letters and symbols written as commands.
var symbols = map[string]string{
	"ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
	"l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "textbackslash": `\`, "textasciitilde": "~", "textasciicircum": "^",
	"textendash": "–", "textemdash": "—", "ldots": "…", "dots": "…", "textquotedblleft": "“", "textquotedblright": "”",
	"textquoteleft": "‘", "textquoteright": "’", "guillemotleft": "«", "guillemotright": "»", "textregistered": "®",
	"textcopyright": "©", "texttrademark": "™", "euro": "€", "pounds": "£", "S": "§", "P": "¶", "dag": "†",
}

// decodeLaTeX turns a BibTeX value into plain UTF-8: accents composed,
// command letters and symbols replaced, escapes unescaped, "--" and "---"
// made dashes, case-protecting braces dropped, and white space folded
// (a blank line stays a paragraph break). UTF-8 text passes as it is.
func decodeLaTeX(s string) string { return decode(s, false) }

// decodeRich is decodeLaTeX for titles, which keep their styles as markup
// (package markup): \textit{x}, \emph{x} and {\it x} become <i>x</i>,
// bold, small capitals, superscripts and subscripts likewise.
func decodeRich(s string) string { return decode(s, true) }

// The tags of text whose case is kept.
const (
	nocaseOpen  = `<span class="nocase">`
	nocaseClose = "</span>"
)

// styleCommands are the TeX commands that set their argument in a style
// (\textit{x}), and the markup tags they become.
var styleCommands = map[string][2]string{
	"textit": {"<i>", "</i>"}, "emph": {"<i>", "</i>"}, "textsl": {"<i>", "</i>"}, "mkbibemph": {"<i>", "</i>"}, "mkbibitalic": {"<i>", "</i>"},
	"textbf": {"<b>", "</b>"}, "mkbibbold": {"<b>", "</b>"},
	"textsc":          {`<span style="font-variant:small-caps;">`, "</span>"},
	"textsuperscript": {"<sup>", "</sup>"}, "mkbibsuperscript": {"<sup>", "</sup>"},
	"textsubscript": {"<sub>", "</sub>"},
}

// styleSwitches are the TeX commands that set the rest of their group in a
// style ({\it x}).
var styleSwitches = map[string][2]string{
	"it": {"<i>", "</i>"}, "em": {"<i>", "</i>"}, "itshape": {"<i>", "</i>"}, "sl": {"<i>", "</i>"}, "slshape": {"<i>", "</i>"},
	"bf": {"<b>", "</b>"}, "bfseries": {"<b>", "</b>"},
	"sc": {`<span style="font-variant:small-caps;">`, "</span>"}, "scshape": {`<span style="font-variant:small-caps;">`, "</span>"},
}

// decode is decodeLaTeX, with styles kept as markup when rich.
func decode(s string, rich bool) string {
	if plainValue(s) { // most values: nothing to decode, nothing to fold
		return s
	}
	return decodeText(s, rich)
}

// decodeText is decode without looking for the plain values first.
func decodeText(s string, rich bool) string {
	rs := []rune(s)
	var b strings.Builder
	var closers []string // by open brace: the tags its closing brace ends
	var protects []bool  // by open brace: it keeps its text's case (a nocase span)
	protected := 0       // open braces that keep case
	pending := ""        // the closer of a style command whose argument comes next
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case rich && r == '\\' && i+1 < len(rs):
			open, close, isSwitch, end, ok := style(rs, i+1)
			switch {
			case !ok:
				i = command(rs, i+1, &b)
				continue
			case !isSwitch:
				b.WriteString(open)
				pending = close // for the brace that comes next
			case len(closers) > 0 && !strings.Contains(closers[len(closers)-1], close): // the rest of the group
				b.WriteString(open)
				closers[len(closers)-1] = close + closers[len(closers)-1]
			}
			i = end
		case rich && r == '{':
			// braces around text, not a command's argument nor a special
			// character ({\"o}), keep its case: "{DNA}", "{p53}", "{{Random
			// Walk}}" (as BibTeX, and as Zotero reads them)
			protect := pending == "" && protected == 0 && i+1 < len(rs) && rs[i+1] != '\\' && rs[i+1] != '}'
			if protect {
				b.WriteString(nocaseOpen)
				pending, protected = nocaseClose, protected+1
			}
			closers, protects = append(closers, pending), append(protects, protect)
			pending = ""
		case rich && r == '}':
			if n := len(closers); n > 0 {
				b.WriteString(closers[n-1])
				if protects[n-1] {
					protected--
				}
				closers, protects = closers[:n-1], protects[:n-1]
			}
		case r == '\\' && i+1 < len(rs):
			i = command(rs, i+1, &b)
		case r == '$': // math: $\beta$ is β, $^{2}$ is ²
			end := i + 1
			for end < len(rs) && (rs[end] != '$' || rs[end-1] == '\\') {
				end++
			}
			b.WriteString(decodeMath(rs[i+1 : min(end, len(rs))]))
			i = end
		case r == '{' || r == '}':
		case r == '~':
			b.WriteRune(' ')
		case r == '-' && i+1 < len(rs) && rs[i+1] == '-':
			if i+2 < len(rs) && rs[i+2] == '-' {
				b.WriteRune('—')
				i += 2
			} else {
				b.WriteRune('–')
				i++
			}
		default:
			b.WriteRune(r)
		}
	}
	for n := len(closers) - 1; n >= 0; n-- { // braces left open
		b.WriteString(closers[n])
	}
	return norm.NFC.String(foldSpace(b.String()))
}

// controlWord is the name of the TeX command starting at rs[i] ("textit")
// and the index just past it.
func controlWord(rs []rune, i int) (string, int) {
	j := i
	for j < len(rs) && unicode.IsLetter(rs[j]) {
		j++
	}
	return string(rs[i:j]), j
}

// style reads the command at rs[i] when it sets text in a style (ok): a
// style command followed by its braced argument, or a style switch. It
// returns the tags it opens and closes, whether it is a switch, and the
// index of its last rune (a command's spaces before its brace, a switch's
// after it, included).
func style(rs []rune, i int) (open, close string, isSwitch bool, end int, ok bool) {
	name, j := controlWord(rs, i)
	for j < len(rs) && rs[j] == ' ' {
		j++
	}
	if tags, ok := styleSwitches[name]; ok {
		return tags[0], tags[1], true, j - 1, true
	}
	if tags, ok := styleCommands[name]; ok && j < len(rs) && rs[j] == '{' {
		return tags[0], tags[1], false, j - 1, true
	}
	return "", "", false, 0, false
}

// command decodes the TeX command whose name starts at rs[i] and returns
// the index of its last rune.
func command(rs []rune, i int, b *strings.Builder) int {
	r := rs[i]
	if !unicode.IsLetter(r) { // a one-character command: an accent or an escape
		if mark, ok := accents[string(r)]; ok {
			base, end := argument(rs, i+1)
			b.WriteString(base)
			b.WriteRune(mark)
			return end
		}
		switch r {
		case '\\':
			b.WriteRune(' ')
		case ' ', ',', ';', ':': // \, \; \: are spaces ("а.\,с.~126728" is "а. с. 126728")
			b.WriteRune(' ')
		case '!', '/', '-': // a negative space, an italic correction, a hyphenation point
		default: // \& \% \$ \# \_ \{ \} and the like
			b.WriteRune(r)
		}
		return i
	}
	j := i
	for j < len(rs) && unicode.IsLetter(rs[j]) {
		j++
	}
	name := string(rs[i:j])
	if mark, ok := accents[name]; ok && len(name) == 1 {
		base, end := argument(rs, j)
		b.WriteString(base)
		b.WriteRune(mark)
		return end
	}
	if sym, ok := symbols[name]; ok {
		if j+1 < len(rs) && rs[j] == '{' && rs[j+1] == '}' {
			j += 2 // \ss{}
		} else {
			for j < len(rs) && rs[j] == ' ' { // as in TeX, a control word eats the spaces after it
				j++
			}
		}
		b.WriteString(sym)
		return j - 1
	}
	// Any other command (\emph, \textit, \url...): keep its argument.
	for j < len(rs) && rs[j] == ' ' {
		j++
	}
	if j < len(rs) && rs[j] == '{' {
		return j - 1 // the braces are dropped by the caller, their text kept
	}
	return j - 1
}

// argument returns the letter an accent applies to ("e", "{e}", " e",
// "{\i}") and the index of its last rune.
func argument(rs []rune, i int) (string, int) {
	for i < len(rs) && rs[i] == ' ' {
		i++
	}
	if i >= len(rs) {
		return "", len(rs) - 1
	}
	if rs[i] != '{' {
		return string(rs[i]), i
	}
	depth, j := 0, i
	for ; j < len(rs); j++ {
		if rs[j] == '{' {
			depth++
		} else if rs[j] == '}' {
			depth--
			if depth == 0 {
				break
			}
		}
	}
	inner := string(rs[i+1 : min(j, len(rs))])
	if inner == `\i` {
		inner = "i"
	} else if inner == `\j` {
		inner = "j"
	}
	return inner, min(j, len(rs)-1)
}

// plainValue reports whether s needs no decoding: no TeX, no dash to
// join, no white space to fold, and already NFC. One pass over the bytes,
// most of them passed by a table (byteClass): ASCII text, and the leading
// and following bytes of Cyrillic letters and CJK ideographs, which NFC
// leaves alone; any other non-ASCII character is looked up.
func plainValue(s string) bool {
	if s == "" {
		return true
	}
	if first, _ := utf8.DecodeRuneInString(s); unicode.IsSpace(first) {
		return false
	}
	if last, _ := utf8.DecodeLastRuneInString(s); unicode.IsSpace(last) {
		return false
	}
	lookUp := false // a character nfcStable does not know by its bytes
	for i := 0; i < len(s); i++ {
		switch byteClass[s[i]] {
		case plainByte:
		case texByte:
			return false
		case pairByte: // "--" and "  " are decoded, one alone is text
			if i+1 < len(s) && s[i+1] == s[i] {
				return false
			}
		case leadByte:
			r, size := utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) { // folded into a space
				return false
			}
			lookUp = lookUp || !stableRune(r)
			i += size - 1
		}
	}
	return !lookUp || norm.NFC.IsNormalString(s)
}

// The classes of bytes plainValue tells apart.
const (
	plainByte = iota // text as it is
	texByte          // TeX or white space to fold: decode
	pairByte         // decode when doubled
	leadByte         // starts a character to look up
)

// byteClass is the class of each byte for plainValue. Bytes that follow a
// character's first byte (0x80–0xBF) are plain: plainValue reaches them
// only after a first byte it passed — 0xD0 and 0xD1 (U+0400–U+047F,
// Cyrillic letters) or 0xE5–0xE9 (U+5000–U+9FFF, CJK ideographs).
var byteClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c == '\\' || c == '{' || c == '}' || c == '~' || c == '$' || c < ' ' || c == 0x7F:
			t[c] = texByte
		case c == '-' || c == ' ':
			t[c] = pairByte
		case c == 0xD0 || c == 0xD1 || (c >= 0xE5 && c <= 0xE9) || (c >= 0x80 && c <= 0xBF):
			t[c] = plainByte
		case c >= 0xC0:
			t[c] = leadByte
		}
	}
	return t
}()

// nfcStable reports, without the normalization tables, whether s is made
// only of characters NFC leaves alone and never combines with a
// neighbour: ASCII, the Cyrillic letters (U+0400–U+0482, U+048A–U+04FF:
// not the combining marks between), CJK ideographs and CJK punctuation —
// most of the catalogue's text. false says only "look it up".
func nfcStable(s string) bool {
	for _, r := range s {
		if !stableRune(r) {
			return false
		}
	}
	return true
}

// stableRune is nfcStable for one character.
func stableRune(r rune) bool {
	switch {
	case r < 0x80:
	case r >= 0x0400 && r <= 0x0482, r >= 0x048A && r <= 0x04FF:
	case r >= 0x4E00 && r <= 0x9FFF, r >= 0x3000 && r <= 0x303F, r >= 0xFF01 && r <= 0xFF5E:
	case r == 0x2013 || r == 0x2014 || r == 0x00AB || r == 0x00BB || r == 0x2019 || r == 0x201C || r == 0x201D:
	default:
		return false
	}
	return true
}

// foldSpace folds runs of white space into one space, keeping blank lines
// as paragraph breaks.
func foldSpace(s string) string {
	var paras []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			paras = append(paras, p)
		}
	}
	return strings.Join(paras, "\n\n")
}

// mathSymbols are the commands of TeX's math mode that titles use.
var mathSymbols = map[string]string{
	"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ", "eta": "η",
	"theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π",
	"rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
	"Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ",
	"Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "pm": "±", "mp": "∓", "times": "×", "cdot": "·", "div": "÷", "leq": "≤",
	"le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼", "simeq": "≃", "equiv": "≡",
	"infty": "∞", "partial": "∂", "nabla": "∇", "circ": "∘", "degree": "°", "prime": "′", "to": "→", "rightarrow": "→",
	"leftarrow": "←", "leftrightarrow": "↔", "Rightarrow": "⇒", "sum": "∑", "prod": "∏", "int": "∫", "sqrt": "√",
	"in": "∈", "notin": "∉", "subset": "⊂", "cup": "∪", "cap": "∩", "forall": "∀", "exists": "∃", "emptyset": "∅",
	"ell": "ℓ", "hbar": "ℏ", "propto": "∝", "perp": "⊥", "parallel": "∥", "langle": "⟨", "rangle": "⟩", "ldots": "…",
	"cdots": "⋯", "%": "%",
}

var superscripts = map[rune]rune{'0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸',
	'9': '⁹', '+': '⁺', '-': '⁻', '=': '⁼', '(': '⁽', ')': '⁾', 'n': 'ⁿ', 'i': 'ⁱ'}

var subscripts = map[rune]rune{'0': '₀', '1': '₁', '2': '₂', '3': '₃', '4': '₄', '5': '₅', '6': '₆', '7': '₇', '8': '₈',
	'9': '₉', '+': '₊', '-': '₋', '=': '₌', '(': '₍', ')': '₎'}

// decodeMath turns the inside of $...$ into text: Greek letters and
// symbols, digits raised or lowered (x^2 is x², H_2O is H₂O; what has no
// such character keeps its ^ or _), \mathrm{} and the like kept as their
// text, braces dropped.
func decodeMath(rs []rune) string {
	var b strings.Builder
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\\' && i+1 < len(rs):
			j := i + 1
			for j < len(rs) && unicode.IsLetter(rs[j]) {
				j++
			}
			if j == i+1 { // \% \, and the like
				j++
			}
			name := string(rs[i+1 : j])
			if sym, ok := mathSymbols[name]; ok {
				b.WriteString(sym)
			} else if name == "," || name == ";" || name == ":" || name == " " {
				b.WriteRune(' ')
			} // \mathrm, \text, \mbox...: their argument follows as text
			i = j - 1
		case r == '^' || r == '_':
			table := superscripts
			if r == '_' {
				table = subscripts
			}
			arg, end := argument(rs, i+1)
			var out strings.Builder
			ok := true
			for _, c := range arg {
				if m, found := table[c]; found {
					out.WriteRune(m)
				} else {
					ok = false
				}
			}
			if ok && arg != "" {
				b.WriteString(out.String())
			} else {
				b.WriteRune(r)
				b.WriteString(arg)
			}
			i = end
		case r == '{' || r == '}':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
