package pgstore_test

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/customer/pgstore"
	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/internal/benchdata"
)

// BenchmarkImportPerson50k imports excelio's 50,000-row person workbook
// (the file of excelio's BenchmarkImportPerson50k) end to end into memstore
// and into pgstore, in one run, so that the ratio of the two is measured
// on one machine at one moment. pgstore's tables are emptied before each
// import, outside the timer.
//
// pgstore-write writes the customers that import makes, read back from a
// memstore import, in batches of impex.DefaultBatchSize as the import
// writes them, with nothing else running: the import's figure without
// reading the workbook, planning, or lookups beside the write.
func BenchmarkImportPerson50k(b *testing.B) {
	const rows = 50000
	path := filepath.Join(b.TempDir(), "person50k.xlsx")
	if err := benchdata.WritePersonWorkbook(path, rows); err != nil {
		b.Fatal(err)
	}
	hasher, err := customer.NewSSNHasher(customer.SSNKey{ID: "b1", Secret: bytes.Repeat([]byte{42}, 32)})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	run := func(b *testing.B, repo customer.Repository) {
		res, err := excelio.ImportFile(ctx, repo, path, excelio.ImportOptions{SSN: hasher, SSNCountry: "FI"})
		if err != nil {
			b.Fatal(err)
		}
		if res.Created != rows {
			b.Fatalf("created %d of %d; first issues: %v", res.Created, rows, res.Report.Issues()[:min(3, res.Report.Len())])
		}
	}
	b.Run("memstore", func(b *testing.B) {
		for b.Loop() {
			run(b, memstore.New(memstore.Options{}))
		}
	})
	b.Run("pgstore", func(b *testing.B) {
		s := newStore(b, pgstore.Options{})
		for b.Loop() {
			b.StopTimer()
			emptyTables(b, s)
			b.StartTimer()
			run(b, s)
		}
	})
	b.Run("pgstore-write", func(b *testing.B) {
		m := memstore.New(memstore.Options{})
		run(b, m)
		var cs []*customer.Customer
		for c, err := range m.List(ctx, customer.Filter{}) {
			if err != nil {
				b.Fatal(err)
			}
			c.ID, c.Version = "", 0
			cs = append(cs, c)
		}
		s := newStore(b, pgstore.Options{})
		ops := make([]customer.Op, 0, impex.DefaultBatchSize)
		for b.Loop() {
			b.StopTimer()
			emptyTables(b, s)
			b.StartTimer()
			for batch := range slices.Chunk(cs, impex.DefaultBatchSize) {
				ops = ops[:0]
				for _, c := range batch {
					ops = append(ops, customer.Put(c))
				}
				if _, err := s.Write(ctx, ops); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
