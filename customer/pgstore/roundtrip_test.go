package pgstore_test

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/pgstore"
)

// wire records what a connection sends the server: the text of each
// simple query ('Q') and how many extended-protocol pipelines it ends with
// a Sync ('S'). Each is one round trip.
type wire struct {
	mu      sync.Mutex
	queries []string
	syncs   int
	// sent, when set, is called with the type of each message once it is
	// sent.
	sent func(typ byte)
}

func (w *wire) reset() (queries []string, syncs int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	queries, syncs = w.queries, w.syncs
	w.queries, w.syncs = nil, 0
	return queries, syncs
}

// recordingConn parses the frontend messages a connection writes, after
// its startup message, which has no type byte.
type recordingConn struct {
	net.Conn
	w       *wire
	started bool
	pending []byte
	types   []byte // of the messages that end in what is being written
}

func (c *recordingConn) Write(p []byte) (int, error) {
	c.pending = append(c.pending, p...)
	for {
		if !c.started {
			if len(c.pending) < 4 {
				break
			}
			n := int(binary.BigEndian.Uint32(c.pending))
			if len(c.pending) < n {
				break
			}
			c.pending, c.started = c.pending[n:], true
			continue
		}
		if len(c.pending) < 5 {
			break
		}
		n := 1 + int(binary.BigEndian.Uint32(c.pending[1:]))
		if len(c.pending) < n {
			break
		}
		c.types = append(c.types, c.pending[0])
		c.w.mu.Lock()
		switch c.pending[0] {
		case 'Q':
			c.w.queries = append(c.w.queries, strings.TrimSuffix(string(c.pending[5:n]), "\x00"))
		case 'S':
			c.w.syncs++
		}
		c.w.mu.Unlock()
		c.pending = c.pending[n:]
	}
	n, err := c.Conn.Write(p)
	if err == nil && c.w.sent != nil {
		for _, typ := range c.types {
			c.w.sent(typ)
		}
	}
	c.types = c.types[:0]
	return n, err
}

