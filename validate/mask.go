package validate

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Redacted is what every rendering shows in place of a secret value.
const Redacted = "[redacted]"

// MaxValueRunes is how many characters of a value an issue keeps; a longer
// value is cut and ends with "…".
const MaxValueRunes = 64

// Sensitivity says how a value may be shown in an issue.
type Sensitivity uint8

const (
	// Public values are shown, truncated to MaxValueRunes. A Nordic
	// identity number found inside one is still redacted.
	Public Sensitivity = iota
	// Secret values (national identity numbers, passwords, password
	// answers, hashes of them) are never shown in any form: not in part,
	// not their length.
	Secret
)

// Mask returns value as an issue may show it: Redacted for a Secret, and
// for a Public value the value cut to MaxValueRunes characters, with any
// valid Nordic identity number inside it redacted. Invalid UTF-8 is
// replaced, so the result is always valid text.
func Mask(value string, s Sensitivity) string {
	if s == Secret {
		return Redacted
	}
	if value == "" {
		return ""
	}
	if containsNationalID(value) {
		return Redacted
	}
	if !utf8.ValidString(value) {
		value = strings.ToValidUTF8(value, "\uFFFD")
	}
	n := 0
	for i := range value {
		if n == MaxValueRunes {
			return value[:i] + "…"
		}
		n++
	}
	return value
}

// SensitiveName reports whether a field name, column header or XML path
// names a secret: a national identity number, a password or a password
// answer. It splits the name into words (camelCase, snake_case, kebab-case,
// paths and prefixes such as "identifier:ssn") and looks for words such as
// ssn, password, answer, hetu, personnummer, fodselsnummer and cpr, so
// "passwordAnswer", "credentials/password" and "national-id" match while
// "businessName" does not.
func SensitiveName(name string) bool {
	if name == "" {
		return false
	}
	var prev string
	sensitive := false
	eachWord(name, func(w string) bool {
		switch w {
		case "ssn", "password", "passwd", "pwd", "answer", "secret",
			"hetu", "henkilotunnus", "henkilötunnus", "personnummer",
			"samordningsnummer", "fodselsnummer", "fødselsnummer",
			"cpr", "cprnr", "personbeteckning", "pin":
			sensitive = true
		case "id", "number", "nummer", "no", "nr":
			if prev == "national" || prev == "social" || prev == "personal" || prev == "identity" || prev == "security" {
				sensitive = true
			}
		}
		prev = w
		return !sensitive
	})
	return sensitive
}

// eachWord calls fn with each lower-case word of name until fn returns
// false. Words break at any character that is not a letter or digit, and
// before an upper-case letter that follows a lower-case one.
func eachWord(name string, fn func(string) bool) {
	var buf [48]byte
	w := buf[:0]
	flush := func() bool {
		if len(w) == 0 {
			return true
		}
		ok := fn(string(w))
		w = w[:0]
		return ok
	}
	prevLower := false
	for _, r := range name {
		switch {
		case unicode.IsUpper(r):
			if prevLower && !flush() {
				return
			}
			w = utf8.AppendRune(w, unicode.ToLower(r))
			prevLower = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			w = utf8.AppendRune(w, r)
			prevLower = true
		default:
			if !flush() {
				return
			}
			prevLower = false
		}
	}
	flush()
}

// maskReference returns the date the identity-number scan in Mask resolves
// two-digit years against. Any date works for finding numbers; a far one
// keeps birth dates from looking like they lie in the future.
func maskReference() time.Time { return time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC) }

// containsNationalID reports whether s, or a word in it, is a valid Nordic
// identity number.
func containsNationalID(s string) bool {
	start := -1
	for i := 0; i <= len(s); i++ {
		inWord := false
		if i < len(s) {
			c := s[i]
			inWord = c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-' || c == '+'
		}
		if inWord {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			w := s[start:i]
			if n := len(w); n >= 10 && n <= 13 && hasDigits(w, 6) {
				if _, code := NationalIDAt("", w, maskReference()); code == "" {
					return true
				}
			}
			start = -1
		}
	}
	return false
}

func hasDigits(s string, n int) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n--
			if n == 0 {
				return true
			}
		}
	}
	return false
}
