package catalog

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"path"
	"strings"
)

// ImportItem is one record read from an import file. Errors holds what went
// wrong reading it (a wrong type, an unknown column); such an item is
// reported and never stored.
type ImportItem struct {
	Index  int    // 0-based position in the file
	Line   int    // 1-based line where the item starts, when known
	Record Record // the record as read
	Errors []FieldError
	// Files are the files the record names, to attach when it is created:
	// each with its place in what came with the import (Path), or the
	// SHA-256 of bytes the blob store holds already. ResolveImportFiles
	// stores them and fills their size, type and hash.
	Files []ImportFile
	// Warnings say what was left out of an item that imports all the same
	// (a file another tool only linked to).
	Warnings []FieldError
}

// ImportFile is a file an imported record names.
type ImportFile struct {
	File File   // name, label, language, access, embargo (and SHA256 when known)
	Path string // where the bytes are in the import's files (a directory, a ZIP)
	// Linked marks a reference another tool wrote (a BibTeX file field, a
	// RIS L1): a web link, or a path when the import came without files,
	// leaves the record without that file and warns instead of failing it.
	Linked bool
}

// LabelFirstPDFFulltext labels the first PDF (by its name) of files that
// another tool linked to as the record's full text, when none is labelled.
func LabelFirstPDFFulltext(files []ImportFile) {
	for _, f := range files {
		if f.File.Label == LabelFulltext {
			return
		}
	}
	for i := range files {
		if strings.EqualFold(path.Ext(files[i].Path), ".pdf") {
			files[i].File.Label = LabelFulltext
			return
		}
	}
}

// ImportOptions control an import.
type ImportOptions struct {
	// DryRun validates everything, including ids taken in the store, and
	// writes nothing.
	DryRun bool
	// Atomic imports every item or, if any fails, none.
	Atomic bool
	// OnDuplicate is what becomes of an item that is the same work as a
	// record of the catalogue or an earlier item of the file (the same DOI,
	// or the same title, year and first contributor): DuplicateSkip (the
	// default: reported, not imported), DuplicateUpdate (the record takes
	// the item's values where the item has them; a duplicate of an earlier
	// item is skipped) or DuplicateCreate (imported all the same).
	OnDuplicate string
}

// What an import does with duplicates.
const (
	DuplicateSkip   = "skip"
	DuplicateUpdate = "update"
	DuplicateCreate = "create"
)

// ValidOnDuplicate reports whether s is one of the duplicate policies.
func ValidOnDuplicate(s string) bool {
	return s == DuplicateSkip || s == DuplicateUpdate || s == DuplicateCreate
}

// Import item outcomes.
const (
	ImportCreated = "created" // stored
	ImportValid   = "valid"   // would be stored (dry run, or atomic import that failed elsewhere)
	ImportFailed  = "failed"  // invalid; see Errors
	ImportSkipped = "skipped" // the same work as DuplicateOf; not imported
	ImportUpdated = "updated" // the same work as DuplicateOf, which took its values (or would, in a dry run)
)

// ImportResult is the outcome of one item.
type ImportResult struct {
	Index int    `json:"index"`
	Line  int    `json:"line,omitempty"`
	ID    string `json:"id,omitempty"`
	// Title and Kind say what the item is, or will become.
	Title  string       `json:"title,omitempty"`
	Kind   Kind         `json:"kind,omitempty"`
	Status string       `json:"status"`
	Errors []FieldError `json:"errors,omitempty"`
	// Files counts the files the item brings (attached, or that would be).
	Files int `json:"files,omitempty"`
	// Warnings say what the item imported without or how it was mended
	// (files only linked to, identifiers cleaned or left out).
	Warnings []FieldError `json:"warnings,omitempty"`
	// DuplicateOf names the record (or "item N" of the file) a skipped
	// item is the same work as, and Duplicate why.
	DuplicateOf string `json:"duplicate_of,omitempty"`
	Duplicate   string `json:"duplicate,omitempty"`
}

