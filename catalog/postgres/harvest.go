package postgres

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/annals/annals/catalog"
)

// harvestWhere builds the conditions of a harvest filter.
func harvestWhere(f catalog.HarvestFilter) (string, []any) {
	where := []string{"r.exposed"}
	var args []any
	if !f.From.IsZero() {
		where, args = append(where, "r.stamped >= ?"), append(args, formatTime(f.From))
	}
	if !f.Before.IsZero() {
		where, args = append(where, "r.stamped < ?"), append(args, formatTime(f.Before))
	}
	if f.Kind != "" {
		where, args = append(where, "r.kind = ?"), append(args, string(f.Kind))
	}
	switch f.Event {
	case "":
	case "*":
		where = append(where, "r.event IS NOT NULL")
	default:
		where, args = append(where, "r.event = ?"), append(args, f.Event)
	}
	switch f.Topic {
	case "":
	case "*":
		where = append(where, "r.topics != ''")
	default:
		where, args = append(where, "r.topics LIKE ?"), append(args, "%|"+f.Topic+"|%")
	}
	return strings.Join(where, " AND "), args
}

func encodePosition(updated string, seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(updated + "|" + strconv.FormatInt(seq, 10)))
}

func decodePosition(p string) (string, int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return "", 0, err
	}
	updated, seq, ok := strings.Cut(string(b), "|")
	if !ok {
		return "", 0, errors.New("bad position")
	}
	n, err := strconv.ParseInt(seq, 10, 64)
	return updated, n, err
}

// harvestColumns: the datestamp is stamped, which moves with every change
// of the record and with every change of its event (whose name, place and
// dates its Dublin Core carries).
const harvestColumns = `r.seq, r.stamped, r.status, r.deleted, c.doc`

func scanHarvestItem(scan func(...any) error) (*catalog.HarvestItem, error) {
	var seq int64
	var updated, status string
	var deleted sql.NullString
	var doc string
	if err := scan(&seq, &updated, &status, &deleted, &doc); err != nil {
		return nil, err
	}
	it := &catalog.HarvestItem{Deleted: catalog.HarvestedAsDeleted(catalog.Status(status), deleted.Valid),
		Datestamp: parseTime(updated), Position: encodePosition(updated, seq)}
	if err := json.Unmarshal([]byte(doc), &it.Record); err != nil {
		return nil, err
	}
	return it, nil
}

// FindHarvestItems returns items in datestamp order (then insertion order).
func (s *Store) FindHarvestItems(ctx context.Context, f catalog.HarvestFilter) ([]catalog.HarvestItem, error) {
	cond, args := harvestWhere(f)
	if f.After != "" {
		updated, seq, err := decodePosition(f.After)
		if err != nil {
			return nil, catalog.BadCursor("after")
		}
		cond += " AND (r.stamped, r.seq) > (?, ?)" // a row value: the index is sought to it
		args = append(args, updated, seq)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	return queryAll(ctx, s, scanHarvestItem, `SELECT `+harvestColumns+` FROM records r JOIN changes c ON c.revision = r.rev
		WHERE `+cond+` ORDER BY r.stamped, r.seq LIMIT ?`, append(args, limit)...)
}

// CountHarvestItems counts the items a filter selects.
func (s *Store) CountHarvestItems(ctx context.Context, f catalog.HarvestFilter) (int, error) {
	cond, args := harvestWhere(f)
	var n int
	err := s.QueryRowContext(ctx, `SELECT count(*) FROM records r WHERE `+cond, args...).Scan(&n)
	return n, err
}

// FindHarvestItem returns one exposed record.
func (s *Store) FindHarvestItem(ctx context.Context, id string) (*catalog.HarvestItem, error) {
	row := s.QueryRowContext(ctx, `SELECT `+harvestColumns+` FROM records r JOIN changes c ON c.revision = r.rev
		WHERE r.id = ? AND r.exposed`, id)
	it, err := scanHarvestItem(row.Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "There is no published record %q.", id)
	}
	return it, err
}

// EarliestDatestamp is the oldest datestamp of an exposed record.
func (s *Store) EarliestDatestamp(ctx context.Context) (time.Time, error) {
	var t sql.NullString
	err := s.QueryRowContext(ctx, `SELECT min(stamped) FROM records WHERE exposed`).Scan(&t)
	if err != nil || !t.Valid {
		return time.Time{}, err
	}
	return parseTime(t.String), nil
}
