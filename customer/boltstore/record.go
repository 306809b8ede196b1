package boltstore

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

// A record is the JSON of an envelope: the format version, then the
// customer or group as the domain type's JSON. The golden test in
// record_test.go decodes records written by this version, so a change to
// the domain types that would drop stored data (a renamed or retyped
// field) fails it, and must come with a new format and a decoder for this
// one.
type envelope struct {
	Format   int                `json:"format"`
	Customer *customer.Customer `json:"customer,omitempty"`
	Group    *groups.Group      `json:"group,omitempty"`
}

// formatV1 is the format this version writes.
const formatV1 = 1

// encode returns the stored form of e. Text JSON cannot keep as given,
// invalid UTF-8, is refused with an error wrapping invalid, since it would
// not read back as written.
func encode(e envelope, invalid error) ([]byte, error) {
	e.Format = formatV1
	data, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("%w: the record cannot be stored: %v", invalid, err)
	}
	if replacedInvalidUTF8(data) {
		return nil, fmt.Errorf("%w: text is not valid UTF-8", invalid)
	}
	return data, nil
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

// decode reads a record.
func decode(what string, data []byte) (envelope, error) {
	var e envelope
	if err := json.Unmarshal(data, &e); err != nil {
		return e, fmt.Errorf("boltstore: %s: decoding the stored record: %w", what, err)
	}
	if e.Format != formatV1 {
		return e, fmt.Errorf("boltstore: %s: a record of format %d; is the file from a newer version?", what, e.Format)
	}
	return e, nil
}

func encodeCustomer(c *customer.Customer) ([]byte, error) {
	return encode(envelope{Customer: c}, customer.ErrInvalid)
}

func decodeCustomer(id string, data []byte) (*customer.Customer, error) {
	e, err := decode("customer "+id, data)
	if err == nil && e.Customer == nil {
		err = fmt.Errorf("boltstore: customer %s: the record holds no customer", id)
	}
	return e.Customer, err
}

func encodeGroup(g *groups.Group) ([]byte, error) {
	return encode(envelope{Group: g}, groups.ErrInvalid)
}

func decodeGroup(id string, data []byte) (*groups.Group, error) {
	e, err := decode("group "+id, data)
	if err == nil && e.Group == nil {
		err = fmt.Errorf("boltstore: group %s: the record holds no group", id)
	}
	return e.Group, err
}
