package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
)

// MergeRecordsIn merges the record fromID into the record r.ID in tx: two
// records found to be the same work (GET /api/v1/duplicates) become one.
//
//   - r, as the librarian composed it from both, replaces the kept record;
//     it keeps its own files and gains those of fromID it lacks (a name its
//     own files use for other bytes gets a " (2)" before the extension),
//     and lists fromID, and what had been merged into fromID, in Merged.
//   - fromID gets a last version saying MergedInto r.ID, then is deleted:
//     its history stays, harvesters are told it is gone, and its address
//     leads to the kept record.
//
// Both in one transaction, when their versions are keepVersion and
// fromVersion (0: any). ENOTFOUND, EGONE, EINVALID, EPRECONDITION.
func MergeRecordsIn(ctx context.Context, tx Tx, r *Record, keepVersion int, fromID string, fromVersion int) error {
	if fromID == "" || fromID == r.ID {
		return &Error{Code: EINVALID, Message: "Name another record to merge into this one.",
			Fields: []FieldError{{Field: "from", Message: "must be the id of another record"}}}
	}
	cur, err := findLive(ctx, tx, EntityRecord, r.ID)
	if err != nil {
		return err
	}
	if err := checkVersion(EntityRecord, cur.Version, keepVersion); err != nil {
		return err
	}
	fromCur, err := findLive(ctx, tx, EntityRecord, fromID)
	if err != nil {
		return err
	}
	if err := checkVersion(EntityRecord, fromCur.Version, fromVersion); err != nil {
		return err
	}
	var kept, from Record
	if err := json.Unmarshal(cur.Doc, &kept); err != nil {
		return err
	}
	if err := json.Unmarshal(fromCur.Doc, &from); err != nil {
		return err
	}
	r.Files = mergeFiles(kept.Files, from.Files)
	r.Merged = mergedIDs(kept.Merged, fromID, from.Merged)
	r.MergedInto = ""
	if err := prepareRecord(ctx, newEventLookup(tx), r); err != nil {
		return err
	}
	w := Write{Entity: EntityRecord, ID: r.ID, Record: r, Exposed: cur.Exposed || r.Status == StatusPublished}
	if err := replace(ctx, tx, w, cur, r, &r.Bookkeeping); err != nil {
		return err
	}
	from.MergedInto = r.ID
	w = Write{Entity: EntityRecord, ID: fromID, Record: &from, Exposed: fromCur.Exposed}
	if err := replace(ctx, tx, w, fromCur, &from, &from.Bookkeeping); err != nil {
		return err
	}
	last, err := tx.FindDocument(ctx, EntityRecord, fromID)
	if err != nil {
		return err
	}
	return remove(ctx, tx, EntityRecord, fromID, last)
}

// mergeFiles is kept's files followed by those of from that kept does not
// have (by bytes); a name kept uses is made unique.
func mergeFiles(kept, from []File) []File {
	out := slices.Clone(kept)
	names := map[string]bool{}
	shas := map[string]bool{}
	for _, f := range kept {
		names[f.Name], shas[f.SHA256] = true, true
	}
	for _, f := range from {
		if shas[f.SHA256] {
			continue
		}
		shas[f.SHA256] = true
		ext := path.Ext(f.Name)
		base := strings.TrimSuffix(f.Name, ext)
		for n := 2; names[f.Name]; n++ {
			f.Name = fmt.Sprintf("%s (%d)%s", base, n, ext)
		}
		names[f.Name] = true
		out = append(out, f)
	}
	return out
}

// mergedIDs is the ids merged into the kept record after fromID (and what
// had been merged into it) joins those already there.
func mergedIDs(kept []string, fromID string, from []string) []string {
	out := slices.Clone(kept)
	for _, id := range append([]string{fromID}, from...) {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// ComposeMerge is what merging other into kept gives when the librarian
// chooses nothing: kept's values first, other's where kept has none,
// keywords and topics joined; kept's id, status, files and bookkeeping
// (MergeRecordsIn adds other's files).
func ComposeMerge(kept, other Record) Record {
	out := MergeRecord(other, kept)
	out.ID, out.Status, out.Files, out.Bookkeeping = kept.ID, kept.Status, kept.Files, kept.Bookkeeping
	out.Merged, out.MergedInto = kept.Merged, ""
	out.Keywords = union(kept.Keywords, other.Keywords)
	out.Topics = union(kept.Topics, other.Topics)
	return out
}
