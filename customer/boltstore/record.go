package boltstore

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/internal/custjson"
	"github.com/impexkit/impex/internal/jsontext"
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
	if _, invalidUTF8 := jsontext.Escapes(data); invalidUTF8 {
		return nil, fmt.Errorf("%w: text is not valid UTF-8", invalid)
	}
	return compact(data), nil
}

// appendCustomerRecord appends the record of c, its envelope around the
// customer's JSON as custjson writes it: exactly the bytes encode writes
// for envelope{Customer: c} (TestCustomerEncodingMatchesReference), about
// ten times faster, since every write of a batch encodes a record.
func appendCustomerRecord(b []byte, c *customer.Customer) ([]byte, error) {
	b, err := custjson.Append(append(b, `{"format":1,"customer":`...), c)
	return append(b, '}'), err
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

// compact drops from JSON written by encoding/json the struct fields
// whose value is their zero: "", 0, null and the zero time. Decoding
// leaves those fields zero anyway, so the record reads back the same, in
// about half the bytes for a typical customer. false, [] and {} stay: a
// *bool that is false and an empty slice or struct that is not nil differ
// from the zero value. Maps are data, not fields, and are copied as they
// are (mapFields).
func compact(in []byte) []byte {
	out, _ := compactValue(make([]byte, 0, len(in)), in)
	return out
}

// mapFields are the names of the fields of an envelope's types that hold
// maps, such as Identifiers.Custom, found from the types themselves so
// that a map added to the model is never compacted. An object under such
// a name is copied as it is; a struct field of the same name elsewhere
// is then merely left uncompacted.
var mapFields = func() map[string]bool {
	names := map[string]bool{}
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type, name string)
	walk = func(t reflect.Type, name string) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			t = t.Elem()
		}
		switch {
		case t.Kind() == reflect.Map:
			names[name] = true
		case t.Kind() == reflect.Struct && !seen[t]:
			seen[t] = true
			for i := range t.NumField() {
				if f := t.Field(i); f.IsExported() {
					walk(f.Type, f.Name)
				}
			}
		}
	}
	walk(reflect.TypeFor[envelope](), "")
	return names
}()

// compactValue copies the value at the start of in to out, compacted, and
// returns the rest of in.
func compactValue(out, in []byte) ([]byte, []byte) {
	switch in[0] {
	case '{':
		out = append(out, '{')
		in = in[1:]
		first := true
		for in[0] != '}' {
			k := stringEnd(in)
			key := in[:k]
			in = in[k+1:] // the colon
			n := zeroValue(in)
			if n > 0 {
				in = in[n:]
			} else {
				if !first {
					out = append(out, ',')
				}
				first = false
				out = append(append(out, key...), ':')
				if in[0] == '{' && mapFields[string(key[1:len(key)-1])] {
					n = valueEnd(in)
					out, in = append(out, in[:n]...), in[n:]
				} else {
					out, in = compactValue(out, in)
				}
			}
			if in[0] == ',' {
				in = in[1:]
			}
		}
		return append(out, '}'), in[1:]
	case '[':
		out = append(out, '[')
		in = in[1:]
		for in[0] != ']' {
			out, in = compactValue(out, in)
			if in[0] == ',' {
				out = append(out, ',')
				in = in[1:]
			}
		}
		return append(out, ']'), in[1:]
	}
	n := valueEnd(in)
	return append(out, in[:n]...), in[n:]
}

// valueEnd returns the length of the JSON value at the start of in.
func valueEnd(in []byte) int {
	switch in[0] {
	case '"':
		return stringEnd(in)
	case '{', '[':
		depth := 0
		for i := 0; i < len(in); i++ {
			switch in[i] {
			case '"':
				i += stringEnd(in[i:]) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return len(in)
	}
	n := 0
	for n < len(in) && in[n] != ',' && in[n] != '}' && in[n] != ']' {
		n++
	}
	return n
}

// stringEnd returns the length of the JSON string at the start of in,
// quotes included.
func stringEnd(in []byte) int {
	for i := 1; i < len(in); i++ {
		switch in[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(in)
}

// zeroValue returns the length of the zero value at the start of in when
// the value ends there, else 0.
func zeroValue(in []byte) int {
	for _, z := range [...]string{`""`, `0`, `null`, `"0001-01-01T00:00:00Z"`} {
		if len(in) > len(z) && string(in[:len(z)]) == z && (in[len(z)] == ',' || in[len(z)] == '}') {
			return len(z)
		}
	}
	return 0
}
