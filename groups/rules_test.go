package groups_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Helsinki on machines without a zone database

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/internal/days"
)

// helsinki is the evaluator's zone in the table: two or three hours ahead
// of UTC, so a day starts while it is still yesterday in UTC.
var helsinki = mustZone("Europe/Helsinki")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// now is 00:30 on Friday 1 March 2024 in Helsinki: still 29 February in UTC.
var now = time.Date(2024, time.March, 1, 0, 30, 0, 0, helsinki)

func utc(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, time.UTC)
}

// birthday stores a calendar day as the customer model does: midnight UTC.
func birthday(y int, m time.Month, d int) time.Time { return utc(y, m, d, 0, 0) }

func day(y int, m time.Month, d int) groups.Date { return groups.Date{Year: y, Month: m, Day: d} }

func num(s string) groups.Number {
	n, err := groups.ParseNumber(s)
	if err != nil {
		panic(err)
	}
	return n
}

// baseCustomer is a registered customer with a bit of everything.
func baseCustomer() *customer.Customer {
	return &customer.Customer{
		Kind:        customer.KindPerson,
		Number:      "D00000001",
		Credentials: customer.Credentials{Login: "anna@example.com"},
		Profile: customer.Profile{
			FirstName: "Åsa", LastName: "Virtanen", Email: "Anna.Virtanen@Example.com",
			Gender:   customer.GenderFemale,
			Birthday: birthday(1990, time.March, 8),
			// 23:30 UTC on 29 February is 01:30 on 1 March in Helsinki.
			LastLoginTime:   utc(2024, time.February, 29, 23, 30),
			LastVisitTime:   utc(2024, time.February, 29, 22, 10),
			CreationDate:    utc(2020, time.June, 15, 12, 0),
			PreferredLocale: "fi_FI",
		},
		Addresses: []customer.Address{
			{ID: "work", City: "Espoo", CountryCode: "FI"},
			{ID: "home", Preferred: true, City: "Helsinki", PostalCode: "00100", CountryCode: "FI",
				Attributes: []customer.Attribute{{ID: "floor", Values: []string{"3"}}}},
		},
		Groups: []string{"newsletter", "vip"},
		Attributes: []customer.Attribute{
			{ID: "loyaltyStatus", Values: []string{"ENROLLED"}},
			{ID: "isEmployee", Values: []string{"TRUE"}},
			{ID: "points", Values: []string{"1250"}},
			{ID: "memberSince", Values: []string{"2024-02-27"}},
		},
		ActiveData: &customer.ActiveData{
			Orders: 3, OrderValueMonth: 200.0, OrderValue: 1234.5, VisitsWeek: 0,
			TopCategoriesOrdered: []string{"Shoes", "Bags"},
			LastOrderDate:        utc(2024, time.February, 25, 10, 0),
			Custom:               []customer.Attribute{{ID: "segment", Values: []string{"gold"}}},
		},
	}
}

func baseSubject() *groups.Subject {
	return &groups.Subject{
		Customer: baseCustomer(),
		Session: groups.Session{
			Authenticated: true, Currency: "EUR", ReferrerHost: "www.google.com",
			Custom: []customer.Attribute{
				{ID: "eswCurrency", Values: []string{"GBP"}},
				{ID: "eswOperated", Values: []string{"true"}},
				{ID: "release", Values: []string{"2.0"}},
			},
		},
		Request: groups.Request{Locale: "fi_FI", Geolocation: &groups.Geolocation{CountryCode: "FI", City: "Helsinki", Latitude: 60.17, Longitude: 24.94}},
	}
}

type tableCase struct {
	name string
	cond groups.Condition
	// edit changes the base subject before the evaluation.
	edit func(s *groups.Subject)
	// at replaces the clock; opts are extra options.
	at   time.Time
	opts func(o *groups.Options)
	want bool
}

func c(path string, op groups.Operator, v ...groups.Value) groups.Condition {
	cond := groups.Condition{Path: path, Operator: op}
	if len(v) > 0 {
		cond.Value = v[0]
	}
	return cond
}

func cust(f func(c *customer.Customer)) func(s *groups.Subject) {
	return func(s *groups.Subject) { f(s.Customer) }
}

