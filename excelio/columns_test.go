package excelio_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/validate"
)

const existingSSN = "131052-308T"

func newColumnFixture(t *testing.T) (*memstore.Store, *customer.Customer) {
	t.Helper()
	s := newStore()
	ctx := context.Background()
	if err := s.WriteGroups(ctx, []groups.Op{groups.Create(&groups.Group{ID: "vip", Kind: groups.Static, Name: "vip"})}); err != nil {
		t.Fatal(err)
	}
	p := &customer.Customer{Kind: customer.KindPerson, Number: "1000001",
		Profile:     customer.Profile{FirstName: "Aino", LastName: "Virtanen", Email: "aino@example.fi"},
		Flags:       customer.Flags{GDPRRestricted: true, CreditAllowed: true, MarketingSMS: true, MarketingEmail: true},
		Note:        "call first",
		Identifiers: customer.Identifiers{Cards: []string{"600100000001", "600100000002"}, SSNHash: testHasher(t).Hash(existingSSN)},
		Groups:      []string{"vip"},
	}
	w, err := s.Write(ctx, []customer.Op{customer.Put(p)})
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := s.Get(ctx, w[0].ID)
	return s, stored
}

var personHeader = []string{"id", "sequenceNumber", "email", "firstName", "lastName", "ssn", "gdprRestricted",
	"customNote", "creditAllowed", "marketingSms", "marketingEmail", "customerCard:1", "customerCard:2", "group:vip"}

// restate returns the row of the existing customer, unchanged.
func restate(c *customer.Customer) []any {
	return []any{c.ID, c.Number, c.Profile.Email, c.Profile.FirstName, c.Profile.LastName, c.Identifiers.SSNHash, true,
		c.Note, true, true, true, c.Identifiers.Cards[0], c.Identifiers.Cards[1], true}
}

// fresh returns the row of a new person.
func fresh() []any {
	return []any{"", "", "new@example.fi", "Eino", "Mäkinen", "010190-123M", true, "new note", true, false, true, "600100000009", "", true}
}

func without(header []string, row []any, col string) ([]string, []any) {
	i := slices.Index(header, col)
	return slices.Delete(slices.Clone(header), i, i+1), slices.Delete(slices.Clone(row), i, i+1)
}

func blank(header []string, row []any, col string) ([]string, []any) {
	row = slices.Clone(row)
	row[slices.Index(header, col)] = nil
	return header, row
}

