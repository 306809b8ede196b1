package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/customer/pgstore"
)

// person returns a customer of the default list with the given ID, version
// and number, edited by the options.
func person(id string, version int64, number string, edits ...func(*customer.Customer)) *customer.Customer {
	c := &customer.Customer{ID: id, Version: version, Kind: customer.KindPerson, Number: number}
	for _, edit := range edits {
		edit(c)
	}
	return c
}

func cards(cs ...string) func(*customer.Customer) {
	return func(c *customer.Customer) { c.Identifiers.Cards = cs }
}

func email(e string) func(*customer.Customer) {
	return func(c *customer.Customer) { c.Profile.Email = e }
}

func login(l string) func(*customer.Customer) {
	return func(c *customer.Customer) { c.Credentials.Login = l }
}

func loyalty(v string) func(*customer.Customer) {
	return func(c *customer.Customer) { c.Identifiers.Custom = map[string]string{"loyalty": v} }
}

func note(n string) func(*customer.Customer) {
	return func(c *customer.Customer) { c.Note = n }
}

// outcome is what a Write reports: what it wrote or which operation failed
// and why, and the customers stored afterwards.
type outcome struct {
	Written []customer.Written
	Index   int
	Err     string
	Stored  []*customer.Customer
}

// writeOutcome writes the batch to repo and returns the outcome and the
// error Write returned.
func writeOutcome(t *testing.T, repo customer.Repository, ops []customer.Op) (outcome, error) {
	t.Helper()
	ctx := context.Background()
	var out outcome
	written, err := repo.Write(ctx, ops)
	out.Written = written
	var be *customer.BatchError
	switch {
	case errors.As(err, &be):
		out.Index, out.Err = be.Index, be.Error()
	case err != nil:
		t.Fatalf("Write: %v; want nil or a *BatchError", err)
	}
	for c, err := range repo.List(ctx, customer.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		out.Stored = append(out.Stored, c)
	}
	return out, err
}

