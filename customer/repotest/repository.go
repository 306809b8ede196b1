package repotest

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/impexkit/impex/customer"
)

// repositoryClauses are the promises of customer.Repository, in the order a
// reader of the contract meets them.
var repositoryClauses = []clause{
	// Lookups.
	{name: "Get returns a stored customer with every field intact", run: getRoundTrip},
	{name: "Get of an unknown ID fails with ErrNotFound", run: getUnknown},
	{name: "Lookups return copies the caller cannot use to change the store", run: copiesAreIsolated},
	{name: "ByNumber finds a customer by number within its list and fails with ErrNotFound otherwise", run: byNumber},
	{name: "ByLogin finds a customer by login within its list and fails with ErrNotFound otherwise", run: byLogin},
	{name: "ByEmail matches e-mail addresses ignoring case and fails with ErrNotFound or ErrAmbiguous", run: byEmail},
	{name: "ByIdentifier finds customers by card, SSN hash, external ID and custom type", run: byIdentifier},
	{name: "Find answers each lookup in order as the lookup method it names does", run: findAnswersLikeLookups},
	{name: "FindHolder answers as the lookup method does, with nil and no error for a free key", run: findHolderAnswersLikeLookups},

	// Writes.
	{name: "Put with version 0 creates a customer with a new ID at version 1", run: putCreates},
	{name: "Put with version 0 and a free ID creates the customer with that ID, a taken ID fails with ErrConflict", run: putCreatesWithID},
	{name: "Put with the stored version replaces the customer and increments the version", run: putReplaces},
	{name: "Put with a stale version fails with ErrConflict and changes nothing", run: putStale},
	{name: "Put of an unknown ID at a version above 0 fails with ErrNotFound", run: putUnknown},
	{name: "Put of a record of no valid kind fails with ErrInvalid", run: putInvalid},
	{name: "Delete removes the customer and frees its keys", run: deleteFreesKeys},
	{name: "Delete of an unknown ID fails with ErrNotFound and with a stale version with ErrConflict", run: deleteErrors},
	{name: "A batch with one failing operation changes nothing and names that operation", run: batchAtomic},
	{name: "A batch returns each operation's ID and version in order, and later operations see earlier ones", run: batchResults},
	{name: "Write with a cancelled context writes nothing", run: writeCancelled},
	{name: "An owned put stores the customer as given and leaves it unchanged, so a failed batch can be sent again", run: ownedPut},

	// Uniqueness.
	{name: "Customer numbers are unique within a list and may repeat across lists", run: uniqueNumber},
	{name: "Logins are unique within a list and may repeat across lists", run: uniqueLogin},
	{name: "E-mail addresses are unique within a list ignoring case when the constraints say so", run: uniqueEmail,
		constraints: &customer.Constraints{UniqueEmail: true}},
	{name: "E-mail addresses may repeat when the constraints do not make them unique", run: sharedEmail},
	{name: "Cards, SSN hashes and external IDs are unique across the whole store", run: uniqueIdentifiers},
	{name: "Custom identifier types are unique when declared so and may repeat otherwise", run: uniqueCustomIdentifiers},
	{name: "A key repeated inside one batch or one customer fails with ErrDuplicate", run: duplicateInBatch},
	{name: "An empty card slot holds no key", run: emptyCardSlot},
	{name: "A duplicate is always reported for the same key, in key order", run: duplicateKeyOrder,
		constraints: &customer.Constraints{UniqueEmail: true, UniqueIdentifiers: []string{loyaltyType, "alpha", "beta"}}},
	{name: "A custom identifier type named like a built-in one follows the Constraints", run: customNamedLikeBuiltIn,
		constraints: &customer.Constraints{UniqueIdentifiers: []string{string(customer.IdentSSNHash)}}},
	{name: "Changing a key frees the old value and a customer may keep its own keys", run: changingKeys},

	// Listing.
	{name: "List with the zero filter yields every customer in ID order, the same order every time", run: listAll},
	{name: "List filters by kind, credit allowed, update time, group, list and free text, alone and combined", run: listFilters},
	{name: "List can be stopped early and written to while it runs without yielding a customer twice", run: listWhileWriting},
	{name: "List with a cancelled context yields the context's error", run: listCancelled},

	// Sequences and buyer numbers.
	{name: "NextNumber never returns a number twice and skips numbers in use, per list", run: nextNumber},
	{name: "IsBuyerNumber reports exactly the known buyer numbers", run: buyerNumbers},
	{name: "Lists knows, in ID order, every list given settings and every list a batch stored customers in, also once they are deleted", run: listsKnown},

	// Concurrency.
	{name: "Concurrent writers of one customer lose no update and see conflicts instead of corruption", run: concurrentUpdates},
	{name: "Concurrent creators of the same login produce exactly one customer", run: concurrentCreates},
}

func getRoundTrip(t testing.TB, h *harness) {
	want := sample(1)
	w := h.write(t, customer.Put(want))
	got := h.get(t, w[0].ID)
	if diff := cmp.Diff(want, got, dataOpts); diff != "" {
		t.Fatalf("stored customer differs from the one put (-put +got):\n%s", diff)
	}
	now := h.clock.Now()
	if got.ID != w[0].ID || got.Version != 1 || !got.CreatedAt.Equal(now) || !got.UpdatedAt.Equal(now) {
		t.Fatalf("got ID %q version %d created %v updated %v; want ID %q version 1 and both times %v",
			got.ID, got.Version, got.CreatedAt, got.UpdatedAt, w[0].ID, now)
	}
}

func getUnknown(t testing.TB, h *harness) {
	h.create(t, bare(1))
	c, err := h.repo.Get(h.ctx, "no-such-id")
	wantErr(t, "Get(no-such-id)", err, customer.ErrNotFound)
	if c != nil {
		t.Fatalf("Get(no-such-id) returned a customer with its error")
	}
}

