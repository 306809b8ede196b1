package groups

import "github.com/impexkit/impex/internal/days"

// DaySpan is a span of days, numbered as Date.DayNumber numbers them. An
// end that is not set is open: is-after a date has no last day.
type DaySpan struct {
	First, Last       int64
	HasFirst, HasLast bool
}

// Contains reports whether day d is in s.
func (s DaySpan) Contains(d int64) bool {
	return (!s.HasFirst || d >= s.First) && (!s.HasLast || d <= s.Last)
}

// Days returns the days the condition's date operator admits on the day
// numbered today: is-in-the-last 1 month on 2024-03-31 admits 2024-02-29
// to 2024-03-31. For a negated operator (IsNotInRange,
// IsNotInTheLastXDays, IsNotInTheNextXDays) it is the span the operator
// excludes. weekStartsSunday says where the week of is-in-the-current week
// starts, as Options.WeekStartsSunday does. ok is false for an operator
// that is not one of dates, and for a value of another kind than the
// operator takes (which Compile refuses).
//
// This is the one reckoning of what a date condition admits: the evaluator
// decides by it, and a store that decides rules in its database turns the
// span into a predicate.
func (c Condition) Days(today int64, weekStartsSunday bool) (span DaySpan, ok bool) {
	return daysOf(c.Operator, &c.Value, today, weekStartsSunday)
}

func daysOf(op Operator, v *Value, today int64, weekStartsSunday bool) (DaySpan, bool) {
	between := func(first, last int64) DaySpan { return DaySpan{first, last, true, true} }
	switch {
	case op == IsToday:
		return between(today, today), true
	case op == IsTomorrow:
		return between(today+1, today+1), true
	case op == IsYesterday:
		return between(today-1, today-1), true
	case v.Kind == DateKind && op == IsOn:
		d := v.Date.DayNumber()
		return between(d, d), true
	case v.Kind == DateKind && op == IsAfter:
		return DaySpan{First: v.Date.DayNumber() + 1, HasFirst: true}, true
	case v.Kind == DateKind && op == IsBefore:
		return DaySpan{Last: v.Date.DayNumber() - 1, HasLast: true}, true
	case v.Kind == DateRangeKind && (op == IsInRange || op == IsNotInRange):
		return between(v.DateRange.From.DayNumber(), v.DateRange.To.DayNumber()), true
	case v.Kind == DaysKind && (op == IsInTheLastXDays || op == IsNotInTheLastXDays):
		return between(today-int64(v.Days), today), true
	case v.Kind == DaysKind && (op == IsInTheNextXDays || op == IsNotInTheNextXDays):
		return between(today, today+int64(v.Days)), true
	case v.Kind == PeriodKind && op == IsInTheLast:
		return between(days.Shift(today, days.Period(v.Period), -1), today), true
	case v.Kind == PeriodKind && op == IsInTheNext:
		return between(today, days.Shift(today, days.Period(v.Period), 1)), true
	case v.Kind == PeriodKind && op == IsInTheCurrent:
		return between(days.Current(today, days.Period(v.Period), weekStartsSunday)), true
	}
	return DaySpan{}, false
}
