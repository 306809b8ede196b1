package boltstore

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"

	"github.com/impexkit/impex/customer"
)

// A file written before stores knew lists has no lists bucket: Lists reads
// the lists from its customers without changing the file, and the first
// write makes the bucket from them.
func TestAFileWithoutListsKnowsItsCustomersLists(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "impex.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := &customer.Customer{Kind: customer.KindPerson, List: "nordic", Number: "1"}
	b := &customer.Customer{Kind: customer.KindPerson, Number: "2"}
	if _, err := s.Write(ctx, []customer.Op{customer.Put(a), customer.Put(b)}); err != nil {
		t.Fatal(err)
	}
	if err := s.db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketLists) }); err != nil {
		t.Fatal(err)
	}
	want := []customer.ListSettings{{ID: ""}, {ID: "nordic"}}
	got, err := s.Lists(ctx)
	if diff := cmp.Diff(want, got); err != nil || diff != "" {
		t.Fatalf("Lists of the old file, %v (-want +got):\n%s", err, diff)
	}
	s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketLists) != nil {
			t.Error("reading the lists changed the file")
		}
		return nil
	})
	c := &customer.Customer{Kind: customer.KindPerson, List: "outlet", Number: "3"}
	if _, err := s.Write(ctx, []customer.Op{customer.Put(c)}); err != nil {
		t.Fatal(err)
	}
	got, err = s.Lists(ctx)
	if diff := cmp.Diff(append(want, customer.ListSettings{ID: "outlet"}), got); err != nil || diff != "" {
		t.Fatalf("Lists after a write, %v (-want +got):\n%s", err, diff)
	}
}
