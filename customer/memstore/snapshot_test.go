package memstore_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/groups"
)

func TestSnapshotRestoresEverything(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	s := memstore.New(memstore.Options{Now: func() time.Time { return now }})
	s.WriteGroups(ctx, []groups.Op{groups.Create(&groups.Group{ID: "vip", Kind: groups.Static, Name: "VIP"})})
	w, err := s.Write(ctx, []customer.Op{customer.Put(benchCustomer(1)), customer.Put(benchCustomer(2))})
	if err != nil {
		t.Fatal(err)
	}
	s.WriteGroups(ctx, []groups.Op{groups.Assign("vip", w[1].ID)})
	s.NextNumber(ctx, "")
	s.NextNumber(ctx, "")

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
	if diff := cmp.Diff(s.Snapshot(), r.Snapshot()); diff != "" {
		t.Fatalf("restored state differs (-saved +restored):\n%s", diff)
	}
	n, _ := r.NextNumber(ctx, "")
	if n != "3" {
		t.Fatalf("the restored sequence continues at %q, want 3", n)
	}
	got, err := r.ByIdentifier(ctx, customer.Identifier{Type: customer.IdentCard, Value: benchCustomer(2).Identifiers.Cards[0]})
	if err != nil || got.ID != w[1].ID || got.Version != 2 {
		t.Fatalf("lookup in the restored store: %v, %v", got, err)
	}
	w2, _ := r.Write(ctx, []customer.Op{customer.Put(benchCustomer(3))})
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
