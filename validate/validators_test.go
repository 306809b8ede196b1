package validate

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type strCase struct {
	name, in, want string
	code           Code
}

func runStr(t *testing.T, fn func(string) (string, Code), fname string, cases []strCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, code := fn(c.in)
			if got != c.want || code != c.code {
				t.Errorf("%s(%q) = %q, %q; want %q, %q", fname, c.in, got, code, c.want, c.code)
			}
		})
	}
}

func TestEmail(t *testing.T) {
	runStr(t, Email, "Email", []strCase{
		{name: "accepts a plain address", in: "matti.meikalainen@example.fi", want: "matti.meikalainen@example.fi"},
		{name: "lower-cases the domain only", in: "Matti.M@Example.FI", want: "Matti.M@example.fi"},
		{name: "trims surrounding whitespace", in: "  anna@example.se\t", want: "anna@example.se"},
		{name: "accepts plus addressing", in: "anna+shop@example.se", want: "anna+shop@example.se"},
		{name: "accepts the RFC's special characters", in: "a!#$%&'*+-/=?^_`{|}~b@example.com", want: "a!#$%&'*+-/=?^_`{|}~b@example.com"},
		{name: "accepts a subdomain and hyphens", in: "x@mail-1.sub.example.co.uk", want: "x@mail-1.sub.example.co.uk"},
		{name: "accepts letters outside ASCII", in: "jöns@exämple.se", want: "jöns@exämple.se"},
		{name: "accepts a punycode domain", in: "a@xn--exmple-cua.se", want: "a@xn--exmple-cua.se"},
		{name: "accepts 64 characters before the @", in: strings.Repeat("a", 64) + "@example.com", want: strings.Repeat("a", 64) + "@example.com"},
		{name: "reports an empty value as required", in: " ", code: CodeRequired},
		{name: "reports a missing @", in: "matti.example.com", code: CodeEmailNoAt},
		{name: "reports two @ signs", in: "matti@@example.com", code: CodeEmailManyAt},
		{name: "reports an @ in the name", in: "a@b@example.com", code: CodeEmailManyAt},
		{name: "reports a space inside", in: "matti meikalainen@example.fi", code: CodeEmailSpace},
		{name: "reports a no-break space inside", in: "matti\u00a0m@example.fi", code: CodeEmailSpace},
		{name: "reports a control character", in: "matti\x00@example.fi", code: CodeInvalidEmail},
		{name: "reports broken UTF-8", in: "m\xffatti@example.fi", code: CodeInvalidEmail},
		{name: "reports an empty name", in: "@example.fi", code: CodeEmailLocal},
		{name: "reports a leading dot", in: ".matti@example.fi", code: CodeEmailLocal},
		{name: "reports a trailing dot before the @", in: "matti.@example.fi", code: CodeEmailLocal},
		{name: "reports two dots in a row", in: "matti..m@example.fi", code: CodeEmailLocal},
		{name: "reports a comma in the name", in: "matti,m@example.fi", code: CodeEmailLocal},
		{name: "reports a quoted name as unsupported", in: `"matti m"@example.fi`, code: CodeEmailSpace},
		{name: "reports an empty domain", in: "matti@", code: CodeEmailDomain},
		{name: "reports a domain without a dot", in: "matti@localhost", code: CodeEmailDomain},
		{name: "reports a trailing dot in the domain", in: "matti@example.fi.", code: CodeEmailDomain},
		{name: "reports a leading hyphen in a label", in: "matti@-example.fi", code: CodeEmailDomain},
		{name: "reports an underscore in the domain", in: "matti@ex_ample.fi", code: CodeEmailDomain},
		{name: "reports an all-digit top-level domain", in: "matti@192.168.0.1", code: CodeEmailDomain},
		{name: "reports an address literal", in: "matti@[192.168.0.1]", code: CodeEmailDomain},
		{name: "reports 65 characters before the @", in: strings.Repeat("a", 65) + "@example.com", code: CodeEmailTooLong},
		{name: "reports a 64-character label", in: "a@" + strings.Repeat("b", 64) + ".com", code: CodeEmailTooLong},
		{name: "reports more than 254 characters", in: "a@" + strings.Repeat("b.", 126) + "com", code: CodeEmailTooLong},
	})
}

