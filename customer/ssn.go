package customer

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"strings"
	"sync"

	"golang.org/x/crypto/blake2b"
)

// SSN hash errors.
var (
	// ErrSSNKey: a key is too short, too long, or has a bad or repeated ID.
	ErrSSNKey = errors.New("invalid SSN key")
	// ErrSSNHashFormat: a string is not an SSN hash this package made.
	ErrSSNHashFormat = errors.New("malformed SSN hash")
	// ErrSSNKeyUnknown: a hash names a key the hasher does not hold.
	ErrSSNKeyUnknown = errors.New("SSN hash made with an unknown key")
)

const (
	ssnHashPrefix  = "$ssn1$"
	ssnDigestLen   = 32
	ssnEncodedLen  = 43 // base64url without padding of 32 bytes
	minSSNKeyBytes = 16
	maxSSNKeyID    = 32
)

// SSNKey is a secret key for SSN hashing with the ID that names it inside
// every hash made with it. The application supplies keys; there is no
// built-in default. IDs are 1 to 32 characters of [A-Za-z0-9_-].
type SSNKey struct {
	ID     string
	Secret []byte // 16 to 64 bytes
}

// SSNHasher turns national identity numbers into keyed BLAKE2b-256 hashes of
// the form
//
//	$ssn1$<key id>$<43 characters of unpadded base64url>
//
// It hashes with its current key and still recognises hashes made with the
// older keys it was given, so keys can rotate without losing matches. An
// SSNHasher is safe for concurrent use.
//
// Callers hash the normalised number (as a validator returns it) so that
// different spellings of one number give one hash.
type SSNHasher struct {
	current SSNKey
	keys    map[string][]byte
	macs    sync.Pool // of *macState keyed with current, reset after use
}

// macState is a MAC with the buffers one hash needs: the number's bytes,
// which a hash.Hash takes only as a slice, and the digest. They live with
// the MAC, so that hashing allocates only the hash string and no copy of
// a plain number is left behind for the collector: the copy is cleared
// once hashed.
type macState struct {
	mac   hash.Hash
	plain []byte
	sum   [ssnDigestLen]byte
}

func newMACState(secret []byte) *macState {
	mac, err := blake2b.New256(secret)
	if err != nil { // unreachable: key lengths are checked by NewSSNHasher
		panic(err)
	}
	return &macState{mac: mac}
}

// NewSSNHasher returns a hasher that hashes with current and matches hashes
// made with current or any of previous. It returns an error wrapping ErrSSNKey
// when a key is shorter than 16 or longer than 64 bytes, or an ID is empty,
// malformed or repeated. The secrets are copied.
func NewSSNHasher(current SSNKey, previous ...SSNKey) (*SSNHasher, error) {
	h := &SSNHasher{keys: make(map[string][]byte, 1+len(previous))}
	for i, k := range append([]SSNKey{current}, previous...) {
		if !validKeyID(k.ID) {
			return nil, fmt.Errorf("%w: key id %q must be 1 to %d characters of A-Z, a-z, 0-9, _ and -", ErrSSNKey, k.ID, maxSSNKeyID)
		}
		if len(k.Secret) < minSSNKeyBytes || len(k.Secret) > blake2b.Size {
			return nil, fmt.Errorf("%w: key %q has %d bytes, want %d to %d", ErrSSNKey, k.ID, len(k.Secret), minSSNKeyBytes, blake2b.Size)
		}
		if _, dup := h.keys[k.ID]; dup {
			return nil, fmt.Errorf("%w: key id %q given twice", ErrSSNKey, k.ID)
		}
		secret := append([]byte(nil), k.Secret...)
		h.keys[k.ID] = secret
		if i == 0 {
			h.current = SSNKey{ID: k.ID, Secret: secret}
		}
	}
	return h, nil
}

// KeyID returns the ID of the key new hashes are made with.
func (h *SSNHasher) KeyID() string { return h.current.ID }

// Hash returns the hash of ssn under the current key.
func (h *SSNHasher) Hash(ssn string) string {
	st, _ := h.macs.Get().(*macState)
	if st == nil {
		st = newMACState(h.current.Secret)
	}
	out := st.format(h.current.ID, ssn)
	st.mac.Reset()
	h.macs.Put(st)
	return out
}

// Hashes returns the hash of ssn under every key the hasher holds, the
// current key's first. A repository lookup by each finds a customer whose
// stored hash was made before a rotation.
func (h *SSNHasher) Hashes(ssn string) []string {
	out := []string{h.Hash(ssn)}
	for id, secret := range h.keys {
		if id != h.current.ID {
			out = append(out, formatSSNHash(id, secret, ssn))
		}
	}
	return out
}

// Match reports whether hash is the hash of ssn under the key it names. It
// returns an error wrapping ErrSSNHashFormat for a malformed hash and
// ErrSSNKeyUnknown for a key the hasher does not hold.
func (h *SSNHasher) Match(ssn, hash string) (bool, error) {
	id, _, err := parseSSNHash(hash)
	if err != nil {
		return false, err
	}
	secret, ok := h.keys[id]
	if !ok {
		return false, fmt.Errorf("%w: %q", ErrSSNKeyUnknown, id)
	}
	want := formatSSNHash(id, secret, ssn)
	return subtle.ConstantTimeCompare([]byte(want), []byte(hash)) == 1, nil
}

// Stale reports whether hash was made with a key other than the current one,
// so the application may re-hash when it next sees the plain number.
func (h *SSNHasher) Stale(hash string) bool {
	id, _, err := parseSSNHash(hash)
	return err == nil && id != h.current.ID
}

// String describes the hasher without revealing any secret.
func (h *SSNHasher) String() string {
	return fmt.Sprintf("SSNHasher(current key %q, %d keys)", h.current.ID, len(h.keys))
}

// IsSSNHash reports whether s has the shape of a hash made by an SSNHasher,
// whatever key made it. Imports use it to refuse hashes where a plain number
// is expected.
func IsSSNHash(s string) bool {
	_, _, err := parseSSNHash(s)
	return err == nil
}

func formatSSNHash(id string, secret []byte, ssn string) string {
	return newMACState(secret).format(id, ssn)
}

// format hashes ssn with st's MAC, fresh or reset, keyed with the secret
// of key id.
func (st *macState) format(id, ssn string) string {
	st.plain = append(st.plain[:0], ssn...)
	st.mac.Write(st.plain)
	clear(st.plain)
	var enc [ssnEncodedLen]byte
	base64.RawURLEncoding.Encode(enc[:], st.mac.Sum(st.sum[:0]))
	var b strings.Builder
	b.Grow(len(ssnHashPrefix) + len(id) + 1 + ssnEncodedLen)
	b.WriteString(ssnHashPrefix)
	b.WriteString(id)
	b.WriteByte('$')
	b.Write(enc[:])
	return b.String()
}

func parseSSNHash(s string) (keyID, digest string, err error) {
	rest, ok := strings.CutPrefix(s, ssnHashPrefix)
	if !ok {
		return "", "", ErrSSNHashFormat
	}
	keyID, digest, ok = strings.Cut(rest, "$")
	if !ok || !validKeyID(keyID) || len(digest) != ssnEncodedLen {
		return "", "", ErrSSNHashFormat
	}
	if _, err := base64.RawURLEncoding.Strict().DecodeString(digest); err != nil {
		return "", "", ErrSSNHashFormat
	}
	return keyID, digest, nil
}

func validKeyID(id string) bool {
	if id == "" || len(id) > maxSSNKeyID {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
