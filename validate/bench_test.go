package validate

import (
	"github.com/nyaruka/phonenumbers"
	"testing"
	"time"
)

// The hot validators run once per cell of an import. On valid input that
// needs no normalisation they must not allocate.

var (
	sinkString string
	sinkCode   Code
	sinkTime   time.Time
	sinkInfo   NationalIDInfo
)

func BenchmarkEmail(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkString, sinkCode = Email("matti.meikalainen+shop@example.fi")
	}
}

func BenchmarkEmailNormalised(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkString, sinkCode = Email("Matti.Meikalainen@Example.FI")
	}
}

func BenchmarkEmailInvalid(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkString, sinkCode = Email("matti.meikalainen.example.fi")
	}
}

func BenchmarkNationalID(b *testing.B) {
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct{ name, country, in string }{
		{"FI", "FI", "131052-308T"},
		{"SE12", "SE", "198112289874"},
		{"SE10", "SE", "811228-9874"}, // normalising to 12 digits allocates once
		{"NO", "NO", "14078512394"},
		{"DK", "DK", "0707614285"},
		{"detect", "", "131052-308T"},
	}
	for _, c := range cases {
		if _, code := NationalIDAt(c.country, c.in, now); code != "" {
			b.Fatalf("%s: %q", c.in, code)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkInfo, sinkCode = NationalIDAt(c.country, c.in, now)
			}
		})
	}
}

func BenchmarkDate(b *testing.B) {
	for _, in := range []string{"2024-02-29", "2024-02-29T13:45:30.123+02:00"} {
		b.Run(in, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkTime, sinkCode = Date(in)
			}
		})
	}
	b.Run("excel-serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkTime, sinkCode = ExcelSerial(45351.75, false)
		}
	})
}

// phoneForms are the ways files write phone numbers, with the region they
// are read in.
var phoneForms = []struct{ name, s, region string }{
	{"E164", "+358401234567", "FI"},
	{"International", "+358 40 123 4567", "FI"},
	{"National", "040 123 4567", "FI"},
	{"TrunkAfterCode", "+44 020 7946 0958", "FI"},
	{"InternationalPrefix", "0046 70 123 45 67", "FI"},
}

// BenchmarkPhone reads each form with Phone; BenchmarkPhoneLibphonenumber
// is phonenumbers.Parse, IsValidNumber and Format on the same input, the
// work Phone spares the common forms.
func BenchmarkPhone(b *testing.B) {
	for _, f := range phoneForms {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sinkString, sinkCode = Phone(f.s, f.region)
			}
		})
	}
}

func BenchmarkPhoneLibphonenumber(b *testing.B) {
	for _, f := range phoneForms {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				n, err := phonenumbers.Parse(f.s, f.region)
				if err == nil && phonenumbers.IsValidNumber(n) {
					sinkString = phonenumbers.Format(n, phonenumbers.E164)
				}
			}
		})
	}
}

func BenchmarkVAT(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkString, sinkCode = VAT("FI01120389")
	}
}

func BenchmarkMaxLen(b *testing.B) {
	rule := Chain(RequiredForNew, SingleLine, MaxLen(MaxXSDString))
	b.ReportAllocs()
	for b.Loop() {
		sinkString, _ = rule("Meikäläinen")
	}
}

// TestHotValidatorsDoNotAllocate keeps the benchmarks' promise in the
// ordinary test run: valid input in normal form costs no allocation.
func TestHotValidatorsDoNotAllocate(t *testing.T) {
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	checks := map[string]func(){
		"Email":          func() { sinkString, sinkCode = Email("matti.meikalainen+shop@example.fi") },
		"NationalID FI":  func() { sinkInfo, sinkCode = NationalIDAt("FI", "131052-308T", now) },
		"NationalID SE":  func() { sinkInfo, sinkCode = NationalIDAt("SE", "198112289874", now) },
		"NationalID NO":  func() { sinkInfo, sinkCode = NationalIDAt("NO", "14078512394", now) },
		"NationalID DK":  func() { sinkInfo, sinkCode = NationalIDAt("DK", "0707614285", now) },
		"Date":           func() { sinkTime, sinkCode = Date("2024-02-29T13:45:30.123+02:00") },
		"ExcelSerial":    func() { sinkTime, sinkCode = ExcelSerial(45351.75, false) },
		"VAT":            func() { sinkString, sinkCode = VAT("FI01120389") },
		"Country":        func() { sinkString, sinkCode = Country("FI") },
		"MaxLen":         func() { sinkString, _ = MaxLen(256)("Meikäläinen") },
		"Email rejected": func() { sinkString, sinkCode = Email("matti.example.fi") },
	}
	for name, fn := range checks {
		t.Run(name+" does not allocate", func(t *testing.T) {
			if n := testing.AllocsPerRun(100, fn); n != 0 {
				t.Errorf("%s allocates %v times per call", name, n)
			}
		})
	}
}
