package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/internal/pipeline"
	"github.com/impexkit/impex/validate"
)

// change is a row that creates, re-addresses or deletes the customer with
// its number; only the number is an in-file key, so e-mail collisions are
// for the store to find.
type change struct {
	number, email, card string
	delete              bool
}

func changes(repo customer.Repository, rows []change) iter.Seq2[pipeline.Item, error] {
	return func(yield func(pipeline.Item, error) bool) {
		for i, r := range rows {
			where := validate.Where{Sheet: "test", Row: i + 2}
			it := pipeline.Item{Where: where, Keys: []pipeline.Key{{Kind: "number", Value: r.number}}}
			it.Plan = func(ctx context.Context) (pipeline.Plan, []validate.Issue, error) {
				old, err := repo.ByNumber(ctx, "", r.number)
				switch {
				case errors.Is(err, customer.ErrNotFound):
					if r.delete {
						return pipeline.Plan{}, []validate.Issue{validate.New(validate.CodeUnknownCustomer, where)}, nil
					}
					c := &customer.Customer{Kind: customer.KindPerson, Number: r.number, Profile: customer.Profile{Email: r.email}}
					if r.card != "" {
						c.Identifiers.Cards = []string{r.card}
					}
					return pipeline.Plan{Action: impex.ActionCreate, Op: customer.Put(c)}, nil, nil
				case err != nil:
					return pipeline.Plan{}, nil, err
				case r.delete:
					return pipeline.Plan{Action: impex.ActionDelete, Op: customer.Delete(old.ID, old.Version), CustomerID: old.ID}, nil, nil
				case old.Profile.Email == r.email && (len(old.Identifiers.Cards) > 0) == (r.card != "") && (r.card == "" || old.Identifiers.Cards[0] == r.card):
					return pipeline.Plan{Action: impex.ActionUnchanged, CustomerID: old.ID}, nil, nil
				}
				next := old.Clone()
				next.Profile.Email = r.email
				next.Identifiers.Cards = nil
				if r.card != "" {
					next.Identifiers.Cards = []string{r.card}
				}
				return pipeline.Plan{Action: impex.ActionUpdate, Op: customer.Put(next), CustomerID: old.ID}, nil, nil
			}
			if !yield(it, nil) {
				return
			}
		}
	}
}

// TestADryRunPlansWhatTheRealRunDoes runs random inputs against a store
// with unique e-mails and cards, first as a dry run and then for real on an
// identical store: every row's action, every count and every issue agree,
// for the rejections the store makes (a key held by a stored customer, or
// by one an earlier row of the same input created or re-addressed, or
// freed by one an earlier row deleted or re-addressed) as much as for the
// planner's own.
func TestADryRunPlansWhatTheRealRunDoes(t *testing.T) {
	ctx := context.Background()
	emails := []string{"", "a@x", "b@x", "c@x", "e1@x", "e2@x"}
	cards := []string{"", "", "600001", "600002", "700001"}
	newStore := func(t *testing.T) *memstore.Store {
		s := memstore.New(memstore.Options{Constraints: customer.Constraints{UniqueEmail: true}})
		for i := 1; i <= 3; i++ {
			c := &customer.Customer{Kind: customer.KindPerson, Number: fmt.Sprint(i), Profile: customer.Profile{Email: fmt.Sprintf("e%d@x", i)}}
			c.Identifiers.Cards = []string{fmt.Sprintf("70000%d", i)}
			if _, err := s.Write(ctx, []customer.Op{customer.Put(c)}); err != nil {
				t.Fatal(err)
			}
		}
		return s
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		var rows []change
		for i := range 2 + rng.IntN(7) {
			r := change{email: emails[rng.IntN(len(emails))], card: cards[rng.IntN(len(cards))]}
			switch rng.IntN(3) {
			case 0:
				r.number = fmt.Sprint(1 + rng.IntN(3))
			case 1:
				r.number = fmt.Sprint(1 + rng.IntN(3))
				r.delete = true
			default:
				r.number = fmt.Sprint(10 + i)
			}
			rows = append(rows, r)
		}
		opts := impex.Options{BatchSize: 1 + rng.IntN(4)}
		if rng.IntN(4) == 0 {
			opts.Policy = impex.AllOrNothing
		}
		dryStore, realStore := newStore(t), newStore(t)
		dryOpts := opts
		dryOpts.DryRun = true
		dry, err := pipeline.Run(ctx, pipeline.NewLookups(dryStore), changes(dryStore, rows), dryOpts, 0)
		if err != nil {
			t.Fatal(err)
		}
		done, err := pipeline.Run(ctx, pipeline.NewLookups(realStore), changes(realStore, rows), opts, 0)
		if err != nil {
			t.Fatal(err)
		}
		if dryStore.Len() != 3 {
			t.Fatalf("trial %d: the dry run changed the store", trial)
		}
		type summary struct {
			Counts  impex.Counts
			Actions []string
			Issues  []string
		}
		sum := func(res *impex.Result) summary {
			s := summary{Counts: res.Counts, Actions: actions(res)}
			for is := range res.Report.All() {
				s.Issues = append(s.Issues, fmt.Sprintf("%d:%s:%s", is.Row, is.Code, is.Value))
			}
			return s
		}
		if diff := cmp.Diff(sum(done), sum(dry)); diff != "" {
			t.Fatalf("trial %d, %+v, batch %d, %s: the dry run (+) disagrees with the real run (-):\n%s", trial, rows, opts.BatchSize, opts.Policy, diff)
		}
	}
}
