package repotest

import (
	"context"
	"errors"
	"iter"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/groups"
)

// The suite has teeth only if a store that breaks a clause fails it. Each
// faulty store below wraps memstore and breaks one promise the way real
// implementations get it wrong; the test runs every clause against it and
// checks that the clause naming that promise fails.

func newMem(env Env) *memstore.Store {
	return memstore.New(memstore.Options{Constraints: env.Constraints, Now: env.Now, BuyerNumbers: env.BuyerNumbers})
}

// nonAtomic applies a batch one operation at a time, keeping the ones before
// a failure.
type nonAtomic struct{ *memstore.Store }

func (s nonAtomic) Write(ctx context.Context, ops []customer.Op) ([]customer.Written, error) {
	var out []customer.Written
	for i, op := range ops {
		w, err := s.Store.Write(ctx, []customer.Op{op})
		if err != nil {
			var be *customer.BatchError
			if errors.As(err, &be) {
				be.Index = i
			}
			return nil, err
		}
		out = append(out, w...)
	}
	return out, nil
}

// ignoredVersion overwrites whatever version is stored.
type ignoredVersion struct{ *memstore.Store }

func (s ignoredVersion) Write(ctx context.Context, ops []customer.Op) ([]customer.Written, error) {
	ops = slices.Clone(ops)
	for i, op := range ops {
		if op.Kind == customer.OpPut && op.Customer.Version > 0 {
			if cur, err := s.Store.Get(ctx, op.Customer.ID); err == nil {
				c := op.Customer.Clone()
				c.Version = cur.Version
				ops[i] = customer.Put(c)
			}
		}
	}
	return s.Store.Write(ctx, ops)
}

// noUniqueness quietly drops an operation that would duplicate a key and
// reports success.
type noUniqueness struct{ *memstore.Store }

func (s noUniqueness) Write(ctx context.Context, ops []customer.Op) ([]customer.Written, error) {
	for {
		w, err := s.Store.Write(ctx, ops)
		var be *customer.BatchError
		if !errors.Is(err, customer.ErrDuplicate) || !errors.As(err, &be) {
			return w, err
		}
		ops = slices.Delete(slices.Clone(ops), be.Index, be.Index+1)
	}
}

// nilNotFound returns no customer and no error for an unknown ID.
type nilNotFound struct{ *memstore.Store }

func (s nilNotFound) Get(ctx context.Context, id string) (*customer.Customer, error) {
	c, err := s.Store.Get(ctx, id)
	if errors.Is(err, customer.ErrNotFound) {
		return nil, nil
	}
	return c, err
}

// unordered lists newest first, as a careless ORDER BY does.
type unordered struct{ *memstore.Store }

func (s unordered) List(ctx context.Context, f customer.Filter) iter.Seq2[*customer.Customer, error] {
	return func(yield func(*customer.Customer, error) bool) {
		var all []*customer.Customer
		for c, err := range s.Store.List(ctx, f) {
			if err != nil {
				yield(nil, err)
				return
			}
			all = append(all, c)
		}
		slices.Reverse(all)
		for _, c := range all {
			if !yield(c, nil) {
				return
			}
		}
	}
}

// kindBlind ignores the kind filter.
type kindBlind struct{ *memstore.Store }

func (s kindBlind) List(ctx context.Context, f customer.Filter) iter.Seq2[*customer.Customer, error] {
	f.Kind = 0
	return s.Store.List(ctx, f)
}

// contextBlind writes even when the caller has given up.
type contextBlind struct{ *memstore.Store }

func (s contextBlind) Write(_ context.Context, ops []customer.Op) ([]customer.Written, error) {
	return s.Store.Write(context.Background(), ops)
}

// naiveSequence counts per list without looking at the numbers in use.
type naiveSequence struct {
	*memstore.Store
	mu  *sync.Mutex
	seq map[string]int
}

func (s naiveSequence) NextNumber(_ context.Context, list string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq[list]++
	return strconv.Itoa(s.seq[list]), nil
}

// nonAtomicGroups applies a group batch one operation at a time.
type nonAtomicGroups struct{ *memstore.Store }

