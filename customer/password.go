package customer

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/crypto/scrypt"
)

// Password errors.
var (
	// ErrPasswordMismatch: the password does not match the hash.
	ErrPasswordMismatch = errors.New("password does not match")
	// ErrUnverifiableScheme: the hash's scheme cannot be checked outside the
	// system that made it (SFCC's md5 and s0001).
	ErrUnverifiableScheme = errors.New("password scheme cannot be verified here")
	// ErrPasswordHashFormat: the hash is not well formed for its scheme.
	ErrPasswordHashFormat = errors.New("malformed password hash")
)

// PasswordScheme names how a stored password was hashed, with SFCC's names.
type PasswordScheme string

// The schemes SFCC names. Only SchemeScrypt can be verified here.
const (
	// SchemeScrypt is scrypt in the "$s0$params$salt$key" form SFCC exports
	// and this package makes.
	SchemeScrypt PasswordScheme = "scrypt"
	// SchemeMD5 is SFCC's deprecated md5 scheme, kept as given.
	SchemeMD5 PasswordScheme = "md5"
	// SchemeS0001 is SFCC's internal scheme, kept as given.
	SchemeS0001 PasswordScheme = "s0001"
)

// SchemeNamed returns the scheme SFCC calls name and true, or false when
// SFCC accepts no scheme of that name. The scheme returned is the package's
// constant, so a decoder that passes string(b) of a buffer it reuses keeps
// no copy of the buffer, and the conversion costs no allocation.
func SchemeNamed(name string) (PasswordScheme, bool) {
	switch name {
	case string(SchemeScrypt):
		return SchemeScrypt, true
	case string(SchemeMD5):
		return SchemeMD5, true
	case string(SchemeS0001):
		return SchemeS0001, true
	}
	return "", false
}

// Known reports whether s is one of the schemes SFCC accepts (see
// SchemeNamed).
func (s PasswordScheme) Known() bool {
	_, ok := SchemeNamed(string(s))
	return ok
}

// PasswordHash is a stored password: the hash and the scheme that made it.
// The zero value means no password.
type PasswordHash struct {
	Scheme PasswordScheme
	Hash   string
}

// IsZero reports whether h holds no password.
func (h PasswordHash) IsZero() bool { return h.Hash == "" }

// String names the scheme only, so a hash never ends up in a log by accident.
func (h PasswordHash) String() string {
	if h.IsZero() {
		return "no password"
	}
	return "password hash (" + string(h.Scheme) + ")"
}

// PasswordHasher hashes plain-text passwords with scrypt. The zero value uses
// N = 2^17, r = 8, p = 1 (the OWASP recommendation) and crypto/rand; tests
// and bulk imports of many plain passwords may choose cheaper parameters.
type PasswordHasher struct {
	LogN uint8     // log2 of the CPU/memory cost N; 0 means 17
	R    int       // block size; 0 means 8
	P    int       // parallelism; 0 means 1
	Rand io.Reader // salt source; nil means crypto/rand
}

const (
	scryptSaltLen = 16
	scryptKeyLen  = 32
)

// Hash returns the scrypt hash of plain with a fresh random salt, in the
// "$s0$" form SFCC imports as encryptionScheme="scrypt". It returns an error
// only when the salt cannot be read or the parameters are out of range.
func (ph PasswordHasher) Hash(plain string) (PasswordHash, error) {
	logN, r, p := ph.params()
	salt := make([]byte, scryptSaltLen)
	src := ph.Rand
	if src == nil {
		src = rand.Reader
	}
	if _, err := io.ReadFull(src, salt); err != nil {
		return PasswordHash{}, fmt.Errorf("password salt: %w", err)
	}
	key, err := scrypt.Key([]byte(plain), salt, 1<<logN, r, p, scryptKeyLen)
	if err != nil {
		return PasswordHash{}, fmt.Errorf("scrypt: %w", err)
	}
	params := uint64(logN)<<16 | uint64(r)<<8 | uint64(p)
	hash := "$s0$" + strconv.FormatUint(params, 16) + "$" +
		base64.StdEncoding.EncodeToString(salt) + "$" + base64.StdEncoding.EncodeToString(key)
	return PasswordHash{Scheme: SchemeScrypt, Hash: hash}, nil
}

func (ph PasswordHasher) params() (logN uint8, r, p int) {
	logN, r, p = ph.LogN, ph.R, ph.P
	if logN == 0 {
		logN = 17
	}
	if r == 0 {
		r = 8
	}
	if p == 0 {
		p = 1
	}
	return logN, r, p
}

