package excelio_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/excelio"
)

func TestRoundTripGivesZeroChanges(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 1000
	}
	store := newStore()
	hasher := testHasher(t)
	generate(t, store, n, hasher)
	before := snapshot(t, store)
	files := export(t, store, customer.Filter{})
	if len(files) != 2 || files["Person Customers.xlsx"] == nil || files["Company Customers.xlsx"] == nil {
		t.Fatalf("the ZIP holds %d files, want the two workbooks", len(files))
	}
	for _, name := range []string{"Person Customers.xlsx", "Company Customers.xlsx"} {
		res, err := importBytes(t, store, files[name], excelio.ImportOptions{SSN: hasher})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if res.Report.Len() != 0 {
			t.Fatalf("%s: %d issues, first: %v", name, res.Report.Len(), res.Report.Issues()[0])
		}
		if res.Created+res.Updated+res.Deleted+res.Rejected != 0 || res.Unchanged == 0 {
			t.Fatalf("%s: %+v, want only unchanged rows", name, res.Counts)
		}
	}
	if diff := cmp.Diff(before, snapshot(t, store), storeOpts); diff != "" {
		t.Fatalf("the round trip changed the store (-before +after):\n%s", diff)
	}
}
