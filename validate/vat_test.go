package validate

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
)

// The builders compute check digits from the published rules, separately
// from the package's code.

// fiBusinessID returns the Y-tunnus digits for seven digits, or false when
// the weighted sum leaves remainder 1 (never issued).
func fiBusinessID(seven string) (string, bool) {
	w := []int{7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, wi := range w {
		sum += int(seven[i]-'0') * wi
	}
	switch r := sum % 11; r {
	case 0:
		return seven + "0", true
	case 1:
		return "", false
	default:
		return seven + strconv.Itoa(11-r), true
	}
}

func dkCVR(seven string) (string, bool) {
	w := []int{2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, wi := range w {
		sum += int(seven[i]-'0') * wi
	}
	last := (11 - sum%11) % 11
	if last == 10 {
		return "", false
	}
	return seven + strconv.Itoa(last), true
}

func noOrgnr(eight string) (string, bool) {
	w := []int{3, 2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, wi := range w {
		sum += int(eight[i]-'0') * wi
	}
	k := 11 - sum%11
	switch k {
	case 11:
		k = 0
	case 10:
		return "", false
	}
	return eight + strconv.Itoa(k), true
}

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

type vatCase struct {
	name, in, want string
	code           Code
}

func runVATCases(t *testing.T, cases []vatCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, code := VAT(c.in)
			if got != c.want || code != c.code {
				t.Errorf("VAT(%q) = %q, %q; want %q, %q", c.in, got, code, c.want, c.code)
			}
		})
	}
}

// wrongLast replaces the last digit of s by every other digit in turn and
// returns the first that makes gen's check fail, so the invalid examples
// differ from valid ones only in the check digit.
func wrongLast(s string, valid func(string) bool) string {
	for d := byte('0'); d <= '9'; d++ {
		t := s[:len(s)-1] + string(d)
		if t != s && !valid(t) {
			return t
		}
	}
	panic("no wrong check digit for " + s)
}

func TestVATFinland(t *testing.T) {
	cases := []vatCase{
		{name: "accepts Nokia's VAT number FI01120389", in: "FI01120389", want: "FI01120389"},
		{name: "accepts a Y-tunnus with its hyphen after FI", in: "FI0112038-9", want: "FI01120389"},
		{name: "accepts lower case and spaces", in: " fi 0112 0389 ", want: "FI01120389"},
		{name: "accepts a check digit 0 from remainder 0", in: "FI00000000", want: "FI00000000"},
	}
	r := rand.New(rand.NewPCG(11, 12))
	isValid := func(s string) bool { _, c := VAT(s); return c == "" }
	var bad []vatCase
	for len(cases) < 26 {
		n, ok := fiBusinessID(digits(r, 7))
		if !ok {
			continue
		}
		cases = append(cases, vatCase{name: "accepts FI" + n, in: "FI" + n, want: "FI" + n})
		if len(bad) < 12 {
			w := wrongLast("FI"+n, isValid)
			bad = append(bad, vatCase{name: "rejects " + w + " with a wrong check digit", in: w, code: CodeVATChecksum})
		}
	}
	// Seven digits whose weighted sum leaves remainder 1 have no check digit.
	for n := 0; len(bad) < 16; n++ {
		seven := fmt.Sprintf("%07d", n*7919%10000000)
		if _, ok := fiBusinessID(seven); !ok {
			bad = append(bad, vatCase{name: "rejects " + seven + ", which has no check digit", in: "FI" + seven + "0", code: CodeVATChecksum})
		}
	}
	bad = append(bad,
		vatCase{name: "rejects seven digits", in: "FI0112038", code: CodeVATFormat},
		vatCase{name: "rejects nine digits", in: "FI011203890", code: CodeVATFormat},
		vatCase{name: "rejects a letter", in: "FI0112038X", code: CodeVATFormat},
		vatCase{name: "rejects a Y-tunnus without FI", in: "0112038-9", code: CodeVATCountry},
		vatCase{name: "rejects FI alone", in: "FI", code: CodeVATFormat},
		vatCase{name: "rejects an empty value as required", in: "", code: CodeRequired},
	)
	runVATCases(t, append(cases, bad...))
}