// TestBatchesFailAtTheOperationMemstoreNames writes the same batches to
// pgstore and to memstore, the reference, each seeded with the same two
// customers: pgstore must report the same failing operation with the same
// error (which customer, which key, which holder), or write the same, as
// checking the operations one by one does. The cases are those a set-based
// check gets wrong when it forgets the batch's order: keys taken, freed and
// retaken within the batch, a customer written twice, an earlier error
// hiding a later one.
func TestBatchesFailAtTheOperationMemstoreNames(t *testing.T) {
	cons := customer.Constraints{UniqueEmail: true, UniqueIdentifiers: []string{"loyalty"}}
	now := time.Date(2026, 5, 6, 7, 8, 9, 123456789, time.UTC)
	clock := func() time.Time { return now }
	seed := []customer.Op{
		customer.Put(person("a", 0, "1", email("a@example.com"), cards("A-1"))),
		customer.Put(person("b", 0, "2", login("bee"), cards("B-1"), loyalty("L-B"))),
	}
	for _, tc := range []struct {
		name  string
		ops   []customer.Op
		index int   // of the failing operation
		err   error // nil when the batch is written
		// limit marks a batch memstore writes and pgstore refuses (see the
		// package's Limits): pgstore alone is checked.
		limit bool
	}{
		{name: "the third operation takes a card the first took", index: 2, err: customer.ErrDuplicate, ops: []customer.Op{
			customer.Put(person("n1", 0, "10", cards("X-1"))),
			customer.Put(person("n2", 0, "11")),
			customer.Put(person("n3", 0, "12", cards("X-1"))),
		}},
		{name: "generated IDs: the second new customer takes the first's card", index: 1, err: customer.ErrDuplicate, ops: []customer.Op{
			customer.Put(person("", 0, "", cards("X-1"))),
			customer.Put(person("", 0, "", cards("X-1"))),
		}},
		{name: "a stale version in the middle", index: 1, err: customer.ErrConflict, ops: []customer.Op{
			customer.Put(person("a", 1, "1", email("a@example.com"), cards("A-1"), note("x"))),
			customer.Put(person("b", 7, "2")),
			customer.Put(person("n1", 0, "10")),
		}},
		{name: "a number a stored customer holds", index: 1, err: customer.ErrDuplicate, ops: []customer.Op{
			customer.Put(person("n1", 0, "10")),
			customer.Put(person("n2", 0, "2")),
		}},
		{name: "an e-mail a stored customer holds, in capitals", index: 0, err: customer.ErrDuplicate, ops: []customer.Op{
			customer.Put(person("n1", 0, "10", email("A@EXAMPLE.COM"))),
		}},
		{name: "a unique custom identifier a stored customer holds", index: 0, err: customer.ErrDuplicate, ops: []customer.Op{
			customer.Put(person("n1", 0, "10", loyalty("L-B"))),
		}},
		{name: "a card freed earlier in the batch is free", ops: []customer.Op{
			customer.Put(person("a", 1, "1", email("a@example.com"))),
			customer.Put(person("n1", 0, "10", cards("A-1"))),
		}},
		{name: "a card freed later in the batch is taken", index: 0, err: customer.ErrDuplicate, ops: []customer.Op{
			customer.Put(person("n1", 0, "10", cards("A-1"))),
			customer.Put(person("a", 1, "1", email("a@example.com"))),
		}},
		{name: "a login freed by a delete is free", ops: []customer.Op{
			customer.Delete("b", 1),
			customer.Put(person("n1", 0, "10", login("bee"))),
		}},
		{name: "cards swapped in one step collide", index: 0, err: customer.ErrDuplicate, ops: []customer.Op{
			customer.Put(person("a", 1, "1", cards("B-1"))),
			customer.Put(person("b", 1, "2", cards("A-1"))),
		}},
		{name: "cards swapped through a free hand", ops: []customer.Op{
			customer.Put(person("a", 1, "1")),
			customer.Put(person("b", 1, "2", cards("A-1"))),
			customer.Put(person("a", 2, "1", cards("B-1"))),
		}},
		{name: "a customer put twice at the version read", index: 1, err: customer.ErrConflict, ops: []customer.Op{
			customer.Put(person("a", 1, "1", note("first"))),
			customer.Put(person("a", 1, "1", note("second"))),
		}},
		{name: "a customer put twice, the second at the new version", ops: []customer.Op{
			customer.Put(person("a", 1, "1", note("first"))),
			customer.Put(person("a", 2, "1", note("second"))),
		}},
		{name: "a customer created, then updated and deleted", ops: []customer.Op{
			customer.Put(person("n1", 0, "10")),
			customer.Put(person("n1", 1, "11")),
			customer.Delete("n1", 2),
			customer.Put(person("n2", 0, "10")),
		}},
		{name: "a delete of an unknown customer after a valid put", index: 1, err: customer.ErrNotFound, ops: []customer.Op{
			customer.Put(person("a", 1, "1", note("x"))),
			customer.Delete("zz", 0),
		}},
		{name: "a delete at a stale version", index: 0, err: customer.ErrConflict, ops: []customer.Op{
			customer.Delete("a", 3),
		}},
		{name: "a put of an unknown customer at a version", index: 0, err: customer.ErrNotFound, ops: []customer.Op{
			customer.Put(person("zz", 1, "10")),
		}},
		{name: "a create of a taken ID", index: 1, err: customer.ErrConflict, ops: []customer.Op{
			customer.Put(person("n1", 0, "10")),
			customer.Put(person("b", 0, "11")),
		}},
		{name: "one customer holding a card twice", index: 0, err: customer.ErrDuplicate, ops: []customer.Op{
			customer.Put(person("n1", 0, "10", cards("X-1", "X-1"))),
		}},
		{name: "an invalid operation after a conflict", index: 0, err: customer.ErrConflict, ops: []customer.Op{
			customer.Put(person("b", 9, "2")),
			customer.Put(nil),
		}},
		{name: "a conflict after an invalid operation", index: 0, err: customer.ErrInvalid, ops: []customer.Op{
			{Kind: customer.OpPut, Customer: &customer.Customer{ID: "n1"}},
			customer.Put(person("b", 9, "2")),
		}},
		{name: "a record JSON cannot keep in the middle", index: 1, err: customer.ErrInvalid, limit: true, ops: []customer.Op{
			customer.Put(person("a", 1, "1", note("x"))),
			customer.Put(person("n1", 0, "10", note("caf\xe9"))),
			customer.Put(person("b", 9, "2")),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got, want outcome
			stores := []struct {
				repo customer.Repository
				out  *outcome
			}{{newStore(t, pgstore.Options{Constraints: cons, Now: clock}), &got}}
			if !tc.limit {
				stores = append(stores, struct {
					repo customer.Repository
					out  *outcome
				}{memstore.New(memstore.Options{Constraints: cons, Now: clock}), &want})
			}
			for _, s := range stores {
				if _, err := s.repo.Write(context.Background(), seed); err != nil {
					t.Fatal(err)
				}
				var err error
				*s.out, err = writeOutcome(t, s.repo, tc.ops)
				if !errors.Is(err, tc.err) || tc.err != nil && s.out.Index != tc.index {
					t.Errorf("%T: operation %d failed with %v; want operation %d to fail with %v", s.repo, s.out.Index, err, tc.index, tc.err)
				}
			}
			if tc.limit {
				return
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("pgstore (+) differs from memstore (-):\n%s", diff)
			}
		})
	}
}