func (s nonAtomicGroups) WriteGroups(ctx context.Context, ops []groups.Op) error {
	for i, op := range ops {
		if err := s.Store.WriteGroups(ctx, []groups.Op{op}); err != nil {
			var be *groups.BatchError
			if errors.As(err, &be) {
				be.Index = i
			}
			return err
		}
	}
	return nil
}

// deleteDropsMembers removes a group's memberships when the group is deleted.
type deleteDropsMembers struct{ *memstore.Store }

func (s deleteDropsMembers) WriteGroups(ctx context.Context, ops []groups.Op) error {
	var expanded []groups.Op
	for _, op := range ops {
		if op.Kind == groups.OpDelete {
			for c, err := range s.Store.List(ctx, customer.Filter{Group: op.GroupID}) {
				if err != nil {
					return err
				}
				expanded = append(expanded, groups.Unassign(op.GroupID, c.ID))
			}
		}
		expanded = append(expanded, op)
	}
	return s.Store.WriteGroups(ctx, expanded)
}

// refuse returns the batch error of op i refused with err.
func refuse(ops []customer.Op, i int, err error) error {
	return &customer.BatchError{Index: i, Op: ops[i], Err: err}
}

// holderOf returns the ID of the stored customer holding k, or "".
func holderOf(ctx context.Context, r customer.Repository, k customer.IndexKey) string {
	var c *customer.Customer
	var err error
	switch k.Key {
	case customer.KeyNumber:
		c, err = r.ByNumber(ctx, k.List, k.Value)
	case customer.KeyLogin:
		c, err = r.ByLogin(ctx, k.List, k.Value)
	case customer.KeyEmail:
		c, err = r.ByEmail(ctx, k.List, k.Value)
	default:
		c, err = r.ByIdentifier(ctx, customer.Identifier{Type: customer.IdentifierType(k.Key), Value: k.Value})
	}
	if err != nil {
		return ""
	}
	return c.ID
}

// emptyCardIndexed indexes an empty card slot as a card, so that two
// customers with one each collide.
type emptyCardIndexed struct{ *memstore.Store }

func (s emptyCardIndexed) Write(ctx context.Context, ops []customer.Op) ([]customer.Written, error) {
	for i, op := range ops {
		if op.Kind != customer.OpPut || !slices.Contains(op.Customer.Identifiers.Cards, "") {
			continue
		}
		for c, err := range s.Store.List(ctx, customer.Filter{}) {
			if err == nil && c.ID != op.Customer.ID && slices.Contains(c.Identifiers.Cards, "") {
				return nil, refuse(ops, i, &customer.DuplicateError{Key: customer.Key(customer.IdentCard), Holder: c.ID})
			}
		}
	}
	return s.Store.Write(ctx, ops)
}

// lastKeyFirst checks a put's unique keys from the last to the first, so
// that of several collisions it names the last.
type lastKeyFirst struct {
	*memstore.Store
	cons customer.Constraints
}

func (s lastKeyFirst) Write(ctx context.Context, ops []customer.Op) ([]customer.Written, error) {
	for i, op := range ops {
		if op.Kind != customer.OpPut {
			continue
		}
		keys := s.cons.Keys(op.Customer)
		slices.Reverse(keys)
		for _, k := range keys {
			if h := holderOf(ctx, s.Store, k); k.Unique && h != "" && h != op.Customer.ID {
				return nil, refuse(ops, i, &customer.DuplicateError{Key: k.Key, List: k.List, Value: k.Value, Holder: h})
			}
		}
	}
	return s.Store.Write(ctx, ops)
}

// builtInNamesUnique treats a custom identifier type named like a built-in
// one as unique whatever the constraints say, as the built-in type is.
type builtInNamesUnique struct{ *memstore.Store }

func (s builtInNamesUnique) Write(ctx context.Context, ops []customer.Op) ([]customer.Written, error) {
	for i, op := range ops {
		if op.Kind != customer.OpPut {
			continue
		}
		for t, v := range op.Customer.Identifiers.Custom {
			switch customer.IdentifierType(t) {
			case customer.IdentCard, customer.IdentSSNHash, customer.IdentExternal:
				k := customer.IndexKey{Key: customer.Key(t), Value: v, Unique: true}
				if h := holderOf(ctx, s.Store, k); v != "" && h != "" && h != op.Customer.ID {
					return nil, refuse(ops, i, &customer.DuplicateError{Key: k.Key, Value: v, Holder: h})
				}
			}
		}
	}
	return s.Store.Write(ctx, ops)
}

