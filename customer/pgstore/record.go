package pgstore

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/internal/custjson"
	"github.com/impexkit/impex/internal/jsontext"
)

// keys returns the index entries of c, as the domain derives them.
func (s *Store) keys(c *customer.Customer) []customer.IndexKey { return s.cons.Keys(c) }

// record is a customer to store and its keys, one row of customer_keys
// each.
type record struct {
	c    *customer.Customer
	keys []keyRef
}

// searchSep separates the texts of the search column. A query without it
// matches the joined text exactly where it matches one of the texts, and a
// query with it is matched in Go (see List).
const searchSep = "\x1f"

// search returns the text of the search column: the lower-cased search
// texts, joined by searchSep.
func (r *record) search() string { return string(r.appendSearch(nil)) }

// appendSearch appends the text of the search column to b.
func (r *record) appendSearch(b []byte) []byte {
	start := len(b)
	for _, f := range customer.SearchFields(r.c) {
		if f == "" {
			continue
		}
		if len(b) > start {
			b = append(b, searchSep...)
		}
		b = appendLower(b, f)
	}
	return b
}

// appendLower appends strings.ToLower(s) to b, without making it a string
// of its own when s is ASCII.
func appendLower(b []byte, s string) []byte {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return append(b, strings.ToLower(s)...)
		}
	}
	for i := range len(s) {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}

// jsonBuffer encodes customers as JSON (custjson: encoding/json's fields
// without the zero ones, as boltstore keeps them) one after the other into
// one buffer, which grows under what marshal returned: each customer's
// JSON stays as it was written while the buffer lives.
type jsonBuffer struct {
	buf []byte
}

// marshal returns c as JSON. It refuses what JSON would not give back
// unchanged, and text PostgreSQL cannot store, with an error wrapping
// customer.ErrInvalid.
func (b *jsonBuffer) marshal(c *customer.Customer) ([]byte, error) {
	start := len(b.buf)
	buf, err := appendRecord(b.buf, c)
	if err != nil {
		return nil, err
	}
	b.buf = buf
	return buf[start:len(buf):len(buf)], nil
}

// appendRecord appends c as JSON to b, or returns the error marshal
// returns.
func appendRecord(b []byte, c *customer.Customer) ([]byte, error) {
	start := len(b)
	b, err := custjson.Append(b, c)
	if err != nil {
		return nil, fmt.Errorf("pgstore: the record cannot be stored as JSON: %w", err)
	}
	if err := checkJSONText(b[start:], customer.ErrInvalid); err != nil {
		return nil, err
	}
	return b, nil
}

// check returns the error marshal would return for c, keeping nothing.
func (b *jsonBuffer) check(c *customer.Customer) error {
	start := len(b.buf)
	_, err := b.marshal(c)
	b.buf = b.buf[:start]
	return err
}

// checkJSONText reports text that PostgreSQL or encoding/json would not keep
// as given, as an error wrapping invalid: encoding/json writes invalid UTF-8
// as the escape \ufffd (a valid U+FFFD is written as is), and a NUL
// character cannot be stored in a text column.
func checkJSONText(b []byte, invalid error) error {
	switch nul, invalidUTF8 := jsontext.Escapes(b); {
	case nul:
		return fmt.Errorf("%w: text holds a NUL character, which PostgreSQL cannot store", invalid)
	case invalidUTF8:
		return fmt.Errorf("%w: text is not valid UTF-8", invalid)
	}
	return nil
}

// keyRef is a key as the store holds it (schema version 6): its hash
// (keyHash) and whether it is unique, which are its row of customer_keys
// but for the holder, and its entry in the holder's customers.keys.
type keyRef struct {
	h      [16]byte
	unique bool
}

// keyRefSize is the size of a keyRef in customers.keys: the hash, then 1
// for a unique key or 0.
const keyRefSize = 17

// refsOf returns the references of keys.
func refsOf(keys []customer.IndexKey) []keyRef {
	refs := make([]keyRef, len(keys))
	for i, k := range keys {
		refs[i] = keyRef{keyHash(k), k.Unique}
	}
	return refs
}

// dedupe drops repeated keys (only a non-unique key can repeat in a stored
// customer: a custom type and a built-in key that coincide), keeping the
// first.
func dedupe(keys []keyRef) []keyRef {
	var out []keyRef // nil while keys repeat none
	for i, k := range keys {
		if slices.ContainsFunc(keys[:i], func(o keyRef) bool { return o.h == k.h }) {
			if out == nil {
				out = slices.Clip(keys[:i])
			}
			continue
		}
		if out != nil {
			out = append(out, k)
		}
	}
	if out == nil {
		return keys
	}
	return out
}