func TestPhone(t *testing.T) {
	tests := []struct {
		name, in, region, want string
		code                   Code
	}{
		{name: "normalises a Finnish mobile number", in: "040 123 4567", region: "FI", want: "+358401234567"},
		{name: "normalises a Finnish landline with an area code", in: "(09) 123 4567", region: "FI", want: "+35891234567"},
		{name: "accepts an E.164 number as it is", in: "+358401234567", region: "FI", want: "+358401234567"},
		{name: "drops the (0) after the country code", in: "+358 (0)40 123 4567", region: "", want: "+358401234567"},
		{name: "reads 00 as the international prefix", in: "0046 70 123 45 67", region: "FI", want: "+46701234567"},
		// The trunk prefix written after the country code, as in real
		// exports, is dropped; regions without one keep every digit.
		{name: "drops a Finnish trunk 0 after +358", in: "+358 040 123 4567", region: "FI", want: "+358401234567"},
		{name: "drops a Swedish trunk 0 after +46", in: "+46 070 123 45 67", region: "FI", want: "+46701234567"},
		{name: "drops a British trunk 0 after +44", in: "+44 020 7946 0958", region: "FI", want: "+442079460958"},
		{name: "drops a German trunk 0 after 0049", in: "0049 030 1234567", region: "FI", want: "+49301234567"},
		{name: "keeps a Norwegian number after +47", in: "+47 412 34 567", region: "FI", want: "+4741234567"},
		{name: "keeps a Danish number after +45", in: "+45 20 12 34 56", region: "FI", want: "+4520123456"},
		{name: "reports a Danish number with a 0 that is not a trunk", in: "+45 020 12 34 56", region: "FI", code: CodePhoneLength},
		{name: "reports a German number with two trunk zeros", in: "0049 00 1234567", region: "FI", code: CodePhoneRange},
		{name: "drops a German trunk 0 after +49", in: "+49 (0)30 1234567", region: "", want: "+49301234567"},
		{name: "normalises a German number", in: "030 1234567", region: "DE", want: "+49301234567"},
		{name: "normalises a British number", in: "020 7946 0958", region: "GB", want: "+442079460958"},
		{name: "drops a Danish-style trunk only where there is one", in: "+47 040 12 345", region: "FI", code: CodePhoneRange},
		{name: "keeps the Italian leading 0, which is no trunk prefix", in: "+39 06 1234 5678", region: "FI", want: "+390612345678"},
		{name: "keeps the Italian leading 0 of a national number", in: "06 1234 5678", region: "IT", want: "+390612345678"},
		{name: "reads an Åland number by its region's own plan", in: "018 12345", region: "AX", want: "+3581812345"},
		{name: "reads the region's calling code without a +", in: "358 40 123 4567", region: "FI", want: "+358401234567"},
		{name: "reports a US area code that begins with 1", in: "+1 123 456 7890", region: "", code: CodePhoneRange},
		{name: "normalises a Swedish number", in: "070-123 45 67", region: "SE", want: "+46701234567"},
		{name: "normalises a Norwegian number without a trunk prefix", in: "412 34 567", region: "NO", want: "+4741234567"},
		{name: "normalises a Danish number", in: "20 12 34 56", region: "dk", want: "+4520123456"},
		{name: "normalises a US number with its trunk 1", in: "1 (202) 555-0123", region: "US", want: "+12025550123"},
		{name: "accepts a number of a country without a table", in: "+81 3-1234-5678", region: "FI", want: "+81312345678"},
		{name: "accepts dots and slashes", in: "040/123.45.67", region: "FI", want: "+358401234567"},
		{name: "reports an empty value as required", in: "", region: "FI", code: CodeRequired},
		{name: "reports letters", in: "040 CALL NOW", region: "FI", code: CodeInvalidPhone},
		{name: "reports an extension", in: "040 123 4567 ext 12", region: "FI", code: CodeInvalidPhone},
		{name: "reports a + in the middle", in: "040+1234567", region: "FI", code: CodeInvalidPhone},
		{name: "reports punctuation only", in: "--", region: "FI", code: CodeInvalidPhone},
		{name: "reports an unassigned calling code", in: "+999 123 4567", region: "FI", code: CodePhoneCountryCode},
		{name: "reads the region's international prefix after a +, as libphonenumber does", in: "+00 358 40 123 4567", region: "FI", want: "+358401234567"},
		{name: "reads a US prefix after a + in the US", in: "+011 1 202 555 0123", region: "US", want: "+12025550123"},
		{name: "reports an international prefix after a + without a region", in: "+00 358 40 123 4567", region: "", code: CodePhoneCountryCode},
		{name: "reports a national number without a region", in: "040 123 4567", region: "", code: CodePhoneRegion},
		{name: "reports a national number with an unknown region", in: "040 123 4567", region: "ZZ", code: CodePhoneRegion},
		{name: "reports a Danish number of seven digits", in: "+45 2012345", region: "", code: CodePhoneLength},
		{name: "reports a Norwegian number of nine digits", in: "412 34 5678", region: "NO", code: CodePhoneLength},
		{name: "reports more than 15 digits", in: "+81 1234 5678 9012 34", region: "", code: CodePhoneLength},
		{name: "reports a German number libphonenumber accepts but E.164 is too short for", in: "+49 201 00000000000", region: "", code: CodePhoneLength},
		{name: "reports too few digits", in: "+81 12", region: "", code: CodePhoneLength},
		{name: "reports a very long value", in: strings.Repeat("1", 65), region: "FI", code: CodeInvalidPhone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, code := Phone(tt.in, tt.region)
			if got != tt.want || code != tt.code {
				t.Errorf("Phone(%q, %q) = %q, %q; want %q, %q", tt.in, tt.region, got, code, tt.want, tt.code)
			}
		})
	}
}