// VerifyPassword checks plain against a stored hash. It returns nil on a
// match, ErrPasswordMismatch when it does not match, ErrUnverifiableScheme for
// schemes only their origin can check, and an error wrapping
// ErrPasswordHashFormat for a malformed hash.
func VerifyPassword(h PasswordHash, plain string) error {
	if h.Scheme != SchemeScrypt {
		return fmt.Errorf("%w: %q", ErrUnverifiableScheme, h.Scheme)
	}
	logN, r, p, salt, want, err := parseScrypt(h.Hash, nil)
	if err != nil {
		return err
	}
	got, err := scrypt.Key([]byte(plain), salt, 1<<logN, r, p, len(want))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrPasswordHashFormat, err)
	}
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrPasswordMismatch
	}
	return nil
}

// Bounds on the cost a stored hash may ask for, so that a hostile hash
// cannot make verification allocate gigabytes or run for seconds. scrypt
// needs 128 * r * N bytes, p times over; the limit allows twice the work of
// the default's 128 MiB. The salt and key lengths are those of the "$s0$"
// form SFCC and this package write.
const (
	maxScryptLogN = 20
	maxScryptWork = 256 << 20
	maxScryptP    = 16
	scryptSaltMin = 8
)

// CheckPasswordHash returns nil when h.Hash has the form of its scheme: for
// scrypt, the "$s0$params$salt$key" form with parameters VerifyPassword
// accepts; for md5, 32 hexadecimal digits or 16 bytes in base64; for SFCC's
// internal s0001, whose form is not published, one token of printable
// ASCII. Otherwise it returns an error wrapping ErrPasswordHashFormat that
// says what is wrong without showing the value, so an import can refuse
// plain text or a cut hash that is labelled as a hash.
func CheckPasswordHash(h PasswordHash) error {
	switch h.Scheme {
	case SchemeScrypt:
		// An import checks every hash it reads: decode into buf, not into
		// memory of its own.
		var buf [96]byte
		_, _, _, _, _, err := parseScrypt(h.Hash, buf[:0])
		return err
	case SchemeMD5:
		var buf [24]byte
		if b, err := base64.StdEncoding.AppendDecode(buf[:0], []byte(h.Hash)); err == nil && len(b) == 16 {
			return nil
		}
		if len(h.Hash) == 32 && strings.Trim(h.Hash, "0123456789abcdefABCDEF") == "" {
			return nil
		}
		return fmt.Errorf("%w: an md5 hash is 32 hexadecimal digits or 16 bytes in base64", ErrPasswordHashFormat)
	case SchemeS0001:
		for _, c := range []byte(h.Hash) {
			if c <= ' ' || c > '~' {
				return fmt.Errorf("%w: an s0001 hash is one token of printable characters", ErrPasswordHashFormat)
			}
		}
		if h.Hash == "" {
			return fmt.Errorf("%w: empty", ErrPasswordHashFormat)
		}
		return nil
	}
	return fmt.Errorf("%w: unknown scheme %q", ErrPasswordHashFormat, h.Scheme)
}

// parseScrypt takes an "$s0$params$salt$key" hash apart and checks it. It
// decodes the salt and key into buf's memory while they fit in its
// capacity.
func parseScrypt(s string, buf []byte) (logN uint, r, p int, salt, key []byte, err error) {
	rest, ok := strings.CutPrefix(s, "$s0$")
	params, rest, ok2 := strings.Cut(rest, "$")
	salt64, key64, ok3 := strings.Cut(rest, "$")
	if !ok || !ok2 || !ok3 || strings.Contains(key64, "$") {
		return 0, 0, 0, nil, nil, fmt.Errorf("%w: want $s0$params$salt$key", ErrPasswordHashFormat)
	}
	packed, perr := strconv.ParseUint(params, 16, 32)
	buf, serr := base64.StdEncoding.AppendDecode(buf[:0], []byte(salt64))
	n := len(buf)
	buf, kerr := base64.StdEncoding.AppendDecode(buf, []byte(key64))
	if perr != nil || serr != nil || kerr != nil {
		return 0, 0, 0, nil, nil, fmt.Errorf("%w: the parameters, salt or key are not hexadecimal and base64", ErrPasswordHashFormat)
	}
	salt, key = buf[:n:n], buf[n:]
	if len(salt) < scryptSaltMin || len(key) != scryptKeyLen {
		return 0, 0, 0, nil, nil, fmt.Errorf("%w: want a salt of at least %d bytes and a key of %d (is the hash cut?)", ErrPasswordHashFormat, scryptSaltMin, scryptKeyLen)
	}
	logN, r, p = uint(packed>>16), int(packed>>8&0xff), int(packed&0xff)
	if logN < 1 || logN > maxScryptLogN || r < 1 || p < 1 || p > maxScryptP ||
		128*uint64(r)<<logN*uint64(p) > maxScryptWork {
		return 0, 0, 0, nil, nil, fmt.Errorf("%w: scrypt parameters beyond what verification allows", ErrPasswordHashFormat)
	}
	return logN, r, p, salt, key, nil
}