const (
	email     = "customer.profile.email"
	orders    = "customer.activeData.orders"
	valMonth  = "customer.activeData.orderValueMonth"
	login     = "customer.profile.lastLoginTime"
	visit     = "customer.profile.lastVisitTime"
	lastOrder = "customer.activeData.lastOrderDate"
	bday      = "customer.profile.birthday"
	nextBday  = "customer.profile.nextBirthday"
	created   = "customer.profile.creationDate"
)

// setTime returns an edit that sets the customer's last order date.
func lastOrderAt(t time.Time) func(s *groups.Subject) {
	return cust(func(c *customer.Customer) { c.ActiveData.LastOrderDate = t })
}

// localDay is noon of a Helsinki day, as an instant.
func localDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, helsinki) }

var table = []tableCase{
	// is-equal
	{name: "is-equal matches a string regardless of case", cond: c(email, groups.IsEqual, groups.ValueStrings("anna.virtanen@example.COM")), want: true},
	{name: "is-equal ORs several strings", cond: c(email, groups.IsEqual, groups.ValueStrings("x@y.z", "anna.virtanen@example.com")), want: true},
	{name: "is-equal fails on another string", cond: c(email, groups.IsEqual, groups.ValueStrings("anna@example.com")), want: false},
	{name: "is-equal fails on an empty attribute", cond: c(email, groups.IsEqual, groups.ValueStrings("x@y.z")),
		edit: cust(func(c *customer.Customer) { c.Profile.Email = "" }), want: false},
	{name: "is-equal folds non-ASCII letters", cond: c("customer.profile.firstName", groups.IsEqual, groups.ValueStrings("ÅSA")), want: true},
	{name: "is-equal matches one of several ints", cond: c(orders, groups.IsEqual, groups.ValueInts(1, 3)), want: true},
	{name: "is-equal compares an int attribute with a number", cond: c(orders, groups.IsEqual, groups.ValueNumbers(num("3.0"))), want: true},
	{name: "is-equal matches a number", cond: c(valMonth, groups.IsEqual, groups.ValueNumbers(num("200.00"))), want: true},
	{name: "is-equal on gender code", cond: c("customer.profile.gender", groups.IsEqual, groups.ValueInts(2)), want: true},
	{name: "is-equal fails on an unset gender", cond: c("customer.profile.gender", groups.IsEqual, groups.ValueInts(0)),
		edit: cust(func(c *customer.Customer) { c.Profile.Gender = customer.Gender{} }), want: false},
	{name: "is-equal on an untyped profile custom attribute", cond: c("customer.profile.custom.loyaltyStatus", groups.IsEqual, groups.ValueStrings("enrolled")), want: true},
	{name: "is-equal with a number on an untyped session attribute", cond: c("session.custom.release", groups.IsEqual, groups.ValueNumbers(num("2"))), want: true},
	{name: "is-equal on a string set matches an element", cond: c("customer.activeData.topCategoriesOrdered", groups.IsEqual, groups.ValueStrings("bags")), want: true},
	{name: "is-equal on customer groups sees a static group", cond: c("customer.customerGroups", groups.IsEqual, groups.ValueStrings("vip")), want: true},
	{name: "is-equal on customer groups sees a system group", cond: c("customer.customerGroups", groups.IsEqual, groups.ValueStrings(groups.Registered)), want: true},
	{name: "is-equal on customer groups compares IDs exactly", cond: c("customer.customerGroups", groups.IsEqual, groups.ValueStrings("VIP")), want: false},
	{name: "is-equal on the preferred address", cond: c("customer.addressBook.preferredAddress.city", groups.IsEqual, groups.ValueStrings("helsinki")), want: true},
	{name: "is-equal on a missing preferred address fails", cond: c("customer.addressBook.preferredAddress.countryCode", groups.IsEqual, groups.ValueStrings("FI")),
		edit: cust(func(c *customer.Customer) { c.Addresses[1].Preferred = false }), want: false},
	{name: "is-equal on the session currency", cond: c("session.currency", groups.IsEqual, groups.ValueStrings("eur")), want: true},
	{name: "is-equal on the geolocation country", cond: c("request.geolocation.countryCode", groups.IsEqual, groups.ValueStrings("fi")), want: true},

	// is-not-equal
	{name: "is-not-equal matches another string", cond: c(email, groups.IsNotEqual, groups.ValueStrings("x@y.z")), want: true},
	{name: "is-not-equal fails when a value is equal", cond: c(email, groups.IsNotEqual, groups.ValueStrings("x@y.z", "ANNA.virtanen@example.com")), want: false},
	{name: "is-not-equal fails on a missing attribute", cond: c(email, groups.IsNotEqual, groups.ValueStrings("x@y.z")),
		edit: cust(func(c *customer.Customer) { c.Profile.Email = "" }), want: false},
	{name: "is-not-equal on ints", cond: c(orders, groups.IsNotEqual, groups.ValueInts(1, 2)), want: true},
	{name: "is-not-equal on customer groups fails for a member", cond: c("customer.customerGroups", groups.IsNotEqual, groups.ValueStrings("vip")), want: false},
	{name: "is-not-equal on customer groups matches a non-member", cond: c("customer.customerGroups", groups.IsNotEqual, groups.ValueStrings("club")), want: true},

	// exists, does-not-exist
	{name: "exists on a set attribute", cond: c(email, groups.Exists), want: true},
	{name: "exists fails on an empty attribute", cond: c(email, groups.Exists),
		edit: cust(func(c *customer.Customer) { c.Profile.Email = "" }), want: false},
	{name: "exists on active data zero is true", cond: c("customer.activeData.visitsWeek", groups.Exists), want: true},
	{name: "exists on a custom attribute", cond: c("customer.profile.custom.loyaltyStatus", groups.Exists), want: true},
	{name: "exists on customer groups is always true", cond: c("customer.customerGroups", groups.Exists), want: true},
	{name: "does-not-exist on missing active data", cond: c(orders, groups.DoesNotExist),
		edit: cust(func(c *customer.Customer) { c.ActiveData = nil }), want: true},
	{name: "does-not-exist on an unknown geolocation", cond: c("request.geolocation.latitude", groups.DoesNotExist),
		edit: func(s *groups.Subject) { s.Request.Geolocation = nil }, want: true},
	{name: "does-not-exist fails on a present attribute", cond: c("customer.activeData.custom.segment", groups.DoesNotExist), want: false},
	{name: "does-not-exist on a profile path of an anonymous visitor", cond: c(email, groups.DoesNotExist),
		edit: func(s *groups.Subject) { s.Customer = nil }, want: true},

	// is-on, is-after, is-before
	{name: "is-on takes the day of an instant in the evaluator's zone", cond: c(login, groups.IsOn, groups.ValueDate(day(2024, 3, 1))), want: true},
	{name: "is-on fails on the UTC day", cond: c(login, groups.IsOn, groups.ValueDate(day(2024, 2, 29))), want: false},
	{name: "is-on on a birthday uses the calendar day", cond: c(bday, groups.IsOn, groups.ValueDate(day(1990, 3, 8))), want: true},
	{name: "is-on fails on a missing date", cond: c(bday, groups.IsOn, groups.ValueDate(day(1990, 3, 8))),
		edit: cust(func(c *customer.Customer) { c.Profile.Birthday = time.Time{} }), want: false},
	{name: "is-after excludes the day itself", cond: c(created, groups.IsAfter, groups.ValueDate(day(2020, 6, 15))), want: false},
	{name: "is-after the day before", cond: c(created, groups.IsAfter, groups.ValueDate(day(2020, 6, 14))), want: true},
	{name: "is-before excludes the day itself", cond: c(created, groups.IsBefore, groups.ValueDate(day(2020, 6, 15))), want: false},
	{name: "is-before the day after", cond: c(created, groups.IsBefore, groups.ValueDate(day(2020, 6, 16))), want: true},
	{name: "is-after on an untyped custom date", cond: c("customer.profile.custom.memberSince", groups.IsAfter, groups.ValueDate(day(2024, 2, 26))), want: true},

	// is-today, is-tomorrow, is-yesterday
	{name: "is-today counts from local midnight", cond: c(visit, groups.IsToday), want: true},
	{name: "is-today fails a minute before local midnight", cond: c(visit, groups.IsToday),
		edit: cust(func(c *customer.Customer) { c.Profile.LastVisitTime = utc(2024, 2, 29, 21, 59) }), want: false},
	{name: "is-yesterday a minute before local midnight", cond: c(visit, groups.IsYesterday),
		edit: cust(func(c *customer.Customer) { c.Profile.LastVisitTime = utc(2024, 2, 29, 21, 59) }), want: true},
	{name: "is-yesterday fails on today", cond: c(visit, groups.IsYesterday), want: false},
	{name: "is-tomorrow just after the next local midnight", cond: c(lastOrder, groups.IsTomorrow),
		edit: lastOrderAt(utc(2024, 3, 1, 22, 0)), want: true},
	{name: "is-tomorrow fails just before it", cond: c(lastOrder, groups.IsTomorrow),
		edit: lastOrderAt(utc(2024, 3, 1, 21, 59)), want: false},
	{name: "is-today counts UTC days when no zone is set", cond: c(visit, groups.IsToday),
		edit: cust(func(c *customer.Customer) { c.Profile.LastVisitTime = utc(2024, 2, 29, 21, 59) }),
		opts: func(o *groups.Options) { o.Location = nil }, want: true},

	// is-in-the-last, is-in-the-next, is-in-the-current
	{name: "is-in-the-last week includes seven days back", cond: c(lastOrder, groups.IsInTheLast, groups.ValuePeriod(groups.Week)),
		edit: lastOrderAt(localDay(2024, 2, 23)), want: true},
	{name: "is-in-the-last week excludes eight days back", cond: c(lastOrder, groups.IsInTheLast, groups.ValuePeriod(groups.Week)),
		edit: lastOrderAt(localDay(2024, 2, 22)), want: false},
	{name: "is-in-the-last week excludes tomorrow", cond: c(lastOrder, groups.IsInTheLast, groups.ValuePeriod(groups.Week)),
		edit: lastOrderAt(localDay(2024, 3, 2)), want: false},
	{name: "is-in-the-last month reaches the same day a month back", cond: c(lastOrder, groups.IsInTheLast, groups.ValuePeriod(groups.Month)),
		edit: lastOrderAt(localDay(2024, 2, 1)), want: true},
	{name: "is-in-the-last month stops there", cond: c(lastOrder, groups.IsInTheLast, groups.ValuePeriod(groups.Month)),
		edit: lastOrderAt(localDay(2024, 1, 31)), want: false},
	{name: "is-in-the-last month from 31 March reaches 29 February", cond: c(lastOrder, groups.IsInTheLast, groups.ValuePeriod(groups.Month)),
		at: time.Date(2024, 3, 31, 9, 0, 0, 0, helsinki), edit: lastOrderAt(localDay(2024, 2, 29)), want: true},
	{name: "is-in-the-last year", cond: c(created, groups.IsInTheLast, groups.ValuePeriod(groups.Year)),
		edit: cust(func(c *customer.Customer) { c.Profile.CreationDate = localDay(2023, 3, 1) }), want: true},
	{name: "is-in-the-last year excludes a year and a day", cond: c(created, groups.IsInTheLast, groups.ValuePeriod(groups.Year)),
		edit: cust(func(c *customer.Customer) { c.Profile.CreationDate = localDay(2023, 2, 28) }), want: false},
	{name: "is-in-the-next week includes seven days ahead", cond: c(lastOrder, groups.IsInTheNext, groups.ValuePeriod(groups.Week)),
		edit: lastOrderAt(localDay(2024, 3, 8)), want: true},
	{name: "is-in-the-next week excludes eight days ahead", cond: c(lastOrder, groups.IsInTheNext, groups.ValuePeriod(groups.Week)),
		edit: lastOrderAt(localDay(2024, 3, 9)), want: false},
	{name: "is-in-the-next month", cond: c(lastOrder, groups.IsInTheNext, groups.ValuePeriod(groups.Month)),
		edit: lastOrderAt(localDay(2024, 4, 1)), want: true},
	{name: "is-in-the-next year excludes yesterday", cond: c(lastOrder, groups.IsInTheNext, groups.ValuePeriod(groups.Year)),
		edit: lastOrderAt(localDay(2024, 2, 29)), want: false},
	{name: "is-in-the-current week starts on Monday", cond: c(lastOrder, groups.IsInTheCurrent, groups.ValuePeriod(groups.Week)),
		edit: lastOrderAt(localDay(2024, 2, 26)), want: true},
	{name: "is-in-the-current week excludes the Sunday before", cond: c(lastOrder, groups.IsInTheCurrent, groups.ValuePeriod(groups.Week)),
		edit: lastOrderAt(localDay(2024, 2, 25)), want: false},
	{name: "is-in-the-current week ends on Sunday", cond: c(lastOrder, groups.IsInTheCurrent, groups.ValuePeriod(groups.Week)),
		edit: lastOrderAt(localDay(2024, 3, 3)), want: true},
	{name: "is-in-the-current week can start on Sunday", cond: c(lastOrder, groups.IsInTheCurrent, groups.ValuePeriod(groups.Week)),
		edit: lastOrderAt(localDay(2024, 2, 25)), opts: func(o *groups.Options) { o.WeekStartsSunday = true }, want: true},
	{name: "is-in-the-current month", cond: c(lastOrder, groups.IsInTheCurrent, groups.ValuePeriod(groups.Month)),
		edit: lastOrderAt(localDay(2024, 3, 31)), want: true},
	{name: "is-in-the-current month excludes the last day of the month before", cond: c(lastOrder, groups.IsInTheCurrent, groups.ValuePeriod(groups.Month)),
		edit: lastOrderAt(localDay(2024, 2, 29)), want: false},
	{name: "is-in-the-current year", cond: c(lastOrder, groups.IsInTheCurrent, groups.ValuePeriod(groups.Year)),
		edit: lastOrderAt(localDay(2024, 12, 31)), want: true},
	{name: "is-in-the-current year excludes new year's eve before", cond: c(lastOrder, groups.IsInTheCurrent, groups.ValuePeriod(groups.Year)),
		edit: lastOrderAt(localDay(2023, 12, 31)), want: false},

	// the x-days operators
	{name: "is-in-the-last-x-days includes the first day", cond: c(lastOrder, groups.IsInTheLastXDays, groups.ValueDays(3)),
		edit: lastOrderAt(localDay(2024, 2, 27)), want: true},
	{name: "is-in-the-last-x-days excludes the day before it", cond: c(lastOrder, groups.IsInTheLastXDays, groups.ValueDays(3)),
		edit: lastOrderAt(localDay(2024, 2, 26)), want: false},
	{name: "is-in-the-last-x-days includes today", cond: c(visit, groups.IsInTheLastXDays, groups.ValueDays(1)), want: true},
	{name: "is-in-the-last-x-days excludes tomorrow", cond: c(lastOrder, groups.IsInTheLastXDays, groups.ValueDays(3)),
		edit: lastOrderAt(localDay(2024, 3, 2)), want: false},
	{name: "is-not-in-the-last-x-days matches an older date", cond: c(lastOrder, groups.IsNotInTheLastXDays, groups.ValueDays(3)),
		edit: lastOrderAt(localDay(2024, 2, 26)), want: true},
	{name: "is-not-in-the-last-x-days fails inside the window", cond: c(lastOrder, groups.IsNotInTheLastXDays, groups.ValueDays(3)),
		edit: lastOrderAt(localDay(2024, 2, 27)), want: false},
	{name: "is-not-in-the-last-x-days fails on a missing date", cond: c(lastOrder, groups.IsNotInTheLastXDays, groups.ValueDays(3)),
		edit: lastOrderAt(time.Time{}), want: false},
	{name: "is-in-the-next-x-days on the next birthday", cond: c(nextBday, groups.IsInTheNextXDays, groups.ValueDays(7)), want: true},
	{name: "is-in-the-next-x-days excludes the day after the window", cond: c(nextBday, groups.IsInTheNextXDays, groups.ValueDays(6)), want: false},
	{name: "is-not-in-the-next-x-days outside the window", cond: c(nextBday, groups.IsNotInTheNextXDays, groups.ValueDays(6)), want: true},
	{name: "is-not-in-the-next-x-days inside the window", cond: c(nextBday, groups.IsNotInTheNextXDays, groups.ValueDays(7)), want: false},

	// nextBirthday and 29 February
	{name: "a birthday today is the next birthday", cond: c(nextBday, groups.IsToday),
		edit: cust(func(c *customer.Customer) { c.Profile.Birthday = birthday(1985, 3, 1) }), want: true},
	{name: "a birthday yesterday is next year", cond: c(nextBday, groups.IsOn, groups.ValueDate(day(2025, 2, 29-1))),
		edit: cust(func(c *customer.Customer) { c.Profile.Birthday = birthday(1985, 2, 28) }), want: true},
	{name: "a leap-day birthday falls on 28 February in a common year", cond: c(nextBday, groups.IsToday),
		at: time.Date(2025, 2, 28, 8, 0, 0, 0, helsinki), edit: cust(func(c *customer.Customer) { c.Profile.Birthday = birthday(1996, 2, 29) }), want: true},
	{name: "a leap-day birthday can fall on 1 March instead", cond: c(nextBday, groups.IsTomorrow),
		at: time.Date(2025, 2, 28, 8, 0, 0, 0, helsinki), opts: func(o *groups.Options) { o.LeapDayBirthdayOnMarch1 = true },
		edit: cust(func(c *customer.Customer) { c.Profile.Birthday = birthday(1996, 2, 29) }), want: true},
	{name: "a leap-day birthday is on 29 February in a leap year", cond: c(nextBday, groups.IsOn, groups.ValueDate(day(2028, 2, 29))),
		at: time.Date(2027, 3, 1, 8, 0, 0, 0, helsinki), edit: cust(func(c *customer.Customer) { c.Profile.Birthday = birthday(1996, 2, 29) }), want: true},
	{name: "a leap-day birthday just passed moves to the next year", cond: c(nextBday, groups.IsOn, groups.ValueDate(day(2025, 2, 28))),
		edit: cust(func(c *customer.Customer) { c.Profile.Birthday = birthday(1996, 2, 29) }), want: true},
	{name: "nextBirthday is missing without a birthday", cond: c(nextBday, groups.DoesNotExist),
		edit: cust(func(c *customer.Customer) { c.Profile.Birthday = time.Time{} }), want: true},

	// numeric comparisons
	{name: "is-greater-than is strict", cond: c(valMonth, groups.IsGreaterThan, groups.ValueNumbers(num("200.0"))), want: false},
	{name: "is-greater-than just above", cond: c(valMonth, groups.IsGreaterThan, groups.ValueNumbers(num("199.99"))), want: true},
	{name: "is-greater-than fails on missing active data", cond: c(valMonth, groups.IsGreaterThan, groups.ValueNumbers(num("-1"))),
		edit: cust(func(c *customer.Customer) { c.ActiveData = nil }), want: false},
	{name: "is-less-than is strict", cond: c(orders, groups.IsLessThan, groups.ValueInts(3)), want: false},
	{name: "is-less-than just below", cond: c(orders, groups.IsLessThan, groups.ValueInts(4)), want: true},
	{name: "is-greater-than-or-equal includes the value", cond: c(valMonth, groups.IsGreaterThanOrEqual, groups.ValueNumbers(num("200"))), want: true},
	{name: "is-greater-than-or-equal fails below", cond: c(valMonth, groups.IsGreaterThanOrEqual, groups.ValueNumbers(num("200.01"))), want: false},
	{name: "is-less-than-or-equal includes the value", cond: c(orders, groups.IsLessThanOrEqual, groups.ValueInts(3)), want: true},
	{name: "is-less-than-or-equal fails above", cond: c(orders, groups.IsLessThanOrEqual, groups.ValueInts(2)), want: false},
	{name: "is-greater-than on an untyped custom number", cond: c("customer.profile.custom.points", groups.IsGreaterThan, groups.ValueInts(1000)), want: true},
	{name: "is-greater-than fails on a non-numeric custom text", cond: c("customer.profile.custom.loyaltyStatus", groups.IsGreaterThan, groups.ValueInts(0)), want: false},
	{name: "is-less-than on the geolocation latitude", cond: c("request.geolocation.latitude", groups.IsLessThan, groups.ValueNumbers(num("60.2"))), want: true},

	// ranges
	{name: "is-in-range includes the minimum", cond: c(orders, groups.IsInRange, groups.ValueIntRange(3, 5)), want: true},
	{name: "is-in-range includes the maximum", cond: c(orders, groups.IsInRange, groups.ValueIntRange(1, 3)), want: true},
	{name: "is-in-range excludes above the maximum", cond: c(orders, groups.IsInRange, groups.ValueIntRange(1, 2)), want: false},
	{name: "is-in-range with a number range", cond: c(valMonth, groups.IsInRange, groups.ValueNumberRange(num("100.5"), num("200.0"))), want: true},
	{name: "is-in-range with a date range includes the last day", cond: c(created, groups.IsInRange, groups.ValueDateRange(day(2020, 1, 1), day(2020, 6, 15))), want: true},
	{name: "is-in-range with a date range excludes the day after", cond: c(created, groups.IsInRange, groups.ValueDateRange(day(2020, 6, 16), day(2020, 12, 31))), want: false},
	{name: "is-not-in-range outside", cond: c(orders, groups.IsNotInRange, groups.ValueIntRange(4, 10)), want: true},
	{name: "is-not-in-range on the boundary", cond: c(orders, groups.IsNotInRange, groups.ValueIntRange(3, 10)), want: false},
	{name: "is-not-in-range fails on a missing value", cond: c(orders, groups.IsNotInRange, groups.ValueIntRange(4, 10)),
		edit: cust(func(c *customer.Customer) { c.ActiveData = nil }), want: false},
	{name: "is-not-in-range with dates", cond: c(bday, groups.IsNotInRange, groups.ValueDateRange(day(1991, 1, 1), day(1999, 12, 31))), want: true},

	// string operators
	{name: "starts-with ignores case", cond: c(email, groups.StartsWith, groups.ValueStrings("ANNA.")), want: true},
	{name: "starts-with fails on a longer prefix", cond: c(email, groups.StartsWith, groups.ValueStrings("Anna.Virtanen@Example.com.")), want: false},
	{name: "ends-with ignores case", cond: c(email, groups.EndsWith, groups.ValueStrings("nope", "@EXAMPLE.com")), want: true},
	{name: "ends-with fails", cond: c(email, groups.EndsWith, groups.ValueStrings("@example.org")), want: false},
	{name: "contains ignores case", cond: c(email, groups.Contains, groups.ValueStrings("virtanen@example")), want: true},
	{name: "contains on the session referrer host", cond: c("session.referrerHost", groups.Contains, groups.ValueStrings("GOOGLE")), want: true},
	{name: "contains folds non-ASCII letters", cond: c("customer.profile.firstName", groups.Contains, groups.ValueStrings("ÅS")), want: true},
	{name: "contains folds the Kelvin sign", cond: c("customer.profile.lastName", groups.Contains, groups.ValueStrings("\u212Aorhonen")),
		edit: cust(func(c *customer.Customer) { c.Profile.LastName = "Korhonen" }), want: true},
	{name: "contains fails", cond: c(email, groups.Contains, groups.ValueStrings("eshopworld")), want: false},
	{name: "contains on a string set", cond: c("customer.activeData.topCategoriesOrdered", groups.Contains, groups.ValueStrings("hoe")), want: true},
	{name: "does-not-contain matches", cond: c(email, groups.DoesNotContain, groups.ValueStrings("eshopworld")), want: true},
	{name: "does-not-contain fails when one value is contained", cond: c(email, groups.DoesNotContain, groups.ValueStrings("eshopworld", "EXAMPLE")), want: false},
	{name: "does-not-contain fails on a missing attribute", cond: c(email, groups.DoesNotContain, groups.ValueStrings("x")),
		edit: cust(func(c *customer.Customer) { c.Profile.Email = "" }), want: false},

	// booleans
	{name: "is-true on a registered customer", cond: c("customer.registered", groups.IsTrue), want: true},
	{name: "is-true fails for a guest", cond: c("customer.registered", groups.IsTrue),
		edit: cust(func(c *customer.Customer) { c.Credentials.Login = "" }), want: false},
	{name: "is-true on an untyped custom attribute ignores case", cond: c("customer.profile.custom.isEmployee", groups.IsTrue), want: true},
	{name: "is-true fails on a missing custom attribute", cond: c("customer.profile.custom.isManager", groups.IsTrue), want: false},
	{name: "is-true on the session", cond: c("session.authenticated", groups.IsTrue), want: true},
	{name: "is-true on a session custom attribute", cond: c("session.custom.eswOperated", groups.IsTrue), want: true},
	{name: "is-false for a guest", cond: c("customer.registered", groups.IsFalse), edit: func(s *groups.Subject) { s.Customer = nil }, want: true},
	{name: "is-false fails on a true attribute", cond: c("session.authenticated", groups.IsFalse), want: false},
	{name: "is-false on an untyped custom attribute", cond: c("customer.profile.custom.isEmployee", groups.IsFalse),
		edit: cust(func(c *customer.Customer) { c.Attributes[1].Values = []string{"false"} }), want: true},
	{name: "is-false fails on a non-boolean text", cond: c("customer.profile.custom.loyaltyStatus", groups.IsFalse), want: false},
}

