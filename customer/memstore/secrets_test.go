package memstore

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/impexkit/impex/customer"
)

// strings walks every string reachable from v, unexported fields included.
func walkStrings(v reflect.Value, seen map[uintptr]bool, visit func(string)) {
	switch v.Kind() {
	case reflect.String:
		visit(v.String())
	case reflect.Pointer:
		if v.IsNil() || seen[v.Pointer()] {
			return
		}
		seen[v.Pointer()] = true
		walkStrings(v.Elem(), seen, visit)
	case reflect.Interface:
		if !v.IsNil() {
			walkStrings(v.Elem(), seen, visit)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			walkStrings(v.Field(i), seen, visit)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkStrings(v.Index(i), seen, visit)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			walkStrings(it.Key(), seen, visit)
			walkStrings(it.Value(), seen, visit)
		}
	}
}

func TestNoPlainSSNIsReachableFromTheStore(t *testing.T) {
	const ssn = "131052-308T"
	hasher, err := customer.NewSSNHasher(customer.SSNKey{ID: "k1", Secret: bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{})
	c := &customer.Customer{Kind: customer.KindPerson, Number: "1", Identifiers: customer.Identifiers{SSNHash: hasher.Hash(ssn)}}
	ctx := context.Background()
	w, err := s.Write(ctx, []customer.Op{customer.Put(c)})
	if err != nil {
		t.Fatal(err)
	}
	// A duplicate attempt exercises the error path, which names the hash.
	_, dupErr := s.Write(ctx, []customer.Op{customer.Put(&customer.Customer{Kind: customer.KindPerson,
		Identifiers: customer.Identifiers{SSNHash: hasher.Hash(ssn)}})})

	found := 0
	check := func(where, str string) {
		found++
		for _, part := range []string{ssn, "131052308T", "131052", "308T"} {
			if strings.Contains(str, part) {
				t.Errorf("%s contains %q of the plain SSN: %q", where, part, str)
			}
		}
	}
	walkStrings(reflect.ValueOf(s).Elem(), map[uintptr]bool{}, func(str string) { check("the store's state", str) })
	got, _ := s.ByIdentifier(ctx, customer.Identifier{Type: customer.IdentSSNHash, Value: hasher.Hash(ssn)})
	if got == nil || got.ID != w[0].ID {
		t.Fatalf("the customer is not findable by the hash: %v", got)
	}
	check("the duplicate error", dupErr.Error())
	if found < 3 {
		t.Fatalf("the walk saw only %d strings; it is not looking at the store", found)
	}
	var sawHash bool
	walkStrings(reflect.ValueOf(s).Elem(), map[uintptr]bool{}, func(str string) { sawHash = sawHash || str == hasher.Hash(ssn) })
	if !sawHash {
		t.Fatal("the walk did not reach the stored hash, so it proves nothing")
	}
}
