package pgstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/pgstore"
	"github.com/impexkit/impex/groups"
)

func TestMigrateIsIdempotent(t *testing.T) {
	s := newStore(t, pgstore.Options{})
	ctx := context.Background()
	for range 2 {
		if err := s.Migrate(ctx); err != nil {
			t.Fatalf("Migrate again: %v", err)
		}
	}
	var version int
	if err := s.Pool().QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version != pgstore.SchemaVersion {
		t.Fatalf("schema_version is %d, want %d", version, pgstore.SchemaVersion)
	}
	n := 0
	for _, err := range s.Groups(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != len(groups.SystemGroups()) {
		t.Fatalf("after three migrations the store holds %d groups, want the %d system groups", n, len(groups.SystemGroups()))
	}
}

func TestTextJSONCannotKeepIsRefusedAsInvalid(t *testing.T) {
	s := newStore(t, pgstore.Options{})
	ctx := context.Background()
	for name, edit := range map[string]func(c *customer.Customer){
		"invalid UTF-8":          func(c *customer.Customer) { c.Note = "caf\xe9" },
		"a NUL character":        func(c *customer.Customer) { c.Profile.FirstName = "a\x00b" },
		"a NaN in active data":   func(c *customer.Customer) { c.ActiveData = &customer.ActiveData{OrderValue: nan()} },
		"invalid UTF-8 in a key": func(c *customer.Customer) { c.Identifiers.Cards = []string{"\xff"} },
	} {
		c := &customer.Customer{Kind: customer.KindPerson}
		edit(c)
		_, err := s.Write(ctx, []customer.Op{customer.Put(c)})
		var be *customer.BatchError
		if !errors.Is(err, customer.ErrInvalid) || !errors.As(err, &be) {
			t.Errorf("a customer with %s: got %v, want a *BatchError wrapping ErrInvalid", name, err)
		}
	}
	// Lookups of text PostgreSQL cannot hold find nothing, without an error
	// from the database.
	if _, err := s.Get(ctx, "\xff"); !errors.Is(err, customer.ErrNotFound) {
		t.Errorf("Get of an invalid ID: %v, want ErrNotFound", err)
	}
	if _, err := s.ByIdentifier(ctx, customer.Identifier{Type: customer.IdentCard, Value: "a\x00"}); !errors.Is(err, customer.ErrNotFound) {
		t.Errorf("ByIdentifier of a card with NUL: %v, want ErrNotFound", err)
	}
	for _, err := range s.List(ctx, customer.Filter{Group: "\xff", Search: "\xfe"}) {
		if err != nil {
			t.Errorf("List with invalid text: %v", err)
		}
	}
	// A valid U+FFFD and text that merely looks like an escape are kept.
	c := &customer.Customer{Kind: customer.KindPerson, Note: "\uFFFD and \\u0000 and \\\\ufffd"}
	w, err := s.Write(ctx, []customer.Op{customer.Put(c)})
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	got, err := s.Get(ctx, w[0].ID)
	if err != nil || got.Note != c.Note {
		t.Fatalf("Get = %q, %v; want note %q", got.Note, err, c.Note)
	}
}

func nan() float64 {
	zero := 0.0
	return zero / zero
}

func TestTimesKeepNanosecondsAndFilterExactly(t *testing.T) {
	base := time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.UTC)
	now := base
	s := newStore(t, pgstore.Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	var ids []string
	for i := range 3 {
		now = base.Add(time.Duration(i)) // one nanosecond apart
		w, err := s.Write(ctx, []customer.Op{customer.Put(&customer.Customer{Kind: customer.KindPerson})})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, w[0].ID)
	}
	got, err := s.Get(ctx, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if !got.UpdatedAt.Equal(base.Add(1)) || !got.CreatedAt.Equal(base.Add(1)) {
		t.Fatalf("times came back as %v / %v, want %v", got.CreatedAt, got.UpdatedAt, base.Add(1))
	}
	var listed []string
	for c, err := range s.List(ctx, customer.Filter{UpdatedFrom: base.Add(1), UpdatedTo: base.Add(2)}) {
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, c.ID)
	}
	if diff := cmp.Diff([]string{ids[1]}, listed); diff != "" {
		t.Fatalf("a one-nanosecond window selects (-want +got):\n%s", diff)
	}
	// An update keeps CreatedAt to the nanosecond.
	now = base.Add(time.Hour)
	if _, err := s.Write(ctx, []customer.Op{customer.Put(got)}); err != nil {
		t.Fatal(err)
	}
	again, _ := s.Get(ctx, ids[1])
	if !again.CreatedAt.Equal(base.Add(1)) || !again.UpdatedAt.Equal(now) {
		t.Fatalf("after an update: created %v updated %v; want %v and %v", again.CreatedAt, again.UpdatedAt, base.Add(1), now)
	}
}

