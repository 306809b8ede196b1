package customer

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzParsePasswordHash feeds arbitrary stored hashes to the scrypt parser:
// it must never panic, and what it accepts must stay within the cost bounds.
func FuzzParsePasswordHash(f *testing.F) {
	for _, s := range []string{
		"$s0$e0801$epIxT/h6HbbwHaehFnh/bw==$7H0vsXlY8UxxyW/BWx/9GuY7jEvGjT71GFd6O4SZND0=",
		"$s0$b0401$bqkutW4x877v/wWcmC+Xkw==$mAtW38GoEc/R08nIUV/q0GJobTa2Z2/nkIgqBttOkfg=",
		"", "$s0$", "$s0$ffffffff$$", "$s0$140801$c2FsdA==$a2V5", "$s0$1408ff$c2FsdA==$a2V5",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		logN, r, p, salt, key, err := parseScrypt(s, nil)
		if err != nil {
			return
		}
		if logN < 1 || logN > maxScryptLogN || r < 1 || p < 1 || p > maxScryptP || 128*uint64(r)<<logN*uint64(p) > maxScryptWork {
			t.Fatalf("accepted out-of-bounds parameters N=2^%d r=%d p=%d from %q", logN, r, p, s)
		}
		if len(salt) < scryptSaltMin || len(key) != scryptKeyLen {
			t.Fatalf("accepted %q without a salt or key", s)
		}
	})
}

// FuzzSSNHash checks that any string is either a well-formed hash or refused,
// never a panic, and that Match agrees with IsSSNHash on the format.
func FuzzSSNHash(f *testing.F) {
	h, err := NewSSNHasher(SSNKey{ID: "k1", Secret: bytes.Repeat([]byte{1}, 32)})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("131052-308T", h.Hash("131052-308T"))
	f.Add("", "$ssn1$$")
	f.Add("x", "$ssn1$k1$"+strings.Repeat("A", 43))
	f.Fuzz(func(t *testing.T, ssn, hash string) {
		_, err := h.Match(ssn, hash)
		if IsSSNHash(hash) == (err == ErrSSNHashFormat) {
			t.Fatalf("IsSSNHash(%q) = %v but Match error is %v", hash, IsSSNHash(hash), err)
		}
		if got := h.Hash(ssn); !IsSSNHash(got) {
			t.Fatalf("Hash(%q) = %q is not hash-shaped", ssn, got)
		}
	})
}