func rule(conds ...groups.Condition) *groups.Rule {
	return &groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: conds}}}
}

func TestOperators(t *testing.T) {
	for _, tc := range table {
		t.Run(tc.name, func(t *testing.T) {
			at := now
			if !tc.at.IsZero() {
				at = tc.at
			}
			opts := groups.Options{Location: helsinki, Now: func() time.Time { return at }}
			if tc.opts != nil {
				tc.opts(&opts)
			}
			compiled, err := groups.Compile(rule(tc.cond), opts)
			if err != nil {
				t.Fatalf("Compile(%s): %v", tc.cond, err)
			}
			sub := baseSubject()
			if tc.edit != nil {
				tc.edit(sub)
			}
			if got := compiled.Match(sub); got != tc.want {
				t.Errorf("%s: Match = %v, want %v\n%s", tc.cond, got, tc.want, compiled.Explain(sub))
			}
			if x := compiled.Explain(sub); x.Member != tc.want {
				t.Errorf("%s: Explain says member=%v, Match says %v", tc.cond, x.Member, tc.want)
			}
		})
	}
}

// xsdOperators reads the Operator enumeration of customergroup.xsd.
func xsdOperators(t *testing.T) []string {
	t.Helper()
	const path = "../../shared/schemas/sfcc/customergroup.xsd"
	data, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("IMPEX_REQUIRE_FIXTURES") == "1" {
			t.Fatalf("customergroup.xsd is required: %v", err)
		}
		t.Skipf("customergroup.xsd not available: %v", err)
	}
	block := regexp.MustCompile(`(?s)<xsd:simpleType name="Operator">(.*?)</xsd:simpleType>`).FindSubmatch(data)
	if block == nil {
		t.Fatal("customergroup.xsd has no Operator simple type")
	}
	var ops []string
	for _, m := range regexp.MustCompile(`<xsd:enumeration value="([^"]+)"`).FindAllSubmatch(block[1], -1) {
		ops = append(ops, string(m[1]))
	}
	return ops
}