func TestVATSweden(t *testing.T) {
	cases := []vatCase{
		{name: "accepts AB Volvo's VAT number", in: "SE556012579001", want: "SE556012579001"},
		{name: "accepts spaces and a hyphen", in: "SE 556012-5790 01", want: "SE556012579001"},
	}
	r := rand.New(rand.NewPCG(13, 14))
	isValid := func(s string) bool { _, c := VAT(s); return c == "" }
	var bad []vatCase
	for len(cases) < 24 {
		nine := digits(r, 9)
		n := nine + string(luhnCheck(nine))
		cases = append(cases, vatCase{name: "accepts SE" + n + "01", in: "SE" + n + "01", want: "SE" + n + "01"})
		if len(bad) < 12 {
			w := wrongLast("SE"+n, func(s string) bool { return isValid(s + "01") })
			bad = append(bad, vatCase{name: "rejects " + w + "01 with a wrong check digit", in: w + "01", code: CodeVATChecksum})
		}
		if len(bad) < 16 {
			bad = append(bad, vatCase{name: "rejects SE" + n + "02, which does not end in 01", in: "SE" + n + "02", code: CodeVATFormat})
		}
	}
	bad = append(bad,
		vatCase{name: "rejects the organisation number alone", in: "SE5560125790", code: CodeVATFormat},
		vatCase{name: "rejects thirteen digits", in: "SE5560125790010", code: CodeVATFormat},
		vatCase{name: "rejects a letter", in: "SE55601257900A", code: CodeVATFormat},
		vatCase{name: "rejects the number without SE", in: "556012579001", code: CodeVATCountry},
	)
	runVATCases(t, append(cases, bad...))
}

func TestVATDenmark(t *testing.T) {
	cases := []vatCase{
		{name: "accepts the EU's example DK13585628", in: "DK13585628", want: "DK13585628"},
		{name: "accepts spaces between pairs", in: "DK 13 58 56 28", want: "DK13585628"},
	}
	r := rand.New(rand.NewPCG(15, 16))
	isValid := func(s string) bool { _, c := VAT(s); return c == "" }
	var bad []vatCase
	for len(cases) < 24 {
		seven := strconv.Itoa(1+r.IntN(9)) + digits(r, 6)
		n, ok := dkCVR(seven)
		if !ok {
			continue
		}
		cases = append(cases, vatCase{name: "accepts DK" + n, in: "DK" + n, want: "DK" + n})
		if len(bad) < 14 {
			w := wrongLast("DK"+n, isValid)
			bad = append(bad, vatCase{name: "rejects " + w + " with a wrong check digit", in: w, code: CodeVATChecksum})
		}
	}
	bad = append(bad,
		vatCase{name: "rejects a leading zero", in: "DK03585628", code: CodeVATFormat},
		vatCase{name: "rejects seven digits", in: "DK1358562", code: CodeVATFormat},
		vatCase{name: "rejects nine digits", in: "DK135856280", code: CodeVATFormat},
		vatCase{name: "rejects a letter", in: "DK1358562X", code: CodeVATFormat},
		vatCase{name: "rejects swapped digits", in: "DK31585628", code: CodeVATChecksum},
		vatCase{name: "rejects the number without DK", in: "13585628", code: CodeVATCountry},
	)
	runVATCases(t, append(cases, bad...))
}

func TestVATNorway(t *testing.T) {
	cases := []vatCase{
		{name: "accepts Brønnøysundregistrene's number with MVA", in: "NO974760673MVA", want: "NO974760673MVA"},
		{name: "adds MVA when it is left out", in: "NO974760673", want: "NO974760673MVA"},
		{name: "accepts spaces and lower case", in: "no 974 760 673 mva", want: "NO974760673MVA"},
	}
	r := rand.New(rand.NewPCG(17, 18))
	isValid := func(s string) bool { _, c := VAT(s + "MVA"); return c == "" }
	var bad []vatCase
	for len(cases) < 24 {
		n, ok := noOrgnr(strconv.Itoa(8+r.IntN(2)) + digits(r, 7))
		if !ok {
			continue
		}
		cases = append(cases, vatCase{name: "accepts NO" + n + "MVA", in: "NO" + n + "MVA", want: "NO" + n + "MVA"})
		if len(bad) < 14 {
			w := wrongLast("NO"+n, isValid)
			bad = append(bad, vatCase{name: "rejects " + w + "MVA with a wrong check digit", in: w + "MVA", code: CodeVATChecksum})
		}
	}
	// Eight digits whose check digit would be 10 are never issued.
	for n := 0; len(bad) < 17; n++ {
		eight := fmt.Sprintf("%08d", 10000000+n*7919%90000000)
		if _, ok := noOrgnr(eight); !ok {
			bad = append(bad, vatCase{name: "rejects " + eight + ", which has no check digit", in: "NO" + eight + "0MVA", code: CodeVATChecksum})
		}
	}
	bad = append(bad,
		vatCase{name: "rejects eight digits", in: "NO97476067MVA", code: CodeVATFormat},
		vatCase{name: "rejects ten digits", in: "NO9747606731MVA", code: CodeVATFormat},
		vatCase{name: "rejects another suffix", in: "NO974760673VAT", code: CodeVATFormat},
		vatCase{name: "rejects the number without NO", in: "974760673MVA", code: CodeVATCountry},
	)
	runVATCases(t, append(cases, bad...))
}

