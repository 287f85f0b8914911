package sqlite

import (
	"context"

	"github.com/annals/annals/catalog"
)

// importBatch is how many records a non-atomic import commits at a time:
// large enough that commits (each an fsync) do not dominate, small enough
// that a crash loses little work.
const importBatch = 1000

// ImportRecords creates many records. A dry run or an atomic import runs in
// one transaction (rolled back for a dry run, and for an atomic import with
// any failed item); otherwise items are committed in batches and each
// invalid item is reported and skipped.
func (s *Store) ImportRecords(ctx context.Context, items []catalog.ImportItem, opts catalog.ImportOptions) (*catalog.ImportReport, error) {
	report := &catalog.ImportReport{DryRun: opts.DryRun, Atomic: opts.Atomic, Total: len(items),
		Items: make([]catalog.ImportResult, len(items))}
	batch := importBatch
	if opts.DryRun || opts.Atomic {
		batch = len(items)
	}
	for start := 0; start < len(items) || start == 0; start += batch {
		end := min(start+batch, len(items))
		if err := s.importBatch(ctx, items[start:end], report.Items[start:end], opts); err != nil {
			return nil, err
		}
		if end == len(items) {
			break
		}
	}
	for i := range report.Items {
		switch report.Items[i].Status {
		case catalog.ImportCreated:
			report.Imported++
		case catalog.ImportFailed:
			report.Failed++
		}
	}
	return report, nil
}

func (s *Store) importBatch(ctx context.Context, items []catalog.ImportItem, results []catalog.ImportResult, opts catalog.ImportOptions) error {
	t, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer t.tx.Rollback()
	failed := false
	for i, item := range items {
		res := &results[i]
		*res = catalog.ImportResult{Index: item.Index, Line: item.Line, ID: item.Record.ID}
		if len(item.Errors) > 0 {
			res.Status, res.Errors, failed = catalog.ImportFailed, item.Errors, true
			continue
		}
		r := item.Record
		err := s.createRecord(ctx, t, &r)
		switch catalog.ErrorCode(err) {
		case "":
			res.ID, res.Status = r.ID, catalog.ImportCreated
		case catalog.EINVALID, catalog.ECONFLICT:
			res.Status, res.Errors, failed = catalog.ImportFailed, errorFieldsOrMessage(err), true
		default:
			return err
		}
	}
	if opts.DryRun || (opts.Atomic && failed) {
		for i := range results {
			if results[i].Status == catalog.ImportCreated {
				results[i].Status = catalog.ImportValid
			}
		}
		return nil // rolled back by the deferred Rollback
	}
	return s.commit(t)
}

func errorFieldsOrMessage(err error) []catalog.FieldError {
	if f := catalog.ErrorFields(err); len(f) > 0 {
		return f
	}
	return []catalog.FieldError{{Message: catalog.ErrorMessage(err)}}
}
