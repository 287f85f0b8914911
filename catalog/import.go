package catalog

// ImportItem is one record read from an import file. Errors holds what went
// wrong reading it (a wrong type, an unknown column); such an item is
// reported and never stored.
type ImportItem struct {
	Index  int    // 0-based position in the file
	Line   int    // 1-based line where the item starts, when known
	Record Record // the record as read
	Errors []FieldError
}

// ImportOptions control an import.
type ImportOptions struct {
	// DryRun validates everything, including ids taken in the store, and
	// writes nothing.
	DryRun bool
	// Atomic imports every item or, if any fails, none.
	Atomic bool
}

// Import item outcomes.
const (
	ImportCreated = "created" // stored
	ImportValid   = "valid"   // would be stored (dry run, or atomic import that failed elsewhere)
	ImportFailed  = "failed"  // invalid; see Errors
)

// ImportResult is the outcome of one item.
type ImportResult struct {
	Index  int          `json:"index"`
	Line   int          `json:"line,omitempty"`
	ID     string       `json:"id,omitempty"`
	Status string       `json:"status"`
	Errors []FieldError `json:"errors,omitempty"`
}

// ImportReport is the outcome of an import, one result per item in file
// order.
type ImportReport struct {
	DryRun   bool           `json:"dry_run"`
	Atomic   bool           `json:"atomic"`
	Total    int            `json:"total"`
	Imported int            `json:"imported"`
	Failed   int            `json:"failed"`
	Items    []ImportResult `json:"items"`
}
