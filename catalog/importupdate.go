package catalog

import (
	"context"
	"encoding/json"
	"reflect"
)

// updateDuplicate brings the record id (which the imported r is the same
// work as) up to date with r: every field r has a value for replaces the
// record's, lists of keywords and topics are joined, and what r lacks
// (translations, event, status, files, the note, a field left empty) is
// kept. The record's id, status and files are its own. It returns whether
// the record changed.
func updateDuplicate(ctx context.Context, tx Tx, id string, r *Record) (bool, error) {
	cur, err := findLive(ctx, tx, EntityRecord, id)
	if err != nil {
		return false, err
	}
	var stored Record
	if err := json.Unmarshal(cur.Doc, &stored); err != nil {
		return false, err
	}
	merged := MergeRecord(stored, *r)
	NormalizeRecord(&merged)
	if reflect.DeepEqual(merged, stored) {
		return false, nil
	}
	return true, UpdateRecordIn(ctx, tx, &merged, cur.Version)
}

// MergeRecord is into with the values of from laid over it: each field
// from has a value for replaces into's (contributors as a whole, each
// identifier on its own), keywords and topics are joined, and into keeps
// its id, status, files and bookkeeping and every field from leaves empty.
func MergeRecord(into, from Record) Record {
	out := into
	overlay(reflect.ValueOf(&out).Elem(), reflect.ValueOf(from))
	out.ID, out.Status, out.Files, out.Bookkeeping = into.ID, into.Status, into.Files, into.Bookkeeping
	out.Keywords = union(into.Keywords, from.Keywords)
	out.Topics = union(into.Topics, from.Topics)
	if from.Event == "" { // a session belongs to its event
		out.Event, out.Session = into.Event, into.Session
	}
	if from.Kind == KindOther { // what a reader makes of a type it does not know
		out.Kind = into.Kind
	}
	return out
}

// overlay sets each field of dst to src's where src's is not empty,
// walking into structs (Source, Identifiers) field by field.
func overlay(dst, src reflect.Value) {
	for i := 0; i < dst.NumField(); i++ {
		d, s := dst.Field(i), src.Field(i)
		switch {
		case s.Kind() == reflect.Struct && dst.Type().Field(i).Type != reflect.TypeOf(Bookkeeping{}):
			overlay(d, s)
		case !s.IsZero() && (s.Kind() != reflect.Slice || s.Len() > 0):
			d.Set(s)
		}
	}
}

func union(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, v := range b {
		if !containsString(out, v) {
			out = append(out, v)
		}
	}
	return out
}
