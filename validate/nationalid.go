package validate

import (
	"fmt"
	"strings"
	"time"

	"github.com/impexkit/impex/internal/days"
)

// IDKind tells ordinary identity numbers from the variants the Nordic
// schemes issue to people outside the population register.
type IDKind uint8

const (
	// KindPersonal is an ordinary identity number.
	KindPersonal IDKind = iota
	// KindCoordination is a Swedish samordningsnummer: the day of birth
	// plus 60.
	KindCoordination
	// KindDNumber is a Norwegian D-number: the first digit of the day of
	// birth plus 4.
	KindDNumber
	// KindTemporary is a Finnish temporary identity number: individual
	// number 900 to 999.
	KindTemporary
)

// String returns the kind's name: "personal", "coordination", "d-number"
// or "temporary".
func (k IDKind) String() string {
	switch k {
	case KindCoordination:
		return "coordination"
	case KindDNumber:
		return "d-number"
	case KindTemporary:
		return "temporary"
	}
	return "personal"
}

// NationalIDInfo is what a valid national identity number says.
//
// Normalized is the number itself, so an NationalIDInfo is as sensitive as
// the number: it formats (with fmt) without it, but the field is there for
// the one thing a program should do with it, hashing it.
type NationalIDInfo struct {
	// Country is "FI", "SE", "NO" or "DK".
	Country string
	// Normalized is the number in one canonical form per country, so that
	// equal numbers hash equally:
	//   - FI: DDMMYYCZZZQ in upper case, with its own century sign (the
	//     signs added in 2023 make different numbers, so "-" and "Y" are
	//     not interchangeable);
	//   - SE: the 12 digits YYYYMMDDNNNC, without a separator (the 10-digit
	//     form depends on the date it is written);
	//   - NO: the 11 digits;
	//   - DK: the 10 digits DDMMYYSSSS, without the hyphen.
	Normalized string
	// Birthdate is the date of birth the number carries, at midnight UTC.
	// For a coordination number or D-number it is the date the number
	// encodes, which may differ from the real one.
	Birthdate time.Time
	// Kind tells ordinary numbers from coordination, D- and temporary
	// numbers.
	Kind IDKind
	// Checked reports whether a check digit was verified. It is false only
	// for Danish numbers that need not pass the modulus 11 test (see
	// NationalID).
	Checked bool
}

// Format prints the info without the number: "FI 1952-10-13 personal".
// This keeps an identity number out of logs that print the struct with
// %v or %+v.
func (n NationalIDInfo) Format(f fmt.State, verb rune) {
	date := "-"
	if !n.Birthdate.IsZero() {
		date = n.Birthdate.Format(time.DateOnly)
	}
	fmt.Fprintf(f, "%s %s %s %s", n.Country, date, n.Kind, Redacted)
}

// NationalID validates s as a national identity number of country, using
// today's date to resolve Swedish 10-digit numbers and to refuse birth
// dates in the future. It is NationalIDAt with time.Now().
func NationalID(country, s string) (NationalIDInfo, Code) {
	return NationalIDAt(country, s, time.Now())
}