func copiesAreIsolated(t testing.TB, h *harness) {
	put := sample(1)
	w := h.write(t, customer.Put(put))
	put.Profile.FirstName = "changed after put"
	put.Identifiers.Cards[0] = "changed after put"
	got := h.get(t, w[0].ID)
	got.Profile.LastName = "changed after get"
	got.Addresses[0].City = "changed after get"
	got.Attributes[0].Values[0] = "changed after get"
	got.Identifiers.Custom[loyaltyType] = "changed after get"
	got.ActiveData.ProductsOrdered[0] = "changed after get"
	if diff := cmp.Diff(sample(1), h.get(t, w[0].ID), dataOpts); diff != "" {
		t.Fatalf("changing values passed to Put or returned by Get changed the store (-want +got):\n%s", diff)
	}
	for c, err := range h.repo.List(h.ctx, customer.Filter{}) {
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		c.Groups[0] = "changed after list"
	}
	if diff := cmp.Diff(sample(1), h.get(t, w[0].ID), dataOpts); diff != "" {
		t.Fatalf("changing a listed customer changed the store (-want +got):\n%s", diff)
	}
}

func byNumber(t testing.TB, h *harness) {
	a, b := bare(1), bare(2)
	b.List = "nordic"
	stored := h.create(t, a, b)
	for _, tc := range []struct{ list, number, want string }{
		{"", a.Number, stored[0].ID},
		{"nordic", b.Number, stored[1].ID},
	} {
		got, err := h.repo.ByNumber(h.ctx, tc.list, tc.number)
		if err != nil || got.ID != tc.want {
			t.Fatalf("ByNumber(%q, %q) = %v, %v; want customer %s", tc.list, tc.number, idOf(got), err, tc.want)
		}
	}
	_, err := h.repo.ByNumber(h.ctx, "nordic", a.Number)
	wantErr(t, "ByNumber of a number held in another list", err, customer.ErrNotFound)
	_, err = h.repo.ByNumber(h.ctx, "", "missing")
	wantErr(t, "ByNumber of an unknown number", err, customer.ErrNotFound)
}

func byLogin(t testing.TB, h *harness) {
	a, b := bare(1), bare(2)
	a.Credentials.Login, b.Credentials.Login = "anna", "bertil"
	b.List = "nordic"
	stored := h.create(t, a, b)
	got, err := h.repo.ByLogin(h.ctx, "", "anna")
	if err != nil || got.ID != stored[0].ID {
		t.Fatalf("ByLogin(\"\", anna) = %v, %v; want %s", idOf(got), err, stored[0].ID)
	}
	got, err = h.repo.ByLogin(h.ctx, "nordic", "bertil")
	if err != nil || got.ID != stored[1].ID {
		t.Fatalf("ByLogin(nordic, bertil) = %v, %v; want %s", idOf(got), err, stored[1].ID)
	}
	_, err = h.repo.ByLogin(h.ctx, "", "bertil")
	wantErr(t, "ByLogin of a login held in another list", err, customer.ErrNotFound)
	_, err = h.repo.ByLogin(h.ctx, "", "nobody")
	wantErr(t, "ByLogin of an unknown login", err, customer.ErrNotFound)
}

func byEmail(t testing.TB, h *harness) {
	a, b, c := bare(1), bare(2), bare(3)
	a.Profile.Email = "Anna@Example.com"
	b.Profile.Email, c.Profile.Email = "shared@example.com", "SHARED@example.com"
	stored := h.create(t, a, b, c)
	got, err := h.repo.ByEmail(h.ctx, "", "anna@EXAMPLE.com")
	if err != nil || got.ID != stored[0].ID {
		t.Fatalf("ByEmail(anna@EXAMPLE.com) = %v, %v; want %s", idOf(got), err, stored[0].ID)
	}
	_, err = h.repo.ByEmail(h.ctx, "", "shared@example.com")
	wantErr(t, "ByEmail of an address two customers share", err, customer.ErrAmbiguous)
	_, err = h.repo.ByEmail(h.ctx, "", "nobody@example.com")
	wantErr(t, "ByEmail of an unknown address", err, customer.ErrNotFound)
	_, err = h.repo.ByEmail(h.ctx, "nordic", "anna@example.com")
	wantErr(t, "ByEmail in another list", err, customer.ErrNotFound)
}

// lookupsOfEveryKind stores three customers and returns lookups of them
// by every key: hits, misses, other lists, an ambiguous e-mail, a shared
// custom identifier, and one lookup twice.
func lookupsOfEveryKind(t testing.TB, h *harness) []customer.Lookup {
	a, b, c := sample(1), sample(2), bare(3)
	c.List, c.Number = "nordic", a.Number
	c.Credentials.Login = a.Credentials.Login
	b.Profile.Email = strings.ToUpper(a.Profile.Email)
	stored := h.create(t, a, b, c)
	return []customer.Lookup{
		{Key: customer.KeyID, Value: stored[1].ID},
		{Key: customer.KeyID, Value: "no-such-id"},
		{Key: customer.KeyNumber, Value: a.Number},
		{Key: customer.KeyNumber, List: "nordic", Value: a.Number},
		{Key: customer.KeyNumber, List: "other", Value: a.Number},
		{Key: customer.KeyLogin, Value: a.Credentials.Login},
		{Key: customer.KeyLogin, List: "nordic", Value: a.Credentials.Login},
		{Key: customer.KeyEmail, Value: strings.ToLower(a.Profile.Email)},
		{Key: customer.KeyEmail, Value: "nobody@example.com"},
		{Key: customer.Key(customer.IdentCard), Value: b.Identifiers.Cards[1]},
		{Key: customer.Key(customer.IdentCard), Value: "no-such-card"},
		{Key: customer.Key(customer.IdentSSNHash), Value: a.Identifiers.SSNHash},
		{Key: customer.Key(customer.IdentExternal), Value: b.Identifiers.ExternalID},
		{Key: loyaltyType, Value: a.Identifiers.Custom[loyaltyType]},
		{Key: memberNoType, Value: "shared"},
		{Key: customer.KeyNumber, Value: a.Number},
	}
}

