package boltstore_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/boltstore"
	"github.com/impexkit/impex/customer/repotest"
)

func newStore(t testing.TB, env repotest.Env) *boltstore.Store {
	t.Helper()
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "impex.db"),
		boltstore.Options{Constraints: env.Constraints, Now: env.Now, BuyerNumbers: env.BuyerNumbers})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	repotest.TestRepository(t, func(t testing.TB, env repotest.Env) customer.Repository { return newStore(t, env) })
}

func TestGroupStoreConformance(t *testing.T) {
	repotest.TestGroupStore(t, func(t testing.TB, env repotest.Env) repotest.Store { return newStore(t, env) })
}

// What a Write returned is there when the file is opened again.
func TestWritesOutliveTheStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "impex.db")
	s, err := boltstore.Open(path, boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	w, err := s.Write(ctx, []customer.Op{customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: "7", Profile: customer.Profile{Email: "Aino@Example.fi"}})})
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.NextNumber(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = boltstore.Open(path, boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.ByEmail(ctx, "", "aino@example.FI")
	if err != nil || c.ID != w[0].ID || c.Version != 1 {
		t.Fatalf("after reopening: %v, %v", c, err)
	}
	if again, err := s.NextNumber(ctx, ""); err != nil || again == n {
		t.Fatalf("the sequence restarted: %q then %q (%v)", n, again, err)
	}
	if _, err := s.Group(ctx, "Everyone"); err != nil {
		t.Fatalf("the system groups: %v", err)
	}
}

// A store another Store holds is refused after the wait, with an error that
// names the file, and opens once it is let go.
func TestOpenWaitsForTheHolderThenFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "impex.db")
	first, err := boltstore.Open(path, boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = boltstore.Open(path, boltstore.Options{LockTimeout: 200 * time.Millisecond})
	if !errors.Is(err, boltstore.ErrInUse) || !strings.Contains(err.Error(), path) {
		t.Fatalf("second Open: %v; want ErrInUse naming %s", err, path)
	}
	if d := time.Since(start); d < 100*time.Millisecond || d > 3*time.Second {
		t.Errorf("the second Open gave up after %v, want about 200 ms", d)
	}
	first.Close()
	second, err := boltstore.Open(path, boltstore.Options{LockTimeout: time.Second})
	if err != nil {
		t.Fatalf("after the first let go: %v", err)
	}
	second.Close()
}
