package pgstore

import (
	"context"

	"github.com/impexkit/impex/customer"
)

// NextNumber reserves the next number of list's sequence that no customer of
// the list holds, and returns it formatted by Options.FormatNumber. Each
// reservation commits at once, so a number is never handed out twice, even
// to concurrent callers in other processes or when the caller does not use
// it. Errors come from the database or the context.
func (s *Store) NextNumber(ctx context.Context, list string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	for {
		var n int64
		err := s.pool.QueryRow(ctx, `
INSERT INTO number_sequences (list, last) VALUES ($1, 1)
ON CONFLICT (list) DO UPDATE SET last = number_sequences.last + 1
RETURNING last`, list).Scan(&n)
		if err != nil {
			return "", s.readError(ctx, err)
		}
		number := s.formatNumber(list, uint64(n))
		var taken bool
		err = s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM customer_keys k WHERE k.h = $1 AND `+keySlot+` = '')`,
			keyHash(customer.IndexKey{Key: customer.KeyNumber, List: list, Value: number, Unique: true})).Scan(&taken)
		if err != nil {
			return "", s.readError(ctx, err)
		}
		if !taken {
			return number, nil
		}
	}
}

// IsBuyerNumber reports whether number is an order buyer number the store
// knows (see AddBuyerNumbers). Errors come from the database or the context.
func (s *Store) IsBuyerNumber(ctx context.Context, number string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if !storable(number) {
		return false, nil
	}
	var is bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM buyer_numbers WHERE number = $1)`, number).Scan(&is)
	if err != nil {
		return false, s.readError(ctx, err)
	}
	return is, nil
}

// AddBuyerNumbers records order buyer numbers, so that IsBuyerNumber reports
// them; numbers already known are ignored. Errors come from the database or
// the context.
func (s *Store) AddBuyerNumbers(ctx context.Context, numbers ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(numbers) == 0 {
		return nil
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO buyer_numbers (number) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, numbers)
	if err != nil {
		return s.readError(ctx, err)
	}
	return nil
}
