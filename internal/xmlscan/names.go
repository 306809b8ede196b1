package xmlscan

import (
	"sort"
	"unicode/utf8"
)

// nameByte marks the ASCII bytes that may appear in a name. Any byte from
// 0x80 up also continues a name run; validName then checks the runes.
var nameByte = func() (t [utf8.RuneSelf]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range "_:.-" {
		t[c] = true
	}
	return t
}()

// nameStart reports whether c, an ASCII byte, may start a name.
func nameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':'
}

// validName reports whether n is a name as encoding/xml reads names: valid
// UTF-8, a first rune from the start set, the rest from either set.
func validName(n []byte) bool {
	if len(n) == 0 {
		return false
	}
	for i := 0; i < len(n); {
		c := n[i]
		if c < utf8.RuneSelf {
			if i == 0 && !nameStart(c) {
				return false
			}
			if !nameByte[c] {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(n[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		if !inRanges(nameStartRanges[:], r) && (i == 0 || !inRanges(nameRanges[:], r)) {
			return false
		}
		i += size
	}
	return true
}

func inRanges(t [][2]rune, r rune) bool {
	i := sort.Search(len(t), func(i int) bool { return t[i][1] >= r })
	return i < len(t) && t[i][0] <= r
}
