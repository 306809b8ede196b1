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
	// Each workbook must carry every customer of its kind, each one
	// unchanged: an export that dropped rows would otherwise still pass.
	want := map[string]int{}
	for _, c := range before {
		switch c.Kind {
		case customer.KindPerson:
			want["Person Customers.xlsx"]++
		case customer.KindCompany:
			want["Company Customers.xlsx"]++
		}
	}
	for _, name := range []string{"Person Customers.xlsx", "Company Customers.xlsx"} {
		res, err := importBytes(t, store, files[name], excelio.ImportOptions{SSN: hasher})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if res.Report.Len() != 0 {
			t.Fatalf("%s: %d issues, first: %v", name, res.Report.Len(), res.Report.Issues()[0])
		}
		if res.Created+res.Updated+res.Deleted+res.Rejected != 0 || res.Unchanged != want[name] || res.Read != want[name] {
			t.Fatalf("%s: %+v, want all %d rows read and unchanged", name, res.Counts, want[name])
		}
		if want[name] == 0 {
			t.Fatalf("%s: the generated store has no customer of this kind", name)
		}
	}
	if diff := cmp.Diff(before, snapshot(t, store), storeOpts); diff != "" {
		t.Fatalf("the round trip changed the store (-before +after):\n%s", diff)
	}
}
