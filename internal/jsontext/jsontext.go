// Package jsontext tells what encoding/json could not keep of a string as
// given, so that the stores that keep records as JSON refuse such text
// instead of storing something else.
package jsontext

import "bytes"

// Escapes reports whether the JSON b, as encoding/json writes it, holds
// the escape \u0000 (a NUL character, which PostgreSQL cannot store) or
// \ufffd, which encoding/json writes for bytes that are not UTF-8 (a real
// U+FFFD is written as itself). An escaped backslash followed by such text
// is not an escape.
func Escapes(b []byte) (nul, invalidUTF8 bool) {
	if !bytes.Contains(b, []byte(`\u0000`)) && !bytes.Contains(b, []byte(`\ufffd`)) {
		return false, false
	}
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			continue
		}
		i++ // b[i] is the escaped character
		if b[i] != 'u' || i+4 >= len(b) {
			continue
		}
		switch string(b[i+1 : i+5]) {
		case "0000":
			nul = true
		case "fffd":
			invalidUTF8 = true
		}
		i += 4
	}
	return nul, invalidUTF8
}
