package catalog

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"strings"
	"unicode"
)

// NewID makes an id for a record or event from its title: the Latin words
// of the title, lower-cased (at most 48 characters), then a random suffix so
// that two outputs with one title never collide ("opening-address-7kq2m4").
// Titles with no Latin letters (Cyrillic, Chinese) give prefix alone.
func NewID(prefix, title string) string {
	return slugOf(prefix, title) + "-" + randomSuffix(6)
}

// stableID is an id for an imported record that has none: its title's
// slug and a suffix made from the whole record, so that a dry run and the
// import that follows name it the same.
func stableID(r *Record) string {
	data, _ := json.Marshal(r)
	sum := sha256.Sum256(data)
	b := make([]byte, 6)
	for i := range b {
		b[i] = suffixAlphabet[int(sum[i])%len(suffixAlphabet)]
	}
	return slugOf("record", r.Title) + "-" + string(b)
}

// slugOf is the Latin words of a title, lower-cased, at most 48
// characters; prefix when there are none.
func slugOf(prefix, title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if b.Len() >= 48 {
			break
		}
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	slug := strings.Trim(b.String(), "-")
	if slug == "" {
		slug = prefix
	}
	return slug
}

const suffixAlphabet = "abcdefghijkmnpqrstuvwxyz23456789" // no 0/o, 1/l

func randomSuffix(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = suffixAlphabet[int(b[i])%len(suffixAlphabet)]
	}
	return string(b)
}