// sameAnswer fails t unless got and gotErr, what name answered for l,
// are what the lookup method gives: the same customer, or an error of the
// same sentinel. A miss is nil and no error when missIsNil holds.
func sameAnswer(t testing.TB, h *harness, name string, l customer.Lookup, got *customer.Customer, gotErr error, missIsNil bool) {
	t.Helper()
	want, wantErr := customer.Look(h.ctx, h.repo, l)
	switch {
	case missIsNil && errors.Is(wantErr, customer.ErrNotFound):
		if got != nil || gotErr != nil {
			t.Fatalf("%s of %+v = %v, %v; the lookup method finds nobody, so want nil and no error", name, l, idOf(got), gotErr)
		}
	case wantErr != nil:
		for _, sentinel := range []error{customer.ErrNotFound, customer.ErrAmbiguous} {
			if errors.Is(wantErr, sentinel) != errors.Is(gotErr, sentinel) || got != nil {
				t.Fatalf("%s of %+v = %v, %v; the lookup method fails with %v", name, l, idOf(got), gotErr, wantErr)
			}
		}
	case gotErr != nil || got == nil:
		t.Fatalf("%s of %+v = %v, %v; the lookup method finds %s", name, l, idOf(got), gotErr, want.ID)
	default:
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("%s of %+v differs from the lookup method's customer (-method +%s):\n%s", name, l, name, diff)
		}
	}
}

// findAnswersLikeLookups compares a customer.Finder's answers with the
// lookup methods' (see lookupsOfEveryKind).
func findAnswersLikeLookups(t testing.TB, h *harness) {
	f, ok := h.repo.(customer.Finder)
	if !ok {
		t.Skip("the store does not implement customer.Finder")
	}
	lookups := lookupsOfEveryKind(t, h)
	found, err := f.Find(h.ctx, lookups)
	if err != nil {
		t.Fatalf("Find: %v", err)
	}
	if len(found) != len(lookups) {
		t.Fatalf("Find answered %d of %d lookups", len(found), len(lookups))
	}
	for i, l := range lookups {
		sameAnswer(t, h, "Find", l, found[i].Customer, found[i].Err, false)
	}
	if found, err := f.Find(h.ctx, nil); err != nil || len(found) != 0 {
		t.Fatalf("Find of no lookups = %v, %v; want none", found, err)
	}
	ctx, cancel := context.WithCancel(h.ctx)
	cancel()
	_, err = f.Find(ctx, lookups)
	wantErr(t, "Find with a cancelled context", err, context.Canceled)
}

// findHolderAnswersLikeLookups compares a customer.HolderFinder's answers
// with the lookup methods' (see lookupsOfEveryKind), and checks that what
// it returns is the caller's own.
func findHolderAnswersLikeLookups(t testing.TB, h *harness) {
	f, ok := h.repo.(customer.HolderFinder)
	if !ok {
		t.Skip("the store does not implement customer.HolderFinder")
	}
	lookups := lookupsOfEveryKind(t, h)
	for _, l := range lookups {
		got, err := f.FindHolder(h.ctx, l)
		sameAnswer(t, h, "FindHolder", l, got, err, true)
	}
	got, err := f.FindHolder(h.ctx, lookups[0])
	if err != nil || got == nil {
		t.Fatalf("FindHolder of %+v = %v, %v", lookups[0], idOf(got), err)
	}
	got.Profile.FirstName = "changed through FindHolder"
	if again, err := h.repo.Get(h.ctx, got.ID); err != nil || again.Profile.FirstName == got.Profile.FirstName {
		t.Fatalf("changing what FindHolder returned changed the stored customer (%v)", err)
	}
	ctx, cancel := context.WithCancel(h.ctx)
	cancel()
	_, err = f.FindHolder(ctx, lookups[0])
	wantErr(t, "FindHolder with a cancelled context", err, context.Canceled)
}

func byIdentifier(t testing.TB, h *harness) {
	stored := h.create(t, sample(1), sample(2))
	want := stored[1]
	for _, id := range []customer.Identifier{
		{Type: customer.IdentCard, Value: want.Identifiers.Cards[0]},
		{Type: customer.IdentCard, Value: want.Identifiers.Cards[1]},
		{Type: customer.IdentSSNHash, Value: want.Identifiers.SSNHash},
		{Type: customer.IdentExternal, Value: want.Identifiers.ExternalID},
		{Type: loyaltyType, Value: want.Identifiers.Custom[loyaltyType]},
	} {
		got, err := h.repo.ByIdentifier(h.ctx, id)
		if err != nil || got.ID != want.ID {
			t.Fatalf("ByIdentifier(%s) = %v, %v; want %s", id, idOf(got), err, want.ID)
		}
	}
	got, err := h.repo.ByIdentifier(h.ctx, customer.Identifier{Type: memberNoType, Value: "shared"})
	if err != nil || got.ID != stored[0].ID {
		t.Fatalf("ByIdentifier of a non-unique custom value = %v, %v; want the lowest ID %s", idOf(got), err, stored[0].ID)
	}
	for _, id := range []customer.Identifier{
		{Type: customer.IdentCard, Value: "no-such-card"},
		{Type: customer.IdentSSNHash, Value: want.Identifiers.Cards[0]},
		{Type: customer.IdentExternal, Value: "no-such-id"},
		{Type: loyaltyType, Value: "L999"},
	} {
		_, err := h.repo.ByIdentifier(h.ctx, id)
		wantErr(t, fmt.Sprintf("ByIdentifier(%s)", id), err, customer.ErrNotFound)
	}
}

func putCreates(t testing.TB, h *harness) {
	w := h.write(t, customer.Put(bare(1)), customer.Put(bare(2)))
	if w[0].ID == "" || w[1].ID == "" || w[0].ID == w[1].ID {
		t.Fatalf("new customers got IDs %q and %q; want two distinct non-empty IDs", w[0].ID, w[1].ID)
	}
	if w[0].Version != 1 || w[1].Version != 1 {
		t.Fatalf("new customers got versions %d and %d; want 1", w[0].Version, w[1].Version)
	}
}

func putCreatesWithID(t testing.TB, h *harness) {
	c := bare(1)
	c.ID = "chosen-id"
	w := h.write(t, customer.Put(c))
	if w[0].ID != "chosen-id" || h.get(t, "chosen-id").Number != c.Number {
		t.Fatalf("Put with ID chosen-id stored it as %q", w[0].ID)
	}
	again := bare(2)
	again.ID = "chosen-id"
	_, err := h.repo.Write(h.ctx, []customer.Op{customer.Put(again)})
	wantBatchError(t, "creating an ID that exists", err, 0, customer.ErrConflict)
	if got := h.get(t, "chosen-id"); got.Number != c.Number {
		t.Fatalf("a refused create overwrote the customer: number %q", got.Number)
	}
}

