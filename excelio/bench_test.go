package excelio_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/internal/benchdata"
	"github.com/impexkit/impex/internal/sheet"
)

// benchHeader and benchRow are the person workbook's; customer/pgstore's
// import benchmark reads the same file.
var benchHeader = benchdata.PersonHeader

func benchRow(i int) []any { return benchdata.PersonRow(i) }

var (
	benchFilesMu sync.Mutex
	benchFiles   = map[int]string{}
)

// personWorkbook writes an n-row benchmark workbook once per process, with
// excelize's StreamWriter, into a temporary directory.
func personWorkbook(b *testing.B, n int) string {
	benchFilesMu.Lock()
	defer benchFilesMu.Unlock()
	if path, ok := benchFiles[n]; ok {
		return path
	}
	dir, err := os.MkdirTemp("", "impex-bench")
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("person%d.xlsx", n))
	if err := benchdata.WritePersonWorkbook(path, n); err != nil {
		b.Fatal(err)
	}
	benchFiles[n] = path
	return path
}

func personWorkbook50k(b *testing.B) string { return personWorkbook(b, 50000) }

// discardRepo is a repository that stores nothing: every customer is new
// and every write succeeds. Importing into it measures the import's own
// working memory, apart from what a store keeps.
type discardRepo struct{ n atomic.Int64 }

func (r *discardRepo) Get(context.Context, string) (*customer.Customer, error) {
	return nil, customer.ErrNotFound
}
func (r *discardRepo) ByNumber(context.Context, string, string) (*customer.Customer, error) {
	return nil, customer.ErrNotFound
}
func (r *discardRepo) ByLogin(context.Context, string, string) (*customer.Customer, error) {
	return nil, customer.ErrNotFound
}
func (r *discardRepo) ByEmail(context.Context, string, string) (*customer.Customer, error) {
	return nil, customer.ErrNotFound
}
func (r *discardRepo) ByIdentifier(context.Context, customer.Identifier) (*customer.Customer, error) {
	return nil, customer.ErrNotFound
}
func (r *discardRepo) List(context.Context, customer.Filter) iter.Seq2[*customer.Customer, error] {
	return func(func(*customer.Customer, error) bool) {}
}
func (r *discardRepo) Write(_ context.Context, ops []customer.Op) ([]customer.Written, error) {
	out := make([]customer.Written, len(ops))
	for i := range out {
		out[i] = customer.Written{ID: fmt.Sprint(r.n.Add(1)), Version: 1}
	}
	return out, nil
}
func (r *discardRepo) NextNumber(context.Context, string) (string, error) {
	return fmt.Sprint(r.n.Add(1)), nil
}
func (r *discardRepo) Group(_ context.Context, id string) (*groups.Group, error) {
	return &groups.Group{ID: id, Kind: groups.Static}, nil
}
func (r *discardRepo) Groups(context.Context) iter.Seq2[*groups.Group, error] {
	return func(func(*groups.Group, error) bool) {}
}
func (r *discardRepo) WriteGroups(context.Context, []groups.Op) error { return nil }

