package pgstore_test

import (
	"testing"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/pgstore"
	"github.com/impexkit/impex/customer/repotest"
)

func conformanceStore(t testing.TB, env repotest.Env) *pgstore.Store {
	return newStore(t, pgstore.Options{Constraints: env.Constraints, Now: env.Now}, env.BuyerNumbers...)
}

func TestConformance(t *testing.T) {
	repotest.TestRepository(t, func(t testing.TB, env repotest.Env) customer.Repository { return conformanceStore(t, env) })
}

func TestGroupStoreConformance(t *testing.T) {
	repotest.TestGroupStore(t, func(t testing.TB, env repotest.Env) repotest.Store { return conformanceStore(t, env) })
}
