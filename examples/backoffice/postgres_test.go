package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/impexkit/impex/customer"
	"github.com/jackc/pgx/v5/pgxpool"
)

// testSchema returns the URL of the test server and a new, empty schema
// in it, dropped at the end of the test. Without IMPEX_POSTGRES_URL the
// test skips, unless IMPEX_REQUIRE_POSTGRES=1 (set by CI), when it fails.
func testSchema(t *testing.T) (url, schema string) {
	t.Helper()
	url = os.Getenv("IMPEX_POSTGRES_URL")
	if url == "" {
		if os.Getenv("IMPEX_REQUIRE_POSTGRES") == "1" {
			t.Fatal("IMPEX_POSTGRES_URL is not set and IMPEX_REQUIRE_POSTGRES=1")
		}
		t.Skip("set IMPEX_POSTGRES_URL to a PostgreSQL database to run (.ci/backoffice.sh does)")
	}
	ctx := context.Background()
	admin, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	schema = "backoffice_" + strings.ToLower(rand.Text()[:10])
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	return url, schema
}

// schemaPool opens a pool whose search_path is schema.
func schemaPool(t *testing.T, url, schema string) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return pool
}

// pgInstance is one back office on the shared database, with a pool and
// a River client of its own, as a separate process would have.
type pgInstance struct {
	inst *instance
	srv  *httptest.Server
	pool *pgxpool.Pool
	stop func() // stops the server and the queue, as SIGTERM does
}

func startPGInstance(t *testing.T, url, schema, name, users string) *pgInstance {
	t.Helper()
	return startPGInstanceBatch(t, url, schema, name, users, 20)
}

func startPGInstanceBatch(t *testing.T, url, schema, name, users string, batch int) *pgInstance {
	t.Helper()
	pool := schemaPool(t, url, schema)
	cfg := Config{DataDir: t.TempDir(), Postgres: url, UsersFile: users, Instance: name, BatchSize: batch,
		Passwords: customer.PasswordHasher{LogN: 8}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	be, err := postgresBackend(context.Background(), cfg.withDefaults(), pool)
	if err != nil {
		t.Fatal(err)
	}
	inst := testInstance(t, cfg, be)
	srv := httptest.NewServer(inst.app.routes())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); inst.queue.Run(ctx) }()
	var once sync.Once
	p := &pgInstance{inst: inst, srv: srv, pool: pool}
	p.stop = func() { once.Do(func() { srv.Close(); cancel(); <-done }) }
	t.Cleanup(func() { p.stop(); pool.Close() })
	return p
}

