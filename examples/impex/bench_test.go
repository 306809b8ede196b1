package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
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
// Target: under 150 MB. The peak is measured by /usr/bin/time: a child of
// this (large) test process would count the parent's pages it shared
// before its exec, which more than triples the figure.
func BenchmarkImport50kPeakRSS(b *testing.B) {
	timeCmd, err := exec.LookPath("/usr/bin/time")
	if err != nil {
		b.Skip("needs /usr/bin/time (Debian's time package) to measure the peak")
	}
	bin, err := binary()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	personWorkbook(b, filepath.Join(dir, "big.xlsx"), 50000)
	var peak int64
	for b.Loop() {
		b.StopTimer()
		os.Remove(filepath.Join(dir, "impex.db"))
		b.StartTimer()
		cmd := exec.Command(timeCmd, "-f", "%M", bin, "excel", "import", "big.xlsx")
		cmd.Dir = dir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			b.Fatalf("import: %v\n%s", err, stderr.String())
		}
		lines := strings.Fields(stderr.String())
		kb, err := strconv.ParseInt(lines[len(lines)-1], 10, 64)
		if err != nil {
			b.Fatalf("the peak: %v\n%s", err, stderr.String())
		}
		peak = max(peak, kb)
	}
	b.ReportMetric(float64(peak)/1024, "peak-RSS-MB")
}
