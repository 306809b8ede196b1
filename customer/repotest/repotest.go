// Package repotest is the conformance suite for implementations of
// customer.Repository and groups.Store, in the spirit of testing/fstest: a
// store that passes it keeps every promise the contract makes, and a store
// that breaks one fails a subtest named after the broken clause.
//
// An implementation's own test calls it with a constructor:
//
//	func TestConformance(t *testing.T) {
//		repotest.TestRepository(t, func(t testing.TB, env repotest.Env) customer.Repository {
//			return mystore.New(env.Constraints, env.Now)
//		})
//	}
//
// The suite drives time through Env.Now, so a store must take its clock from
// there, and it needs an empty store for each call of the constructor.
package repotest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

// Env is what the suite asks of a new, empty store.
type Env struct {
	// Constraints are the uniqueness rules the store must enforce.
	Constraints customer.Constraints
	// Now is the clock the store must use for CreatedAt and UpdatedAt.
	Now func() time.Time
	// BuyerNumbers are the order buyer numbers the store must know, when it
	// implements customer.BuyerNumbers.
	BuyerNumbers []string
}

// Store is a customer repository that is also the group store of its
// customers.
type Store interface {
	customer.Repository
	groups.Store
}

// TestRepository runs every clause of the customer.Repository contract as a
// subtest of t, each against a fresh store from newRepo.
func TestRepository(t *testing.T, newRepo func(t testing.TB, env Env) customer.Repository) {
	t.Helper()
	for _, c := range repositoryClauses {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.constraints)
			h.repo = newRepo(t, h.env)
			c.run(t, h)
		})
	}
}

// TestGroupStore runs every clause of the groups.Store contract, and its
// interplay with the customers, as a subtest of t.
func TestGroupStore(t *testing.T, newStore func(t testing.TB, env Env) Store) {
	t.Helper()
	for _, c := range groupClauses {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.constraints)
			s := newStore(t, h.env)
			h.repo, h.groups = s, s
			c.run(t, h)
		})
	}
}

// clause is one promise of a contract: its name is the subtest name and
// reads as the sentence the store must make true.
type clause struct {
	name        string
	constraints *customer.Constraints // nil: defaultConstraints
	run         func(t testing.TB, h *harness)
}

// LoyaltyType is the custom identifier type the suite declares unique;
// "memberNo" is a custom type it leaves non-unique.
const (
	loyaltyType   = "loyaltyId"
	memberNoType  = "memberNo"
	suiteStartStr = "2026-01-02T03:04:05Z"
)

var defaultConstraints = customer.Constraints{UniqueIdentifiers: []string{loyaltyType}}

// harness carries the store under test and the suite's clock.
type harness struct {
	env    Env
	clock  *clock
	repo   customer.Repository
	groups groups.Store
	ctx    context.Context
}

func newHarness(t testing.TB, constraints *customer.Constraints) *harness {
	start, _ := time.Parse(time.RFC3339, suiteStartStr)
	clk := &clock{now: start}
	cons := defaultConstraints
	if constraints != nil {
		cons = *constraints
	}
	return &harness{
		env:   Env{Constraints: cons, Now: clk.Now, BuyerNumbers: []string{"B-1000", "B-1001"}},
		clock: clk,
		ctx:   context.Background(),
	}
}

// clock is a settable clock, safe for concurrent use.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// write applies ops and fails the test on error.
func (h *harness) write(t testing.TB, ops ...customer.Op) []customer.Written {
	t.Helper()
	w, err := h.repo.Write(h.ctx, ops)
	if err != nil {
		t.Fatalf("Write: unexpected error: %v", err)
	}
	if len(w) != len(ops) {
		t.Fatalf("Write returned %d results for %d operations", len(w), len(ops))
	}
	return w
}

// create stores new customers and returns them as stored.
func (h *harness) create(t testing.TB, cs ...*customer.Customer) []*customer.Customer {
	t.Helper()
	ops := make([]customer.Op, len(cs))
	for i, c := range cs {
		ops[i] = customer.Put(c)
	}
	out := make([]*customer.Customer, len(cs))
	for i, w := range h.write(t, ops...) {
		out[i] = h.get(t, w.ID)
	}
	return out
}

// get returns the stored customer id and fails the test if it is missing.
func (h *harness) get(t testing.TB, id string) *customer.Customer {
	t.Helper()
	c, err := h.repo.Get(h.ctx, id)
	if err != nil {
		t.Fatalf("Get(%q): %v", id, err)
	}
	if c == nil {
		t.Fatalf("Get(%q) returned a nil customer and no error", id)
	}
	return c
}

// list collects a listing and fails the test on error.
func (h *harness) list(t testing.TB, f customer.Filter) []*customer.Customer {
	t.Helper()
	var out []*customer.Customer
	for c, err := range h.repo.List(h.ctx, f) {
		if err != nil {
			t.Fatalf("List(%+v): %v", f, err)
		}
		out = append(out, c)
	}
	return out
}

// ids returns the IDs of cs in order.
func ids(cs []*customer.Customer) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// dataOpts compare customers by their data, leaving out what the repository
// assigns.
var dataOpts = cmp.Options{
	cmpopts.IgnoreFields(customer.Customer{}, "ID", "Version", "CreatedAt", "UpdatedAt"),
	cmpopts.EquateEmpty(),
}

// wantErr fails the test unless err matches target with errors.Is.
func wantErr(t testing.TB, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want one matching %q", what, err, target)
	}
}

