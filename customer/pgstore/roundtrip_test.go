package pgstore_test

import (
	"context"
	"encoding/binary"
	"net"
	"strings"
	"sync"
	"testing"

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
	return c.Conn.Write(p)
}

// TestABatchBeginsWithItsFirstStatement writes batches through a
// connection whose messages are recorded: BEGIN never costs a round trip
// of its own. A batch of new customers is its three COPY statements, the
// first carrying BEGIN, and COMMIT; a batch that updates a stored customer
// sends BEGIN in the pipeline that locks the customer.
func TestABatchBeginsWithItsFirstStatement(t *testing.T) {
	base := testPool(t)
	cfg := base.Config()
	w := &wire{}
	cfg.MaxConns = 1
	cfg.ConnConfig.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &recordingConn{Conn: c, w: w}, nil
	}
	ctx := context.Background()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	s := pgstore.New(pool, pgstore.Options{})
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	w.reset()
	person := func(n string) *customer.Customer {
		return &customer.Customer{Kind: customer.KindPerson, Number: n, Profile: customer.Profile{Email: n + "@example.com"}}
	}
	wantPrefix := []string{"BEGIN; SET LOCAL plan_cache_mode = force_custom_plan; COPY customer_keys ", "COPY customers ", "COPY customer_facts ", "COMMIT"}
	newCustomers := func(what string, queries []string) {
		t.Helper()
		if len(queries) != len(wantPrefix) {
			t.Fatalf("%s sent %d queries: %.70q; want %d beginning %q", what, len(queries), queries, len(wantPrefix), wantPrefix)
		}
		for i, q := range queries {
			if !strings.HasPrefix(q, wantPrefix[i]) {
				t.Errorf("query %d of %s is %.70q; want it to begin %q", i, what, q, wantPrefix[i])
			}
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
}
