package excelio_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/excelio"
)

// benchHeader is a realistic person workbook of 30 columns.
var benchHeader = []string{"id", "sequenceNumber", "email", "firstName", "lastName", "ssn", "gdprRestricted",
	"customNote", "creditAllowed", "marketingSms", "marketingEmail", "externalId", "phone", "language",
	"customerCard:1", "customerCard:2", "customerCard:3",
	"address:1:id", "address:1:preferred", "address:1:firstName", "address:1:lastName", "address:1:companyName",
	"address:1:address1", "address:1:address2", "address:1:postalCode", "address:1:city", "address:1:stateCode",
	"address:1:countryCode", "address:1:phone", "group:vip"}

func benchRow(i int) []any {
	born := time.Date(1930+(i/800)%70, time.Month(1+(i/56000)%12), 1+(i/672000)%28, 0, 0, 0, 0, time.UTC)
	return []any{"", fmt.Sprint(100000 + i), fmt.Sprintf("person%d@example.fi", i), "Aino", fmt.Sprintf("Virtanen%d", i),
		fiSSN(born, 2+i%800), i%7 == 0, "Asiakas soitti\nja kysyi tilauksesta", i%2 == 0, i%3 == 0, i%5 == 0,
		fmt.Sprintf("ext-%d", i), fmt.Sprintf("+35840%07d", i), "fi_FI",
		fmt.Sprintf("6001%08d", i), fmt.Sprintf("6002%08d", i), "",
		"home", true, "Aino", fmt.Sprintf("Virtanen%d", i), "", fmt.Sprintf("Mannerheimintie %d", i%200), "",
		fmt.Sprintf("%05d", i%99999), "Helsinki", "", "FI", "+358401234567", i%4 == 0}
}

var (
	benchFileOnce sync.Once
	benchFile     string
)

// personWorkbook50k writes the 50,000-row benchmark workbook once per
// process, with excelize's StreamWriter, into a temporary directory.
func personWorkbook50k(b *testing.B) string {
	benchFileOnce.Do(func() {
		dir, err := os.MkdirTemp("", "impex-bench")
		if err != nil {
			b.Fatal(err)
		}
		benchFile = filepath.Join(dir, "person50k.xlsx")
		x := excelize.NewFile()
		sw, err := x.NewStreamWriter("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		if err := sw.SetRow("A1", toAny(benchHeader)); err != nil {
			b.Fatal(err)
		}
		for i := range 50000 {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			if err := sw.SetRow(cell, benchRow(i)); err != nil {
				b.Fatal(err)
			}
		}
		if err := sw.Flush(); err != nil {
			b.Fatal(err)
		}
		if err := x.SaveAs(benchFile); err != nil {
			b.Fatal(err)
		}
		x.Close()
	})
	return benchFile
}

// peakHeap samples the heap while f runs and returns the highest value.
func peakHeap(f func()) uint64 {
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	return peak.Load()
}

// BenchmarkImportPerson50k imports the 50,000-row, 30-column person
// workbook into an empty memstore, end to end: two passes over the file,
// validation, SSN hashing, batches of 500.
func BenchmarkImportPerson50k(b *testing.B) {
	path := personWorkbook50k(b)
	hasher := testHasher(b)
	var peak, work uint64
	b.ResetTimer()
	for b.Loop() {
		store := memstore.New(memstore.Options{})
		p := peakHeap(func() {
			res, err := excelio.ImportFile(context.Background(), path, store, excelio.ImportOptions{SSN: hasher, SSNCountry: "FI"})
			if err != nil {
				b.Fatal(err)
			}
			if res.Created != 50000 {
				b.Fatalf("created %d, issues %v", res.Created, res.Report.Issues()[:min(3, res.Report.Len())])
			}
		})
		// What the store keeps is the data, not the import's working
		// memory: measure it after the import and subtract it.
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		peak = max(peak, p)
		if p > m.HeapAlloc {
			work = max(work, p-m.HeapAlloc)
		}
		runtime.KeepAlive(store)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
	b.ReportMetric(float64(work)/(1<<20), "import-MiB")
}

// BenchmarkExcelizeRows50k is the baseline: excelize's Rows() reading every
// cell of the same workbook.
func BenchmarkExcelizeRows50k(b *testing.B) {
	path := personWorkbook50k(b)
	var peak uint64
	b.ResetTimer()
	for b.Loop() {
		p := peakHeap(func() {
			x, err := excelize.OpenFile(path)
			if err != nil {
				b.Fatal(err)
			}
			rows, err := x.Rows("Sheet1")
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for rows.Next() {
				cols, err := rows.Columns()
				if err != nil {
					b.Fatal(err)
				}
				n += len(cols)
			}
			rows.Close()
			x.Close()
			if n < 50000*20 {
				b.Fatalf("read %d cells", n)
			}
		})
		peak = max(peak, p)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
}

var (
	millionOnce  sync.Once
	millionStore *memstore.Store
)

// storeOf1M fills a memstore with 1,000,000 generated customers, once.
func storeOf1M(b *testing.B) *memstore.Store {
	millionOnce.Do(func() {
		millionStore = newStore()
		generate(b, millionStore, 1000000, testHasher(b))
	})
	return millionStore
}

// BenchmarkExport1M exports 1,000,000 customers to the ZIP.
func BenchmarkExport1M(b *testing.B) {
	store := storeOf1M(b)
	var peak uint64
	b.ResetTimer()
	for b.Loop() {
		p := peakHeap(func() {
			if _, err := excelio.Export(context.Background(), io.Discard, store, customer.Filter{}, excelio.ExportOptions{}); err != nil {
				b.Fatal(err)
			}
		})
		peak = max(peak, p)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
}

// BenchmarkStreamWriterBaseline1M is the baseline: excelize's StreamWriter
// writing the same cells (the export's rows, prepared in advance) into two
// workbooks.
func BenchmarkStreamWriterBaseline1M(b *testing.B) {
	store := storeOf1M(b)
	files := export(b, store, customer.Filter{})
	var sheets [][][]string
	for _, name := range []string{"Person Customers.xlsx", "Company Customers.xlsx"} {
		sheets = append(sheets, readSheet(b, files[name]))
	}
	b.ResetTimer()
	for b.Loop() {
		for _, rows := range sheets {
			x := excelize.NewFile()
			sw, err := x.NewStreamWriter("Sheet1")
			if err != nil {
				b.Fatal(err)
			}
			vals := make([]any, 0, 64)
			for i, r := range rows {
				vals = vals[:0]
				for _, v := range r {
					vals = append(vals, v)
				}
				cell, _ := excelize.CoordinatesToCellName(1, i+1)
				if err := sw.SetRow(cell, vals); err != nil {
					b.Fatal(err)
				}
			}
			if err := sw.Flush(); err != nil {
				b.Fatal(err)
			}
			if err := x.Write(io.Discard); err != nil {
				b.Fatal(err)
			}
			x.Close()
		}
	}
}

var _ = bytes.NewReader
