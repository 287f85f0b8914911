package postgres

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/annals/annals/catalog"
)

var _ catalog.FailureCounter = (*Store)(nil)

// FailureCredit is how many failed attempts client has left now.
func (s *Store) FailureCredit(ctx context.Context, client string, burst int, refill time.Duration) (float64, error) {
	var credit float64
	err := s.db.QueryRowContext(ctx, `SELECT LEAST($2::float8, credit + EXTRACT(EPOCH FROM clock_timestamp() - at)::float8 / $3)
		FROM auth_failures WHERE client = $1`, client, burst, refill.Seconds()).Scan(&credit)
	if errors.Is(err, sql.ErrNoRows) {
		return float64(burst), nil
	}
	return credit, err
}

// RecordFailure takes one attempt from client's bucket (in one statement,
// so that nodes counting at once lose no failure) and forgets the buckets
// that have had time to fill again.
func (s *Store) RecordFailure(ctx context.Context, client string, burst int, refill time.Duration) error {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO auth_failures (client, credit, at) VALUES ($1, $2::float8 - 1, clock_timestamp())
		ON CONFLICT (client) DO UPDATE SET
			credit = GREATEST(0, LEAST($2::float8, auth_failures.credit + EXTRACT(EPOCH FROM clock_timestamp() - auth_failures.at)::float8 / $3) - 1),
			at = clock_timestamp()`, client, burst, refill.Seconds()); err != nil {
		return err
	}
	full := time.Duration(burst) * refill
	_, err := s.db.ExecContext(ctx, `DELETE FROM auth_failures WHERE at < clock_timestamp() - $1 * interval '1 second'`, full.Seconds())
	return err
}
