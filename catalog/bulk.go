package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// Bulk actions on records (ChangeRecordsIn).
const (
	BulkPublish  = "publish"
	BulkWithdraw = "withdraw"
	BulkDelete   = "delete"
)

// MaxBulk is the most records one bulk action changes.
const MaxBulk = 1000

// BulkReport is what a bulk action did.
type BulkReport struct {
	Action string `json:"action"`
	// Changed are the records changed (a new version each, one history
	// entry each); Unchanged those already as asked (published, say).
	Changed   []string `json:"changed"`
	Unchanged []string `json:"unchanged"`
}

// ChangeRecordsIn publishes, withdraws or deletes the records ids in tx,
// all or none: an unknown or deleted id, or an action Annals does not
// know, is an error that changes nothing. EINVALID, ENOTFOUND, EGONE.
func ChangeRecordsIn(ctx context.Context, tx Tx, ids []string, action string) (*BulkReport, error) {
	if action != BulkPublish && action != BulkWithdraw && action != BulkDelete {
		return nil, &Error{Code: EINVALID, Message: "Say what to do with the records.",
			Fields: []FieldError{{Field: "action", Message: fmt.Sprintf("%q is not publish, withdraw or delete", action)}}}
	}
	switch {
	case len(ids) == 0:
		return nil, &Error{Code: EINVALID, Message: "Say which records.", Fields: []FieldError{{Field: "ids", Message: "is empty"}}}
	case len(ids) > MaxBulk:
		return nil, &Error{Code: EINVALID, Message: "Too many records at once.",
			Fields: []FieldError{{Field: "ids", Message: fmt.Sprintf("has %d ids; at most %d at once", len(ids), MaxBulk)}}}
	}
	report := &BulkReport{Action: action, Changed: []string{}, Unchanged: []string{}}
	seen := map[string]bool{}
	for i, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		cur, err := findLive(ctx, tx, EntityRecord, id)
		if err != nil {
			if ce, ok := err.(*Error); ok {
				ce.Fields = append(ce.Fields, FieldError{Field: fmt.Sprintf("ids[%d]", i), Message: ce.Message})
			}
			return nil, err
		}
		if action == BulkDelete {
			if err := DeleteRecordIn(ctx, tx, id, cur.Version); err != nil {
				return nil, err
			}
			report.Changed = append(report.Changed, id)
			continue
		}
		var r Record
		if err := json.Unmarshal(cur.Doc, &r); err != nil {
			return nil, err
		}
		want := StatusPublished
		if action == BulkWithdraw {
			want = StatusWithdrawn
		}
		if r.Status == want {
			report.Unchanged = append(report.Unchanged, id)
			continue
		}
		r.Status = want
		if err := UpdateRecordIn(ctx, tx, &r, cur.Version); err != nil {
			if ce, ok := err.(*Error); ok && ce.Code == EINVALID {
				ce.Message = fmt.Sprintf("The record %q cannot be %sed as it is: %s", id, action, ce.Message)
			}
			return nil, err
		}
		report.Changed = append(report.Changed, id)
	}
	slices.Sort(report.Changed)
	slices.Sort(report.Unchanged)
	return report, nil
}
