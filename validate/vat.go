package validate

import "strings"

// maxVATInput bounds the work done on a VAT or business-id input: no
// real one comes near it.
const maxVATInput = 40

// VAT validates s as a VAT number with its country prefix and returns it
// normalised: upper case, without spaces, dots or hyphens, such as
// "FI12345671". The prefix picks the rules:
//
//   - FI: FI and the 8 digits of the Y-tunnus, whose last digit is its
//     check digit (weights 7 9 10 5 8 4 2, modulo 11: remainder 0 gives 0,
//     remainder 1 is never issued, otherwise 11 minus the remainder);
//   - SE: SE, a 10-digit organisationsnummer (or personnummer of a sole
//     trader) that passes the Luhn test, and 01;
//   - DK: DK and an 8-digit CVR number not starting with 0 whose weighted
//     sum (2 7 6 5 4 3 2 1) is divisible by 11;
//   - NO: NO, a 9-digit organisasjonsnummer with a modulus 11 check digit
//     (weights 3 2 7 6 5 4 3 2), and MVA, which may be left out on input
//     and is always written on output ("NO123456785MVA");
//   - the other EU member states (with EL for Greece, and GR read as EL),
//     XI for Northern Ireland and GB: the format of the VIES rules,
//     without a check digit test.
//
// A value without a known prefix is CodeVATCountry; a prefix with the
// wrong number of digits CodeVATFormat; a wrong check digit
// CodeVATChecksum. The normalised value's first two letters are its
// country.
func VAT(s string) (string, Code) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", CodeRequired
	}
	if len(s) > maxVATInput {
		return "", CodeVATFormat
	}
	var buf [maxVATInput]byte
	c, changed := compact(&buf, s)
	if len(c) < 2 || !isLetter(c[0]) || !isLetter(c[1]) {
		return "", CodeVATCountry
	}
	prefix, body := string(c[:2]), c[2:]
	out := func(code Code) (string, Code) {
		if code != "" {
			return "", code
		}
		if changed {
			return string(c), ""
		}
		return s, ""
	}
	switch prefix {
	case "FI", "DK":
		return out(vatCode(nordicBusinessCheck(prefix, body)))
	case "SE":
		// The organisationsnummer followed by 01.
		if len(body) != 12 || body[10] != '0' || body[11] != '1' {
			return out(CodeVATFormat)
		}
		return out(vatCode(nordicBusinessCheck("SE", body[:10])))
	case "NO":
		digits := body
		if len(digits) == 12 && string(digits[9:]) == "MVA" {
			digits = digits[:9]
		}
		if code := vatCode(nordicBusinessCheck("NO", digits)); code != "" {
			return out(code)
		}
		if len(body) == 12 && !changed {
			return s, ""
		}
		return "NO" + string(digits) + "MVA", ""
	case "GR":
		prefix = "EL"
		c[0], c[1] = 'E', 'L'
		changed = true
	}
	patterns, ok := vatPatterns[prefix]
	if !ok {
		return "", CodeVATCountry
	}
	for _, p := range patterns {
		if matchPattern(body, p) {
			return out("")
		}
	}
	return out(CodeVATFormat)
}

// vatPatterns are the shapes of the VAT numbers of EU member states (and
// of XI and GB) after their prefix: 9 is a digit, A a letter, X a digit or
// letter, other characters stand for themselves.
var vatPatterns = map[string][]string{
	"AT": {"U99999999"},
	"BE": {"9999999999"},
	"BG": {"999999999", "9999999999"},
	"CY": {"99999999A"},
	"CZ": {"99999999", "999999999", "9999999999"},
	"DE": {"999999999"}, "EE": {"999999999"}, "EL": {"999999999"}, "PT": {"999999999"},
	"ES": {"X9999999X"},
	"FR": {"XX999999999"},
	"HR": {"99999999999"}, "IT": {"99999999999"}, "LV": {"99999999999"},
	"HU": {"99999999"}, "LU": {"99999999"}, "MT": {"99999999"}, "SI": {"99999999"},
	"IE": {"9999999A", "9999999AA", "9A99999A", "9+99999A", "9*99999A"},
	"LT": {"999999999", "999999999999"},
	"NL": {"999999999B99"},
	"PL": {"9999999999"}, "SK": {"9999999999"},
	"RO": {"99", "999", "9999", "99999", "999999", "9999999", "99999999", "999999999", "9999999999"},
	"XI": {"999999999", "999999999999", "GD999", "HA999"}, "GB": {"999999999", "999999999999", "GD999", "HA999"},
}

