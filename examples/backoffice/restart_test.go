package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/boltstore"
)

// binary builds the command once for the tests that run it as a process.
var binary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "backoffice-bin-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "backoffice")
	out, err := exec.Command("go", "build", "-o", path, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return path, nil
})

// process is the command running as a server.
type process struct {
	cmd *exec.Cmd
	url string
	log *syncBuffer // its standard error, written as the test reads it
}

// startServer runs the built command with args and waits for the line
// that names its URL.
func startServer(t *testing.T, args ...string) *process {
	t.Helper()
	bin, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, log: &syncBuffer{}}
	cmd.Stderr = p.log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := bufio.NewScanner(stdout)
	found := make(chan string, 1)
	go func() {
		for lines.Scan() {
			if u, ok := strings.CutPrefix(lines.Text(), "back office on "); ok {
				found <- u
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case p.url = <-found:
	case <-time.After(30 * time.Second):
		t.Fatalf("the server did not start:\n%s", p.log)
	}
	return p
}

// The restart test: the server is killed with SIGKILL part-way through an
// import; started again, it resumes the job, which completes, and the
// store holds each of the file's customers exactly once.
func TestAnImportKilledPartWayCompletesAfterARestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and imports 20,000 rows")
	}
	const rows = 20000
	data := t.TempDir()
	bin, err := binary()
	if err != nil {
		t.Fatal(err)
	}
	add := exec.Command(bin, "user", "add", "--data", data, "--password-cost", "8", alice)
	add.Stdin = strings.NewReader(testPassword + "\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	args := []string{"--addr", "127.0.0.1:0", "--data", data, "--demo=false", "--batch-size", "10", "--password-cost", "8"}
	first := startServer(t, args...)
	c := (&testEnv{t: t}).clientFor(first.url)
	c.signIn(alice)
	resp, _ := c.upload(c.csrf("/import"), "Person Customers.xlsx", personWorkbook(t, sampleRows(rows)), nil)
	id := jobIDOf(t, resp)

	// Kill it once the import has applied some batches, not all.
	deadline := time.Now().Add(60 * time.Second)
	for {
		var p progressJSON
		_, body := c.get("/jobs/" + id + "/progress")
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatalf("progress: %v\n%s", err, body)
		}
		if p.State == StateRunning && p.Counts.Created > 0 {
			if p.Counts.Read >= rows {
				t.Fatalf("the import got to the end before it could be killed: %+v", p.Counts)
			}
			break
		}
		if p.State == StateDone || time.Now().After(deadline) {
			t.Fatalf("never saw the job part-way: %+v", p)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.cmd.Wait()
	partial := len(storeNumbers(t, filepath.Join(data, "customers.db")))
	if partial == 0 || partial >= rows {
		t.Fatalf("after the kill the store holds %d customers, want some but not all %d", partial, rows)
	}
	t.Logf("killed with %d of %d customers stored", partial, rows)

	second := startServer(t, args...)
	c.base = second.url // the session survives: its key is in the data directory
	deadline = time.Now().Add(120 * time.Second)
	for {
		var p progressJSON
		_, body := c.get("/jobs/" + id + "/progress")
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatalf("progress after the restart: %v\n%s", err, body)
		}
		if p.State == StateDone {
			if p.Counts.Rejected != 0 || p.Counts.Created+p.Counts.Unchanged != rows || p.Counts.Unchanged < partial {
				t.Errorf("the resumed job: %+v; want %d rows created or unchanged, at least %d unchanged", p.Counts, rows, partial)
			}
			break
		}
		if p.State == StateFailed || time.Now().After(deadline) {
			t.Fatalf("the job did not complete after the restart: %+v\n%s", p, second.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := second.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := second.cmd.Wait(); err != nil {
		t.Errorf("the server's exit after SIGTERM: %v\n%s", err, second.log)
	}
	seen := storeNumbers(t, filepath.Join(data, "customers.db"))
	if len(seen) != rows {
		t.Errorf("the store holds %d numbers, want %d", len(seen), rows)
	}
	for n, k := range seen {
		if k != 1 {
			t.Errorf("customer %s stored %d times", n, k)
		}
	}
	var j Job
	b, err := os.ReadFile(filepath.Join(data, "jobs", id, "job.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &j); err != nil {
		t.Fatal(err)
	}
	if j.Attempts != 2 || !j.Mailed {
		t.Errorf("job record: %d attempts, mailed %v; want 2 attempts and mailed", j.Attempts, j.Mailed)
	}
	msgs, _ := filepath.Glob(filepath.Join(data, "outbox", "*.eml"))
	if len(msgs) != 1 {
		t.Fatalf("%d e-mails, want 1", len(msgs))
	}
	raw, err := os.ReadFile(msgs[0])
	if err != nil {
		t.Fatal(err)
	}
	// Listening on port 0, the server links to the port it was given.
	if link := second.url + "/jobs/" + id; !strings.Contains(parseMessage(t, raw).text, link) {
		t.Errorf("the e-mail does not link to %s:\n%s", link, raw)
	}
}

// storeNumbers counts each customer number in the store file.
func storeNumbers(t *testing.T, path string) map[string]int {
	t.Helper()
	s, err := boltstore.Open(path, boltstore.Options{LockTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
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
