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
// refuse in the real run: a key a stored customer holds, one an earlier row
// of the input took, or one it freed by re-addressing or deleting its
// customer, an ID already taken, a customer deleted earlier in the run. It
// reads the store as the run began and keeps what the run would have
// changed since in its own maps. Version conflicts are left out: they come
// from other writers, whom a dry run cannot foresee.
type trial struct {
	repo customer.Repository
	cons customer.Constraints
	// held maps each key the run has touched to its holder as the run
	// leaves it: a customer ID, a created row's stand-in ID, or "" for a
	// key the run freed.
	held map[storeKey]string
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

func newTrial(repo customer.Repository) *trial {
	t := &trial{repo: repo, held: map[storeKey]string{}, current: map[string]*customer.Customer{}}
	if c, ok := repo.(constrained); ok {
		t.cons = c.Constraints()
	}
	return t
}

// check returns the error the store would give op after the ops checked
// before it, and on success plays op's effect on the keys.
func (t *trial) check(ctx context.Context, op customer.Op) error {
	switch op.Kind {
	case customer.OpDelete:
		old, err := t.stored(ctx, op.ID)
		if err != nil {
			return err
		}
		t.release(old)
		t.current[op.ID] = nil
		return nil
	case customer.OpPut:
		c := op.Customer
		id := c.ID
		var old *customer.Customer
		if c.Version > 0 {
			var err error
			if old, err = t.stored(ctx, c.ID); err != nil {
				return err
			}
		} else if id == "" {
			t.created++
			id = fmt.Sprintf("\x00row %d", t.created)
		} else if _, err := t.stored(ctx, id); err == nil {
			return fmt.Errorf("%w: id %q is taken", customer.ErrConflict, id)
		} else if !errors.Is(err, customer.ErrNotFound) {
			return err
		}
		own := make([]storeKey, 0, 8)
		for _, k := range uniqueKeys(t.cons, c) {
			for _, o := range own {
				if o == k {
					return &customer.DuplicateError{Key: k.key, List: k.list, Value: k.value, Holder: c.ID}
				}
			}
			own = append(own, k)
			h, err := t.holder(ctx, k)
			if err != nil {
				return err
			}
			if h != "" && h != id {
				if strings.HasPrefix(h, "\x00") {
					h = ""
				}
				return &customer.DuplicateError{Key: k.key, List: k.list, Value: k.value, Holder: h}
			}
		}
		if old != nil {
			t.release(old)
		}
		for _, k := range own {
			t.held[k] = id
		}
		t.current[id] = c
		return nil
	}
	return fmt.Errorf("%w: unknown operation %d", customer.ErrInvalid, op.Kind)
}

// stored returns customer id as the run has left it, or an error wrapping
// customer.ErrNotFound.
func (t *trial) stored(ctx context.Context, id string) (*customer.Customer, error) {
	if c, ok := t.current[id]; ok {
		if c == nil {
			return nil, fmt.Errorf("%w: id %q", customer.ErrNotFound, id)
		}
		return c, nil
	}
	return t.repo.Get(ctx, id)
}

// release frees the keys c holds.
func (t *trial) release(c *customer.Customer) {
	for _, k := range uniqueKeys(t.cons, c) {
		t.held[k] = ""
	}
}

// holder returns the ID of the customer holding k as the run has left the
// store, or "".
func (t *trial) holder(ctx context.Context, k storeKey) (string, error) {
	if h, ok := t.held[k]; ok {
		return h, nil
	}
	var c *customer.Customer
	var err error
	switch k.key {
	case customer.KeyNumber:
		c, err = t.repo.ByNumber(ctx, k.list, k.value)
	case customer.KeyLogin:
		c, err = t.repo.ByLogin(ctx, k.list, k.value)
	case customer.KeyEmail:
		c, err = t.repo.ByEmail(ctx, k.list, k.value)
	default:
		c, err = t.repo.ByIdentifier(ctx, customer.Identifier{Type: customer.IdentifierType(k.key), Value: k.value})
	}
	switch {
	case errors.Is(err, customer.ErrNotFound):
		return "", nil
	case err != nil:
		return "", err
	}
	return c.ID, nil
}

// storeKey is one unique key of a customer.
type storeKey struct {
	key   customer.Key
	list  string
	value string
}

// uniqueKeys lists the unique keys of c under cons.
// TODO(keys): replace with the domain's derivation.
func uniqueKeys(cons customer.Constraints, c *customer.Customer) []storeKey {
	var out []storeKey
	if c.Number != "" {
		out = append(out, storeKey{customer.KeyNumber, c.List, c.Number})
	}
	if l := c.Credentials.Login; l != "" {
		out = append(out, storeKey{customer.KeyLogin, c.List, l})
	}
	if e := c.Profile.Email; e != "" && cons.UniqueEmail {
		out = append(out, storeKey{customer.KeyEmail, c.List, strings.ToLower(e)})
	}
	ids := &c.Identifiers
	for _, card := range ids.Cards {
		if card != "" {
			out = append(out, storeKey{customer.Key(customer.IdentCard), "", card})
		}
	}
	if ids.SSNHash != "" {
		out = append(out, storeKey{customer.Key(customer.IdentSSNHash), "", ids.SSNHash})
	}
	if ids.ExternalID != "" {
		out = append(out, storeKey{customer.Key(customer.IdentExternal), "", ids.ExternalID})
	}
	for _, t := range cons.UniqueIdentifiers {
		if v := ids.Custom[t]; v != "" {
			out = append(out, storeKey{customer.Key(t), "", v})
		}
	}
	return out
}
