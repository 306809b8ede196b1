package validate

import (
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"

	"github.com/impexkit/impex/internal/race"
)

// reference is what libphonenumber makes of s read in region, with the
// separators Phone allows dropped first: the E.164 form and whether s is
// a valid number there. ok is false when Phone refuses s by its alphabet
// alone (letters, extensions), which libphonenumber would read.
func reference(s, region string) (e164 string, valid, ok bool) {
	clean, plus, _, ok := phoneDigits(strings.TrimSpace(s))
	if !ok {
		return "", false, false
	}
	if plus {
		clean = "+" + clean
	}
	n, err := phonenumbers.Parse(clean, strings.ToUpper(region))
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", false, true
	}
	e164 = phonenumbers.Format(n, phonenumbers.E164)
	if len(e164)-1 > MaxE164Digits {
		// E.164 caps numbers at 15 digits; libphonenumber's patterns
		// allow a few longer ones (German ones among them), which Phone
		// refuses.
		return "", false, true
	}
	return e164, true, true
}

// agree fails t unless Phone and libphonenumber agree on s in region.
func agree(t *testing.T, s, region string) {
	t.Helper()
	got, code := Phone(s, region)
	want, valid, ok := reference(s, region)
	switch {
	case !ok:
		if code != CodeInvalidPhone && code != CodeRequired {
			t.Fatalf("Phone(%q, %q) = %q, %q; want CodeInvalidPhone for its characters", s, region, got, code)
		}
	case valid != (code == "") || got != want:
		t.Fatalf("Phone(%q, %q) = %q, %q; libphonenumber: %q, valid %v", s, region, got, code, want, valid)
	}
}

// regions returns every region libphonenumber knows, sorted.
func regions() []string {
	var rs []string
	for r := range phonenumbers.GetSupportedRegions() {
		rs = append(rs, r)
	}
	sort.Strings(rs)
	return rs
}

// TestPhoneReadsEveryRegionsExamples reads libphonenumber's example number
// of every kind in every region, written as people write them: nationally
// in the region, internationally from Finland, and in E.164.
func TestPhoneReadsEveryRegionsExamples(t *testing.T) {
	kinds := []phonenumbers.PhoneNumberType{
		phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE, phonenumbers.PREMIUM_RATE,
		phonenumbers.SHARED_COST, phonenumbers.VOIP, phonenumbers.PERSONAL_NUMBER, phonenumbers.PAGER,
		phonenumbers.UAN, phonenumbers.VOICEMAIL,
	}
	read := 0
	for _, region := range regions() {
		for _, kind := range kinds {
			n := phonenumbers.GetExampleNumberForType(region, kind)
			if n == nil {
				continue
			}
			want := phonenumbers.Format(n, phonenumbers.E164)
			for _, s := range []string{
				phonenumbers.Format(n, phonenumbers.NATIONAL),
				phonenumbers.Format(n, phonenumbers.INTERNATIONAL),
				want,
			} {
				agree(t, s, region)
				if got, code := Phone(s, region); code == "" && got != want {
					t.Errorf("Phone(%q, %q) = %q; want %q", s, region, got, want)
				}
			}
			agree(t, phonenumbers.Format(n, phonenumbers.INTERNATIONAL), "FI")
			read++
		}
	}
	if read < 1000 {
		t.Fatalf("read %d example numbers; libphonenumber has well over a thousand", read)
	}
}

// TestPhoneAgreesWithLibphonenumber compares Phone with libphonenumber on
// numbers built to hit the cases that differ between regions: trunk
// prefixes after the country code, international prefixes, the region's
// own calling code without a +, leading zeros, and every length.
func TestPhoneAgreesWithLibphonenumber(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	rs := regions()
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
		}
		return string(b)
	}
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for range n {
		region := rs[rng.IntN(len(rs))]
		code := strconv.Itoa(phonenumbers.GetCountryCodeForRegion(region))
		trunk := phonenumbers.GetNddPrefixForRegion(region, true)
		// Most numbers take a valid example's first digits, so that many
		// are valid and the rest fail late rather than at once.
		body := digits(1 + rng.IntN(14))
		if ex := phonenumbers.GetExampleNumber(region); ex != nil && rng.IntN(4) > 0 {
			nsn := phonenumbers.GetNationalSignificantNumber(ex)
			keep := rng.IntN(len(nsn) + 1)
			body = nsn[:keep] + digits(max(0, len(nsn)-keep+rng.IntN(3)-1))
		}
		var s string
		switch rng.IntN(6) {
		case 0:
			s = body
		case 1:
			s = trunk + body
		case 2:
			s = "+" + code + " " + body
		case 3:
			s = "+" + code + " " + trunk + body
		case 4:
			s = "00" + code + body
		case 5:
			s = code + body
		}
		agree(t, s, region)
		agree(t, s, "FI")
	}
}

// FuzzPhoneAgreesWithLibphonenumber is the fuzzing form of the test above.
func FuzzPhoneAgreesWithLibphonenumber(f *testing.F) {
	for _, s := range []string{
		"040 123 4567", "+358 040 123 4567", "0046 70 123 45 67", "+44 (0)20 7946 0958",
		"06 1234 5678", "358401234567", "1 (202) 555-0123", "011 44 20 7946 0958", "+800 1234 5678",
		"0 11 15 2345 6789", "+54 9 11 2345 6789", "+7 701 123 4567", "+1 684 733 1234",
	} {
		for _, r := range []string{"FI", "IT", "US", "AR", "KZ", "GB", ""} {
			f.Add(s, r)
		}
	}
	f.Fuzz(func(t *testing.T, s, region string) {
		if len(region) > 3 {
			return
		}
		agree(t, s, region)
	})
}

// TestPhoneIsFastOnTheCommonForms keeps the compiled path in use for the
// forms files hold: a change that sent them through phonenumbers.Parse
// would pass every test above while making imports several times slower.
func TestPhoneIsFastOnTheCommonForms(t *testing.T) {
	if race.Enabled {
		t.Skip("allocation bounds do not hold under the race detector; CI runs this test without it")
	}
	for _, tc := range []struct{ s, region string }{
		{"+358401234567", "FI"}, {"+358 40 123 4567", ""}, {"040 123 4567", "FI"},
		{"+46 070 123 45 67", "FI"}, {"+44 20 7946 0958", "SE"}, {"070-123 45 67", "SE"},
	} {
		Phone(tc.s, tc.region) // compile the region's patterns
		// At most the digits without their separators, and the result.
		want := 0.0
		if strings.ContainsAny(tc.s, " -") {
			want++
		}
		if !strings.HasPrefix(tc.s, "+") || want > 0 {
			want++
		}
		allocs := testing.AllocsPerRun(100, func() { Phone(tc.s, tc.region) })
		if allocs > want {
			t.Errorf("Phone(%q, %q) allocates %.0f times; want at most %.0f", tc.s, tc.region, allocs, want)
		}
	}
}
