package excelio_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/validate"
)

// countingFinder is a memstore that is also a customer.Finder, counting
// the calls of Find and of the lookup methods, as a database-backed store
// would cost a round trip for each.
type countingFinder struct {
	*memstore.Store
	finds, lookups atomic.Int64
}

func (s *countingFinder) Find(ctx context.Context, ls []customer.Lookup) ([]customer.Found, error) {
	s.finds.Add(1)
	out := make([]customer.Found, len(ls))
	for i, l := range ls {
		out[i].Customer, out[i].Err = customer.Look(ctx, s.Store, l)
	}
	return out, nil
}

func (s *countingFinder) Get(ctx context.Context, id string) (*customer.Customer, error) {
	s.lookups.Add(1)
	return s.Store.Get(ctx, id)
}

func (s *countingFinder) ByNumber(ctx context.Context, list, n string) (*customer.Customer, error) {
	s.lookups.Add(1)
	return s.Store.ByNumber(ctx, list, n)
}

func (s *countingFinder) ByEmail(ctx context.Context, list, e string) (*customer.Customer, error) {
	s.lookups.Add(1)
	return s.Store.ByEmail(ctx, list, e)
}

func (s *countingFinder) ByIdentifier(ctx context.Context, id customer.Identifier) (*customer.Customer, error) {
	s.lookups.Add(1)
	return s.Store.ByIdentifier(ctx, id)
}

// TestImportAsksAFinderOncePerBatch imports the same workbooks into a
// memstore and into one that answers lookups in batches: the results and
// the stores must be the same, and the batched store must have been asked
// once per batch (twice in a dry run), with no lookup of a row of its own.
func TestImportAsksAFinderOncePerBatch(t *testing.T) {
	hasher := testHasher(t)
	plain, batched := newStore(), &countingFinder{Store: newStore()}
	generate(t, plain, 300, hasher)
	generate(t, batched.Store, 300, hasher)
	persons := export(t, plain, customer.Filter{Kind: customer.KindPerson})["Person Customers.xlsx"]
	stored := snapshot(t, plain)
	var holder, other *customer.Customer
	for _, c := range stored {
		if c.Kind == customer.KindPerson && len(c.Identifiers.Cards) > 0 && holder == nil {
			holder = c
		} else if c.Kind == customer.KindPerson && other == nil {
			other = c
		}
	}
	header := []string{"id", "sequenceNumber", "email", "firstName", "lastName", "customerCard:1"}
	changes := workbook(t, "Sheet1", header,
		[]any{other.ID, other.Number, other.Profile.Email, "Renamed", other.Profile.LastName, ""},
		[]any{other.ID, other.Number, other.Profile.Email, other.Profile.FirstName, other.Profile.LastName, holder.Identifiers.Cards[0]},
		[]any{"", "N-NEW-1", "new1@example.com", "New", "One", "CARD-NEW-1"},
		[]any{"", holder.Number, "new2@example.com", "New", "Two", ""},
	)
	for _, tc := range []struct {
		name string
		file []byte
		dry  bool
	}{
		{"the exported workbook, dry run", persons, true},
		{"the exported workbook", persons, false},
		{"changes, a taken card and a taken number, dry run", changes, true},
		{"changes, a taken card and a taken number", changes, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := excelio.ImportOptions{Options: impex.Options{BatchSize: 64, DryRun: tc.dry}}
			want, err := importBytes(t, plain, tc.file, opts)
			if err != nil {
				t.Fatal(err)
			}
			finds, lookups := batched.finds.Load(), batched.lookups.Load()
			got, err := importBytes(t, batched, tc.file, opts)
			if err != nil {
				t.Fatal(err)
			}
			type outcome struct {
				Counts impex.Counts
				Rows   []impex.RowOutcome
				Issues []validate.Issue
			}
			if diff := cmp.Diff(outcome{want.Counts, want.Rows, want.Report.Issues()}, outcome{got.Counts, got.Rows, got.Report.Issues()}); diff != "" {
				t.Errorf("the batched import's result differs (-plain +batched):\n%s", diff)
			}
			if diff := cmp.Diff(snapshot(t, plain), snapshot(t, batched), storeOpts); diff != "" {
				t.Errorf("the stores differ after the import (-plain +batched):\n%s", diff)
			}
			// Once a batch to plan its rows and, in a dry run, once more
			// to check the writes the batch would make.
			batches := int64((want.Read + 63) / 64)
			most := batches
			if tc.dry {
				most *= 2
			}
			if n := batched.finds.Load() - finds; n < batches || n > most {
				t.Errorf("Find was called %d times for %d rows in batches of 64; want %d to %d", n, want.Read, batches, most)
			}
			if n := batched.lookups.Load() - lookups; n != 0 {
				t.Errorf("the import made %d lookups of its own besides Find", n)
			}
			t.Logf("%d rows: %d created, %d updated, %d unchanged, %d rejected", want.Read, want.Created, want.Updated, want.Unchanged, want.Rejected)
		})
	}
}