// ImportReport is the outcome of an import, one result per item in file
// order.
type ImportReport struct {
	DryRun   bool `json:"dry_run"`
	Atomic   bool `json:"atomic"`
	Total    int  `json:"total"`
	Imported int  `json:"imported"`
	Failed   int  `json:"failed"`
	Skipped  int  `json:"skipped"`
	// Updated counts the records brought up to date by duplicates
	// (on_duplicate=update).
	Updated int `json:"updated"`
	// Files counts the files of the items imported (or valid, in a dry run).
	Files int            `json:"files"`
	Items []ImportResult `json:"items"`
}

// importBatch is how many records a non-atomic import commits at a time:
// large enough that commits (each an fsync) do not dominate, small enough
// that a crash loses little work.
const importBatch = 1000

// Transactor runs fn in one write transaction of a store, committed when
// fn returns nil and rolled back when it returns an error (which InTx
// returns).
type Transactor interface {
	InTx(ctx context.Context, fn func(Tx) error) error
}

// Prefetcher is implemented by a Tx for which each lookup is a round trip
// to a server: an import tells it the ids and duplicate keys it is about
// to look up, so that it can read them all at once.
type Prefetcher interface {
	PrefetchDocuments(ctx context.Context, entity string, ids []string) error
	PrefetchKeys(ctx context.Context, keys []string) error
}

// errRollback ends a transaction whose writes must not be kept (a dry run,
// an atomic import with a failed item).
var errRollback = errors.New("rolled back on purpose")

// ImportSource gives an import's items in file order, calling yield with
// each; it stops and returns yield's error when yield returns one. A
// reader that streams hands over each item as it reads it, so that an
// import holds a batch of items at a time, not the file's.
type ImportSource func(yield func(ImportItem) error) error

// ItemsSource is the source of items already read.
func ItemsSource(items []ImportItem) ImportSource {
	return func(yield func(ImportItem) error) error {
		for _, it := range items {
			if err := yield(it); err != nil {
				return err
			}
		}
		return nil
	}
}

// ImportRecordsIn creates many records through db (ImportRecordsFromIn
// with the items already read).
func ImportRecordsIn(ctx context.Context, db Transactor, items []ImportItem, opts ImportOptions) (*ImportReport, error) {
	return ImportRecordsFromIn(ctx, db, ItemsSource(items), opts)
}

// ImportRecordsFromIn creates the records src gives through db, taking
// importBatch items at a time from it. A dry run or an atomic import runs
// in one transaction (rolled back for a dry run, and for an atomic import
// with any failed item); otherwise each batch is committed on its own and
// each invalid item is reported and skipped. An error from src (a file
// that turns out to be malformed) ends the import with it; for a dry run
// or an atomic import nothing is then written.
func ImportRecordsFromIn(ctx context.Context, db Transactor, src ImportSource, opts ImportOptions) (*ImportReport, error) {
	report := &ImportReport{DryRun: opts.DryRun, Atomic: opts.Atomic, Items: []ImportResult{}}
	seen := newSeenKeys()
	batch := make([]ImportItem, 0, importBatch)
	failed := false
	// flush imports the batch through tx, its results appended to the report
	flush := func(tx Tx) error {
		results := make([]ImportResult, len(batch))
		f, err := importBatchIn(ctx, tx, batch, results, opts, seen)
		if err != nil {
			return err
		}
		failed = failed || f
		report.Items = append(report.Items, results...)
		clear(batch)
		batch = batch[:0]
		return nil
	}
	var err error
	if opts.DryRun || opts.Atomic {
		err = db.InTx(ctx, func(tx Tx) error {
			if err := src(func(it ImportItem) error {
				if batch = append(batch, it); len(batch) == importBatch {
					return flush(tx)
				}
				return nil
			}); err != nil {
				return err
			}
			if err := flush(tx); err != nil {
				return err
			}
			if opts.DryRun || failed {
				return errRollback
			}
			return nil
		})
		if errors.Is(err, errRollback) {
			for i := range report.Items {
				if report.Items[i].Status == ImportCreated {
					report.Items[i].Status = ImportValid
				}
			}
			err = nil
		}
	} else {
		commit := func() error { return db.InTx(ctx, flush) }
		err = src(func(it ImportItem) error {
			if batch = append(batch, it); len(batch) == importBatch {
				return commit()
			}
			return nil
		})
		if err == nil && (len(batch) > 0 || len(report.Items) == 0) {
			err = commit()
		}
	}
	if err != nil {
		return nil, err
	}
	report.count()
	return report, nil
}

