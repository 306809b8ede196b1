// Package memstore is the in-memory customer repository and group store: the
// reference implementation of customer.Repository and groups.Store, the
// default store of the examples, and a fast fake for tests of code that uses
// impex.
//
// A Store is safe for concurrent use. Batches are applied under one lock and
// rolled back on the first failing operation, so they are atomic and
// serialisable. Listings page through the customers in ID order without
// holding the lock while the caller works, so a caller may write to the store
// while it iterates.
//
// The customers live in the Go heap, and every garbage collection marks
// them all: with a million of them the collector is some 40% of an import's
// CPU time at the default GOGC. A program that holds that many may trade
// memory for time with GOGC or debug.SetGCPercent (at 400, the same import
// took 40% less time); a library cannot choose that for it.
package memstore

import (
	"context"
	"fmt"
	"hash/maphash"
	"iter"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

// Options configure a Store. The zero value is ready to use: no extra
// uniqueness rules, the system clock, decimal customer numbers, no buyer
// numbers.
type Options struct {
	// Constraints add uniqueness rules (unique e-mail, unique custom
	// identifier types).
	Constraints customer.Constraints
	// Now is the clock for CreatedAt and UpdatedAt; nil means time.Now.
	Now func() time.Time
	// FormatNumber turns the n-th number of a list's sequence into a customer
	// number; nil means plain decimal ("1", "2", ...).
	FormatNumber func(list string, n uint64) string
	// BuyerNumbers are order buyer numbers known to the store; see
	// customer.BuyerNumbers.
	BuyerNumbers []string
}

// Store is an in-memory customer.Repository and groups.Store.
type Store struct {
	now          func() time.Time
	formatNumber func(list string, n uint64) string
	cons         customer.Constraints
	buyers       map[string]bool

	mu     sync.RWMutex
	hash   func(string) uint64 // of the values of unique keys
	byID   map[string]*customer.Customer
	ids    []string // sorted; the listing order
	index  []*index // one per key and list in use
	seq    map[string]uint64
	nextID uint64
	groups map[string]*groups.Group
	lists  map[string]customer.ListSettings // every list known; see Lists
	// log is the undo log of the batch being written, kept from batch to
	// batch so that its memory is reused; only a writer holding mu uses it.
	log undoLog
}

var (
	_ customer.Repository   = (*Store)(nil)
	_ customer.BuyerNumbers = (*Store)(nil)
	_ customer.Lists        = (*Store)(nil)
	_ customer.HolderFinder = (*Store)(nil)
	_ groups.Store          = (*Store)(nil)
)

// New returns an empty store holding only the three system groups.
func New(opts Options) *Store {
	s := &Store{
		now:          opts.Now,
		formatNumber: opts.FormatNumber,
		cons:         customer.Constraints{UniqueEmail: opts.Constraints.UniqueEmail, UniqueIdentifiers: slices.Clone(opts.Constraints.UniqueIdentifiers)},
		buyers:       make(map[string]bool),
		byID:         make(map[string]*customer.Customer),
		seq:          make(map[string]uint64),
		groups:       make(map[string]*groups.Group),
		lists:        make(map[string]customer.ListSettings),
	}
	if s.now == nil {
		s.now = time.Now
	}
	seed := maphash.MakeSeed()
	s.hash = func(v string) uint64 { return maphash.String(seed, v) }
	if s.formatNumber == nil {
		s.formatNumber = func(_ string, n uint64) string { return strconv.FormatUint(n, 10) }
	}
	for _, b := range opts.BuyerNumbers {
		s.buyers[b] = true
	}
	for _, g := range groups.SystemGroups() {
		s.groups[g.ID] = g
	}
	return s
}

// Len returns the number of customers stored.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.byID)
}

// index holds one key's values in one list (List empty for store-wide
// keys): the holder of each unique value, or the sorted holders of each
// shared one.
//
// A unique value is found by its hash: unique maps it to the holder, whose
// own keys confirm a hit, and clash holds the rare value whose hash
// another value already has. A map of numbers and pointers is a fraction
// of the size of one of strings, and the collector has half the pointers
// to trace in it at every cycle, which an import of many customers pays
// for in every batch.
type index struct {
	key    customer.Key
	list   string
	unique map[uint64]*customer.Customer
	clash  map[string]*customer.Customer
	shared map[string]holders
}

// holders are the customers sharing a value, in ID order. The usual value
// has one, kept without a slice.
type holders struct {
	first string
	more  []string
}

func (h holders) len() int {
	if h.first == "" {
		return 0
	}
	return 1 + len(h.more)
}

