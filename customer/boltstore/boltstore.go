package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
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
	db *bolt.DB
	// file is the file db holds, as Open opened it; created says that
	// this Open made the store in it, and openedTx is then the ID of the
	// transaction that did (see CloseUnused).
	file         *os.File
	created      bool
	openedTx     int
	now          func() time.Time
	formatNumber func(list string, n uint64) string
	cons         customer.Constraints
	buyers       map[string]bool
}

var (
	_ customer.Repository   = (*Store)(nil)
	_ customer.Finder       = (*Store)(nil)
	_ customer.BuyerNumbers = (*Store)(nil)
	_ customer.Lists        = (*Store)(nil)
	_ groups.Store          = (*Store)(nil)
)

// The buckets of a store file.
var (
	bucketMeta      = []byte("meta")      // format, the ID counter
	bucketCustomers = []byte("customers") // ID -> record
	bucketKeys      = []byte("keys")      // index entry (see appendKey) -> nothing
	bucketSeq       = []byte("sequences") // seqKey(list) -> last number drawn
	bucketGroups    = []byte("groups")    // group ID -> record
	bucketLists     = []byte("lists")     // 'l' and list ID -> settings (JSON); see Lists
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
//
// A file removed or replaced while Open waited for it (see CloseUnused) is
// not the store at path any more: Open lets it go and opens what path
// names then, within the same wait.
func Open(path string, opts Options) (*Store, error) {
	timeout := opts.LockTimeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	deadline := time.Now().Add(timeout)
	var db *bolt.DB
	var file *os.File
	for {
		// bolt.Options.Timeout 0 would wait for ever.
		wait := max(time.Until(deadline), time.Millisecond)
		// The free list is rebuilt on open rather than written with every
		// transaction (less to write and sync per batch), and the file is
		// mapped 256 MiB at a time of address space, so that growth rarely
		// remaps it.
		var err error
		db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: wait, NoFreelistSync: true, FreelistType: bolt.FreelistMapType, InitialMmapSize: 256 << 20,
			OpenFile: func(name string, flag int, perm os.FileMode) (*os.File, error) {
				f, err := os.OpenFile(name, flag, perm)
				file = f
				return f, err
			}})
		switch {
		case errors.Is(err, bolterrors.ErrTimeout):
			return nil, fmt.Errorf("%s: %w (waited %v)", path, ErrInUse, timeout)
		case err != nil:
			return nil, fmt.Errorf("boltstore: opening %s: %w", path, err)
		}
		same, err := names(path, file)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("boltstore: opening %s: %w", path, err)
		}
		if same {
			break
		}
		db.Close()
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("%s: %w: the file was removed or replaced each time Open got it (waited %v)", path, ErrInUse, timeout)
		}
	}
	s := &Store{
		db:           db,
		file:         file,
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
	err := db.View(func(tx *bolt.Tx) error {
		s.created = tx.Bucket(bucketMeta) == nil
		return checkFormat(tx)
	})
	if err == nil && s.created {
		err = db.Update(func(tx *bolt.Tx) error {
			// The ID a read sees until the next write commits.
			s.openedTx = tx.ID()
			return s.initialize(tx)
		})
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("boltstore: %s: %w", path, err)
	}
	return s, nil
}

