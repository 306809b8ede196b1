package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/internal/pipeline"
	"github.com/impexkit/impex/validate"
)

// row is a test input row: a customer number and a name; bad rows carry a
// parse error, and email is the in-file unique key.
type row struct {
	number, name, email string
	bad                 bool
	delete              bool
}

// items turns rows into pipeline items keyed by number, as a codec would.
func items(repo customer.Repository, rows []row) iter.Seq2[pipeline.Item, error] {
	return func(yield func(pipeline.Item, error) bool) {
		for i, r := range rows {
			where := validate.Where{Sheet: "test", Row: i + 2}
			it := pipeline.Item{Where: where}
			if r.email != "" {
				it.Keys = []pipeline.Key{{Kind: "email", Value: r.email}}
			}
			if r.bad {
				it.Issues = []validate.Issue{validate.New(validate.CodeRequired, where)}
			}
			it.Plan = func(ctx context.Context) (pipeline.Plan, []validate.Issue, error) {
				old, err := repo.ByNumber(ctx, "", r.number)
				switch {
				case errors.Is(err, customer.ErrNotFound):
					if r.delete {
						return pipeline.Plan{}, []validate.Issue{validate.New(validate.CodeUnknownCustomer, where)}, nil
					}
					c := &customer.Customer{Kind: customer.KindPerson, Number: r.number, Profile: customer.Profile{FirstName: r.name, Email: r.email}}
					return pipeline.Plan{Action: impex.ActionCreate, Op: customer.Put(c)}, nil, nil
				case err != nil:
					return pipeline.Plan{}, nil, err
				case r.delete:
					return pipeline.Plan{Action: impex.ActionDelete, Op: customer.Delete(old.ID, old.Version), CustomerID: old.ID}, nil, nil
				case old.Profile.FirstName == r.name:
					return pipeline.Plan{Action: impex.ActionUnchanged, CustomerID: old.ID}, nil, nil
				}
				next := old.Clone()
				next.Profile.FirstName = r.name
				return pipeline.Plan{Action: impex.ActionUpdate, Op: customer.Put(next), CustomerID: old.ID}, nil, nil
			}
			if !yield(it, nil) {
				return
			}
		}
	}
}

func seeded(t *testing.T, numbers ...string) *memstore.Store {
	t.Helper()
	s := memstore.New(memstore.Options{})
	for _, n := range numbers {
		if _, err := s.Write(context.Background(), []customer.Op{customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: n, Profile: customer.Profile{FirstName: "old"}})}); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func actions(res *impex.Result) []string {
	var out []string
	for _, r := range res.Rows {
		out = append(out, fmt.Sprintf("%d:%s", r.Where.Row, r.Action))
	}
	return out
}

func TestPlansAndCounts(t *testing.T) {
	ctx := context.Background()
	rows := []row{
		{number: "1", name: "old"},      // unchanged
		{number: "2", name: "new name"}, // update
		{number: "3", name: "x", bad: true},
		{number: "9", name: "created"}, // create
		{number: "4", delete: true},    // delete
		{number: "8", delete: true},    // unknown: reject
	}
	for _, dry := range []bool{true, false} {
		t.Run(fmt.Sprintf("dry run %v", dry), func(t *testing.T) {
			s := seeded(t, "1", "2", "3", "4")
			res, err := pipeline.Run(ctx, pipeline.NewLookups(s), items(s, rows), impex.Options{DryRun: dry, BatchSize: 2}, 0)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"2:unchanged", "3:update", "4:reject", "5:create", "6:delete", "7:reject"}
			if diff := cmp.Diff(want, actions(res)); diff != "" {
				t.Fatalf("row plan (-want +got):\n%s", diff)
			}
			wantCounts := impex.Counts{Read: 6, Valid: 4, Rejected: 2, Created: 1, Updated: 1, Unchanged: 1, Deleted: 1}
			if diff := cmp.Diff(wantCounts, res.Counts); diff != "" {
				t.Fatalf("counts (-want +got):\n%s", diff)
			}
			stored := s.Len()
			if dry && stored != 4 || !dry && stored != 4 /* one created, one deleted */ {
				t.Fatalf("store holds %d customers", stored)
			}
			_, err = s.ByNumber(ctx, "", "9")
			if dry != errors.Is(err, customer.ErrNotFound) {
				t.Fatalf("after a run with dry=%v, the created customer lookup gave %v", dry, err)
			}
			for _, r := range res.Rows {
				if r.Applied == dry && r.Action != impex.ActionReject {
					t.Errorf("row %d: Applied = %v in a run with dry=%v", r.Where.Row, r.Applied, dry)
				}
			}
		})
	}
}

