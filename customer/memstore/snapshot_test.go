package memstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/groups"
)

// fullCustomer returns a customer with every field set, its keys derived
// from n.
func fullCustomer(n int) *customer.Customer {
	yes := true
	at := time.Date(2025, 6, 1, 12, 30, 15, 125, time.UTC).Add(time.Duration(n) * time.Hour)
	return &customer.Customer{
		Kind: customer.KindCompany, List: "nordic", Number: fmt.Sprintf("N%d", n),
		Credentials: customer.Credentials{
			Login:    fmt.Sprintf("login%d", n),
			Password: customer.PasswordHash{Scheme: customer.SchemeScrypt, Hash: "$s0$e0801$c2FsdA==$a2V5"},
			Disabled: true, Question: "first pet",
			Answer: customer.PasswordHash{Scheme: customer.SchemeScrypt, Hash: "$s0$e0801$c2FsdA==$YW5z"},
			ExternalProfiles: []customer.ExternalProfile{{ProviderID: "Google", ExternalID: fmt.Sprintf("g%d", n),
				Email: "g@example.com", LastLoginTime: at}},
		},
		Profile: customer.Profile{
			Salutation: "Ms", Title: "Dr", FirstName: "Aino", SecondName: "Maria", LastName: "Järvinen",
			Suffix: "Jr", CompanyName: "Oy Ab", TaxCode: "FI12345671", JobTitle: "Buyer",
			Email: fmt.Sprintf("Aino%d@Example.com", n), EmailVerified: &yes,
			Phones:   customer.Phones{Home: "+358 9 1", Business: "+358 9 2", Mobile: "+358 40 3", Fax: "+358 9 4"},
			Birthday: time.Date(1980, 2, 29, 0, 0, 0, 0, time.UTC), Gender: customer.Gender{Code: 7, Valid: true},
			CreationDate: at, LastLoginTime: at, LastVisitTime: at, PreferredLocale: "fi_FI",
			PaymentProfiles: []customer.PaymentProfile{{AccountID: "a", AccountType: "STRIPE", AccountCustomerID: "cus", CreationDate: at}},
		},
		Flags: customer.Flags{GDPRRestricted: true, CreditAllowed: true, MarketingEmail: true, MarketingSMS: true},
		Note:  "rivi yksi\nrivi kaksi", GlobalPartyID: fmt.Sprintf("gp%d", n),
		Addresses: []customer.Address{
			{ID: " home ", Preferred: true, Salutation: "Ms", Title: "Dr", FirstName: "Aino", SecondName: "M",
				LastName: "Järvinen", Suffix: "Jr", CompanyName: "Oy", JobTitle: "Buyer", Address1: "Katu 1",
				Address2: "B 2", Suite: "3", Postbox: "4", City: "Helsinki", PostalCode: "00100", StateCode: "U",
				CountryCode: "FI", Phone: "+358 9 5", Attributes: []customer.Attribute{{ID: "door", Lang: "fi", Values: []string{"A"}}}},
			{ID: "work", Address1: "Box 12", City: "Stockholm", CountryCode: "se"},
		},
		Identifiers: customer.Identifiers{
			Cards: []string{fmt.Sprintf("C%d-1", n), "", fmt.Sprintf("C%d-3", n)}, SSNHash: fmt.Sprintf("$ssn1$k1$h%d", n),
			ExternalID: fmt.Sprintf("ext%d", n), Custom: map[string]string{"loyaltyId": fmt.Sprintf("L%d", n)},
		},
		Groups:     []string{"vip"},
		Attributes: []customer.Attribute{{ID: "bio", Lang: "fi", Values: []string{"Hei"}}, {ID: "shoeSize", Values: []string{"38", "39"}}},
		ActiveData: &customer.ActiveData{VisitsWeek: 1, VisitsMonth: 2, VisitsYear: 3, Orders: 4, Returns: 5,
			ReturnValue: 6.5, OrderValue: 7.5, OrderValueMonth: 8.5, AvgOrderValue: 9.5, DiscountValueWithoutCoupon: 10.5,
			DiscountValueWithCoupon: 11.5, SourceCodeOrders: 12, GiftUnits: 13.5, GiftOrders: 14,
			TopCategoriesOrdered: []string{"shoes"}, ProductsOrdered: []string{"p1"}, ProductMastersOrdered: []string{"m1"},
			ProductsViewedMonth: []string{"p2"}, ProductsAbandonedMonth: []string{"p3"}, LastOrderDate: at,
			Custom: []customer.Attribute{{ID: "tier", Lang: "en", Values: []string{"gold"}}}},
	}
}