// count sums the report's items up.
func (r *ImportReport) count() {
	r.Total = len(r.Items)
	for _, it := range r.Items {
		switch it.Status {
		case ImportCreated:
			r.Imported++
			r.Files += it.Files
		case ImportValid:
			if r.DryRun {
				r.Files += it.Files
			}
		case ImportFailed:
			r.Failed++
		case ImportSkipped:
			r.Skipped++
		case ImportUpdated:
			r.Updated++
		}
	}
}

// importBatchIn imports items through tx, each one's outcome in results;
// it reports whether any failed. The results keep none of the items'
// strings (an item's text may be a slice of the whole file).
func importBatchIn(ctx context.Context, tx Tx, items []ImportItem, results []ImportResult, opts ImportOptions, seen *seenKeys) (bool, error) {
	events := newEventLookup(tx)
	failed := false
	cleaned, warnings := cleanItems(items)
	if err := prefetchImport(ctx, tx, items, cleaned, opts); err != nil {
		return false, err
	}
	defer func() {
		for i := range results {
			detach(&results[i])
		}
	}()
	for i, item := range items {
		res := &results[i]
		*res = ImportResult{Index: item.Index, Line: item.Line, ID: item.Record.ID, Title: item.Record.Title, Kind: item.Record.Kind,
			Files: len(item.Files), Warnings: item.Warnings}
		if len(item.Errors) > 0 {
			res.Status, res.Errors, failed = ImportFailed, item.Errors, true
			continue
		}
		r := cleaned[i]
		res.Warnings = append(res.Warnings, warnings[i]...)
		if opts.OnDuplicate != DuplicateCreate {
			of, why, err := findDuplicate(ctx, tx, &r, item.Index, seen)
			if err != nil {
				return false, err
			}
			if of != "" && opts.OnDuplicate == DuplicateUpdate && !strings.HasPrefix(of, "item ") {
				changed, err := updateDuplicate(ctx, tx, of, &r)
				switch ErrorCode(err) {
				case "":
					res.ID, res.Status, res.DuplicateOf, res.Duplicate = of, ImportUpdated, of, why
					if !changed {
						res.Warnings = append(res.Warnings, FieldError{Message: "the record already has every value of this item: nothing changed"})
					}
				case EINVALID, EPRECONDITION:
					res.Status, res.Errors, res.DuplicateOf, failed = ImportFailed, errorFieldsOrMessage(err), of, true
				default:
					return false, err
				}
				continue
			}
			if of != "" {
				res.Status, res.DuplicateOf, res.Duplicate = ImportSkipped, of, why
				continue
			}
		}
		if r.ID == "" { // the same id in a dry run and the import, unless taken
			id := stableID(&r)
			if doc, err := tx.FindDocument(ctx, EntityRecord, id); err != nil {
				return false, err
			} else if doc == nil {
				r.ID = id
			}
		}
		r.Files = nil
		for _, f := range item.Files {
			r.Files = append(r.Files, f.File)
		}
		err := createRecordWithFiles(ctx, tx, events, &r)
		switch ErrorCode(err) {
		case "":
			res.ID, res.Status = r.ID, ImportCreated
		case EINVALID, ECONFLICT:
			res.Status, res.Errors, failed = ImportFailed, errorFieldsOrMessage(err), true
		default:
			return false, err
		}
	}
	return failed, nil
}

