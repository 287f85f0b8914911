package search

import (
	"github.com/blevesearch/bleve/v2/search"
)

// keySort orders matches by a field's value like a Bleve sort on the
// field, but takes each match's value from the snapshot's table (read the
// first time a search of the snapshot sorts by it) instead of decoding
// its doc values: the title key (fTitleKey) or the date (fDate).
type keySort struct {
	field string
	keys  *[]string // shared by copies; filled when the collector starts
	desc  bool
	// rank, in a title sort, replaces a key's script byte (scriptLatin,
	// scriptCyrillic, scriptHan, in that order) so that the interface
	// language's script sorts first; zero in a date sort.
	rank [3]byte
}

// newTitleSort sorts by title with lang's script first: Cyrillic in
// Russian (as GOST bibliographies are ordered), Han in Chinese (as GB/T
// 7714's are), Latin otherwise; the other scripts follow in the order
// Latin, Cyrillic, Han.
func newTitleSort(lang string) *keySort {
	// rank[i] is the byte that replaces scriptLatin+i: the identity keeps
	// the keys as Bleve's own sort on the field sees them.
	s := &keySort{field: fTitleKey, keys: new([]string), rank: [3]byte{scriptLatin, scriptCyrillic, scriptHan}}
	switch lang {
	case "ru":
		s.rank = [3]byte{scriptCyrillic, scriptLatin, scriptHan}
	case "zh":
		s.rank = [3]byte{scriptCyrillic, scriptHan, scriptLatin}
	}
	return s
}

// newDateSort sorts by date, undated records last.
func newDateSort(desc bool) *keySort {
	return &keySort{field: fDate, keys: new([]string), desc: desc}
}

// UpdateVisitor is not used: the sort reads no fields.
func (s *keySort) UpdateVisitor(string, []byte) {}

// Value is the match's key; a match without one sorts last.
func (s *keySort) Value(d *search.DocumentMatch) string {
	keys := *s.keys
	if n, ok := docNumber(d.IndexInternalID); ok && n < uint64(len(keys)) && keys[n] != "" {
		k := keys[n]
		if i := int(k[0]) - scriptLatin; s.rank[0] != 0 && i >= 0 && i < len(s.rank) && s.rank[i] != k[0] {
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
func (s *keySort) DecodeValue(v string) string { return v }

// Descending reports the direction.
func (s *keySort) Descending() bool { return s.desc }

// RequiresDocID is false: the key comes by document number.
func (s *keySort) RequiresDocID() bool { return false }

// RequiresScoring is false.
func (s *keySort) RequiresScoring() bool { return false }

// RequiresFields is empty: no doc values are visited.
func (s *keySort) RequiresFields() []string { return nil }

// Reverse flips the direction.
func (s *keySort) Reverse() { s.desc = !s.desc }

// Copy shares the keys.
func (s *keySort) Copy() search.SearchSort {
	return &keySort{field: s.field, keys: s.keys, desc: s.desc, rank: s.rank}
}

// idSort breaks ties between matches by their ids like Bleve's id sort,
// which reads every match's id from the stored fields (a sixth of a
// search's time at 10,000 matches), but orders them by their place in
// the snapshot's table of ids instead. Its values are those places, which
// mean nothing in another snapshot: a cursor holds the last hit's id and
// a search after one breaks its ties with Bleve's id sort.
type idSort struct {
	ranks *string // four bytes by document number; shared by copies, set when the collector starts
	desc  bool
}

// UpdateVisitor is not used: the sort reads no fields.
func (s *idSort) UpdateVisitor(string, []byte) {}

// Value is the match's place in the order of ids, four bytes big-endian.
func (s *idSort) Value(d *search.DocumentMatch) string {
	ranks := *s.ranks
	if n, ok := docNumber(d.IndexInternalID); ok && n < uint64(len(ranks)/4) {
		return ranks[4*n : 4*n+4]
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