// with returns h with id added.
func (h holders) with(id string) holders {
	switch {
	case h.first == "":
		h.first = id
	case id < h.first:
		h.more = slices.Insert(h.more, 0, h.first)
		h.first = id
	case id > h.first:
		if j, found := slices.BinarySearch(h.more, id); !found {
			h.more = slices.Insert(h.more, j, id)
		}
	}
	return h
}

// without returns h with id removed.
func (h holders) without(id string) holders {
	switch {
	case id == h.first && len(h.more) == 0:
		return holders{}
	case id == h.first:
		return holders{first: h.more[0], more: h.more[1:]}
	}
	if j, found := slices.BinarySearch(h.more, id); found {
		h.more = slices.Delete(slices.Clip(h.more), j, j+1)
	}
	return h
}

// indexOf returns the index of k's key and list, nil if none was made.
// A store has a handful of them, so a scan beats a map.
func (s *Store) indexOf(k customer.IndexKey) *index {
	for _, ix := range s.index {
		if ix.key == k.Key && ix.list == k.List {
			return ix
		}
	}
	return nil
}

// indexFor is indexOf making the index when it is missing.
func (s *Store) indexFor(k customer.IndexKey) *index {
	if ix := s.indexOf(k); ix != nil {
		return ix
	}
	ix := &index{key: k.Key, list: k.List, unique: map[uint64]*customer.Customer{},
		clash: map[string]*customer.Customer{}, shared: map[string]holders{}}
	s.index = append(s.index, ix)
	return ix
}

// holder returns the holder of a unique key.
func (s *Store) holder(k customer.IndexKey) (string, bool) {
	if ix := s.indexOf(k); ix != nil {
		if c := s.uniqueHolder(ix, k); c != nil {
			return c.ID, true
		}
	}
	return "", false
}

// uniqueHolder returns the customer of ix holding the unique key k, nil
// when none does.
func (s *Store) uniqueHolder(ix *index, k customer.IndexKey) *customer.Customer {
	if len(ix.unique) > 0 {
		if c := ix.unique[s.hash(k.Value)]; c != nil && s.holds(c, k) {
			return c
		}
	}
	if len(ix.clash) == 0 {
		return nil
	}
	return ix.clash[k.Value]
}

// putUnique makes c the holder of the unique key k in ix.
func (s *Store) putUnique(ix *index, k customer.IndexKey, c *customer.Customer) {
	h := s.hash(k.Value)
	if cur := ix.unique[h]; cur != nil && !s.holds(cur, k) {
		ix.clash[k.Value] = c
		return
	}
	ix.unique[h] = c
}

// deleteUnique removes c as the holder of the unique key k from ix.
func (s *Store) deleteUnique(ix *index, k customer.IndexKey, c *customer.Customer) {
	if ix.clash[k.Value] == c {
		delete(ix.clash, k.Value)
	} else if h := s.hash(k.Value); ix.unique[h] == c {
		delete(ix.unique, h)
	}
}

// holds reports whether c has the unique key k: whether a hit in an index
// is c's value and not another with the same hash.
func (s *Store) holds(c *customer.Customer, k customer.IndexKey) bool {
	var buf [8]customer.IndexKey
	for _, ck := range s.keys(c, buf[:]) {
		if ck.Unique && ck.Key == k.Key && ck.List == k.List && ck.Value == k.Value {
			return true
		}
	}
	return false
}

// keys returns the index entries of c, as the domain derives them, in buf
// when they fit.
func (s *Store) keys(c *customer.Customer, buf []customer.IndexKey) []customer.IndexKey {
	return s.cons.AppendKeys(buf[:0], c)
}

// set makes c the stored customer id (nil deletes it), keeping the indexes
// and the ordered ID list in step. The caller holds the write lock and has
// checked every rule.
func (s *Store) set(id string, c *customer.Customer) {
	var buf [8]customer.IndexKey
	var keys []customer.IndexKey
	if c != nil {
		keys = s.keys(c, buf[:])
	}
	s.setKeyed(id, s.byID[id], c, keys)
}

