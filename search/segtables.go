package search

import (
	"bytes"
	"container/heap"
	"encoding/binary"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// A snapshot's table is stitched from tables of its segments, each read
// once and kept while the segment is in the index: a write adds a small
// segment (and marks the record's old document deleted in its own), so a
// new snapshot mostly shares its segments with the last and its table
// costs a copy of arrays instead of a pass over every document's doc
// values. Document numbers are Scorch's: a segment's documents follow
// those of the segments before it, deleted ones included.

// segmentTable is one segment's part of a table, by the segment's own
// document numbers.
type segmentTable struct {
	start  []uint32 // document d has values[start[d]:start[d+1]]
	values []uint32 // value numbers in the cache's dictionary
	status []uint32
	// byID lists the segment's documents in the order of their ids, read
	// the first time a search breaks ties by id.
	byID []idDoc
	// keys holds, by field, each document's value of the fields searches
	// have been sorted by (see keySort), read the first time.
	keys map[string][]string
}

// idDoc is a document's id and its number in its segment.
type idDoc struct {
	id  string
	doc uint32
}

// segmentsOf returns the segments of a Scorch snapshot; false for another
// kind of reader.
func segmentsOf(r index.IndexReader) ([]*scorch.SegmentSnapshot, bool) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, false
	}
	return snap.Segments(), true
}

// buildTable stitches the table of snapshot r from its segments' tables,
// reading those it does not have yet, and forgets the segments r no
// longer has. c.mu is held.
func (c *snapshotCache) buildTable(r index.IndexReader) (*snapshotTable, error) {
	segs, ok := segmentsOf(r)
	if !ok {
		return nil, errNoSnapshotTable
	}
	kept := make(map[segment.Segment]*segmentTable, len(segs))
	docs, values := 0, 0
	for _, ss := range segs {
		st := c.segments[ss.Segment()]
		if st == nil {
			var err error
			if st, err = c.readSegment(ss.Segment()); err != nil {
				return nil, err
			}
		}
		kept[ss.Segment()] = st
		docs += len(st.status)
		values += len(st.values)
	}
	if docs > 1<<32-2 || values > 1<<32-1 {
		return nil, errNoSnapshotTable
	}
	c.segments = kept
	t := &snapshotTable{reader: r, terms: c.terms, start: make([]uint32, 0, docs+1),
		values: make([]uint32, 0, values), status: make([]uint32, 0, docs)}
	for _, ss := range segs {
		st, base, first := kept[ss.Segment()], uint32(len(t.values)), len(t.status)
		for _, s := range st.start[:len(st.start)-1] {
			t.start = append(t.start, base+s)
		}
		t.values = append(t.values, st.values...)
		t.status = append(t.status, st.status...)
		if deleted := ss.Deleted(); deleted != nil {
			for it := deleted.Iterator(); it.HasNext(); {
				t.status[first+int(it.Next())] = deletedDoc
			}
		}
	}
	t.start = append(t.start, uint32(len(t.values)))
	return t, nil
}

// deletedDoc is the status value number of a deleted document: it matches
// no search, and browse counts leave it out.
const deletedDoc = noStatus - 1

// readSegment reads the facet values of every document of seg, numbering
// new values in the cache's dictionary. c.mu is held.
func (c *snapshotCache) readSegment(seg segment.Segment) (*segmentTable, error) {
	dv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		return nil, errNoSnapshotTable
	}
	n := seg.Count()
	st := &segmentTable{start: make([]uint32, 0, n+1), status: make([]uint32, n)}
	statusPrefix := []byte(facetTerm(fStatus, ""))
	var d uint64
	visit := func(_ string, term []byte) {
		v, ok := c.numbers[string(term)]
		if !ok {
			v = uint32(len(c.terms))
			c.terms = append(c.terms, string(term))
			if c.numbers == nil {
				c.numbers = map[string]uint32{}
			}
			c.numbers[c.terms[v]] = v
		}
		st.values = append(st.values, v)
		if bytes.HasPrefix(term, statusPrefix) {
			st.status[d] = v
		}
	}
	var state segment.DocVisitState
	fields := []string{fFacets}
	for d = 0; d < n; d++ {
		st.start = append(st.start, uint32(len(st.values)))
		st.status[d] = noStatus
		var err error
		if state, err = dv.VisitDocValues(d, fields, visit, state); err != nil {
			return nil, err
		}
	}
	st.start = append(st.start, uint32(len(st.values)))
	return st, nil
}