func putReplaces(t testing.TB, h *harness) {
	old := h.create(t, sample(1))[0]
	created := old.CreatedAt
	h.clock.Advance(time.Hour)
	next := sample(7)
	next.ID, next.Version = old.ID, old.Version
	w := h.write(t, customer.Put(next))
	got := h.get(t, old.ID)
	if diff := cmp.Diff(sample(7), got, dataOpts); diff != "" {
		t.Fatalf("replaced customer differs (-want +got):\n%s", diff)
	}
	if w[0].Version != old.Version+1 || got.Version != old.Version+1 {
		t.Fatalf("version after replace: result %d, stored %d; want %d", w[0].Version, got.Version, old.Version+1)
	}
	if !got.CreatedAt.Equal(created) || !got.UpdatedAt.Equal(h.clock.Now()) {
		t.Fatalf("after replace CreatedAt = %v, UpdatedAt = %v; want CreatedAt kept at %v and UpdatedAt %v",
			got.CreatedAt, got.UpdatedAt, created, h.clock.Now())
	}
}

func putStale(t testing.TB, h *harness) {
	old := h.create(t, sample(1))[0]
	first := old.Clone()
	first.Note = "first writer"
	h.write(t, customer.Put(first))
	second := old.Clone()
	second.Note = "second writer, read before the first wrote"
	_, err := h.repo.Write(h.ctx, []customer.Op{customer.Put(second)})
	wantBatchError(t, "put at a stale version", err, 0, customer.ErrConflict)
	got := h.get(t, old.ID)
	if got.Note != "first writer" || got.Version != old.Version+1 {
		t.Fatalf("after a stale put: note %q version %d; want the first writer's note at version %d", got.Note, got.Version, old.Version+1)
	}
	future := got.Clone()
	future.Version += 5
	_, err = h.repo.Write(h.ctx, []customer.Op{customer.Put(future)})
	wantBatchError(t, "put at a version ahead of the stored one", err, 0, customer.ErrConflict)
}

func putUnknown(t testing.TB, h *harness) {
	c := bare(1)
	c.ID, c.Version = "never-stored", 3
	_, err := h.repo.Write(h.ctx, []customer.Op{customer.Put(c)})
	wantBatchError(t, "put of an unknown ID", err, 0, customer.ErrNotFound)
	if _, err := h.repo.Get(h.ctx, "never-stored"); !errors.Is(err, customer.ErrNotFound) {
		t.Fatalf("a refused put created the customer: Get error %v", err)
	}
}

func putInvalid(t testing.TB, h *harness) {
	c := bare(1)
	c.Kind = 0
	_, err := h.repo.Write(h.ctx, []customer.Op{customer.Put(c)})
	wantBatchError(t, "put of a customer of no kind", err, 0, customer.ErrInvalid)
	if n := len(h.list(t, customer.Filter{})); n != 0 {
		t.Fatalf("a refused put stored %d customers", n)
	}
}

func deleteFreesKeys(t testing.TB, h *harness) {
	old := h.create(t, sample(1))[0]
	w := h.write(t, customer.Delete(old.ID, old.Version))
	if w[0].ID != old.ID {
		t.Fatalf("delete result names %q, want %q", w[0].ID, old.ID)
	}
	_, err := h.repo.Get(h.ctx, old.ID)
	wantErr(t, "Get after delete", err, customer.ErrNotFound)
	_, err = h.repo.ByNumber(h.ctx, "", old.Number)
	wantErr(t, "ByNumber after delete", err, customer.ErrNotFound)
	_, err = h.repo.ByIdentifier(h.ctx, customer.Identifier{Type: customer.IdentCard, Value: old.Identifiers.Cards[0]})
	wantErr(t, "ByIdentifier after delete", err, customer.ErrNotFound)
	h.create(t, sample(1)) // every key of the deleted customer is free again
}

func deleteErrors(t testing.TB, h *harness) {
	_, err := h.repo.Write(h.ctx, []customer.Op{customer.Delete("never-stored", 0)})
	wantBatchError(t, "delete of an unknown ID", err, 0, customer.ErrNotFound)
	old := h.create(t, bare(1))[0]
	upd := old.Clone()
	upd.Note = "updated"
	h.write(t, customer.Put(upd))
	_, err = h.repo.Write(h.ctx, []customer.Op{customer.Delete(old.ID, old.Version)})
	wantBatchError(t, "delete at a stale version", err, 0, customer.ErrConflict)
	h.get(t, old.ID) // still there
	h.write(t, customer.Delete(old.ID, 0))
	_, err = h.repo.Get(h.ctx, old.ID)
	wantErr(t, "Get after a delete at version 0", err, customer.ErrNotFound)
}

func ownedPut(t testing.TB, h *harness) {
	stored := h.create(t, sample(1))
	upd := stored[0].Clone()
	upd.Profile.FirstName, upd.Groups = "Updated", []string{"b", "a", "b"}
	fresh := sample(2)
	dup := sample(3)
	dup.Number = stored[0].Number
	ops := []customer.Op{customer.PutOwned(upd), customer.PutOwned(fresh), customer.PutOwned(dup)}
	before := []*customer.Customer{upd.Clone(), fresh.Clone()}
	_, err := h.repo.Write(h.ctx, ops)
	wantBatchError(t, "owned batch whose third customer takes a number", err, 2, customer.ErrDuplicate)
	if diff := cmp.Diff(before, []*customer.Customer{upd, fresh}, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Fatalf("a failed write changed the owned customers it was given (-before +after):\n%s", diff)
	}
	w := h.write(t, ops[:2]...)
	want := []*customer.Customer{before[0], before[1]}
	want[0].Groups = []string{"a", "b"}
	for i, got := range []*customer.Customer{h.get(t, w[0].ID), h.get(t, w[1].ID)} {
		if diff := cmp.Diff(want[i], got, dataOpts); diff != "" {
			t.Fatalf("owned put %d, sent again, stored (-given +stored):\n%s", i, diff)
		}
	}
	if w[0].Version != stored[0].Version+1 || w[1].Version != 1 {
		t.Fatalf("owned puts sent again were written at versions %d and %d; want %d and 1", w[0].Version, w[1].Version, stored[0].Version+1)
	}
}