// recordingPool returns a pool of one connection, to a new schema, whose
// messages w records.
func recordingPool(t *testing.T, w *wire) *pgxpool.Pool {
	t.Helper()
	cfg := testPool(t).Config()
	cfg.MaxConns = 1
	cfg.ConnConfig.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &recordingConn{Conn: c, w: w}, nil
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// TestBatchesSpendFewRoundTrips writes batches through a connection whose
// messages are recorded. A batch of new customers is one simple query:
// BEGIN, its three COPY statements and COMMIT, the rows following. A batch
// that updates a stored customer begins in its first pipeline, and its
// COMMIT is the only statement sent alone; one that updates many sends the
// statements that copy and apply them as one query.
func TestBatchesSpendFewRoundTrips(t *testing.T) {
	w := &wire{}
	pool := recordingPool(t, w)
	ctx := context.Background()

	s := pgstore.New(pool, pgstore.Options{})
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	w.reset()
	person := func(n string) *customer.Customer {
		return &customer.Customer{Kind: customer.KindPerson, Number: n, Profile: customer.Profile{Email: n + "@example.com"}}
	}
	wantQuery := regexp.MustCompile(`^BEGIN; SET LOCAL plan_cache_mode = force_custom_plan; ` +
		`COPY customer_keys [^;]*; COPY customers [^;]*; COPY customer_facts [^;]*; COMMIT$`)
	newCustomers := func(what string, queries []string) {
		t.Helper()
		if len(queries) != 1 || !wantQuery.MatchString(queries[0]) {
			t.Fatalf("%s sent the queries %q; want one matching %s", what, queries, wantQuery)
		}
	}
	// The first batch also takes a block of IDs, outside the transaction,
	// in pipelines of its own (pgx prepares the query the first time).
	ws, err := s.Write(ctx, []customer.Op{customer.Put(person("1"))})
	if err != nil {
		t.Fatal(err)
	}
	queries, syncs := w.reset()
	newCustomers("the first batch", queries)
	if syncs == 0 {
		t.Error("the first batch sent no pipeline; want the one taking IDs")
	}
	// The second takes its IDs from the block.
	if _, err := s.Write(ctx, []customer.Op{customer.Put(person("2")), customer.Put(person("3"))}); err != nil {
		t.Fatal(err)
	}
	queries, syncs = w.reset()
	newCustomers("the second batch", queries)
	if syncs != 0 {
		t.Errorf("the second batch sent %d pipelines; want none", syncs)
	}

	c, err := s.Get(ctx, ws[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	w.reset()
	c.Note = "updated"
	if _, err := s.Write(ctx, []customer.Op{customer.Put(c)}); err != nil {
		t.Fatal(err)
	}
	queries, syncs = w.reset()
	if len(queries) != 1 || queries[0] != "COMMIT" {
		t.Errorf("an update of one customer sent the queries %.70q; want only COMMIT, BEGIN going in its first pipeline", queries)
	}
	if syncs == 0 {
		t.Error("an update sent no pipeline; want the one that locks the customer, with BEGIN")
	}

	// Updates enough to go through a temporary table are one query, the
	// rows behind it, and COMMIT.
	ops := make([]customer.Op, 120)
	for i := range ops {
		ops[i] = customer.Put(person(strconv.Itoa(100 + i)))
	}
	ws, err = s.Write(ctx, ops)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range ws {
		c := person(strconv.Itoa(100 + i))
		c.ID, c.Version, c.Note = w.ID, w.Version, "updated"
		ops[i] = customer.Put(c)
	}
	w.reset()
	if _, err := s.Write(ctx, ops); err != nil {
		t.Fatal(err)
	}
	queries, _ = w.reset()
	wantUpdates := regexp.MustCompile(`^CREATE TEMP TABLE [^;]*; COPY pg_temp\.pgstore_updates [^;]*; \s*UPDATE customers [^;]*; UPDATE customer_facts [^;]*; $`)
	if len(queries) != 2 || !wantUpdates.MatchString(queries[0]) || queries[1] != "COMMIT" {
		t.Errorf("an update of %d customers sent the queries %.120q; want one matching %s, then COMMIT", len(ops), queries, wantUpdates)
	}
	for _, w := range ws {
		c, err := s.Get(ctx, w.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Note != "updated" || c.Version != w.Version+1 {
			t.Fatalf("customer %s after the update: note %q, version %d; want %q, %d", w.ID, c.Note, c.Version, "updated", w.Version+1)
		}
	}

	// A bulk write takes IDs in blocks that grow: a few times, not a time
	// a batch.
	takes := 0
	for range 16 {
		ops := make([]customer.Op, 1000)
		for i := range ops {
			ops[i] = customer.Put(&customer.Customer{Kind: customer.KindPerson})
		}
		w.reset()
		if _, err := s.Write(ctx, ops); err != nil {
			t.Fatal(err)
		}
		if _, syncs := w.reset(); syncs > 0 {
			takes++
		}
	}
	if takes > 5 {
		t.Errorf("16 batches of 1,000 new customers took IDs %d times; want 5 at most", takes)
	}
}

// TestACancelledBatchIsAllOrNothing cancels the context of a batch of new
// customers while it is sent: once its first rows are sent, with more to
// send, and once its whole query is, while the server runs it. The write
// reports what the server did: an error wrapping context.Canceled and
// nothing stored, or success and every customer stored. In the first case
// it must be the error. The store writes on afterwards.
func TestACancelledBatchIsAllOrNothing(t *testing.T) {
	const n = 2000
	for _, tc := range []struct {
		name     string
		at       byte // the message after which the context ends
		nth      int  // and which of them
		mustFail bool
	}{
		{"with rows still to send", 'd', 1, true},
		{"once the whole query is sent", 'c', 3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := &wire{}
			pool := recordingPool(t, w)
			s := pgstore.New(pool, pgstore.Options{})
			if err := s.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			seen := 0
			w.sent = func(typ byte) {
				if typ == tc.at {
					if seen++; seen == tc.nth {
						cancel()
						if tc.mustFail {
							// Let the context's end reach the
							// connection before anything more is sent.
							time.Sleep(100 * time.Millisecond)
						}
					}
				}
			}
			ops := make([]customer.Op, n)
			for i := range ops {
				ops[i] = customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: strconv.Itoa(i + 1),
					Note: strings.Repeat("n", 2000)})
			}
			_, err := s.Write(ctx, ops)
			w.sent = nil
			var stored, keys int
			if err := pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM customer_keys)`).Scan(&stored, &keys); err != nil {
				t.Fatal(err)
			}
			switch {
			case err == nil && !tc.mustFail && stored == n:
				t.Logf("the batch committed before the cancel reached it")
			case err == nil:
				t.Errorf("Write succeeded with %d of %d customers stored; want an error wrapping context.Canceled", stored, n)
			case !errors.Is(err, context.Canceled):
				t.Errorf("Write: %v; want an error wrapping context.Canceled", err)
			case stored != 0 || keys != 0:
				t.Errorf("Write failed with %v, and %d customers and %d key rows are stored; want none", err, stored, keys)
			}
			if _, err := s.Write(context.Background(), []customer.Op{customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: "x"})}); err != nil {
				t.Errorf("a write after the cancelled one: %v", err)
			}
		})
	}
}

// TestAStatementAfterAFailedCopyReportsTheCopysError queues a COPY whose
// rows fail to encode and sends a pipeline after it: the pipeline reports
// the rows' error, and the connection serves the next query.
func TestAStatementAfterAFailedCopyReportsTheCopysError(t *testing.T) {
	s := newStore(t, pgstore.Options{})
	rowsErr := errors.New("a row that cannot be encoded")
	batchErr, after := s.FailingCopyThenBatch(context.Background(), rowsErr)
	if !errors.Is(batchErr, rowsErr) {
		t.Errorf("the pipeline after the COPY reported %v; want the rows' error", batchErr)
	}
	if after != nil {
		t.Errorf("a query on the connection after the rollback: %v", after)
	}
}

// TestABatchWhoseServerProcessDiesFailsWhole terminates the server process
// of a connection while it sends a batch of new customers: the write fails
// with an error, nothing is stored, and the store writes on with a new
// connection.
func TestABatchWhoseServerProcessDiesFailsWhole(t *testing.T) {
	const n = 2000
	w := &wire{}
	pool := recordingPool(t, w)
	s := pgstore.New(pool, pgstore.Options{})
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.Connect(ctx, os.Getenv(urlVar))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	conn, err := pool.Acquire(ctx) // the pool's one connection
	if err != nil {
		t.Fatal(err)
	}
	pid := conn.Conn().PgConn().PID()
	conn.Release()
	killed := false
	w.sent = func(typ byte) {
		if typ == 'd' && !killed {
			killed = true
			if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
				t.Errorf("terminating the server process: %v", err)
			}
		}
	}
	ops := make([]customer.Op, n)
	for i := range ops {
		ops[i] = customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: strconv.Itoa(i + 1), Note: strings.Repeat("n", 2000)})
	}
	_, err = s.Write(ctx, ops)
	w.sent = nil
	if !killed {
		t.Fatal("the batch sent no rows")
	}
	if err == nil {
		t.Fatal("Write succeeded with its server process terminated; want an error")
	}
	t.Logf("Write: %v", err)
	var stored, keys int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM customer_keys)`).Scan(&stored, &keys); err != nil {
		t.Fatal(err)
	}
	if stored != 0 || keys != 0 {
		t.Errorf("Write failed with %v, and %d customers and %d key rows are stored; want none", err, stored, keys)
	}
	if _, err := s.Write(ctx, ops[:1]); err != nil {
		t.Errorf("a write after the failed one: %v", err)
	}
}
