package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

// Group returns the group with the given ID, or an error wrapping
// groups.ErrNotFound. Other errors come from the database or the context.
func (s *Store) Group(ctx context.Context, id string) (*groups.Group, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var data []byte
	err := pgx.ErrNoRows
	if storable(id) {
		err = s.pool.QueryRow(ctx, `SELECT data FROM customer_groups WHERE id = $1`, id).Scan(&data)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%w: %q", groups.ErrNotFound, id)
	}
	if err != nil {
		return nil, s.readError(ctx, err)
	}
	return decodeGroup(id, data)
}

func decodeGroup(id string, data []byte) (*groups.Group, error) {
	g := new(groups.Group)
	if err := json.Unmarshal(data, g); err != nil {
		return nil, fmt.Errorf("pgstore: group %q: decoding the stored record: %w", id, err)
	}
	return g, nil
}

// Groups yields every group in ID order, system groups included. It reads
// them all in one query before yielding the first, so no query stays open
// while the caller's loop body runs; a store holds few groups. Iteration
// stops at the first error, yielded with a nil group: the context's error
// when ctx is done, or a database error.
func (s *Store) Groups(ctx context.Context) iter.Seq2[*groups.Group, error] {
	return func(yield func(*groups.Group, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(nil, err)
			return
		}
		rows, err := s.pool.Query(ctx, `SELECT id, data FROM customer_groups ORDER BY id`)
		if err != nil {
			yield(nil, s.readError(ctx, err))
			return
		}
		var all []*groups.Group
		for rows.Next() {
			var id string
			var data []byte
			if err = rows.Scan(&id, &data); err != nil {
				err = s.readError(ctx, err)
				break
			}
			var g *groups.Group
			if g, err = decodeGroup(id, data); err != nil {
				break
			}
			all = append(all, g)
		}
		rows.Close()
		if err == nil && rows.Err() != nil {
			err = s.readError(ctx, rows.Err())
		}
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

// WriteGroups applies the operations all-or-nothing in one transaction; see
// groups.Store. The first failing operation is reported as a
// *groups.BatchError wrapping groups.ErrNotFound (an unknown group, or
// customer.ErrNotFound for an unknown customer), groups.ErrExists,
// groups.ErrNotStatic, groups.ErrSystemGroup or groups.ErrInvalid, and
// nothing is written. Assignments and unassignments that change a
// membership bump the customer's version and UpdatedAt. Unassigning from a
// group that no longer exists is allowed, to clean up after a deleted group.
// A context error is returned unwrapped, a database failure as is.
func (s *Store) WriteGroups(ctx context.Context, ops []groups.Op) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(ops) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(tx *batchTx) error { return s.writeGroupsTx(ctx, tx, ops) })
	var race *raceError
	if errors.As(err, &race) {
		return &groups.BatchError{Index: 0, Op: ops[0], Err: fmt.Errorf("%w: %v", groups.ErrExists, race)}
	}
	return err
}

// groupState is what a group batch knows about one group.
type groupState struct {
	stored, present, changed bool
	g                        *groups.Group
	data                     string // g as JSON, when changed and present
}

// memberState is what a group batch knows about one customer.
type memberState struct {
	c         *customer.Customer // nil when no such customer is stored
	storedVer int64
	keys      []keyRef // its rows of customer_keys, which memberships leave alone
	changed   bool
}