func batchAtomic(t testing.TB, h *harness) {
	stored := h.create(t, sample(1), sample(2), sample(3))
	before := h.list(t, customer.Filter{})
	h.clock.Advance(time.Minute)

	upd := stored[0].Clone()
	upd.Profile.FirstName = "Updated"
	stale := stored[2].Clone()
	stale.Version = 99
	ops := []customer.Op{
		customer.Put(sample(4)),                          // a create
		customer.Put(upd),                                // an update
		customer.Delete(stored[1].ID, stored[1].Version), // a delete
		customer.Put(stale),                              // fails: stale version
	}
	_, err := h.repo.Write(h.ctx, ops)
	wantBatchError(t, "batch whose fourth operation is stale", err, 3, customer.ErrConflict)
	after := h.list(t, customer.Filter{})
	if diff := cmp.Diff(before, after); diff != "" {
		t.Fatalf("a failed batch changed the store (-before +after):\n%s", diff)
	}
	if _, err := h.repo.ByNumber(h.ctx, "", sample(4).Number); !errors.Is(err, customer.ErrNotFound) {
		t.Fatalf("a failed batch left its created customer findable by number (error %v)", err)
	}
	if _, err := h.repo.ByIdentifier(h.ctx, customer.Identifier{Type: customer.IdentCard, Value: stored[1].Identifiers.Cards[0]}); err != nil {
		t.Fatalf("a failed batch removed the deleted customer's card from the index: %v", err)
	}

	dup := sample(5)
	dup.Number = stored[2].Number
	_, err = h.repo.Write(h.ctx, []customer.Op{customer.Put(sample(6)), customer.Put(dup)})
	wantBatchError(t, "batch whose second operation duplicates a number", err, 1, customer.ErrDuplicate)
	if diff := cmp.Diff(before, h.list(t, customer.Filter{})); diff != "" {
		t.Fatalf("a batch failing on a duplicate changed the store (-before +after):\n%s", diff)
	}
	h.create(t, sample(6)) // the refused batch's keys were not kept
}

func batchResults(t testing.TB, h *harness) {
	first := bare(1)
	first.ID = "fixed"
	second := bare(1)
	second.ID, second.Version, second.Note = "fixed", 1, "second write in the same batch"
	w := h.write(t, customer.Put(bare(2)), customer.Put(first), customer.Put(second), customer.Put(bare(3)))
	if w[1].ID != "fixed" || w[1].Version != 1 || w[2].ID != "fixed" || w[2].Version != 2 {
		t.Fatalf("results %+v: want operation 1 to create fixed at version 1 and operation 2 to update it to version 2", w)
	}
	for i, r := range w {
		got := h.get(t, r.ID)
		if i != 1 && got.Version != r.Version {
			t.Fatalf("result %d says version %d, stored version is %d", i, r.Version, got.Version)
		}
	}
	if got := h.get(t, "fixed"); got.Note != second.Note {
		t.Fatalf("customer fixed has note %q, want the batch's last write", got.Note)
	}
}

func writeCancelled(t testing.TB, h *harness) {
	ctx, cancel := context.WithCancel(h.ctx)
	cancel()
	_, err := h.repo.Write(ctx, []customer.Op{customer.Put(bare(1))})
	wantErr(t, "Write with a cancelled context", err, context.Canceled)
	if n := len(h.list(t, customer.Filter{})); n != 0 {
		t.Fatalf("Write with a cancelled context stored %d customers", n)
	}
}

func uniqueNumber(t testing.TB, h *harness) {
	a := h.create(t, bare(1))[0]
	dup := bare(1)
	_, err := h.repo.Write(h.ctx, []customer.Op{customer.Put(dup)})
	wantBatchError(t, "second customer with the same number", err, 0, customer.ErrDuplicate)
	wantDuplicate(t, "second customer with the same number", err, customer.KeyNumber, a.Number)
	var de *customer.DuplicateError
	if errors.As(err, &de) && de.Holder != a.ID {
		t.Fatalf("DuplicateError names holder %q, want %q", de.Holder, a.ID)
	}
	other := bare(1)
	other.List = "nordic"
	h.create(t, other)
}

func uniqueLogin(t testing.TB, h *harness) {
	a := bare(1)
	a.Credentials.Login = "anna"
	h.create(t, a)
	b := bare(2)
	b.Credentials.Login = "anna"
	_, err := h.repo.Write(h.ctx, []customer.Op{customer.Put(b)})
	wantDuplicate(t, "second customer with the same login", err, customer.KeyLogin, "anna")
	b.List = "nordic"
	h.create(t, b)
}

func uniqueEmail(t testing.TB, h *harness) {
	a := bare(1)
	a.Profile.Email = "anna@example.com"
	h.create(t, a)
	b := bare(2)
	b.Profile.Email = "ANNA@example.com"
	_, err := h.repo.Write(h.ctx, []customer.Op{customer.Put(b)})
	wantDuplicate(t, "second customer with the same e-mail in other case", err, customer.KeyEmail, "anna@example.com")
	b.List = "nordic"
	h.create(t, b)
}

func sharedEmail(t testing.TB, h *harness) {
	a, b := bare(1), bare(2)
	a.Profile.Email, b.Profile.Email = "family@example.com", "family@example.com"
	h.create(t, a, b)
}

func uniqueIdentifiers(t testing.TB, h *harness) {
	a := sample(1)
	h.create(t, a)
	for _, tc := range []struct {
		name  string
		key   customer.Key
		value string
		edit  func(c *customer.Customer)
	}{
		{"card", customer.Key(customer.IdentCard), a.Identifiers.Cards[1], func(c *customer.Customer) { c.Identifiers.Cards = []string{"fresh", a.Identifiers.Cards[1]} }},
		{"SSN hash", customer.Key(customer.IdentSSNHash), a.Identifiers.SSNHash, func(c *customer.Customer) { c.Identifiers.SSNHash = a.Identifiers.SSNHash }},
		{"external ID", customer.Key(customer.IdentExternal), a.Identifiers.ExternalID, func(c *customer.Customer) { c.Identifiers.ExternalID = a.Identifiers.ExternalID }},
	} {
		b := bare(2)
		b.List = "another list" // identifiers are unique across lists too
		tc.edit(b)
		_, err := h.repo.Write(h.ctx, []customer.Op{customer.Put(b)})
		wantDuplicate(t, "second customer with the same "+tc.name, err, tc.key, tc.value)
	}
}

