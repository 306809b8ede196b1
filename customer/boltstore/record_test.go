package boltstore

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/repotest"
	"github.com/impexkit/impex/groups"
)

// encodeCustomer returns the record of c as the store writes it.
func encodeCustomer(c *customer.Customer) ([]byte, error) { return appendCustomerRecord(nil, c) }

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

// recordCases are customers whose records exercise every rule of the
// encoding: every field, zero values kept and left out, escapes, numbers
// in both forms, times with offsets.
func recordCases() []*customer.Customer {
	no := false
	helsinki := time.FixedZone("", 2*3600)
	return []*customer.Customer{
		goldenCustomer(),
		repotest.BenchCustomer(7),
		{},
		{Kind: customer.KindPerson, Profile: customer.Profile{EmailVerified: &no, Gender: customer.Gender{Code: -3, Valid: true}},
			Groups: []string{}, Addresses: []customer.Address{}, ActiveData: &customer.ActiveData{ReturnValue: math.Copysign(0, -1)},
			Credentials: customer.Credentials{ExternalProfiles: []customer.ExternalProfile{{}}},
			Identifiers: customer.Identifiers{Cards: []string{"", "C2", ""}, Custom: map[string]string{"b": "", "a": "<&>", "": "x"}},
			Attributes:  []customer.Attribute{{ID: "a", Values: []string{"", "0", "null"}}, {Values: []string{}}}},
		{Note: "\x00\x01\b\f\n\r\t\x1f\x7f \"\\ <a href='x'>&amp; \u2028\u2029 \uFFFD ä 𝄞",
			Profile: customer.Profile{Birthday: time.Date(1999, 12, 31, 23, 59, 59, 999999999, helsinki),
				CreationDate: time.Date(1, 1, 1, 0, 0, 0, 0, helsinki), LastLoginTime: time.Date(9999, 1, 1, 0, 0, 0, 1, time.UTC)},
			ActiveData: &customer.ActiveData{ReturnValue: 1e21, OrderValue: 1e-7, OrderValueMonth: 123456789.125, AvgOrderValue: -0.000001,
				GiftUnits: 5e-324, DiscountValueWithCoupon: math.MaxFloat64, VisitsWeek: math.MinInt64, Orders: math.MaxInt64}},
	}
}

// The customer record written field by field is byte for byte the one
// the general path (encoding/json, then compact) writes, so that one
// decoder reads both and the golden file pins both.
func TestCustomerEncodingMatchesReference(t *testing.T) {
	for i, c := range recordCases() {
		checkAgainstReference(t, fmt.Sprintf("case %d", i), c)
	}
	bad := []*customer.Customer{
		{Note: "a\xffb"},
		{Identifiers: customer.Identifiers{Custom: map[string]string{"\xff": ""}}},
		{ActiveData: &customer.ActiveData{OrderValue: math.NaN()}},
		{ActiveData: &customer.ActiveData{GiftUnits: math.Inf(-1)}},
		{Profile: customer.Profile{Birthday: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
	}
	for i, c := range bad {
		if _, err := encodeCustomer(c); !errors.Is(err, customer.ErrInvalid) {
			t.Errorf("bad case %d: %v, want customer.ErrInvalid", i, err)
		}
		if _, err := encode(envelope{Customer: c}, customer.ErrInvalid); err == nil {
			t.Errorf("bad case %d: the general path takes it", i)
		}
	}
}

// checkAgainstReference fails unless c's record is the general path's,
// or both refuse c, and the record reads back as c.
func checkAgainstReference(t *testing.T, name string, c *customer.Customer) {
	t.Helper()
	got, err := encodeCustomer(c)
	want, refErr := encode(envelope{Customer: c}, customer.ErrInvalid)
	if (err == nil) != (refErr == nil) {
		t.Fatalf("%s: error %v, the general path's %v", name, err, refErr)
	}
	if err != nil {
		if !errors.Is(err, customer.ErrInvalid) {
			t.Fatalf("%s: %v, want customer.ErrInvalid", name, err)
		}
		return
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: the record differs from the general path's:\n%s\n%s", name, got, want)
	}
	back, err := decodeCustomer("x", got)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if diff := cmp.Diff(c, back, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("%s reads back differently (-written +read):\n%s", name, diff)
	}
}

// FuzzCustomerRecord writes customers built from the fuzzer's text and
// numbers and compares each record with the general path's; the text is
// also read as a stored record, which must fail cleanly or decode.
func FuzzCustomerRecord(f *testing.F) {
	for _, c := range recordCases() {
		data, err := encodeCustomer(c)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data), c.Note, 1.5, int64(7), int64(0), 0)
	}
	f.Add("\xff", "a\u2028", math.Inf(1), int64(-1), int64(253402300800), 3599)
	f.Fuzz(func(t *testing.T, text, note string, x float64, n, sec int64, offset int) {
		if c, err := decodeCustomer("x", []byte(text)); err == nil && c != nil {
			if _, err := encodeCustomer(c); err != nil && !errors.Is(err, customer.ErrInvalid) {
				t.Fatalf("a decoded record cannot be written: %v", err)
			}
		}
		// Offsets are whole minutes: RFC 3339 has no seconds in an offset,
		// and both paths write a time with them at another instant.
		at := time.Unix(sec, n).In(time.FixedZone("", offset%1440*60))
		c := &customer.Customer{Version: n, Note: note, List: text, Profile: customer.Profile{Birthday: at, Email: note},
			Identifiers: customer.Identifiers{Cards: []string{text, ""}, Custom: map[string]string{note: text}},
			ActiveData:  &customer.ActiveData{OrderValue: x, Orders: int(n), LastOrderDate: at}}
		checkAgainstReference(t, "fuzz", c)
	})
}
