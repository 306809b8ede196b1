package memstore_test

import (
	"testing"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/customer/repotest"
)

func newStore(_ testing.TB, env repotest.Env) *memstore.Store {
	return memstore.New(memstore.Options{Constraints: env.Constraints, Now: env.Now, BuyerNumbers: env.BuyerNumbers})
}

func TestConformance(t *testing.T) {
	repotest.TestRepository(t, func(t testing.TB, env repotest.Env) customer.Repository { return newStore(t, env) })
}

// TestConformanceWhenEveryHashClashes runs the suite on a store whose
// unique indexes find nothing by hash alone.
func TestConformanceWhenEveryHashClashes(t *testing.T) {
	repotest.TestRepository(t, func(t testing.TB, env repotest.Env) customer.Repository {
		return memstore.NewClashing(memstore.Options{Constraints: env.Constraints, Now: env.Now, BuyerNumbers: env.BuyerNumbers})
	})
}

func TestGroupStoreConformance(t *testing.T) {
	repotest.TestGroupStore(t, func(t testing.TB, env repotest.Env) repotest.Store { return newStore(t, env) })
}