func TestSearchMatchesOneFieldAtATime(t *testing.T) {
	s := newStore(t, pgstore.Options{})
	ctx := context.Background()
	a := &customer.Customer{Kind: customer.KindPerson, Profile: customer.Profile{FirstName: "Anna", LastName: "Berg"}}
	b := &customer.Customer{Kind: customer.KindPerson, Profile: customer.Profile{FirstName: "x\x1fy", LastName: "50%_off"}}
	w, err := s.Write(ctx, []customer.Op{customer.Put(a), customer.Put(b)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		search string
		want   []string
	}{
		{"ANNA", []string{w[0].ID}},
		{"anna\x1fberg", nil}, // spans two fields
		{"x\x1fy", []string{w[1].ID}},
		{"%_", []string{w[1].ID}}, // LIKE wildcards are plain text
		{"%", []string{w[1].ID}},
		{"a_b", nil},
	} {
		var got []string
		for c, err := range s.List(ctx, customer.Filter{Search: tc.search}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, c.ID)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("search %q (-want +got):\n%s", tc.search, diff)
		}
	}
}

func TestTwoStoresShareOneSchema(t *testing.T) {
	first := newStore(t, pgstore.Options{})
	second := pgstore.New(first.Pool(), pgstore.Options{})
	ctx := context.Background()
	if err := second.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	c := &customer.Customer{Kind: customer.KindPerson, Number: "42", Credentials: customer.Credentials{Login: "anna"}}
	if _, err := first.Write(ctx, []customer.Op{customer.Put(c)}); err != nil {
		t.Fatal(err)
	}
	dup := &customer.Customer{Kind: customer.KindPerson, Number: "43", Credentials: customer.Credentials{Login: "anna"}}
	_, err := second.Write(ctx, []customer.Op{customer.Put(dup)})
	var de *customer.DuplicateError
	if !errors.As(err, &de) || de.Key != customer.KeyLogin || de.Holder == "" {
		t.Fatalf("second store writing a taken login: %v; want a DuplicateError naming the holder", err)
	}
	n, err := second.NextNumber(ctx, "")
	if err != nil || n != "1" {
		t.Fatalf("NextNumber = %q, %v", n, err)
	}
	n, err = first.NextNumber(ctx, "")
	if err != nil || n != "2" {
		t.Fatalf("NextNumber from the other store = %q, %v; want the shared sequence's next number", n, err)
	}
}

func TestMigrationTwoDropsTheKeysOfEmptyCardSlots(t *testing.T) {
	s := newStore(t, pgstore.Options{})
	ctx := context.Background()
	w, err := s.Write(ctx, []customer.Op{customer.Put(&customer.Customer{Kind: customer.KindPerson,
		Identifiers: customer.Identifiers{Cards: []string{"", "C-1"}}})})
	if err != nil {
		t.Fatal(err)
	}
	// The row a version 1 store wrote for the empty slot.
	if _, err := s.Pool().Exec(ctx, `INSERT INTO customer_keys (key, list, value, customer_id, uniq) VALUES ('customerCard', '', '', $1, true)`, w[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `UPDATE schema_version SET version = 1`); err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ByIdentifier(ctx, customer.Identifier{Type: customer.IdentCard, Value: ""}); !errors.Is(err, customer.ErrNotFound) {
		t.Fatalf("ByIdentifier of an empty card after the migration: %v, want ErrNotFound", err)
	}
	if c, err := s.ByIdentifier(ctx, customer.Identifier{Type: customer.IdentCard, Value: "C-1"}); err != nil || c.ID != w[0].ID {
		t.Fatalf("ByIdentifier of the card after the migration: %v, %v; want %s", c, err, w[0].ID)
	}
}
