package validate

import (
	"strings"
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

// containsNationalID reports whether s, or a word in it, has the shape of
// a Nordic identity number, valid or not: a typo in a number is still a
// person's number, and a message must not show it whole.
func containsNationalID(s string) bool {
	start := -1
	for i := 0; i <= len(s); i++ {
		inWord := false
		if i < len(s) {
			c := s[i]
			inWord = isAlnum(c) || c == '-' || c == '+'
		}
		if inWord {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if nationalIDShaped(s[start:i]) {
				return true
			}
			start = -1
		}
	}
	return false
}

// nationalIDShaped reports whether w has the shape of a Finnish, Swedish,
// Norwegian or Danish identity number: ddmmyy or yymmdd (or yyyymmdd), a
// separator where the schemes put one, and the remaining digits (the
// Finnish check character may be a letter). The date part need only look
// like a date: days up to 31, or up to 71 and 91 for the D-numbers and
// coordination numbers, months up to 12 or 52 for the H-numbers.
func nationalIDShaped(w string) bool {
	digits := func(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }
	var date string
	switch n := len(w); {
	case n == 10 && digits(w), n == 11 && digits(w): // SE or DK short, NO
		date = w[:6]
	case n == 11 && digits(w[:6]) && strings.IndexByte("+-ABCDEFUVWXYabcdefuvwxy", w[6]) >= 0 && digits(w[7:10]) && isAlnum(w[10]):
		date = w[:6] // FI, or SE and DK with a separator
	case n == 12 && digits(w): // SE long
		date = w[2:8]
	case n == 13 && digits(w[:8]) && (w[8] == '-' || w[8] == '+') && digits(w[9:]):
		date = w[2:8]
	default:
		return false
	}
	return dateShaped(date[0:2], date[2:4]) || dateShaped(date[4:6], date[2:4])
}

// dateShaped reports whether dd and mm could be the day and month of an
// identity number.
func dateShaped(dd, mm string) bool {
	d, m := num(dd), num(mm)
	switch {
	case d > 60:
		d -= 60
	case d > 40:
		d -= 40
	}
	if m > 40 {
		m -= 40
	}
	return d >= 1 && d <= 31 && m >= 1 && m <= 12
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}
