package validate

import (
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The fuzz targets check that no input panics and that the validators keep
// their promises: a valid result validates again to itself, and a rejected
// input comes back with a known code and no value.

func FuzzEmail(f *testing.F) {
	for _, s := range []string{
		"matti@example.fi", "Matti.M@Example.FI", "a@b", "@", "a@@b.fi", "a b@c.fi",
		"jöns@exämple.se", "\xff@x.fi", strings.Repeat("a", 70) + "@x.fi", "a@-x.fi", "a@1.2.3.4", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, code := Email(s)
		if code != "" {
			if got != "" || !code.Known() {
				t.Fatalf("Email(%q) = %q, %q", s, got, code)
			}
			return
		}
		if again, code := Email(got); code != "" || again != got {
			t.Fatalf("Email(%q) = %q, but that gives %q, %q", s, got, again, code)
		}
		if strings.Count(got, "@") != 1 || len(got) > MaxEmailLen || !utf8.ValidString(got) {
			t.Fatalf("Email(%q) accepted %q", s, got)
		}
	})
}

func FuzzPhone(f *testing.F) {
	for _, s := range []string{
		"040 123 4567", "+358 (0)40 123 4567", "0046 70 123 45 67", "+1 202 555 0123",
		"+999", "(0)", "00", "+", "040+1", "\u00a0040 1234567", "1 (202) 555-0123",
	} {
		f.Add(s, "FI")
	}
	f.Add("412 34 567", "no")
	f.Add("12345678", "")
	f.Fuzz(func(t *testing.T, s, region string) {
		got, code := Phone(s, region)
		if code != "" {
			if got != "" || !code.Known() {
				t.Fatalf("Phone(%q, %q) = %q, %q", s, region, got, code)
			}
			return
		}
		if got[0] != '+' || len(got) > MaxE164Digits+1 || !allDigits(got[1:]) {
			t.Fatalf("Phone(%q, %q) = %q, not E.164", s, region, got)
		}
		if again, code := Phone(got, ""); code != "" || again != got {
			t.Fatalf("Phone(%q) = %q, but that gives %q, %q", s, got, again, code)
		}
	})
}

func FuzzNationalID(f *testing.F) {
	for _, s := range []string{
		"131052-308T", "010594Y9021", "010516b903x", "811228-9874", "19121212-1212", "121212+1212",
		"0707614285", "070761-4285", "01010050012", "290200-1234", "000000-0000", "", "+", "------------",
	} {
		for _, c := range []string{"", "FI", "SE", "NO", "DK"} {
			f.Add(c, s)
		}
	}
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, country, s string) {
		info, code := NationalIDAt(country, s, now)
		if code != "" {
			if info != (NationalIDInfo{}) || !code.Known() {
				t.Fatalf("NationalIDAt(%q, %q) = %v, %q", country, s, info, code)
			}
			return
		}
		if info.Birthdate.After(now) || info.Birthdate.IsZero() {
			t.Fatalf("NationalIDAt(%q, %q) birth date %v", country, s, info.Birthdate)
		}
		again, code := NationalIDAt(info.Country, info.Normalized, now)
		if code != "" || again != info {
			t.Fatalf("NationalIDAt(%q, %q) = %+v, but its normal form gives %+v, %q", country, s, info, again, code)
		}
		if strings.Contains(Mask(s, Public), strings.TrimSpace(s)) {
			t.Fatalf("Mask shows the valid number %q", s)
		}
	})
}

func FuzzDate(f *testing.F) {
	for _, s := range []string{
		"2024-02-29", "20240229", "2024-02-29T13:45:30.123+02:00", "2024-02-29 13:45", "20240229T134530Z",
		"0000-01-01", "9999-12-31T23:59:59.999999999-23:59", "2024-02-29T", "2024-02-29T13:45:30.", "",
	} {
		f.Add(s, 45351.5, false)
	}
	f.Add("", math.NaN(), true)
	f.Add("", -1.0, true)
	f.Add("", 2958465.99999, false)
	f.Fuzz(func(t *testing.T, s string, serial float64, date1904 bool) {
		got, code := Date(s)
		if code != "" {
			if !got.IsZero() || !code.Known() {
				t.Fatalf("Date(%q) = %v, %q", s, got, code)
			}
		} else if y := got.Year(); y < 0 || y > 10000 {
			t.Fatalf("Date(%q) = %v", s, got)
		}
		tm, code := ExcelSerial(serial, date1904)
		if code != "" {
			if !tm.IsZero() || !code.Known() {
				t.Fatalf("ExcelSerial(%v) = %v, %q", serial, tm, code)
			}
			return
		}
		if y := tm.Year(); y < 1900 || y > 9999 {
			t.Fatalf("ExcelSerial(%v, %v) = %v", serial, date1904, tm)
		}
	})
}

func FuzzVAT(f *testing.F) {
	for _, s := range []string{"FI01120389", "fi 0112038-9", "SE556012579001", "DK13585628", "NO974760673MVA", "GR123456789", "NL123456789B01", "IE1+23456B", "", "F"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, code := VAT(s)
		if code != "" {
			if got != "" || !code.Known() {
				t.Fatalf("VAT(%q) = %q, %q", s, got, code)
			}
			return
		}
		if again, code := VAT(got); code != "" || again != got {
			t.Fatalf("VAT(%q) = %q, but that gives %q, %q", s, got, again, code)
		}
	})
}