func TestSnapshotRestoresEverything(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	opts := memstore.Options{Now: func() time.Time { return now },
		Constraints: customer.Constraints{UniqueIdentifiers: []string{"loyaltyId"}}}
	s := memstore.New(opts)
	vip := &groups.Group{ID: "vip", Kind: groups.Static, Name: "VIP", Description: "the best",
		Attributes: []customer.Attribute{{ID: "color", Values: []string{"gold"}}}}
	rich := &groups.Group{ID: "rich", Kind: groups.Dynamic, Name: "Rich", Rule: &groups.Rule{
		Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{{
			Path: "customer.activeData.orderValue", Operator: groups.IsGreaterThan, Value: groups.ValueInts(100)}}}}}}
	if err := s.WriteGroups(ctx, []groups.Op{groups.Create(vip), groups.Create(rich)}); err != nil {
		t.Fatal(err)
	}
	put := []*customer.Customer{fullCustomer(1), fullCustomer(2)}
	put[1].Groups = nil
	w, err := s.Write(ctx, []customer.Op{customer.Put(put[0]), customer.Put(put[1])})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WriteGroups(ctx, []groups.Op{groups.Assign("vip", w[1].ID)}); err != nil {
		t.Fatal(err)
	}
	s.NextNumber(ctx, "")
	s.NextNumber(ctx, "")

	// What was written, as the store must give it back.
	want := make([]*customer.Customer, len(put))
	for i, c := range put {
		want[i] = c.Clone()
		want[i].ID, want[i].Version, want[i].CreatedAt, want[i].UpdatedAt = w[i].ID, 1, now, now
	}
	want[1].Groups, want[1].Version = []string{"vip"}, 2
	wantGroups := append(groups.SystemGroups(), vip, rich)

	b, err := json.Marshal(s.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	var snap memstore.Snapshot
	if err := json.Unmarshal(b, &snap); err != nil {
		t.Fatal(err)
	}
	r, err := memstore.Restore(opts, &snap)
	if err != nil {
		t.Fatal(err)
	}
	var got []*customer.Customer
	for c, err := range r.List(ctx, customer.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, c)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("restored customers differ from the ones written (-written +restored):\n%s", diff)
	}
	var gotGroups []*groups.Group
	for g, err := range r.Groups(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		gotGroups = append(gotGroups, g)
	}
	byID := cmpopts.SortSlices(func(a, b *groups.Group) bool { return a.ID < b.ID })
	if diff := cmp.Diff(wantGroups, gotGroups, byID); diff != "" {
		t.Fatalf("restored groups differ from the ones written (-written +restored):\n%s", diff)
	}

	n, _ := r.NextNumber(ctx, "")
	if n != "3" {
		t.Fatalf("the restored sequence continues at %q, want 3", n)
	}
	for _, c := range want {
		got, err := r.ByIdentifier(ctx, customer.Identifier{Type: customer.IdentCard, Value: c.Identifiers.Cards[2]})
		if err != nil || got.ID != c.ID {
			t.Fatalf("lookup of a card in the restored store: %v, %v; want %s", got, err, c.ID)
		}
	}
	dup := fullCustomer(3)
	dup.Identifiers.Custom["loyaltyId"] = want[0].Identifiers.Custom["loyaltyId"]
	if _, err := r.Write(ctx, []customer.Op{customer.Put(dup)}); !errors.Is(err, customer.ErrDuplicate) {
		t.Fatalf("the restored store took a duplicate loyaltyId: %v", err)
	}
	w2, err := r.Write(ctx, []customer.Op{customer.Put(fullCustomer(3))})
	if err != nil {
		t.Fatal(err)
	}
	if w2[0].ID == w[0].ID || w2[0].ID == w[1].ID {
		t.Fatalf("the restored store reused ID %s", w2[0].ID)
	}
}

func TestRestoreRefusesABrokenSnapshot(t *testing.T) {
	a, b := benchCustomer(1), benchCustomer(2)
	a.ID, b.ID = "x1", "x2"
	b.Number = a.Number
	if _, err := memstore.Restore(memstore.Options{}, &memstore.Snapshot{Customers: []*customer.Customer{a, b}}); err == nil {
		t.Fatal("a snapshot with a duplicate number was restored")
	}
	a.Kind = 0
	if _, err := memstore.Restore(memstore.Options{}, &memstore.Snapshot{Customers: []*customer.Customer{a}}); err == nil {
		t.Fatal("a snapshot with an invalid customer was restored")
	}
}

// TestFullCustomerSetsEveryField keeps fullCustomer honest: a field it
// leaves zero is a field TestSnapshotRestoresEverything cannot see dropped.
func TestFullCustomerSetsEveryField(t *testing.T) {
	assigned := map[string]bool{"ID": true, "Version": true, "CreatedAt": true, "UpdatedAt": true}
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		if v.IsZero() {
			t.Errorf("fullCustomer leaves %s zero", path)
			return
		}
		switch v.Kind() {
		case reflect.Pointer:
			walk(path, v.Elem())
		case reflect.Slice:
			walk(path+"[0]", v.Index(0))
		case reflect.Struct:
			if v.Type() == reflect.TypeFor[time.Time]() {
				return
			}
			for i := range v.NumField() {
				if f := v.Type().Field(i); path != "Customer" || !assigned[f.Name] {
					walk(path+"."+f.Name, v.Field(i))
				}
			}
		}
	}
	walk("Customer", reflect.ValueOf(fullCustomer(1)).Elem())
}
