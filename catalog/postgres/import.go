package postgres

import (
	"context"

	"github.com/annals/annals/catalog"
)

// ImportRecords creates many records (catalog.ImportRecordsIn).
func (s *Store) ImportRecords(ctx context.Context, items []catalog.ImportItem, opts catalog.ImportOptions) (*catalog.ImportReport, error) {
	return catalog.ImportRecordsIn(ctx, s, items, opts)
}

// InTx runs fn in a write transaction, committed when fn returns nil.
func (s *Store) InTx(ctx context.Context, fn func(catalog.Tx) error) error {
	return s.writeTx(ctx, func(t *txn) error { return fn(t) })
}
