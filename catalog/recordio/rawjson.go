package recordio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/annals/annals/catalog"
)

// checkRawJSON refuses what encoding/json would accept but quietly change:
// a key given twice in one object (it keeps the last value) and a lone
// surrogate escape such as \ud800 (it becomes U+FFFD). Syntax errors are
// left to the decoder, which names them better.
func checkRawJSON(data []byte) error {
	if err := checkSurrogates(data); err != nil {
		return err
	}
	return checkDuplicateKeys(data)
}

// checkSurrogates finds a \u escape of a UTF-16 surrogate that is not half
// of a pair.
func checkSurrogates(data []byte) error {
	if !bytes.Contains(data, []byte(`\u`)) && !bytes.Contains(data, []byte(`\U`)) {
		return nil
	}
	inString := false
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case c == '"':
			inString = !inString
		case c == '\\' && inString && i+1 < len(data):
			if data[i+1] != 'u' {
				i++ // the escaped character
				continue
			}
			v, ok := hex4(data, i+2)
			if !ok {
				continue // a syntax error, for the decoder to report
			}
			switch {
			case v >= 0xD800 && v <= 0xDBFF:
				if w, ok := hex4(data, i+8); i+7 < len(data) && data[i+6] == '\\' && data[i+7] == 'u' && ok && w >= 0xDC00 && w <= 0xDFFF {
					i += 11
					continue
				}
				return loneSurrogate(data, i, v)
			case v >= 0xDC00 && v <= 0xDFFF:
				return loneSurrogate(data, i, v)
			}
			i += 5
		}
	}
	return nil
}

func hex4(data []byte, at int) (rune, bool) {
	if at+4 > len(data) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(data[at:at+4]), 16, 32)
	return rune(v), err == nil
}

func loneSurrogate(data []byte, at int, v rune) error {
	line, col := position(data, at)
	return malformed(fmt.Sprintf(`Line %d, column %d: \u%04x is half of a UTF-16 surrogate pair without its other half; it stands for no character.`,
		line, col, v), nil)
}

// frame is one open object or array while walking the tokens.
type frame struct {
	object    bool
	keys      map[string]bool
	expectKey bool
}

// checkDuplicateKeys walks the JSON's tokens and refuses an object that
// gives one key twice, naming the key.
func checkDuplicateKeys(data []byte) error {
	if !bytes.ContainsRune(data, '{') {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var stack []*frame
	for {
		offset := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil // the end, or a syntax error for the decoder to report
		}
		var top *frame
		if n := len(stack); n > 0 {
			top = stack[n-1]
		}
		if top != nil && top.object && top.expectKey {
			if key, ok := tok.(string); ok {
				if top.keys[key] {
					line, col := position(data, int(offset))
					return malformed(fmt.Sprintf("Line %d, column %d: the key %q is given twice in one object; give each once.", line, col, key),
						[]catalog.FieldError{{Field: key, Message: "is given twice"}})
				}
				top.keys[key] = true
				top.expectKey = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, keys: map[string]bool{}, expectKey: true})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:max(0, len(stack)-1)]
		}
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].expectKey = true // a value was read: a key comes next
		}
	}
}