func (s *Store) writeGroupsTx(ctx context.Context, tx *batchTx, ops []groups.Op) error {
	var gids, cids []string
	for _, op := range ops {
		switch op.Kind {
		case groups.OpCreate, groups.OpPut:
			if op.Group != nil {
				gids = append(gids, op.Group.ID)
			}
		case groups.OpAssign, groups.OpUnassign:
			gids = append(gids, op.GroupID)
			cids = append(cids, op.CustomerID)
		default:
			gids = append(gids, op.GroupID)
		}
	}
	slices.Sort(gids)
	gids = slices.Compact(gids)
	slices.Sort(cids)
	cids = slices.Compact(cids)

	gs := make(map[string]*groupState, len(gids))
	for _, id := range gids {
		gs[id] = &groupState{}
	}
	cs := make(map[string]*memberState, len(cids))
	for _, id := range cids {
		cs[id] = &memberState{}
	}
	gids = slices.DeleteFunc(gids, func(id string) bool { return !storable(id) })
	cids = slices.DeleteFunc(cids, func(id string) bool { return !storable(id) })
	q := &pgx.Batch{}
	q.Queue(`SELECT id, data FROM customer_groups WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, gids)
	q.Queue(`SELECT id, version, keys, data FROM customers WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, cids)
	br := tx.SendBatch(ctx, q)
	rows, err := br.Query()
	if err == nil {
		for rows.Next() {
			var id string
			var data []byte
			if err = rows.Scan(&id, &data); err != nil {
				break
			}
			st := gs[id]
			if st.g, err = decodeGroup(id, data); err != nil {
				break
			}
			st.stored, st.present = true, true
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
	}
	if err == nil {
		rows, err = br.Query()
	}
	if err == nil {
		for rows.Next() {
			var id string
			var version int64
			var keys, data []byte
			if err = rows.Scan(&id, &version, &keys, &data); err != nil {
				break
			}
			st := cs[id]
			if st.c, err = decode(id, version, data); err != nil {
				break
			}
			if st.keys, err = parseKeyRefs(keys); err != nil {
				break
			}
			st.storedVer = version
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}

	now := s.now()
	for i, op := range ops {
		if err := applyGroup(op, now, gs, cs); err != nil {
			return &groups.BatchError{Index: i, Op: op, Err: err}
		}
	}
	return s.storeGroups(ctx, tx, gs, cs)
}

// applyGroup checks one group operation against the batch's view, as
// every store checks it (groups.CheckOp), and records its effect.
func applyGroup(op groups.Op, now time.Time, gs map[string]*groupState, cs map[string]*memberState) error {
	id := op.GroupID
	if op.Group != nil {
		id = op.Group.ID
	}
	st := gs[id]
	var stored *groups.Group
	if st != nil && st.present {
		stored = st.g
	}
	if err := groups.CheckOp(op, stored); err != nil {
		return err
	}
	switch op.Kind {
	case groups.OpCreate, groups.OpPut:
		data, err := json.Marshal(op.Group)
		if err != nil {
			return fmt.Errorf("%w: group %q cannot be stored as JSON: %v", groups.ErrInvalid, id, err)
		}
		if err := checkJSONText(data, groups.ErrInvalid); err != nil {
			return err
		}
		st.g, st.data, st.present, st.changed = op.Group.Clone(), string(data), true, true
	case groups.OpDelete:
		st.g, st.data, st.present, st.changed = nil, "", false, true
	case groups.OpAssign, groups.OpUnassign:
		assign := op.Kind == groups.OpAssign
		m := cs[op.CustomerID]
		if m.c == nil {
			return fmt.Errorf("%w: id %q", customer.ErrNotFound, op.CustomerID)
		}
		if m.c.InGroup(id) == assign {
			return nil
		}
		m.c.SetGroup(id, assign)
		m.c.Version++
		m.c.UpdatedAt = now
		m.changed = true
	}
	return nil
}

// storeGroups writes a group batch's changes: the groups in one round trip,
// then the customers whose memberships changed.
func (s *Store) storeGroups(ctx context.Context, tx *batchTx, gs map[string]*groupState, cs map[string]*memberState) error {
	q := &pgx.Batch{}
	for _, id := range sortedKeys(gs) {
		st := gs[id]
		if !st.changed {
			continue
		}
		switch {
		case st.stored && !st.present:
			q.Queue(`DELETE FROM customer_groups WHERE id = $1`, id)
		case st.stored && st.present:
			q.Queue(`UPDATE customer_groups SET kind = $2, data = $3::text::json WHERE id = $1`, id, int16(st.g.Kind), st.data)
		case !st.stored && st.present:
			q.Queue(`INSERT INTO customer_groups (id, kind, data) VALUES ($1, $2, $3::text::json)`, id, int16(st.g.Kind), st.data)
		}
	}
	if q.Len() > 0 {
		if err := tx.SendBatch(ctx, q).Close(); err != nil {
			return err
		}
	}
	var updates []record
	var stored []int64
	for _, id := range sortedKeys(cs) {
		m := cs[id]
		if !m.changed {
			continue
		}
		updates, stored = append(updates, record{c: m.c, keys: m.keys}), append(stored, m.storedVer)
	}
	return updateCustomers(ctx, tx, updates, stored)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