// benchmarkWorkingMemory imports an n-row workbook into a discarding
// repository, with the row outcomes streamed away, and reports the peak
// heap: the import's own memory.
func benchmarkWorkingMemory(b *testing.B, n int) {
	path := personWorkbook(b, n)
	hasher := testHasher(b)
	run := func() {
		res, err := excelio.ImportFile(context.Background(), &discardRepo{}, path, excelio.ImportOptions{SSN: hasher,
			SSNCountry: "FI", MaxRows: n, Options: impex.Options{OnRow: func(impex.RowOutcome) {}},
			// A million rows are a 130 MB file of 1.6 GB of XML, past
			// the default limits for an upload.
			Limits: excelio.Limits{MaxFileSize: 1 << 30, MaxUnpacked: 4 << 30}})
		if err != nil {
			b.Fatal(err)
		}
		if res.Created != n {
			b.Fatalf("created %d of %d", res.Created, n)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		run()
	}
	reportPeak(b, run)
}

// reportPeak runs f once more, untimed, and reports its peak heap: sampling
// stops the world, so the timed runs go unsampled.
func reportPeak(b *testing.B, f func()) {
	b.StopTimer()
	b.ReportMetric(float64(peakHeap(f))/(1<<20), "peak-MiB")
}

// BenchmarkImportWorkingMemory50k and 1M compare the import's own peak
// heap at 50,000 and 1,000,000 rows. What grows with the row count is the
// first pass's record of the in-file keys, a few bytes a key.
func BenchmarkImportWorkingMemory50k(b *testing.B) { benchmarkWorkingMemory(b, 50000) }

func BenchmarkImportWorkingMemory1M(b *testing.B) { benchmarkWorkingMemory(b, 1000000) }

// peakHeap samples the heap every 5 ms while f runs and returns the
// highest value.
func peakHeap(f func()) uint64 {
	// Twice: what sync.Pools held at the first collection (excelize's,
	// from writing the benchmark file) is kept until the second.
	runtime.GC()
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
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	return peak.Load()
}

// importToMemstore returns a function that imports the 50,000-row
// benchmark workbook at path into a new memstore and returns the store.
func importToMemstore(b *testing.B, path string) func() *memstore.Store {
	hasher := testHasher(b)
	return func() *memstore.Store {
		store := memstore.New(memstore.Options{})
		res, err := excelio.ImportFile(context.Background(), store, path, excelio.ImportOptions{SSN: hasher, SSNCountry: "FI"})
		if err != nil {
			b.Fatal(err)
		}
		if res.Created != 50000 {
			b.Fatalf("created %d, issues %v", res.Created, res.Report.Issues()[:min(3, res.Report.Len())])
		}
		return store
	}
}

// BenchmarkImportPerson50k imports the 50,000-row, 30-column person
// workbook into an empty memstore, end to end: two passes over the file,
// validation, SSN hashing, batches of 500.
func BenchmarkImportPerson50k(b *testing.B) {
	imp := importToMemstore(b, personWorkbook50k(b))
	var store *memstore.Store
	run := func() { store = imp() }
	b.ResetTimer()
	for b.Loop() {
		// The last run's store is garbage: the collector is not to mark
		// it over and over during this run, as it would while a variable
		// still held it.
		b.StopTimer()
		store = nil
		runtime.GC()
		b.StartTimer()
		run()
	}
	b.StopTimer()
	store = nil
	peak := peakHeap(run)
	// The peak is mostly the store: its 50,000 customers, and the garbage
	// collector's headroom over them (the heap may grow to twice what is
	// live). store-MiB is what the store keeps; the import's own memory is
	// BenchmarkImportWorkingMemory50k's.
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	runtime.KeepAlive(store)
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
	b.ReportMetric(float64(m.HeapAlloc)/(1<<20), "store-MiB")
}

// BenchmarkExcelizeRows50k is the baseline: excelize's Rows() reading every
// cell of the same workbook.
func BenchmarkExcelizeRows50k(b *testing.B) {
	path := personWorkbook50k(b)
	run := func() {
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
	}
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		runtime.GC() // as before each import
		b.StartTimer()
		run()
	}
	reportPeak(b, run)
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
	run := func() {
		if _, err := excelio.Export(context.Background(), io.Discard, store, customer.Filter{}, excelio.ExportOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		run()
	}
	reportPeak(b, run)
}

// BenchmarkStreamWriterBaseline1M is the baseline: excelize's StreamWriter
// writing the same cells (the export's rows, prepared in advance) into two
// workbooks.
func BenchmarkStreamWriterBaseline1M(b *testing.B) {
	store := storeOf1M(b)
	files := export(b, store, customer.Filter{})
	var sheets [][][]string
	for _, name := range []string{"Person Customers.xlsx", "Company Customers.xlsx"} {
		r, err := sheet.Open(bytes.NewReader(files[name]), int64(len(files[name])), sheet.Limits{MaxFileSize: 1 << 34, MaxUnpacked: 1 << 36})
		if err != nil {
			b.Fatal(err)
		}
		var rows [][]string
		for r.Next() {
			row := make([]string, len(r.Row().Cells))
			for i, c := range r.Row().Cells {
				row[i] = c.Text
			}
			rows = append(rows, row)
		}
		if err := r.Err(); err != nil {
			b.Fatal(err)
		}
		r.Close()
		sheets = append(sheets, rows)
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

// personXLS50k converts the 50,000-row benchmark rows to a legacy .xls
// workbook with xlwt (Debian's python3-xlwt), once per process. It skips
// the benchmark when xlwt is not installed.
func personXLS50k(b *testing.B) string {
	benchFilesMu.Lock()
	defer benchFilesMu.Unlock()
	if path, ok := benchFiles[-50000]; ok {
		return path
	}
	python := "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import xlwt").Run(); err != nil {
		b.Skip("python3-xlwt is not installed")
	}
	dir, err := os.MkdirTemp("", "impex-bench")
	if err != nil {
		b.Fatal(err)
	}
	tsv := filepath.Join(dir, "rows.tsv")
	var buf bytes.Buffer
	buf.WriteString(strings.Join(benchHeader, "\t") + "\n")
	for i := range 50000 {
		for j, v := range benchRow(i) {
			if j > 0 {
				buf.WriteByte('\t')
			}
			switch v := v.(type) {
			case bool:
				fmt.Fprintf(&buf, "\x01%v", v)
			default:
				buf.WriteString(strings.NewReplacer("\n", "\x02", "\t", " ").Replace(fmt.Sprint(v)))
			}
		}
		buf.WriteByte('\n')
	}
	if err := os.WriteFile(tsv, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "person50k.xls")
	script := `
import sys, xlwt
wb = xlwt.Workbook(encoding="utf-8")
ws = wb.add_sheet("Person Customers")
for r, line in enumerate(open(sys.argv[1], encoding="utf-8")):
    for c, v in enumerate(line.rstrip("\n").split("\t")):
        if v.startswith("\x01"):
            ws.write(r, c, v == "\x01true")
        elif v:
            ws.write(r, c, v.replace("\x02", "\n"))
wb.save(sys.argv[2])
`
	if out, err := exec.Command(python, "-c", script, tsv, path).CombinedOutput(); err != nil {
		b.Fatalf("xlwt: %v\n%s", err, out)
	}
	benchFiles[-50000] = path
	return path
}

// BenchmarkImportPersonXLS50k imports the same 50,000 rows from a legacy
// .xls workbook into memstore.
func BenchmarkImportPersonXLS50k(b *testing.B) {
	imp := importToMemstore(b, personXLS50k(b))
	run := func() { imp() }
	b.ResetTimer()
	for b.Loop() {
		run()
	}
	reportPeak(b, run)
}

// BenchmarkDryRunPerson50k checks the same workbook against an empty
// memstore as a dry run: every check of the real import, and the store's
// uniqueness rules played without writing.
func BenchmarkDryRunPerson50k(b *testing.B) {
	path := personWorkbook50k(b)
	hasher := testHasher(b)
	store := memstore.New(memstore.Options{})
	for b.Loop() {
		res, err := excelio.ImportFile(context.Background(), store, path, excelio.ImportOptions{Options: impex.Options{DryRun: true}, SSN: hasher, SSNCountry: "FI"})
		if err != nil {
			b.Fatal(err)
		}
		if res.Created != 50000 || store.Len() != 0 {
			b.Fatalf("created %d, stored %d", res.Created, store.Len())
		}
	}
}
