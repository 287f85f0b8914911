package search

import (
	"cmp"
	"context"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/annals/annals/catalog"
	"github.com/blevesearch/bleve/v2"
	"golang.org/x/text/unicode/norm"
)

// Suggestions as a person types: the titles, names and keywords of
// published records that have a word starting with what was typed, in any
// script ("intel" → "Artificial intelligence in medicine", "алд" →
// "Алдошин, Сергей Михайлович"). Each phrase is indexed in fSuggest once
// for each of its words, as one term: the phrase folded from that word on,
// then the phrase's id (a hash of it), its kind and its length. A prefix
// of those terms is what was typed, folded; the index's dictionary lists
// them in order, fast, and its counts say how many records have each. The
// kind of a phrase's first word ends in "^": what was typed starts the
// phrase. The phrase as written is indexed once, in fSuggestText, after
// its id: only the suggestions returned are looked up there.

// Suggestion is a phrase to complete a query with.
type Suggestion struct {
	Text string `json:"text"`
	// Kind is title, name or keyword.
	Kind string `json:"kind"`
	// Records is how many published records have it.
	Records int `json:"records"`
}

// Suggestion kinds.
const (
	suggestTitle   = "title"
	suggestName    = "name"
	suggestKeyword = "keyword"
)

const (
	// suggestSep separates the parts of a suggestion term.
	suggestSep = "\x00"
	// maxSuggestKey bounds the folded part of a term (what typing can
	// reach), in bytes.
	maxSuggestKey = 48
	// maxSuggestWords bounds how many words of a phrase start a term.
	maxSuggestWords = 8
	// suggestScan bounds how many dictionary terms one request reads.
	suggestScan = 250
	// MaxSuggestions is the most suggestions one request returns.
	MaxSuggestions = 20
)

// suggestTerms are the fSuggest terms of a published record, and its
// fSuggestText terms.
func suggestTerms(r *catalog.Record) (keys, texts []string) {
	if r.Status != catalog.StatusPublished {
		return nil, nil
	}
	add := func(kind, phrase string) {
		phrase = strings.Join(strings.Fields(phrase), " ")
		if phrase == "" || utf8.RuneCountInString(phrase) > 300 {
			return
		}
		id := phraseID(phrase)
		texts = append(texts, id+suggestSep+phrase)
		length := strconv.Itoa(utf8.RuneCountInString(phrase))
		for i, start := range wordStarts(phrase) {
			key := foldForSuggest(phrase[start:])
			if len(key) > maxSuggestKey {
				key = key[:maxSuggestKey]
				for !utf8.ValidString(key) {
					key = key[:len(key)-1]
				}
			}
			head := "" // the term of the phrase's first word says so
			if i == 0 {
				head = "^"
			}
			if key != "" {
				keys = append(keys, key+suggestSep+id+suggestSep+kind+head+suggestSep+length)
			}
		}
	}
	add(suggestTitle, r.Title)
	for _, t := range r.Translations {
		add(suggestTitle, t.Title)
	}
	for _, k := range r.Keywords {
		add(suggestKeyword, k)
	}
	for _, c := range r.Contributors {
		add(suggestName, c.DisplayName())
		for _, t := range c.Translations {
			add(suggestName, catalog.Contributor{Family: t.Family, Given: t.Given, Literal: t.Literal}.DisplayName())
		}
	}
	slices.Sort(keys)
	slices.Sort(texts)
	return slices.Compact(keys), slices.Compact(texts)
}

// phraseID names a suggested phrase in the index: 64 bits of its FNV-1a
// hash, in base 36.
func phraseID(phrase string) string {
	h := fnv.New64a()
	h.Write([]byte(phrase))
	return strconv.FormatUint(h.Sum64(), 36)
}

// wordStarts are the byte offsets where the words of phrase begin (at most
// maxSuggestWords; each Han character begins one, as Chinese has no
// spaces).
func wordStarts(phrase string) []int {
	var out []int
	prevLetter := false
	for i, r := range phrase {
		letter := unicode.IsLetter(r) || unicode.IsNumber(r)
		if letter && (!prevLetter || isHan(r)) && (i == 0 || isHan(r) || wordLen(phrase[i:]) >= minSuggestWord) {
			out = append(out, i)
			if len(out) == maxSuggestWords {
				break
			}
		}
		prevLetter = letter
	}
	return out
}

