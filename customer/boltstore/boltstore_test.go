package boltstore_test

import (
	"context"
	"errors"
	"os"
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

// CloseUnused removes a store file that its Open created and nothing was
// written to, and keeps every other.
func TestCloseUnusedRemovesOnlyAStoreItCreatedAndNeverWrote(t *testing.T) {
	ctx := context.Background()
	open := func(t *testing.T, path string) *boltstore.Store {
		t.Helper()
		s, err := boltstore.Open(path, boltstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	exists := func(path string) bool {
		_, err := os.Stat(path)
		return err == nil
	}
	t.Run("created and never written: removed", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "impex.db")
		if err := open(t, path).CloseUnused(); err != nil {
			t.Fatal(err)
		}
		if exists(path) {
			t.Error("the unused store file is still there")
		}
	})
	t.Run("created and written: kept", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "impex.db")
		s := open(t, path)
		if _, err := s.Write(ctx, []customer.Op{customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: "7"})}); err != nil {
			t.Fatal(err)
		}
		if err := s.CloseUnused(); err != nil {
			t.Fatal(err)
		}
		s = open(t, path)
		defer s.Close()
		if _, err := s.ByNumber(ctx, "", "7"); err != nil {
			t.Errorf("the written customer: %v", err)
		}
	})
	t.Run("created by an earlier Open: kept", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "impex.db")
		if err := open(t, path).Close(); err != nil {
			t.Fatal(err)
		}
		if err := open(t, path).CloseUnused(); err != nil {
			t.Fatal(err)
		}
		if !exists(path) {
			t.Error("a store that was there before Open was removed")
		}
	})
	t.Run("path renamed meanwhile: the file there now is kept", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "impex.db")
		s := open(t, path)
		if err := os.Rename(path, filepath.Join(dir, "moved.db")); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte("another file"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := s.CloseUnused(); err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(path); err != nil || string(b) != "another file" {
			t.Errorf("the file now at the path: %q, %v", b, err)
		}
	})
}

// An Open that waits for a file which its holder removes (CloseUnused)
// opens the path anew: what it writes is in the store at the path, not in
// the removed file.
func TestOpenWaitingForARemovedStoreOpensThePathAnew(t *testing.T) {
	path := filepath.Join(t.TempDir(), "impex.db")
	first, err := boltstore.Open(path, boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	type opened struct {
		s   *boltstore.Store
		err error
	}
	done := make(chan opened, 1)
	go func() {
		s, err := boltstore.Open(path, boltstore.Options{LockTimeout: 10 * time.Second})
		done <- opened{s, err}
	}()
	time.Sleep(200 * time.Millisecond) // for the second Open to be waiting
	if err := first.CloseUnused(); err != nil {
		t.Fatal(err)
	}
	second := <-done
	if second.err != nil {
		t.Fatalf("the waiting Open: %v", second.err)
	}
	ctx := context.Background()
	if _, err := second.s.Write(ctx, []customer.Op{customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: "7"})}); err != nil {
		t.Fatal(err)
	}
	if err := second.s.Close(); err != nil {
		t.Fatal(err)
	}
	third, err := boltstore.Open(path, boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	if _, err := third.ByNumber(ctx, "", "7"); err != nil {
		t.Errorf("what the waiting Open wrote is not in the store at %s: %v", path, err)
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

// Restore refuses a customer no store could have held, such as one at
// version 0, which every later update would take for a new customer, and
// writes nothing of its batch.
func TestRestoreRefusesACustomerThatCouldNotHaveBeenStored(t *testing.T) {
	s := newStore(t, repotest.Env{})
	ctx := context.Background()
	good := &customer.Customer{ID: "c1", Version: 3, Kind: customer.KindPerson, Number: "1"}
	bad := &customer.Customer{ID: "c2", Version: 0, Kind: customer.KindPerson, Number: "2"}
	err := s.Restore(ctx, []*customer.Customer{good, bad})
	var be *customer.BatchError
	if !errors.As(err, &be) || be.Index != 1 || !errors.Is(err, customer.ErrInvalid) {
		t.Fatalf("Restore = %v; want a *customer.BatchError at 1 wrapping ErrInvalid", err)
	}
	if n := s.Len(); n != 0 {
		t.Fatalf("the refused batch left %d customers", n)
	}
	if err := s.Restore(ctx, []*customer.Customer{good}); err != nil {
		t.Fatal(err)
	}
	if c, err := s.Get(ctx, "c1"); err != nil || c.Version != 3 {
		t.Fatalf("the restored customer: %v, %v; want version 3 kept", c, err)
	}
}
