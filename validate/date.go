package validate

import (
	"math"
	"strings"
	"time"
)

// Date parses s as an ISO 8601 date or date and time and returns the
// instant in UTC. It is DateIn with time.UTC.
func Date(s string) (time.Time, Code) { return DateIn(s, time.UTC) }

// DateIn parses s as an ISO 8601 date or date and time:
//
//	2024-02-29                  a calendar date (also 20240229)
//	2024-02-29T13:45            a date and time (T, t or a space between)
//	2024-02-29T13:45:30.123Z    seconds, a fraction (. or ,) and a zone
//	2024-02-29T13:45:30+02:00   offsets as +02:00, +0200 or +02
//
// A date alone is midnight in loc; a time without a zone is a wall-clock
// time in loc; a time with a zone is that instant, returned in UTC. The
// basic time form (134530) is accepted after a basic date. Four-digit
// years only, 0001 to 9999; hours 00-23, seconds 00-59 (no leap second,
// which time.Time cannot hold). A malformed value is CodeInvalidDate, the
// year 0000 CodeDateRange, and an empty one CodeRequired. It does not
// allocate.
func DateIn(s string, loc *time.Location) (time.Time, Code) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, CodeRequired
	}
	if loc == nil {
		loc = time.UTC
	}
	var y, mo, d, i int
	basic := false
	switch {
	case len(s) >= 10 && s[4] == '-' && s[7] == '-':
		if !digitsAt(s, 0, 4) || !digitsAt(s, 5, 2) || !digitsAt(s, 8, 2) {
			return time.Time{}, CodeInvalidDate
		}
		y, mo, d, i = num(s[0:4]), num(s[5:7]), num(s[8:10]), 10
	case len(s) >= 8 && digitsAt(s, 0, 8):
		y, mo, d, i = num(s[0:4]), num(s[4:6]), num(s[6:8]), 8
		basic = true
	default:
		return time.Time{}, CodeInvalidDate
	}
	if y == 0 {
		return time.Time{}, CodeDateRange
	}
	if mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) {
		return time.Time{}, CodeInvalidDate
	}
	if i == len(s) {
		return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, loc), ""
	}
	if c := s[i]; c != 'T' && c != 't' && c != ' ' {
		return time.Time{}, CodeInvalidDate
	}
	i++
	// Hours and minutes, with or without the colon.
	var h, mi, sec, nsec int
	if !digitsAt(s, i, 2) {
		return time.Time{}, CodeInvalidDate
	}
	h, i = num(s[i:i+2]), i+2
	colon := i < len(s) && s[i] == ':'
	if colon {
		i++
	} else if !basic {
		return time.Time{}, CodeInvalidDate
	}
	if !digitsAt(s, i, 2) {
		return time.Time{}, CodeInvalidDate
	}
	mi, i = num(s[i:i+2]), i+2
	// Optional seconds and fraction.
	if colon && i < len(s) && s[i] == ':' || !colon && digitsAt(s, i, 2) {
		if colon {
			i++
		}
		if !digitsAt(s, i, 2) {
			return time.Time{}, CodeInvalidDate
		}
		sec, i = num(s[i:i+2]), i+2
		if i < len(s) && (s[i] == '.' || s[i] == ',') {
			i++
			n := 0
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				if n < 9 {
					nsec = nsec*10 + int(s[i]-'0')
				}
				n++
				i++
			}
			if n == 0 {
				return time.Time{}, CodeInvalidDate
			}
			for ; n < 9; n++ {
				nsec *= 10
			}
		}
	}
	if h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, CodeInvalidDate
	}
	if i == len(s) {
		return time.Date(y, time.Month(mo), d, h, mi, sec, nsec, loc), ""
	}
	// The zone.
	offset := 0
	switch s[i] {
	case 'Z', 'z':
		i++
	case '+', '-':
		sign := 1
		if s[i] == '-' {
			sign = -1
		}
		i++
		if !digitsAt(s, i, 2) {
			return time.Time{}, CodeInvalidDate
		}
		oh, om := num(s[i:i+2]), 0
		i += 2
		if i < len(s) && s[i] == ':' {
			i++
			if !digitsAt(s, i, 2) {
				return time.Time{}, CodeInvalidDate
			}
			om, i = num(s[i:i+2]), i+2
		} else if digitsAt(s, i, 2) {
			om, i = num(s[i:i+2]), i+2
		}
		if oh > 23 || om > 59 {
			return time.Time{}, CodeInvalidDate
		}
		offset = sign * (oh*3600 + om*60)
	default:
		return time.Time{}, CodeInvalidDate
	}
	if i != len(s) {
		return time.Time{}, CodeInvalidDate
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, nsec, time.UTC).Add(-time.Duration(offset) * time.Second)
	return t, ""
}

// digitsAt reports whether s has n ASCII digits from index i.
func digitsAt(s string, i, n int) bool {
	if i < 0 || i+n > len(s) {
		return false
	}
	return allDigits(s[i : i+n])
}

// Excel serial date limits: 9999-12-31 in each date system.
const (
	maxSerial1900 = 2958465
	maxSerial1904 = 2957003
)

// ExcelSerial converts an Excel serial date to a time in UTC. date1904
// selects the 1904 date system (serial 0 is 1904-01-01), which Mac Excel
// used and a workbook records in its properties; otherwise the 1900 system
// applies, where serial 1 is 1900-01-01 and serial 60 is the 29 February
// 1900 that Excel counts for compatibility with Lotus 1-2-3 but that never
// was (CodeInvalidDate). The fraction is the time of day, rounded to the
// millisecond, as Excel stores it.
//
// A serial below the first date (1 in the 1900 system, 0 in the 1904
// one) or after 9999-12-31 is CodeDateRange; NaN and infinities are
// CodeInvalidDate.
func ExcelSerial(serial float64, date1904 bool) (time.Time, Code) {
	if math.IsNaN(serial) || math.IsInf(serial, 0) {
		return time.Time{}, CodeInvalidDate
	}
	var base time.Time
	days := math.Floor(serial)
	switch {
	case date1904:
		if serial < 0 || days > maxSerial1904 {
			return time.Time{}, CodeDateRange
		}
		base = time.Date(1904, time.January, 1, 0, 0, 0, 0, time.UTC)
	case serial < 1 || days > maxSerial1900:
		return time.Time{}, CodeDateRange
	case days == 60:
		return time.Time{}, CodeInvalidDate
	case days < 60:
		base = time.Date(1899, time.December, 31, 0, 0, 0, 0, time.UTC)
	default:
		base = time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC)
	}
	ms := math.Round((serial - days) * 86_400_000)
	t := base.AddDate(0, 0, int(days)).Add(time.Duration(ms) * time.Millisecond)
	if t.Year() > 9999 {
		return time.Time{}, CodeDateRange
	}
	return t, ""
}

// ToExcelSerial converts t to an Excel serial date in the 1900 or 1904
// date system, the inverse of ExcelSerial. Times before the first date of
// the system give a negative or zero serial, which Excel cannot show.
func ToExcelSerial(t time.Time, date1904 bool) float64 {
	y, m, d := t.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	frac := float64(t.Hour()*3600+t.Minute()*60+t.Second())/86400 + float64(t.Nanosecond())/86400e9
	// Whole days by Unix seconds: a Duration cannot span 8,000 years.
	if date1904 {
		return float64((day.Unix()-time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC).Unix())/86400) + frac
	}
	n := float64((day.Unix() - time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).Unix()) / 86400)
	if n < 61 {
		n-- // before Excel's 29 February 1900
	}
	return n + frac
}
