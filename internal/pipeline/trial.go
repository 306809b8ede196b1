package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/impexkit/impex/customer"
)

// A trial plays a dry run's writes against the store's rules without
// writing, so that a dry run rejects exactly the rows the store would
// refuse in the real run: a key a stored customer holds or an earlier row
// of the input took, an ID already taken, a customer an earlier row
// deleted; and accepts a key an earlier row freed by re-addressing or
// deleting its customer. It reads the store as the run began and keeps
// what the run would have changed since in its own maps. Version conflicts are left out: they come
// from other writers, whom a dry run cannot foresee.
type trial struct {
	look *Lookups
	cons customer.Constraints
	// held maps each key the run has touched to its holder as the run
	// leaves it: a customer ID, a created row's stand-in ID, or "" for a
	// key the run freed.
	held map[customer.IndexKey]string
	// current holds the customers the run changed, as it left them; nil
	// for one it deleted.
	current map[string]*customer.Customer
	created int
}

// constrained is implemented by repositories that tell which uniqueness
// rules they keep; a trial on any other repository keeps the built-in
// ones only.
type constrained interface {
	Constraints() customer.Constraints
}

func newTrial(look *Lookups) *trial {
	t := &trial{look: look, held: map[customer.IndexKey]string{}, current: map[string]*customer.Customer{}}
	if c, ok := look.repo.(constrained); ok {
		t.cons = c.Constraints()
	}
	return t
}

// prepare asks, at once when the store answers many lookups in one call,
// what checking ops will look up in the store.
func (t *trial) prepare(ctx context.Context, ops []customer.Op) error {
	return t.look.load(ctx, func(add func(customer.Lookup)) {
		for _, op := range ops {
			if op.Kind == customer.OpDelete {
				add(customer.Lookup{Key: customer.KeyID, Value: op.ID})
				continue
			}
			if op.Customer == nil {
				continue
			}
			if op.Customer.ID != "" {
				add(customer.Lookup{Key: customer.KeyID, Value: op.Customer.ID})
			}
			for _, k := range t.cons.Keys(op.Customer) {
				add(customer.Lookup{Key: k.Key, List: k.List, Value: k.Value})
			}
		}
	})
}

// check returns the error the store would give op after the ops checked
// before it, and on success plays op's effect on the keys.
func (t *trial) check(ctx context.Context, op customer.Op) error {
	if err := customer.CheckOp(op); err != nil {
		return err
	}
	if op.Kind == customer.OpDelete {
		old, err := t.stored(ctx, op.ID)
		if err != nil {
			return err
		}
		t.release(old)
		t.current[op.ID] = nil
		return nil
	}
	c := op.Customer
	id := c.ID
	var old *customer.Customer
	switch {
	case c.Version > 0:
		var err error
		if old, err = t.stored(ctx, c.ID); err != nil {
			return err
		}
	case id == "":
		t.created++
		id = fmt.Sprintf("%s%d", createdID, t.created)
	default:
		if _, err := t.stored(ctx, id); err == nil {
			return fmt.Errorf("%w: id %q is taken", customer.ErrConflict, id)
		} else if !errors.Is(err, customer.ErrNotFound) {
			return err
		}
	}
	keys := t.cons.Keys(c)
	var lookupErr error
	err := customer.FirstDuplicate(id, keys, func(k customer.IndexKey) (string, bool) {
		h, err := t.holder(ctx, k)
		if err != nil {
			lookupErr = err
		}
		if strings.HasPrefix(h, createdID) {
			return "", true // a customer an earlier row created
		}
		return h, h != ""
	})
	if lookupErr != nil {
		return lookupErr
	}
	if err != nil {
		return err
	}
	if old != nil {
		t.release(old)
	}
	for _, k := range keys {
		if k.Unique {
			t.held[k] = id
		}
	}
	t.current[id] = c
	return nil
}

// createdID begins the stand-in IDs of the customers a dry run creates; no
// repository assigns IDs that begin with a NUL byte.
const createdID = "\x00created "

// stored returns customer id as the run has left it, or an error wrapping
// customer.ErrNotFound.
func (t *trial) stored(ctx context.Context, id string) (*customer.Customer, error) {
	c, ok := t.current[id]
	if !ok {
		var err error
		if c, err = t.look.Find(ctx, customer.Lookup{Key: customer.KeyID, Value: id}); err != nil {
			return nil, err
		}
	}
	if c == nil {
		return nil, fmt.Errorf("%w: id %q", customer.ErrNotFound, id)
	}
	return c, nil
}

// release frees the keys c holds.
func (t *trial) release(c *customer.Customer) {
	for _, k := range t.cons.Keys(c) {
		if k.Unique {
			t.held[k] = ""
		}
	}
}

// holder returns the ID of the customer holding k as the run has left the
// store, or "".
func (t *trial) holder(ctx context.Context, k customer.IndexKey) (string, error) {
	if h, ok := t.held[k]; ok {
		return h, nil
	}
	return t.look.HolderID(ctx, customer.Lookup{Key: k.Key, List: k.List, Value: k.Value})
}
