package memstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/groups"
)

// fullCustomer returns a customer with every part set that a store keeps.
func fullCustomer(i int) *customer.Customer {
	c := benchCustomer(i)
	c.List = "nordic"
	c.Credentials = customer.Credentials{Login: fmt.Sprintf("aino%d", i), Password: customer.PasswordHash{Scheme: customer.SchemeMD5, Hash: "0123"},
		Disabled: true, Question: "pet?", Answer: customer.PasswordHash{Scheme: customer.SchemeMD5, Hash: "4567"},
		ExternalProfiles: []customer.ExternalProfile{{ProviderID: "google", ExternalID: fmt.Sprint("g", i), Email: "a@example.com", LastLoginTime: time.Date(2025, 5, 6, 7, 8, 9, 0, time.UTC)}}}
	c.Profile.Birthday = time.Date(1980, 2, 3, 0, 0, 0, 0, time.UTC)
	c.Flags = customer.Flags{GDPRRestricted: true, CreditAllowed: true, MarketingEmail: true, MarketingSMS: true}
	c.Note = "call first"
	c.GlobalPartyID = fmt.Sprint("gp", i)
	c.Addresses = append(c.Addresses, customer.Address{ID: "work", Address1: "Tie 2", City: "Espoo", PostalCode: "02100", CountryCode: "FI"})
	c.Identifiers.SSNHash = fmt.Sprintf("$ssn1$k$%043d", i)
	c.Identifiers.ExternalID = fmt.Sprint("ext", i)
	c.Identifiers.Custom = map[string]string{"loyaltyId": fmt.Sprint("L", i)}
	c.Attributes = []customer.Attribute{{ID: "newsletter", Values: []string{"yes"}}, {ID: "bio", Lang: "fi", Values: []string{"hei"}}}
	c.ActiveData = &customer.ActiveData{Orders: 3, OrderValue: 12.5, LastOrderDate: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC),
		Custom: []customer.Attribute{{ID: "points", Values: []string{"40"}}}}
	return c
}

// TestSnapshotRestoresEverything saves a store through JSON and restores
// it: the restored store holds the customers and groups that were written,
// every field of them, and carries on the sequences and IDs.
func TestSnapshotRestoresEverything(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	s := memstore.New(memstore.Options{Now: func() time.Time { return now }})
	vip := &groups.Group{ID: "vip", Kind: groups.Static, Name: "VIP", Description: "the best"}
	if err := s.WriteGroups(ctx, []groups.Op{groups.Create(vip)}); err != nil {
		t.Fatal(err)
	}
	written := []*customer.Customer{fullCustomer(1), fullCustomer(2)}
	w, err := s.Write(ctx, []customer.Op{customer.Put(written[0]), customer.Put(written[1])})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WriteGroups(ctx, []groups.Op{groups.Assign("vip", w[1].ID)}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := s.NextNumber(ctx, ""); err != nil {
			t.Fatal(err)
		}
	}

	b, err := json.Marshal(s.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	var snap memstore.Snapshot
	if err := json.Unmarshal(b, &snap); err != nil {
		t.Fatal(err)
	}
	r, err := memstore.Restore(memstore.Options{}, &snap)
	if err != nil {
		t.Fatal(err)
	}

	for i, c := range written {
		want := c.Clone()
		want.ID, want.Version, want.CreatedAt, want.UpdatedAt = w[i].ID, 1, now, now
		if i == 1 {
			want.Groups, want.Version = []string{"vip"}, 2
		}
		got, err := r.Get(ctx, w[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("restored customer %d differs from the one written (-written +restored):\n%s", i, diff)
		}
	}
	var gotGroups []*groups.Group
	for g, err := range r.Groups(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if g.Kind != groups.System {
			gotGroups = append(gotGroups, g)
		}
	}
	if diff := cmp.Diff([]*groups.Group{vip}, gotGroups); diff != "" {
		t.Errorf("restored groups differ (-written +restored):\n%s", diff)
	}
	if n, err := r.NextNumber(ctx, ""); err != nil || n != "3" {
		t.Fatalf("the restored sequence continues at %q (%v), want 3", n, err)
	}
	got, err := r.ByIdentifier(ctx, customer.Identifier{Type: customer.IdentCard, Value: written[1].Identifiers.Cards[0]})
	if err != nil || got.ID != w[1].ID {
		t.Fatalf("lookup in the restored store: %v, %v", got, err)
	}
	w2, err := r.Write(ctx, []customer.Op{customer.Put(benchCustomer(3))})
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
