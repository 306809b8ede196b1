package days

import (
	"testing"
	"time"
)

// Day numbers agree with the time package on every day from year -1000 to
// 3000, and so do Civil, Weekday and DaysIn.
func TestDayNumbersAgreeWithTheTimePackage(t *testing.T) {
	for at := time.Date(-1000, 1, 1, 0, 0, 0, 0, time.UTC); at.Year() <= 3000; at = at.AddDate(0, 0, 1) {
		y, m, d := at.Date()
		n := Number(y, m, d)
		if want := at.Unix() / 86400; n != want { // midnight: an exact division
			t.Fatalf("Number(%v) = %d, want %d", at, n, want)
		}
		if cy, cm, cd := Civil(n); cy != y || cm != m || cd != d {
			t.Fatalf("Civil(%d) = %d-%d-%d, want %v", n, cy, cm, cd, at)
		}
		if Weekday(n) != at.Weekday() {
			t.Fatalf("Weekday(%d) = %v, want %v", n, Weekday(n), at.Weekday())
		}
		if d == 1 && DaysIn(y, m) != at.AddDate(0, 1, -1).Day() {
			t.Fatalf("DaysIn(%d, %v) = %d", y, m, DaysIn(y, m))
		}
	}
}

func TestSpansAndBirthdays(t *testing.T) {
	wed := Number(2024, time.February, 28) // a Wednesday
	if f, l := Week(wed, false); f != Number(2024, time.February, 26) || l != Number(2024, time.March, 3) {
		t.Errorf("Week from Monday = %d..%d", f, l)
	}
	if f, _ := Week(wed, true); f != Number(2024, time.February, 25) {
		t.Errorf("Week from Sunday starts %d", f)
	}
	if f, l := Month(wed); f != Number(2024, time.February, 1) || l != Number(2024, time.February, 29) {
		t.Errorf("Month = %d..%d", f, l)
	}
	if f, l := Year(wed); f != Number(2024, time.January, 1) || l != Number(2024, time.December, 31) {
		t.Errorf("Year = %d..%d", f, l)
	}
	if got := AddMonths(Number(2023, time.March, 31), -1); got != Number(2023, time.February, 28) {
		t.Errorf("31 March 2023 minus a month is day %d", got)
	}
	leap := Number(2000, time.February, 29)
	today := Number(2023, time.January, 10)
	for march1, want := range map[bool]int64{false: Number(2023, time.February, 28), true: Number(2023, time.March, 1)} {
		if got := NextBirthday(leap, today, march1); got != want {
			t.Errorf("NextBirthday(29 February, march1 %v) = %d, want %d", march1, got, want)
		}
	}
	if got := NextBirthday(leap, Number(2024, time.March, 1), false); got != Number(2025, time.February, 28) {
		t.Errorf("after 29 February 2024 the next birthday is day %d", got)
	}
}
