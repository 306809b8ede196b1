package customer_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex/customer"
)

func TestKeysAreInTheDocumentedOrder(t *testing.T) {
	c := &customer.Customer{
		Kind: customer.KindPerson, List: "nordic", Number: "7",
		Credentials: customer.Credentials{Login: "anna"},
		Profile:     customer.Profile{Email: "Anna@Example.COM"},
		Identifiers: customer.Identifiers{
			Cards:      []string{"", "C2", "", "C4"},
			SSNHash:    "$ssn1$k$h",
			ExternalID: "ext",
			Custom: map[string]string{"zeta": "z", "alpha": "a", "beta": "", "mid": "m",
				"customerCard": "C9", "ssn": "S"},
		},
	}
	// A custom type named like a built-in one follows the constraints:
	// "customerCard" is declared unique here, "ssn" is not.
	cons := customer.Constraints{UniqueIdentifiers: []string{"mid", "customerCard"}}
	want := []customer.IndexKey{
		{Key: customer.KeyNumber, List: "nordic", Value: "7", Unique: true},
		{Key: customer.KeyLogin, List: "nordic", Value: "anna", Unique: true},
		{Key: customer.KeyEmail, List: "nordic", Value: "anna@example.com", Unique: false},
		{Key: "customerCard", Value: "C2", Unique: true},
		{Key: "customerCard", Value: "C4", Unique: true},
		{Key: "ssn", Value: "$ssn1$k$h", Unique: true},
		{Key: "externalId", Value: "ext", Unique: true},
		{Key: "alpha", Value: "a", Unique: false},
		{Key: "customerCard", Value: "C9", Unique: true},
		{Key: "mid", Value: "m", Unique: true},
		{Key: "ssn", Value: "S", Unique: false},
		{Key: "zeta", Value: "z", Unique: false},
	}
	for range 20 { // the custom types come from a map: ask often
		if diff := cmp.Diff(want, cons.Keys(c)); diff != "" {
			t.Fatalf("Keys differ (-want +got):\n%s", diff)
		}
	}
	cons.UniqueEmail = true
	if got := cons.Keys(c)[2]; !got.Unique {
		t.Fatalf("with UniqueEmail the e-mail key is %+v, want it unique", got)
	}
	if got := cons.Keys(&customer.Customer{Kind: customer.KindPerson, Identifiers: customer.Identifiers{Cards: []string{""}}}); len(got) != 0 {
		t.Fatalf("a customer with only empty values holds keys %+v, want none", got)
	}
}

func TestCheckOpRefusesWhatNoStoreMayHold(t *testing.T) {
	for _, tc := range []struct {
		name string
		op   customer.Op
		ok   bool
	}{
		{"a valid put passes", customer.Put(&customer.Customer{Kind: customer.KindCompany}), true},
		{"a delete passes", customer.Delete("c1", 0), true},
		{"a put of no customer is refused", customer.Put(nil), false},
		{"a customer of no kind is refused", customer.Put(&customer.Customer{}), false},
		{"a negative version is refused", customer.Put(&customer.Customer{Kind: customer.KindPerson, Version: -1}), false},
		{"an operation of no kind is refused", customer.Op{Kind: 9}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := customer.CheckOp(tc.op)
			if tc.ok != (err == nil) || (err != nil && !errors.Is(err, customer.ErrInvalid)) {
				t.Fatalf("CheckOp = %v; want ok %v or an error matching ErrInvalid", err, tc.ok)
			}
		})
	}
}

func TestCheckStoredRefusesWhatCouldNotHaveBeenStored(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    *customer.Customer
		ok   bool
	}{
		{"a customer with an ID at version 1 passes", &customer.Customer{ID: "c1", Version: 1, Kind: customer.KindPerson}, true},
		{"no customer is refused", nil, false},
		{"a customer without an ID is refused", &customer.Customer{Version: 1, Kind: customer.KindPerson}, false},
		{"an ID with a control character is refused", &customer.Customer{ID: "c\x001", Version: 1, Kind: customer.KindPerson}, false},
		{"an ID that is not UTF-8 is refused", &customer.Customer{ID: "c\xff", Version: 1, Kind: customer.KindPerson}, false},
		{"an ID beyond ASCII passes", &customer.Customer{ID: "asiakas-ä", Version: 1, Kind: customer.KindPerson}, true},
		{"version 0 is refused: an update of it would be a create", &customer.Customer{ID: "c1", Kind: customer.KindPerson}, false},
		{"a customer of no kind is refused", &customer.Customer{ID: "c1", Version: 1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := customer.CheckStored(tc.c)
			if tc.ok != (err == nil) || (err != nil && !errors.Is(err, customer.ErrInvalid)) {
				t.Fatalf("CheckStored = %v; want ok %v or an error matching ErrInvalid", err, tc.ok)
			}
		})
	}
}

func TestFirstDuplicateReportsTheFirstDuplicateInKeyOrder(t *testing.T) {
	c := &customer.Customer{Kind: customer.KindPerson, Number: "1", Credentials: customer.Credentials{Login: "anna"},
		Identifiers: customer.Identifiers{Cards: []string{"A", "B", "A"}, ExternalID: "ext"}}
	keys := customer.Constraints{}.Keys(c)
	held := map[customer.IndexKey]string{
		keys[1]: "other", // the login
		keys[5]: "third", // the external ID
	}
	holder := func(k customer.IndexKey) (string, bool) { h, ok := held[k]; return h, ok }
	var de *customer.DuplicateError
	if err := customer.FirstDuplicate("me", keys, holder); !errors.As(err, &de) || de.Key != customer.KeyLogin || de.Holder != "other" {
		t.Fatalf("FirstDuplicate = %v; want the login held by other", err)
	}
	delete(held, keys[1])
	if err := customer.FirstDuplicate("me", keys, holder); !errors.As(err, &de) || de.Key != "customerCard" || de.Value != "A" || de.Holder != "me" {
		t.Fatalf("FirstDuplicate = %v; want card A repeated by me", err)
	}
	held[keys[1]] = "me" // a customer may keep its own keys
	c.Identifiers.Cards = []string{"A", "B"}
	keys = customer.Constraints{}.Keys(c)
	if err := customer.FirstDuplicate("me", keys, holder); !errors.As(err, &de) || de.Key != "externalId" || de.Holder != "third" {
		t.Fatalf("FirstDuplicate = %v; want the external ID held by third", err)
	}
	delete(held, keys[4])
	if err := customer.FirstDuplicate("me", keys, holder); err != nil {
		t.Fatalf("FirstDuplicate = %v; want nil", err)
	}
	if err := customer.FirstDuplicate("me", keys, func(customer.IndexKey) (string, bool) { return "", true }); !errors.As(err, &de) || de.Holder != "" {
		t.Fatalf("FirstDuplicate = %v; want a duplicate with another customer of the batch", err)
	}
}