func TestPhoneRuleNamesTheCountry(t *testing.T) {
	_, p := PhoneRule("NO")("412 34 5678")
	if diff := cmp.Diff(Problem{Code: CodePhoneLength, Params: Params{Country: "NO"}}, p); diff != "" {
		t.Errorf("problem (-want +got):\n%s", diff)
	}
	if got := New(p.Code, Where{}).WithParams(p.Params).Message(english.lang); got != "too few or too many digits for a phone number (NO)" {
		t.Errorf("message = %q", got)
	}
}

func TestCountry(t *testing.T) {
	runStr(t, Country, "Country", []strCase{
		{name: "accepts FI", in: "FI", want: "FI"},
		{name: "upper-cases fi", in: "fi", want: "FI"},
		{name: "accepts the first code AD", in: "AD", want: "AD"},
		{name: "accepts the last code ZW", in: "zw", want: "ZW"},
		{name: "accepts Åland AX", in: "Ax", want: "AX"},
		{name: "accepts Kosovo XK", in: "XK", want: "XK"},
		{name: "trims spaces", in: " SE ", want: "SE"},
		{name: "rejects EU, which is no country", in: "EU", code: CodeInvalidCountry},
		{name: "rejects UK, which is reserved", in: "UK", code: CodeInvalidCountry},
		{name: "rejects ZZ", in: "ZZ", code: CodeInvalidCountry},
		{name: "rejects a three-letter code", in: "FIN", code: CodeInvalidCountry},
		{name: "rejects digits", in: "24", code: CodeInvalidCountry},
		{name: "rejects one letter", in: "F", code: CodeInvalidCountry},
		{name: "reports an empty value as required", in: "", code: CodeRequired},
	})
	// The list holds the 249 assigned codes plus XK, sorted.
	n := 0
	prev := ""
	for code := range strings.FieldsSeq(countryCodes) {
		if code <= prev {
			t.Errorf("country list out of order at %s", code)
		}
		prev = code
		n++
	}
	if n != 250 {
		t.Errorf("country list has %d codes, want 249 + XK", n)
	}
}

