package pgstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/pgstore"
	"github.com/impexkit/impex/customer/repotest"
)

const benchTotal, benchBatch = 50000, 1000

// writeAll stores customers 0..n-1 in batches of benchBatch.
func writeAll(b *testing.B, s *pgstore.Store, cs []*customer.Customer) {
	ctx := context.Background()
	ops := make([]customer.Op, 0, benchBatch)
	for i := 0; i < len(cs); i += benchBatch {
		ops = ops[:0]
		for _, c := range cs[i:min(i+benchBatch, len(cs))] {
			ops = append(ops, customer.Put(c))
		}
		if _, err := s.Write(ctx, ops); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite50kInBatchesOf1000 stores 50,000 new customers through 50
// batches of 1,000 into empty tables; one op is the whole 50,000.
func BenchmarkWrite50kInBatchesOf1000(b *testing.B) {
	s := newStore(b, pgstore.Options{})
	cs := make([]*customer.Customer, benchTotal)
	for i := range cs {
		cs[i] = repotest.BenchCustomer(i)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		if _, err := s.Pool().Exec(ctx, `TRUNCATE customers, customer_keys`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		writeAll(b, s, cs)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchTotal), "ns/customer")
}

// BenchmarkUpdate50kInBatchesOf1000 replaces 50,000 stored customers
// (read at their stored version) through 50 batches of 1,000.
func BenchmarkUpdate50kInBatchesOf1000(b *testing.B) {
	s := newStore(b, pgstore.Options{})
	cs := make([]*customer.Customer, benchTotal)
	for i := range cs {
		cs[i] = repotest.BenchCustomer(i)
	}
	writeAll(b, s, cs)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		cs = cs[:0]
		for c, err := range s.List(ctx, customer.Filter{}) {
			if err != nil {
				b.Fatal(err)
			}
			c.Note = fmt.Sprint("pass ", c.Version)
			cs = append(cs, c)
		}
		b.StartTimer()
		writeAll(b, s, cs)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchTotal), "ns/customer")
}

// BenchmarkList50k streams 50,000 stored customers with the zero filter.
func BenchmarkList50k(b *testing.B) {
	s := newStore(b, pgstore.Options{})
	cs := make([]*customer.Customer, benchTotal)
	for i := range cs {
		cs[i] = repotest.BenchCustomer(i)
	}
	writeAll(b, s, cs)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		n := 0
		for _, err := range s.List(ctx, customer.Filter{}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != benchTotal {
			b.Fatalf("listed %d customers, want %d", n, benchTotal)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchTotal), "ns/customer")
}

func BenchmarkByEmail(b *testing.B) {
	s := newStore(b, pgstore.Options{})
	cs := make([]*customer.Customer, 5000)
	for i := range cs {
		cs[i] = repotest.BenchCustomer(i)
	}
	writeAll(b, s, cs)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.ByEmail(ctx, "", fmt.Sprintf("AINO.virtanen%d@example.com", i%len(cs))); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