// TestAUniqueKeyHiddenByASharedOneIsChecked covers the one unique key a
// customer holds without a row of its own: a custom identifier type named
// "email" and declared unique, whose value equals the customer's e-mail
// address, which is not unique and comes first. pgstore must still find the
// customer that holds the identifier, as memstore does.
func TestAUniqueKeyHiddenByASharedOneIsChecked(t *testing.T) {
	cons := customer.Constraints{UniqueIdentifiers: []string{"email"}}
	holder := person("a", 0, "1", func(c *customer.Customer) { c.Identifiers.Custom = map[string]string{"email": "x@example.com"} })
	taker := person("n1", 0, "10", email("x@example.com"),
		func(c *customer.Customer) { c.Identifiers.Custom = map[string]string{"email": "x@example.com"} })
	var outs []outcome
	for _, repo := range []customer.Repository{
		memstore.New(memstore.Options{Constraints: cons}),
		newStore(t, pgstore.Options{Constraints: cons}),
	} {
		if _, err := repo.Write(context.Background(), []customer.Op{customer.Put(holder)}); err != nil {
			t.Fatal(err)
		}
		out, err := writeOutcome(t, repo, []customer.Op{customer.Put(taker)})
		if !errors.Is(err, customer.ErrDuplicate) {
			t.Errorf("%T: %v; want ErrDuplicate", repo, err)
		}
		for _, c := range out.Stored {
			c.CreatedAt, c.UpdatedAt = time.Time{}, time.Time{}
		}
		outs = append(outs, out)
	}
	if diff := cmp.Diff(outs[0], outs[1]); diff != "" {
		t.Fatalf("pgstore (+) differs from memstore (-):\n%s", diff)
	}
}

// TestGeneratedIDsSkipTheOnesCustomersWereCreatedWith creates a customer
// with the ID the store would generate second, then three with generated
// IDs: they skip the taken one, as memstore's do.
func TestGeneratedIDsSkipTheOnesCustomersWereCreatedWith(t *testing.T) {
	ops := []customer.Op{
		customer.Put(person("", 0, "10")),
		customer.Put(person("", 0, "11")),
		customer.Put(person("", 0, "12")),
	}
	var outs []outcome
	for _, repo := range []customer.Repository{memstore.New(memstore.Options{}), newStore(t, pgstore.Options{})} {
		if _, err := repo.Write(context.Background(), []customer.Op{customer.Put(person("c0000000002", 0, "1"))}); err != nil {
			t.Fatal(err)
		}
		out, err := writeOutcome(t, repo, ops)
		if err != nil {
			t.Fatalf("%T: %v", repo, err)
		}
		for _, c := range out.Stored {
			c.CreatedAt, c.UpdatedAt = time.Time{}, time.Time{}
		}
		outs = append(outs, out)
	}
	if diff := cmp.Diff(outs[0], outs[1]); diff != "" {
		t.Fatalf("pgstore (+) differs from memstore (-):\n%s", diff)
	}
}

