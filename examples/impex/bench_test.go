package main

import (
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// BenchmarkFirstOutput66k times a command that needs one customer (groups
// eval: the groups compiled, one lookup) on a store of 66,667 customers:
// the store is opened, not loaded. Target: under 100 ms.
func BenchmarkFirstOutput66k(b *testing.B) {
	dir := b.TempDir()
	seed, out := impexProcess(b, dir, "seed", "--customers", "66667")
	if err := seed.Wait(); err != nil {
		b.Fatalf("seed: %v\n%s", err, out)
	}
	for b.Loop() {
		cmd, out := impexProcess(b, dir, "groups", "eval", "40000")
		if err := cmd.Wait(); err != nil {
			b.Fatalf("groups eval: %v\n%s", err, out)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/command")
}

// BenchmarkImport50kPeakRSS imports a 50,000-row workbook into a new store
// with the built command and reports the process's peak resident memory.
// Target: under 150 MB.
func BenchmarkImport50kPeakRSS(b *testing.B) {
	dir := b.TempDir()
	personWorkbook(b, filepath.Join(dir, "big.xlsx"), 50000)
	var peak int64
	for b.Loop() {
		b.StopTimer()
		db := filepath.Join(dir, "impex.db")
		exec.Command("rm", "-f", db).Run()
		b.StartTimer()
		cmd, out := impexProcess(b, dir, "excel", "import", "big.xlsx")
		if err := cmd.Wait(); err != nil {
			b.Fatalf("import: %v\n%s", err, out)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			peak = max(peak, ru.Maxrss) // kilobytes on Linux
		}
	}
	b.ReportMetric(float64(peak)/1024, "peak-RSS-MB")
}