func uniqueCustomIdentifiers(t testing.TB, h *harness) {
	h.create(t, sample(1))
	b := bare(2)
	b.Identifiers.Custom = map[string]string{loyaltyType: sample(1).Identifiers.Custom[loyaltyType]}
	_, err := h.repo.Write(h.ctx, []customer.Op{customer.Put(b)})
	wantDuplicate(t, "second customer with the same declared-unique custom identifier", err, customer.Key(loyaltyType), "L1")
	b.Identifiers.Custom = map[string]string{memberNoType: "shared"}
	h.create(t, b)
}

func duplicateInBatch(t testing.TB, h *harness) {
	a, b := bare(1), bare(2)
	b.Number = a.Number
	_, err := h.repo.Write(h.ctx, []customer.Op{customer.Put(a), customer.Put(b)})
	wantBatchError(t, "two new customers with one number in one batch", err, 1, customer.ErrDuplicate)
	c := bare(3)
	c.Identifiers.Cards = []string{"CARD-1", "CARD-1"}
	_, err = h.repo.Write(h.ctx, []customer.Op{customer.Put(c)})
	wantDuplicate(t, "one customer holding the same card twice", err, customer.Key(customer.IdentCard), "CARD-1")
	if n := len(h.list(t, customer.Filter{})); n != 0 {
		t.Fatalf("refused batches stored %d customers", n)
	}
}

func emptyCardSlot(t testing.TB, h *harness) {
	a, b := bare(1), bare(2)
	a.Identifiers.Cards = []string{"", "CARD-A"}
	b.Identifiers.Cards = []string{"", "CARD-B"}
	h.create(t, a)
	h.create(t, b)
	_, err := h.repo.ByIdentifier(h.ctx, customer.Identifier{Type: customer.IdentCard, Value: ""})
	wantErr(t, "ByIdentifier of an empty card", err, customer.ErrNotFound)
}

// duplicateKeyOrder writes, many times over, a customer that collides with
// a stored one on several keys at once: every store must name the first of
// them in customer.Constraints.Keys order, whatever its maps do.
func duplicateKeyOrder(t testing.TB, h *harness) {
	a := bare(1)
	a.Credentials.Login = "taken"
	a.Profile.Email = "Taken@Example.com"
	a.Identifiers.Cards = []string{"CARD-1"}
	a.Identifiers.Custom = map[string]string{"alpha": "A", "beta": "B", loyaltyType: "L"}
	h.create(t, a)
	b := bare(2)
	b.Credentials.Login, b.Profile.Email = "taken", "TAKEN@example.com"
	b.Identifiers.Cards = []string{"CARD-1"}
	b.Identifiers.Custom = map[string]string{"alpha": "A", "beta": "B", loyaltyType: "L", memberNoType: "M"}
	// Each step frees the key the step before it expected.
	for _, step := range []struct {
		edit  func(c *customer.Customer)
		key   customer.Key
		value string
	}{
		{func(c *customer.Customer) {}, customer.KeyLogin, "taken"},
		{func(c *customer.Customer) { c.Credentials.Login = "free" }, customer.KeyEmail, "taken@example.com"},
		{func(c *customer.Customer) { c.Profile.Email = "free@example.com" }, customer.Key(customer.IdentCard), "CARD-1"},
		{func(c *customer.Customer) { c.Identifiers.Cards = nil }, "alpha", "A"},
		{func(c *customer.Customer) { delete(c.Identifiers.Custom, "alpha") }, "beta", "B"},
		{func(c *customer.Customer) { delete(c.Identifiers.Custom, "beta") }, customer.Key(loyaltyType), "L"},
	} {
		step.edit(b)
		for range 20 {
			_, err := h.repo.Write(h.ctx, []customer.Op{customer.Put(b)})
			wantDuplicate(t, "a customer colliding on several keys", err, step.key, step.value)
		}
	}
}

// customNamedLikeBuiltIn stores custom identifier types named "ssn" and
// "customerCard": the constraints declare the first unique and not the
// second, and the store must follow them, not the built-in types' rules.
func customNamedLikeBuiltIn(t testing.TB, h *harness) {
	a, b := bare(1), bare(2)
	a.Identifiers.Cards = []string{"CARD-1"}
	a.Identifiers.Custom = map[string]string{string(customer.IdentCard): "CARD-1", string(customer.IdentSSNHash): "S-1"}
	b.Identifiers.Custom = map[string]string{string(customer.IdentCard): "CARD-1"}
	h.create(t, a)
	h.create(t, b)
	c := bare(3)
	c.Identifiers.Custom = map[string]string{string(customer.IdentSSNHash): "S-1"}
	_, err := h.repo.Write(h.ctx, []customer.Op{customer.Put(c)})
	wantDuplicate(t, "a second holder of a custom type declared unique", err, customer.Key(customer.IdentSSNHash), "S-1")
}

func changingKeys(t testing.TB, h *harness) {
	a := h.create(t, sample(1))[0]
	same := a.Clone()
	same.Note = "keys unchanged"
	a2 := h.get(t, h.write(t, customer.Put(same))[0].ID)

	moved := a2.Clone()
	moved.Number = "N-moved"
	moved.Identifiers.Cards = []string{"C-moved"}
	h.write(t, customer.Put(moved))
	_, err := h.repo.ByNumber(h.ctx, "", a.Number)
	wantErr(t, "ByNumber of the old number", err, customer.ErrNotFound)
	got, err := h.repo.ByNumber(h.ctx, "", "N-moved")
	if err != nil || got.ID != a.ID {
		t.Fatalf("ByNumber of the new number = %v, %v; want %s", idOf(got), err, a.ID)
	}
	taker := bare(9)
	taker.Number = a.Number
	taker.Identifiers.Cards = []string{a.Identifiers.Cards[0]}
	h.create(t, taker)
}

// listFixture stores twelve customers with known properties and returns them
// in creation order; the clock advances one hour between creations.
func listFixture(t testing.TB, h *harness) []*customer.Customer {
	var out []*customer.Customer
	for i := range 12 {
		c := bare(i)
		if i%3 == 0 {
			c.Kind = customer.KindCompany
			c.Profile.CompanyName = fmt.Sprintf("Company %d Oy", i)
		} else {
			c.Profile.FirstName, c.Profile.LastName = fmt.Sprintf("First%d", i), fmt.Sprintf("Last%d", i)
		}
		c.Flags.CreditAllowed = i%2 == 0
		if i%4 == 1 {
			c.Groups = []string{"vip"}
		}
		if i >= 9 {
			c.List = "nordic"
		}
		c.Profile.Email = fmt.Sprintf("person%d@Example.org", i)
		c.Profile.Phones.Mobile = fmt.Sprintf("+4670%07d", i)
		out = append(out, h.create(t, c)[0])
		h.clock.Advance(time.Hour)
	}
	return out
}

