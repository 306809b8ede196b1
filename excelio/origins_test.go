package excelio_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/excelio"
)

// The workbooks in testdata were written by openpyxl and xlwt (see
// testdata/make_fixtures.py), not by this library.
func TestWorkbooksFromOtherProgramsImport(t *testing.T) {
	hasher := testHasher(t)
	importFile := func(t *testing.T, name string) []*customer.Customer {
		t.Helper()
		store := newStore()
		res, err := excelio.ImportFile(context.Background(), store, filepath.Join("testdata", name), excelio.ImportOptions{SSN: hasher, SSNCountry: "FI", Now: func() time.Time { return testNow }})
		if err != nil {
			t.Fatal(err)
		}
		if res.Report.Len() != 0 {
			t.Fatalf("%s: issues %v", name, issueCodes(res))
		}
		return snapshot(t, store)
	}
	people := importFile(t, "openpyxl_person.xlsx")
	if len(people) != 3 {
		t.Fatalf("%d customers, want 3", len(people))
	}
	aino := people[0]
	want := customer.Customer{Kind: customer.KindPerson, Number: "9001",
		Profile: customer.Profile{FirstName: "Aino", LastName: "Virtanen", Email: "aino.virtanen@example.fi",
			Phones: customer.Phones{Mobile: "+358401234567"}},
		Flags:       customer.Flags{CreditAllowed: true, MarketingEmail: true},
		Note:        "Soita ensin\nkiitos",
		Identifiers: customer.Identifiers{Cards: []string{"600100000017"}, SSNHash: hasher.Hash("131052-308T")},
		Groups:      []string{"vip"},
	}
	ignore := cmpopts.IgnoreFields(customer.Customer{}, "ID", "Version", "CreatedAt", "UpdatedAt")
	if diff := cmp.Diff(&want, aino, ignore, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("the first openpyxl row (-want +got):\n%s", diff)
	}
	if bo := people[1]; len(bo.Identifiers.Cards) != 1 || bo.Profile.Phones.Mobile != "+46701234567" || !bo.Flags.GDPRRestricted {
		t.Fatalf("the second row: cards %v phone %q flags %+v", bo.Identifiers.Cards, bo.Profile.Phones.Mobile, bo.Flags)
	}
	if asa := people[2]; asa.Profile.Email != "" || asa.Profile.FirstName != "Åsa" {
		t.Fatalf("the third row: %+v", asa.Profile)
	}

	legacy := importFile(t, "xlwt_person.xls")
	noCards := cmpopts.IgnoreFields(customer.Identifiers{}, "Cards")
	if diff := cmp.Diff(people, legacy, ignore, noCards, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("the .xls import differs from the .xlsx one (-xlsx +xls):\n%s", diff)
	}

	companies := importFile(t, "openpyxl_company.xlsx")
	if len(companies) != 2 || companies[0].Kind != customer.KindCompany || companies[0].Profile.TaxCode != "FI01120389" {
		t.Fatalf("companies: %d, first %+v", len(companies), companies[0].Profile)
	}
}
