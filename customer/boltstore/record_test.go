package boltstore

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/repotest"
	"github.com/impexkit/impex/groups"
)

var update = flag.Bool("update", false, "rewrite the golden records in testdata")

// goldenCustomer is the customer testdata/customer.v1 holds: every field
// set, as a store keeps it.
func goldenCustomer() *customer.Customer {
	c := repotest.FullCustomer(1)
	c.ID, c.Version = "c0000000001", 3
	c.CreatedAt = time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	c.UpdatedAt = time.Date(2026, 2, 3, 4, 5, 6, 7, time.UTC)
	return c
}

// goldenGroup is the group testdata/group.v1 holds: a dynamic group with a
// rule and attributes.
func goldenGroup() *groups.Group {
	return &groups.Group{ID: "rich", Kind: groups.Dynamic, Name: "Rich", Description: "big spenders",
		Attributes: []customer.Attribute{{ID: "color", Lang: "en", Values: []string{"gold"}}},
		Rule: &groups.Rule{
			Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{
				{Path: "customer.activeData.orderValue", Operator: groups.IsGreaterThan, Value: groups.ValueInts(100)},
				{Path: "customer.profile.email", Operator: groups.Exists},
			}}},
			Excluded: []groups.ConditionGroup{{Mode: groups.MatchAny, Conditions: []groups.Condition{
				{Path: "customer.profile.lastName", Operator: groups.IsEqual, Value: groups.ValueStrings("Test")},
			}}},
		}}
}

// The records this version writes are pinned: the files in testdata were
// written by it, and must decode to the same values and encode to the same
// bytes. A change to the model that would drop stored data (a renamed or
// retyped field) fails here, and needs a new record version with a
// decoder for this one.
func TestRecordsOfThisVersionStillDecode(t *testing.T) {
	for _, tc := range []struct {
		file   string
		want   any
		encode func() ([]byte, error)
		decode func([]byte) (any, error)
	}{
		{"customer.v1", goldenCustomer(),
			func() ([]byte, error) { return encodeCustomer(goldenCustomer()) },
			func(b []byte) (any, error) { return decodeCustomer("c0000000001", b) }},
		{"group.v1", goldenGroup(),
			func() ([]byte, error) { return encodeGroup(goldenGroup()) },
			func(b []byte) (any, error) { return decodeGroup("rich", b) }},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", tc.file)
			enc, err := tc.encode()
			if err != nil {
				t.Fatal(err)
			}
			if *update {
				if err := os.WriteFile(path, enc, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			stored, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tc.decode(stored)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("the stored record decodes differently (-want +got):\n%s", diff)
			}
			if !bytes.Equal(enc, stored) {
				t.Errorf("this version encodes the record differently from the stored one:\n%s\n%s", enc, stored)
			}
		})
	}
}

// Text that JSON cannot keep as given is refused, not changed on the way.
func TestInvalidUTF8IsRefused(t *testing.T) {
	c := &customer.Customer{Kind: customer.KindPerson, Note: "a\xffb"}
	if _, err := encodeCustomer(c); !errors.Is(err, customer.ErrInvalid) {
		t.Fatalf("encode: %v, want customer.ErrInvalid", err)
	}
	c.Note = "a\uFFFDb \\ufffd" // the replacement character itself, and the escape as text
	data, err := encodeCustomer(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeCustomer("x", data)
	if err != nil || back.Note != c.Note {
		t.Fatalf("round trip: %q, %v", back.Note, err)
	}
	if _, err := decodeCustomer("x", []byte{9, '{', '}'}); err == nil {
		t.Fatal("a record of an unknown version decoded")
	}
}

// Compacting a record drops only what decodes to the same value: a *bool
// that is false, empty non-nil slices and structs, and zero values inside
// slices all come back as written.
func TestCompactRecordsReadBackTheSame(t *testing.T) {
	no := false
	cases := []*customer.Customer{
		goldenCustomer(),
		repotest.BenchCustomer(7),
		{Kind: customer.KindPerson},
		{Kind: customer.KindPerson, Profile: customer.Profile{EmailVerified: &no, Gender: customer.Gender{Code: 0, Valid: true}},
			Groups: []string{}, ActiveData: &customer.ActiveData{}, Identifiers: customer.Identifiers{Cards: []string{"", "C2", ""}, Custom: map[string]string{"x": ""}},
			Attributes: []customer.Attribute{{ID: "a", Values: []string{"", "0", "null"}}}, Note: `0 "" null \"`},
	}
	for i, c := range cases {
		data, err := encodeCustomer(c)
		if err != nil {
			t.Fatal(err)
		}
		back, err := decodeCustomer("x", data)
		if err != nil {
			t.Fatalf("case %d: %v\n%s", i, err, data)
		}
		if diff := cmp.Diff(c, back); diff != "" {
			t.Errorf("case %d reads back differently (-written +read):\n%s\n%s", i, diff, data)
		}
	}
}
