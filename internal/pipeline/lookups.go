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
// written only after all of its rows are planned.
type Lookups struct {
	repo   customer.Repository
	finder customer.Finder
	// answers holds the Finder's answers of the batch, and at the place
	// of each in it by the index entry its lookup reads, so that two
	// lookups reading one entry (an identifier given with a list and
	// without) share an answer.
	answers []customer.Found
	at      map[customer.IndexKey]int
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

// Find answers lookup k as customer.Look does: the customer, or an error
// wrapping customer.ErrNotFound, customer.ErrAmbiguous, or the store's
// failure. The customer is the caller's own to change: a prefetched answer,
// which other lookups may share, is copied.
func (l *Lookups) Find(ctx context.Context, k customer.Lookup) (*customer.Customer, error) {
	i, ok := l.at[k.IndexKey()]
	if !ok {
		return customer.Look(ctx, l.repo, k)
	}
	a := l.answers[i]
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch {
	case a.Err != nil:
		return nil, a.Err
	case a.Customer == nil:
		return nil, errors.New("pipeline: the repository's Find gave neither a customer nor an error")
	}
	return a.Customer.Clone(), nil
}

// prefetch asks the Finder every lookup the items declare, replacing the
// answers of the batch before. Without a Finder it does nothing.
func (l *Lookups) prefetch(ctx context.Context, items []Item) error {
	return l.ask(ctx, func(add func(customer.Lookup)) {
		for i := range items {
			for _, k := range items[i].Lookups {
				add(k)
			}
		}
	})
}

// ask asks the Finder the lookups each gives, once each, replacing the
// answers held. Without a Finder it only forgets them.
func (l *Lookups) ask(ctx context.Context, each func(add func(customer.Lookup))) error {
	l.forget()
	if l.finder == nil {
		return nil
	}
	var ks []customer.Lookup
	at := make(map[customer.IndexKey]int)
	each(func(k customer.Lookup) {
		ik := k.IndexKey()
		if _, dup := at[ik]; !dup {
			at[ik] = len(ks)
			ks = append(ks, k)
		}
	})
	if len(ks) == 0 {
		return nil
	}
	found, err := l.finder.Find(ctx, ks)
	if err != nil {
		return err
	}
	if len(found) != len(ks) {
		return errors.New("pipeline: the repository's Find answered a different number of lookups than it was asked")
	}
	l.answers, l.at = found, at
	return nil
}

// forget drops the answers, which a write makes stale.
func (l *Lookups) forget() { l.answers, l.at = nil, nil }
