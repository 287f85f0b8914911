package postgres

import (
	"context"
	"database/sql"
	"fmt"
)

// A revision is (epoch, transaction id, n) packed in 63 bits, so that the
// change log's order is the order in which transactions took their ids,
// and within one transaction the order of its writes:
//
//	bits 57-62  the epoch (log_epoch), which grows after a restore
//	bits 20-56  the transaction id (xid8; 2^37 transactions)
//	bits  0-19  the change's number within its transaction (2^20)
//
// A sequence would not do: its values are taken in one order and
// committed in another, and a follower that has read revision 2 while
// revision 1's transaction is still open moves past 1 for good. Followers
// instead read only changes of transactions below the oldest one still
// running (pg_snapshot_xmin): those are all finished, so nothing can
// appear below what they have read. Writers also take the transaction id
// under the write lock, so in practice ids follow commit order and the
// rule only holds back what is being written at that moment.
const (
	revisionXIDShift   = 20
	revisionEpochShift = 57
	maxChangesPerTx    = 1 << revisionXIDShift
	maxXID             = 1 << (revisionEpochShift - revisionXIDShift)
)

// nextRevision numbers the transaction's next change.
func (t *txn) nextRevision() (int64, error) {
	if t.changes >= maxChangesPerTx-1 {
		return 0, fmt.Errorf("postgres: more than %d changes in one transaction; import in smaller parts", maxChangesPerTx-1)
	}
	if t.xid >= maxXID {
		return 0, fmt.Errorf("postgres: transaction id %d is past what revisions hold (%d)", t.xid, int64(maxXID))
	}
	t.changes++
	return t.store.epoch<<revisionEpochShift | t.xid<<revisionXIDShift | t.changes, nil
}

// insertChange writes a change log row and returns its revision.
func (t *txn) insertChange(ctx context.Context, entity, id, op, at, actor string, prev int64, doc []byte) (int64, error) {
	if err := t.flush(ctx); err != nil {
		return 0, err
	}
	rev, err := t.nextRevision()
	if err != nil {
		return 0, err
	}
	_, err = t.tx.ExecContext(ctx, `INSERT INTO changes (revision, epoch, xid, entity, entity_id, op, time, actor, prev, doc)
		VALUES ($1, $2, pg_current_xact_id(), $3, $4, $5, $6, $7, $8, $9)`,
		rev, t.store.epoch, entity, id, op, at, actor, nullInt(prev), nullText(doc))
	return rev, err
}

// settled is the condition of the changes a follower may read: those of
// an earlier epoch, and those of transactions below the oldest still
// running. Its one parameter is the current epoch.
const settled = `(c.epoch < ? OR c.xid < pg_snapshot_xmin(pg_current_snapshot()))`

// advanceEpoch moves the log's epoch on when the server hands out
// transaction ids at or below ids already in the log: the database was
// restored into another cluster, whose ids started again, and new
// revisions would otherwise sort below those followers have read.
func advanceEpoch(ctx context.Context, conn *sql.Conn) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var behind bool
	if err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT xid FROM changes WHERE epoch = (SELECT epoch FROM log_epoch)
		ORDER BY revision DESC LIMIT 1) >= pg_current_xact_id(), false)`).Scan(&behind); err != nil {
		return err
	}
	if !behind {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE log_epoch SET epoch = epoch + 1`); err != nil {
		return err
	}
	return tx.Commit()
}
