package pgstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/impexkit/impex/customer"
)

// Write applies the operations all-or-nothing in one transaction; see
// customer.Repository. The first failing operation is reported as a
// *customer.BatchError wrapping customer.ErrNotFound, ErrConflict,
// ErrDuplicate (a *customer.DuplicateError naming the key and its holder) or
// ErrInvalid, and nothing is written. A context error is returned unwrapped;
// a database failure is returned as is, also with nothing written.
//
// Rows the batch touches are locked for the length of the transaction, so a
// concurrent batch touching the same customers waits and then sees the new
// versions. A batch that loses a race for a unique key to a concurrent
// transaction is retried (Options.MaxAttempts), and then reports the taken
// key like any other duplicate.
func (s *Store) Write(ctx context.Context, ops []customer.Op) ([]customer.Written, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(ops) == 0 {
		return []customer.Written{}, nil
	}
	var out []customer.Written
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = s.writeTx(ctx, tx, ops)
		return err
	})
	var race *raceError
	if errors.As(err, &race) {
		// Still racing after every attempt: report it as a conflict on the
		// batch as a whole.
		return nil, &customer.BatchError{Index: 0, Op: ops[0],
			Err: fmt.Errorf("%w: %v", customer.ErrConflict, race)}
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// state is what a batch knows about one customer ID: the row as it was when
// the batch began, and the customer as the operations so far leave it.
type state struct {
	stored     bool // a row existed when the batch began
	storedVer  int64
	storedKeys []customer.IndexKey

	present   bool
	version   int64
	createdAt time.Time
	keys      []customer.IndexKey
	rec       record // the record to store, when present and changed
	changed   bool
}

// batch is one attempt at a Write.
type batch struct {
	s       *Store
	now     time.Time
	states  map[string]*state
	holders map[customer.IndexKey]string // holder of each unique key the batch meets
	fresh   []string                     // generated IDs not yet handed out
}

// errNeedIDs asks for another attempt with more generated IDs: some of the
// ones reserved were taken by customers created with explicit IDs.
var errNeedIDs = errors.New("pgstore: reserved IDs are taken")

func (s *Store) writeTx(ctx context.Context, tx pgx.Tx, ops []customer.Op) ([]customer.Written, error) {
	need := 0
	for _, op := range ops {
		if op.Kind == customer.OpPut && op.Customer != nil && op.Customer.Version == 0 && op.Customer.ID == "" {
			need++
		}
	}
	extra := 0
	for {
		out, err := s.writeAttempt(ctx, tx, ops, need+extra)
		if err != errNeedIDs {
			return out, err
		}
		extra = 2*extra + 8
	}
}

func (s *Store) writeAttempt(ctx context.Context, tx pgx.Tx, ops []customer.Op, newIDs int) ([]customer.Written, error) {
	b := &batch{s: s, now: s.now(), states: make(map[string]*state), holders: make(map[customer.IndexKey]string)}
	if newIDs > 0 {
		rows, _ := tx.Query(ctx, `SELECT nextval('customer_ids') FROM generate_series(1, $1)`, newIDs)
		seq, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return nil, fmt.Errorf("pgstore: reserving IDs: %w", err)
		}
		slices.Sort(seq)
		for _, n := range seq {
			b.fresh = append(b.fresh, fmt.Sprintf("c%010d", n))
		}
	}

	// The IDs the batch may touch, and the unique keys it may claim.
	ids := slices.Clone(b.fresh)
	var claimKey, claimList, claimValue []string
	for _, op := range ops {
		switch op.Kind {
		case customer.OpPut:
			if op.Customer == nil {
				continue
			}
			if op.Customer.ID != "" {
				ids = append(ids, op.Customer.ID)
			}
			for _, k := range s.keys(op.Customer) {
				if k.Unique && storable(k.Value) && storable(k.List) {
					claimKey = append(claimKey, string(k.Key))
					claimList = append(claimList, k.List)
					claimValue = append(claimValue, k.Value)
				}
			}
		case customer.OpDelete:
			ids = append(ids, op.ID)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	query := ids[:0:0]
	for _, id := range ids {
		b.states[id] = &state{}
		if storable(id) {
			query = append(query, id)
		}
	}
	if err := b.load(ctx, tx, query, claimKey, claimList, claimValue); err != nil {
		return nil, err
	}

	out := make([]customer.Written, len(ops))
	for i, op := range ops {
		w, err := b.apply(op)
		if err == errNeedIDs {
			return nil, err
		}
		if err != nil {
			return nil, &customer.BatchError{Index: i, Op: op, Err: err}
		}
		out[i] = w
	}
	if err := b.store(ctx, tx); err != nil {
		return nil, err
	}
	return out, nil
}

// load locks the stored rows of ids, reads their versions, creation times
// and keys, and reads the holders of the unique keys the batch claims, in
// one round trip.
func (b *batch) load(ctx context.Context, tx pgx.Tx, ids, claimKey, claimList, claimValue []string) error {
	q := &pgx.Batch{}
	q.Queue(`SELECT id, version, created_at, created_nsec FROM customers WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, ids)
	q.Queue(`SELECT key, list, value, customer_id, uniq FROM customer_keys WHERE customer_id = ANY($1::text[])`, ids)
	q.Queue(`
SELECT k.key, k.list, k.value, k.customer_id
FROM customer_keys k
JOIN unnest($1::text[], $2::text[], $3::text[]) AS u(key, list, value)
  ON k.key = u.key AND k.list = u.list AND k.value = u.value
WHERE k.uniq`, claimKey, claimList, claimValue)
	br := tx.SendBatch(ctx, q)
	defer br.Close()

	rows, err := br.Query()
	if err != nil {
		return err
	}
	for rows.Next() {
		var id string
		var version int64
		var created time.Time
		var nsec int32
		if err := rows.Scan(&id, &version, &created, &nsec); err != nil {
			rows.Close()
			return err
		}
		st := b.states[id]
		st.stored, st.storedVer, st.present, st.version = true, version, true, version
		st.createdAt = joinTime(created, nsec)
	}
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = br.Query()
	if err != nil {
		return err
	}
	for rows.Next() {
		var k customer.IndexKey
		var key, id string
		if err := rows.Scan(&key, &k.List, &k.Value, &id, &k.Unique); err != nil {
			rows.Close()
			return err
		}
		k.Key = customer.Key(key)
		st := b.states[id]
		st.storedKeys = append(st.storedKeys, k)
		if k.Unique {
			b.holders[k] = id
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, st := range b.states {
		st.keys = st.storedKeys
	}

	rows, err = br.Query()
	if err != nil {
		return err
	}
	for rows.Next() {
		k := customer.IndexKey{Unique: true}
		var key, id string
		if err := rows.Scan(&key, &k.List, &k.Value, &id); err != nil {
			rows.Close()
			return err
		}
		k.Key = customer.Key(key)
		b.holders[k] = id
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return br.Close()
}

// apply checks one operation against the batch's view of the store and
// records its effect, as memstore applies it.
func (b *batch) apply(op customer.Op) (customer.Written, error) {
	if err := customer.CheckOp(op); err != nil {
		return customer.Written{}, err
	}
	if op.Kind == customer.OpPut {
		return b.put(op.Customer)
	}
	st := b.states[op.ID] // a delete
	if st == nil || !st.present {
		return customer.Written{}, fmt.Errorf("%w: id %q", customer.ErrNotFound, op.ID)
	}
	if op.Version != 0 && op.Version != st.version {
		return customer.Written{}, fmt.Errorf("%w: delete of %q at version %d, stored version is %d", customer.ErrConflict, op.ID, op.Version, st.version)
	}
	b.setKeys(op.ID, st, nil)
	st.present, st.changed, st.rec = false, true, record{}
	return customer.Written{ID: op.ID}, nil
}

func (b *batch) put(c *customer.Customer) (customer.Written, error) {
	nc := c.Clone()
	slices.Sort(nc.Groups)
	nc.Groups = slices.Compact(nc.Groups)
	var st *state
	if c.Version == 0 {
		if nc.ID == "" {
			for {
				if len(b.fresh) == 0 {
					return customer.Written{}, errNeedIDs
				}
				nc.ID, b.fresh = b.fresh[0], b.fresh[1:]
				if st = b.states[nc.ID]; !st.present {
					break
				}
			}
		} else if st = b.states[nc.ID]; st.present {
			return customer.Written{}, fmt.Errorf("%w: cannot create %q, the ID is taken", customer.ErrConflict, nc.ID)
		}
		nc.Version, nc.CreatedAt = 1, b.now
	} else {
		st = b.states[nc.ID]
		if !st.present {
			return customer.Written{}, fmt.Errorf("%w: id %q", customer.ErrNotFound, nc.ID)
		}
		if st.version != c.Version {
			return customer.Written{}, fmt.Errorf("%w: put of %q at version %d, stored version is %d", customer.ErrConflict, nc.ID, c.Version, st.version)
		}
		nc.Version, nc.CreatedAt = st.version+1, st.createdAt
	}
	nc.UpdatedAt = b.now
	keys := b.s.keys(nc)
	if err := b.checkUnique(nc.ID, keys); err != nil {
		return customer.Written{}, err
	}
	rec, err := encode(nc)
	if err != nil {
		return customer.Written{}, err
	}
	b.setKeys(nc.ID, st, keys)
	st.present, st.changed = true, true
	st.version, st.createdAt, st.rec = nc.Version, nc.CreatedAt, rec
	return customer.Written{ID: nc.ID, Version: nc.Version}, nil
}

// checkUnique returns a *customer.DuplicateError when keys, held by id, would
// share a unique key with another customer or name one key twice.
func (b *batch) checkUnique(id string, keys []customer.IndexKey) error {
	return customer.FirstDuplicate(id, keys, func(k customer.IndexKey) (string, bool) {
		h, ok := b.holders[k]
		return h, ok
	})
}

// setKeys moves the customer id's unique keys in the batch's view from the
// ones it holds now to keys.
func (b *batch) setKeys(id string, st *state, keys []customer.IndexKey) {
	for _, k := range st.keys {
		if k.Unique && b.holders[k] == id {
			delete(b.holders, k)
		}
	}
	for _, k := range keys {
		if k.Unique {
			b.holders[k] = id
		}
	}
	st.keys = keys
}

// store writes the batch's changes in one round trip: keys are removed before
// any are added, so a key moving between customers of the batch never
// collides with itself.
func (b *batch) store(ctx context.Context, tx pgx.Tx) error {
	var deleted []string
	var removed, added keyColumns
	var inserts, updates rowColumns
	ids := make([]string, 0, len(b.states))
	for id, st := range b.states {
		if st.changed {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids) // a stable statement order, whatever the map order
	for _, id := range ids {
		st := b.states[id]
		switch {
		case st.stored && !st.present:
			deleted = append(deleted, id)
		case st.stored && st.present:
			for _, k := range st.storedKeys {
				if !slices.Contains(st.keys, k) {
					removed.add(id, k)
				}
			}
			for _, k := range dedupe(st.keys) {
				if !slices.Contains(st.storedKeys, k) {
					added.add(id, k)
				}
			}
			updates.add(st.rec, st.storedVer)
		case !st.stored && st.present:
			for _, k := range dedupe(st.keys) {
				added.add(id, k)
			}
			inserts.add(st.rec, 0)
		}
	}
	q := &pgx.Batch{}
	if len(deleted) > 0 {
		q.Queue(`DELETE FROM customer_keys WHERE customer_id = ANY($1::text[])`, deleted)
		q.Queue(`DELETE FROM customers WHERE id = ANY($1::text[])`, deleted)
	}
	if len(removed.id) > 0 {
		q.Queue(`
DELETE FROM customer_keys AS k
USING unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS d(key, list, value, customer_id)
WHERE k.key = d.key AND k.list = d.list AND k.value = d.value AND k.customer_id = d.customer_id`,
			removed.key, removed.list, removed.value, removed.id)
	}
	check := -1
	if len(updates.id) > 0 {
		check = q.Len()
		queueUpdate(q, &updates)
	}
	if len(inserts.id) > 0 {
		q.Queue(`
INSERT INTO customers (id, version, list, kind, credit_allowed, created_at, created_nsec, updated_at, updated_nsec, groups, search, data)
SELECT u.id, u.version, u.list, u.kind, u.credit, u.cat, u.cnsec, u.at, u.nsec,
	CASE WHEN u.groups = '' THEN '{}'::text[] ELSE ARRAY(SELECT json_array_elements_text(u.groups::json)) END,
	u.search, u.data::json
FROM unnest($1::text[], $2::bigint[], $3::text[], $4::smallint[], $5::boolean[], $6::timestamptz[], $7::integer[],
	$8::timestamptz[], $9::integer[], $10::text[], $11::text[], $12::text[])
	AS u(id, version, list, kind, credit, cat, cnsec, at, nsec, groups, search, data)`,
			inserts.id, inserts.version, inserts.list, inserts.kind, inserts.credit, inserts.cat, inserts.cnsec,
			inserts.at, inserts.nsec, inserts.groups, inserts.search, inserts.data)
	}
	if len(added.id) > 0 {
		q.Queue(`
INSERT INTO customer_keys (key, list, value, customer_id, uniq)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[])`,
			added.key, added.list, added.value, added.id, added.uniq)
	}
	return execChecked(ctx, tx, q, check, len(updates.id))
}

// queueUpdate queues the statement that replaces the stored rows, each only
// if it is still at the version the batch read.
func queueUpdate(q *pgx.Batch, u *rowColumns) {
	q.Queue(`
UPDATE customers AS c SET version = u.version, list = u.list, kind = u.kind, credit_allowed = u.credit,
	created_at = u.cat, created_nsec = u.cnsec, updated_at = u.at, updated_nsec = u.nsec,
	groups = CASE WHEN u.groups = '' THEN '{}'::text[] ELSE ARRAY(SELECT json_array_elements_text(u.groups::json)) END,
	search = u.search, data = u.data::json
FROM unnest($1::text[], $2::bigint[], $3::text[], $4::smallint[], $5::boolean[], $6::timestamptz[], $7::integer[],
	$8::timestamptz[], $9::integer[], $10::text[], $11::text[], $12::text[], $13::bigint[])
	AS u(id, version, list, kind, credit, cat, cnsec, at, nsec, groups, search, data, old)
WHERE c.id = u.id AND c.version = u.old`,
		u.id, u.version, u.list, u.kind, u.credit, u.cat, u.cnsec, u.at, u.nsec, u.groups, u.search, u.data, u.old)
}

// execChecked sends the queued statements in one round trip. The statement
// at index check (none when negative) updates customers and must change
// exactly updates rows: the rows are locked, so anything else means they were
// changed outside the store, which is reported as a conflict.
func execChecked(ctx context.Context, tx pgx.Tx, q *pgx.Batch, check, updates int) error {
	if q.Len() == 0 {
		return nil
	}
	br := tx.SendBatch(ctx, q)
	defer br.Close()
	for i := range q.Len() {
		tag, err := br.Exec()
		if err != nil {
			return err
		}
		if i == check && tag.RowsAffected() != int64(updates) {
			return fmt.Errorf("pgstore: %w: %d of %d updated customers changed under the batch's lock",
				customer.ErrConflict, int64(updates)-tag.RowsAffected(), updates)
		}
	}
	return br.Close()
}

// dedupe drops repeated keys (only a non-unique key can repeat in a stored
// customer: a custom type and a built-in key that coincide), keeping the
// first.
func dedupe(keys []customer.IndexKey) []customer.IndexKey {
	out := keys[:0:0]
	for _, k := range keys {
		if !slices.ContainsFunc(out, func(o customer.IndexKey) bool { return o.Key == k.Key && o.List == k.List && o.Value == k.Value }) {
			out = append(out, k)
		}
	}
	return out
}

// keyColumns are customer_keys rows as column arrays, for unnest.
type keyColumns struct {
	key, list, value, id []string
	uniq                 []bool
}

func (c *keyColumns) add(id string, k customer.IndexKey) {
	c.key = append(c.key, string(k.Key))
	c.list = append(c.list, k.List)
	c.value = append(c.value, k.Value)
	c.id = append(c.id, id)
	c.uniq = append(c.uniq, k.Unique)
}

// rowColumns are customers rows as column arrays, for unnest.
type rowColumns struct {
	id, list, groups, search, data []string
	version, old                   []int64
	kind                           []int16
	credit                         []bool
	cat, at                        []time.Time
	cnsec, nsec                    []int32
}

func (c *rowColumns) add(r record, old int64) {
	cat, cns := splitTime(r.c.CreatedAt)
	at, ns := splitTime(r.c.UpdatedAt)
	c.id = append(c.id, r.c.ID)
	c.version = append(c.version, r.c.Version)
	c.list = append(c.list, r.c.List)
	c.kind = append(c.kind, int16(r.c.Kind))
	c.credit = append(c.credit, r.c.Flags.CreditAllowed)
	c.cat = append(c.cat, cat)
	c.cnsec = append(c.cnsec, cns)
	c.at = append(c.at, at)
	c.nsec = append(c.nsec, ns)
	c.groups = append(c.groups, r.groups)
	c.search = append(c.search, r.search)
	c.data = append(c.data, r.data)
	c.old = append(c.old, old)
}
