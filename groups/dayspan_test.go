package groups_test

import (
	"testing"
	"time"

	"github.com/impexkit/impex/groups"
)

func TestDaysSpansEveryDateOperatorFromToday(t *testing.T) {
	day := func(y int, m time.Month, d int) int64 { return groups.Date{Year: y, Month: m, Day: d}.DayNumber() }
	today := day(2024, time.March, 31) // a Sunday
	on := groups.ValueDate(groups.Date{Year: 2024, Month: time.January, Day: 10})
	jan10 := day(2024, time.January, 10)
	rng := groups.ValueDateRange(groups.Date{Year: 2024, Month: time.January, Day: 1}, groups.Date{Year: 2024, Month: time.January, Day: 31})
	closed := func(first, last int64) groups.DaySpan {
		return groups.DaySpan{First: first, Last: last, HasFirst: true, HasLast: true}
	}
	for _, tc := range []struct {
		op     groups.Operator
		v      groups.Value
		sunday bool
		want   groups.DaySpan
	}{
		{groups.IsOn, on, false, closed(jan10, jan10)},
		{groups.IsAfter, on, false, groups.DaySpan{First: jan10 + 1, HasFirst: true}},
		{groups.IsBefore, on, false, groups.DaySpan{Last: jan10 - 1, HasLast: true}},
		{groups.IsInRange, rng, false, closed(day(2024, time.January, 1), day(2024, time.January, 31))},
		{groups.IsNotInRange, rng, false, closed(day(2024, time.January, 1), day(2024, time.January, 31))},
		{groups.IsToday, groups.Value{}, false, closed(today, today)},
		{groups.IsTomorrow, groups.Value{}, false, closed(today+1, today+1)},
		{groups.IsYesterday, groups.Value{}, false, closed(today-1, today-1)},
		{groups.IsInTheLastXDays, groups.ValueDays(3), false, closed(today-3, today)},
		{groups.IsNotInTheLastXDays, groups.ValueDays(3), false, closed(today-3, today)},
		{groups.IsInTheNextXDays, groups.ValueDays(3), false, closed(today, today+3)},
		{groups.IsNotInTheNextXDays, groups.ValueDays(3), false, closed(today, today+3)},
		{groups.IsInTheLast, groups.ValuePeriod(groups.Month), false, closed(day(2024, time.February, 29), today)},
		{groups.IsInTheLast, groups.ValuePeriod(groups.Year), false, closed(day(2023, time.March, 31), today)},
		{groups.IsInTheNext, groups.ValuePeriod(groups.Week), false, closed(today, today+7)},
		{groups.IsInTheNext, groups.ValuePeriod(groups.Month), false, closed(today, day(2024, time.April, 30))},
		{groups.IsInTheCurrent, groups.ValuePeriod(groups.Week), false, closed(day(2024, time.March, 25), today)},
		{groups.IsInTheCurrent, groups.ValuePeriod(groups.Week), true, closed(today, day(2024, time.April, 6))},
		{groups.IsInTheCurrent, groups.ValuePeriod(groups.Month), false, closed(day(2024, time.March, 1), today)},
		{groups.IsInTheCurrent, groups.ValuePeriod(groups.Year), false, closed(day(2024, time.January, 1), day(2024, time.December, 31))},
	} {
		c := groups.Condition{Path: "customer.profile.birthday", Operator: tc.op, Value: tc.v}
		got, ok := c.Days(today, tc.sunday)
		if !ok || got != tc.want {
			t.Errorf("%v (week from Sunday %v): Days = %+v, %v; want %+v", c, tc.sunday, got, ok, tc.want)
		}
	}
	for _, c := range []groups.Condition{
		{Path: "customer.activeData.orders", Operator: groups.IsGreaterThan, Value: groups.ValueInts(3)},
		{Path: "customer.activeData.orders", Operator: groups.IsInRange, Value: groups.ValueIntRange(1, 3)},
		{Path: "customer.profile.email", Operator: groups.Exists},
		{Path: "customer.profile.birthday", Operator: groups.IsOn, Value: groups.ValueDays(3)},
		{Path: "customer.profile.birthday", Operator: groups.IsInTheLast, Value: groups.ValueDays(3)},
	} {
		if span, ok := c.Days(today, false); ok {
			t.Errorf("%v: Days = %+v, true; want false for an operator not of dates or a value it does not take", c, span)
		}
	}
}
