package postgres

import (
	"context"

	"github.com/annals/annals/catalog"
)

// ImportRecords creates many records (catalog.ImportRecordsIn).
func (s *Store) ImportRecords(ctx context.Context, items []catalog.ImportItem, opts catalog.ImportOptions) (*catalog.ImportReport, error) {
	return catalog.ImportRecordsIn(ctx, s, items, opts)
}

// ImportRecordsFrom creates the records src gives as it reads them
// (catalog.ImportRecordsFromIn).
func (s *Store) ImportRecordsFrom(ctx context.Context, src catalog.ImportSource, opts catalog.ImportOptions) (*catalog.ImportReport, error) {
	return catalog.ImportRecordsFromIn(ctx, s, src, opts)
}

// InTx runs fn in a write transaction, committed when fn returns nil.
func (s *Store) InTx(ctx context.Context, fn func(catalog.Tx) error) error {
	return s.writeTx(ctx, func(t *txn) error { return fn(t) })
}
