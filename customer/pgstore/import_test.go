package pgstore_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/customer/pgstore"
	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/internal/benchdata"
	"github.com/impexkit/impex/validate"
)

// TestImportMatchesMemstore imports the person workbook into memstore and
// into pgstore, which answers the import's lookups in batches (Find), as
// a dry run, for real, and again: every count, row outcome and issue must
// be the same, and so must the customers stored, compared by number.
func TestImportMatchesMemstore(t *testing.T) {
	const rows = 700
	path := filepath.Join(t.TempDir(), "persons.xlsx")
	if err := benchdata.WritePersonWorkbook(path, rows); err != nil {
		t.Fatal(err)
	}
	hasher, err := customer.NewSSNHasher(customer.SSNKey{ID: "t1", Secret: bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	mem, pg := memstore.New(memstore.Options{}), newStore(t, pgstore.Options{})
	type outcome struct {
		Counts impex.Counts
		Rows   []impex.RowOutcome
		Issues []validate.Issue
	}
	run := func(repo customer.Repository, dry bool) outcome {
		t.Helper()
		opts := excelio.ImportOptions{SSN: hasher, SSNCountry: "FI", Options: impex.Options{DryRun: dry, BatchSize: 128}}
		res, err := excelio.ImportFile(ctx, repo, path, opts)
		if err != nil {
			t.Fatal(err)
		}
		out := outcome{res.Counts, res.Rows, res.Report.Issues()}
		for i := range out.Rows {
			out.Rows[i].CustomerID = "" // each store makes IDs of its own
		}
		return out
	}
	byNumber := func(repo customer.Repository) map[string]*customer.Customer {
		t.Helper()
		m := map[string]*customer.Customer{}
		for c, err := range repo.List(ctx, customer.Filter{}) {
			if err != nil {
				t.Fatal(err)
			}
			m[c.Number] = c
		}
		return m
	}
	for _, step := range []struct {
		name string
		dry  bool
	}{{"dry run", true}, {"import", false}, {"the same file again", false}} {
		want, got := run(mem, step.dry), run(pg, step.dry)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%s: pgstore's outcome differs from memstore's (-memstore +pgstore):\n%s", step.name, diff)
		}
		ignore := cmpopts.IgnoreFields(customer.Customer{}, "ID", "Version", "CreatedAt", "UpdatedAt")
		if diff := cmp.Diff(byNumber(mem), byNumber(pg), ignore, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("%s: the stores differ (-memstore +pgstore):\n%s", step.name, diff)
		}
		t.Logf("%s: %+v", step.name, want.Counts)
	}
}
