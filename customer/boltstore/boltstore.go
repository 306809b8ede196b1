package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

// ErrInUse: the store file is held by another process (or another Store of
// this one) for longer than Options.LockTimeout. Open returns it wrapped,
// naming the file; nothing was read or changed.
var ErrInUse = errors.New("the store is in use by another impex process")

// Options configure a Store. The zero value is ready to use: no extra
// uniqueness rules, the system clock, decimal customer numbers, no buyer
// numbers, and a five-second wait for a file another process holds.
type Options struct {
	// Constraints add uniqueness rules (unique e-mail, unique custom
	// identifier types). They are checked on every write; a store opened
	// with other constraints than it was written with keeps its data and
	// applies the new rules to later writes.
	Constraints customer.Constraints
	// Now is the clock for CreatedAt and UpdatedAt; nil means time.Now.
	Now func() time.Time
	// FormatNumber turns the n-th number of a list's sequence into a
	// customer number; nil means plain decimal ("1", "2", ...).
	FormatNumber func(list string, n uint64) string
	// BuyerNumbers are order buyer numbers known to the store; see
	// customer.BuyerNumbers.
	BuyerNumbers []string
	// LockTimeout is how long Open waits for a file another process holds;
	// 0 means 5 s.
	LockTimeout time.Duration
}

// Store is a customer.Repository, customer.BuyerNumbers and groups.Store
// in one bbolt file. It is safe for concurrent use; Close it when done.
type Store struct {
	db           *bolt.DB
	now          func() time.Time
	formatNumber func(list string, n uint64) string
	cons         customer.Constraints
	buyers       map[string]bool
}

var (
	_ customer.Repository   = (*Store)(nil)
	_ customer.BuyerNumbers = (*Store)(nil)
	_ groups.Store          = (*Store)(nil)
)

// The buckets of a store file.
var (
	bucketMeta      = []byte("meta")      // format, the ID counter
	bucketCustomers = []byte("customers") // ID -> record
	bucketKeys      = []byte("keys")      // key entry (see keyEntry) -> nothing
	bucketSeq       = []byte("sequences") // seqKey(list) -> last number drawn
	bucketGroups    = []byte("groups")    // group ID -> record
)

var (
	metaFormat = []byte("format")
	metaNextID = []byte("next-id")
	// fileFormat names what the file holds, so that Open refuses a bbolt
	// file of another program.
	fileFormat = []byte("impex-boltstore/1")
)

// Open opens the store in the file at path, creating it (mode 0600) with
// the three system groups when it does not exist. It returns an error
// wrapping ErrInUse when another process holds the file past
// opts.LockTimeout, and an error naming the file when it is not a store
// or cannot be read.
func Open(path string, opts Options) (*Store, error) {
	timeout := opts.LockTimeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	// The free list is rebuilt on open rather than written with every
	// transaction (less to write and sync per batch), and the file is
	// mapped 256 MiB at a time of address space, so that growth rarely
	// remaps it.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, NoFreelistSync: true, FreelistType: bolt.FreelistMapType, InitialMmapSize: 256 << 20})
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return nil, fmt.Errorf("%s: %w (waited %v)", path, ErrInUse, timeout)
	case err != nil:
		return nil, fmt.Errorf("boltstore: opening %s: %w", path, err)
	}
	s := &Store{
		db:           db,
		now:          opts.Now,
		formatNumber: opts.FormatNumber,
		cons:         customer.Constraints{UniqueEmail: opts.Constraints.UniqueEmail, UniqueIdentifiers: slices.Clone(opts.Constraints.UniqueIdentifiers)},
		buyers:       make(map[string]bool),
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.formatNumber == nil {
		s.formatNumber = func(_ string, n uint64) string { return strconv.FormatUint(n, 10) }
	}
	for _, b := range opts.BuyerNumbers {
		s.buyers[b] = true
	}
	// An existing store is only read here, so that opening it for a dry
	// run or an export leaves the file as it was.
	fresh := false
	err = db.View(func(tx *bolt.Tx) error {
		fresh = tx.Bucket(bucketMeta) == nil
		return checkFormat(tx)
	})
	if err == nil && fresh {
		err = db.Update(s.initialize)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("boltstore: %s: %w", path, err)
	}
	return s, nil
}

