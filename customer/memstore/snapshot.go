package memstore

import (
	"fmt"
	"maps"
	"slices"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

// Snapshot is the whole state of a Store as plain data, for saving it to a
// file and restoring it later: customers with their IDs, versions and
// timestamps, groups, the lists and their settings, the number sequences
// and the ID counter. It marshals to JSON as it is.
type Snapshot struct {
	Customers []*customer.Customer
	Groups    []*groups.Group
	Lists     []customer.ListSettings
	Sequences map[string]uint64
	NextID    uint64
}

// Snapshot returns a deep copy of the store's state, customers in ID order
// and groups in ID order.
func (s *Store) Snapshot() *Snapshot {
	s.mu.RLock()
	defer s.mu.RUnlock()
	snap := &Snapshot{Sequences: maps.Clone(s.seq), NextID: s.nextID}
	for _, id := range s.ids {
		snap.Customers = append(snap.Customers, s.byID[id].Clone())
	}
	for _, id := range slices.Sorted(maps.Keys(s.groups)) {
		snap.Groups = append(snap.Groups, s.groups[id].Clone())
	}
	for _, id := range slices.Sorted(maps.Keys(s.lists)) {
		snap.Lists = append(snap.Lists, s.lists[id].Clone())
	}
	return snap
}

// Restore returns a store holding exactly the state of snap, with opts for
// everything a snapshot does not hold (clock, constraints, buyer numbers).
// It returns an error when the snapshot breaks a rule the store keeps: a
// customer that could not be stored (customer.CheckStored), two customers
// with one ID or one unique key, or an invalid group.
func Restore(opts Options, snap *Snapshot) (*Store, error) {
	s := New(opts)
	s.nextID = snap.NextID
	for list, n := range snap.Sequences {
		s.seq[list] = n
	}
	for i, c := range snap.Customers {
		if err := customer.CheckStored(c); err != nil {
			return nil, fmt.Errorf("memstore: snapshot customer %d: %w", i, err)
		}
		if s.byID[c.ID] != nil {
			return nil, fmt.Errorf("memstore: snapshot customer %q appears twice", c.ID)
		}
		var buf [8]customer.IndexKey
		if err := s.checkUnique(c.ID, s.keys(c, buf[:])); err != nil {
			return nil, fmt.Errorf("memstore: snapshot customer %q: %w", c.ID, err)
		}
		s.set(c.ID, c.Clone())
		if _, known := s.lists[c.List]; !known {
			s.lists[c.List] = customer.ListSettings{ID: c.List}
		}
	}
	for _, l := range snap.Lists {
		s.lists[l.ID] = l.Clone()
	}
	for _, g := range snap.Groups {
		if err := groups.Validate(g); err != nil {
			return nil, fmt.Errorf("memstore: snapshot: %w", err)
		}
		s.groups[g.ID] = g.Clone()
	}
	return s, nil
}
