package memstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/customer/repotest"
)

// BenchmarkWrite50kInBatchesOf1000 stores 50,000 new customers through
// 50 batches of 1,000; one op is the whole 50,000.
func BenchmarkWrite50kInBatchesOf1000(b *testing.B) {
	const total, batch = 50000, 1000
	cs := make([]*customer.Customer, total)
	for i := range cs {
		cs[i] = repotest.BenchCustomer(i)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		s := memstore.New(memstore.Options{})
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
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*total), "ns/customer")
}

func filledStore(b *testing.B, n int) *memstore.Store {
	s := memstore.New(memstore.Options{})
	ops := make([]customer.Op, n)
	for i := range ops {
		ops[i] = customer.Put(repotest.BenchCustomer(i))
	}
	if _, err := s.Write(context.Background(), ops); err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkByEmail(b *testing.B) {
	s := filledStore(b, 50000)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.ByEmail(ctx, "", fmt.Sprintf("AINO.virtanen%d@example.com", i%50000)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkByCard(b *testing.B) {
	s := filledStore(b, 50000)
	ctx := context.Background()
	cards := make([]string, 50000)
	for i := range cards {
		cards[i] = fmt.Sprintf("6002%08d", i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.ByIdentifier(ctx, customer.Identifier{Type: customer.IdentCard, Value: cards[i%50000]}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