// detach copies the strings a result shares with its item, so that the
// report does not keep the file the item was read from.
func detach(res *ImportResult) {
	res.ID, res.Title = strings.Clone(res.ID), strings.Clone(res.Title)
	res.DuplicateOf = strings.Clone(res.DuplicateOf)
	for _, list := range [][]FieldError{res.Errors, res.Warnings} {
		for i := range list {
			list[i].Field, list[i].Message = strings.Clone(list[i].Field), strings.Clone(list[i].Message)
		}
	}
}

// cleanItems cleans the records of the items that have no errors: an
// identifier a record can exist without never refuses it (CleanImported).
func cleanItems(items []ImportItem) ([]Record, [][]FieldError) {
	cleaned := make([]Record, len(items))
	warnings := make([][]FieldError, len(items))
	for i, item := range items {
		if len(item.Errors) == 0 {
			cleaned[i] = item.Record
			warnings[i] = CleanImported(&cleaned[i])
		}
	}
	return cleaned, warnings
}

// prefetchImport tells a Prefetcher tx the ids (given, or the stable ones
// the items would get) and the duplicate keys the batch will look up.
func prefetchImport(ctx context.Context, tx Tx, items []ImportItem, cleaned []Record, opts ImportOptions) error {
	p, ok := tx.(Prefetcher)
	if !ok {
		return nil
	}
	var ids, keys []string
	for i, item := range items {
		if len(item.Errors) > 0 {
			continue
		}
		if id := cleaned[i].ID; id != "" {
			ids = append(ids, id)
		} else {
			ids = append(ids, stableID(&cleaned[i]))
		}
		if opts.OnDuplicate != DuplicateCreate {
			keys = append(keys, DuplicateKeys(&cleaned[i])...)
		}
	}
	if err := p.PrefetchDocuments(ctx, EntityRecord, ids); err != nil {
		return err
	}
	return p.PrefetchKeys(ctx, keys)
}

func errorFieldsOrMessage(err error) []FieldError {
	if f := ErrorFields(err); len(f) > 0 {
		return f
	}
	return []FieldError{{Message: ErrorMessage(err)}}
}

// findDuplicate looks r up among the catalogue's records and the file's
// earlier items by its duplicate keys; it returns what r duplicates ("" if
// nothing) and why, and notes r's keys as seen.
func findDuplicate(ctx context.Context, tx Tx, r *Record, index int, seen *seenKeys) (string, string, error) {
	keys := DuplicateKeys(r)
	why := func(key string) string {
		if strings.HasPrefix(key, "doi:") {
			return "the same DOI"
		}
		return "the same title, year and first contributor"
	}
	// the file first: an item imported earlier in this run is named as
	// the item (in a dry run its record will not exist)
	for _, k := range keys {
		if i, ok := seen.find(k); ok {
			return fmt.Sprintf("item %d", i), why(k) + " as an earlier item of the file", nil
		}
	}
	for _, k := range keys {
		ids, err := tx.FindRecordsWithKey(ctx, k)
		if err != nil {
			return "", "", err
		}
		if len(ids) > 0 {
			return ids[0], why(k), nil
		}
	}
	for _, k := range keys {
		seen.add(k, index)
	}
	return "", "", nil
}

// seenKeys are the duplicate keys of a file's items so far, each with its
// item's index. A key is kept as a 64-bit hash (two items of a million
// taken for one another about once in ten million imports), so that a
// long file's keys take a few bytes each, not the keys' text.
type seenKeys struct {
	seed maphash.Seed
	m    map[uint64]int
}

func newSeenKeys() *seenKeys { return &seenKeys{seed: maphash.MakeSeed(), m: map[uint64]int{}} }

func (s *seenKeys) find(key string) (int, bool) {
	i, ok := s.m[maphash.String(s.seed, key)]
	return i, ok
}

func (s *seenKeys) add(key string, index int) { s.m[maphash.String(s.seed, key)] = index }
