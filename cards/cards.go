// Package cards generates customer-card numbers and holds the rules for when
// an import may generate one.
//
// A card number is a configurable prefix, random digits from crypto/rand,
// and a Luhn check digit, so a mistyped number is caught at the till. A
// Generator retries on collision until it finds a number that is free in the
// store and in the file being imported.
package cards

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Errors of this package.
var (
	// ErrFormat: a Format that cannot produce numbers.
	ErrFormat = errors.New("invalid card format")
	// ErrExhausted: no free number was found within the attempt limit,
	// which means the number space is nearly full.
	ErrExhausted = errors.New("no free card number found")
)

// Format describes card numbers. The zero value means 16 digits, no prefix,
// a Luhn check digit.
type Format struct {
	// Prefix is a fixed run of digits at the start, such as an issuer
	// number. It counts towards Length.
	Prefix string
	// Length is the number of digits in all, check digit included; 0
	// means 16. At least 6 random digits must remain after the prefix.
	Length int
}

const (
	defaultLength = 16
	minRandom     = 6
	maxLength     = 32
)

func (f Format) length() int {
	if f.Length == 0 {
		return defaultLength
	}
	return f.Length
}

// Validate reports whether the format can produce numbers, with an error
// wrapping ErrFormat when it cannot.
func (f Format) Validate() error {
	n := f.length()
	switch {
	case !digits(f.Prefix):
		return fmt.Errorf("%w: prefix %q is not all digits", ErrFormat, f.Prefix)
	case n > maxLength:
		return fmt.Errorf("%w: length %d is over %d", ErrFormat, n, maxLength)
	case n-len(f.Prefix)-1 < minRandom:
		return fmt.Errorf("%w: length %d leaves fewer than %d random digits after prefix %q", ErrFormat, n, minRandom, f.Prefix)
	}
	return nil
}

// Valid reports whether s is a number of this format: the right length and
// prefix, all digits, and a correct check digit.
func (f Format) Valid(s string) bool {
	return len(s) == f.length() && strings.HasPrefix(s, f.Prefix) && digits(s) && luhnValid(s)
}

// Generator makes card numbers of a Format. The zero value makes 16-digit
// numbers from crypto/rand and treats every number as free.
type Generator struct {
	Format Format
	// Taken reports whether a number is already in use, in the store or in
	// the input being imported; nil means never.
	Taken func(ctx context.Context, number string) (bool, error)
	// Rand is the source of randomness; nil means crypto/rand. Tests may
	// pass a deterministic reader.
	Rand io.Reader
	// Attempts bounds the retries on collision; 0 means 100.
	Attempts int
}

// Generate returns a new number that Taken reports free. It returns an
// error wrapping ErrFormat for an unusable format, ErrExhausted when every
// attempt collided, or the error of Taken or of the random source.
func (g *Generator) Generate(ctx context.Context) (string, error) {
	if err := g.Format.Validate(); err != nil {
		return "", err
	}
	src := g.Rand
	if src == nil {
		src = rand.Reader
	}
	attempts := g.Attempts
	if attempts <= 0 {
		attempts = 100
	}
	n := g.Format.length()
	buf := make([]byte, n)
	copy(buf, g.Format.Prefix)
	random := buf[len(g.Format.Prefix) : n-1]
	for range attempts {
		if err := randomDigits(src, random); err != nil {
			return "", fmt.Errorf("card number: %w", err)
		}
		buf[n-1] = luhnDigit(buf[:n-1])
		number := string(buf)
		if g.Taken == nil {
			return number, nil
		}
		taken, err := g.Taken(ctx, number)
		if err != nil {
			return "", err
		}
		if !taken {
			return number, nil
		}
	}
	return "", fmt.Errorf("%w after %d attempts", ErrExhausted, attempts)
}

// IsGenerate reports whether a cell asks for a generated number: the text
// generate(), in any case, with surrounding white space.
func IsGenerate(cell string) bool {
	return strings.EqualFold(strings.TrimSpace(cell), "generate()")
}

// MayGenerate reports whether an import may generate a card for a customer:
// only for a customer the import creates, or one that has no card yet.
func MayGenerate(isNew bool, existingCards int) bool {
	return isNew || existingCards == 0
}

// randomDigits fills dst with uniform decimal digits, rejecting bytes of
// 250 and above so that no digit is more likely than another.
func randomDigits(src io.Reader, dst []byte) error {
	var b [32]byte
	i := 0
	for i < len(dst) {
		if _, err := io.ReadFull(src, b[:]); err != nil {
			return err
		}
		for _, v := range b {
			if v < 250 && i < len(dst) {
				dst[i] = '0' + v%10
				i++
			}
		}
	}
	return nil
}

// luhnDigit returns the check digit that makes payload+digit pass Luhn.
func luhnDigit(payload []byte) byte {
	sum := 0
	double := true // the rightmost payload digit is doubled
	for i := len(payload) - 1; i >= 0; i-- {
		d := int(payload[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

func luhnValid(s string) bool {
	return len(s) > 1 && luhnDigit([]byte(s[:len(s)-1])) == s[len(s)-1]
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