func matchPattern(b []byte, p string) bool {
	if len(b) != len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := b[i]
		switch p[i] {
		case '9':
			if c < '0' || c > '9' {
				return false
			}
		case 'A':
			if !isLetter(c) {
				return false
			}
		case 'X':
			if !isLetter(c) && (c < '0' || c > '9') {
				return false
			}
		default:
			if c != p[i] {
				return false
			}
		}
	}
	return true
}

// BusinessID validates s as the business identifier of country (the
// number companies are registered under, without a VAT prefix) and
// returns it in the form the country writes it:
//
//   - FI Y-tunnus: "1234567-1", seven digits, a hyphen and the check
//     digit as for an FI VAT number; the hyphen may be left out, and an old
//     six-digit number gets its leading zero back;
//   - SE organisationsnummer: "NNNNNN-NNNN", ten digits passing the Luhn
//     test, written with the hyphen; the twelve-digit form with the prefix
//     16 is accepted;
//   - NO organisasjonsnummer: nine digits with the modulus 11 check digit;
//   - DK CVR-nummer: eight digits with the modulus 11 test.
//
// Spaces are ignored. Other countries are CodeBusinessIDFormat with no
// check, since their identifiers are not in scope; use VAT for them.
func BusinessID(country, s string) (string, Code) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", CodeRequired
	}
	if len(s) > maxVATInput {
		return "", CodeBusinessIDFormat
	}
	var buf [maxVATInput]byte
	c, changed := compact(&buf, s)
	switch country = upper2(country); country {
	case "FI", "AX":
		if len(c) == 7 && allDigits(c) {
			// An old number written with six digits and its check digit.
			c = append([]byte{'0'}, c...)
			changed = true
		}
		if code := nordicBusinessCheck("FI", c); code != "" {
			return "", code
		}
		if !changed && len(s) == 9 && s[7] == '-' {
			return s, ""
		}
		return string(c[:7]) + "-" + string(c[7]), ""
	case "SE":
		if len(c) == 12 && c[0] == '1' && c[1] == '6' {
			c = c[2:]
			changed = true
		}
		if code := nordicBusinessCheck("SE", c); code != "" {
			return "", code
		}
		if len(s) == 11 && s[6] == '-' && !changed {
			return s, ""
		}
		return string(c[:6]) + "-" + string(c[6:]), ""
	case "NO", "SJ":
		if code := nordicBusinessCheck("NO", c); code != "" {
			return "", code
		}
	case "DK", "FO", "GL":
		if code := nordicBusinessCheck("DK", c); code != "" {
			return "", code
		}
	default:
		return "", CodeBusinessIDFormat
	}
	if changed {
		return string(c), ""
	}
	return s, ""
}

// compact copies s into buf in upper case without spaces, dots and
// hyphens, and reports whether that changed anything. The caller has
// checked that s fits.
func compact(buf *[maxVATInput]byte, s string) ([]byte, bool) {
	b := buf[:0]
	changed := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '.' || c == '-' || c == '\t':
			changed = true
			continue
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
			changed = true
		}
		b = append(b, c)
	}
	return b, changed
}

// nordicBusinessCheck is the one test of a Nordic business identifier,
// shared by BusinessID and the Nordic VAT numbers built on it. d holds
// the identifier's digits alone, compacted: FI the 8 digits of the
// Y-tunnus, SE the 10 of the organisationsnummer, NO the 9 of the
// organisasjonsnummer, DK the 8 of the CVR number. It returns
// CodeBusinessIDFormat for the wrong shape, CodeBusinessIDChecksum for a
// wrong check digit, and "" for a valid identifier.
func nordicBusinessCheck(country string, d []byte) Code {
	n := 8
	switch country {
	case "SE":
		n = 10
	case "NO":
		n = 9
	}
	if len(d) != n || !allDigits(d) || country == "DK" && d[0] == '0' {
		return CodeBusinessIDFormat
	}
	var ok bool
	switch country {
	case "FI":
		// Weights 7 9 10 5 8 4 2, modulus 11; remainder 1 is never issued.
		c, valid := mod11(d[:7], 7, 9, 10, 5, 8, 4, 2)
		ok = valid && c == d[7]
	case "SE":
		ok = luhn(d)
	case "NO":
		c, valid := mod11(d[:8], 3, 2, 7, 6, 5, 4, 3, 2)
		ok = valid && c == d[8]
	case "DK":
		// The weighted sum of all eight digits is divisible by 11.
		ok = weightedSum(d, 2, 7, 6, 5, 4, 3, 2, 1)%11 == 0
	}
	if !ok {
		return CodeBusinessIDChecksum
	}
	return ""
}

// vatCode turns a business-identifier code into the matching VAT code.
func vatCode(code Code) Code {
	switch code {
	case CodeBusinessIDFormat:
		return CodeVATFormat
	case CodeBusinessIDChecksum:
		return CodeVATChecksum
	}
	return code
}

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' }
