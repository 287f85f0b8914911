package catalog

import (
	"bytes"
	"encoding/json"
	"sort"
)

// FieldChange is one top-level field that differs between two versions.
type FieldChange struct {
	Field  string          `json:"field"`
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
}

// bookkeeping fields change on every write and say nothing to a reader.
var bookkeeping = map[string]bool{"created": true, "updated": true, "version": true}

// DiffDocuments lists the top-level fields that differ between two JSON
// objects (either may be empty, for a create or a delete), in field-name
// order, leaving out the bookkeeping fields created, updated and version.
func DiffDocuments(before, after json.RawMessage) ([]FieldChange, error) {
	var b, a map[string]json.RawMessage
	if len(before) > 0 {
		if err := json.Unmarshal(before, &b); err != nil {
			return nil, err
		}
	}
	if len(after) > 0 {
		if err := json.Unmarshal(after, &a); err != nil {
			return nil, err
		}
	}
	keys := make(map[string]bool, len(a)+len(b))
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var out []FieldChange
	for k := range keys {
		if bookkeeping[k] || bytes.Equal(a[k], b[k]) {
			continue
		}
		out = append(out, FieldChange{Field: k, Before: b[k], After: a[k]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out, nil
}