// idRanks numbers every document of snapshot r (its segments'
// documents, in their order) by its place in the order of ids, four bytes
// big-endian each, merging the segments' lists (read the first time).
// c.mu is held.
func (c *snapshotCache) idRanks(r index.IndexReader) (string, error) {
	segs, ok := segmentsOf(r)
	if !ok {
		return "", errNoSnapshotTable
	}
	lists := make(idLists, 0, len(segs))
	bases := make([]uint32, 0, len(segs))
	var docs uint32
	for _, ss := range segs {
		st := c.segments[ss.Segment()]
		if st == nil {
			return "", errNoSnapshotTable // forgotten by a newer table meanwhile
		}
		if st.byID == nil {
			byID, err := readIDs(ss.Segment())
			if err != nil {
				return "", err
			}
			st.byID = byID
		}
		if len(st.byID) > 0 {
			lists = append(lists, idList{docs: st.byID, segment: len(bases)})
		}
		bases = append(bases, docs)
		docs += uint32(len(st.status))
	}
	ranks := make([]byte, 4*int(docs))
	heap.Init(&lists)
	for rank := uint32(0); len(lists) > 0; rank++ {
		first := &lists[0]
		binary.BigEndian.PutUint32(ranks[4*(bases[first.segment]+first.docs[0].doc):], rank)
		if first.docs = first.docs[1:]; len(first.docs) == 0 {
			heap.Pop(&lists)
		} else {
			heap.Fix(&lists, 0)
		}
	}
	return string(ranks), nil
}

// stitchKeys returns the values of field (one at most) of every document
// of snapshot r, by document number, reading those of each segment the
// first time. c.mu is held.
func (c *snapshotCache) stitchKeys(r index.IndexReader, field string) ([]string, error) {
	segs, ok := segmentsOf(r)
	if !ok {
		return nil, errNoSnapshotTable
	}
	var out []string
	for _, ss := range segs {
		st := c.segments[ss.Segment()]
		if st == nil {
			return nil, errNoSnapshotTable // forgotten by a newer table meanwhile
		}
		keys, ok := st.keys[field]
		if !ok {
			var err error
			if keys, err = readSegmentKeys(ss.Segment(), field); err != nil {
				return nil, err
			}
			if st.keys == nil {
				st.keys = map[string][]string{}
			}
			st.keys[field] = keys
		}
		out = append(out, keys...)
	}
	return out, nil
}

// readSegmentKeys reads the value of field (one at most) of every document
// of seg.
func readSegmentKeys(seg segment.Segment, field string) ([]string, error) {
	dv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		return nil, errNoSnapshotTable
	}
	keys := make([]string, seg.Count())
	var d uint64
	visit := func(_ string, term []byte) { keys[d] = string(term) }
	var state segment.DocVisitState
	fields := []string{field}
	for d = range uint64(len(keys)) {
		var err error
		if state, err = dv.VisitDocValues(d, fields, visit, state); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// readIDs lists the documents of seg in the order of their ids.
func readIDs(seg segment.Segment) ([]idDoc, error) {
	n := seg.Count()
	out := make([]idDoc, 0, n)
	for d := uint64(0); d < n; d++ {
		id, err := seg.DocID(d)
		if err != nil {
			return nil, err
		}
		out = append(out, idDoc{string(id), uint32(d)})
	}
	slices.SortFunc(out, func(a, b idDoc) int { return strings.Compare(a.id, b.id) })
	return out, nil
}

// idList is what is left to merge of one segment's documents in id order.
type idList struct {
	docs    []idDoc
	segment int
}

// idLists is a heap of lists by their first id.
type idLists []idList

func (h idLists) Len() int           { return len(h) }
func (h idLists) Less(i, j int) bool { return h[i].docs[0].id < h[j].docs[0].id }
func (h idLists) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *idLists) Push(x any)        { *h = append(*h, x.(idList)) }
func (h *idLists) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