func TestDuplicatesInTheInputNameBothRows(t *testing.T) {
	s := seeded(t)
	res, err := pipeline.Run(context.Background(), pipeline.NewLookups(s), items(s, []row{
		{number: "1", name: "a", email: "a@x"}, {number: "2", name: "b", email: "b@x"}, {number: "3", name: "c", email: "a@x"},
	}), impex.Options{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	issues := res.Report.Issues()
	if len(issues) != 1 || issues[0].Code != validate.CodeDuplicateInFile || issues[0].Row != 4 || issues[0].Params.OtherRow != 2 {
		t.Fatalf("issues %+v: want one duplicate on row 4 naming row 2", issues)
	}
	if res.Created != 2 || res.Rejected != 1 {
		t.Fatalf("created %d rejected %d, want 2 and 1", res.Created, res.Rejected)
	}
}

func TestPolicies(t *testing.T) {
	rows := []row{{number: "1", name: "a"}, {number: "2", bad: true}, {number: "3", name: "c"}, {number: "4", bad: true}, {number: "5", name: "e"}}
	for _, tc := range []struct {
		opts        impex.Options
		created     int
		read        int
		stopped     bool
		stored      int
		wantNoValid bool
	}{
		{impex.Options{}, 3, 5, false, 3, false},
		{impex.Options{Policy: impex.StopAtFirst}, 1, 2, true, 1, false},
		{impex.Options{Policy: impex.StopAfter, MaxErrors: 2}, 2, 4, true, 2, false},
		{impex.Options{Policy: impex.AllOrNothing}, 0, 5, false, 0, false},
	} {
		t.Run(tc.opts.Policy.String(), func(t *testing.T) {
			s := seeded(t)
			res, err := pipeline.Run(context.Background(), pipeline.NewLookups(s), items(s, rows), tc.opts, 0)
			if err != nil {
				t.Fatal(err)
			}
			if res.Created != tc.created || res.Read != tc.read || res.Stopped != tc.stopped || s.Len() != tc.stored {
				t.Fatalf("created %d read %d stopped %v stored %d; want %d %d %v %d",
					res.Created, res.Read, res.Stopped, s.Len(), tc.created, tc.read, tc.stopped, tc.stored)
			}
		})
	}
	t.Run("all-or-nothing applies a clean input in one write", func(t *testing.T) {
		s := seeded(t)
		w := &countingRepo{Repository: s}
		res, err := pipeline.Run(context.Background(), pipeline.NewLookups(w), items(s, []row{{number: "1", name: "a"}, {number: "2", name: "b"}, {number: "3", name: "c"}}),
			impex.Options{Policy: impex.AllOrNothing, BatchSize: 1}, 0)
		if err != nil || res.Created != 3 || w.writes != 1 {
			t.Fatalf("err %v created %d writes %d; want 3 creates in 1 write", err, res.Created, w.writes)
		}
	})
}

func TestEmptyAndAllInvalidInputsAreReported(t *testing.T) {
	s := seeded(t)
	res, _ := pipeline.Run(context.Background(), pipeline.NewLookups(s), items(s, nil), impex.Options{}, 0)
	if res.Report.ByCode()[validate.CodeNoRows] != 1 {
		t.Fatalf("an empty input gave %v, want %s", res.Report.Issues(), validate.CodeNoRows)
	}
	res, _ = pipeline.Run(context.Background(), pipeline.NewLookups(s), items(s, []row{{bad: true}, {bad: true}}), impex.Options{}, 0)
	if res.Report.ByCode()[validate.CodeNoValidRows] != 1 {
		t.Fatalf("an all-invalid input gave %v, want %s", res.Report.Issues(), validate.CodeNoValidRows)
	}
}

// countingRepo counts writes and fails the write numbered failOn (1-based)
// with a plain error.
type countingRepo struct {
	customer.Repository
	writes, failOn int
}

func (r *countingRepo) Write(ctx context.Context, ops []customer.Op) ([]customer.Written, error) {
	r.writes++
	if r.writes == r.failOn {
		return nil, errors.New("disk on fire")
	}
	return r.Repository.Write(ctx, ops)
}

func TestAFailedBatchLeavesTheEarlierOnesAndARerunCompletes(t *testing.T) {
	var rows []row
	for i := range 10 {
		rows = append(rows, row{number: fmt.Sprint(i), name: "n", email: fmt.Sprintf("%d@x", i)})
	}
	s := seeded(t)
	failing := &countingRepo{Repository: s, failOn: 3}
	res, err := pipeline.Run(context.Background(), pipeline.NewLookups(failing), items(s, rows), impex.Options{BatchSize: 3}, 0)
	var fe *impex.FatalError
	if !errors.As(err, &fe) || fe.Where.Row != 8 {
		t.Fatalf("error %v: want a FatalError at row 8, the first of the third batch", err)
	}
	if s.Len() != 6 || res.Created != 6 {
		t.Fatalf("stored %d, result says %d created; want the first two batches (6)", s.Len(), res.Created)
	}
	for _, r := range res.Rows {
		if r.Applied != (r.Where.Row <= 7) {
			t.Errorf("row %d Applied = %v", r.Where.Row, r.Applied)
		}
	}
	again, err := pipeline.Run(context.Background(), pipeline.NewLookups(s), items(s, rows), impex.Options{BatchSize: 3}, 0)
	if err != nil || again.Created != 4 || again.Unchanged != 6 || s.Len() != 10 {
		t.Fatalf("rerun: err %v created %d unchanged %d stored %d; want 4, 6 and 10", err, again.Created, again.Unchanged, s.Len())
	}
}

func TestARowTheStoreRefusesIsRejectedAndTheRestWritten(t *testing.T) {
	s := memstore.New(memstore.Options{Constraints: customer.Constraints{UniqueEmail: true}})
	ctx := context.Background()
	s.Write(ctx, []customer.Op{customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: "0", Profile: customer.Profile{Email: "taken@x"}})})
	res, err := pipeline.Run(ctx, pipeline.NewLookups(s), items(s, []row{{number: "1", name: "a"}, {number: "2", name: "b", email: "taken@x"}, {number: "3", name: "c"}}), impex.Options{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"2:create", "3:reject", "4:create"}, actions(res)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	if got := res.Report.Row(3); len(got) != 1 || got[0].Code != validate.CodeDuplicateInStore {
		t.Fatalf("row 3 issues %v, want a duplicate-in-store issue", got)
	}
	if res.Valid != 2 || res.Rejected != 1 || s.Len() != 3 {
		t.Fatalf("valid %d rejected %d stored %d", res.Valid, res.Rejected, s.Len())
	}
}

func TestCancellationStopsBetweenRows(t *testing.T) {
	s := seeded(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := pipeline.Run(ctx, pipeline.NewLookups(s), items(s, []row{{number: "1", name: "a"}}), impex.Options{}, 0)
	if !errors.Is(err, context.Canceled) || s.Len() != 0 {
		t.Fatalf("err %v stored %d; want context.Canceled and nothing stored", err, s.Len())
	}
}

func TestOnRowStreamsOutcomesInOrder(t *testing.T) {
	s := seeded(t, "2")
	var got []string
	var progress []int
	res, err := pipeline.Run(context.Background(), pipeline.NewLookups(s), items(s, []row{{number: "1", name: "a"}, {number: "2", name: "old"}, {number: "3", bad: true}}),
		impex.Options{BatchSize: 1, OnRow: func(r impex.RowOutcome) { got = append(got, fmt.Sprintf("%d:%s", r.Where.Row, r.Action)) },
			Progress: func(p impex.Progress) { progress = append(progress, p.Read) }}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"2:create", "3:unchanged", "4:reject"}, got); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
	if len(res.Rows) != 0 || len(progress) < 2 || progress[len(progress)-1] != 3 {
		t.Fatalf("rows kept %d, progress %v", len(res.Rows), progress)
	}
}

func TestAllOrNothingAppliesNothingWhenTheStoreRefusesARow(t *testing.T) {
	s := memstore.New(memstore.Options{Constraints: customer.Constraints{UniqueEmail: true}})
	ctx := context.Background()
	if _, err := s.Write(ctx, []customer.Op{customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: "0", Profile: customer.Profile{Email: "taken@x"}})}); err != nil {
		t.Fatal(err)
	}
	res, err := pipeline.Run(ctx, pipeline.NewLookups(s), items(s, []row{{number: "1", name: "a"}, {number: "2", name: "b", email: "taken@x"}, {number: "3", name: "c"}}),
		impex.Options{Policy: impex.AllOrNothing}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 1 || res.Applied() != 0 || res.Rejected != 1 {
		t.Fatalf("stored %d, applied %d, rejected %d; want nothing applied and the one row rejected", s.Len(), res.Applied(), res.Rejected)
	}
	if diff := cmp.Diff([]string{"2:create", "3:reject", "4:create"}, actions(res)); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}