// With --postgres two instances share one database: a burst of ten
// uploads, five to each, is processed exactly once each, the work split
// across both, and every customer is stored once.
func TestTwoInstancesShareTheWorkThroughRiver(t *testing.T) {
	url, schema := testSchema(t)
	users := filepath.Join(t.TempDir(), "users.json")
	u := &userFile{path: users, hasher: customer.PasswordHasher{LogN: 8}}
	if err := u.set(alice, "", testPassword); err != nil {
		t.Fatal(err)
	}
	a := startPGInstance(t, url, schema, "instance-a", users)
	b := startPGInstance(t, url, schema, "instance-b", users)

	const files, rows = 10, 300
	ids := make([]string, files)
	var wg sync.WaitGroup
	for i := range files {
		target := a
		if i%2 == 1 {
			target = b
		}
		wb := make([]personRow, rows)
		for r := range wb {
			n := 100000 + i*rows + r
			wb[r] = personRow{Number: fmt.Sprint(n), First: "Burst", Last: fmt.Sprint("File", i), Email: fmt.Sprintf("burst%d@example.org", n)}
		}
		content := personWorkbook(t, wb)
		wg.Add(1)
		go func() {
			defer wg.Done()
			env := &testEnv{t: t, srv: target.srv}
			c := env.client()
			c.signIn(alice)
			resp, _ := c.upload(c.csrf("/import"), fmt.Sprintf("burst-%d.xlsx", i), content, nil)
			ids[i] = jobIDOf(t, resp)
		}()
	}
	wg.Wait()

	// Every job ends, on whichever instance took it.
	ctx := context.Background()
	ranOn := map[string]int{}
	deadline := time.Now().Add(2 * time.Minute)
	for _, id := range ids {
		for {
			j, err := a.inst.app.jobs.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if j.Ended() && j.Mailed {
				if j.State != StateDone || j.Attempts != 1 || j.Progress.Created != rows {
					t.Errorf("job %s: %s after %d attempts, %d created; want done once with %d created", id, j.State, j.Attempts, j.Progress.Created, rows)
				}
				ranOn[j.RanOn]++
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("job %s did not end: %+v", id, j)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if len(ranOn) != 2 || ranOn["instance-a"] == 0 || ranOn["instance-b"] == 0 {
		t.Errorf("the jobs ran on %v, want both instances", ranOn)
	}
	t.Logf("jobs per instance: %v", ranOn)

	// River ran each job once. It records a job's completion shortly
	// after the work returns, in batches.
	var total, completed, once int
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		err := a.pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE state = 'completed'), count(*) FILTER (WHERE attempt = 1)
			FROM river_job WHERE kind = 'backoffice_import'`).Scan(&total, &completed, &once)
		if err != nil {
			t.Fatal(err)
		}
		if completed == files || time.Now().After(deadline) {
			break
		}
	}
	if total != files || completed != files || once != files {
		t.Errorf("river_job: %d jobs, %d completed, %d at their first attempt; want %d of each", total, completed, once, files)
	}

	// The store holds each customer once; each job sent one e-mail.
	seen := map[string]int{}
	for c, err := range a.inst.app.store.List(ctx, customer.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		seen[c.Number]++
	}
	if len(seen) != files*rows {
		t.Errorf("the store holds %d customers, want %d", len(seen), files*rows)
	}
	for n, k := range seen {
		if k != 1 {
			t.Errorf("customer %s stored %d times", n, k)
		}
	}
	mails := 0
	for _, in := range []*pgInstance{a, b} {
		m, _ := filepath.Glob(filepath.Join(in.inst.app.cfg.DataDir, "outbox", "*.eml"))
		mails += len(m)
	}
	if mails != files {
		t.Errorf("%d e-mails, want %d", mails, files)
	}

	// Either instance shows any job to its owner: the records are shared.
	env := &testEnv{t: t, srv: b.srv}
	c := env.client()
	c.signIn(alice)
	if resp, body := c.get("/jobs/" + ids[0]); resp.StatusCode != 200 || !strings.Contains(body, "burst-0.xlsx") {
		t.Errorf("instance b's page of a job uploaded to a: %d", resp.StatusCode)
	}
}

// An instance stopped part-way through a job (SIGTERM: River cancels the
// work between batches) leaves it to River, which retries it on the other
// instance; the import completes there, each customer stored once.
func TestAJobCutShortOnOneInstanceCompletesOnTheOther(t *testing.T) {
	url, schema := testSchema(t)
	users := filepath.Join(t.TempDir(), "users.json")
	u := &userFile{path: users, hasher: customer.PasswordHasher{LogN: 8}}
	if err := u.set(alice, "", testPassword); err != nil {
		t.Fatal(err)
	}
	a := startPGInstanceBatch(t, url, schema, "instance-a", users, 5)
	const rows = 4000
	env := &testEnv{t: t, srv: a.srv}
	c := env.client()
	c.signIn(alice)
	resp, _ := c.upload(c.csrf("/import"), "Person Customers.xlsx", personWorkbook(t, sampleRows(rows)), nil)
	id := jobIDOf(t, resp)
	ctx := context.Background()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		j, err := a.inst.app.jobs.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if j.State == StateRunning && j.Progress.Created > 0 {
			break
		}
		if j.Ended() || time.Now().After(deadline) {
			t.Fatalf("never saw the job part-way: %+v", j.Progress)
		}
	}
	a.stop()
	j, err := a.inst.app.jobs.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if j.Ended() || j.Progress.Read >= rows {
		t.Fatalf("the job ended before the instance stopped: %+v", j.Progress)
	}
	t.Logf("stopped at %d of %d rows", j.Progress.Read, rows)

	b := startPGInstanceBatch(t, url, schema, "instance-b", users, 500)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if j, err = b.inst.app.jobs.Get(ctx, id); err != nil {
			t.Fatal(err)
		}
		if j.Ended() && j.Mailed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job did not complete on the other instance: %+v", j)
		}
	}
	if j.State != StateDone || j.RanOn != "instance-b" || j.Attempts != 2 || j.Progress.Rejected != 0 ||
		j.Progress.Created+j.Progress.Unchanged != rows || j.Progress.Unchanged == 0 {
		t.Errorf("job %+v", j)
	}
	seen := map[string]int{}
	for c, err := range b.inst.app.store.List(ctx, customer.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		seen[c.Number]++
	}
	if len(seen) != rows {
		t.Errorf("the store holds %d customers, want %d", len(seen), rows)
	}
	for n, k := range seen {
		if k != 1 {
			t.Errorf("customer %s stored %d times", n, k)
		}
	}
}