// NationalIDAt validates s as a national identity number of country and
// returns what it says, or the code of the first problem found. The checks
// run in the order format, birth date, individual number, check digits
// (Norway checks the individual number first, as it fixes the century),
// so the code names the most visible fault.
//
// country is an ISO 3166-1 alpha-2 code, in either case: FI (and AX, which
// uses Finnish numbers), SE, NO (and SJ), DK (and FO, GL, which use CPR
// numbers). An empty country detects the scheme by shape and checksum: FI
// (a century sign other than + and -), then FI, SE and DK for DDMMYY-NNNN
// shapes, SE for 10 and 12 digits, NO for 11 digits, DK last, taking the
// first that validates. Detection cannot always tell a mistyped number of
// one country from a valid one of another, so pass the country when you
// know it.
//
// now is the reference date: a Swedish 10-digit number belongs to the most
// recent century that puts the birth date on or before now (another 100
// years earlier with the + separator), and a birth date after now is
// CodeSSNDate. A zero now means time.Now().
//
// The rules per country:
//
//   - FI henkilötunnus DDMMYYCZZZQ: C is the century sign: "+" for the
//     1800s; "-", and since 2023 also Y X W V U, for the 1900s; A, and
//     since 2023 also B C D E F, for the 2000s. ZZZ is the individual
//     number, 002-899, or 900-999 for a temporary number (accepted, with
//     Kind KindTemporary). Q is the remainder of the nine digits DDMMYYZZZ
//     modulo 31 as a character of 0123456789ABCDEFHJKLMNPRSTUVWXY. Lower
//     case is accepted.
//   - SE personnummer and samordningsnummer: YYMMDD-NNNC, YYMMDD+NNNC
//     (100 years or older), YYMMDDNNNC, YYYYMMDDNNNC or YYYYMMDD-NNNC; C is
//     the Luhn check digit of the ten digits YYMMDDNNN; a coordination
//     number has the day plus 60.
//   - NO fødselsnummer and D-number DDMMYYIIIKK: two modulus 11 check
//     digits (weights 3 7 6 1 8 9 4 5 2, then 5 4 3 2 7 6 5 4 3 2); the
//     century follows from the individual number III (000-499: 1900s;
//     500-749 with YY 54-99: 1800s; 500-999 with YY 00-39: 2000s; 900-999
//     with YY 40-99: 1900s; anything else is CodeSSNIndividual); a D-number
//     has 4 added to the first digit.
//   - DK CPR-nummer DDMMYY-SSSS or DDMMYYSSSS: the century follows from
//     the first digit of SSSS and YY; the modulus 11 test (weights
//     4 3 2 7 6 5 4 3 2 1) applies only to birth dates before 1 October
//     2007, and not to 1 January of any year, the date the CPR office
//     gives people whose birthday is unknown and for which it ran out of
//     modulus 11 numbers; for those numbers Checked is false.
func NationalIDAt(country, s string, now time.Time) (NationalIDInfo, Code) {
	if now.IsZero() {
		now = time.Now()
	}
	today := dayOf(now)
	s = strings.TrimSpace(s)
	if s == "" {
		return NationalIDInfo{}, CodeRequired
	}
	switch upper2(country) {
	case "FI", "AX":
		return finnishID(s, today)
	case "SE":
		return swedishID(s, today)
	case "NO", "SJ":
		return norwegianID(s, today)
	case "DK", "FO", "GL":
		return danishID(s, today)
	case "":
		return detectID(s, today)
	}
	return NationalIDInfo{}, CodeSSNCountry
}

// detectID tries the schemes whose shape fits s.
func detectID(s string, today ymd) (NationalIDInfo, Code) {
	type check func(string, ymd) (NationalIDInfo, Code)
	var cands []check
	switch {
	case len(s) > 13:
	case len(s) == 11 && (s[6] == '-' || s[6] == '+'):
		cands = []check{finnishID, swedishID, danishID}
	case len(s) == 11 && finnishCentury(s[6]) != 0:
		cands = []check{finnishID}
	case len(s) == 11 && allDigits(s):
		cands = []check{norwegianID}
	case len(s) == 10 && allDigits(s):
		cands = []check{swedishID, danishID}
	case len(s) == 12 && allDigits(s), len(s) == 13 && s[8] == '-':
		cands = []check{swedishID}
	}
	first := Code("")
	for _, c := range cands {
		info, code := c(s, today)
		if code == "" {
			return info, ""
		}
		if first == "" || first == CodeSSNFormat {
			first = code
		}
	}
	if first == "" {
		first = CodeSSNFormat
	}
	return NationalIDInfo{}, first
}

// finnishChecks are the henkilötunnus check characters, indexed by the
// remainder modulo 31.
const finnishChecks = "0123456789ABCDEFHJKLMNPRSTUVWXY"

// finnishCentury returns the century a henkilötunnus sign stands for, or 0.
func finnishCentury(c byte) int {
	switch c {
	case '+':
		return 1800
	case '-', 'Y', 'X', 'W', 'V', 'U', 'y', 'x', 'w', 'v', 'u':
		return 1900
	case 'A', 'B', 'C', 'D', 'E', 'F', 'a', 'b', 'c', 'd', 'e', 'f':
		return 2000
	}
	return 0
}

