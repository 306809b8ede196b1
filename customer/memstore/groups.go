package memstore

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

// Group returns the group with the given ID, or groups.ErrNotFound.
func (s *Store) Group(ctx context.Context, id string) (*groups.Group, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g := s.groups[id]
	if g == nil {
		return nil, fmt.Errorf("%w: %q", groups.ErrNotFound, id)
	}
	return g.Clone(), nil
}

// Groups yields every group in ID order, system groups included.
func (s *Store) Groups(ctx context.Context) iter.Seq2[*groups.Group, error] {
	return func(yield func(*groups.Group, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(nil, err)
			return
		}
		s.mu.RLock()
		all := make([]*groups.Group, 0, len(s.groups))
		for _, g := range s.groups {
			all = append(all, g.Clone())
		}
		s.mu.RUnlock()
		slices.SortFunc(all, func(a, b *groups.Group) int {
			switch {
			case a.ID < b.ID:
				return -1
			case a.ID > b.ID:
				return 1
			}
			return 0
		})
		for _, g := range all {
			if !yield(g, nil) {
				return
			}
		}
	}
}

// WriteGroups applies the operations all-or-nothing; see groups.Store.
func (s *Store) WriteGroups(ctx context.Context, ops []groups.Op) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	log := s.log.begin()
	defer log.end()
	for i, op := range ops {
		if err := s.applyGroup(op, now, log); err != nil {
			log.rollback(s)
			return &groups.BatchError{Index: i, Op: op, Err: err}
		}
	}
	return nil
}

func (s *Store) applyGroup(op groups.Op, now time.Time, log *undoLog) error {
	id := op.GroupID
	if op.Group != nil {
		id = op.Group.ID
	}
	if err := groups.CheckOp(op, s.groups[id]); err != nil {
		return err
	}
	switch op.Kind {
	case groups.OpCreate, groups.OpPut:
		log.group(s, id)
		s.groups[id] = op.Group.Clone()
	case groups.OpDelete:
		log.group(s, id)
		delete(s.groups, id)
	case groups.OpAssign, groups.OpUnassign:
		assign := op.Kind == groups.OpAssign
		old := s.byID[op.CustomerID]
		if old == nil {
			return fmt.Errorf("%w: id %q", customer.ErrNotFound, op.CustomerID)
		}
		if old.InGroup(id) == assign {
			return nil
		}
		c := old.Clone()
		c.SetGroup(id, assign)
		c.Version++
		c.UpdatedAt = now
		log.customer(s, c.ID)
		s.set(c.ID, c)
	}
	return nil
}