// TestLargeBatchesFailAndWriteAsMemstoreDoes writes batches large enough
// for pgstore to copy their updates in, to pgstore and to memstore: 150
// customers created, then all updated with a stale version in the middle,
// then all updated again, each taking the card the one before it in the
// batch gave up, and every tenth deleted.
func TestLargeBatchesFailAndWriteAsMemstoreDoes(t *testing.T) {
	const n = 150
	id := func(i int) string { return fmt.Sprintf("c%03d", i) }
	card := func(i int) string { return fmt.Sprintf("K-%d", i) }
	var created, stale, moved []customer.Op
	for i := range n {
		created = append(created, customer.Put(person(id(i), 0, fmt.Sprint(i), cards(card(i)))))
		c := person(id(i), 1, fmt.Sprint(i), cards(card(i)), note("stale"))
		if i == 120 {
			c.Version = 7
		}
		stale = append(stale, customer.Put(c))
	}
	for i := n - 1; i >= 0; i-- {
		if i%10 == 0 && i > 0 {
			moved = append(moved, customer.Delete(id(i), 1))
			continue
		}
		moved = append(moved, customer.Put(person(id(i), 1, fmt.Sprint(i), cards(card(i+1)))))
	}
	now := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	clock := func() time.Time { return now }
	var outs [2][]outcome
	for r, repo := range []customer.Repository{memstore.New(memstore.Options{Now: clock}), newStore(t, pgstore.Options{Now: clock})} {
		for _, ops := range [][]customer.Op{created, stale, moved} {
			out, _ := writeOutcome(t, repo, ops)
			outs[r] = append(outs[r], out)
		}
	}
	if got := outs[1][1]; got.Index != 120 || !strings.Contains(got.Err, "conflict") {
		t.Errorf("the stale batch failed at %d with %q; want operation 120, a conflict", got.Index, got.Err)
	}
	if diff := cmp.Diff(outs[0], outs[1]); diff != "" {
		t.Fatalf("pgstore (+) differs from memstore (-):\n%s", diff)
	}
}

// TestTextsCopysFormatEscapesRoundTrip writes customers whose texts hold
// what COPY's text format and PostgreSQL's array literals treat
// specially, through both COPY paths (new customers, and a batch of
// updates large enough for the temporary table), and reads them back as
// written, keys included.
func TestTextsCopysFormatEscapesRoundTrip(t *testing.T) {
	specials := []string{"tab\there", "line\nfeed", "carriage\rreturn", `back\slash`, `\.`, `"quoted"`,
		`{braces},commas`, "NULL", "", " spaced ", `\N`, "\\\t\"\n", "日本\u2028"}
	s := newStore(t, pgstore.Options{})
	ctx := context.Background()
	edit := func(c *customer.Customer, i int, round string) {
		sp := specials[i%len(specials)]
		c.Profile.FirstName = sp + round
		c.Profile.LastName = specials[(i+1)%len(specials)]
		c.Note = strings.Join(specials, "|") + round
		c.Groups = []string{sp + "g", `g"` + round}
		slices.Sort(c.Groups)
		c.Identifiers.Cards = []string{fmt.Sprintf("%d%s%s", i, sp, round)}
		c.Credentials.Login = fmt.Sprintf("%s@%d%s", sp, i, round)
		c.Identifiers.Custom = map[string]string{sp + "k": sp}
	}
	const n = 120 // at least copiedUpdates
	ops := make([]customer.Op, n)
	for i := range ops {
		c := person("", 0, fmt.Sprintf("N%d", i))
		edit(c, i, "")
		ops[i] = customer.Put(c)
	}
	check := func(round string, written []customer.Written) []*customer.Customer {
		t.Helper()
		out := make([]*customer.Customer, n)
		for i, w := range written {
			got, err := s.Get(ctx, w.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := ops[i].Customer.Clone()
			want.ID, want.Version, want.CreatedAt, want.UpdatedAt = got.ID, w.Version, got.CreatedAt, got.UpdatedAt
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%s: customer %d read back otherwise (-written +read):\n%s", round, i, diff)
			}
			card := want.Identifiers.Cards[0]
			if holder, err := s.ByIdentifier(ctx, customer.Identifier{Type: customer.IdentCard, Value: card}); err != nil || holder.ID != got.ID {
				t.Fatalf("%s: card %q finds %v, %v; want %s", round, card, holder, err, got.ID)
			}
			out[i] = got
		}
		return out
	}
	written, err := s.Write(ctx, ops)
	if err != nil {
		t.Fatal(err)
	}
	stored := check("created", written)
	for i, c := range stored {
		c = c.Clone()
		edit(c, i+1, "again")
		ops[i] = customer.Put(c)
	}
	if written, err = s.Write(ctx, ops); err != nil {
		t.Fatal(err)
	}
	check("updated", written)
	// The first round's cards were given up: their key rows are gone.
	for i := range n {
		card := fmt.Sprintf("%d%s", i, specials[i%len(specials)])
		if _, err := s.ByIdentifier(ctx, customer.Identifier{Type: customer.IdentCard, Value: card}); !errors.Is(err, customer.ErrNotFound) {
			t.Fatalf("card %q given up still finds: %v", card, err)
		}
	}
}