func finnishID(s string, today ymd) (NationalIDInfo, Code) {
	bad := NationalIDInfo{}
	if len(s) != 11 || !allDigits(s[:6]) || !allDigits(s[7:10]) {
		return bad, CodeSSNFormat
	}
	century := finnishCentury(s[6])
	if century == 0 {
		return bad, CodeSSNFormat
	}
	y, m, d := century+num(s[4:6]), num(s[2:4]), num(s[0:2])
	if !birthDate(y, m, d, today) {
		return bad, CodeSSNDate
	}
	individual := num(s[7:10])
	if individual < 2 {
		return bad, CodeSSNIndividual
	}
	want := finnishChecks[(num(s[0:6])*1000+individual)%31]
	got := s[10]
	if got >= 'a' && got <= 'z' {
		got -= 'a' - 'A'
	}
	if got != want {
		return bad, CodeSSNChecksum
	}
	kind := KindPersonal
	if individual >= 900 {
		kind = KindTemporary
	}
	norm := s
	if hasLower(s) {
		norm = strings.ToUpper(s)
	}
	return NationalIDInfo{Country: "FI", Normalized: norm, Birthdate: utcDate(y, m, d), Kind: kind, Checked: true}, ""
}

func swedishID(s string, today ymd) (NationalIDInfo, Code) {
	bad := NationalIDInfo{}
	// Split s into the optional century, the ten digits around the
	// separator, and the separator.
	var cc, yymmdd, nnnc string
	sep := byte('-')
	switch len(s) {
	case 10:
		yymmdd, nnnc = s[:6], s[6:]
	case 11:
		yymmdd, sep, nnnc = s[:6], s[6], s[7:]
	case 12:
		cc, yymmdd, nnnc = s[:2], s[2:8], s[8:]
	case 13:
		cc, yymmdd, sep, nnnc = s[:2], s[2:8], s[8], s[9:]
		if sep != '-' {
			return bad, CodeSSNFormat
		}
	default:
		return bad, CodeSSNFormat
	}
	if sep != '-' && sep != '+' || !allDigits(cc) || !allDigits(yymmdd) || !allDigits(nnnc) {
		return bad, CodeSSNFormat
	}
	yy, mm, dd := num(yymmdd[0:2]), num(yymmdd[2:4]), num(yymmdd[4:6])
	kind := KindPersonal
	if dd > 60 {
		dd -= 60
		kind = KindCoordination
	}
	var y int
	if cc != "" {
		y = num(cc)*100 + yy
	} else {
		// The latest year with these digits that does not put the birth
		// date after today, a century earlier again for the + separator.
		ty := today.year()
		y = ty - (ty%100+100-yy)%100
		if dateKey(y, mm, dd) > today {
			y -= 100
		}
		if sep == '+' {
			y -= 100
		}
	}
	if !birthDate(y, mm, dd, today) {
		return bad, CodeSSNDate
	}
	if !luhn(yymmdd + nnnc) {
		return bad, CodeSSNChecksum
	}
	norm := s
	if len(s) != 12 {
		var buf [12]byte
		buf[0], buf[1] = byte('0'+y/1000), byte('0'+y/100%10)
		copy(buf[2:8], yymmdd)
		copy(buf[8:], nnnc)
		norm = string(buf[:])
	}
	return NationalIDInfo{Country: "SE", Normalized: norm, Birthdate: utcDate(y, mm, dd), Kind: kind, Checked: true}, ""
}