func TestColumnRules(t *testing.T) {
	type check func(t *testing.T, before, after *customer.Customer)
	kept := func(field func(*customer.Customer) any) check {
		return func(t *testing.T, before, after *customer.Customer) {
			if b, a := field(before), field(after); !equalAny(b, a) {
				t.Fatalf("value changed from %v to %v, want it kept", b, a)
			}
		}
	}
	is := func(field func(*customer.Customer) any, want any) check {
		return func(t *testing.T, _, after *customer.Customer) {
			if got := field(after); !equalAny(got, want) {
				t.Fatalf("value is %v, want %v", got, want)
			}
		}
	}
	number := func(c *customer.Customer) any { return c.Number }
	email := func(c *customer.Customer) any { return c.Profile.Email }
	first := func(c *customer.Customer) any { return c.Profile.FirstName }
	gdpr := func(c *customer.Customer) any { return c.Flags.GDPRRestricted }
	credit := func(c *customer.Customer) any { return c.Flags.CreditAllowed }
	sms := func(c *customer.Customer) any { return c.Flags.MarketingSMS }
	note := func(c *customer.Customer) any { return c.Note }
	ssn := func(c *customer.Customer) any { return c.Identifiers.SSNHash }
	cardList := func(c *customer.Customer) any { return slices.Clone(c.Identifiers.Cards) }
	vip := func(c *customer.Customer) any { return c.InGroup("vip") }

	for _, tc := range []struct {
		name     string
		column   string
		missing  bool // drop the column; otherwise blank the cell
		isNew    bool
		want     check
		wantCode validate.Code // a row issue instead
		fileErr  bool
	}{
		{name: "id missing is a file error", column: "id", missing: true, wantCode: validate.CodeMissingColumn, fileErr: true},
		{name: "id empty creates a customer with a new number", column: "id", isNew: true,
			want: func(t *testing.T, _, after *customer.Customer) {
				if after.Number == "" || after.Number == "1000001" {
					t.Fatalf("number %q, want a new one", after.Number)
				}
			}},
		{name: "sequenceNumber missing keeps an existing number", column: "sequenceNumber", missing: true, want: kept(number)},
		{name: "sequenceNumber missing gives a new customer a new number", column: "sequenceNumber", missing: true, isNew: true,
			want: func(t *testing.T, _, after *customer.Customer) {
				if after.Number == "" {
					t.Fatal("no number assigned")
				}
			}},
		{name: "sequenceNumber empty keeps an existing number", column: "sequenceNumber", want: kept(number)},
		{name: "email missing keeps an existing address", column: "email", missing: true, want: kept(email)},
		{name: "email missing rejects a new customer", column: "email", missing: true, isNew: true, wantCode: validate.CodeMissingColumn},
		{name: "email empty keeps an existing address", column: "email", want: kept(email)},
		{name: "email empty gives a new customer none", column: "email", isNew: true, want: is(email, "")},
		{name: "firstName missing keeps the name", column: "firstName", missing: true, want: kept(first)},
		{name: "firstName missing rejects a new customer", column: "firstName", missing: true, isNew: true, wantCode: validate.CodeMissingColumn},
		{name: "firstName empty rejects an existing customer's row", column: "firstName", wantCode: validate.CodeRequired},
		{name: "firstName empty rejects a new customer", column: "firstName", isNew: true, wantCode: validate.CodeRequiredForNew},
		{name: "lastName empty rejects an existing customer's row", column: "lastName", wantCode: validate.CodeRequired},
		{name: "lastName missing rejects a new customer", column: "lastName", missing: true, isNew: true, wantCode: validate.CodeMissingColumn},
		{name: "gdprRestricted missing keeps the flag", column: "gdprRestricted", missing: true, want: kept(gdpr)},
		{name: "gdprRestricted missing gives a new customer false", column: "gdprRestricted", missing: true, isNew: true, want: is(gdpr, false)},
		{name: "gdprRestricted empty sets false", column: "gdprRestricted", want: is(gdpr, false)},
		{name: "creditAllowed empty sets false for a new customer", column: "creditAllowed", isNew: true, want: is(credit, false)},
		{name: "marketingSms empty sets false", column: "marketingSms", want: is(sms, false)},
		{name: "customNote missing keeps the note", column: "customNote", missing: true, want: kept(note)},
		{name: "customNote missing gives a new customer none", column: "customNote", missing: true, isNew: true, want: is(note, "")},
		{name: "customNote empty clears the note", column: "customNote", want: is(note, "")},
		{name: "ssn missing keeps the hash", column: "ssn", missing: true, want: kept(ssn)},
		{name: "ssn missing gives a new customer none", column: "ssn", missing: true, isNew: true, want: is(ssn, "")},
		{name: "ssn empty removes the SSN", column: "ssn", want: is(ssn, "")},
		{name: "customerCard:1 missing keeps the cards", column: "customerCard:1", missing: true, want: kept(cardList)},
		{name: "customerCard:1 empty removes card 1", column: "customerCard:1", want: is(cardList, []string{"600100000002"})},
		{name: "customerCard:1 empty gives a new customer none", column: "customerCard:1", isNew: true, want: is(cardList, []string(nil))},
		{name: "group:vip missing keeps the membership", column: "group:vip", missing: true, want: kept(vip)},
		{name: "group:vip empty leaves the membership", column: "group:vip", want: kept(vip)},
		{name: "group:vip empty gives a new customer none", column: "group:vip", isNew: true, want: is(vip, false)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store, existing := newColumnFixture(t)
			row := restate(existing)
			if tc.isNew {
				row = fresh()
			}
			header := personHeader
			if tc.missing {
				header, row = without(header, row, tc.column)
			} else {
				header, row = blank(header, row, tc.column)
			}
			before := snapshot(t, store)
			res, err := importBytes(t, store, workbook(t, "Person Customers", header, row), excelio.ImportOptions{})
			if tc.fileErr {
				if !errorsIsCode(err, tc.wantCode) {
					t.Fatalf("error %v, want file error %s", err, tc.wantCode)
				}
				if diff := cmpDiff(before, snapshot(t, store)); diff != "" {
					t.Fatalf("a file error changed the store:\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantCode != "" {
				if got := res.Report.ByCode()[tc.wantCode]; got != 1 || res.Rejected != 1 {
					t.Fatalf("issues %v, want one %s rejecting the row", issueCodes(res), tc.wantCode)
				}
				if tc.wantCode != validate.CodeMissingColumn {
					issue := res.Report.Issues()[0]
					if issue.Row != 2 || issue.Header != tc.column || issue.Column != columnLetter(header, tc.column) {
						t.Fatalf("issue at row %d column %s (%s), want row 2 column %s (%s)", issue.Row, issue.Column, issue.Header,
							columnLetter(header, tc.column), tc.column)
					}
				}
				return
			}
			if res.Report.HasErrors() {
				t.Fatalf("unexpected issues %v", issueCodes(res))
			}
			var after *customer.Customer
			if tc.isNew {
				if tc.column == "email" {
					after = newest(t, store)
				} else {
					after, err = store.ByEmail(context.Background(), "", "new@example.fi")
				}
			} else {
				after, err = store.Get(context.Background(), existing.ID)
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.want(t, existing, after)
		})
	}
}

func equalAny(a, b any) bool {
	as, aok := a.([]string)
	bs, bok := b.([]string)
	if aok && bok {
		return slices.Equal(as, bs)
	}
	return a == b
}

func errorsIsCode(err error, code validate.Code) bool { return errors.Is(err, code) }

func cmpDiff(a, b []*customer.Customer) string { return cmp.Diff(a, b, storeOpts) }

func columnLetter(header []string, name string) string {
	return validate.ColumnLetter(slices.Index(header, name))
}

// newest returns the customer with the highest ID.
func newest(t *testing.T, s *memstore.Store) *customer.Customer {
	all := snapshot(t, s)
	return all[len(all)-1]
}