// checkFormat refuses a file that is not an impex store: one whose meta
// names another format, or a bbolt file of another program (buckets but
// no meta).
func checkFormat(tx *bolt.Tx) error {
	if meta := tx.Bucket(bucketMeta); meta != nil {
		if f := meta.Get(metaFormat); !bytes.Equal(f, fileFormat) {
			return fmt.Errorf("not an impex store (its format is %q)", f)
		}
		return nil
	}
	return tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		return fmt.Errorf("not an impex store (it has a bucket %q)", name)
	})
}

// initialize makes the buckets and system groups of a new file.
func (s *Store) initialize(tx *bolt.Tx) error {
	if err := checkFormat(tx); err != nil || tx.Bucket(bucketMeta) != nil {
		return err
	}
	for _, name := range [][]byte{bucketMeta, bucketCustomers, bucketKeys, bucketSeq, bucketGroups} {
		if _, err := tx.CreateBucket(name); err != nil {
			return err
		}
	}
	if err := tx.Bucket(bucketMeta).Put(metaFormat, fileFormat); err != nil {
		return err
	}
	for _, g := range groups.SystemGroups() {
		data, err := encodeGroup(g)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketGroups).Put([]byte(g.ID), data); err != nil {
			return err
		}
	}
	return nil
}

// Close releases the file. It does not wait for listings still running.
func (s *Store) Close() error { return s.db.Close() }

// Len returns the number of customers stored.
func (s *Store) Len() int {
	n := 0
	s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketCustomers).Stats().KeyN
		return nil
	})
	return n
}

// Constraints returns the uniqueness rules the store keeps, so that a dry
// run can check a write as the store would.
func (s *Store) Constraints() customer.Constraints {
	return customer.Constraints{UniqueEmail: s.cons.UniqueEmail, UniqueIdentifiers: slices.Clone(s.cons.UniqueIdentifiers)}
}

// IsBuyerNumber reports whether number is one of Options.BuyerNumbers.
func (s *Store) IsBuyerNumber(ctx context.Context, number string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	return s.buyers[number], nil
}

// keyEntry returns the index entry of key k held by customer id: the
// key's kind, list and value, each length-prefixed, then the ID. All the
// holders of one value share the prefix keyPrefix returns, and sort by ID
// after it, the listing order.
func keyEntry(k customer.IndexKey, id string) []byte {
	return append(keyPrefix(k), id...)
}

func keyPrefix(k customer.IndexKey) []byte {
	b := make([]byte, 0, 3*binary.MaxVarintLen32+len(k.Key)+len(k.List)+len(k.Value)+16)
	for _, part := range [...]string{string(k.Key), k.List, k.Value} {
		b = binary.AppendUvarint(b, uint64(len(part)))
		b = append(b, part...)
	}
	return b
}

// holders returns the IDs holding key k, in ID order, at most max of them
// (0 for all).
func holders(tx *bolt.Tx, k customer.IndexKey, max int) []string {
	prefix := keyPrefix(k)
	var out []string
	c := tx.Bucket(bucketKeys).Cursor()
	for e, _ := c.Seek(prefix); e != nil && bytes.HasPrefix(e, prefix); e, _ = c.Next() {
		out = append(out, string(e[len(prefix):]))
		if len(out) == max {
			break
		}
	}
	return out
}

// getTx returns the stored customer id, or a wrapped customer.ErrNotFound.
func getTx(tx *bolt.Tx, id string) (*customer.Customer, error) {
	data := tx.Bucket(bucketCustomers).Get([]byte(id))
	if data == nil {
		return nil, fmt.Errorf("%w: id %q", customer.ErrNotFound, id)
	}
	return decodeCustomer(id, data)
}

