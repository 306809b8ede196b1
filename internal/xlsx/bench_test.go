package xlsx

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/impexkit/impex/internal/sheet/core"
	"github.com/xuri/excelize/v2"
)

// The 50,000 x 30 workbook both benchmarks read, written once per run with
// excelize's StreamWriter and kept in a temporary file.
var bench50k struct {
	once sync.Once
	path string
}

func workbook50k(b *testing.B) []byte {
	bench50k.once.Do(func() {
		data := streamed(b, 50000, 30)
		dir, err := os.MkdirTemp("", "impex-bench")
		if err != nil {
			b.Fatal(err)
		}
		bench50k.path = filepath.Join(dir, "50k.xlsx")
		if err := os.WriteFile(bench50k.path, data, 0o644); err != nil {
			b.Fatal(err)
		}
	})
	data, err := os.ReadFile(bench50k.path)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// peakHeap samples the live heap while f runs.
func peakHeap(f func()) uint64 {
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			select {
			case <-done:
				return
			default:
			}
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			runtime.Gosched()
		}
	}()
	f()
	close(done)
	wg.Wait()
	return peak
}

func BenchmarkXLSXReader50k(b *testing.B) {
	data := workbook50k(b)
	read := func() {
		x, err := Open(bytes.NewReader(data), int64(len(data)), core.Limits{})
		if err != nil {
			b.Fatal(err)
		}
		rows, cells := 0, 0
		for x.Next() {
			rows++
			cells += len(x.Row().Cells)
		}
		if x.Err() != nil || rows != 50000 || cells != 50000*30 {
			b.Fatalf("rows %d, cells %d, err %v", rows, cells, x.Err())
		}
		x.Close()
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		read()
	}
	// The heap is sampled in a separate, untimed run: sampling stops the
	// world and would distort the timing.
	b.StopTimer()
	runtime.GC()
	b.ReportMetric(float64(peakHeap(read))/(1<<20), "peak-heap-MiB")
}

func BenchmarkExcelizeRowsBaseline(b *testing.B) {
	data := workbook50k(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		rows, err := f.Rows("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			cols, err := rows.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				b.Fatal(err)
			}
			n += len(cols)
		}
		rows.Close()
		f.Close()
		if n != 50000*30 {
			b.Fatalf("cells %d", n)
		}
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if bench50k.path != "" {
		os.RemoveAll(filepath.Dir(bench50k.path))
	}
	os.Exit(code)
}
