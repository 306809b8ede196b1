package boltstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/impexkit/impex/customer"
)

// A list is known once settings are put for it or a write stores a
// customer in it (txn.end records the lists of a batch). Its record is
// the JSON of its customer.ListSettings, under listKey.

// listKey is the key of a list's record: bbolt keys are never empty, and
// the default list's ID is.
func listKey(id string) []byte { return append([]byte{'l'}, id...) }

// listsBucket returns the lists bucket, making it in a file written before
// stores knew lists, from the lists of the customers it holds.
func listsBucket(tx *bolt.Tx) (*bolt.Bucket, error) {
	if b := tx.Bucket(bucketLists); b != nil {
		return b, nil
	}
	b, err := tx.CreateBucket(bucketLists)
	if err != nil {
		return nil, err
	}
	lists, err := customerLists(tx)
	if err != nil {
		return nil, err
	}
	for _, l := range lists {
		data, err := json.Marshal(l)
		if err == nil {
			err = b.Put(listKey(l.ID), data)
		}
		if err != nil {
			return nil, err
		}
	}
	return b, nil
}

// customerLists returns the lists the stored customers belong to, read
// from their records: what a file without a lists bucket knows.
func customerLists(tx *bolt.Tx) ([]customer.ListSettings, error) {
	seen := map[string]bool{}
	var out []customer.ListSettings
	err := tx.Bucket(bucketCustomers).ForEach(func(id, data []byte) error {
		c, err := decodeCustomer(string(id), data)
		if err == nil && !seen[c.List] {
			seen[c.List] = true
			out = append(out, customer.ListSettings{ID: c.List})
		}
		return err
	})
	return out, err
}

// Lists returns every list known, sorted by ID; see customer.Lists.
func (s *Store) Lists(ctx context.Context) ([]customer.ListSettings, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []customer.ListSettings
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLists)
		if b == nil { // a file from before lists; read, not changed
			var err error
			out, err = customerLists(tx)
			slices.SortFunc(out, func(a, b customer.ListSettings) int { return strings.Compare(a.ID, b.ID) })
			return err
		}
		return b.ForEach(func(k, data []byte) error {
			var l customer.ListSettings
			if err := json.Unmarshal(data, &l); err != nil {
				return fmt.Errorf("boltstore: list %q: decoding the stored record: %w", k[1:], err)
			}
			out = append(out, l)
			return nil
		})
	})
	return out, err
}

// PutList stores the settings of the list settings.ID, durable when it
// returns; see customer.Lists.
func (s *Store) PutList(ctx context.Context, settings customer.ListSettings) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := json.Marshal(settings)
	if err != nil {
		return fmt.Errorf("%w: list %q: %v", customer.ErrInvalid, settings.ID, err)
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := listsBucket(tx)
		if err != nil {
			return err
		}
		return b.Put(listKey(settings.ID), data)
	})
}