// setKeyed is set for a caller that knows the stored customer id, old
// (nil for none), and derived c's index entries.
func (s *Store) setKeyed(id string, old, c *customer.Customer, keys []customer.IndexKey) {
	var buf [8]customer.IndexKey
	if old != nil {
		for _, k := range s.keys(old, buf[:]) {
			ix := s.indexOf(k)
			if k.Unique {
				s.deleteUnique(ix, k, old)
				continue
			}
			if h := ix.shared[k.Value].without(id); h.len() == 0 {
				delete(ix.shared, k.Value)
			} else {
				ix.shared[k.Value] = h
			}
		}
	}
	var i int
	var present bool
	if n := len(s.ids); n > 0 && s.ids[n-1] < id {
		i = n // the usual case: a new ID, which sorts last
	} else {
		i, present = slices.BinarySearch(s.ids, id)
	}
	if c == nil {
		delete(s.byID, id)
		if present {
			s.ids = slices.Delete(s.ids, i, i+1)
		}
		return
	}
	s.byID[id] = c
	if !present {
		s.ids = slices.Insert(s.ids, i, id)
	}
	for _, k := range keys {
		ix := s.indexFor(k)
		if k.Unique {
			s.putUnique(ix, k, c)
			continue
		}
		ix.shared[k.Value] = ix.shared[k.Value].with(id)
	}
}

// checkUnique returns a *customer.DuplicateError when a customer with the
// index entries keys, stored as id, would share a unique key with another
// customer or carry one key twice.
func (s *Store) checkUnique(id string, keys []customer.IndexKey) error {
	return customer.FirstDuplicate(id, keys, s.holder)
}

// get returns a copy of the customer id or a wrapped customer.ErrNotFound.
func (s *Store) get(id string) (*customer.Customer, error) {
	c := s.byID[id]
	if c == nil {
		return nil, fmt.Errorf("%w: id %q", customer.ErrNotFound, id)
	}
	return c.Clone(), nil
}

// Get returns the customer with the given ID, or customer.ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (*customer.Customer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.get(id)
}

// lookup returns the holder of a key, or a *customer.KeyNotFoundError.
func (s *Store) lookup(ctx context.Context, k customer.IndexKey, ambiguous bool) (*customer.Customer, error) {
	c, err := s.holderOf(ctx, k, ambiguous)
	if c == nil && err == nil {
		return nil, &customer.KeyNotFoundError{Key: k}
	}
	return c, err
}

