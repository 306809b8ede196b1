package boltstore

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

// recordV1 is the first byte of every record this version writes: the
// record is the JSON of the domain type after it. The golden test in
// record_test.go decodes records written by this version, so a change to
// the domain types that would drop stored data (a renamed field) fails it,
// and must come with a new version and a decoder for the old one.
const recordV1 byte = 1

// encode returns the stored form of v: the version byte and v's JSON. Text
// JSON cannot keep as given, invalid UTF-8, is refused with an error
// wrapping invalid, since it would not read back as written.
func encode(v any, invalid error) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%w: the record cannot be stored: %v", invalid, err)
	}
	if replacedInvalidUTF8(data) {
		return nil, fmt.Errorf("%w: text is not valid UTF-8", invalid)
	}
	return append([]byte{recordV1}, data...), nil
}

// replacedInvalidUTF8 reports whether encoding/json wrote the escape
// \ufffd, which it does for bytes that are not UTF-8 (a real U+FFFD is
// written as itself).
func replacedInvalidUTF8(b []byte) bool {
	for i := bytes.Index(b, []byte(`\ufffd`)); i >= 0; {
		backslashes := 0
		for j := i - 1; j >= 0 && b[j] == '\\'; j-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return true // the backslash is an escape, not an escaped backslash
		}
		next := bytes.Index(b[i+1:], []byte(`\ufffd`))
		if next < 0 {
			return false
		}
		i += 1 + next
	}
	return false
}

// decode reads a record into v.
func decode(what string, data []byte, v any) error {
	if len(data) == 0 || data[0] != recordV1 {
		return fmt.Errorf("boltstore: %s: a record of an unknown format (%d); is the file from a newer version?", what, firstByte(data))
	}
	if err := json.Unmarshal(data[1:], v); err != nil {
		return fmt.Errorf("boltstore: %s: decoding the stored record: %w", what, err)
	}
	return nil
}

func firstByte(b []byte) int {
	if len(b) == 0 {
		return -1
	}
	return int(b[0])
}

func encodeCustomer(c *customer.Customer) ([]byte, error) { return encode(c, customer.ErrInvalid) }

func decodeCustomer(id string, data []byte) (*customer.Customer, error) {
	c := new(customer.Customer)
	if err := decode("customer "+id, data, c); err != nil {
		return nil, err
	}
	return c, nil
}

func encodeGroup(g *groups.Group) ([]byte, error) { return encode(g, groups.ErrInvalid) }

func decodeGroup(id string, data []byte) (*groups.Group, error) {
	g := new(groups.Group)
	if err := decode("group "+id, data, g); err != nil {
		return nil, err
	}
	return g, nil
}