// finding is a store whose Find asks the lookup methods one by one: the
// plainest correct customer.Finder, which memstore has no need to be.
type finding struct{ Store }

func (s finding) Find(ctx context.Context, ls []customer.Lookup) ([]customer.Found, error) {
	out := make([]customer.Found, len(ls))
	for i, l := range ls {
		c, err := customer.Look(ctx, s.Store, l)
		if err != nil && !errors.Is(err, customer.ErrNotFound) && !errors.Is(err, customer.ErrAmbiguous) {
			return nil, err
		}
		out[i] = customer.Found{Customer: c, Err: err}
	}
	return out, nil
}

// missAsErrorHolders answers FindHolder as the lookup methods do, a free
// key with ErrNotFound instead of nil.
type missAsErrorHolders struct{ *memstore.Store }

func (s missAsErrorHolders) FindHolder(ctx context.Context, l customer.Lookup) (*customer.Customer, error) {
	return customer.Look(ctx, s.Store, l)
}

// listBlindHolders answers FindHolder in the default list.
type listBlindHolders struct{ *memstore.Store }

func (s listBlindHolders) FindHolder(ctx context.Context, l customer.Lookup) (*customer.Customer, error) {
	l.List = ""
	return s.Store.FindHolder(ctx, l)
}

// listBlindFinder answers every lookup in the default list.
type listBlindFinder struct{ finding }

func (s listBlindFinder) Find(ctx context.Context, ls []customer.Lookup) ([]customer.Found, error) {
	blind := slices.Clone(ls)
	for i := range blind {
		blind[i].List = ""
	}
	return s.finding.Find(ctx, blind)
}

// missingFinder reports every customer it finds as not found: an index
// it never consults.
type missingFinder struct{ finding }

func (s missingFinder) Find(ctx context.Context, ls []customer.Lookup) ([]customer.Found, error) {
	found, err := s.finding.Find(ctx, ls)
	for i := range found {
		if found[i].Customer != nil {
			found[i] = customer.Found{Err: customer.ErrNotFound}
		}
	}
	return found, err
}

// ownedInPlace stamps an owned put's customer with its new version, as a
// store keeping the given customer itself would.
type ownedInPlace struct{ Store }

func (s ownedInPlace) Write(ctx context.Context, ops []customer.Op) ([]customer.Written, error) {
	for _, op := range ops {
		if op.Owned && op.Customer != nil {
			op.Customer.Version++
		}
	}
	return s.Store.Write(ctx, ops)
}