func TestLocale(t *testing.T) {
	runStr(t, Locale, "Locale", []strCase{
		{name: "keeps SFCC's en_US", in: "en_US", want: "en_US"},
		{name: "turns BCP 47 into SFCC form", in: "en-us", want: "en_US"},
		{name: "accepts a language alone", in: "fi", want: "fi"},
		{name: "accepts a script", in: "zh_hant_tw", want: "zh_Hant_TW"},
		{name: "keeps Norwegian no as it is", in: "no_NO", want: "no_NO"},
		{name: "keeps SFCC's default", in: "Default", want: "default"},
		{name: "rejects und", in: "und", code: CodeInvalidLocale},
		{name: "rejects an unknown language", in: "qq_QQ", code: CodeInvalidLocale},
		{name: "rejects a unicode extension", in: "en-US-u-ca-gregory", code: CodeInvalidLocale},
		{name: "rejects private use", in: "x-klingon", code: CodeInvalidLocale},
		{name: "rejects spaces inside", in: "en US", code: CodeInvalidLocale},
		{name: "rejects a dot", in: "en_US.UTF-8", code: CodeInvalidLocale},
		{name: "reports an empty value as required", in: "", code: CodeRequired},
	})
	runStr(t, LocaleTag, "LocaleTag", []strCase{
		{name: "turns SFCC form into BCP 47", in: "sv_FI", want: "sv-FI"},
		{name: "reads default as und", in: "default", want: "und"},
	})
}

func TestDate(t *testing.T) {
	utc := func(y int, m time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, m, d, h, mi, s, ns, time.UTC)
	}
	tests := []struct {
		name, in string
		want     time.Time
		code     Code
	}{
		{name: "reads a calendar date", in: "2024-02-29", want: utc(2024, 2, 29, 0, 0, 0, 0)},
		{name: "reads the basic form", in: "20240229", want: utc(2024, 2, 29, 0, 0, 0, 0)},
		{name: "reads a date and time", in: "2024-02-29T13:45", want: utc(2024, 2, 29, 13, 45, 0, 0)},
		{name: "reads a space as the separator", in: "2024-02-29 13:45:30", want: utc(2024, 2, 29, 13, 45, 30, 0)},
		{name: "reads a fraction with a comma", in: "2024-02-29T13:45:30,5", want: utc(2024, 2, 29, 13, 45, 30, 500_000_000)},
		{name: "reads nanoseconds and drops further digits", in: "2024-02-29T13:45:30.1234567891Z", want: utc(2024, 2, 29, 13, 45, 30, 123456789)},
		{name: "converts an offset to UTC", in: "2024-03-01T01:30:00+02:00", want: utc(2024, 2, 29, 23, 30, 0, 0)},
		{name: "reads an offset without a colon", in: "2024-02-29T12:00-0530", want: utc(2024, 2, 29, 17, 30, 0, 0)},
		{name: "reads an offset in hours", in: "2024-02-29T12:00+01", want: utc(2024, 2, 29, 11, 0, 0, 0)},
		{name: "reads the basic date and time", in: "20240229T134530Z", want: utc(2024, 2, 29, 13, 45, 30, 0)},
		{name: "reads the first year", in: "0001-01-01", want: utc(1, 1, 1, 0, 0, 0, 0)},
		{name: "reads the last day", in: "9999-12-31T23:59:59", want: utc(9999, 12, 31, 23, 59, 59, 0)},
		{name: "trims spaces", in: " 2024-01-02 ", want: utc(2024, 1, 2, 0, 0, 0, 0)},
		{name: "reports an empty value as required", in: "", code: CodeRequired},
		{name: "rejects 29 February 2023", in: "2023-02-29", code: CodeInvalidDate},
		{name: "rejects 29 February 1900", in: "1900-02-29", code: CodeInvalidDate},
		{name: "rejects month 13", in: "2024-13-01", code: CodeInvalidDate},
		{name: "rejects day 00", in: "2024-01-00", code: CodeInvalidDate},
		{name: "rejects the year 0000", in: "0000-01-01", code: CodeDateRange},
		{name: "rejects a Finnish date", in: "29.2.2024", code: CodeInvalidDate},
		{name: "rejects a US date", in: "02/29/2024", code: CodeInvalidDate},
		{name: "rejects a month alone", in: "2024-02", code: CodeInvalidDate},
		{name: "rejects hour 24", in: "2024-02-29T24:00", code: CodeInvalidDate},
		{name: "rejects a leap second", in: "2016-12-31T23:59:60Z", code: CodeInvalidDate},
		{name: "rejects a basic time after an extended date", in: "2024-02-29T1345", code: CodeInvalidDate},
		{name: "rejects a trailing character", in: "2024-02-29T13:45Zx", code: CodeInvalidDate},
		{name: "rejects an empty fraction", in: "2024-02-29T13:45:30.", code: CodeInvalidDate},
		{name: "rejects an offset of 24 hours", in: "2024-02-29T13:45+24:00", code: CodeInvalidDate},
		{name: "rejects a missing time", in: "2024-02-29T", code: CodeInvalidDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, code := Date(tt.in)
			if !got.Equal(tt.want) || code != tt.code {
				t.Errorf("Date(%q) = %v, %q; want %v, %q", tt.in, got, code, tt.want, tt.code)
			}
		})
	}
}

