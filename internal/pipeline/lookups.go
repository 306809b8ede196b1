package pipeline

import (
	"context"
	"errors"

	"github.com/impexkit/impex/customer"
)

// Lookups is the repository as the planning of rows sees it. A codec makes
// one with NewLookups, looks customers up through it while planning, and
// hands it to Run, which writes through its repository.
//
// When the repository is a customer.Finder, Run asks it, before planning a
// batch of items, every lookup the items declared (Item.Lookups) in one
// call, and Find answers from those answers until the batch is written. A
// lookup nobody declared goes to the repository, as every lookup does when
// the repository is no Finder. The answers are those of the store before
// the batch, which is what planning sees without them too: a batch is
// written only after all of its rows are planned. Run asks a batch's
// lookups while the batch before it is written, and asks again those the
// write may have changed (see runner.window).
type Lookups struct {
	repo   customer.Repository
	finder customer.Finder
	set    *answerSet // the batch's answers, nil without them
}

// answerSet is the Finder's answers to one batch's lookups, and at the
// place of each in them by the index entry its lookup reads, so that two
// lookups reading one entry (an identifier given with a list and without)
// share an answer.
type answerSet struct {
	lookups []customer.Lookup
	answers []customer.Found
	at      map[customer.IndexKey]int
}

// answer returns the answer to k, and false when s, which may be nil, has
// none.
func (s *answerSet) answer(k customer.Lookup) (customer.Found, bool) {
	if s == nil {
		return customer.Found{}, false
	}
	i, ok := s.at[k.IndexKey()]
	if !ok {
		return customer.Found{}, false
	}
	return s.answers[i], true
}

// NewLookups returns the Lookups of repo.
func NewLookups(repo customer.Repository) *Lookups {
	l := &Lookups{repo: repo}
	l.finder, _ = repo.(customer.Finder)
	return l
}

// Batched reports whether the repository answers declared lookups in
// batches; without that, codecs need not declare them.
func (l *Lookups) Batched() bool { return l.finder != nil }

// Find answers lookup k as customer.FindHolder does: the customer, nil
// when no customer holds the key, or an error wrapping
// customer.ErrAmbiguous or the store's failure. The customer is the
// caller's own to change: a prefetched answer, which other lookups may
// share, is copied.
func (l *Lookups) Find(ctx context.Context, k customer.Lookup) (*customer.Customer, error) {
	c, shared, err := l.find(ctx, k)
	if shared {
		c = c.Clone()
	}
	return c, err
}

// HolderID returns the ID of the customer holding the key k names, ""
// when none does, or Find's error. It copies nothing to read the ID.
func (l *Lookups) HolderID(ctx context.Context, k customer.Lookup) (string, error) {
	c, _, err := l.find(ctx, k)
	if c == nil || err != nil {
		return "", err
	}
	return c.ID, nil
}

// find is Find without the copy: shared says c is a prefetched answer,
// which other lookups may share and nobody may change.
func (l *Lookups) find(ctx context.Context, k customer.Lookup) (c *customer.Customer, shared bool, err error) {
	a, ok := l.set.answer(k)
	if !ok {
		c, err := customer.FindHolder(ctx, l.repo, k)
		return c, false, err
	}
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	switch {
	case errors.Is(a.Err, customer.ErrNotFound):
		return nil, false, nil
	case a.Err != nil:
		return nil, false, a.Err
	case a.Customer == nil:
		return nil, false, errors.New("pipeline: the repository's Find gave neither a customer nor an error")
	}
	return a.Customer, true, nil
}

// prefetch asks the Finder every lookup the items declare, replacing the
// answers of the batch before. Without a Finder it does nothing.
func (l *Lookups) prefetch(ctx context.Context, items []Item) error {
	return l.load(ctx, declared(items))
}

// load asks the Finder the lookups each gives, replacing the answers held.
// Without a Finder it only forgets them.
func (l *Lookups) load(ctx context.Context, each func(add func(customer.Lookup))) (err error) {
	l.set, err = l.fetch(ctx, each) // nil on an error
	return err
}

