package validate

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// E-mail length limits from RFC 5321: the whole address as it fits in a
// forward path, the part before the @, the domain, and one domain label.
const (
	MaxEmailLen  = 254 // the whole address
	MaxLocalLen  = 64  // the part before the @
	MaxDomainLen = 253 // the part after the @
	MaxLabelLen  = 63  // one label of the domain, between dots
)

// Email validates s as an e-mail address and returns it normalised:
// surrounding whitespace removed and the domain in lower case (the part
// before the @ keeps its case, which RFC 5321 leaves to the receiving
// server). A valid address that needs no change comes back as a substring
// of s, without allocating.
//
// It accepts the practical subset of RFC 5322 that mail systems and shops
// exchange: a dot-atom before exactly one @ (letters, digits and
// !#$%&'*+-/=?^_`{|}~, dots between but not at the ends or doubled), and a
// domain name of at least two labels of letters, digits and hyphens, not
// starting or ending with a hyphen, whose last label is not all digits.
// Letters outside ASCII (RFC 6531) are accepted in both parts. Quoted local
// parts, comments and address literals such as [192.0.2.1] are not. Each
// cause has its own code: CodeEmailSpace, CodeEmailNoAt, CodeEmailManyAt,
// CodeEmailLocal, CodeEmailDomain, CodeEmailTooLong, and CodeInvalidEmail
// for control characters and broken UTF-8. An empty s is CodeRequired.
func Email(s string) (string, Code) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", CodeRequired
	}
	at, ats, high := -1, 0, false
	for i := 0; i < len(s); i++ {
		switch emailClass[s[i]] {
		case classSpace:
			return "", CodeEmailSpace
		case classControl:
			return "", CodeInvalidEmail
		case classAt:
			at = i
			ats++
		case classHigh:
			high = true
		}
	}
	if high {
		if !utf8.ValidString(s) {
			return "", CodeInvalidEmail
		}
		if strings.ContainsFunc(s, unicode.IsSpace) {
			return "", CodeEmailSpace
		}
	}
	switch ats {
	case 0:
		return "", CodeEmailNoAt
	case 1:
	default:
		return "", CodeEmailManyAt
	}
	if len(s) > MaxEmailLen {
		return "", CodeEmailTooLong
	}
	local, domain := s[:at], s[at+1:]
	if code := emailLocal(local); code != "" {
		return "", code
	}
	upper, code := emailDomain(domain)
	if code != "" {
		return "", code
	}
	if !upper {
		return s, ""
	}
	b := make([]byte, len(s))
	copy(b, s)
	for i := at + 1; i < len(b); i++ {
		if c := b[i]; c >= 'A' && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b), ""
}

// emailLocal checks the part before the @.
func emailLocal(l string) Code {
	if l == "" {
		return CodeEmailLocal
	}
	if len(l) > MaxLocalLen {
		return CodeEmailTooLong
	}
	if l[0] == '.' || l[len(l)-1] == '.' || strings.Contains(l, "..") {
		return CodeEmailLocal
	}
	for i := 0; i < len(l); i++ {
		switch emailClass[l[i]] {
		case classAtext, classDot, classHigh:
		default:
			return CodeEmailLocal
		}
	}
	return ""
}

// Byte classes for scanning e-mail addresses.
const (
	classOther   = iota // printable ASCII outside atext: "(),:;<>[\]
	classControl        // C0 controls and DEL
	classSpace          // ASCII whitespace
	classAt             // @
	classDot            // .
	classAtext          // letters, digits and !#$%&'*+-/=?^_`{|}~ (RFC 5322 atext)
	classHigh           // a byte of a UTF-8 sequence (RFC 6531)
)

// emailClass maps each byte to its class. It is built once and only read.
var emailClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			t[c] = classSpace
		case c < 0x20 || c == 0x7f:
			t[c] = classControl
		case c >= 0x80:
			t[c] = classHigh
		case c == '@':
			t[c] = classAt
		case c == '.':
			t[c] = classDot
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			strings.IndexByte("!#$%&'*+-/=?^_`{|}~", byte(c)) >= 0:
			t[c] = classAtext
		default:
			t[c] = classOther
		}
	}
	return t
}()

// emailDomain checks the part after the @ and reports whether it holds
// ASCII upper-case letters that normalising turns to lower case.
func emailDomain(d string) (upper bool, code Code) {
	if d == "" {
		return false, CodeEmailDomain
	}
	if len(d) > MaxDomainLen {
		return false, CodeEmailTooLong
	}
	labels := 0
	start := 0
	allDigits := true
	for i := 0; i <= len(d); i++ {
		if i < len(d) && d[i] != '.' {
			c := d[i]
			switch {
			case c >= 'A' && c <= 'Z':
				upper = true
				allDigits = false
			case c >= 'a' && c <= 'z', c >= 0x80:
				allDigits = false
			case c >= '0' && c <= '9':
			case c == '-':
				allDigits = false
			default:
				return false, CodeEmailDomain
			}
			continue
		}
		label := d[start:i]
		switch {
		case label == "":
			return false, CodeEmailDomain
		case len(label) > MaxLabelLen:
			return false, CodeEmailTooLong
		case label[0] == '-' || label[len(label)-1] == '-':
			return false, CodeEmailDomain
		}
		labels++
		start = i + 1
		if i < len(d) {
			allDigits = true
		}
	}
	// allDigits now describes the last label: a top-level domain is never
	// all digits, which also keeps out a bare IPv4 address.
	if labels < 2 || allDigits {
		return false, CodeEmailDomain
	}
	return upper, ""
}