func TestFaultyStoresFailTheClauseTheyBreak(t *testing.T) {
	for _, tc := range []struct {
		fault  string
		store  func(env Env) Store
		clause string
	}{
		{"a batch applied operation by operation", func(e Env) Store { return nonAtomic{newMem(e)} },
			"A batch with one failing operation changes nothing and names that operation"},
		{"a put that ignores the version", func(e Env) Store { return ignoredVersion{newMem(e)} },
			"Put with a stale version fails with ErrConflict and changes nothing"},
		{"a put that ignores the version, under concurrency", func(e Env) Store { return ignoredVersion{newMem(e)} },
			"Concurrent writers of one customer lose no update and see conflicts instead of corruption"},
		{"a write that drops duplicates silently", func(e Env) Store { return noUniqueness{newMem(e)} },
			"Customer numbers are unique within a list and may repeat across lists"},
		{"a write that drops duplicates silently, for cards", func(e Env) Store { return noUniqueness{newMem(e)} },
			"Cards, SSN hashes and external IDs are unique across the whole store"},
		{"a write that drops duplicates silently, for e-mail", func(e Env) Store { return noUniqueness{newMem(e)} },
			"E-mail addresses are unique within a list ignoring case when the constraints say so"},
		{"a lookup returning nil for an unknown ID", func(e Env) Store { return nilNotFound{newMem(e)} },
			"Get of an unknown ID fails with ErrNotFound"},
		{"a listing in reverse order", func(e Env) Store { return unordered{newMem(e)} },
			"List with the zero filter yields every customer in ID order, the same order every time"},
		{"a listing ignoring the kind filter", func(e Env) Store { return kindBlind{newMem(e)} },
			"List filters by kind, credit allowed, update time, group, list and free text, alone and combined"},
		{"a write ignoring cancellation", func(e Env) Store { return contextBlind{newMem(e)} },
			"Write with a cancelled context writes nothing"},
		{"a sequence blind to numbers in use", func(e Env) Store {
			return naiveSequence{newMem(e), new(sync.Mutex), map[string]int{}}
		}, "NextNumber never returns a number twice and skips numbers in use, per list"},
		{"a group batch applied operation by operation", func(e Env) Store { return nonAtomicGroups{newMem(e)} },
			"A group batch with one failing operation changes nothing and names that operation"},
		{"a group delete that drops memberships", func(e Env) Store { return deleteDropsMembers{newMem(e)} },
			"Deleting or replacing a static group keeps its memberships"},
		{"an empty card slot indexed as a card", func(e Env) Store { return emptyCardIndexed{newMem(e)} },
			"An empty card slot holds no key"},
		{"keys checked from the last to the first", func(e Env) Store { return lastKeyFirst{newMem(e), e.Constraints} },
			"A duplicate is always reported for the same key, in key order"},
		{"a custom type named like a built-in one always unique", func(e Env) Store { return builtInNamesUnique{newMem(e)} },
			"A custom identifier type named like a built-in one follows the Constraints"},
		{"an owned put kept and stamped in place", func(e Env) Store { return ownedInPlace{newMem(e)} },
			"An owned put stores the customer as given and leaves it unchanged, so a failed batch can be sent again"},
		{"a Find that ignores the list", func(e Env) Store { return listBlindFinder{finding{newMem(e)}} },
			"Find answers each lookup in order as the lookup method it names does"},
		{"a Find that finds nobody", func(e Env) Store { return missingFinder{finding{newMem(e)}} },
			"Find answers each lookup in order as the lookup method it names does"},
		{"a FindHolder that reports a free key as ErrNotFound", func(e Env) Store { return missAsErrorHolders{newMem(e)} },
			"FindHolder answers as the lookup method does, with nil and no error for a free key"},
		{"a FindHolder that ignores the list", func(e Env) Store { return listBlindHolders{newMem(e)} },
			"FindHolder answers as the lookup method does, with nil and no error for a free key"},
	} {
		t.Run(tc.fault, func(t *testing.T) {
			c, ok := findClause(tc.clause)
			if !ok {
				t.Fatalf("no clause is named %q", tc.clause)
			}
			r := runRecorded(c, tc.store)
			if !r.Failed() {
				t.Fatalf("the store with %s passed clause %q", tc.fault, tc.clause)
			}
			t.Logf("clause %q reported: %s", tc.clause, strings.Join(r.messages, "; "))
		})
	}
}

func TestMemstorePassesEveryClauseUnderTheRecorder(t *testing.T) {
	for _, c := range append(slices.Clone(repositoryClauses), groupClauses...) {
		store := func(e Env) Store { return newMem(e) }
		if _, finder := any(newMem(Env{})).(customer.Finder); !finder && strings.HasPrefix(c.name, "Find ") {
			// memstore is no customer.Finder, its lookups costing no
			// round trip, so the Finder clause runs on it through finding.
			store = func(e Env) Store { return finding{newMem(e)} }
		}
		if r := runRecorded(c, store); r.Failed() || r.skipped {
			t.Errorf("clause %q: failed %v skipped %v: %s", c.name, r.Failed(), r.skipped, strings.Join(r.messages, "; "))
		}
	}
}

func TestClauseNamesAreUnique(t *testing.T) {
	seen := make(map[string]bool)
	for _, c := range append(slices.Clone(repositoryClauses), groupClauses...) {
		if seen[c.name] {
			t.Errorf("two clauses are named %q", c.name)
		}
		seen[c.name] = true
	}
}

func findClause(name string) (clause, bool) {
	for _, c := range append(slices.Clone(repositoryClauses), groupClauses...) {
		if c.name == name {
			return c, true
		}
	}
	return clause{}, false
}
