package search

import (
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// wordsTokenizer splits text into words exactly as Bleve's Unicode
// tokenizer (UAX #29 word boundaries) does, but cheaply for the common
// case: a run of ASCII letters and digits or Cyrillic letters between
// spaces, with any ASCII punctuation only at its ends, is one word, and only the other runs are
// handed to the Unicode tokenizer. FuzzWordsTokenizerAgreesWithUnicode
// checks the two give the same tokens.
type wordsTokenizer struct{ unicode analysis.Tokenizer }

func (t wordsTokenizer) Tokenize(input []byte) analysis.TokenStream {
	if !utf8.Valid(input) { // the Unicode tokenizer stops at the first invalid byte
		return t.unicode.Tokenize(input)
	}
	out := make(analysis.TokenStream, 0, len(input)/6+1)
	var store []analysis.Token // tokens are allocated in blocks
	for i := 0; i < len(input); {
		if isASCIISpace(input[i]) {
			i++
			continue
		}
		j := i
		for j < len(input) && !isASCIISpace(input[j]) {
			j++
		}
		start, end := i, j
		for start < end && isEdgePunct(input[start]) {
			start++
		}
		for end > start && isEdgePunct(input[end-1]) {
			end--
		}
		kind, simple := simpleWordKind(input[start:end])
		switch {
		case simple && start == end: // punctuation only
		case simple:
			if len(store) == 0 {
				store = make([]analysis.Token, min(64, len(input)/6+1))
			}
			tok := &store[0]
			store = store[1:]
			*tok = analysis.Token{Term: input[start:end], Start: start, End: end, Position: len(out) + 1, Type: kind}
			out = append(out, tok)
		default:
			out = t.appendSlow(out, input, i, j)
		}
		i = j
	}
	return out
}

// appendSlow tokenizes input[i:j] with the Unicode tokenizer. The byte
// before the run, a space if there is one, goes with it, since a space
// can change how the run's first characters are read (a combining mark
// after a space belongs to the space).
func (t wordsTokenizer) appendSlow(out analysis.TokenStream, input []byte, i, j int) analysis.TokenStream {
	from := max(i-1, 0)
	for _, tok := range t.unicode.Tokenize(input[from:j]) {
		tok.Start += from
		tok.End += from
		tok.Position = len(out) + 1
		out = append(out, tok)
	}
	return out
}

// isASCIISpace reports the ASCII characters no word continues across.
func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// isEdgePunct reports ASCII punctuation that, at either end of a run
// between spaces, cannot belong to a word (the underscore can: it joins
// words in UAX #29).
func isEdgePunct(c byte) bool {
	return c > ' ' && c < 0x7f && c != '_' && !isASCIIAlnum(c)
}

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// simpleWordKind reports whether w is one word by itself: all ASCII
// letters and digits or Cyrillic letters, which UAX #29 never breaks
// between. If so it returns the token type: numeric when only digits.
func simpleWordKind(w []byte) (analysis.TokenType, bool) {
	digits := true
	for i := 0; i < len(w); {
		c := w[i]
		if c < utf8.RuneSelf {
			if !isASCIIAlnum(c) {
				return 0, false
			}
			digits = digits && c <= '9'
			i++
			continue
		}
		r, size := utf8.DecodeRune(w[i:])
		if !isCyrillicLetter(r) {
			return 0, false
		}
		digits = false
		i += size
	}
	if digits {
		return analysis.Numeric, true
	}
	return analysis.AlphaNumeric, true
}

// isCyrillicLetter reports the letters of the Cyrillic block (not its
// signs and combining marks, U+0482-U+0489).
func isCyrillicLetter(r rune) bool {
	return r >= 0x400 && r <= 0x481 || r >= 0x48a && r <= 0x4ff
}
