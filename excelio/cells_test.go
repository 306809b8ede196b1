package excelio_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/validate"
)

// Cells whose type changes what they say are read as the user meant, and
// never silently: a number in an identifier column keeps the stored value
// it means without leading zeros and is warned about otherwise, a date in
// a text column is read as the date it shows, with a warning, and a TRUE
// or FALSE in a card column, or a misspelled generate(), rejects the row.
func TestCellTypesAreReadAsMeant(t *testing.T) {
	ctx := context.Background()
	store := newStore()
	header := []string{"id", "email", "firstName", "lastName", "address:1:address1", "address:1:city", "address:1:postalCode",
		"address:1:countryCode", "customNote", "customerCard:1"}
	res, err := importBytes(t, store, workbook(t, "Person Customers", header,
		[]any{"", "p@example.fi", "P", "P", "Katu 1", "Helsinki", "00100", "FI", "note", ""}), excelio.ImportOptions{})
	if err != nil || res.Created != 1 {
		t.Fatalf("%v, %+v", err, res.Counts)
	}
	id := snapshot(t, store)[0].ID
	issuesOf := func(res *excelio.Result) map[validate.Code]string {
		out := map[validate.Code]string{}
		for is := range res.Report.All() {
			out[is.Code] = is.Column + string(rune('0'+is.Row))
		}
		return out
	}

	res, err = importBytes(t, store, workbook(t, "Person Customers", header,
		[]any{id, "p@example.fi", "P", "P", "Katu 1", "Helsinki", 100, "FI", "note", ""}), excelio.ImportOptions{})
	if err != nil || res.Unchanged != 1 || res.Report.Len() != 0 {
		t.Errorf("postal code 100 for a stored 00100: %+v, issues %v; want the row unchanged, silently", res.Counts, issueCodes(res))
	}

	res, err = importBytes(t, store, workbook(t, "Person Customers", header,
		[]any{id, "p@example.fi", "P", "P", "Katu 1", "Helsinki", 200, "FI", "note", ""}), excelio.ImportOptions{})
	if got := issuesOf(res); err != nil || res.Updated != 1 || len(got) != 1 || got[validate.CodeNumberCell] != "G2" {
		t.Errorf("postal code 200: %v, %+v, issues %v; want an update with a warning on G2", err, res.Counts, got)
	}
	if c, _ := store.Get(ctx, id); c.Addresses[0].PostalCode != "200" {
		t.Errorf("postal code stored as %q", c.Addresses[0].PostalCode)
	}

	res, err = importBytes(t, store, workbook(t, "Person Customers", header,
		[]any{"", "d@example.fi", "D", "D", "", "", "", "", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), ""},
		[]any{"", "b@example.fi", "B", "B", "", "", "", "", "", true},
		[]any{"", "g@example.fi", "G", "G", "", "", "", "", "", "generate ( )"},
	), excelio.ImportOptions{})
	want := map[validate.Code]string{validate.CodeDateCell: "I2", validate.CodeBooleanCell: "J3", validate.CodeGenerateMisspelled: "J4"}
	if got := issuesOf(res); err != nil || res.Created != 1 || res.Rejected != 2 || len(got) != 3 ||
		got[validate.CodeDateCell] != want[validate.CodeDateCell] || got[validate.CodeBooleanCell] != want[validate.CodeBooleanCell] ||
		got[validate.CodeGenerateMisspelled] != want[validate.CodeGenerateMisspelled] {
		t.Errorf("%v, %+v, issues %v; want %v", err, res.Counts, got, want)
	}
	if c, err := store.ByEmail(ctx, "", "d@example.fi"); err != nil || c.Note != "2024-02-29" {
		t.Errorf("the date cell's note: %v, %v; want 2024-02-29", c, err)
	}
}

// A group column may not create a group whose name another group has:
// group:VIP customers next to the group vip named "VIP customers" is a
// file error naming vip, and nothing is applied.
func TestAGroupColumnMayNotTakeAnotherGroupsName(t *testing.T) {
	store := newStore()
	if err := store.WriteGroups(context.Background(), []groups.Op{groups.Create(&groups.Group{ID: "vip", Kind: groups.Static, Name: "VIP customers"})}); err != nil {
		t.Fatal(err)
	}
	res, err := importBytes(t, store, workbook(t, "Person Customers", []string{"id", "email", "firstName", "lastName", "group:vip customers"},
		[]any{"", "a@example.fi", "A", "A", true}), excelio.ImportOptions{})
	var fe *impex.FileError
	if !errors.As(err, &fe) || res.Report.Len() != 1 {
		t.Fatalf("%v, issues %v; want a file error", err, issueCodes(res))
	}
	is := res.Report.Issues()[0]
	if is.Code != validate.CodeGroupNameTaken || is.Params.Expected != "vip" || is.Column != "E" {
		t.Errorf("issue %+v; want %s naming vip at column E", is, validate.CodeGroupNameTaken)
	}
	if store.Len() != 0 {
		t.Error("a customer was stored")
	}
}

// A row of a person workbook naming a company customer (and the other way
// round) says whose id it is, at the id's cell.
func TestARowNamingACustomerOfTheOtherKindSaysSo(t *testing.T) {
	store := newStore()
	w, err := store.Write(context.Background(), []customer.Op{
		customer.Put(&customer.Customer{Kind: customer.KindCompany, Number: "1", Profile: customer.Profile{CompanyName: "Oy"}}),
		customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: "2", Profile: customer.Profile{FirstName: "A", LastName: "B"}}),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		sheet, first, id string
		want             validate.Code
	}{
		{"Person Customers", "firstName", w[0].ID, validate.CodeCompanyInPersonFile},
		{"Company Customers", "companyName", w[1].ID, validate.CodePersonInCompanyFile},
	} {
		res, err := importBytes(t, store, workbook(t, tc.sheet, []string{"id", tc.first}, []any{tc.id, "X"}), excelio.ImportOptions{})
		if err != nil || res.Rejected != 1 || res.Report.Errors() != 2 { // and no valid rows
			t.Fatalf("%s: %v, %+v, %v", tc.sheet, err, res.Counts, issueCodes(res))
		}
		if is := res.Report.Issues()[0]; is.Code != tc.want || is.Column != "A" || is.Value != tc.id {
			t.Errorf("%s: %+v; want %s at column A with the id", tc.sheet, is, tc.want)
		}
	}
}
