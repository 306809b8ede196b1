package pgstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/pgstore"
	"github.com/impexkit/impex/customer/repotest"
	"github.com/impexkit/impex/internal/custjson"
)

const benchTotal, benchBatch = 50000, 1000

// writeAll stores customers 0..n-1 in batches of benchBatch.
func writeAll(b testing.TB, s *pgstore.Store, cs []*customer.Customer) {
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
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		emptyTables(b, s)
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

// BenchmarkCopyFromBaseline50k is the yardstick of the write benchmarks:
// pgx's CopyFrom of the rows a 50,000-customer write stores (the same
// customers, their JSON records as pgstore writes them, their columns,
// their key rows and their facts, encoded before the timer) into the tables Migrate creates, with
// their indexes, in one transaction. No store writes the same rows faster
// through pgx.
func BenchmarkCopyFromBaseline50k(b *testing.B) { copyBaseline(b, benchTotal) }

// BenchmarkCopyFromBaseline50kInBatchesOf1000 copies the same rows in
// transactions of 1,000 customers, as BenchmarkWrite50kInBatchesOf1000 writes
// them: what PostgreSQL's COPY costs in such batches, before any check.
func BenchmarkCopyFromBaseline50kInBatchesOf1000(b *testing.B) { copyBaseline(b, benchBatch) }

// copyBaseline copies the rows of 50,000 benchmark customers into empty
// tables, batch customers a transaction.
func copyBaseline(b *testing.B, batch int) {
	s := newStore(b, pgstore.Options{})
	now := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	var rows, keys, facts [][]any
	keysOf := make([]int, 0, benchTotal+1) // keys[keysOf[i]:] are customer i's
	for i := range benchTotal {
		c := repotest.BenchCustomer(i)
		c.ID, c.Version, c.CreatedAt, c.UpdatedAt = fmt.Sprintf("c%010d", i+1), 1, now, now
		data, err := custjson.Append(nil, c)
		if err != nil {
			b.Fatal(err)
		}
		var search []string
		for _, f := range customer.SearchFields(c) {
			if f != "" {
				search = append(search, strings.ToLower(f))
			}
		}
		f, err := pgstore.Facts(c)
		if err != nil {
			b.Fatal(err)
		}
		facts = append(facts, []any{c.ID, f})
		keysOf = append(keysOf, len(keys))
		var keysColumn []byte // the hash of each key, then 1 for a unique one or 0
		for _, k := range (customer.Constraints{}).Keys(c) {
			h := pgstore.KeyHash(k)
			keys = append(keys, []any{h, c.ID, k.Unique})
			keysColumn = append(append(keysColumn, h[:]...), map[bool]byte{true: 1, false: 0}[k.Unique])
		}
		at := now.Truncate(time.Microsecond)
		nsec := int32(now.Nanosecond() % 1000)
		rows = append(rows, []any{c.ID, c.Version, c.List, int16(c.Kind), c.Flags.CreditAllowed,
			at, nsec, at, nsec, []string{}, strings.Join(search, "\x1f"), keysColumn, data})
	}
	keysOf = append(keysOf, len(keys))
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		emptyTables(b, s)
		b.StartTimer()
		for i := 0; i < benchTotal; i += batch {
			end := min(i+batch, benchTotal)
			err := pgx.BeginFunc(ctx, s.Pool(), func(tx pgx.Tx) error {
				if _, err := tx.CopyFrom(ctx, pgx.Identifier{"customers"}, []string{"id", "version", "list", "kind", "credit_allowed",
					"created_at", "created_nsec", "updated_at", "updated_nsec", "groups", "search", "keys", "data"},
					pgx.CopyFromRows(rows[i:end])); err != nil {
					return err
				}
				if _, err := tx.CopyFrom(ctx, pgx.Identifier{"customer_keys"}, []string{"h", "customer_id", "uniq"},
					pgx.CopyFromRows(keys[keysOf[i]:keysOf[end]])); err != nil {
					return err
				}
				_, err := tx.CopyFrom(ctx, pgx.Identifier{"customer_facts"}, []string{"id", "facts"}, pgx.CopyFromRows(facts[i:end]))
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchTotal), "ns/customer")
}

// BenchmarkWriteOne creates one customer per batch, the smallest write: its
// cost is the batch's round trips and statements, not its rows.
func BenchmarkWriteOne(b *testing.B) {
	s := newStore(b, pgstore.Options{})
	ctx := context.Background()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Write(ctx, []customer.Op{customer.Put(repotest.BenchCustomer(i))}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkUpdateOne replaces one stored customer per batch.
func BenchmarkUpdateOne(b *testing.B) {
	s := newStore(b, pgstore.Options{})
	ctx := context.Background()
	w, err := s.Write(ctx, []customer.Op{customer.Put(repotest.BenchCustomer(0))})
	if err != nil {
		b.Fatal(err)
	}
	c, err := s.Get(ctx, w[0].ID)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		c.Note = fmt.Sprint("pass ", c.Version)
		w, err := s.Write(ctx, []customer.Op{customer.Put(c)})
		if err != nil {
			b.Fatal(err)
		}
		c.Version = w[0].Version
	}
}
