package pgstore

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestFoldIsEqualFold checks, for every code point, that fold maps it to
// the same character as every member of its simple folding orbit and that
// strings.EqualFold, the engine's comparison, agrees.
func TestFoldIsEqualFold(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		f := foldRune(r)
		if !strings.EqualFold(string(r), string(f)) {
			t.Fatalf("fold(%U) = %U, which strings.EqualFold does not equate", r, f)
		}
		for o := unicode.SimpleFold(r); o != r; o = unicode.SimpleFold(o) {
			if foldRune(o) != f {
				t.Fatalf("fold(%U) = %U but fold(%U) = %U, in the same orbit", r, f, o, foldRune(o))
			}
		}
	}
	for _, s := range []string{"Aino", "\u212Aalle", "ſara", "ΣΟΦΙΑς", "İda", "quote \" \\", "日本"} {
		if got := string(appendJSONText(nil, s, true)); got != `"`+strings.NewReplacer(`"`, `\"`, `\`, `\\`).Replace(fold(s))+`"` {
			t.Errorf("appendJSONText(%q) = %s, want fold(%q) quoted", s, got, s)
		}
	}
}
