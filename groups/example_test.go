package groups_test

import (
	"fmt"
	"log"
	"time"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

// Example compiles the rule of SFRA's demo group "Big Spenders" and
// evaluates two customers with it.
func Example() {
	limit, err := groups.ParseNumber("200.0")
	if err != nil {
		panic(err)
	}
	bigSpenders := &groups.Group{ID: "Big Spenders", Kind: groups.Dynamic, Rule: &groups.Rule{
		Included: []groups.ConditionGroup{{
			Mode: groups.MatchAll,
			Conditions: []groups.Condition{{
				Path:     "customer.activeData.orderValueMonth",
				Operator: groups.IsGreaterThan,
				Value:    groups.ValueNumbers(limit),
			}},
		}},
	}}
	clock := func() time.Time { return time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC) }
	rule, err := groups.CompileGroup(bigSpenders, groups.Options{Now: clock})
	if err != nil {
		panic(err)
	}

	anna := &customer.Customer{Number: "1001", ActiveData: &customer.ActiveData{OrderValueMonth: 250}}
	ben := &customer.Customer{Number: "1002", ActiveData: &customer.ActiveData{OrderValueMonth: 120.5}}
	for _, c := range []*customer.Customer{anna, ben} {
		sub := &groups.Subject{Customer: c}
		fmt.Printf("customer %s member: %v\n", c.Number, rule.Match(sub))
		fmt.Print(rule.Explain(sub))
	}
	// Output:
	// customer 1001 member: true
	// customer group "Big Spenders": member (included by condition group 1)
	//   included condition group 1 (all): matched
	//     yes  customer.activeData.orderValueMonth is-greater-than 200.0 (value 250)
	// customer 1002 member: false
	// customer group "Big Spenders": not a member (no included condition group matched)
	//   included condition group 1 (all): not matched
	//     no   customer.activeData.orderValueMonth is-greater-than 200.0 (value 120.5)
}

// ExampleCompile shows the error a misspelt attribute path gives.
func ExampleCompile() {
	_, err := groups.Compile(&groups.Rule{Included: []groups.ConditionGroup{{
		Mode:       groups.MatchAll,
		Conditions: []groups.Condition{{Path: "customer.activeData.ordersValue", Operator: groups.IsGreaterThan, Value: groups.ValueInts(2)}},
	}}}, groups.Options{})
	fmt.Println(err)
	// Output:
	// included condition group 1, condition 1 (customer.activeData.ordersValue): unknown attribute path: "customer.activeData.ordersValue"; known attributes after "customer.activeData." are avgOrderValue, discountValueWithCoupon, discountValueWithoutCoupon, giftOrders, giftUnits, lastOrderDate, orderValue, orderValueMonth, orders, productMastersOrdered, productsAbandonedMonth, productsOrdered, productsViewedMonth, returnValue, returns, sourceCodeOrders, topCategoriesOrdered, visitsMonth, visitsWeek, visitsYear and custom.<id>
}

// ExampleSet evaluates a group that builds on another group's membership.
func ExampleSet() {
	set, err := groups.NewSet([]*groups.Group{
		{ID: "vip", Kind: groups.Static},
		{ID: "vip-in-finland", Kind: groups.Dynamic, Rule: &groups.Rule{Included: []groups.ConditionGroup{{
			Mode: groups.MatchAll,
			Conditions: []groups.Condition{
				{Path: "customer.customerGroups", Operator: groups.IsEqual, Value: groups.ValueStrings("vip")},
				{Path: "request.geolocation.countryCode", Operator: groups.IsEqual, Value: groups.ValueStrings("FI")},
			},
		}}}},
	}, groups.Options{})
	if err != nil {
		panic(err)
	}
	sub := &groups.Subject{
		Customer: &customer.Customer{Credentials: customer.Credentials{Login: "aino"}, Groups: []string{"vip"}},
		Request:  groups.Request{Geolocation: &groups.Geolocation{CountryCode: "fi"}},
	}
	fmt.Println(set.Members(sub, nil))
	// Output:
	// [Everyone Registered vip vip-in-finland]
}

// Compile a rule once and evaluate it for many customers: Match answers
// without allocating, MatchAt with a clock of the caller's.
func ExampleCompiled_Match() {
	rule := &groups.Rule{Included: []groups.ConditionGroup{{
		Mode: groups.MatchAll,
		Conditions: []groups.Condition{
			{Path: "customer.profile.preferredLocale", Operator: groups.IsEqual, Value: groups.ValueStrings("fi_FI", "sv_FI")},
			{Path: "customer.activeData.orders", Operator: groups.IsGreaterThanOrEqual, Value: groups.ValueInts(3)},
		},
	}}}
	regulars, err := groups.Compile(rule, groups.Options{})
	if err != nil {
		log.Fatal(err)
	}
	customers := []*customer.Customer{
		{Number: "1001", Profile: customer.Profile{PreferredLocale: "fi_FI"}, ActiveData: &customer.ActiveData{Orders: 5}},
		{Number: "1002", Profile: customer.Profile{PreferredLocale: "sv_FI"}, ActiveData: &customer.ActiveData{Orders: 1}},
		{Number: "1003", Profile: customer.Profile{PreferredLocale: "de_DE"}, ActiveData: &customer.ActiveData{Orders: 9}},
	}
	for _, c := range customers {
		fmt.Println(c.Number, regulars.Match(&groups.Subject{Customer: c}))
	}
	// Output:
	// 1001 true
	// 1002 false
	// 1003 false
}

// ExampleCondition_Days shows the days a relative date condition admits,
// as the evaluator and pgstore's SQL count them: a month back from the
// last of March in a leap year reaches the last of February.
func ExampleCondition_Days() {
	c := groups.Condition{Path: "customer.profile.birthday", Operator: groups.IsInTheLast, Value: groups.ValuePeriod(groups.Month)}
	today := groups.Date{Year: 2024, Month: time.March, Day: 31}.DayNumber()
	span, _ := c.Days(today, false)
	for _, d := range []groups.Date{{Year: 2024, Month: time.February, Day: 28}, {Year: 2024, Month: time.February, Day: 29}, {Year: 2024, Month: time.April, Day: 1}} {
		fmt.Println(d, span.Contains(d.DayNumber()))
	}
	// Output:
	// 2024-02-28 false
	// 2024-02-29 true
	// 2024-04-01 false
}

// ExampleRule_String renders a rule of two included condition groups, which
// are OR-ed, and an excluded one.
func ExampleRule_String() {
	r := &groups.Rule{
		Included: []groups.ConditionGroup{
			{Mode: groups.MatchAll, Conditions: []groups.Condition{
				{Path: "customer.profile.custom.loyaltyStatus", Operator: groups.IsEqual, Value: groups.ValueStrings("ENROLLED")},
				{Path: "customer.registered", Operator: groups.IsTrue},
			}},
			{Mode: groups.MatchAll, Conditions: []groups.Condition{{Path: "customer.profile.custom.isEmployee", Operator: groups.IsTrue}}},
		},
		Excluded: []groups.ConditionGroup{
			{Mode: groups.MatchAny, Conditions: []groups.Condition{{Path: "customer.profile.email", Operator: groups.Contains, Value: groups.ValueStrings("@test.")}}},
		},
	}
	fmt.Println(r)
	// Output:
	// include all: customer.profile.custom.loyaltyStatus is-equal "ENROLLED"; customer.registered is-true | include all: customer.profile.custom.isEmployee is-true | exclude any: customer.profile.email contains "@test."
}
