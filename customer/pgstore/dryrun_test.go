package pgstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/pgstore"
	"github.com/impexkit/impex/xmlio"
)

// TestADryRunPlansWhatTheRealRunDoes imports one customers document into
// two identical stores with unique e-mails, as a dry run into one and for
// real into the other: the dry run must foresee every row the store
// refuses (an e-mail a stored customer holds, one an earlier row took) and
// every one it accepts (an e-mail an earlier row freed), across batches.
func TestADryRunPlansWhatTheRealRunDoes(t *testing.T) {
	ctx := context.Background()
	const doc = `<customers xmlns="http://www.demandware.com/xml/impex/customer/2006-10-31">
    <customer customer-no="1"><profile><email>freed@example.com</email></profile></customer>
    <customer customer-no="10"><profile><email>a@example.com</email></profile></customer>
    <customer customer-no="11"><profile><email>held@example.com</email></profile></customer>
    <customer customer-no="12"><profile><email>new@example.com</email></profile></customer>
    <customer customer-no="13"><profile><email>NEW@example.com</email></profile></customer>
    <customer customer-no="14"><profile><email>b@example.com</email></profile></customer>
</customers>`
	seed := func(s *pgstore.Store) {
		for i, email := range []string{"a@example.com", "held@example.com"} {
			c := &customer.Customer{Kind: customer.KindPerson, Number: fmt.Sprint(i + 1), Profile: customer.Profile{Email: email}}
			if _, err := s.Write(ctx, []customer.Op{customer.Put(c)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	type summary struct {
		Counts  impex.Counts
		Actions []string
		Issues  []string
	}
	run := func(dry bool) summary {
		s := newStore(t, pgstore.Options{Constraints: customer.Constraints{UniqueEmail: true}})
		seed(s)
		res, err := xmlio.Import(ctx, s, strings.NewReader(doc), xmlio.ImportOptions{Options: impex.Options{DryRun: dry, BatchSize: 2}})
		if err != nil {
			t.Fatal(err)
		}
		out := summary{Counts: res.Counts}
		for _, r := range res.Rows {
			out.Actions = append(out.Actions, fmt.Sprintf("%d:%s", r.Where.Record, r.Action))
		}
		for is := range res.Report.All() {
			out.Issues = append(out.Issues, fmt.Sprintf("%d:%s:%s", is.Record, is.Code, is.Value))
		}
		return out
	}
	real := run(false)
	if real.Counts.Rejected != 2 || real.Counts.Updated != 1 || real.Counts.Created != 3 {
		t.Fatalf("the real run: %+v; want 1 updated, 3 created, and the held and repeated e-mails rejected", real)
	}
	if diff := cmp.Diff(real, run(true)); diff != "" {
		t.Fatalf("the dry run (+) disagrees with the real run (-):\n%s", diff)
	}
}
