package memstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/customer/repotest"
	"github.com/impexkit/impex/groups"
)

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
	put := []*customer.Customer{repotest.FullCustomer(1), repotest.FullCustomer(2)}
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
	eight := int64(8)
	outlet := customer.ListSettings{ID: "outlet", Description: "no customers yet", MinPasswordLength: &eight}
	if err := s.PutList(ctx, outlet); err != nil {
		t.Fatal(err)
	}

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

	lists, err := r.Lists(ctx)
	if diff := cmp.Diff([]customer.ListSettings{{ID: "nordic"}, outlet}, lists); err != nil || diff != "" {
		t.Fatalf("restored lists differ from the ones written (-written +restored), %v:\n%s", err, diff)
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
	dup := repotest.FullCustomer(3)
	dup.Identifiers.Custom["loyaltyId"] = want[0].Identifiers.Custom["loyaltyId"]
	if _, err := r.Write(ctx, []customer.Op{customer.Put(dup)}); !errors.Is(err, customer.ErrDuplicate) {
		t.Fatalf("the restored store took a duplicate loyaltyId: %v", err)
	}
	w2, err := r.Write(ctx, []customer.Op{customer.Put(repotest.FullCustomer(3))})
	if err != nil {
		t.Fatal(err)
	}
	if w2[0].ID == w[0].ID || w2[0].ID == w[1].ID {
		t.Fatalf("the restored store reused ID %s", w2[0].ID)
	}
}

func TestRestoreRefusesABrokenSnapshot(t *testing.T) {
	stored := func(i int, change func(c *customer.Customer)) *customer.Customer {
		c := repotest.BenchCustomer(i)
		c.ID, c.Version = fmt.Sprint("x", i), 1
		change(c)
		return c
	}
	same := func(*customer.Customer) {}
	for _, tc := range []struct {
		name string
		cs   []*customer.Customer
		want error
	}{
		{"a duplicate number", []*customer.Customer{stored(1, same), stored(2, func(c *customer.Customer) { c.Number = "100001" })}, customer.ErrDuplicate},
		{"a customer of no kind", []*customer.Customer{stored(1, func(c *customer.Customer) { c.Kind = 0 })}, customer.ErrInvalid},
		{"a customer without an ID", []*customer.Customer{stored(1, func(c *customer.Customer) { c.ID = "" })}, customer.ErrInvalid},
		{"a customer at version 0, which no update could match", []*customer.Customer{stored(1, func(c *customer.Customer) { c.Version = 0 })}, customer.ErrInvalid},
	} {
		if _, err := memstore.Restore(memstore.Options{}, &memstore.Snapshot{Customers: tc.cs}); !errors.Is(err, tc.want) {
			t.Errorf("a snapshot with %s: %v, want %v", tc.name, err, tc.want)
		}
	}
}
