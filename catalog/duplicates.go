package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/annals/annals/catalog/markup"
)

// DuplicateKeys are what make two records the same work for an import: the
// same DOI, or the same title (letters and digits only, case and accents
// folded, in any script) with the same year and first contributor. A
// store keeps them for every live record; an import looks items up by
// them.
func DuplicateKeys(r *Record) []string {
	var keys []string
	if doi := strings.ToLower(strings.TrimSpace(r.Identifiers.DOI)); doi != "" {
		keys = append(keys, "doi:"+doi)
	}
	// the words, not the tags of their styles
	title := foldForKey(markup.Plain(r.Title))
	if len([]rune(title)) >= 8 { // "Report", "Speech": too short to tell works apart
		year := ""
		if len(r.Date) >= 4 {
			year = r.Date[:4]
		}
		who := ""
		if len(r.Contributors) > 0 {
			c := r.Contributors[0]
			who = foldForKey(c.Family + c.Literal)
		}
		sum := sha256.Sum256([]byte(title + "|" + year + "|" + who))
		keys = append(keys, "title:"+hex.EncodeToString(sum[:16]))
	}
	return keys
}

// foldForKey keeps a text's letters and digits, lower case, accents off
// (Latin and Cyrillic ё → е; Han as it is).
func foldForKey(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
