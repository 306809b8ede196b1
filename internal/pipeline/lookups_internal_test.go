package pipeline

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
)

// sharingFinder answers every lookup with one shared customer, as a Finder
// may when lookups name the same one, or with fewer answers than asked.
type sharingFinder struct {
	*memstore.Store
	c     *customer.Customer
	short bool
}

func (f sharingFinder) Find(_ context.Context, ls []customer.Lookup) ([]customer.Found, error) {
	out := make([]customer.Found, len(ls))
	for i := range out {
		out[i].Customer = f.c
	}
	if f.short {
		out = out[1:]
	}
	return out, nil
}

func TestLookupsGiveEachCallerACustomerOfItsOwn(t *testing.T) {
	ctx := context.Background()
	shared := &customer.Customer{ID: "c1", Kind: customer.KindPerson, Number: "1"}
	l := NewLookups(sharingFinder{Store: memstore.New(memstore.Options{}), c: shared})
	byID := customer.Lookup{Key: customer.KeyID, Value: "c1"}
	byNumber := customer.Lookup{Key: customer.KeyNumber, Value: "1"}
	if err := l.prefetch(ctx, []Item{{Lookups: []customer.Lookup{byID}}, {Lookups: []customer.Lookup{byNumber, byID}}}); err != nil {
		t.Fatal(err)
	}
	first, err1 := l.Find(ctx, byID)
	second, err2 := l.Find(ctx, byNumber)
	third, err3 := l.Find(ctx, byID)
	if err := errors.Join(err1, err2, err3); err != nil {
		t.Fatal(err)
	}
	answers := []*customer.Customer{first, second, third}
	for i, c := range answers {
		if c == shared || slices.Contains(answers[i+1:], c) {
			t.Fatalf("answers share a customer: %p %p %p (the Finder's %p)", first, second, third, shared)
		}
	}
	first.Profile.FirstName = "changed"
	if shared.Profile.FirstName != "" || third.Profile.FirstName != "" {
		t.Fatal("changing one answer changed the Finder's customer or another answer")
	}
	l.forget()
	if c, err := l.Find(ctx, byID); c != nil || err != nil {
		t.Fatalf("after forget, Find went to the store and got %v, %v; want no customer and no error", c, err)
	}
}

func TestLookupsRefuseAFinderThatAnswersTooFew(t *testing.T) {
	l := NewLookups(sharingFinder{Store: memstore.New(memstore.Options{}), c: &customer.Customer{ID: "c1"}, short: true})
	err := l.prefetch(context.Background(), []Item{{Lookups: []customer.Lookup{{Key: customer.KeyID, Value: "a"}, {Key: customer.KeyID, Value: "b"}}}})
	if err == nil {
		t.Fatal("a Finder answering one of two lookups was taken at its word")
	}
}