// declared gives the lookups the items declare.
func declared(items []Item) func(add func(customer.Lookup)) {
	return func(add func(customer.Lookup)) {
		for i := range items {
			for _, k := range items[i].Lookups {
				add(k)
			}
		}
	}
}

// fetch asks the Finder the lookups each gives, once each, and returns the
// answers: nil without a Finder or lookups. It leaves the answers held
// alone, so that it may run while the batch before is written.
func (l *Lookups) fetch(ctx context.Context, each func(add func(customer.Lookup))) (*answerSet, error) {
	if l.finder == nil {
		return nil, nil
	}
	set := &answerSet{at: make(map[customer.IndexKey]int)}
	each(func(k customer.Lookup) {
		ik := k.IndexKey()
		if _, dup := set.at[ik]; !dup {
			set.at[ik] = len(set.lookups)
			set.lookups = append(set.lookups, k)
		}
	})
	if len(set.lookups) == 0 {
		return nil, nil
	}
	found, err := l.ask(ctx, set.lookups)
	if err != nil {
		return nil, err
	}
	set.answers = found
	return set, nil
}

// ask asks the Finder the lookups.
func (l *Lookups) ask(ctx context.Context, ks []customer.Lookup) ([]customer.Found, error) {
	found, err := l.finder.Find(ctx, ks)
	if err != nil {
		return nil, err
	}
	if len(found) != len(ks) {
		return nil, errors.New("pipeline: the repository's Find answered a different number of lookups than it was asked")
	}
	return found, nil
}

// use makes set, fetched before a write, the batch's answers, asking again
// the lookups whose answers the write may have changed (see changes.stale).
func (l *Lookups) use(ctx context.Context, set *answerSet, ch *changes) error {
	l.forget()
	if set == nil {
		return nil
	}
	var again []int
	var ks []customer.Lookup
	for i, k := range set.lookups {
		if ch.stale(k.IndexKey(), set.answers[i]) {
			again, ks = append(again, i), append(ks, k)
		}
	}
	if len(again) > 0 {
		found, err := l.ask(ctx, ks)
		if err != nil {
			return err
		}
		for j, i := range again {
			set.answers[i] = found[j]
		}
	}
	l.set = set
	return nil
}

// forget drops the answers, which a write makes stale.
func (l *Lookups) forget() { l.set = nil }

// changes is what a write changed that lookups may read: the keys of the
// customers it put, the IDs of the customers it put, created or deleted,
// and whether it removed keys (an update or a delete), which can leave a
// shared key with one holder.
type changes struct {
	keys    map[customer.IndexKey]bool // with Unique false, as lookups read them
	ids     map[string]bool
	removed bool
}

func newChanges() *changes {
	return &changes{keys: make(map[customer.IndexKey]bool), ids: make(map[string]bool)}
}

// op records what op will change. It reads op's customer, so it is called
// before the write, which may take the customer over.
func (ch *changes) op(op customer.Op, update bool) {
	switch op.Kind {
	case customer.OpDelete:
		ch.ids[op.ID] = true
		ch.removed = true
	case customer.OpPut:
		c := op.Customer
		if c.ID != "" {
			ch.ids[c.ID] = true
		}
		ch.removed = ch.removed || update
		var keys [8]customer.IndexKey
		for _, k := range (customer.Constraints{}).AppendKeys(keys[:0], c) {
			k.Unique = false
			ch.keys[k] = true
		}
	}
}

// created records the ID the write gave a new customer.
func (ch *changes) created(id string) { ch.ids[id] = true }

// stale reports whether the answer a, to the lookup reading index entry k,
// was asked before the write and may have changed with it.
func (ch *changes) stale(k customer.IndexKey, a customer.Found) bool {
	switch {
	case ch.keys[k], k.Key == customer.KeyID && ch.ids[k.Value]:
		return true
	case a.Customer != nil:
		return ch.ids[a.Customer.ID]
	case a.Err != nil && !errors.Is(a.Err, customer.ErrNotFound):
		return ch.removed // an ambiguous key may have lost a holder
	}
	return false
}