// FindHolder answers l as the lookup method it names does, except that it
// returns nil and no error when no customer holds the key; see
// customer.HolderFinder. It fails with an error wrapping
// customer.ErrAmbiguous for an e-mail address several customers share, and
// with the context's error.
func (s *Store) FindHolder(ctx context.Context, l customer.Lookup) (*customer.Customer, error) {
	if l.Key != customer.KeyID {
		return s.holderOf(ctx, l.IndexKey(), l.Key == customer.KeyEmail)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.byID[l.Value].Clone(), nil // nil for none
}

// holderOf returns a copy of the holder of a key, nil when none holds it;
// with ambiguous, a key several customers share fails with
// customer.ErrAmbiguous.
func (s *Store) holderOf(ctx context.Context, k customer.IndexKey, ambiguous bool) (*customer.Customer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	ix := s.indexOf(k)
	if ix == nil {
		return nil, nil
	}
	if c := s.uniqueHolder(ix, k); c != nil {
		return c.Clone(), nil
	}
	h := ix.shared[k.Value]
	switch {
	case h.len() == 0:
		return nil, nil
	case h.len() > 1 && ambiguous:
		return nil, fmt.Errorf("%w: %d customers have %s %q", customer.ErrAmbiguous, h.len(), k.Key, k.Value)
	}
	return s.get(h.first)
}

// ByNumber returns the customer of list with the given number, or
// customer.ErrNotFound.
func (s *Store) ByNumber(ctx context.Context, list, number string) (*customer.Customer, error) {
	return s.lookup(ctx, customer.Lookup{Key: customer.KeyNumber, List: list, Value: number}.IndexKey(), false)
}

// ByLogin returns the customer of list with the given login, or
// customer.ErrNotFound.
func (s *Store) ByLogin(ctx context.Context, list, login string) (*customer.Customer, error) {
	return s.lookup(ctx, customer.Lookup{Key: customer.KeyLogin, List: list, Value: login}.IndexKey(), false)
}

// ByEmail returns the customer of list with the given e-mail address
// (case-insensitive), customer.ErrNotFound, or customer.ErrAmbiguous when
// several customers share it.
func (s *Store) ByEmail(ctx context.Context, list, email string) (*customer.Customer, error) {
	return s.lookup(ctx, customer.Lookup{Key: customer.KeyEmail, List: list, Value: email}.IndexKey(), true)
}

// ByIdentifier returns the customer holding the identifier, or
// customer.ErrNotFound. For a custom type that is not unique it returns the
// holder with the lowest ID.
func (s *Store) ByIdentifier(ctx context.Context, id customer.Identifier) (*customer.Customer, error) {
	return s.lookup(ctx, customer.Lookup{Key: customer.Key(id.Type), Value: id.Value}.IndexKey(), false)
}

// listPage is how many customers List copies per lock.
const listPage = 256

// List yields the customers that pass f in ID order. It takes the lock one
// page at a time and never while the caller's loop body runs.
func (s *Store) List(ctx context.Context, f customer.Filter) iter.Seq2[*customer.Customer, error] {
	return func(yield func(*customer.Customer, error) bool) {
		after, started := "", false
		page := make([]*customer.Customer, 0, listPage)
		for {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			page = page[:0]
			s.mu.RLock()
			i := 0
			if started {
				i, _ = slices.BinarySearch(s.ids, after)
				if i < len(s.ids) && s.ids[i] == after {
					i++
				}
			}
			for ; i < len(s.ids) && len(page) < listPage; i++ {
				after, started = s.ids[i], true
				if c := s.byID[after]; f.Match(c) {
					page = append(page, c.Clone())
				}
			}
			done := i >= len(s.ids)
			s.mu.RUnlock()
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

// Write applies the operations all-or-nothing; see customer.Repository.
// A failing operation rolls back the ones before it and is returned as a
// *customer.BatchError wrapping customer.ErrNotFound, ErrConflict,
// ErrDuplicate or ErrInvalid.
func (s *Store) Write(ctx context.Context, ops []customer.Op) ([]customer.Written, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	log := s.log.begin()
	defer log.end()
	out := make([]customer.Written, len(ops))
	for i, op := range ops {
		w, err := s.apply(op, now, log)
		if err != nil {
			log.rollback(s)
			return nil, &customer.BatchError{Index: i, Op: op, Err: err}
		}
		out[i] = w
	}
	for _, op := range ops {
		if op.Kind == customer.OpPut {
			if _, known := s.lists[op.Customer.List]; !known {
				s.lists[op.Customer.List] = customer.ListSettings{ID: op.Customer.List}
			}
		}
	}
	return out, nil
}

// Lists returns every list known, sorted by ID; see customer.Lists.
func (s *Store) Lists(ctx context.Context) ([]customer.ListSettings, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]customer.ListSettings, 0, len(s.lists))
	for _, l := range s.lists {
		out = append(out, l.Clone())
	}
	slices.SortFunc(out, func(a, b customer.ListSettings) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// PutList stores the settings of the list s.ID; see customer.Lists.
func (s *Store) PutList(ctx context.Context, settings customer.ListSettings) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lists[settings.ID] = settings.Clone()
	return nil
}

func (s *Store) apply(op customer.Op, now time.Time, log *undoLog) (customer.Written, error) {
	if err := customer.CheckOp(op); err != nil {
		return customer.Written{}, err
	}
	if op.Kind == customer.OpPut {
		return s.put(op.Customer, op.Owned, now, log)
	}
	old := s.byID[op.ID] // a delete
	if old == nil {
		return customer.Written{}, fmt.Errorf("%w: id %q", customer.ErrNotFound, op.ID)
	}
	if op.Version != 0 && op.Version != old.Version {
		return customer.Written{}, fmt.Errorf("%w: delete of %q at version %d, stored version is %d", customer.ErrConflict, op.ID, op.Version, old.Version)
	}
	log.customer(s, op.ID)
	s.set(op.ID, nil)
	return customer.Written{ID: op.ID}, nil
}

// put stores c itself when the caller handed it over (owned), and a deep
// copy otherwise. An owned c is stamped with its ID, version and times in
// place; when the put or its batch fails, c is given back as it was, for a
// batch sent again.
func (s *Store) put(c *customer.Customer, owned bool, now time.Time, log *undoLog) (w customer.Written, err error) {
	nc := c
	if owned {
		was := stampOf(c)
		defer func() {
			if err != nil {
				was.restore(c)
			}
		}()
		log.owned(c, was)
	} else {
		nc = c.Clone()
	}
	nc.Groups = customer.SortedGroups(nc.Groups)
	var old *customer.Customer // the customer nc replaces
	if c.Version == 0 {
		if nc.ID == "" {
			s.nextID++
			nc.ID = formatID(s.nextID)
			for s.byID[nc.ID] != nil {
				s.nextID++
				nc.ID = formatID(s.nextID)
			}
		} else if s.byID[nc.ID] != nil {
			return customer.Written{}, fmt.Errorf("%w: cannot create %q, the ID is taken", customer.ErrConflict, nc.ID)
		}
		nc.Version, nc.CreatedAt = 1, now
	} else {
		old = s.byID[nc.ID]
		if old == nil {
			return customer.Written{}, fmt.Errorf("%w: id %q", customer.ErrNotFound, nc.ID)
		}
		if old.Version != nc.Version {
			return customer.Written{}, fmt.Errorf("%w: put of %q at version %d, stored version is %d", customer.ErrConflict, nc.ID, nc.Version, old.Version)
		}
		nc.Version, nc.CreatedAt = old.Version+1, old.CreatedAt
	}
	nc.UpdatedAt = now
	var buf [8]customer.IndexKey
	keys := s.keys(nc, buf[:])
	if err := s.checkUnique(nc.ID, keys); err != nil {
		return customer.Written{}, err
	}
	log.step(nc.ID, old)
	s.setKeyed(nc.ID, old, nc, keys)
	return customer.Written{ID: nc.ID, Version: nc.Version}, nil
}

// formatID returns the n-th generated customer ID: "c" and n in ten or
// more digits, so that IDs sort in the order they were made.
func formatID(n uint64) string {
	var b [24]byte
	digits := strconv.AppendUint(b[:0], n, 10)
	out := make([]byte, 0, 1+max(10, len(digits)))
	out = append(out, 'c')
	for range 10 - len(digits) {
		out = append(out, '0')
	}
	return string(append(out, digits...))
}

// NextNumber reserves the next number of list's sequence that no customer
// of the list holds.
func (s *Store) NextNumber(ctx context.Context, list string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		s.seq[list]++
		n := s.formatNumber(list, s.seq[list])
		if _, taken := s.holder(customer.IndexKey{Key: customer.KeyNumber, List: list, Value: n}); !taken {
			return n, nil
		}
	}
}

// IsBuyerNumber reports whether number is one of Options.BuyerNumbers.
func (s *Store) IsBuyerNumber(ctx context.Context, number string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	return s.buyers[number], nil
}

// undoLog records what a batch changed so a failure can restore it: the
// state of each customer and group before its change, in order, and what
// the store stamped on the customers callers handed over.
type undoLog struct {
	steps []undo
	given []given
}

// undo is one step of an undoLog: customer id as it was (nil: absent) or,
// when isGroup is set, group id as it was.
type undo struct {
	id       string
	customer *customer.Customer
	group    *groups.Group
	isGroup  bool
	hadGroup bool
}

// given is an owned customer with its stamp as it was handed over.
type given struct {
	c   *customer.Customer
	was stamp
}

// stamp is what a put writes on an owned customer.
type stamp struct {
	id                   string
	version              int64
	createdAt, updatedAt time.Time
	groups               []string
}

func stampOf(c *customer.Customer) stamp {
	return stamp{c.ID, c.Version, c.CreatedAt, c.UpdatedAt, c.Groups}
}

func (s stamp) restore(c *customer.Customer) {
	c.ID, c.Version, c.CreatedAt, c.UpdatedAt, c.Groups = s.id, s.version, s.createdAt, s.updatedAt, s.groups
}

// customer records the current state of customer id before a change.
func (l *undoLog) customer(s *Store, id string) { l.step(id, s.byID[id]) }

// step records that customer id was c (nil: absent) before a change.
func (l *undoLog) step(id string, c *customer.Customer) {
	l.steps = append(l.steps, undo{id: id, customer: c})
}

// group records the current state of group id before a change.
func (l *undoLog) group(s *Store, id string) {
	prev, had := s.groups[id]
	l.steps = append(l.steps, undo{id: id, group: prev, isGroup: true, hadGroup: had})
}

// owned records an owned customer's stamp as it was handed over.
func (l *undoLog) owned(c *customer.Customer, was stamp) {
	l.given = append(l.given, given{c, was})
}

// begin returns the log emptied for a batch.
func (l *undoLog) begin() *undoLog {
	l.steps, l.given = l.steps[:0], l.given[:0]
	return l
}

// end forgets the batch's customers, which the log would otherwise keep
// alive until the next batch.
func (l *undoLog) end() {
	clear(l.steps)
	clear(l.given)
}

func (l *undoLog) rollback(s *Store) {
	for i := len(l.steps) - 1; i >= 0; i-- {
		switch u := &l.steps[i]; {
		case !u.isGroup:
			s.set(u.id, u.customer)
		case u.hadGroup:
			s.groups[u.id] = u.group
		default:
			delete(s.groups, u.id)
		}
	}
	for _, g := range l.given {
		g.was.restore(g.c)
	}
}

// Constraints returns the uniqueness rules the store keeps, so that a dry
// run can check a write as the store would.
func (s *Store) Constraints() customer.Constraints {
	return customer.Constraints{UniqueEmail: s.cons.UniqueEmail, UniqueIdentifiers: slices.Clone(s.cons.UniqueIdentifiers)}
}
