package pipeline_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/internal/pipeline"
	"github.com/impexkit/impex/validate"
)

// lateFinder is a memstore that answers lookups in batches and holds its
// n-th write back until it has answered n+1 Finds, so that the second
// batch's lookups, asked while the first batch is written, are answered
// as the store was before that write: the worst moment for a store that
// finds while it writes. (Later writes may find the count reached by the
// lookups asked again; their batches' answers are then stale or not, as
// the goroutines run.)
type lateFinder struct {
	*memstore.Store
	mu     sync.Mutex
	finds  int
	writes int
}

func (f *lateFinder) Find(ctx context.Context, ls []customer.Lookup) ([]customer.Found, error) {
	out := make([]customer.Found, len(ls))
	for i, l := range ls {
		out[i].Customer, out[i].Err = customer.Look(ctx, f.Store, l)
	}
	f.mu.Lock()
	f.finds++
	f.mu.Unlock()
	return out, nil
}

// Write waits for the lookups of the next batch (there is none after the
// last: the timeout), then writes.
func (f *lateFinder) Write(ctx context.Context, ops []customer.Op) ([]customer.Written, error) {
	f.mu.Lock()
	f.writes++
	n := f.writes
	f.mu.Unlock()
	for deadline := time.Now().Add(200 * time.Millisecond); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		f.mu.Lock()
		answered := f.finds > n
		f.mu.Unlock()
		if answered {
			break
		}
	}
	return f.Store.Write(ctx, ops)
}

// lookupRow is a row that finds its customer by a number or a card, and
// sets a first name, a last name or a card.
type lookupRow struct {
	by                customer.Lookup
	first, last, card string
}

func lookupItems(look *pipeline.Lookups, rows []lookupRow) func(func(pipeline.Item, error) bool) {
	return func(yield func(pipeline.Item, error) bool) {
		for i, r := range rows {
			where := validate.Where{Sheet: "test", Row: i + 2}
			it := pipeline.Item{Where: where, Lookups: []customer.Lookup{r.by}}
			it.Plan = func(ctx context.Context) (pipeline.Plan, []validate.Issue, error) {
				old, err := look.Find(ctx, r.by)
				if old == nil && err == nil {
					c := &customer.Customer{Kind: customer.KindPerson, Profile: customer.Profile{FirstName: r.first, LastName: r.last}}
					if r.card != "" {
						c.Identifiers.Cards = []string{r.card}
					}
					return pipeline.Plan{Action: impex.ActionCreate, Op: customer.Put(c)}, nil, nil
				}
				if err != nil {
					return pipeline.Plan{}, nil, err
				}
				next := old.Clone()
				if r.first != "" {
					next.Profile.FirstName = r.first
				}
				if r.last != "" {
					next.Profile.LastName = r.last
				}
				if cmp.Equal(old, next) {
					return pipeline.Plan{Action: impex.ActionUnchanged, CustomerID: old.ID}, nil, nil
				}
				return pipeline.Plan{Action: impex.ActionUpdate, Op: customer.Put(next), CustomerID: old.ID}, nil, nil
			}
			if !yield(it, nil) {
				return
			}
		}
	}
}

// A store that finds while it writes is asked the next batch's lookups
// during the write; the answers the write changed are asked again, so
// rows are planned as they are against a store that does one thing at a
// time: a customer updated in one batch and reached by another key in the
// next is updated again, not refused as a conflict, and a customer created
// in one batch is found in the next.
func TestLookupsAskedDuringAWriteSeeItsChanges(t *testing.T) {
	rows := []lookupRow{
		{by: customer.Lookup{Key: customer.KeyNumber, Value: "1"}, first: "Aino"},
		{by: customer.Lookup{Key: customer.Key(customer.IdentCard), Value: "C9"}, first: "New", card: "C9"},
		{by: customer.Lookup{Key: customer.Key(customer.IdentCard), Value: "C1"}, last: "Virtanen"},
		{by: customer.Lookup{Key: customer.Key(customer.IdentCard), Value: "C9"}, first: "New"},
		{by: customer.Lookup{Key: customer.Key(customer.IdentCard), Value: "C2"}, first: "Eero"},
		{by: customer.Lookup{Key: customer.KeyNumber, Value: "1"}, first: "Aino", last: "Virtanen"},
	}
	seed := func() *memstore.Store {
		s := memstore.New(memstore.Options{})
		for _, n := range []string{"1", "2"} {
			c := &customer.Customer{Kind: customer.KindPerson, Number: n, Identifiers: customer.Identifiers{Cards: []string{"C" + n}}}
			if _, err := s.Write(context.Background(), []customer.Op{customer.Put(c)}); err != nil {
				t.Fatal(err)
			}
		}
		return s
	}
	run := func(repo customer.Repository) (*impex.Result, []*customer.Customer) {
		look := pipeline.NewLookups(repo)
		res, err := pipeline.Run(context.Background(), look, lookupItems(look, rows), impex.Options{BatchSize: 2}, 0)
		if err != nil {
			t.Fatal(err)
		}
		var all []*customer.Customer
		for c, err := range repo.List(context.Background(), customer.Filter{}) {
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, c)
		}
		return res, all
	}
	late := &lateFinder{Store: seed()}
	got, gotStore := run(late)
	want, wantStore := run(seed()) // memstore alone is no Finder: one thing at a time
	if late.finds < 3 {
		t.Fatalf("the Finder was asked %d times, not once a batch", late.finds)
	}
	if diff := cmp.Diff(actions(want), actions(got)); diff != "" {
		t.Errorf("actions differ from a store that does one thing at a time (-want +got):\n%s", diff)
	}
	if got.Rejected != 0 {
		t.Errorf("%d rows rejected: %v", got.Rejected, got.Report.Issues())
	}
	ignoreTimes := cmpopts.IgnoreFields(customer.Customer{}, "CreatedAt", "UpdatedAt")
	if diff := cmp.Diff(wantStore, gotStore, ignoreTimes); diff != "" {
		t.Errorf("the stores differ (-one thing at a time +finding while writing):\n%s", diff)
	}
}
