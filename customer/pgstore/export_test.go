package pgstore

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

// KeyHash is keyHash: what customer_keys holds of k.
func KeyHash(k customer.IndexKey) [16]byte { return keyHash(k) }

// MigrateTo brings the schema to an older version than Migrate does, so that
// a test can fill it as that version did and then migrate it.
func (s *Store) MigrateTo(ctx context.Context, version int) error { return s.migrate(ctx, version) }

// RuleIDs returns the IDs of the customers q's rule admits, decided by
// PostgreSQL as PreviewRule decides them, in ID order.
func (s *Store) RuleIDs(ctx context.Context, q groups.RuleQuery) ([]string, error) {
	where, args, none, err := ruleWhere(q)
	if err != nil || none {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT f.id `+where.from+` AND `+where.rule+` ORDER BY f.id`, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// RuleMatrix returns, for each of qs, whose filters are ignored, the IDs of
// the customers its rule admits, decided by PostgreSQL in one query for
// all.
func (s *Store) RuleMatrix(ctx context.Context, qs []groups.RuleQuery) ([][]string, error) {
	var args []any
	cols := ""
	for _, q := range qs {
		var rule string
		var err error
		if rule, args, err = translate(q, args); err != nil {
			return nil, err
		}
		cols += ", " + rule
	}
	rows, err := s.pool.Query(ctx, `SELECT id`+cols+` FROM customer_facts ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([][]string, len(qs))
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return nil, err
		}
		for i := range qs {
			if vals[i+1].(bool) {
				out[i] = append(out[i], vals[0].(string))
			}
		}
	}
	return out, rows.Err()
}

// SetFewMembers changes how many members PreviewRule collects in one scan,
// so that a test can take either path, and returns a function that
// restores it.
func SetFewMembers(n int) (restore func()) {
	old := fewMembers
	fewMembers = n
	return func() { fewMembers = old }
}

// Facts returns c's row of customer_facts, as a write stores it.
var Facts = factsOf

// FailingCopyThenBatch queues, in a transaction, a COPY into customers
// whose first row fails to encode with rowsErr, sends a batch after it and
// returns what the batch reports. It then rolls back and returns what a
// query on the same connection reports.
func (s *Store) FailingCopyThenBatch(ctx context.Context, rowsErr error) (batchErr, after error) {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release()
	tx := &batchTx{conn: conn.Conn()}
	copyEach(tx, `customers (`+customerColumns+`)`, textFormat, 1,
		func(w *copyRows, i int) error { return rowsErr })
	q := &pgx.Batch{}
	q.Queue(`SELECT 1`)
	batchErr = tx.SendBatch(ctx, q).Close()
	tx.rollback(ctx)
	_, after = conn.Exec(ctx, `SELECT 1`)
	return batchErr, after
}
