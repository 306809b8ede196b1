package pgstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

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
		"invalid UTF-8":           func(c *customer.Customer) { c.Note = "caf\xe9" },
		"a NUL character":         func(c *customer.Customer) { c.Profile.FirstName = "a\x00b" },
		"a NaN in active data":    func(c *customer.Customer) { c.ActiveData = &customer.ActiveData{OrderValue: nan()} },
		"invalid UTF-8 in a key":  func(c *customer.Customer) { c.Identifiers.Cards = []string{"\xff"} },
		"invalid UTF-8 in the ID": func(c *customer.Customer) { c.ID = "\xff" },
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

// TestStoresSharingOneSchemaNeverGiveOneIDTwice creates customers by turns
// through two stores of one schema, each of which keeps spare numbers of
// the ID sequence between batches, and one whose explicit ID is the next a
// store would give: every generated ID is new, and a store gives its own
// in ascending order.
func TestStoresSharingOneSchemaNeverGiveOneIDTwice(t *testing.T) {
	first := newStore(t, pgstore.Options{})
	second := pgstore.New(first.Pool(), pgstore.Options{})
	ctx := context.Background()
	// The ID the first store gives next once it has given c0000000001.
	if _, err := second.Write(ctx, []customer.Op{customer.Put(&customer.Customer{ID: "c0000000002", Kind: customer.KindPerson})}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{"c0000000002": true}
	last := map[*pgstore.Store]string{}
	for i := range 12 {
		s, n := first, 1+i%3
		if i%2 == 1 {
			s = second
		}
		ops := make([]customer.Op, n)
		for j := range ops {
			ops[j] = customer.Put(&customer.Customer{Kind: customer.KindPerson})
		}
		ws, err := s.Write(ctx, ops)
		if err != nil {
			t.Fatalf("batch %d: %v", i, err)
		}
		for _, w := range ws {
			if seen[w.ID] {
				t.Fatalf("batch %d gave %s, given before", i, w.ID)
			}
			if w.ID <= last[s] {
				t.Errorf("batch %d gave %s after %s from the same store", i, w.ID, last[s])
			}
			seen[w.ID], last[s] = true, w.ID
		}
	}
}

// insertAsVersion2 stores c as schema versions 1 and 2 did: its row,
// without the keys column of version 3, and a row of customer_keys for each
// of keys.
func insertAsVersion2(t *testing.T, s *pgstore.Store, c *customer.Customer, keys []customer.IndexKey) {
	t.Helper()
	ctx := context.Background()
	data, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pool().Exec(ctx, `
INSERT INTO customers (id, version, list, kind, credit_allowed, created_at, created_nsec, updated_at, updated_nsec, groups, search, data)
VALUES ($1, $2, $3, $4, false, $5, 0, $5, 0, '{}', '', $6::text::json)`,
		c.ID, c.Version, c.List, int16(c.Kind), c.UpdatedAt, string(data)); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if _, err := s.Pool().Exec(ctx, `INSERT INTO customer_keys (key, list, value, customer_id, uniq) VALUES ($1, $2, $3, $4, $5)`,
			string(k.Key), k.List, k.Value, c.ID, k.Unique); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMigrationTwoDropsTheKeysOfEmptyCardSlots(t *testing.T) {
	s := newStoreAt(t, 1)
	ctx := context.Background()
	c := &customer.Customer{ID: "c1", Version: 1, Kind: customer.KindPerson,
		Identifiers: customer.Identifiers{Cards: []string{"", "C-1"}}}
	// Version 1 wrote a row for the empty slot too.
	keys := append([]customer.IndexKey{{Key: customer.Key(customer.IdentCard), Value: "", Unique: true}}, customer.Constraints{}.Keys(c)...)
	insertAsVersion2(t, s, c, keys)
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ByIdentifier(ctx, customer.Identifier{Type: customer.IdentCard, Value: ""}); !errors.Is(err, customer.ErrNotFound) {
		t.Fatalf("ByIdentifier of an empty card after the migration: %v, want ErrNotFound", err)
	}
	if c, err := s.ByIdentifier(ctx, customer.Identifier{Type: customer.IdentCard, Value: "C-1"}); err != nil || c.ID != "c1" {
		t.Fatalf("ByIdentifier of the card after the migration: %v, %v; want c1", c, err)
	}
}

// TestMigrationThreeKeepsEveryKey fills a version 2 schema as version 2
// did and migrates it to the latest version: every customer's row lists its
// keys, every lookup finds what it found, writes free and take keys as
// before, and the indexes are the ones versions 3 and 5 keep. Versions 5
// and 6 hash the stored keys in SQL, and the lookups hash them in Go.
func TestMigrationThreeKeepsEveryKey(t *testing.T) {
	s := newStoreAt(t, 2)
	ctx := context.Background()
	cs := []*customer.Customer{
		{ID: "c1", Version: 1, Kind: customer.KindPerson, Number: "1", Credentials: customer.Credentials{Login: "ann"},
			Profile: customer.Profile{Email: "Shared@example.com"}, Identifiers: customer.Identifiers{Cards: []string{"K-1", "K-2"}}},
		{ID: "c2", Version: 1, Kind: customer.KindPerson, Number: "2", Profile: customer.Profile{Email: "shared@example.com"},
			Identifiers: customer.Identifiers{Custom: map[string]string{"loyalty": "L-2"}}},
		{ID: "c3", Version: 1, Kind: customer.KindCompany},
	}
	for _, c := range cs {
		insertAsVersion2(t, s, c, customer.Constraints{}.Keys(c))
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	wantKeys := map[string][]string{
		"c1": {"customerCard", "", "K-1", "t", "customerCard", "", "K-2", "t", "email", "", "shared@example.com", "f",
			"login", "", "ann", "t", "number", "", "1", "t"},
		"c2": {"email", "", "shared@example.com", "f", "loyalty", "", "L-2", "f", "number", "", "2", "t"},
		"c3": {},
	}
	// Version 6 keeps each key as its hash and a byte that is 1 for a
	// unique key, in the order version 3 listed them.
	wantRefs := map[string][]byte{}
	for id, texts := range wantKeys {
		refs := []byte{}
		for i := 0; i < len(texts); i += 4 {
			h := pgstore.KeyHash(customer.IndexKey{Key: customer.Key(texts[i]), List: texts[i+1], Value: texts[i+2]})
			refs = append(append(refs, h[:]...), map[string]byte{"t": 1, "f": 0}[texts[i+3]])
		}
		wantRefs[id] = refs
	}
	gotRefs := map[string][]byte{}
	rows, _ := s.Pool().Query(ctx, `SELECT id, keys FROM customers`)
	var id string
	var keys []byte
	if _, err := pgx.ForEachRow(rows, []any{&id, &keys}, func() error { gotRefs[id] = keys; return nil }); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantRefs, gotRefs); diff != "" {
		t.Errorf("customers.keys after the migration (-want +got):\n%s", diff)
	}

	rows, _ = s.Pool().Query(ctx, `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('customers', 'customer_keys') ORDER BY indexname`)
	if indexes, err := pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		t.Fatal(err)
	} else if diff := cmp.Diff([]string{"customer_keys_hash_idx", "customers_groups_idx", "customers_list_idx", "customers_pkey", "customers_updated_idx"}, indexes); diff != "" {
		t.Errorf("indexes after the migration (-want +got):\n%s", diff)
	}

	found := func(what string, c *customer.Customer, err error, want string) {
		t.Helper()
		if err != nil || c.ID != want {
			t.Errorf("%s: %v, %v; want %s", what, c, err, want)
		}
	}
	c, err := s.ByNumber(ctx, "", "2")
	found("ByNumber 2", c, err, "c2")
	c, err = s.ByLogin(ctx, "", "ann")
	found("ByLogin ann", c, err, "c1")
	c, err = s.ByIdentifier(ctx, customer.Identifier{Type: customer.IdentCard, Value: "K-2"})
	found("ByIdentifier K-2", c, err, "c1")
	c, err = s.ByIdentifier(ctx, customer.Identifier{Type: "loyalty", Value: "L-2"})
	found("ByIdentifier L-2", c, err, "c2")
	if _, err := s.ByEmail(ctx, "", "SHARED@example.com"); !errors.Is(err, customer.ErrAmbiguous) {
		t.Errorf("ByEmail of the shared address: %v; want ErrAmbiguous", err)
	}

	// c1 gives up K-1, which a new customer takes; K-2 stays c1's; c2 goes
	// with its keys.
	c1, _ := s.Get(ctx, "c1")
	c1.Identifiers.Cards = []string{"K-2"}
	_, err = s.Write(ctx, []customer.Op{
		customer.Put(c1),
		customer.Put(&customer.Customer{ID: "c4", Kind: customer.KindPerson, Identifiers: customer.Identifiers{Cards: []string{"K-1"}}}),
		customer.Delete("c2", 1),
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err = s.ByIdentifier(ctx, customer.Identifier{Type: customer.IdentCard, Value: "K-1"})
	found("ByIdentifier K-1 after the write", c, err, "c4")
	c, err = s.ByEmail(ctx, "", "shared@example.com")
	found("ByEmail after the write", c, err, "c1")
	if _, err := s.ByIdentifier(ctx, customer.Identifier{Type: "loyalty", Value: "L-2"}); !errors.Is(err, customer.ErrNotFound) {
		t.Errorf("ByIdentifier of the deleted customer's identifier: %v; want ErrNotFound", err)
	}
	_, err = s.Write(ctx, []customer.Op{customer.Put(&customer.Customer{Kind: customer.KindPerson, Identifiers: customer.Identifiers{Cards: []string{"K-2"}}})})
	var de *customer.DuplicateError
	if !errors.As(err, &de) || de.Holder != "c1" {
		t.Errorf("a new customer with c1's card: %v; want a DuplicateError naming c1", err)
	}
	var left int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*) FROM customer_keys WHERE customer_id = 'c2'`).Scan(&left); err != nil || left != 0 {
		t.Errorf("the deleted customer keeps %d key rows (%v); want none", left, err)
	}
}

// The time columns, which pgstore sends in COPY's binary form, hold the
// clock's time to the nanosecond on either side of the epochs the binary
// form counts from (1970 in Go, 2000 in PostgreSQL), and filter by it.
// TestKeyHashAgreesWithSQL compares the hash Go writes and looks up with
// the one the migration to version 5 computed in SQL for the keys stored
// before it.
func TestKeyHashAgreesWithSQL(t *testing.T) {
	s := newStore(t, pgstore.Options{})
	ctx := context.Background()
	for _, k := range []customer.IndexKey{
		{Key: customer.KeyNumber, List: "", Value: "1"},
		{Key: customer.KeyEmail, List: "nordic", Value: "åsa.öberg@example.com"},
		{Key: customer.Key(customer.IdentCard), Value: "K-1 \t 'quoted' \u00e9"},
		{Key: "loyalty", List: "", Value: ""},
		{Key: customer.KeyLogin, List: "a\x01b", Value: "日本語のログイン"},
	} {
		var sql [16]byte
		if err := s.Pool().QueryRow(ctx, `SELECT customer_key_hash($1, $2, $3)`, string(k.Key), k.List, k.Value).Scan(&sql); err != nil {
			t.Fatal(err)
		}
		if got := pgstore.KeyHash(k); got != sql {
			t.Errorf("KeyHash(%+v) = %x; SQL's customer_key_hash = %x", k, got, sql)
		}
	}
	// The separators keep the parts apart.
	if pgstore.KeyHash(customer.IndexKey{Key: "ab", Value: "c"}) == pgstore.KeyHash(customer.IndexKey{Key: "a", List: "b", Value: "c"}) {
		t.Error("keys that differ only in where their texts are split hash alike")
	}
}

func TestTimeColumnsHoldTheClocksTimeAcrossEpochs(t *testing.T) {
	for _, at := range []time.Time{
		time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 1, time.UTC),
		time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1900, 2, 28, 12, 0, 0, 500, time.FixedZone("", -5*3600)),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		// The first year, and the year before it, the last a record's JSON
		// holds: PostgreSQL has no year 0 and counts it 1 BC, as Go does.
		time.Date(1, 1, 1, 0, 0, 0, 1000, time.UTC),
		time.Date(0, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(0, 1, 1, 0, 0, 0, 0, time.FixedZone("", 3600)),
	} {
		s := newStore(t, pgstore.Options{Now: func() time.Time { return at }})
		ctx := context.Background()
		w, err := s.Write(ctx, []customer.Op{customer.Put(&customer.Customer{Kind: customer.KindPerson})})
		if err != nil {
			t.Fatalf("%v: %v", at, err)
		}
		var col time.Time
		var nsec int32
		if err := s.Pool().QueryRow(ctx, `SELECT updated_at, updated_nsec FROM customers WHERE id = $1`, w[0].ID).Scan(&col, &nsec); err != nil {
			t.Fatal(err)
		}
		if got := col.Add(time.Duration(nsec)); !got.Equal(at) {
			t.Errorf("the columns hold %v for %v", got, at)
		}
		n := 0
		for _, err := range s.List(ctx, customer.Filter{UpdatedFrom: at, UpdatedTo: at.Add(1)}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != 1 {
			t.Errorf("a one-nanosecond window at %v selects %d customers", at, n)
		}
	}
}
