package boltstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"

	bolt "go.etcd.io/bbolt"

	"github.com/impexkit/impex/customer"
)

// Get returns the customer with the given ID, or an error wrapping
// customer.ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (*customer.Customer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var c *customer.Customer
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		c, err = getTx(tx, id)
		return err
	})
	return c, err
}

// ByNumber returns the customer of list with the given number, or an error
// wrapping customer.ErrNotFound.
func (s *Store) ByNumber(ctx context.Context, list, number string) (*customer.Customer, error) {
	return s.lookup(ctx, customer.IndexKey{Key: customer.KeyNumber, List: list, Value: number}, false)
}

// ByLogin returns the customer of list with the given login, or an error
// wrapping customer.ErrNotFound.
func (s *Store) ByLogin(ctx context.Context, list, login string) (*customer.Customer, error) {
	return s.lookup(ctx, customer.IndexKey{Key: customer.KeyLogin, List: list, Value: login}, false)
}

// ByEmail returns the customer of list with the given e-mail address
// (compared as customer.FoldEmail folds it), an error wrapping
// customer.ErrNotFound, or one wrapping customer.ErrAmbiguous when several
// customers share it.
func (s *Store) ByEmail(ctx context.Context, list, email string) (*customer.Customer, error) {
	return s.lookup(ctx, customer.IndexKey{Key: customer.KeyEmail, List: list, Value: customer.FoldEmail(email)}, true)
}

// ByIdentifier returns the customer holding the identifier, or an error
// wrapping customer.ErrNotFound. For a custom type that is not unique it
// returns the holder with the lowest ID.
func (s *Store) ByIdentifier(ctx context.Context, id customer.Identifier) (*customer.Customer, error) {
	return s.lookup(ctx, customer.IndexKey{Key: customer.Key(id.Type), Value: id.Value}, false)
}

// lookup returns the holder of key k: an index read and one record.
func (s *Store) lookup(ctx context.Context, k customer.IndexKey, ambiguous bool) (*customer.Customer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var c *customer.Customer
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		c, err = lookupTx(tx, tx.Bucket(bucketKeys).Cursor(), k, ambiguous)
		return err
	})
	return c, err
}

// lookupTx is lookup in transaction tx, with a cursor over its keys.
func lookupTx(tx *bolt.Tx, keys *bolt.Cursor, k customer.IndexKey, ambiguous bool) (*customer.Customer, error) {
	hs := holders(keys, appendKey(nil, k), 2)
	switch {
	case len(hs) == 0:
		return nil, &customer.KeyNotFoundError{Key: k}
	case len(hs) > 1 && ambiguous:
		return nil, fmt.Errorf("%w: %d or more customers have %s %q", customer.ErrAmbiguous, len(hs), k.Key, k.Value)
	}
	return getTx(tx, hs[0])
}

// Find answers many lookups in one read transaction; see customer.Finder.
// Each answer is what the lookup method it names would return: the
// customer, or an error wrapping customer.ErrNotFound or, for an e-mail
// address several customers share, customer.ErrAmbiguous. The error return
// is the context's, or a record that cannot be decoded.
func (s *Store) Find(ctx context.Context, lookups []customer.Lookup) ([]customer.Found, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]customer.Found, len(lookups))
	err := s.db.View(func(tx *bolt.Tx) error {
		keys := tx.Bucket(bucketKeys).Cursor()
		for i, l := range lookups {
			var c *customer.Customer
			var err error
			if l.Key == customer.KeyID {
				c, err = getTx(tx, l.Value)
			} else {
				c, err = lookupTx(tx, keys, l.IndexKey(), l.Key == customer.KeyEmail)
			}
			if err != nil && !errors.Is(err, customer.ErrNotFound) && !errors.Is(err, customer.ErrAmbiguous) {
				return err
			}
			out[i] = customer.Found{Customer: c, Err: err}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// listPage is how many records List reads per transaction.
const listPage = 256

// List yields the customers that pass f in ID order. It reads the file one
// page at a time, each page in a read transaction of its own that ends
// before the caller's loop body runs, so the store is never loaded whole,
// the caller may write while it iterates, and no customer is yielded
// twice. A record that cannot be decoded is yielded as an error.
func (s *Store) List(ctx context.Context, f customer.Filter) iter.Seq2[*customer.Customer, error] {
	return func(yield func(*customer.Customer, error) bool) {
		var after []byte
		page := make([]*customer.Customer, 0, listPage)
		for {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			page = page[:0]
			done := true
			err := s.db.View(func(tx *bolt.Tx) error {
				cur := tx.Bucket(bucketCustomers).Cursor()
				k, v := cur.First()
				if after != nil {
					k, v = cur.Seek(after)
					if k != nil && bytes.Equal(k, after) {
						k, v = cur.Next()
					}
				}
				for n := 0; k != nil; k, v = cur.Next() {
					if n == listPage {
						done = false
						return nil
					}
					n++
					after = append(after[:0], k...)
					c, err := decodeCustomer(string(k), v)
					if err != nil {
						return err
					}
					if f.Match(c) {
						page = append(page, c)
					}
				}
				return nil
			})
			if err != nil {
				yield(nil, err)
				return
			}
			for _, c := range page {
				if !yield(c, nil) {
					return
				}
			}
			if done {
				return
			}
		}
	}
}