// luhn reports whether digits pass the Luhn test.
func luhn[T string | []byte](digits T) bool {
	sum, n := 0, len(digits)
	for i := 0; i < n; i++ {
		d := int(digits[i] - '0')
		if (n-i)%2 == 0 { // every second digit from the right
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func norwegianID(s string, today ymd) (NationalIDInfo, Code) {
	bad := NationalIDInfo{}
	if len(s) != 11 || !allDigits(s) {
		return bad, CodeSSNFormat
	}
	dd, mm, yy := num(s[0:2]), num(s[2:4]), num(s[4:6])
	kind := KindPersonal
	if dd > 40 {
		dd -= 40
		kind = KindDNumber
	}
	individual := num(s[6:9])
	var century int
	switch {
	case individual < 500:
		century = 1900
	case individual < 750 && yy >= 54:
		century = 1800
	case yy < 40:
		century = 2000
	case individual >= 900:
		century = 1900
	default:
		return bad, CodeSSNIndividual
	}
	y := century + yy
	if !birthDate(y, mm, dd, today) {
		return bad, CodeSSNDate
	}
	k1, ok1 := mod11(s[:9], 3, 7, 6, 1, 8, 9, 4, 5, 2)
	k2, ok2 := mod11(s[:10], 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
	if !ok1 || !ok2 || k1 != s[9] || k2 != s[10] {
		return bad, CodeSSNChecksum
	}
	return NationalIDInfo{Country: "NO", Normalized: s, Birthdate: utcDate(y, mm, dd), Kind: kind, Checked: true}, ""
}

// weightedSum returns the sum of the digits, each times its weight.
func weightedSum[T string | []byte](digits T, weights ...int) int {
	sum := 0
	for i, w := range weights {
		sum += int(digits[i]-'0') * w
	}
	return sum
}

// mod11 returns the modulus 11 check digit of digits with the weights: 11
// minus the weighted sum modulo 11, where 11 becomes 0 and 10 means no
// check digit exists (false).
func mod11[T string | []byte](digits T, weights ...int) (byte, bool) {
	switch c := 11 - weightedSum(digits, weights...)%11; c {
	case 11:
		return '0', true
	case 10:
		return 0, false
	default:
		return byte('0' + c), true
	}
}

// danishMod11Until is the date from which CPR numbers need not pass the
// modulus 11 test.
const danishMod11Until ymd = 2007_10_01

func danishID(s string, today ymd) (NationalIDInfo, Code) {
	bad := NationalIDInfo{}
	digits := s // DDMMYYSSSS
	switch {
	case len(s) == 10:
	case len(s) == 11 && s[6] == '-':
		digits = s[:6] + s[7:]
	default:
		return bad, CodeSSNFormat
	}
	if !allDigits(digits) {
		return bad, CodeSSNFormat
	}
	yy := num(digits[4:6])
	century := 1900
	switch digits[6] {
	case '4', '9':
		if yy <= 36 {
			century = 2000
		}
	case '5', '6', '7', '8':
		if yy <= 57 {
			century = 2000
		} else {
			century = 1800
		}
	}
	y, m, d := century+yy, num(digits[2:4]), num(digits[0:2])
	if !birthDate(y, m, d, today) {
		return bad, CodeSSNDate
	}
	checked := dateKey(y, m, d) < danishMod11Until && !(m == 1 && d == 1)
	if checked && weightedSum(digits, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)%11 != 0 {
		return bad, CodeSSNChecksum
	}
	return NationalIDInfo{Country: "DK", Normalized: digits, Birthdate: utcDate(y, m, d), Checked: checked}, ""
}

// ymd is a calendar date as the number yyyymmdd, which orders like the
// date and costs nothing to compare.
type ymd int

func dateKey(y, m, d int) ymd { return ymd(y*10000 + m*100 + d) }

func (k ymd) year() int { return int(k) / 10000 }

// dayOf returns t's calendar date in t's own location.
func dayOf(t time.Time) ymd {
	y, m, d := t.Date()
	return dateKey(y, int(m), d)
}

// validDate reports whether y-m-d is a date of the Gregorian calendar in
// the years 1 to 9999.
func validDate(y, m, d int) bool {
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m)
}

// earliestBirthYear is the first year a living person's identity number
// may be born in: none of the four schemes is older, and an earlier year
// is a typing error or a crafted value.
const earliestBirthYear = 1800

// birthDate reports whether y-m-d is a plausible birth date on today: a
// real date from earliestBirthYear up to today. Every country's check uses
// it, so a number is refused for its date the same way in all of them.
func birthDate(y, m, d int, today ymd) bool {
	return y >= earliestBirthYear && validDate(y, m, d) && dateKey(y, m, d) <= today
}

// utcDate returns midnight UTC of a date validDate accepted.
func utcDate(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// daysIn returns the days of month m (1-12) of year y.
func daysIn(y, m int) int { return days.DaysIn(y, time.Month(m)) }

// num returns the value of a string of ASCII digits (checked by the
// caller).
func num(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func allDigits[T string | []byte](s T) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func hasLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			return true
		}
	}
	return false
}

// upper2 returns a country code in upper case without allocating for the
// usual two-letter input: Country returns an assigned code from its list.
// A two-letter code with lower case that is not assigned gives "??".
func upper2(s string) string {
	if len(s) != 2 || !hasLower(s) {
		return s
	}
	if c, code := Country(s); code == "" {
		return c
	}
	return "??"
}
