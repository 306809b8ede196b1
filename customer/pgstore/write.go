package pgstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/impexkit/impex/customer"
)

// Write applies the operations all-or-nothing in one transaction; see
// customer.Repository. The first failing operation is reported as a
// *customer.BatchError wrapping customer.ErrNotFound, ErrConflict,
// ErrDuplicate (a *customer.DuplicateError naming the key and its holder) or
// ErrInvalid, and nothing is written. A context error is returned unwrapped;
// a database failure is returned as is, also with nothing written. A context
// that ends once the batch's last statements are sent has the server asked
// to cancel them, and Write reports what the server did: the batch may
// have committed first, and then Write succeeds. A connection that fails
// while a batch is sent fails the batch, whose transaction the server rolls
// back.
//
// A batch costs a few statements whatever its size: one query locks and
// reads the stored rows of the customers the batch names, the operations
// are checked in order against them as memstore checks them, and the
// changes are copied in (see changes.write). The unique index on the key
// table checks the new keys against every stored customer's keys at once.
// Only when that fails, or any other check, is the batch written again
// carefully (see request.careful), to name the first failing operation and
// its error as memstore would.
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
	req := s.newRequest(ops)
	out, err := s.write(ctx, req)
	if err == errRecheck {
		req.careful = true
		out, err = s.write(ctx, req)
	}
	return out, err
}

