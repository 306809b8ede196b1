package pgstore_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/impexkit/impex/customer/pgstore"
)

// The environment that points the tests at a server.
const (
	urlVar     = "IMPEX_POSTGRES_URL"
	requireVar = "IMPEX_REQUIRE_POSTGRES"
)

var schemaSeq atomic.Int64

// testPool returns a pool whose search_path is a new, empty schema, dropped
// when the test ends. It skips the test when IMPEX_POSTGRES_URL is not set,
// and fails it when the server cannot be reached and IMPEX_REQUIRE_POSTGRES
// is 1.
func testPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	url := os.Getenv(urlVar)
	if url == "" {
		if os.Getenv(requireVar) == "1" {
			t.Fatalf("%s=1 but %s is not set", requireVar, urlVar)
		}
		t.Skipf("%s is not set; see README.md for running the tests against PostgreSQL", urlVar)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	schema := fmt.Sprintf("pgstore_test_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, schemaSeq.Add(1))

	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		unreachable(t, err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("creating schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})

	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatalf("%s: %v", urlVar, err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		unreachable(t, err)
	}
	t.Cleanup(pool.Close) // runs before the schema is dropped
	return pool
}

func unreachable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv(requireVar) == "1" {
		t.Fatalf("PostgreSQL at %s is unreachable and %s=1: %v", urlVar, requireVar, err)
	}
	t.Skipf("PostgreSQL at %s is unreachable: %v", urlVar, err)
}

// newStoreAt returns a store in a fresh schema at an older schema version.
func newStoreAt(t testing.TB, version int) *pgstore.Store {
	t.Helper()
	s := pgstore.New(testPool(t), pgstore.Options{})
	if err := s.MigrateTo(context.Background(), version); err != nil {
		t.Fatalf("MigrateTo(%d): %v", version, err)
	}
	return s
}

// newStore returns a migrated store in a fresh schema.
func newStore(t testing.TB, opts pgstore.Options, buyers ...string) *pgstore.Store {
	t.Helper()
	s := pgstore.New(testPool(t), opts)
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if err := s.AddBuyerNumbers(ctx, buyers...); err != nil {
		t.Fatalf("AddBuyerNumbers: %v", err)
	}
	return s
}

// emptyTables empties the store's tables of customers, keys, facts, groups
// and number sequences, as a benchmark does before each write of the same
// customers.
func emptyTables(tb testing.TB, s *pgstore.Store) {
	tb.Helper()
	if _, err := s.Pool().Exec(context.Background(), `TRUNCATE customers, customer_keys, customer_facts, customer_groups, number_sequences`); err != nil {
		tb.Fatal(err)
	}
}
