package pgstore_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

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
}