func TestDateInReadsWallClockTimesInTheLocation(t *testing.T) {
	helsinki := time.FixedZone("EET", 2*3600)
	got, code := DateIn("2024-06-01T12:00", helsinki)
	if code != "" || !got.Equal(time.Date(2024, 6, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("DateIn = %v, %q", got, code)
	}
	if out, p := DateRule(helsinki)("2024-06-01T12:00"); !p.OK() || out != "2024-06-01T12:00:00+02:00" {
		t.Errorf("DateRule = %q, %v", out, p)
	}
	if out, p := DateRule(nil)("20240601"); !p.OK() || out != "2024-06-01" {
		t.Errorf("DateRule(date) = %q, %v", out, p)
	}
}

func TestExcelSerial(t *testing.T) {
	d := func(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		serial   float64
		date1904 bool
		want     time.Time
		code     Code
	}{
		{name: "serial 1 is 1 January 1900", serial: 1, want: d(1900, 1, 1)},
		{name: "serial 59 is 28 February 1900", serial: 59, want: d(1900, 2, 28)},
		{name: "serial 60 is Excel's 29 February 1900, which never was", serial: 60, code: CodeInvalidDate},
		{name: "serial 61 is 1 March 1900", serial: 61, want: d(1900, 3, 1)},
		{name: "serial 45351 is 29 February 2024", serial: 45351, want: d(2024, 2, 29)},
		{name: "the fraction is the time of day", serial: 45351.75, want: d(2024, 2, 29).Add(18 * time.Hour)},
		{name: "the time rounds to the millisecond", serial: 45351 + 1.0/3, want: d(2024, 2, 29).Add(8 * time.Hour)},
		{name: "the last serial is 31 December 9999", serial: 2958465, want: d(9999, 12, 31)},
		{name: "serial 0 is before the first date", serial: 0, code: CodeDateRange},
		{name: "a negative serial is out of range", serial: -1, code: CodeDateRange},
		{name: "a serial after 9999 is out of range", serial: 2958466, code: CodeDateRange},
		{name: "NaN is not a date", serial: math.NaN(), code: CodeInvalidDate},
		{name: "infinity is not a date", serial: math.Inf(1), code: CodeInvalidDate},
		{name: "serial 0 in 1904 is 1 January 1904", serial: 0, date1904: true, want: d(1904, 1, 1)},
		{name: "serial 43889 in 1904 is 29 February 2024", serial: 43889, date1904: true, want: d(2024, 2, 29)},
		{name: "the last 1904 serial is 31 December 9999", serial: 2957003, date1904: true, want: d(9999, 12, 31)},
		{name: "a negative 1904 serial is out of range", serial: -0.5, date1904: true, code: CodeDateRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, code := ExcelSerial(tt.serial, tt.date1904)
			if !got.Equal(tt.want) || code != tt.code {
				t.Fatalf("ExcelSerial(%v, %v) = %v, %q; want %v, %q", tt.serial, tt.date1904, got, code, tt.want, tt.code)
			}
			if code == "" {
				if back := ToExcelSerial(got, tt.date1904); math.Abs(back-tt.serial) > 1e-6 {
					t.Errorf("ToExcelSerial gives %v back, want %v", back, tt.serial)
				}
			}
		})
	}
}

