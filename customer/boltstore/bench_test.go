package boltstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/boltstore"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/customer/repotest"
)

// stores are the two stores the benchmarks compare, in the same run: the
// target for boltstore is a ratio to memstore.
func stores(b *testing.B) map[string]func() (customer.Repository, func()) {
	return map[string]func() (customer.Repository, func()){
		"memstore": func() (customer.Repository, func()) { return memstore.New(memstore.Options{}), func() {} },
		"boltstore": func() (customer.Repository, func()) {
			s, err := boltstore.Open(filepath.Join(b.TempDir(), "impex.db"), boltstore.Options{})
			if err != nil {
				b.Fatal(err)
			}
			return s, func() { s.Close() }
		},
	}
}

// BenchmarkWrite50kInBatchesOf1000 stores 50,000 new customers through 50
// batches of 1,000, each batch one durable transaction for boltstore.
func BenchmarkWrite50kInBatchesOf1000(b *testing.B) {
	const total, batch = 50000, 1000
	cs := make([]*customer.Customer, total)
	for i := range cs {
		cs[i] = repotest.BenchCustomer(i)
	}
	ctx := context.Background()
	for _, name := range []string{"memstore", "boltstore"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s, done := stores(b)[name]()
				ops := make([]customer.Op, 0, batch)
				for i := 0; i < total; i += batch {
					ops = ops[:0]
					for _, c := range cs[i : i+batch] {
						ops = append(ops, customer.Put(c))
					}
					if _, err := s.Write(ctx, ops); err != nil {
						b.Fatal(err)
					}
				}
				done()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*total), "ns/customer")
		})
	}
}

// BenchmarkLookup finds customers by e-mail and by card among 50,000.
func BenchmarkLookup(b *testing.B) {
	const total = 50000
	ctx := context.Background()
	for _, name := range []string{"memstore", "boltstore"} {
		s, done := stores(b)[name]()
		for i := 0; i < total; i += 1000 {
			ops := make([]customer.Op, 0, 1000)
			for j := i; j < i+1000; j++ {
				ops = append(ops, customer.Put(repotest.BenchCustomer(j)))
			}
			if _, err := s.Write(ctx, ops); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(name+"/ByEmail", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := s.ByEmail(ctx, "", fmt.Sprintf("AINO.virtanen%d@example.com", i%total)); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		b.Run(name+"/ByCard", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := s.ByIdentifier(ctx, customer.Identifier{Type: customer.IdentCard, Value: fmt.Sprintf("6002%08d", i%total)}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		done()
	}
}