func TestVATOtherCountriesByFormat(t *testing.T) {
	runVATCases(t, []vatCase{
		{name: "accepts a German number of nine digits", in: "DE123456789", want: "DE123456789"},
		{name: "accepts an Austrian number with its U", in: "ATU12345678", want: "ATU12345678"},
		{name: "accepts a Dutch number with B01", in: "NL123456789B01", want: "NL123456789B01"},
		{name: "accepts a French number with a letter key", in: "FRXX123456789", want: "FRXX123456789"},
		{name: "reads GR as Greece's VAT prefix EL", in: "GR123456789", want: "EL123456789"},
		{name: "accepts an Irish number of the old form", in: "IE1A23456B", want: "IE1A23456B"},
		{name: "accepts Northern Ireland's XI", in: "XI123456789", want: "XI123456789"},
		{name: "rejects a German number of eight digits", in: "DE12345678", code: CodeVATFormat},
		{name: "rejects an Austrian number without U", in: "AT123456789", code: CodeVATFormat},
		{name: "rejects a Dutch number without B", in: "NL123456789001", code: CodeVATFormat},
		{name: "rejects a prefix that is no VAT area", in: "US123456789", code: CodeVATCountry},
		{name: "rejects a value without letters", in: "12", code: CodeVATCountry},
		{name: "rejects a single letter", in: "F", code: CodeVATCountry},
		{name: "rejects a very long value", in: "DE1234567890123456789012345678901234567890", code: CodeVATFormat},
	})
}

func TestBusinessID(t *testing.T) {
	tests := []struct {
		name, country, in, want string
		code                    Code
	}{
		{name: "accepts a Y-tunnus", country: "FI", in: "0112038-9", want: "0112038-9"},
		{name: "adds the hyphen to a Y-tunnus", country: "FI", in: "01120389", want: "0112038-9"},
		{name: "restores the leading zero of an old six-digit Y-tunnus", country: "FI", in: "112038-9", want: "0112038-9"},
		{name: "rejects a Y-tunnus with a wrong check digit", country: "FI", in: "0112038-8", code: CodeBusinessIDChecksum},
		{name: "rejects a Y-tunnus with a letter", country: "FI", in: "0112038-X", code: CodeBusinessIDFormat},
		{name: "accepts an organisationsnummer", country: "SE", in: "556012-5790", want: "556012-5790"},
		{name: "adds the hyphen to an organisationsnummer", country: "SE", in: "5560125790", want: "556012-5790"},
		{name: "drops the 16 of the twelve-digit form", country: "SE", in: "165560125790", want: "556012-5790"},
		{name: "rejects an organisationsnummer failing Luhn", country: "SE", in: "556012-5791", code: CodeBusinessIDChecksum},
		{name: "accepts an organisasjonsnummer", country: "NO", in: "974 760 673", want: "974760673"},
		{name: "rejects an organisasjonsnummer with a wrong check digit", country: "NO", in: "974760674", code: CodeBusinessIDChecksum},
		{name: "accepts a CVR number", country: "DK", in: "13585628", want: "13585628"},
		{name: "rejects a CVR number with a wrong check digit", country: "DK", in: "13585629", code: CodeBusinessIDChecksum},
		{name: "rejects a country out of scope", country: "DE", in: "123456789", code: CodeBusinessIDFormat},
		{name: "rejects an empty value as required", country: "FI", in: " ", code: CodeRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, code := BusinessID(tt.country, tt.in)
			if got != tt.want || code != tt.code {
				t.Errorf("BusinessID(%q, %q) = %q, %q; want %q, %q", tt.country, tt.in, got, code, tt.want, tt.code)
			}
		})
	}
}
