package groups

import "time"

// Whole-day arithmetic on the proleptic Gregorian calendar. Days are
// numbered from 1970-01-01 (day 0), so comparing days is comparing
// integers, and nothing here allocates.

// dayNumber returns the number of days from 1970-01-01 to y-m-d.
func dayNumber(y int, m time.Month, d int) int64 {
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

// civil returns the calendar day of day number n.
func civil(n int64) (int, time.Month, int) {
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

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// daysIn returns the number of days of month m of year y.
func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// weekday returns the weekday of day number n.
func weekday(n int64) time.Weekday {
	w := (n + 4) % 7 // 1970-01-01 was a Thursday
	if w < 0 {
		w += 7
	}
	return time.Weekday(w)
}

// addMonths moves day n by months calendar months, keeping the day of the
// month or, when the target month is shorter, its last day (31 March minus
// one month is 28 or 29 February).
func addMonths(n int64, months int) int64 {
	y, m, d := civil(n)
	total := y*12 + int(m) - 1 + months
	ny, nm := total/12, time.Month(total%12+1)
	if total < 0 && total%12 != 0 {
		ny--
		nm = time.Month(total - ny*12 + 1)
	}
	if last := daysIn(ny, nm); d > last {
		d = last
	}
	return dayNumber(ny, nm, d)
}

// instantDay returns the day number of t in loc.
func instantDay(t time.Time, loc *time.Location) int64 {
	y, m, d := t.In(loc).Date()
	return dayNumber(y, m, d)
}

// calendarDay returns the day number of a calendar date stored as a time,
// such as a birthday at midnight UTC: its date in UTC, whatever the zone.
func calendarDay(t time.Time) int64 {
	y, m, d := t.UTC().Date()
	return dayNumber(y, m, d)
}

// nextBirthday returns the day number of the first birthday on or after
// today for someone born on the calendar day birth. In a year without
// 29 February, a leap-day birthday falls on 28 February, or on 1 March
// with march1.
func nextBirthday(birth, today int64, march1 bool) int64 {
	_, bm, bd := civil(birth)
	ty, _, _ := civil(today)
	at := func(y int) int64 {
		if bm == time.February && bd == 29 && !isLeap(y) {
			if march1 {
				return dayNumber(y, time.March, 1)
			}
			return dayNumber(y, time.February, 28)
		}
		return dayNumber(y, bm, bd)
	}
	if n := at(ty); n >= today {
		return n
	}
	return at(ty + 1)
}
