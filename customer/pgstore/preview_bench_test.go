package pgstore_test

import (
	"context"
	"testing"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/customer/pgstore"
	"github.com/impexkit/impex/customer/repotest"
	"github.com/impexkit/impex/groups"
)

// BenchmarkPreview1M previews "Big Spenders"-style groups, with many members
// and with few, over 1,000,000 customers, 100 members kept, in memstore (every customer through the Go
// evaluator, as groups' BenchmarkPreview1M does) and in pgstore (the rule
// decided by PostgreSQL), in the same run: one op is one whole preview.
// Both stores are filled once, in batches of 10,000, before the timers.
func BenchmarkPreview1M(b *testing.B) {
	const total, batch = 1_000_000, 10_000
	ctx := context.Background()
	pg := newStore(b, pgstore.Options{})
	mem := memstore.New(memstore.Options{})
	ops := make([]customer.Op, 0, batch)
	for i := 0; i < total; i += batch {
		ops = ops[:0]
		for j := i; j < i+batch; j++ {
			ops = append(ops, customer.Put(repotest.SpenderCustomer(j)))
		}
		if _, err := pg.Write(ctx, ops); err != nil {
			b.Fatal(err)
		}
		if _, err := mem.Write(ctx, ops); err != nil {
			b.Fatal(err)
		}
	}
	// What autovacuum would have done by the time anyone previews.
	if _, err := pg.Pool().Exec(ctx, `VACUUM ANALYZE customers`); err != nil {
		b.Fatal(err)
	}
	cond := func(path string, op groups.Operator, v groups.Value) groups.Condition {
		return groups.Condition{Path: path, Operator: op, Value: v}
	}
	for _, g := range []struct {
		id      string
		matched int
		conds   []groups.Condition
	}{
		{"Big Spenders", total / 500 * 299, []groups.Condition{
			cond("customer.activeData.orderValueMonth", groups.IsGreaterThan, groups.ValueNumbers(groups.NumberOf(200)))}},
		{"registered frequent spenders", 28_571, []groups.Condition{
			cond("customer.activeData.orderValueMonth", groups.IsGreaterThanOrEqual, groups.ValueNumbers(groups.NumberOf(400))),
			cond("customer.activeData.orders", groups.IsGreaterThanOrEqual, groups.ValueInts(5)),
			cond("customer.registered", groups.IsTrue, groups.Value{})}},
		// Few members: the page is found by collecting them, not by walking
		// the primary key.
		{"exact spenders", 285, []groups.Condition{
			cond("customer.activeData.orderValueMonth", groups.IsEqual, groups.ValueNumbers(groups.NumberOf(499))),
			cond("customer.activeData.orders", groups.IsEqual, groups.ValueInts(3))}},
	} {
		compiled, err := groups.CompileGroup(&groups.Group{ID: g.id, Kind: groups.Dynamic, Rule: &groups.Rule{
			Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: g.conds}}}}, groups.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for _, st := range []struct {
			name string
			repo customer.Repository
		}{{"memstore", mem}, {"pgstore", pg}} {
			b.Run(g.id+"/"+st.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					res, err := compiled.Preview(ctx, st.repo, groups.PreviewOptions{Limit: 100})
					if err != nil || res.Scanned != total || res.Matched != g.matched || len(res.Members) != min(100, g.matched) {
						b.Fatalf("Preview = scanned %d, matched %d, %d members, %v", res.Scanned, res.Matched, len(res.Members), err)
					}
					if res.InRepository != (st.name == "pgstore") {
						b.Fatalf("Preview in the repository: %v; fallback %q", res.InRepository, res.Fallback)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*total), "ns/customer")
			})
		}
	}
}