func listAll(t testing.TB, h *harness) {
	stored := listFixture(t, h)
	want := ids(stored)
	slices.Sort(want)
	first := ids(h.list(t, customer.Filter{}))
	if diff := cmp.Diff(want, first); diff != "" {
		t.Fatalf("List(zero filter) IDs differ from every stored ID in ID order (-want +got):\n%s", diff)
	}
	for range 3 {
		if diff := cmp.Diff(first, ids(h.list(t, customer.Filter{}))); diff != "" {
			t.Fatalf("List order changed between calls (-first +again):\n%s", diff)
		}
	}
}

func listFilters(t testing.TB, h *harness) {
	stored := listFixture(t, h)
	yes, no := true, false
	pick := func(idx ...int) []string {
		out := make([]string, len(idx))
		for i, n := range idx {
			out[i] = stored[n].ID
		}
		slices.Sort(out)
		return out
	}
	start, _ := time.Parse(time.RFC3339, suiteStartStr)
	for _, tc := range []struct {
		name string
		f    customer.Filter
		want []string
	}{
		{"kind company", customer.Filter{Kind: customer.KindCompany}, pick(0, 3, 6, 9)},
		{"kind person", customer.Filter{Kind: customer.KindPerson}, pick(1, 2, 4, 5, 7, 8, 10, 11)},
		{"credit allowed", customer.Filter{CreditAllowed: &yes}, pick(0, 2, 4, 6, 8, 10)},
		{"credit not allowed", customer.Filter{CreditAllowed: &no}, pick(1, 3, 5, 7, 9, 11)},
		{"updated from hour 3 (inclusive)", customer.Filter{UpdatedFrom: start.Add(3 * time.Hour)}, pick(3, 4, 5, 6, 7, 8, 9, 10, 11)},
		{"updated before hour 2 (exclusive)", customer.Filter{UpdatedTo: start.Add(2 * time.Hour)}, pick(0, 1)},
		{"updated between hours 2 and 5", customer.Filter{UpdatedFrom: start.Add(2 * time.Hour), UpdatedTo: start.Add(5 * time.Hour)}, pick(2, 3, 4)},
		{"group vip", customer.Filter{Group: "vip"}, pick(1, 5, 9)},
		{"group nobody is in", customer.Filter{Group: "none"}, pick()},
		{"list nordic", customer.Filter{Lists: []string{"nordic"}}, pick(9, 10, 11)},
		{"the default list", customer.Filter{Lists: []string{""}}, pick(0, 1, 2, 3, 4, 5, 6, 7, 8)},
		{"both lists", customer.Filter{Lists: []string{"", "nordic"}}, pick(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)},
		{"an empty list of lists", customer.Filter{Lists: []string{}}, pick()},
		{"search first name ignoring case", customer.Filter{Search: "FIRST7"}, pick(7)},
		{"search last name", customer.Filter{Search: "last1"}, pick(1, 10, 11)},
		{"search company name", customer.Filter{Search: "company 6"}, pick(6)},
		{"search e-mail ignoring case", customer.Filter{Search: "PERSON4@example"}, pick(4)},
		{"search number", customer.Filter{Search: "B00008"}, pick(8)},
		{"search phone", customer.Filter{Search: "+46700000005"}, pick(5)},
		{"blank search", customer.Filter{Search: "  "}, pick(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)},
		{"kind and credit", customer.Filter{Kind: customer.KindPerson, CreditAllowed: &yes}, pick(2, 4, 8, 10)},
		{"group and list", customer.Filter{Group: "vip", Lists: []string{""}}, pick(1, 5)},
		{"search and kind", customer.Filter{Search: "example.org", Kind: customer.KindCompany, UpdatedFrom: start.Add(time.Hour)}, pick(3, 6, 9)},
	} {
		got := ids(h.list(t, tc.f))
		if diff := cmp.Diff(tc.want, got, cmpEmptyIDs); diff != "" {
			t.Errorf("filter %s: IDs differ (-want +got):\n%s", tc.name, diff)
		}
	}
}

var cmpEmptyIDs = cmp.Transformer("nilToEmpty", func(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
})

func listWhileWriting(t testing.TB, h *harness) {
	const n = 600 // more than one page of any reasonable paging implementation
	batch := make([]customer.Op, n)
	for i := range batch {
		batch[i] = customer.Put(bare(i))
	}
	h.write(t, batch...)

	count := 0
	for _, err := range h.repo.List(h.ctx, customer.Filter{}) {
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		count++
		if count == 1 {
			break
		}
	}

	seen := make(map[string]bool)
	created := 0
	for c, err := range h.repo.List(h.ctx, customer.Filter{}) {
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if seen[c.ID] {
			t.Fatalf("List yielded customer %s twice while the store was written", c.ID)
		}
		seen[c.ID] = true
		upd := c.Clone()
		upd.Note = "touched while listing"
		ops := []customer.Op{customer.Put(upd)}
		if created < n {
			ops = append(ops, customer.Put(bare(n+created)))
			created++
		}
		if _, err := h.repo.Write(h.ctx, ops); err != nil {
			t.Fatalf("Write while listing: %v", err)
		}
		if len(seen) > 2*n {
			t.Fatalf("List yielded more customers than were ever stored")
		}
	}
	if len(seen) < n {
		t.Fatalf("List while writing yielded %d customers, want at least the %d stored before it began", len(seen), n)
	}
}

func listCancelled(t testing.TB, h *harness) {
	h.create(t, bare(1), bare(2))
	ctx, cancel := context.WithCancel(h.ctx)
	cancel()
	var gotErr error
	yielded := 0
	for c, err := range h.repo.List(ctx, customer.Filter{}) {
		if err != nil {
			gotErr = err
			break
		}
		if c != nil {
			yielded++
		}
	}
	wantErr(t, "List with a cancelled context", gotErr, context.Canceled)
	if yielded > 0 {
		t.Fatalf("List with a cancelled context yielded %d customers before the error", yielded)
	}
}