// write makes the attempts at writing req.
func (s *Store) write(ctx context.Context, req *request) ([]customer.Written, error) {
	var out []customer.Written
	err := s.inTx(ctx, func(tx *batchTx) error {
		var err error
		out, err = s.writeTx(ctx, tx, req)
		return err
	})
	var race *raceError
	if errors.As(err, &race) {
		// Still racing after every attempt: report it as a conflict on the
		// batch as a whole.
		return nil, &customer.BatchError{Index: 0, Op: req.ops[0],
			Err: fmt.Errorf("%w: %v", customer.ErrConflict, race)}
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// request is a batch as far as it can be worked out before reading the
// store, once for all the attempts at writing it.
type request struct {
	ops []customer.Op
	// keys[i] are the keys of the customer ops[i] puts, as the domain
	// derives them (Constraints.Keys); they do not depend on the ID,
	// version and times the store gives the customer. refs[i] are the
	// same keys as the store holds them, and rows[i] its rows of
	// customer_keys, each key once.
	keys       [][]customer.IndexKey
	refs, rows [][]keyRef
	// ids are the IDs the operations name, sorted.
	ids []string
	// nkeys counts the keys of all puts.
	nkeys int
	// newIDs is how many puts create a customer with a generated ID, and
	// reserved the IDs taken for them (see reserveIDs).
	newIDs   int
	reserved []string
	// careful says to check the operations one by one with all they need
	// known, as memstore does: the holders of the claims looked up first
	// and each put's record encoded as the put is applied. A batch is
	// written fast unless writing it fast failed (errRecheck), a put needs
	// care (needsCare), an ID is named twice, so that one record would be
	// neither stored nor encoded, or an ID holds text PostgreSQL cannot
	// hold.
	careful bool
}

func (s *Store) newRequest(ops []customer.Op) *request {
	r := &request{ops: ops, keys: make([][]customer.IndexKey, len(ops)), refs: make([][]keyRef, len(ops)), rows: make([][]keyRef, len(ops))}
	for i, op := range ops {
		switch {
		case op.Kind == customer.OpDelete:
			r.ids = append(r.ids, op.ID)
		case op.Kind == customer.OpPut && op.Customer != nil:
			c := op.Customer
			if c.ID != "" {
				r.ids = append(r.ids, c.ID)
			} else if c.Version == 0 {
				r.newIDs++
			}
			keys := s.keys(c)
			refs := refsOf(keys)
			r.keys[i], r.refs[i], r.rows[i] = keys, refs, dedupe(refs)
			r.nkeys += len(keys)
			r.careful = r.careful || needsCare(keys, refs, r.rows[i])
		}
	}
	slices.Sort(r.ids)
	named := len(r.ids)
	r.ids = slices.Compact(r.ids)
	r.careful = r.careful || len(r.ids) < named || !allStorable(r.ids...)
	return r
}

// needsCare reports whether a put of a customer with these keys (refs as
// the store holds them) and key rows must be checked carefully: when a key
// holds text PostgreSQL cannot hold, which its key rows would reach before
// the record's encoding refuses it, or when a unique key has no row of its
// own, which the unique index cannot check.
func needsCare(keys []customer.IndexKey, refs, rows []keyRef) bool {
	for i, k := range keys {
		if !allStorable(string(k.Key), k.List, k.Value) || k.Unique && len(rows) < len(refs) && !slices.Contains(rows, refs[i]) {
			return true
		}
	}
	return false
}

// claims returns the hashes of the storable unique keys the puts hold.
func (r *request) claims() [][16]byte {
	var claims [][16]byte
	for i, keys := range r.keys {
		for j, k := range keys {
			if k.Unique && storable(k.Value) && storable(k.List) {
				claims = append(claims, r.refs[i][j].h)
			}
		}
	}
	return claims
}

// state is what a batch knows about one customer ID: the row as it was when
// the batch began, and the customer as the operations so far leave it.
type state struct {
	stored     bool // a row existed when the batch began
	storedVer  int64
	storedKeys []keyRef // its rows of customer_keys

	present   bool
	version   int64
	createdAt time.Time
	keys      []keyRef // the keys it holds
	rec       record   // the record to store, when present and changed
	changed   bool
}

// batch is one attempt at a Write.
type batch struct {
	req    *request
	now    time.Time
	states map[string]*state
	// holders holds the holder of each unique key the batch meets, by the
	// key's hash. It is nil while the batch is written fast and none of its
	// customers is stored: the unique index then checks every key the
	// batch claims, as it checks them against every other stored customer,
	// and a batch it refuses is written again carefully.
	holders map[[16]byte]string
	fresh   []string   // generated IDs not yet handed out
	js      jsonBuffer // for a careful check's encoding
}

var (
	// errNeedIDs asks for another attempt with more generated IDs: some of
	// the ones reserved were taken by customers created with explicit IDs.
	errNeedIDs = errors.New("pgstore: reserved IDs are taken")
	// errRecheck asks for the batch to be written again carefully
	// (request.careful).
	errRecheck = errors.New("pgstore: the batch fails; check it carefully")
)

// writeTx writes req in tx, with more generated IDs until it has enough.
// A batch written fast that fails in a way a careful check would name
// returns errRecheck.
func (s *Store) writeTx(ctx context.Context, tx *batchTx, req *request) ([]customer.Written, error) {
	extra := 0
	for {
		out, err := s.writeAttempt(ctx, tx, req, req.newIDs+extra)
		if err == errNeedIDs {
			extra = 2*extra + 8
			continue
		}
		if !req.careful && failsCheck(err) {
			return nil, errRecheck
		}
		return out, err
	}
}

// failsCheck reports whether err is a failure of the batch's own: an
// operation the checks refused, a record that cannot be encoded, or a key or
// ID that a unique index holds.
func failsCheck(err error) bool {
	var be *customer.BatchError
	return errors.As(err, &be) || errors.Is(err, customer.ErrInvalid) || isUniqueViolation(err)
}

func (s *Store) writeAttempt(ctx context.Context, tx *batchTx, req *request, newIDs int) ([]customer.Written, error) {
	b := &batch{req: req, now: s.now(), states: make(map[string]*state, len(req.ids)+newIDs)}
	if req.careful {
		b.holders = make(map[[16]byte]string, req.nkeys)
	}
	if err := s.reserveIDs(ctx, tx, req, newIDs); err != nil {
		return nil, err
	}
	b.fresh = req.reserved[:newIDs]
	for _, id := range req.ids {
		b.states[id] = &state{}
	}
	for _, id := range b.fresh {
		b.states[id] = &state{}
	}
	// A generated ID is taken only by a customer created with it as an
	// explicit ID. Writing fast, the primary key finds such a customer,
	// and the batch is then written carefully, looking them up.
	ids := slices.DeleteFunc(slices.Clone(req.ids), func(id string) bool { return !storable(id) })
	if req.careful {
		ids = append(ids, b.fresh...)
	}
	if err := b.load(ctx, tx, ids); err != nil {
		return nil, err
	}
	out := make([]customer.Written, len(req.ops))
	for i, op := range req.ops {
		w, err := b.apply(i)
		if err == errNeedIDs {
			return nil, err
		}
		if err != nil {
			return nil, &customer.BatchError{Index: i, Op: op, Err: err}
		}
		out[i] = w
	}
	if err := b.changes().write(ctx, tx); err != nil {
		return nil, err
	}
	// Committed here, the COPYs' failures are the attempt's, which
	// writeTx tells apart.
	if err := tx.commit(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

// reserveIDs makes sure the request holds n IDs for the customers it
// creates without one, taking more from the store's spare IDs (see
// spareIDs) when it holds fewer. Every attempt uses the same IDs, so the
// IDs a failed batch reports are those of the first attempt.
func (s *Store) reserveIDs(ctx context.Context, tx *batchTx, r *request, n int) error {
	if n <= len(r.reserved) {
		return nil
	}
	seq, err := s.spare.take(ctx, tx.conn, n-len(r.reserved))
	if err != nil {
		return err
	}
	for _, n := range seq {
		r.reserved = append(r.reserved, fmt.Sprintf("c%010d", n))
	}
	return nil
}

// idBlock and maxIDBlock bound how many numbers of the ID sequence a store
// takes when it needs one: a batch would otherwise cost a round trip more,
// which a busy server answers in milliseconds, not microseconds. A store
// takes idBlock at first and twice as many each time after, up to
// maxIDBlock, so that a bulk write of many batches asks a few times, not a
// time a batch. The numbers a process does not hand out are gaps in the
// IDs, as a failed batch's are; the IDs' ten digits leave room for them.
const idBlock, maxIDBlock = 1000, 16000

// spareIDs are numbers of the ID sequence a store has taken and not yet
// handed out, in ascending order.
type spareIDs struct {
	mu    sync.Mutex
	free  []int64
	block int // how many the next take from the sequence takes at least; 0 for idBlock
}

// take returns n numbers of the ID sequence, in ascending order, taking
// more from the sequence (a block at least) on conn when there are too
// few. The sequence is not transactional, so the query need not wait for a
// batch's transaction to begin (see batchTx), and what it takes stays
// taken when the batch rolls back.
func (sp *spareIDs) take(ctx context.Context, conn *pgx.Conn, n int) ([]int64, error) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if short := n - len(sp.free); short > 0 {
		block := max(sp.block, idBlock)
		rows, _ := conn.Query(ctx, `SELECT nextval('customer_ids') FROM generate_series(1, $1)`, max(short, block))
		seq, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return nil, fmt.Errorf("pgstore: reserving IDs: %w", err)
		}
		slices.Sort(seq)
		sp.free = append(sp.free, seq...)
		sp.block = min(2*block, maxIDBlock)
	}
	out := sp.free[:n:n]
	sp.free = sp.free[n:]
	return out, nil
}

// load locks the stored rows of ids and reads their versions, creation
// times and keys, and, for a careful check, the holders of the unique keys
// the batch claims, in one round trip. Each claimed key is looked up in
// the index on its own, by both of the index's columns (LATERAL keeps the
// lookup from being planned as a join that reads the whole key table,
// which a planner without fresh statistics picks), so the query costs what
// the batch claims, not what the store holds.
func (b *batch) load(ctx context.Context, tx *batchTx, ids []string) error {
	if len(ids) == 0 && !b.req.careful {
		return nil // a batch of new customers with generated IDs, written fast
	}
	q := &pgx.Batch{}
	var claims [][16]byte
	q.Queue(`SELECT id, version, created_at, created_nsec, keys FROM customers WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, ids)
	if b.req.careful {
		claims = b.req.claims()
		q.Queue(`
SELECT u.i, h.customer_id
FROM unnest($1::uuid[]) WITH ORDINALITY AS u(h, i)
CROSS JOIN LATERAL (
	SELECT k.customer_id FROM customer_keys k WHERE k.h = u.h AND `+keySlot+` = ''
) AS h`, claims)
	}
	br := tx.SendBatch(ctx, q)
	defer br.Close()

	var id string
	var version int64
	var created time.Time
	var nsec int32
	var keys []byte
	rows, _ := br.Query()
	_, err := pgx.ForEachRow(rows, []any{&id, &version, &created, &nsec, &keys}, func() error {
		st := b.states[id]
		stored, err := parseKeyRefs(keys)
		if err != nil {
			return err
		}
		st.stored, st.storedVer, st.storedKeys = true, version, stored
		st.present, st.version, st.createdAt, st.keys = true, version, joinTime(created, nsec), stored
		if b.holders == nil {
			b.holders = make(map[[16]byte]string, b.req.nkeys)
		}
		for _, k := range stored {
			if k.unique {
				b.holders[k.h] = id
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !b.req.careful {
		return br.Close()
	}

	var i int64 // from 1
	rows, _ = br.Query()
	_, err = pgx.ForEachRow(rows, []any{&i, &id}, func() error {
		if i < 1 || i > int64(len(claims)) {
			return fmt.Errorf("pgstore: the database answered claim %d of %d", i, len(claims))
		}
		b.holders[claims[i-1]] = id
		return nil
	})
	if err != nil {
		return err
	}
	return br.Close()
}

// apply checks the i-th operation against the batch's view of the store and
// records its effect, as memstore applies it.
func (b *batch) apply(i int) (customer.Written, error) {
	op := b.req.ops[i]
	if err := customer.CheckOp(op); err != nil {
		return customer.Written{}, err
	}
	if op.Kind == customer.OpPut {
		return b.put(op.Customer, b.req.keys[i], b.req.refs[i], b.req.rows[i])
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

// put applies the put of c, whose keys are keys and, as the store holds
// them, refs, and whose key rows are rows.
func (b *batch) put(c *customer.Customer, keys []customer.IndexKey, refs, rows []keyRef) (customer.Written, error) {
	// A shallow copy: the batch only reads what c refers to, and only while
	// Write runs.
	nc := new(customer.Customer)
	*nc = *c
	nc.Groups = customer.SortedGroups(c.Groups)
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
	if err := b.checkUnique(nc.ID, keys, refs); err != nil {
		return customer.Written{}, err
	}
	if b.req.careful {
		// The record is encoded when the batch is written; encode it here
		// too, to report a record JSON cannot keep at its operation.
		if err := b.js.check(nc); err != nil {
			return customer.Written{}, err
		}
	}
	b.setKeys(nc.ID, st, refs)
	st.present, st.changed = true, true
	st.version, st.createdAt, st.rec = nc.Version, nc.CreatedAt, record{c: nc, keys: rows}
	return customer.Written{ID: nc.ID, Version: nc.Version}, nil
}

// checkUnique returns a *customer.DuplicateError when keys, held by id, would
// share a unique key with another customer or name one key twice. refs
// are the keys as the store holds them, hashed once, when the request was
// made.
func (b *batch) checkUnique(id string, keys []customer.IndexKey, refs []keyRef) error {
	return customer.FirstDuplicate(id, keys, func(k customer.IndexKey) (string, bool) {
		if b.holders == nil {
			return "", false
		}
		// k is one of keys; a key named twice has one hash.
		h, ok := b.holders[refs[slices.Index(keys, k)].h]
		return h, ok
	})
}

// setKeys moves the customer id's unique keys in the batch's view from the
// ones it holds now to keys.
func (b *batch) setKeys(id string, st *state, keys []keyRef) {
	if b.holders == nil {
		st.keys = keys
		return
	}
	for _, k := range st.keys {
		if k.unique && b.holders[k.h] == id {
			delete(b.holders, k.h)
		}
	}
	for _, k := range keys {
		if k.unique {
			b.holders[k.h] = id
		}
	}
	st.keys = keys
}
