package pgstore

import (
	"bytes"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/impexkit/impex/customer"
)

// unescapeCopy reverses the escapes of a field in COPY's text format, as
// PostgreSQL reads them, and reports whether the field held a raw
// separator, which would have split it.
func unescapeCopy(field []byte) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(field); i++ {
		c := field[i]
		switch {
		case c == '\t' || c == '\n' || c == '\r':
			return "", false
		case c != '\\':
			b.WriteByte(c)
		case i+1 == len(field):
			return "", false
		default:
			i++
			switch field[i] {
			case 't':
				b.WriteByte('\t')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			default:
				b.WriteByte(field[i])
			}
		}
	}
	return b.String(), true
}

// FuzzCopyTextEscapes checks that a text written as a field, appended
// (textField) or escaped in place after other fields (escapedFrom), reads
// back as itself, holds no separator, and leaves what was before it alone.
func FuzzCopyTextEscapes(f *testing.F) {
	for _, s := range []string{"", "plain", "tab\there", "a\nb\r\nc", `back\slash`, `\.`, `\N`, "\\\\\t\t\n", `{"json":"\"q\""}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var appended copyRows
		appended.buf = []byte("x\t")
		appended.textField(s)
		field, ok := bytes.CutSuffix(appended.buf[2:], []byte{'\t'})
		if !ok {
			t.Fatalf("textField(%q) wrote %q, without its tab", s, appended.buf)
		}
		if got, ok := unescapeCopy(field); !ok || got != s {
			t.Fatalf("textField(%q) wrote %q, which reads back as %q (whole: %v)", s, field, got, ok)
		}
		// Before start, bytes that would be escaped, which must stay as
		// they are: they are not the field's.
		const before = "\\\n\t"
		var inPlace copyRows
		inPlace.buf = append([]byte(before), s...)
		inPlace.escapedFrom(len(before))
		if got, want := inPlace.buf, append([]byte(before), appended.buf[2:]...); !bytes.Equal(got, want) {
			t.Fatalf("escapedFrom wrote %q; want %q", got, want)
		}
	})
}

// TestArrayElementsReadBackAsArrayLiterals checks the escapes of a text[]
// element: its quote and backslash escaped for the array literal, then the
// literal escaped for COPY.
func TestArrayElementsReadBackAsArrayLiterals(t *testing.T) {
	var w copyRows
	w.arrayField([]string{`a"b`, `c\d`, "e\tf", "", "NULL"})
	w.endRow()
	got, ok := unescapeCopy(bytes.TrimSuffix(w.buf, []byte{'\n'}))
	if want := `{"a\"b","c\\d","e` + "\t" + `f","","NULL"}`; !ok || got != want {
		t.Errorf("the array reads as the literal %q (whole: %v), want %q", got, ok, want)
	}
}

func TestAppendTimestampWritesISODatesAndEras(t *testing.T) {
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 12, 5, 13, 4, 5, 123456789, time.UTC), "2026-12-05 13:04:05.123456+00"},
		{time.Date(2026, 1, 1, 0, 30, 0, 0, time.FixedZone("", 3600)), "2025-12-31 23:30:00.000000+00"},
		{time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), "0001-01-01 00:00:00.000000+00"},
		{time.Date(0, 12, 31, 23, 59, 59, 999999999, time.UTC), "0001-12-31 23:59:59.999999+00 BC"},
		{time.Date(-43, 3, 15, 12, 0, 0, 0, time.UTC), "0044-03-15 12:00:00.000000+00 BC"},
		{time.Date(9999, 12, 31, 23, 59, 59, 1000, time.UTC), "9999-12-31 23:59:59.000001+00"},
	} {
		if got := string(appendTimestamp(nil, c.t)); got != c.want {
			t.Errorf("appendTimestamp(%v) = %q, want %q", c.t, got, c.want)
		}
	}
}

// A customer's keys go into customers.keys as bytea's hex text, and come
// back from it as the same references; a column of a length no keys make is
// an error, not keys.
func TestKeysFieldReadsBackAsTheSameRefs(t *testing.T) {
	refs := []keyRef{
		{keyHash(customer.IndexKey{Key: customer.KeyNumber, Value: "1"}), true},
		{keyHash(customer.IndexKey{Key: customer.KeyEmail, Value: "a@example.com"}), false},
	}
	w := &copyRows{}
	w.keysField(refs)
	field, ok := unescapeCopy(bytes.TrimSuffix(w.buf, []byte("\t")))
	if !ok || !strings.HasPrefix(field, `\x`) {
		t.Fatalf("keysField wrote %q; want bytea's hex form", w.buf)
	}
	col, err := hex.DecodeString(field[2:])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(col, appendKeyRefs(nil, refs)) {
		t.Errorf("keysField's bytes = %x; appendKeyRefs = %x", col, appendKeyRefs(nil, refs))
	}
	got, err := parseKeyRefs(col)
	if err != nil || !slices.Equal(got, refs) {
		t.Errorf("parseKeyRefs = %v, %v; want %v", got, err, refs)
	}
	if _, err := parseKeyRefs(col[:keyRefSize+1]); err == nil {
		t.Error("parseKeyRefs of 18 bytes: no error")
	}
	bad := slices.Clone(col)
	bad[keyRefSize-1] = 't'
	if _, err := parseKeyRefs(bad); err == nil {
		t.Error("parseKeyRefs of a key marked 't': no error")
	}
	w = &copyRows{}
	w.keysField(nil)
	if string(w.buf) != `\\x`+"\t" {
		t.Errorf("keysField(nil) = %q; want an empty bytea", w.buf)
	}
}