func nextNumber(t testing.TB, h *harness) {
	seen := make(map[string]bool)
	for range 5 {
		n, err := h.repo.NextNumber(h.ctx, "")
		if err != nil {
			t.Fatalf("NextNumber: %v", err)
		}
		if n == "" || seen[n] {
			t.Fatalf("NextNumber returned %q, which is empty or was returned before", n)
		}
		seen[n] = true
	}
	// Predict the next numbers by asking a second list, then occupy them.
	probe := make([]string, 3)
	for i := range probe {
		n, err := h.repo.NextNumber(h.ctx, "probe")
		if err != nil {
			t.Fatalf("NextNumber(probe): %v", err)
		}
		probe[i] = n
	}
	for i, n := range probe {
		c := bare(100 + i)
		c.List, c.Number = "taken", n
		h.create(t, c)
	}
	for range 3 {
		n, err := h.repo.NextNumber(h.ctx, "taken")
		if err != nil {
			t.Fatalf("NextNumber(taken): %v", err)
		}
		if slices.Contains(probe, n) {
			t.Fatalf("NextNumber(taken) returned %q, which a customer of that list holds", n)
		}
	}
}

func buyerNumbers(t testing.TB, h *harness) {
	b, ok := h.repo.(customer.BuyerNumbers)
	if !ok {
		t.Skip("the store does not implement customer.BuyerNumbers")
	}
	for _, n := range h.env.BuyerNumbers {
		if is, err := b.IsBuyerNumber(h.ctx, n); err != nil || !is {
			t.Fatalf("IsBuyerNumber(%q) = %v, %v; want true", n, is, err)
		}
	}
	if is, err := b.IsBuyerNumber(h.ctx, "C-1000"); err != nil || is {
		t.Fatalf("IsBuyerNumber(C-1000) = %v, %v; want false", is, err)
	}
}

func listsKnown(t testing.TB, h *harness) {
	l, ok := h.repo.(customer.Lists)
	if !ok {
		t.Skip("the store does not implement customer.Lists")
	}
	inB := bare(1)
	inB.List = "b-list"
	stored := h.create(t, inB, bare(2))
	h.write(t, customer.Delete(stored[0].ID, 0))
	failed := bare(3)
	failed.List = "failed-batch"
	if _, err := h.repo.Write(h.ctx, []customer.Op{customer.Put(failed), customer.Put(&customer.Customer{List: "failed-batch"})}); err == nil {
		t.Fatal("a batch with a customer of no kind was written")
	}
	minLength := int64(8)
	settings := customer.ListSettings{ID: "a-list", Description: "settings, no customers", MinPasswordLength: &minLength}
	if err := l.PutList(h.ctx, settings); err != nil {
		t.Fatalf("PutList: %v", err)
	}
	minLength = 9 // the store keeps its own copy
	got, err := l.Lists(h.ctx)
	if err != nil {
		t.Fatalf("Lists: %v", err)
	}
	eight := int64(8)
	want := []customer.ListSettings{{ID: ""}, {ID: "a-list", Description: "settings, no customers", MinPasswordLength: &eight}, {ID: "b-list"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Lists (-want +got):\n%s", diff)
	}
	replaced := customer.ListSettings{ID: "b-list", Description: "settings put later"}
	if err := l.PutList(h.ctx, replaced); err != nil {
		t.Fatalf("PutList: %v", err)
	}
	got, err = l.Lists(h.ctx)
	if err != nil || len(got) != 3 || !cmp.Equal(got[2], replaced) {
		t.Fatalf("after a second PutList: %+v, %v; want b-list's new settings", got, err)
	}
}

func concurrentUpdates(t testing.TB, h *harness) {
	id := h.create(t, bare(1))[0].ID
	const writers, increments = 8, 25
	var wg sync.WaitGroup
	var mu sync.Mutex
	conflicts := 0
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range increments {
				for attempt := 0; ; attempt++ {
					c, err := h.repo.Get(h.ctx, id)
					if err != nil {
						t.Errorf("writer %d: Get: %v", w, err)
						return
					}
					c.Attributes = customer.SetAttribute(c.Attributes, "counter", "", fmt.Sprint(counter(c)+1))
					runtime.Gosched() // let other writers read the same version
					_, err = h.repo.Write(h.ctx, []customer.Op{customer.Put(c)})
					if err == nil {
						break
					}
					if !errors.Is(err, customer.ErrConflict) {
						t.Errorf("writer %d: Write failed with %v, want success or ErrConflict", w, err)
						return
					}
					mu.Lock()
					conflicts++
					mu.Unlock()
					if attempt > 10000 {
						t.Errorf("writer %d: no progress after %d conflicts", w, attempt)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	got := h.get(t, id)
	if n := counter(got); n != writers*increments {
		t.Fatalf("after %d concurrent increments the counter is %d (%d conflicts seen): updates were lost", writers*increments, n, conflicts)
	}
	if got.Version != 1+writers*increments {
		t.Fatalf("after %d successful writes the version is %d, want %d", writers*increments, got.Version, 1+writers*increments)
	}
}

func counter(c *customer.Customer) int {
	v, _ := c.Attribute("counter", "")
	if len(v) == 0 {
		return 0
	}
	var n int
	fmt.Sscan(v[0], &n)
	return n
}

func concurrentCreates(t testing.TB, h *harness) {
	const creators = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, dups := 0, 0
	for i := range creators {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := bare(i)
			c.Credentials.Login = "same-login"
			_, err := h.repo.Write(h.ctx, []customer.Op{customer.Put(c)})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, customer.ErrDuplicate):
				dups++
			default:
				t.Errorf("creator %d: %v, want success or ErrDuplicate", i, err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || dups != creators-1 {
		t.Fatalf("%d concurrent creates of one login: %d succeeded and %d failed as duplicates; want 1 and %d", creators, wins, dups, creators-1)
	}
	if n := len(h.list(t, customer.Filter{Search: ""})); n != 1 {
		t.Fatalf("%d customers stored, want 1", n)
	}
}

// idOf returns c's ID, or "<nil>" for a nil customer, for messages.
func idOf(c *customer.Customer) string {
	if c == nil {
		return "<nil>"
	}
	return c.ID
}