func TestEveryXSDOperatorIsCovered(t *testing.T) {
	ops := xsdOperators(t)
	if len(ops) != 29 {
		t.Errorf("the XSD lists %d operators, the engine knows 29", len(ops))
	}
	outcomes := make(map[groups.Operator]map[bool]bool)
	for _, tc := range table {
		if outcomes[tc.cond.Operator] == nil {
			outcomes[tc.cond.Operator] = make(map[bool]bool)
		}
		outcomes[tc.cond.Operator][tc.want] = true
	}
	for i, text := range ops {
		op, err := groups.ParseOperator(text)
		if err != nil {
			t.Errorf("the XSD operator %q does not parse: %v", text, err)
			continue
		}
		if op.String() != text {
			t.Errorf("operator %q prints as %q", text, op)
		}
		if i < len(groups.Operators()) && groups.Operators()[i] != op {
			t.Errorf("Operators()[%d] = %v, the XSD has %q there", i, groups.Operators()[i], text)
		}
		if !outcomes[op][true] || !outcomes[op][false] {
			t.Errorf("the table has no case where %q matches and one where it does not", text)
		}
	}
}

// The negated operators are the "not" forms of an operator over values;
// does-not-exist negates exists, which reads no value, and is not one.
func TestNegatedOperatorsAreTheNotFormsOfValueOperators(t *testing.T) {
	for _, op := range groups.Operators() {
		s := op.String()
		want := (strings.HasPrefix(s, "is-not-") || strings.HasPrefix(s, "does-not-")) && op != groups.DoesNotExist
		if op.Negated() != want {
			t.Errorf("%s: Negated() = %v", s, op.Negated())
		}
	}
}

// days.Period takes groups.TimePeriod's values, as the evaluator and
// pgstore's SQL convert one into the other.
func TestTimePeriodsAreDaysPeriods(t *testing.T) {
	for p, want := range map[groups.TimePeriod]days.Period{groups.Week: days.Weeks, groups.Month: days.Months, groups.Year: days.Years} {
		if days.Period(p) != want {
			t.Errorf("%v converts to days.Period %d, want %d", p, days.Period(p), want)
		}
	}
}