// wantBatchError fails the test unless err is a *customer.BatchError for
// operation index wrapping target.
func wantBatchError(t testing.TB, what string, err error, index int, target error) {
	t.Helper()
	wantErr(t, what, err, target)
	var be *customer.BatchError
	if !errors.As(err, &be) {
		t.Fatalf("%s: error %v is not a *customer.BatchError", what, err)
	}
	if be.Index != index {
		t.Fatalf("%s: BatchError names operation %d, want %d", what, be.Index, index)
	}
}

// wantDuplicate fails the test unless err reports a duplicate of key.
func wantDuplicate(t testing.TB, what string, err error, key customer.Key, value string) {
	t.Helper()
	wantErr(t, what, err, customer.ErrDuplicate)
	var de *customer.DuplicateError
	if !errors.As(err, &de) {
		t.Fatalf("%s: error %v is not a *customer.DuplicateError", what, err)
	}
	if de.Key != key || de.Value != value {
		t.Fatalf("%s: DuplicateError names %s %q, want %s %q", what, de.Key, de.Value, key, value)
	}
}

// sample returns a customer with every field set, its keys derived from n so
// that samples with different n share no unique key.
func sample(n int) *customer.Customer {
	verified := n%2 == 0
	birthday := time.Date(1970+n%40, time.Month(1+n%12), 1+n%28, 0, 0, 0, 0, time.UTC)
	seen := time.Date(2025, 6, 1, 12, 30, 15, 125e6, time.UTC).Add(time.Duration(n) * time.Hour)
	kind := customer.KindPerson
	if n%3 == 2 {
		kind = customer.KindCompany
	}
	return &customer.Customer{
		Kind:   kind,
		Number: fmt.Sprintf("N%05d", n),
		Credentials: customer.Credentials{
			Login:    fmt.Sprintf("user%d@example.com", n),
			Password: customer.PasswordHash{Scheme: customer.SchemeScrypt, Hash: fmt.Sprintf("$s0$e0801$c2FsdA==$%d", n)},
			Disabled: n%5 == 4,
			Question: "first pet",
			Answer:   customer.PasswordHash{Scheme: customer.SchemeScrypt, Hash: "$s0$e0801$c2FsdA==$YW5zd2Vy"},
			ExternalProfiles: []customer.ExternalProfile{
				{ProviderID: "Google", ExternalID: fmt.Sprintf("g-%d", n), Email: fmt.Sprintf("u%d@gmail.example", n), LastLoginTime: seen},
			},
		},
		Profile: customer.Profile{
			Salutation: "Ms", Title: "Dr", FirstName: fmt.Sprintf("Aino%d", n), SecondName: "Maria",
			LastName: fmt.Sprintf("Järvinen%d", n), Suffix: "Jr", CompanyName: fmt.Sprintf("Oy Yritys %d Ab", n),
			TaxCode: "FI12345671", JobTitle: "Buyer", Email: fmt.Sprintf("Aino.%d@Example.COM", n),
			EmailVerified: &verified,
			Phones: customer.Phones{Home: "+358 9 123", Business: "+358 9 456", Mobile: fmt.Sprintf("+35840%07d", n),
				Fax: "+358 9 789"},
			Birthday: birthday, Gender: customer.Gender{Code: n % 3, Valid: true},
			CreationDate: seen.Add(-24 * time.Hour), LastLoginTime: seen, LastVisitTime: seen,
			PreferredLocale: "fi_FI",
			PaymentProfiles: []customer.PaymentProfile{{AccountID: "acct", AccountType: "STRIPE_TEST",
				AccountCustomerID: fmt.Sprintf("cus_%d", n), CreationDate: seen}},
		},
		Flags: customer.Flags{GDPRRestricted: n%2 == 1, CreditAllowed: n%2 == 0, MarketingEmail: true, MarketingSMS: n%4 == 0},
		Note:  "line one\nrivi kaksi — ÅÄÖ",
		Addresses: []customer.Address{
			{ID: " Home ", Preferred: true, FirstName: "Aino", LastName: "Järvinen", Address1: "Mannerheimintie 1",
				City: "Helsinki", PostalCode: "00100", CountryCode: "FI", Phone: "+358 9 1",
				Attributes: []customer.Attribute{{ID: "door", Values: []string{"A 1"}}}},
			{ID: "Work", Preferred: false, Address1: "Box 12", Postbox: "12", City: "Stockholm", CountryCode: "se"},
		},
		Identifiers: customer.Identifiers{
			Cards:      []string{fmt.Sprintf("C%07d1", n), fmt.Sprintf("C%07d2", n)},
			SSNHash:    fmt.Sprintf("$ssn1$k1$hash-of-sample-%05d", n),
			ExternalID: fmt.Sprintf("ext-%d", n),
			Custom:     map[string]string{loyaltyType: fmt.Sprintf("L%d", n), memberNoType: "shared"},
		},
		Groups: []string{"newsletter"},
		Attributes: []customer.Attribute{
			{ID: "shoeSize", Values: []string{"38", "39"}},
			{ID: "bio", Lang: "fi", Values: []string{"Hei"}},
		},
		ActiveData: &customer.ActiveData{Orders: n, OrderValue: float64(n) * 10.5, LastOrderDate: seen,
			ProductsOrdered: []string{"p1", "p2"}, Custom: []customer.Attribute{{ID: "tier", Values: []string{"gold"}}}},
	}
}

// bare returns a minimal person with no keys but a number derived from n.
func bare(n int) *customer.Customer {
	return &customer.Customer{Kind: customer.KindPerson, Number: fmt.Sprintf("B%05d", n)}
}