// minSuggestWord is the shortest word (in letters) a suggestion starts at
// inside a phrase: "of", "in", "и" start none (the phrase's first word
// always does).
const minSuggestWord = 4

// wordLen counts the letters of the word s starts with.
func wordLen(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
			break
		}
		n++
	}
	return n
}

// foldForSuggest is s as a prefix is compared: lower case, without
// diacritics, with the letters foldFilter folds folded, and with its
// punctuation as spaces.
func foldForSuggest(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			if f, ok := folded[r]; ok {
				b.WriteString(f)
			} else {
				b.WriteRune(r)
			}
			space = false
		case !space && b.Len() > 0:
			b.WriteByte(' ')
			space = true
		}
	}
	return norm.NFC.String(strings.TrimRight(b.String(), " "))
}

// suggestionText is the phrase of an id, from fSuggestText ("" if none).
func suggestionText(bi bleve.Index, id string) (string, error) {
	dict, err := bi.FieldDictPrefix(fSuggestText, []byte(id+suggestSep))
	if err != nil {
		return "", err
	}
	defer dict.Close()
	e, err := dict.Next()
	if err != nil || e == nil {
		return "", err
	}
	_, text, _ := strings.Cut(e.Term, suggestSep)
	return text, nil
}

// Suggest returns up to limit phrases (titles, names, keywords) of
// published records with a word that starts with q: those that start with
// it first, then the commonest, then the shortest. Fewer than two letters
// suggest nothing.
func (ix *Index) Suggest(ctx context.Context, q string, limit int) ([]Suggestion, error) {
	prefix := foldForSuggest(q)
	if utf8.RuneCountInString(prefix) < 2 && !strings.ContainsFunc(prefix, isHan) {
		return nil, nil
	}
	limit = min(max(limit, 1), MaxSuggestions)
	ix.mu.RLock()
	bi := ix.bi
	ix.mu.RUnlock()
	if bi == nil {
		return nil, catalog.Errorf(catalog.EUNAVAILABLE, "The search index is being built; try again shortly.")
	}
	var out []Suggestion
	err := guard("suggesting", func() error {
		dict, err := bi.FieldDictPrefix(fSuggest, []byte(prefix))
		if err != nil {
			return err
		}
		defer dict.Close()
		type found struct {
			Suggestion
			id     string
			length int  // in characters
			starts bool // the phrase itself starts with the prefix
		}
		byID := map[string]*found{}
		for n := 0; n < suggestScan; n++ {
			e, err := dict.Next()
			if err != nil {
				return err
			}
			if e == nil {
				break
			}
			parts := strings.Split(e.Term, suggestSep)
			if len(parts) != 4 {
				continue
			}
			kind, head := strings.CutSuffix(parts[2], "^")
			f := byID[parts[1]]
			if f == nil {
				length, _ := strconv.Atoi(parts[3])
				f = &found{Suggestion: Suggestion{Kind: kind}, id: parts[1], length: length}
				byID[parts[1]] = f
			}
			f.Records = max(f.Records, int(e.Count))
			f.starts = f.starts || head
		}
		all := make([]*found, 0, len(byID))
		for _, f := range byID {
			all = append(all, f)
		}
		slices.SortFunc(all, func(a, b *found) int {
			if a.starts != b.starts {
				if a.starts {
					return -1
				}
				return 1
			}
			return cmp.Or(cmp.Compare(b.Records, a.Records), cmp.Compare(a.length, b.length), strings.Compare(a.id, b.id))
		})
		for _, f := range all {
			if len(out) == limit {
				break
			}
			text, err := suggestionText(bi, f.id)
			if err != nil {
				return err
			}
			if text != "" { // "" only if the record went between the two reads
				f.Text = text
				out = append(out, f.Suggestion)
			}
		}
		return ctx.Err()
	})
	return out, err
}