func TestRulesCompose(t *testing.T) {
	lastName := Chain(RequiredForNew, SingleLine, MaxLen(5))
	tests := []struct {
		name string
		rule Rule
		in   string
		want string
		p    Problem
	}{
		{"a chain passes a good value", lastName, "Virta", "Virta", Problem{}},
		{"a chain stops at the first problem", lastName, "", "", Problem{Code: CodeRequiredForNew}},
		{"MaxLen counts characters, not bytes", lastName, "Åäöüß", "Åäöüß", Problem{}},
		{"MaxLen reports the limit and the length", lastName, "Meikäläinen", "Meikäläinen", Problem{Code: CodeTooLong, Params: Params{Max: 5, Got: 11}}},
		{"SingleLine refuses a line break", lastName, "a\nb", "a\nb", Problem{Code: CodeControlCharacter}},
		{"Optional lets an empty value through", Optional(Func(Email)), "  ", "", Problem{}},
		{"Optional checks a value", Optional(Func(Email)), "x", "x", Problem{Code: CodeEmailNoAt}},
		{"a chain passes the normalised value on", Chain(Trim, Func(Country)), " fi ", "FI", Problem{}},
		{"MinLen reports its limit", MinLen(2), "a", "a", Problem{Code: CodeTooShort, Params: Params{Min: 2, Got: 1}}},
		{"MaxUTF16Len counts an emoji twice", MaxUTF16Len(3), "ab😀", "ab😀", Problem{Code: CodeTooLong, Params: Params{Max: 3, Got: 4}}},
		{"NoEdgeSpace refuses a trailing space", XSDNonEmptyString(256), "x ", "x ", Problem{Code: CodeWhitespace}},
		{"XSDNonEmptyString requires a value", XSDNonEmptyString(256), "", "", Problem{Code: CodeRequired}},
		{"XSDCountryCode keeps the case", XSDCountryCode(), "fi", "fi", Problem{}},
		{"XSDCountryCode refuses an empty code", XSDCountryCode(), "", "", Problem{Code: CodeTooShort, Params: Params{Min: 1, Got: 0}}},
		{"CustomNote allows line breaks", CustomNote(), "line 1\nline 2", "line 1\nline 2", Problem{}},
		{"CustomNote stops at 300 characters", CustomNote(), strings.Repeat("x", 301), strings.Repeat("x", 301), Problem{Code: CodeTooLong, Params: Params{Max: 300, Got: 301}}},
		{"ExcelCell allows 32767 units", ExcelCell(), strings.Repeat("x", 32767), strings.Repeat("x", 32767), Problem{}},
		{"OneOf lists what it expects", OneOf("male", "female"), "other", "other", Problem{Code: CodeInvalidValue, Params: Params{Expected: "male, female"}}},
		{"EmailRule normalises", EmailRule(), "A@B.FI", "A@b.fi", Problem{}},
		{"BooleanRule normalises", BooleanRule, " TRUE ", "true", Problem{}},
		{"VATRule names the country", VATRule(), "FI01120388", "FI01120388", Problem{Code: CodeVATChecksum, Params: Params{Country: "FI"}}},
		{"VATRule normalises", VATRule(), "fi 0112038-9", "FI01120389", Problem{}},
		{"BusinessIDRule names the country", BusinessIDRule("fi"), "0112038-8", "0112038-8", Problem{Code: CodeBusinessIDChecksum, Params: Params{Country: "FI"}}},
		{"NationalIDRule normalises", NationalIDRule("SE", func() time.Time { return testNow }), "811228-9874", "198112289874", Problem{}},
		{"NationalIDRule names the country", NationalIDRule("se", nil), "811228-9875", "811228-9875", Problem{Code: CodeSSNChecksum, Params: Params{Country: "SE"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, p := tt.rule(tt.in)
			if got != tt.want {
				t.Errorf("value = %q, want %q", got, tt.want)
			}
			if diff := cmp.Diff(tt.p, p); diff != "" {
				t.Errorf("problem (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFieldCheck(t *testing.T) {
	f := Field{Name: "lastName", Rule: Chain(RequiredForNew, MaxLen(3))}
	out, is, ok := f.Check(Cell("", 7, 3, "lastName"), "Virtanen")
	want := Issue{Code: CodeTooLong, Where: Where{Row: 7, Column: "D", Header: "lastName"}, Field: "lastName", Value: "Virtanen", Params: Params{Max: 3, Got: 8}}
	if ok || out != "" {
		t.Errorf("Check passed: %q", out)
	}
	if diff := cmp.Diff(want, is); diff != "" {
		t.Errorf("issue (-want +got):\n%s", diff)
	}
	if out, _, ok := (Field{Name: "free"}).Check(Where{}, "anything"); !ok || out != "anything" {
		t.Errorf("a field without a rule refused a value")
	}
}

func TestBooleanIntegerGenderLogin(t *testing.T) {
	for _, in := range []string{"TRUE", "true", "True", "1", " TRUE "} {
		if b, code := Boolean(in); !b || code != "" {
			t.Errorf("Boolean(%q) = %v, %q", in, b, code)
		}
	}
	for _, in := range []string{"FALSE", "false", "0"} {
		if b, code := Boolean(in); b || code != "" {
			t.Errorf("Boolean(%q) = %v, %q", in, b, code)
		}
	}
	for _, in := range []string{"", "yes", "no", "2", "T", "kyllä"} {
		if _, code := Boolean(in); code != CodeInvalidBoolean {
			t.Errorf("Boolean(%q) code = %q", in, code)
		}
	}
	if n, code := Integer(" -42 "); n != -42 || code != "" {
		t.Errorf("Integer = %d, %q", n, code)
	}
	for _, in := range []string{"", "4.2", "1e3", "99999999999999999999"} {
		if _, code := Integer(in); code != CodeInvalidNumber {
			t.Errorf("Integer(%q) code = %q", in, code)
		}
	}
	genders := []struct {
		in   string
		n    int
		set  bool
		code Code
	}{
		{"male", 1, true, ""}, {"Female", 2, true, ""}, {"0", 0, true, ""}, {"7", 7, true, ""},
		{"", 0, false, ""}, {"other", 0, false, CodeInvalidGender},
	}
	for _, g := range genders {
		n, set, code := Gender(g.in)
		if n != g.n || set != g.set || code != g.code {
			t.Errorf("Gender(%q) = %d, %v, %q", g.in, n, set, code)
		}
	}
	runStr(t, Login, "Login", []strCase{
		{name: "accepts the allowed characters", in: "Matti.M-1_x@example.fi", want: "Matti.M-1_x@example.fi"},
		{name: "refuses a space", in: "matti m", code: CodeInvalidLogin},
		{name: "refuses a letter outside ASCII", in: "jöns", code: CodeInvalidLogin},
		{name: "refuses 257 characters", in: strings.Repeat("a", 257), code: CodeTooLong},
		{name: "requires a value", in: "", code: CodeRequired},
	})
}

// A login takes every character the platform accepts in one, so that any
// e-mail address can be a login, and refuses spaces and control characters.
func TestLoginTakesEveryEmailCharacter(t *testing.T) {
	for _, s := range []string{"first+tag@example.com", "a#b!c&d$e%f*g/h?i=j^k`l~m}n|o{p@example.com", "o.hara_j-k@example.fi", "12345"} {
		if got, code := Login(s); code != "" || got != s {
			t.Errorf("Login(%q) = %q, %q; want it accepted", s, got, code)
		}
	}
	for _, s := range []string{"two words@example.com", "tab\t@x", "nul\x00", "line\nbreak", "o'hara@example.com", "ä@example.fi", "(comment)@x", "a,b@x"} {
		if _, code := Login(s); code != CodeInvalidLogin {
			t.Errorf("Login(%q) = %q, want %s", s, code, CodeInvalidLogin)
		}
	}
}
