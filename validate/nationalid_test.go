package validate

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// testNow is the reference date of every identity-number test.
var testNow = time.Date(2025, time.June, 1, 12, 0, 0, 0, time.UTC)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// The builders below make valid numbers from the published rules of each
// scheme. They compute the check digits their own way (big integer
// remainder, the textbook Luhn, explicit weight tables) rather than with
// the package's helpers, so a wrong helper cannot agree with itself.

// fiNumber builds a henkilötunnus.
func fiNumber(birth time.Time, sign byte, individual int) string {
	ddmmyy := birth.Format("020106")
	nine, _ := strconv.Atoi(ddmmyy + fmt.Sprintf("%03d", individual))
	return fmt.Sprintf("%s%c%03d%c", ddmmyy, sign, individual, "0123456789ABCDEFHJKLMNPRSTUVWXY"[nine%31])
}

// luhnCheck returns the digit that completes payload for the Luhn test.
func luhnCheck(payload string) byte {
	sum := 0
	double := true // the digit next to the check digit is doubled
	for i := len(payload) - 1; i >= 0; i-- {
		d := int(payload[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d = d/10 + d%10
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// seNumber builds the 10 digits of a personnummer or samordningsnummer.
func seNumber(birth time.Time, coordination bool, individual int) string {
	d := birth.Day()
	if coordination {
		d += 60
	}
	payload := fmt.Sprintf("%s%02d%03d", birth.Format("0601"), d, individual)
	return payload + string(luhnCheck(payload))
}

// noNumber builds a fødselsnummer or D-number; ok is false when no check
// digit exists for the individual number.
func noNumber(birth time.Time, dnumber bool, individual int) (string, bool) {
	d := birth.Day()
	if dnumber {
		d += 40
	}
	base := fmt.Sprintf("%02d%s%03d", d, birth.Format("0106"), individual)
	w1 := []int{3, 7, 6, 1, 8, 9, 4, 5, 2}
	w2 := []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
	check := func(s string, w []int) (int, bool) {
		sum := 0
		for i, wi := range w {
			sum += int(s[i]-'0') * wi
		}
		k := (11 - sum%11) % 11
		return k, k != 10
	}
	k1, ok1 := check(base, w1)
	if !ok1 {
		return "", false
	}
	base += strconv.Itoa(k1)
	k2, ok2 := check(base, w2)
	if !ok2 {
		return "", false
	}
	return base + strconv.Itoa(k2), true
}

// noIndividual picks an individual number of the range Norway issues for
// the birth year.
func noIndividual(r *rand.Rand, year int) int {
	switch {
	case year < 1900:
		return 500 + r.IntN(250)
	case year >= 2000:
		return 500 + r.IntN(500)
	case year >= 1940 && r.IntN(2) == 0:
		return 900 + r.IntN(100)
	}
	return r.IntN(500)
}

// dkNumber builds a CPR number DDMMYY-SSSS whose first serial digit fits
// the birth year; with mod11 it makes the modulus 11 test pass (ok is
// false when no last digit can).
func dkNumber(r *rand.Rand, birth time.Time, mod11 bool) (string, bool) {
	y := birth.Year()
	var first int
	switch {
	case y < 1900:
		first = 5 + r.IntN(4)
	case y >= 2000 && y <= 2036:
		first = []int{4, 9, 5, 6, 7, 8}[r.IntN(6)]
	case y >= 2037:
		first = 5 + r.IntN(4)
	case y >= 1937:
		first = []int{0, 1, 2, 3, 4, 9}[r.IntN(6)]
	default:
		first = r.IntN(4)
	}
	head := birth.Format("020106") + strconv.Itoa(first) + fmt.Sprintf("%02d", r.IntN(100))
	if !mod11 {
		return head[:6] + "-" + head[6:] + strconv.Itoa(r.IntN(10)), true
	}
	w := []int{4, 3, 2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, wi := range w {
		sum += int(head[i]-'0') * wi
	}
	last := (11 - sum%11) % 11
	if last == 10 {
		return "", false
	}
	return head[:6] + "-" + head[6:] + strconv.Itoa(last), true
}

func randomDate(r *rand.Rand, from, to time.Time) time.Time {
	days := int(to.Sub(from).Hours() / 24)
	return from.AddDate(0, 0, r.IntN(days+1))
}

type idCase struct {
	name    string
	country string
	in      string
	want    NationalIDInfo // for valid cases
	code    Code           // for invalid cases
}

func runIDCases(t *testing.T, cases []idCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, code := NationalIDAt(c.country, c.in, testNow)
			if code != c.code {
				t.Fatalf("NationalIDAt(%q, %q) code = %q, want %q", c.country, c.in, code, c.code)
			}
			if c.code == "" {
				if diff := cmp.Diff(c.want, got); diff != "" {
					t.Errorf("NationalIDAt(%q, %q) mismatch (-want +got):\n%s", c.country, c.in, diff)
				}
			}
		})
	}
}

func TestFinnishIDAcceptsValidNumbers(t *testing.T) {
	cases := []idCase{
		{name: "accepts the DVV's example 131052-308T", country: "FI", in: "131052-308T",
			want: NationalIDInfo{Country: "FI", Normalized: "131052-308T", Birthdate: day(1952, 10, 13), Checked: true}},
		// The temporary numbers the DVV published for the century signs
		// added in 2023.
		{name: "accepts the DVV's example with sign Y", country: "FI", in: "010594Y9021",
			want: NationalIDInfo{Country: "FI", Normalized: "010594Y9021", Birthdate: day(1994, 5, 1), Kind: KindTemporary, Checked: true}},
		{name: "accepts the DVV's example with sign X", country: "FI", in: "020594X903P",
			want: NationalIDInfo{Country: "FI", Normalized: "020594X903P", Birthdate: day(1994, 5, 2), Kind: KindTemporary, Checked: true}},
		{name: "accepts the DVV's example with sign B", country: "FI", in: "010516B903X",
			want: NationalIDInfo{Country: "FI", Normalized: "010516B903X", Birthdate: day(2016, 5, 1), Kind: KindTemporary, Checked: true}},
		{name: "accepts lower case and returns upper case", country: "fi", in: "010516b903x",
			want: NationalIDInfo{Country: "FI", Normalized: "010516B903X", Birthdate: day(2016, 5, 1), Kind: KindTemporary, Checked: true}},
		{name: "accepts a number of the 1800s with sign +", country: "FI", in: fiNumber(day(1899, 12, 31), '+', 123),
			want: NationalIDInfo{Country: "FI", Normalized: fiNumber(day(1899, 12, 31), '+', 123), Birthdate: day(1899, 12, 31), Checked: true}},
		{name: "accepts 29 February 2000, a leap day", country: "FI", in: fiNumber(day(2000, 2, 29), 'A', 2),
			want: NationalIDInfo{Country: "FI", Normalized: fiNumber(day(2000, 2, 29), 'A', 2), Birthdate: day(2000, 2, 29), Checked: true}},
		{name: "accepts the Åland code AX", country: "AX", in: "131052-308T",
			want: NationalIDInfo{Country: "FI", Normalized: "131052-308T", Birthdate: day(1952, 10, 13), Checked: true}},
		{name: "accepts surrounding spaces", country: "FI", in: "  131052-308T\t",
			want: NationalIDInfo{Country: "FI", Normalized: "131052-308T", Birthdate: day(1952, 10, 13), Checked: true}},
	}
	r := rand.New(rand.NewPCG(1, 2))
	signs := map[int]string{1800: "+", 1900: "-YXWVU", 2000: "ABCDEF"}
	for i := 0; i < 30; i++ {
		birth := randomDate(r, day(1850, 1, 1), day(2025, 5, 31))
		set := signs[birth.Year()/100*100]
		sign := set[r.IntN(len(set))]
		ind := 2 + r.IntN(898)
		in := fiNumber(birth, sign, ind)
		cases = append(cases, idCase{
			name: fmt.Sprintf("accepts %s born %s with sign %c", in, birth.Format(time.DateOnly), sign), country: "FI", in: in,
			want: NationalIDInfo{Country: "FI", Normalized: in, Birthdate: birth, Checked: true},
		})
	}
	runIDCases(t, cases)
}

func TestFinnishIDRejectsInvalidNumbers(t *testing.T) {
	valid := "131052-308T"
	cases := []idCase{
		{name: "rejects a wrong check character", in: "131052-308U", code: CodeSSNChecksum},
		{name: "rejects a check character the alphabet lacks (G)", in: "131052-308G", code: CodeSSNChecksum},
		{name: "rejects a check character the alphabet lacks (Z)", in: "131052-308Z", code: CodeSSNChecksum},
		{name: "rejects two swapped digits", in: "130152-308T", code: CodeSSNChecksum},
		{name: "rejects a typo in the individual number", in: "131052-309T", code: CodeSSNChecksum},
		{name: "rejects a check character the alphabet lacks (I)", in: "131052-308I", code: CodeSSNChecksum},
		{name: "rejects an unknown century sign", in: "131052G308T", code: CodeSSNFormat},
		{name: "rejects a slash for a century sign", in: "131052/308T", code: CodeSSNFormat},
		{name: "rejects a missing century sign", in: "131052308T", code: CodeSSNFormat},
		{name: "rejects an extra digit", in: "131052-3080T", code: CodeSSNFormat},
		{name: "rejects a letter among the date digits", in: "13105O-308T", code: CodeSSNFormat},
		{name: "rejects a letter in the individual number", in: "131052-3O8T", code: CodeSSNFormat},
		{name: "rejects 31 February", in: "310252-308T", code: CodeSSNDate},
		{name: "rejects 29 February 1900, not a leap year", in: "290200-1234", code: CodeSSNDate},
		{name: "rejects 29 February 2023", in: "290223A1234", code: CodeSSNDate},
		{name: "rejects month 13", in: "011352-308T", code: CodeSSNDate},
		{name: "rejects day 00", in: "001052-308T", code: CodeSSNDate},
		{name: "rejects day 32", in: "321052-308T", code: CodeSSNDate},
		{name: "rejects a birth date after today", in: fiNumber(day(2025, 6, 2), 'A', 123), code: CodeSSNDate},
		{name: "rejects a 2099 birth date written with sign F", in: fiNumber(day(2099, 1, 1), 'F', 123), code: CodeSSNDate},
		{name: "rejects individual number 000", in: fiNumber(day(1952, 10, 13), '-', 0), code: CodeSSNIndividual},
		{name: "rejects individual number 001", in: fiNumber(day(1980, 1, 1), 'Y', 1), code: CodeSSNIndividual},
		{name: "rejects an empty value as required", in: "", code: CodeRequired},
		{name: "rejects a Swedish number", in: "19121212-1212", code: CodeSSNFormat},
		{name: "rejects a hash", in: "$ssn1$k1$" + valid, code: CodeSSNFormat},
	}
	for i := range cases {
		cases[i].country = "FI"
	}
	runIDCases(t, cases)
}

func TestSwedishIDAcceptsValidNumbers(t *testing.T) {
	cases := []idCase{
		{name: "accepts Skatteverket's example 811228-9874", in: "811228-9874",
			want: NationalIDInfo{Country: "SE", Normalized: "198112289874", Birthdate: day(1981, 12, 28), Checked: true}},
		{name: "accepts the test person Tolvan in the 12-digit form", in: "19121212-1212",
			want: NationalIDInfo{Country: "SE", Normalized: "191212121212", Birthdate: day(1912, 12, 12), Checked: true}},
		{name: "accepts Tolvan with + for people of 100 and more", in: "121212+1212",
			want: NationalIDInfo{Country: "SE", Normalized: "191212121212", Birthdate: day(1912, 12, 12), Checked: true}},
		{name: "reads 121212-1212 as born in 2012", in: "121212-1212",
			want: NationalIDInfo{Country: "SE", Normalized: "201212121212", Birthdate: day(2012, 12, 12), Checked: true}},
		{name: "reads a birthday later this year as 100 years ago",
			in:   seNumber(day(2025, 6, 2), false, 123)[:6] + "-" + seNumber(day(2025, 6, 2), false, 123)[6:],
			want: NationalIDInfo{Country: "SE", Normalized: "19" + seNumber(day(2025, 6, 2), false, 123), Birthdate: day(1925, 6, 2), Checked: true}},
		{name: "reads a birthday of today as this year",
			in:   seNumber(day(2025, 6, 1), false, 123),
			want: NationalIDInfo{Country: "SE", Normalized: "20" + seNumber(day(2025, 6, 1), false, 123), Birthdate: day(2025, 6, 1), Checked: true}},
		{name: "accepts a samordningsnummer in the 12-digit form", in: "19" + seNumber(day(1990, 3, 31), true, 456),
			want: NationalIDInfo{Country: "SE", Normalized: "19" + seNumber(day(1990, 3, 31), true, 456), Birthdate: day(1990, 3, 31), Kind: KindCoordination, Checked: true}},
		{name: "accepts 29 February 2000", in: "20" + seNumber(day(2000, 2, 29), false, 1),
			want: NationalIDInfo{Country: "SE", Normalized: "20" + seNumber(day(2000, 2, 29), false, 1), Birthdate: day(2000, 2, 29), Checked: true}},
	}
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 30; i++ {
		birth := randomDate(r, day(1926, 1, 1), day(2025, 5, 31))
		coord := i%4 == 3
		ten := seNumber(birth, coord, r.IntN(1000))
		full := strconv.Itoa(birth.Year()/100) + ten
		kind := KindPersonal
		if coord {
			kind = KindCoordination
		}
		var in string
		switch i % 4 {
		case 0:
			in = ten[:6] + "-" + ten[6:]
		case 1:
			in = ten
		case 2:
			in = full[:8] + "-" + full[8:]
		case 3:
			in = full
		}
		cases = append(cases, idCase{
			name: fmt.Sprintf("accepts %s born %s", in, birth.Format(time.DateOnly)), in: in,
			want: NationalIDInfo{Country: "SE", Normalized: full, Birthdate: birth, Kind: kind, Checked: true},
		})
	}
	for i := range cases {
		cases[i].country = "SE"
	}
	runIDCases(t, cases)
}

func TestSwedishIDRejectsInvalidNumbers(t *testing.T) {
	cases := []idCase{
		{name: "rejects a wrong check digit", in: "811228-9875", code: CodeSSNChecksum},
		{name: "rejects a wrong check digit in the 12-digit form", in: "198112289875", code: CodeSSNChecksum},
		{name: "rejects two swapped digits", in: "811282-9874", code: CodeSSNChecksum},
		{name: "rejects month 13", in: "811328-9874", code: CodeSSNDate},
		{name: "rejects day 32", in: "811232-9874", code: CodeSSNDate},
		{name: "rejects day 00", in: "811200-9874", code: CodeSSNDate},
		{name: "rejects coordination day 92", in: "811292-9874", code: CodeSSNDate},
		{name: "rejects 29 February 1900 in the 12-digit form", in: "190002291234", code: CodeSSNDate},
		{name: "rejects 29 February 2023", in: "230229-1234", code: CodeSSNDate},
		{name: "rejects an organisation number, whose month is 20 or more", in: "556012-5790", code: CodeSSNDate},
		{name: "rejects a 12-digit birth date after today", in: "20" + seNumber(day(2025, 6, 2), false, 123), code: CodeSSNDate},
		{name: "rejects + in the 12-digit form", in: "19121212+1212", code: CodeSSNFormat},
		{name: "rejects another separator", in: "811228/9874", code: CodeSSNFormat},
		{name: "rejects a separator in the wrong place", in: "8112289-874", code: CodeSSNFormat},
		{name: "rejects nine digits", in: "811228987", code: CodeSSNFormat},
		{name: "rejects eleven digits", in: "81122898741", code: CodeSSNFormat},
		{name: "rejects fourteen characters", in: "19811228-98741", code: CodeSSNFormat},
		{name: "rejects a letter", in: "81122A-9874", code: CodeSSNFormat},
		{name: "rejects a Finnish number", in: "131052-308T", code: CodeSSNFormat},
		{name: "rejects spaces inside", in: "811228 9874", code: CodeSSNFormat},
		{name: "rejects an empty value as required", in: " ", code: CodeRequired},
		{name: "rejects a samordningsnummer with a wrong check digit", in: "811288-9874", code: CodeSSNChecksum},
	}
	for i := range cases {
		cases[i].country = "SE"
	}
	runIDCases(t, cases)
}

func TestNorwegianIDAcceptsValidNumbers(t *testing.T) {
	var cases []idCase
	r := rand.New(rand.NewPCG(5, 6))
	add := func(birth time.Time, dnum bool, ind int, what string) {
		in, ok := noNumber(birth, dnum, ind)
		if !ok {
			return
		}
		kind := KindPersonal
		if dnum {
			kind = KindDNumber
		}
		cases = append(cases, idCase{
			name: fmt.Sprintf("accepts %s, %s", in, what), country: "NO", in: in,
			want: NationalIDInfo{Country: "NO", Normalized: in, Birthdate: birth, Kind: kind, Checked: true},
		})
	}
	// Century edges of the individual-number ranges.
	for ind := 0; ind < 1000 && len(cases) < 12; ind += 37 {
		add(day(1899, 12, 31), false, 500+ind%250, "born in 1899, individual number 500-749")
		add(day(2000, 1, 1), false, 500+ind%500, "born in 2000, individual number 500-999")
		add(day(1940, 2, 29), false, 900+ind%100, "born in 1940, individual number 900-999")
		add(day(1900, 1, 1), false, ind%500, "born in 1900, individual number 000-499")
	}
	for len(cases) < 45 {
		birth := randomDate(r, day(1854, 1, 1), day(2025, 5, 31))
		dnum := r.IntN(3) == 0
		what := "a fødselsnummer born " + birth.Format(time.DateOnly)
		if dnum {
			what = "a D-number born " + birth.Format(time.DateOnly)
		}
		add(birth, dnum, noIndividual(r, birth.Year()), what)
	}
	runIDCases(t, cases)
}

func TestNorwegianIDRejectsInvalidNumbers(t *testing.T) {
	valid, ok := noNumber(day(1985, 7, 14), false, 123)
	if !ok {
		t.Fatal("test number has no check digit")
	}
	flip := func(s string, i int) string {
		b := []byte(s)
		b[i] = '0' + (b[i]-'0'+1)%10
		return string(b)
	}
	mustNO := func(birth time.Time, ind int) string {
		for ; ; ind++ {
			if s, ok := noNumber(birth, false, ind); ok {
				return s
			}
		}
	}
	cases := []idCase{
		{name: "rejects a wrong first check digit", in: flip(valid, 9), code: CodeSSNChecksum},
		{name: "rejects a wrong second check digit", in: flip(valid, 10), code: CodeSSNChecksum},
		{name: "rejects a typo in the individual number", in: flip(valid, 7), code: CodeSSNChecksum},
		{name: "rejects a typo in the day", in: flip(valid, 1), code: CodeSSNChecksum},
		{name: "rejects all zeros", in: "00000000000", code: CodeSSNDate},
		{name: "rejects month 13", in: "01138512345", code: CodeSSNDate},
		{name: "rejects day 32", in: "32078512345", code: CodeSSNDate},
		{name: "rejects 29 February 1900", in: "29020012345", code: CodeSSNDate},
		{name: "rejects a D-number with day 72", in: "72078512345", code: CodeSSNDate},
		{name: "rejects an H-number, whose month is raised by 40", in: "14478512345", code: CodeSSNDate},
		{name: "rejects individual number 600 with year 50", in: "01015060012", code: CodeSSNIndividual},
		{name: "rejects individual number 800 with year 60", in: "01016080012", code: CodeSSNIndividual},
		{name: "rejects a 2000s birth date after today", in: mustNO(day(2025, 6, 2), 500), code: CodeSSNDate},
		{name: "rejects a birth date in 2039", in: "01013950012", code: CodeSSNDate},
		{name: "rejects ten digits", in: valid[:10], code: CodeSSNFormat},
		{name: "rejects twelve digits", in: valid + "1", code: CodeSSNFormat},
		{name: "rejects a hyphen", in: valid[:6] + "-" + valid[6:], code: CodeSSNFormat},
		{name: "rejects a space", in: valid[:6] + " " + valid[6:], code: CodeSSNFormat},
		{name: "rejects a letter", in: valid[:10] + "X", code: CodeSSNFormat},
		{name: "rejects a Finnish number", in: "131052-308T", code: CodeSSNFormat},
		{name: "rejects an empty value as required", in: "", code: CodeRequired},
	}
	for i := range cases {
		cases[i].country = "NO"
	}
	runIDCases(t, cases)
}

func TestDanishIDAcceptsValidNumbers(t *testing.T) {
	cases := []idCase{
		{name: "accepts the CPR office's example 070761-4285", in: "070761-4285",
			want: NationalIDInfo{Country: "DK", Normalized: "0707614285", Birthdate: day(1961, 7, 7), Checked: true}},
		{name: "accepts it without the hyphen", in: "0707614285",
			want: NationalIDInfo{Country: "DK", Normalized: "0707614285", Birthdate: day(1961, 7, 7), Checked: true}},
		{name: "accepts a number failing modulus 11 born on 1 October 2007", in: "011007-4001",
			want: NationalIDInfo{Country: "DK", Normalized: "0110074001", Birthdate: day(2007, 10, 1), Checked: false}},
		{name: "accepts a number failing modulus 11 born on 1 January 1980", in: "010180-1235",
			want: NationalIDInfo{Country: "DK", Normalized: "0101801235", Birthdate: day(1980, 1, 1), Checked: false}},
		{name: "reads serial digit 3 with year 36 as 1936", in: "010136-3000",
			want: NationalIDInfo{Country: "DK", Normalized: "0101363000", Birthdate: day(1936, 1, 1), Checked: false}},
		{name: "reads serial digit 5 with year 58 as 1858", in: "010158-5000",
			want: NationalIDInfo{Country: "DK", Normalized: "0101585000", Birthdate: day(1858, 1, 1), Checked: false}},
		{name: "accepts the Greenland code GL", country: "GL", in: "070761-4285",
			want: NationalIDInfo{Country: "DK", Normalized: "0707614285", Birthdate: day(1961, 7, 7), Checked: true}},
	}
	r := rand.New(rand.NewPCG(7, 8))
	for n := 0; n < 20; {
		birth := randomDate(r, day(1858, 1, 1), day(2007, 9, 30))
		if birth.Month() == time.January && birth.Day() == 1 {
			continue
		}
		in, ok := dkNumber(r, birth, true)
		if !ok {
			continue
		}
		n++
		cases = append(cases, idCase{
			name: fmt.Sprintf("accepts %s born %s, passing modulus 11", in, birth.Format(time.DateOnly)), in: in,
			want: NationalIDInfo{Country: "DK", Normalized: in[:6] + in[7:], Birthdate: birth, Checked: true},
		})
	}
	for n := 0; n < 10; n++ {
		birth := randomDate(r, day(2007, 10, 1), day(2025, 5, 31))
		in, _ := dkNumber(r, birth, false)
		cases = append(cases, idCase{
			name: fmt.Sprintf("accepts %s born %s without modulus 11", in, birth.Format(time.DateOnly)), in: in,
			want: NationalIDInfo{Country: "DK", Normalized: in[:6] + in[7:], Birthdate: birth, Checked: false},
		})
	}
	for i := range cases {
		if cases[i].country == "" {
			cases[i].country = "DK"
		}
	}
	runIDCases(t, cases)
}

func TestDanishIDRejectsInvalidNumbers(t *testing.T) {
	cases := []idCase{
		{name: "rejects the example with a wrong last digit", in: "070761-4286", code: CodeSSNChecksum},
		{name: "rejects the example with two digits swapped", in: "070761-2485", code: CodeSSNChecksum},
		{name: "rejects a typo in the birth date before 2007", in: "070762-4285", code: CodeSSNChecksum},
		{name: "rejects a modulus 11 failure on 30 September 2007", in: "300907-4001", code: CodeSSNChecksum},
		{name: "rejects a modulus 11 failure on 2 January 1980", in: "020180-1235", code: CodeSSNChecksum},
		{name: "rejects 31 June", in: "310661-4285", code: CodeSSNDate},
		{name: "rejects 29 February 1900", in: "290200-1234", code: CodeSSNDate},
		{name: "rejects 29 February 2023", in: "290223-4001", code: CodeSSNDate},
		{name: "rejects month 13", in: "011361-4285", code: CodeSSNDate},
		{name: "rejects day 00", in: "000761-4285", code: CodeSSNDate},
		{name: "rejects day 32", in: "320761-4285", code: CodeSSNDate},
		{name: "rejects a 2036 birth date (serial digit 4, year 36)", in: "020136-4000", code: CodeSSNDate},
		{name: "rejects a 2030 birth date (serial digit 4, year 30)", in: "010130-4001", code: CodeSSNDate},
		{name: "rejects a 2057 birth date (serial digit 5, year 57)", in: "010157-5001", code: CodeSSNDate},
		{name: "rejects a slash", in: "070761/4285", code: CodeSSNFormat},
		{name: "rejects a plus", in: "070761+4285", code: CodeSSNFormat},
		{name: "rejects nine digits", in: "070761428", code: CodeSSNFormat},
		{name: "rejects eleven digits", in: "07076142851", code: CodeSSNFormat},
		{name: "rejects a letter", in: "070761-428X", code: CodeSSNFormat},
		{name: "rejects the hyphen in the wrong place", in: "07076-14285", code: CodeSSNFormat},
		{name: "rejects a Finnish number", in: "131052-308T", code: CodeSSNFormat},
		{name: "rejects an empty value as required", in: "", code: CodeRequired},
	}
	for i := range cases {
		cases[i].country = "DK"
	}
	runIDCases(t, cases)
}

func TestNationalIDDetectsTheCountry(t *testing.T) {
	no, _ := noNumber(day(1985, 7, 14), false, 123)
	// A Danish number that is not also a valid Swedish one.
	var dk string
	r := rand.New(rand.NewPCG(9, 10))
	for {
		n, ok := dkNumber(r, day(1961, 7, 7), true)
		if ok && !luhnValid(n[:6]+n[7:]) {
			dk = n[:6] + n[7:]
			break
		}
	}
	tests := []struct {
		name, in    string
		wantCountry string
		code        Code
	}{
		{name: "detects a Finnish number by its century sign", in: "010594Y9021", wantCountry: "FI"},
		{name: "detects a Finnish number with a hyphen by its check character", in: "131052-308T", wantCountry: "FI"},
		{name: "detects a Swedish number of 12 digits", in: "191212121212", wantCountry: "SE"},
		{name: "detects a Swedish number of 10 digits", in: "8112289874", wantCountry: "SE"},
		{name: "detects a Norwegian number of 11 digits", in: no, wantCountry: "NO"},
		{name: "detects a Danish number failing the Swedish test", in: dk, wantCountry: "DK"},
		{name: "reports the Finnish fault for a Finnish shape", in: "131052-308U", code: CodeSSNChecksum},
		{name: "reports a format fault for no known shape", in: "12345", code: CodeSSNFormat},
		{name: "reports a format fault for a long value", in: "1234567890123456789", code: CodeSSNFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, code := NationalIDAt("", tt.in, testNow)
			if code != tt.code || info.Country != tt.wantCountry {
				t.Errorf("NationalIDAt(\"\", %q) = %s, %q; want country %q, code %q", tt.in, info.Country, code, tt.wantCountry, tt.code)
			}
		})
	}
}

func TestNationalIDRefusesUnsupportedCountries(t *testing.T) {
	for _, c := range []string{"DE", "de", "US", "FIN", "x"} {
		t.Run("refuses "+c, func(t *testing.T) {
			if _, code := NationalIDAt(c, "131052-308T", testNow); code != CodeSSNCountry {
				t.Errorf("code = %q, want %q", code, CodeSSNCountry)
			}
		})
	}
}

func TestNationalIDWithoutAReferenceDateUsesToday(t *testing.T) {
	if _, code := NationalIDAt("FI", "131052-308T", time.Time{}); code != "" {
		t.Errorf("code = %q, want none", code)
	}
	if _, code := NationalID("FI", "131052-308T"); code != "" {
		t.Errorf("code = %q, want none", code)
	}
}

func TestNationalIDInfoNeverPrintsTheNumber(t *testing.T) {
	info, _ := NationalIDAt("FI", "131052-308T", testNow)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		if got := fmt.Sprintf(verb, info); containsAny(got, "131052", "308T") {
			t.Errorf("Sprintf(%q) = %q shows the number", verb, got)
		}
	}
	if got, want := fmt.Sprint(info), "FI 1952-10-13 personal [redacted]"; got != want {
		t.Errorf("Sprint = %q, want %q", got, want)
	}
}

func luhnValid(s string) bool { return luhnCheck(s[:len(s)-1]) == s[len(s)-1] }

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if sub != "" && strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
