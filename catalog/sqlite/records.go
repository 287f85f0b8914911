package sqlite

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/annals/annals/catalog"
)

// FindRecordByID returns a record. ENOTFOUND, EGONE.
func (s *Store) FindRecordByID(ctx context.Context, id string) (*catalog.Record, error) {
	doc, err := findLiveDoc(ctx, s.read, catalog.EntityRecord, id)
	if err != nil {
		return nil, err
	}
	var r catalog.Record
	if err := unmarshalDoc(catalog.EntityRecord, id, doc, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// CountRecords returns how many live records there are.
func (s *Store) CountRecords(ctx context.Context) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM records WHERE deleted IS NULL`).Scan(&n)
	return n, err
}

// FindRecords lists live records newest first, one page at a time.
func (s *Store) FindRecords(ctx context.Context, f catalog.RecordFilter) (*catalog.RecordPage, error) {
	size := f.Size
	if size <= 0 {
		size = catalog.DefaultPageSize
	}
	size = min(size, catalog.MaxPageSize)
	where := []string{"r.deleted IS NULL"}
	var args []any
	if f.Kind != "" {
		where, args = append(where, "r.kind = ?"), append(args, string(f.Kind))
	}
	if f.Event != "" {
		where, args = append(where, "r.event = ?"), append(args, f.Event)
	}
	if f.Session != "" {
		where, args = append(where, "r.session = ?"), append(args, f.Session)
	}
	if f.Topic != "" {
		where, args = append(where, "r.topics LIKE ?"), append(args, "%|"+f.Topic+"|%")
	}
	if len(f.Statuses) > 0 {
		where = append(where, "r.status IN ("+strings.Repeat(",?", len(f.Statuses))[1:]+")")
		for _, st := range f.Statuses {
			args = append(args, string(st))
		}
	}
	page := &catalog.RecordPage{Records: []catalog.Record{}}
	cond := strings.Join(where, " AND ")
	if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM records r WHERE `+cond, args...).Scan(&page.Total); err != nil {
		return nil, err
	}
	if f.After != "" {
		seq, err := decodeCursor(f.After)
		if err != nil {
			return nil, catalog.BadCursor("after")
		}
		cond += " AND r.seq < ?"
		args = append(args, seq)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT r.seq, c.doc FROM records r JOIN changes c ON c.revision = r.rev
		WHERE `+cond+` ORDER BY r.seq DESC LIMIT ?`, append(args, size+1)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var lastSeq int64
	for rows.Next() {
		var seq int64
		var doc string
		if err := rows.Scan(&seq, &doc); err != nil {
			return nil, err
		}
		if len(page.Records) == size {
			page.Next = encodeCursor(lastSeq)
			break
		}
		var r catalog.Record
		if err := json.Unmarshal([]byte(doc), &r); err != nil {
			return nil, err
		}
		page.Records = append(page.Records, r)
		lastSeq = seq
	}
	return page, rows.Err()
}

const cursorPrefix = "r1."

func encodeCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(seq, 10)))
}

func decodeCursor(c string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || !strings.HasPrefix(string(b), cursorPrefix) {
		return 0, errors.New("bad cursor")
	}
	return strconv.ParseInt(strings.TrimPrefix(string(b), cursorPrefix), 10, 64)
}

// CreateRecord validates and stores a new record.
func (s *Store) CreateRecord(ctx context.Context, r *catalog.Record) error {
	return s.writeTx(ctx, func(t *txn) error { return catalog.CreateRecordIn(ctx, t, r) })
}

// UpdateRecord replaces a record.
func (s *Store) UpdateRecord(ctx context.Context, r *catalog.Record, ifVersion int) error {
	return s.writeTx(ctx, func(t *txn) error { return catalog.UpdateRecordIn(ctx, t, r, ifVersion) })
}

// MergeRecords merges the record fromID into r.ID in one transaction.
func (s *Store) MergeRecords(ctx context.Context, r *catalog.Record, ifVersion int, fromID string, fromVersion int) error {
	return s.writeTx(ctx, func(t *txn) error { return catalog.MergeRecordsIn(ctx, t, r, ifVersion, fromID, fromVersion) })
}

// ChangeRecords publishes, withdraws or deletes records in one
// transaction: all or none.
func (s *Store) ChangeRecords(ctx context.Context, ids []string, action string) (*catalog.BulkReport, error) {
	var report *catalog.BulkReport
	err := s.writeTx(ctx, func(t *txn) error {
		var err error
		report, err = catalog.ChangeRecordsIn(ctx, t, ids, action)
		return err
	})
	return report, err
}

// DeleteRecord deletes a record, leaving a tombstone.
func (s *Store) DeleteRecord(ctx context.Context, id string, ifVersion int) error {
	return s.writeTx(ctx, func(t *txn) error { return catalog.DeleteRecordIn(ctx, t, id, ifVersion) })
}

// idsPerQuery bounds the parameters of one IN list (SQLite allows 32,766).
const idsPerQuery = 500

// FindRecordsByIDs returns the live records among ids in the order of ids,
// reading a page of hits in one query.
func (s *Store) FindRecordsByIDs(ctx context.Context, ids []string) ([]catalog.Record, error) {
	found := make(map[string]*catalog.Record, len(ids))
	for start := 0; start < len(ids); start += idsPerQuery {
		chunk := ids[start:min(start+idsPerQuery, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := s.read.QueryContext(ctx, `SELECT c.doc FROM records r JOIN changes c ON c.revision = r.rev
			WHERE r.deleted IS NULL AND r.id IN (`+strings.Repeat(",?", len(chunk))[1:]+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var doc string
			if err := rows.Scan(&doc); err != nil {
				rows.Close()
				return nil, err
			}
			r := new(catalog.Record)
			if err := json.Unmarshal([]byte(doc), r); err != nil {
				rows.Close()
				return nil, err
			}
			found[r.ID] = r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	out := make([]catalog.Record, 0, len(found))
	for _, id := range ids {
		if r, ok := found[id]; ok {
			out = append(out, *r)
			delete(found, id) // a repeated id once
		}
	}
	return out, nil
}

// SetRecordFiles changes a record's files.
func (s *Store) SetRecordFiles(ctx context.Context, id string, ifVersion int, change func([]catalog.File) ([]catalog.File, error)) (*catalog.Record, error) {
	var r *catalog.Record
	err := s.writeTx(ctx, func(t *txn) (err error) {
		r, err = catalog.SetRecordFilesIn(ctx, t, id, ifVersion, change)
		return err
	})
	return r, err
}

// ForEachFileReference calls fn for each SHA-256 any version of any record
// names.
func (s *Store) ForEachFileReference(ctx context.Context, fn func(string) error) error {
	rows, err := s.read.QueryContext(ctx, `SELECT DISTINCT json_extract(f.value, '$.sha256')
		FROM changes c, json_each(c.doc, '$.files') f
		WHERE c.entity = 'record' AND c.doc IS NOT NULL AND json_type(c.doc, '$.files') = 'array'`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var sha string
		if err := rows.Scan(&sha); err != nil {
			return err
		}
		if err := fn(sha); err != nil {
			return err
		}
	}
	return rows.Err()
}