// set makes c the stored customer id, or deletes it when c is nil, and
// moves its index entries from old's keys to c's keys, newKeys (nil to
// derive them). The caller has checked every rule.
func (s *Store) set(tx *bolt.Tx, id string, old, c *customer.Customer, newKeys ...customer.IndexKey) error {
	keys := tx.Bucket(bucketKeys)
	if old != nil {
		for _, k := range s.cons.Keys(old) {
			if err := keys.Delete(keyEntry(k, id)); err != nil {
				return err
			}
		}
	}
	if c == nil {
		return tx.Bucket(bucketCustomers).Delete([]byte(id))
	}
	data, err := encodeCustomer(c)
	if err != nil {
		return err
	}
	if newKeys == nil {
		newKeys = s.cons.Keys(c)
	}
	for _, k := range newKeys {
		if err := keys.Put(keyEntry(k, id), nil); err != nil {
			return err
		}
	}
	recs := tx.Bucket(bucketCustomers)
	// Generated IDs sort in the order they are made, so new records land
	// at the end: full pages waste no space.
	recs.FillPercent = 0.9
	return recs.Put([]byte(id), data)
}

// Write applies the operations all-or-nothing in one transaction, durable
// when it returns; see customer.Repository. A failing operation is
// returned as a *customer.BatchError wrapping customer.ErrNotFound,
// ErrConflict, ErrDuplicate or ErrInvalid, and nothing is written. A
// context error is returned unwrapped; a failure of the file as is.
func (s *Store) Write(ctx context.Context, ops []customer.Op) ([]customer.Written, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []customer.Written
	err := s.db.Update(func(tx *bolt.Tx) error {
		now := s.now()
		out = make([]customer.Written, len(ops))
		for i, op := range ops {
			w, err := s.apply(tx, op, now)
			if err != nil {
				if isDomainError(err) {
					return &customer.BatchError{Index: i, Op: op, Err: err}
				}
				return err
			}
			out[i] = w
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// isDomainError reports whether err is a rule the operation broke, rather
// than a failure of the file.
func isDomainError(err error) bool {
	for _, target := range []error{customer.ErrNotFound, customer.ErrConflict, customer.ErrDuplicate, customer.ErrInvalid} {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}

func (s *Store) apply(tx *bolt.Tx, op customer.Op, now time.Time) (customer.Written, error) {
	if err := customer.CheckOp(op); err != nil {
		return customer.Written{}, err
	}
	if op.Kind == customer.OpPut {
		return s.put(tx, op.Customer, now)
	}
	old, err := getTx(tx, op.ID) // a delete
	if err != nil {
		return customer.Written{}, err
	}
	if op.Version != 0 && op.Version != old.Version {
		return customer.Written{}, fmt.Errorf("%w: delete of %q at version %d, stored version is %d", customer.ErrConflict, op.ID, op.Version, old.Version)
	}
	return customer.Written{ID: op.ID}, s.set(tx, op.ID, old, nil)
}

func (s *Store) put(tx *bolt.Tx, c *customer.Customer, now time.Time) (customer.Written, error) {
	nc := c.Clone()
	slices.Sort(nc.Groups)
	nc.Groups = slices.Compact(nc.Groups)
	recs := tx.Bucket(bucketCustomers)
	var old *customer.Customer
	if c.Version == 0 {
		if nc.ID == "" {
			id, err := s.newID(tx)
			if err != nil {
				return customer.Written{}, err
			}
			nc.ID = id
		} else if recs.Get([]byte(nc.ID)) != nil {
			return customer.Written{}, fmt.Errorf("%w: cannot create %q, the ID is taken", customer.ErrConflict, nc.ID)
		}
		nc.Version, nc.CreatedAt = 1, now
	} else {
		var err error
		if old, err = getTx(tx, nc.ID); err != nil {
			return customer.Written{}, err
		}
		if old.Version != c.Version {
			return customer.Written{}, fmt.Errorf("%w: put of %q at version %d, stored version is %d", customer.ErrConflict, nc.ID, c.Version, old.Version)
		}
		nc.Version, nc.CreatedAt = old.Version+1, old.CreatedAt
	}
	nc.UpdatedAt = now
	keys := s.cons.Keys(nc)
	err := customer.FirstDuplicate(nc.ID, keys, func(k customer.IndexKey) (string, bool) {
		// Another holder than nc if there is one: with constraints
		// stricter than the data was written under, a key may have
		// several.
		hs := holders(tx, k, 2)
		for _, h := range hs {
			if h != nc.ID {
				return h, true
			}
		}
		if len(hs) > 0 {
			return hs[0], true
		}
		return "", false
	})
	if err != nil {
		return customer.Written{}, err
	}
	return customer.Written{ID: nc.ID, Version: nc.Version}, s.set(tx, nc.ID, old, nc, keys...)
}

// newID draws the next generated customer ID that no customer has.
func (s *Store) newID(tx *bolt.Tx) (string, error) {
	meta := tx.Bucket(bucketMeta)
	n := uint64(0)
	if b := meta.Get(metaNextID); len(b) == 8 {
		n = binary.BigEndian.Uint64(b)
	}
	recs := tx.Bucket(bucketCustomers)
	for {
		n++
		id := formatID(n)
		if recs.Get([]byte(id)) == nil {
			return id, meta.Put(metaNextID, binary.BigEndian.AppendUint64(nil, n))
		}
	}
}

// formatID returns the n-th generated customer ID: "c" and n in ten or
// more digits, so that IDs sort in the order they were made (as memstore
// makes them).
func formatID(n uint64) string {
	digits := strconv.FormatUint(n, 10)
	for len(digits) < 10 {
		digits = "0" + digits
	}
	return "c" + digits
}

// NextNumber reserves the next number of list's sequence that no customer
// of the list holds; the reservation is on disk when it returns.
func (s *Store) NextNumber(ctx context.Context, list string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	var out string
	err := s.db.Update(func(tx *bolt.Tx) error {
		seq := tx.Bucket(bucketSeq)
		key := append([]byte{'l'}, list...) // bbolt keys are never empty; lists may be
		n := uint64(0)
		if b := seq.Get(key); len(b) == 8 {
			n = binary.BigEndian.Uint64(b)
		}
		for {
			n++
			out = s.formatNumber(list, n)
			if len(holders(tx, customer.IndexKey{Key: customer.KeyNumber, List: list, Value: out}, 1)) == 0 {
				return seq.Put(key, binary.BigEndian.AppendUint64(nil, n))
			}
		}
	})
	return out, err
}

// Restore writes customers as they are, IDs, versions and timestamps kept,
// in one transaction: a backup or another store's dump loaded back. It
// returns a *customer.BatchError naming the first customer that cannot be
// stored, wrapping customer.ErrConflict (its ID is taken),
// customer.ErrDuplicate or customer.ErrInvalid, and then nothing is
// written.
func (s *Store) Restore(ctx context.Context, cs []*customer.Customer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		recs := tx.Bucket(bucketCustomers)
		for i, c := range cs {
			fail := func(err error) error { return &customer.BatchError{Index: i, Op: customer.Put(c), Err: err} }
			switch err := customer.CheckOp(customer.Put(c)); {
			case err != nil:
				return fail(err)
			case c.ID == "":
				return fail(fmt.Errorf("%w: a restored customer needs its ID", customer.ErrInvalid))
			case recs.Get([]byte(c.ID)) != nil:
				return fail(fmt.Errorf("%w: the ID %q is taken", customer.ErrConflict, c.ID))
			}
			err := customer.FirstDuplicate(c.ID, s.cons.Keys(c), func(k customer.IndexKey) (string, bool) {
				hs := holders(tx, k, 1)
				if len(hs) == 0 {
					return "", false
				}
				return hs[0], true
			})
			if err != nil {
				return fail(err)
			}
			if err := s.set(tx, c.ID, nil, c); err != nil {
				if isDomainError(err) {
					return fail(err)
				}
				return err
			}
		}
		return nil
	})
}
