package jsontext

import (
	"encoding/json"
	"testing"
)

func TestEscapes(t *testing.T) {
	for _, tc := range []struct {
		s                string
		nul, invalidUTF8 bool
	}{
		{"plain", false, false},
		{"a\uFFFDb", false, false},      // the replacement character itself
		{`\ufffd \u0000`, false, false}, // the escapes as text
		{"a\xffb", false, true},
		{"a\x00b", true, false},
		{"\\\xff", false, true}, // a backslash, then a bad byte
	} {
		b, err := json.Marshal(tc.s)
		if err != nil {
			t.Fatal(err)
		}
		if nul, bad := Escapes(b); nul != tc.nul || bad != tc.invalidUTF8 {
			t.Errorf("Escapes(%s) = %v, %v; want %v, %v", b, nul, bad, tc.nul, tc.invalidUTF8)
		}
	}
}
