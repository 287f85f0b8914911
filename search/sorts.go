package search

import (
	"github.com/blevesearch/bleve/v2/search"
)

// titleSort orders matches by title like a Bleve sort on the title key
// field, but takes each match's key from the snapshot's table instead of
// decoding its doc values.
type titleSort struct {
	keys *[]string // shared by copies; filled when the collector starts
	desc bool
	// rank replaces a key's script byte (scriptLatin, scriptCyrillic,
	// scriptHan, in that order) so that the interface language's script
	// sorts first.
	rank [3]byte
}

// newTitleSort sorts by title with lang's script first: Cyrillic in
// Russian (as GOST bibliographies are ordered), Han in Chinese (as GB/T
// 7714's are), Latin otherwise; the other scripts follow in the order
// Latin, Cyrillic, Han.
func newTitleSort(lang string) *titleSort {
	// rank[i] is the byte that replaces scriptLatin+i: the identity keeps
	// the keys as Bleve's own sort on the field sees them.
	s := &titleSort{keys: new([]string), rank: [3]byte{scriptLatin, scriptCyrillic, scriptHan}}
	switch lang {
	case "ru":
		s.rank = [3]byte{scriptCyrillic, scriptLatin, scriptHan}
	case "zh":
		s.rank = [3]byte{scriptCyrillic, scriptHan, scriptLatin}
	}
	return s
}

// UpdateVisitor is not used: the sort reads no fields.
func (s *titleSort) UpdateVisitor(string, []byte) {}

// Value is the match's title key; a match without one sorts last.
func (s *titleSort) Value(d *search.DocumentMatch) string {
	keys := *s.keys
	if n, ok := docNumber(d.IndexInternalID); ok && n < uint64(len(keys)) && keys[n] != "" {
		k := keys[n]
		if i := int(k[0]) - scriptLatin; i >= 0 && i < len(s.rank) && s.rank[i] != k[0] {
			return string(s.rank[i]) + k[1:]
		}
		return k
	}
	if s.desc {
		return search.LowTerm
	}
	return search.HighTerm
}

// DecodeValue returns the key as it is.
func (s *titleSort) DecodeValue(v string) string { return v }

// Descending reports the direction.
func (s *titleSort) Descending() bool { return s.desc }

// RequiresDocID is false: the key comes by document number.
func (s *titleSort) RequiresDocID() bool { return false }

// RequiresScoring is false.
func (s *titleSort) RequiresScoring() bool { return false }

// RequiresFields is empty: no doc values are visited.
func (s *titleSort) RequiresFields() []string { return nil }

// Reverse flips the direction.
func (s *titleSort) Reverse() { s.desc = !s.desc }

// Copy shares the keys.
func (s *titleSort) Copy() search.SearchSort {
	return &titleSort{keys: s.keys, desc: s.desc, rank: s.rank}
}

// idSort breaks ties between matches by their ids like Bleve's id sort,
// which reads every match's id from the stored fields (a sixth of a
// search's time at 10,000 matches), but orders them by their place in
// the snapshot's table of ids instead. Its values are those places, which
// mean nothing in another snapshot: a cursor holds the last hit's id and
// a search after one breaks its ties with Bleve's id sort.
type idSort struct {
	ranks *[]uint32 // shared by copies; filled when the collector starts
	desc  bool
}

// UpdateVisitor is not used: the sort reads no fields.
func (s *idSort) UpdateVisitor(string, []byte) {}

// Value is the match's place in the order of ids, four bytes big-endian.
func (s *idSort) Value(d *search.DocumentMatch) string {
	ranks := *s.ranks
	if n, ok := docNumber(d.IndexInternalID); ok && n < uint64(len(ranks)) {
		r := ranks[n]
		return string([]byte{byte(r >> 24), byte(r >> 16), byte(r >> 8), byte(r)})
	}
	if s.desc {
		return search.LowTerm
	}
	return search.HighTerm
}

// DecodeValue returns the value as it is.
func (s *idSort) DecodeValue(v string) string { return v }

// Descending reports the direction.
func (s *idSort) Descending() bool { return s.desc }

// RequiresDocID is false: the place comes by document number.
func (s *idSort) RequiresDocID() bool { return false }

// RequiresScoring is false.
func (s *idSort) RequiresScoring() bool { return false }

// RequiresFields is empty: no doc values are visited.
func (s *idSort) RequiresFields() []string { return nil }

// Reverse flips the direction.
func (s *idSort) Reverse() { s.desc = !s.desc }

// Copy shares the ranks.
func (s *idSort) Copy() search.SearchSort { return &idSort{ranks: s.ranks, desc: s.desc} }
