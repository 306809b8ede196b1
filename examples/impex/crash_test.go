package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/boltstore"
)

// binary builds the command once for the tests that run it as a process.
var binary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "impex-bin-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "impex")
	out, err := exec.Command("go", "build", "-o", path, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return path, nil
})

// impexProcess starts the built command in dir.
func impexProcess(t testing.TB, dir string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	bin, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out
}

// storeNumbers returns the customer numbers in the store file, checking
// that it opens.
func storeNumbers(t testing.TB, path string) map[string]int {
	t.Helper()
	s, err := boltstore.Open(path, boltstore.Options{LockTimeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("the store does not open: %v", err)
	}
	defer s.Close()
	seen := map[string]int{}
	for c, err := range s.List(context.Background(), customer.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		seen[c.Number]++
	}
	return seen
}

// A 50,000-row import killed at ten moments of a seeded schedule, with
// SIGKILL and then with SIGTERM, keeps whole batches only, and running it
// again ends with exactly the file's customers.
func TestKilledImportsKeepWholeBatchesAndARerunCompletes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and imports 50,000 rows twenty times")
	}
	const rows, batch = 50000, impex.DefaultBatchSize
	dir := t.TempDir()
	personWorkbook(t, filepath.Join(dir, "big.xlsx"), rows)
	db := filepath.Join(dir, "impex.db")
	// The kills fall at seeded fractions of how long a whole import takes
	// on this machine, so that a faster import or a slower machine still
	// has most of them land inside it. The shortest run so far is the
	// measure, so that a first run slowed by a busy machine does not
	// push later kills past the end.
	start := time.Now()
	if cmd, out := impexProcess(t, dir, "excel", "import", "big.xlsx"); cmd.Wait() != nil {
		t.Fatalf("the timing run failed:\n%s", out)
	}
	whole := time.Since(start)
	rng := rand.New(rand.NewPCG(17, 4))
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM} {
		landed, partial := 0, 0 // trials stopped before the end; of those, stopped between batches
		for trial := range 10 {
			os.Remove(db)
			cmd, out := impexProcess(t, dir, "excel", "import", "big.xlsx")
			time.Sleep(time.Duration((0.05 + 0.9*rng.Float64()) * float64(whole)))
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			var exit *exec.ExitError
			if !errors.As(err, &exit) && err != nil {
				t.Fatalf("%v trial %d: %v", sig, trial, err)
			}
			kept := storeNumbers(t, db)
			// A SIGTERM that lands while the process starts, before main
			// installs its handler (package initialisation takes tens of
			// milliseconds under the race detector), ends it as the
			// signal's default does, having written nothing; it tests
			// nothing of the import.
			ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
			startup := sig == syscall.SIGTERM && ws.Signaled() && ws.Signal() == syscall.SIGTERM && len(kept) == 0 && out.Len() == 0
			if err != nil && !startup {
				landed++
			}
			if len(kept) > 0 && len(kept) < rows {
				partial++
			}
			if len(kept)%batch != 0 && len(kept) != rows {
				t.Fatalf("%v trial %d: the store holds %d customers, not whole batches of %d", sig, trial, len(kept), batch)
			}
			if sig == syscall.SIGTERM && err != nil && !startup {
				if code := exit.ExitCode(); code != exitFailed || !strings.Contains(out.String(), fmt.Sprintf("keeps the %d changes", len(kept))) {
					t.Fatalf("SIGTERM trial %d: exit %d, output %q; want 2 and the kept count %d", trial, code, out.String(), len(kept))
				}
			}
			start := time.Now()
			rerun, out := impexProcess(t, dir, "excel", "import", "big.xlsx")
			if err := rerun.Wait(); err != nil {
				t.Fatalf("%v trial %d: the rerun failed: %v\n%s", sig, trial, err, out)
			}
			whole = min(whole, time.Since(start))
			all := storeNumbers(t, db)
			if len(all) != rows {
				t.Fatalf("%v trial %d: after the rerun the store holds %d customers, want %d", sig, trial, len(all), rows)
			}
			for n, k := range all {
				if k != 1 {
					t.Fatalf("%v trial %d: number %s is held %d times", sig, trial, n, k)
				}
			}
		}
		t.Logf("%v: %d of 10 signals stopped the import (%d with some batches kept); the shortest whole run took %v",
			sig, landed, partial, whole.Round(time.Millisecond))
		if landed < 5 || partial < 2 {
			t.Errorf("%v: %d of 10 signals stopped the import, %d of them between batches; the schedule no longer tests anything", sig, landed, partial)
		}
	}
}

// Two imports of disjoint files into one store at once both land: the
// second waits for the first (up to --wait), then runs.
func TestConcurrentImportsBothLand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	dir := t.TempDir()
	personWorkbook(t, filepath.Join(dir, "a.xlsx"), 3000)
	x := filepath.Join(dir, "b.xlsx")
	personWorkbook(t, x, 0, func() [][]any {
		var rows [][]any
		for i := range 2000 {
			rows = append(rows, []any{"", fmt.Sprint(90000 + i), fmt.Sprintf("b%d@example.fi", i), "Eino", fmt.Sprintf("B%d", i)})
		}
		return rows
	}()...)
	a, outA := impexProcess(t, dir, "excel", "import", "--wait", "60s", "a.xlsx")
	b, outB := impexProcess(t, dir, "excel", "import", "--wait", "60s", "b.xlsx")
	if err := a.Wait(); err != nil {
		t.Fatalf("a: %v\n%s", err, outA)
	}
	if err := b.Wait(); err != nil {
		t.Fatalf("b: %v\n%s", err, outB)
	}
	if n := len(storeNumbers(t, filepath.Join(dir, "impex.db"))); n != 5000 {
		t.Fatalf("the store holds %d customers, want both files' 5,000", n)
	}
	// A store held past --wait is refused with a message that says so, and
	// nothing is changed.
	held, err := boltstore.Open(filepath.Join(dir, "impex.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, outD := impexProcess(t, dir, "excel", "import", "--wait", "200ms", "b.xlsx")
	errD := d.Wait()
	held.Close()
	var exit *exec.ExitError
	if !errors.As(errD, &exit) || exit.ExitCode() != exitFailed || !strings.Contains(outD.String(), "in use by another impex process") {
		t.Fatalf("a busy store: %v\n%s", errD, outD)
	}
}

// An import into a store on a full disk stops at the batch that does not
// fit: the store still opens and holds whole batches, and the message says
// how many changes it kept. The disk is a small tmpfs, which needs a
// machine that lets the test mount one (CI's does: it runs as root).
func TestAnImportOntoAFullDiskKeepsWholeBatches(t *testing.T) {
	dir := t.TempDir()
	disk := filepath.Join(dir, "disk")
	os.Mkdir(disk, 0o700)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", disk).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v: %s); the full-disk import is tested where one can be mounted", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", disk).Run() })
	personWorkbook(t, filepath.Join(dir, "big.xlsx"), 20000)
	db := filepath.Join(disk, "impex.db")
	cmd, out := impexProcess(t, dir, "excel", "import", "--store", db, "big.xlsx")
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitFailed {
		t.Fatalf("an import onto a full disk: %v\n%s", err, out)
	}
	kept := storeNumbers(t, db)
	if len(kept) == 0 || len(kept)%impex.DefaultBatchSize != 0 {
		t.Fatalf("the store holds %d customers; want whole batches, some", len(kept))
	}
	if !strings.Contains(out.String(), fmt.Sprintf("keeps the %d changes", len(kept))) {
		t.Fatalf("the message does not say what was kept (%d):\n%s", len(kept), out)
	}
}