// append appends r to b as customers.keys holds it.
func (r keyRef) append(b []byte) []byte {
	b = append(b, r.h[:]...)
	if r.unique {
		return append(b, 1)
	}
	return append(b, 0)
}

// appendKeyRefs appends refs to b as customers.keys holds them.
func appendKeyRefs(b []byte, refs []keyRef) []byte {
	for _, r := range refs {
		b = r.append(b)
	}
	return b
}

// parseKeyRefs reverses appendKeyRefs.
func parseKeyRefs(col []byte) ([]keyRef, error) {
	if len(col)%keyRefSize != 0 {
		return nil, fmt.Errorf("pgstore: a keys column of %d bytes, not a multiple of %d", len(col), keyRefSize)
	}
	refs := make([]keyRef, 0, len(col)/keyRefSize)
	for b := col; len(b) > 0; b = b[keyRefSize:] {
		if b[16] > 1 {
			return nil, fmt.Errorf("pgstore: a keys column whose key %d is marked %d, neither unique (1) nor shared (0)", len(refs), b[16])
		}
		refs = append(refs, keyRef{[16]byte(b[:16]), b[16] == 1})
	}
	return refs, nil
}

// keyHash returns what customer_keys holds of k (schema version 5): the
// first 16 bytes of the SHA-256 of its name, list and value, each followed
// by a NUL byte, which no storable text holds, as a uuid. The SQL function
// customer_key_hash computes the same from the texts. A fixed-size key
// keeps the key table's index smaller than it was on the texts and its
// comparisons cheap: an import writes and looks up several keys a
// customer. Two different keys share a hash with a probability of about
// 2^-128 a pair, and finding a pair that does costs about 2^64 SHA-256
// computations.
func keyHash(k customer.IndexKey) [16]byte {
	var buf [128]byte
	b := append(buf[:0], k.Key...)
	b = append(b, 0)
	b = append(b, k.List...)
	b = append(b, 0)
	b = append(b, k.Value...)
	b = append(b, 0)
	sum := sha256.Sum256(b)
	return [16]byte(sum[:16])
}

// keySlot is the second column of customer_keys_hash_idx, written as the
// index defines it (schema version 5) for a key row aliased k: the empty
// string for a unique key, so that no two customers hold it, and the
// holder's ID for a shared one, so that each holder holds it once. Queries
// order and match by it, so that PostgreSQL probes the index in its own
// order whatever it knows of the table: ordered by customer_id instead, a
// probe was planned as a bitmap scan and a sort while the table's
// statistics were behind it, as they are during an import, and an import's
// lookups took several times as long.
const keySlot = `(CASE WHEN k.uniq THEN '' ELSE k.customer_id END)`

// storable reports whether PostgreSQL can hold s in a text column: valid
// UTF-8 without NUL characters. Keys and IDs that are not storable are held
// by no stored customer, so lookups of them find nothing and writes of them
// fail as the record's JSON does, with ErrInvalid.
func storable(s string) bool { return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 }

// allStorable reports whether every one of texts is storable.
func allStorable(texts ...string) bool {
	for _, s := range texts {
		if !storable(s) {
			return false
		}
	}
	return true
}

// decode unmarshals a stored customer and sets the ID and version from their
// columns, which are authoritative.
func decode(id string, version int64, data []byte) (*customer.Customer, error) {
	c := new(customer.Customer)
	if err := json.Unmarshal(data, c); err != nil {
		return nil, fmt.Errorf("pgstore: customer %q: decoding the stored record: %w", id, err)
	}
	c.ID, c.Version = id, version
	return c, nil
}

// splitTime returns t to the microsecond, the precision of timestamptz, and
// the nanoseconds below it, so (updated_at, updated_nsec) orders and compares
// exactly like t.
func splitTime(t time.Time) (time.Time, int32) {
	t = t.Round(0) // drop any monotonic reading
	return t.Truncate(time.Microsecond), int32(t.Nanosecond() % 1000)
}

// joinTime reverses splitTime, in UTC.
func joinTime(t time.Time, nsec int32) time.Time {
	return t.Add(time.Duration(nsec)).UTC()
}