// names reports whether path names f: false when path was removed or
// names another file now.
func names(path string, f *os.File) (bool, error) {
	at, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	held, err := f.Stat()
	if err != nil {
		return false, err
	}
	return os.SameFile(at, held), nil
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
	for _, name := range [][]byte{bucketMeta, bucketCustomers, bucketKeys, bucketSeq, bucketGroups, bucketLists} {
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

// CloseUnused is Close for a program that may have had no use for the
// store after all, such as an import whose file was refused before its
// first row: when Open created the file and nothing has been written to it
// since, the file is removed, so that no empty store is left behind. The
// file is removed while the store still holds it, and an Open waiting for
// it opens a new one (see Open). A store that held anything when it was
// opened is never removed, nor a file its path no longer names. The error
// is that of removing the file, or of Close.
func (s *Store) CloseUnused() error {
	unused := false
	if s.created {
		s.db.View(func(tx *bolt.Tx) error {
			unused = tx.ID() == s.openedTx
			return nil
		})
	}
	var err error
	if unused {
		path := s.db.Path()
		var same bool
		if same, err = names(path, s.file); same {
			err = os.Remove(path)
		}
	}
	return errors.Join(err, s.db.Close())
}

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

// appendKey appends the index prefix of key k: its kind, list and value,
// each length-prefixed. An index entry is the prefix and then the ID of
// the customer holding the key, so all the holders of one value share the
// prefix, and sort by ID after it, the listing order.
func appendKey(b []byte, k customer.IndexKey) []byte {
	for _, part := range [...]string{string(k.Key), k.List, k.Value} {
		b = binary.AppendUvarint(b, uint64(len(part)))
		b = append(b, part...)
	}
	return b
}

// holders returns the IDs holding the key whose prefix (appendKey) is
// given, in ID order, at most max of them (0 for all), read through c, a
// cursor over the key bucket.
func holders(c *bolt.Cursor, prefix []byte, max int) []string {
	var out []string
	for e, _ := c.Seek(prefix); e != nil && bytes.HasPrefix(e, prefix); e, _ = c.Next() {
		out = append(out, string(e[len(prefix):]))
		if len(out) == max {
			break
		}
	}
	return out
}

// txn is one write transaction, with what its operations share: cursors
// over the key index and the records (a cursor keeps its search stack
// from one seek to the next, where every Get makes a new one), the ID
// counter, read at the first draw and written back once, by end, and
// memory for what it writes.
type txn struct {
	*bolt.Tx
	keys, recs *bolt.Cursor
	lastID     uint64 // the last ID drawn; 0 before the first draw
	drawn      bool
	scratch    []byte          // reused for each key and record as it is built
	arena      []byte          // keeps the keys and values put, see keep
	lists      map[string]bool // the lists of the customers put
}

// keep returns a copy of b that lives as long as the transaction, as
// bbolt requires of what is put. The copies share large blocks, so that a
// batch of a thousand customers makes a few allocations, not thousands.
func (t *txn) keep(b []byte) []byte {
	if cap(t.arena)-len(t.arena) < len(b) {
		t.arena = make([]byte, 0, max(64<<10, len(b)))
	}
	start := len(t.arena)
	t.arena = append(t.arena, b...)
	return t.arena[start:len(t.arena):len(t.arena)]
}

// holders returns the IDs holding key k, as the package's holders does.
func (t *txn) holders(k customer.IndexKey, max int) []string {
	t.scratch = appendKey(t.scratch[:0], k)
	return holders(t.keys, t.scratch, max)
}

// entry returns the index entry of key k held by id, kept.
func (t *txn) entry(k customer.IndexKey, id string) []byte {
	t.scratch = append(appendKey(t.scratch[:0], k), id...)
	return t.keep(t.scratch)
}

func begin(tx *bolt.Tx) *txn {
	return &txn{Tx: tx, keys: tx.Bucket(bucketKeys).Cursor(), recs: tx.Bucket(bucketCustomers).Cursor()}
}

// has reports whether a customer with the given ID is stored.
func (t *txn) has(id string) bool {
	k, _ := t.recs.Seek([]byte(id))
	return k != nil && string(k) == id
}

// end writes back the ID counter if IDs were drawn, and makes the lists
// of the customers put known.
func (t *txn) end() error {
	if len(t.lists) > 0 {
		b, err := listsBucket(t.Tx)
		if err != nil {
			return err
		}
		for list := range t.lists {
			if k := listKey(list); b.Get(k) == nil {
				data, err := json.Marshal(customer.ListSettings{ID: list})
				if err != nil {
					return err
				}
				if err := b.Put(k, data); err != nil {
					return err
				}
			}
		}
	}
	if !t.drawn {
		return nil
	}
	return t.Bucket(bucketMeta).Put(metaNextID, binary.BigEndian.AppendUint64(nil, t.lastID))
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
func (s *Store) set(tx *txn, id string, old, c *customer.Customer, newKeys ...customer.IndexKey) error {
	keys := tx.Bucket(bucketKeys)
	if old != nil {
		for _, k := range s.cons.Keys(old) {
			if err := keys.Delete(tx.entry(k, id)); err != nil {
				return err
			}
		}
	}
	if c == nil {
		return tx.Bucket(bucketCustomers).Delete([]byte(id))
	}
	var err error
	if tx.scratch, err = appendCustomerRecord(tx.scratch[:0], c); err != nil {
		return err
	}
	if !tx.lists[c.List] {
		if tx.lists == nil {
			tx.lists = make(map[string]bool)
		}
		tx.lists[c.List] = true
	}
	data := tx.keep(tx.scratch)
	if newKeys == nil {
		newKeys = s.cons.Keys(c)
	}
	for _, k := range newKeys {
		if err := keys.Put(tx.entry(k, id), nil); err != nil {
			return err
		}
	}
	recs := tx.Bucket(bucketCustomers)
	// Generated IDs sort in the order they are made, so new records land
	// at the end: full pages waste no space.
	recs.FillPercent = 0.9
	return recs.Put(tx.keep([]byte(id)), data)
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
		t := begin(tx)
		for i, op := range ops {
			w, err := s.apply(t, op, now)
			if err != nil {
				if isDomainError(err) {
					return &customer.BatchError{Index: i, Op: op, Err: err}
				}
				return err
			}
			out[i] = w
		}
		return t.end()
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

func (s *Store) apply(tx *txn, op customer.Op, now time.Time) (customer.Written, error) {
	if err := customer.CheckOp(op); err != nil {
		return customer.Written{}, err
	}
	if op.Kind == customer.OpPut {
		return s.put(tx, op.Customer, now)
	}
	old, err := getTx(tx.Tx, op.ID) // a delete
	if err != nil {
		return customer.Written{}, err
	}
	if op.Version != 0 && op.Version != old.Version {
		return customer.Written{}, fmt.Errorf("%w: delete of %q at version %d, stored version is %d", customer.ErrConflict, op.ID, op.Version, old.Version)
	}
	return customer.Written{ID: op.ID}, s.set(tx, op.ID, old, nil)
}

func (s *Store) put(tx *txn, c *customer.Customer, now time.Time) (customer.Written, error) {
	// A shallow copy will do: the record is encoded from it and nothing
	// of it is kept, and only the groups may need a new slice.
	nc := *c
	nc.Groups = customer.SortedGroups(nc.Groups)
	var old *customer.Customer
	if c.Version == 0 {
		if nc.ID == "" {
			id, err := s.newID(tx)
			if err != nil {
				return customer.Written{}, err
			}
			nc.ID = id
		} else if tx.has(nc.ID) {
			return customer.Written{}, fmt.Errorf("%w: cannot create %q, the ID is taken", customer.ErrConflict, nc.ID)
		}
		nc.Version, nc.CreatedAt = 1, now
	} else {
		var err error
		if old, err = getTx(tx.Tx, nc.ID); err != nil {
			return customer.Written{}, err
		}
		if old.Version != c.Version {
			return customer.Written{}, fmt.Errorf("%w: put of %q at version %d, stored version is %d", customer.ErrConflict, nc.ID, c.Version, old.Version)
		}
		nc.Version, nc.CreatedAt = old.Version+1, old.CreatedAt
	}
	nc.UpdatedAt = now
	keys := s.cons.Keys(&nc)
	err := customer.FirstDuplicate(nc.ID, keys, func(k customer.IndexKey) (string, bool) {
		// Another holder than nc if there is one: with constraints
		// stricter than the data was written under, a key may have
		// several.
		hs := tx.holders(k, 2)
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
	return customer.Written{ID: nc.ID, Version: nc.Version}, s.set(tx, nc.ID, old, &nc, keys...)
}

// newID draws the next generated customer ID that no customer has.
func (s *Store) newID(tx *txn) (string, error) {
	if !tx.drawn {
		if b := tx.Bucket(bucketMeta).Get(metaNextID); len(b) == 8 {
			tx.lastID = binary.BigEndian.Uint64(b)
		}
		tx.drawn = true
	}
	for {
		tx.lastID++
		if id := formatID(tx.lastID); !tx.has(id) {
			return id, nil
		}
	}
}

// formatID returns the n-th generated customer ID: "c" and n in ten or
// more digits, so that IDs sort in the order they were made (as memstore
// makes them).
func formatID(n uint64) string {
	var b [21]byte
	i := len(b)
	for n > 0 || i > len(b)-10 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	i--
	b[i] = 'c'
	return string(b[i:])
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
		t := begin(tx)
		for {
			n++
			out = s.formatNumber(list, n)
			if len(t.holders(customer.IndexKey{Key: customer.KeyNumber, List: list, Value: out}, 1)) == 0 {
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
		t := begin(tx)
		for i, c := range cs {
			fail := func(err error) error { return &customer.BatchError{Index: i, Op: customer.Put(c), Err: err} }
			switch err := customer.CheckStored(c); {
			case err != nil:
				return fail(err)
			case t.has(c.ID):
				return fail(fmt.Errorf("%w: the ID %q is taken", customer.ErrConflict, c.ID))
			}
			err := customer.FirstDuplicate(c.ID, s.cons.Keys(c), func(k customer.IndexKey) (string, bool) {
				hs := t.holders(k, 1)
				if len(hs) == 0 {
					return "", false
				}
				return hs[0], true
			})
			if err != nil {
				return fail(err)
			}
			if err := s.set(t, c.ID, nil, c); err != nil {
				if isDomainError(err) {
					return fail(err)
				}
				return err
			}
		}
		return t.end()
	})
}
