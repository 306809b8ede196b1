package boltstore

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

// Group returns the group with the given ID, or an error wrapping
// groups.ErrNotFound.
func (s *Store) Group(ctx context.Context, id string) (*groups.Group, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var g *groups.Group
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		g, err = groupTx(tx, id)
		return err
	})
	return g, err
}

func groupTx(tx *bolt.Tx, id string) (*groups.Group, error) {
	data := tx.Bucket(bucketGroups).Get([]byte(id))
	if data == nil {
		return nil, fmt.Errorf("%w: %q", groups.ErrNotFound, id)
	}
	return decodeGroup(id, data)
}

// Groups yields every group in ID order, system groups included.
func (s *Store) Groups(ctx context.Context) iter.Seq2[*groups.Group, error] {
	return func(yield func(*groups.Group, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(nil, err)
			return
		}
		var all []*groups.Group
		err := s.db.View(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketGroups).ForEach(func(k, v []byte) error {
				g, err := decodeGroup(string(k), v)
				all = append(all, g)
				return err
			})
		})
		if err != nil {
			yield(nil, err)
			return
		}
		for _, g := range all {
			if !yield(g, nil) {
				return
			}
		}
	}
}

// WriteGroups applies the operations all-or-nothing in one transaction;
// see groups.Store. The first failing operation is reported as a
// *groups.BatchError wrapping groups.ErrNotFound (an unknown group, or
// customer.ErrNotFound for an unknown customer), groups.ErrExists,
// groups.ErrNotStatic, groups.ErrSystemGroup or groups.ErrInvalid, and
// nothing is written. A membership that changes bumps the customer's
// version and UpdatedAt.
func (s *Store) WriteGroups(ctx context.Context, ops []groups.Op) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		now := s.now()
		t := begin(tx)
		for i, op := range ops {
			if err := s.applyGroup(t, op, now); err != nil {
				var dup *fileError
				if errors.As(err, &dup) {
					return dup.err
				}
				return &groups.BatchError{Index: i, Op: op, Err: err}
			}
		}
		return nil
	})
}

// fileError carries a failure of the file through applyGroup, which
// otherwise returns the rules an operation broke.
type fileError struct{ err error }

func (e *fileError) Error() string { return e.err.Error() }

func (s *Store) applyGroup(tx *txn, op groups.Op, now time.Time) error {
	b := tx.Bucket(bucketGroups)
	id := op.GroupID
	if op.Group != nil {
		id = op.Group.ID
	}
	var stored *groups.Group
	if data := b.Get([]byte(id)); data != nil {
		var err error
		if stored, err = decodeGroup(id, data); err != nil {
			return &fileError{err}
		}
	}
	if err := groups.CheckOp(op, stored); err != nil {
		return err
	}
	switch op.Kind {
	case groups.OpCreate, groups.OpPut:
		data, err := encodeGroup(op.Group)
		if err != nil {
			return err
		}
		if err := b.Put([]byte(id), data); err != nil {
			return &fileError{err}
		}
	case groups.OpDelete:
		if err := b.Delete([]byte(id)); err != nil {
			return &fileError{err}
		}
	case groups.OpAssign, groups.OpUnassign:
		assign := op.Kind == groups.OpAssign
		old, err := getTx(tx.Tx, op.CustomerID)
		if err != nil {
			return err
		}
		if old.InGroup(id) == assign {
			return nil
		}
		c := old.Clone()
		c.SetGroup(id, assign)
		c.Version++
		c.UpdatedAt = now
		if err := s.set(tx, c.ID, old, c); err != nil {
			if errors.Is(err, customer.ErrInvalid) {
				return err
			}
			return &fileError{err}
		}
	}
	return nil
}
