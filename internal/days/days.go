// Package days is whole-day arithmetic on the proleptic Gregorian
// calendar, for the rule engine and the stores that decide its rules
// themselves. Days are numbered from 1970-01-01 (day 0), so comparing days
// is comparing integers, and nothing here allocates.
package days

import "time"

// Number returns the number of days from 1970-01-01 to y-m-d.
func Number(y int, m time.Month, d int) int64 {
	// The algorithm of Howard Hinnant's days_from_civil, years starting in
	// March so that the leap day comes last.
	yy := int64(y)
	mm := int64(m)
	if mm <= 2 {
		yy--
	}
	era := yy / 400
	if yy < 0 && yy%400 != 0 {
		era--
	}
	yoe := yy - era*400
	mp := (mm + 9) % 12
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// Civil returns the calendar day of day number n.
func Civil(n int64) (int, time.Month, int) {
	n += 719468
	era := n / 146097
	if n < 0 && n%146097 != 0 {
		era--
	}
	doe := n - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return int(y), time.Month(m), int(d)
}

// IsLeap reports whether y is a leap year.
func IsLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// DaysIn returns the number of days of month m of year y.
func DaysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if IsLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// Weekday returns the Weekday of day number n.
func Weekday(n int64) time.Weekday {
	w := (n + 4) % 7 // 1970-01-01 was a Thursday
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// AddMonths moves day n by months calendar months, keeping the day of the
// month or, when the target month is shorter, its last day (31 March minus
// one month is 28 or 29 February).
func AddMonths(n int64, months int) int64 {
	y, m, d := Civil(n)
	total := y*12 + int(m) - 1 + months
	ny, nm := total/12, time.Month(total%12+1)
	if total < 0 && total%12 != 0 {
		ny--
		nm = time.Month(total - ny*12 + 1)
	}
	if last := DaysIn(ny, nm); d > last {
		d = last
	}
	return Number(ny, nm, d)
}

// InZone returns the day number of t in loc.
func InZone(t time.Time, loc *time.Location) int64 {
	y, m, d := t.In(loc).Date()
	return Number(y, m, d)
}

// Calendar returns the day number of a calendar date stored as a time,
// such as a birthday at midnight UTC: its date in UTC, whatever the zone.
func Calendar(t time.Time) int64 {
	y, m, d := t.UTC().Date()
	return Number(y, m, d)
}

// NextBirthday returns the day number of the first birthday on or after
// today for someone born on the calendar day birth. In a year without
// 29 February, a leap-day birthday falls on 28 February, or on 1 March
// with march1.
func NextBirthday(birth, today int64, march1 bool) int64 {
	_, bm, bd := Civil(birth)
	ty, _, _ := Civil(today)
	at := func(y int) int64 {
		if bm == time.February && bd == 29 && !IsLeap(y) {
			if march1 {
				return Number(y, time.March, 1)
			}
			return Number(y, time.February, 28)
		}
		return Number(y, bm, bd)
	}
	if n := at(ty); n >= today {
		return n
	}
	return at(ty + 1)
}

// Week returns the first and last day of the week holding day n, weeks
// starting on Monday, or on Sunday with sunday.
func Week(n int64, sunday bool) (first, last int64) {
	start := time.Monday
	if sunday {
		start = time.Sunday
	}
	back := (int64(Weekday(n)) - int64(start) + 7) % 7
	return n - back, n - back + 6
}

// Month returns the first and last day of the calendar month holding day n.
func Month(n int64) (first, last int64) {
	y, m, _ := Civil(n)
	return Number(y, m, 1), Number(y, m, DaysIn(y, m))
}

// Year returns the first and last day of the calendar year holding day n.
func Year(n int64) (first, last int64) {
	y, _, _ := Civil(n)
	return Number(y, time.January, 1), Number(y, time.December, 31)
}

// Period is a calendar period a rule counts in. Its values are those of
// groups.TimePeriod, which converts to it.
type Period uint8

// The periods; any other value counts as a year, as the rule engine reads
// it.
const (
	Weeks Period = iota + 1
	Months
	Years
)

// Shift moves day n by one period forwards (dir 1) or backwards (dir -1):
// seven days, or a calendar month or year with AddMonths.
func Shift(n int64, p Period, dir int) int64 {
	switch p {
	case Weeks:
		return n + int64(7*dir)
	case Months:
		return AddMonths(n, dir)
	}
	return AddMonths(n, 12*dir)
}

// Current returns the first and last day of the calendar week (starting on
// Sunday when sunday is set, else Monday), month or year holding day n.
func Current(n int64, p Period, sunday bool) (first, last int64) {
	switch p {
	case Weeks:
		return Week(n, sunday)
	case Months:
		return Month(n)
	}
	return Year(n)
}
