package activedata_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex/activedata"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/xmlio"
)

func number(t testing.TB, s string) groups.Number {
	t.Helper()
	n, err := groups.ParseNumber(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func dynamic(id string, conds ...groups.Condition) *groups.Group {
	return &groups.Group{ID: id, Kind: groups.Dynamic, Rule: &groups.Rule{
		Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: conds}},
	}}
}

// activeDataXML is a customer-active-data-list document giving each of the
// customers its orderValueMonth.
func activeDataXML(values map[string]string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<customer-active-data-list xmlns="http://www.demandware.com/xml/impex/customeractivedata/2018-01-20">` + "\n")
	numbers := make([]string, 0, len(values))
	for no := range values {
		numbers = append(numbers, no)
	}
	slices.Sort(numbers)
	for _, no := range numbers {
		fmt.Fprintf(&b, `<customer-active-data customer-no="%s">
<visits-week>1</visits-week><visits-month>2</visits-month><visits-year>3</visits-year>
<orders>1</orders><returns>0</returns><return-value>0</return-value><order-value>%[2]s</order-value>
<order-value-month>%[2]s</order-value-month><avg-order-value>%[2]s</avg-order-value>
<discount-value-without-coupon>0</discount-value-without-coupon><discount-value-with-coupon>0</discount-value-with-coupon>
<source-code-orders>0</source-code-orders><gift-units>0</gift-units><gift-orders>0</gift-orders>
<top-categories-ordered/><products-ordered/><product-masters-ordered/><products-viewed-month/><products-abandoned-month/>
</customer-active-data>
`, no, values[no])
	}
	b.WriteString("</customer-active-data-list>\n")
	return b.String()
}

// members evaluates set for every customer of the store and returns, per
// group, the numbers of its members.
func members(t testing.TB, store customer.Repository, set *groups.Set) map[string][]string {
	t.Helper()
	out := make(map[string][]string)
	for c, err := range store.List(context.Background(), customer.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range set.Members(&groups.Subject{Customer: c}, nil) {
			if !groups.IsSystemID(g) {
				out[g] = append(out[g], c.Number)
			}
		}
	}
	return out
}

// A dynamic group on active data selects exactly the customers whose
// imported values qualify: SFRA's "Big Spenders" on the system value
// orderValueMonth (imported as XML), and groups on typed custom values
// (imported as CSV).
func TestDynamicGroupsReadImportedActiveData(t *testing.T) {
	ctx := context.Background()
	store := newStore(t, 6)
	feeds := testFeeds(t)

	xmlDoc := activeDataXML(map[string]string{"1": "250.0", "2": "200.0", "3": "200.01", "4": "15", "5": "1E3"})
	if res, err := xmlio.ImportActiveData(ctx, store, strings.NewReader(xmlDoc), xmlio.ActiveDataImportOptions{}); err != nil || res.Updated != 5 {
		t.Fatalf("ImportActiveData: %v, %+v %v", err, res.Counts, res.Report.Issues())
	}
	csvDoc := "customerNo;points;spend;vip;since;brands;sizes\n" +
		"1;1500;99,5;true;2020-01-15;acme|globex;40|42\n" +
		"2;900;1000;false;2024-02-28;globex;38\n" +
		"3;1000;-5;TRUE;2024-02-29;;44|46\n" +
		"6;10;;;;ACME;\n"
	if res, err := activedata.ImportCSV(ctx, store, feeds, "crm", strings.NewReader(csvDoc), activedata.ImportOptions{}); err != nil || res.Updated != 4 {
		t.Fatalf("ImportCSV: %v, %+v %v", err, res.Counts, res.Report.Issues())
	}

	gs := []*groups.Group{
		dynamic("Big Spenders", groups.Condition{Path: "customer.activeData.orderValueMonth", Operator: groups.IsGreaterThan,
			Value: groups.ValueNumbers(number(t, "200.0"))}),
		dynamic("loyal", groups.Condition{Path: activedata.RulePath("points"), Operator: groups.IsGreaterThanOrEqual,
			Value: groups.ValueInts(1000)}),
		dynamic("low spend", groups.Condition{Path: activedata.RulePath("spend"), Operator: groups.IsLessThan,
			Value: groups.ValueNumbers(number(t, "100"))}),
		dynamic("vip", groups.Condition{Path: activedata.RulePath("vip"), Operator: groups.IsTrue}),
		dynamic("new", groups.Condition{Path: activedata.RulePath("since"), Operator: groups.IsAfter,
			Value: groups.ValueDate(groups.Date{Year: 2024, Month: time.January, Day: 1})}),
		dynamic("acme fans", groups.Condition{Path: activedata.RulePath("brands"), Operator: groups.IsEqual,
			Value: groups.ValueStrings("acme")}),
		dynamic("big feet", groups.Condition{Path: activedata.RulePath("sizes"), Operator: groups.IsGreaterThan,
			Value: groups.ValueNumbers(number(t, "43"))}),
		dynamic("no spend", groups.Condition{Path: activedata.RulePath("spend"), Operator: groups.DoesNotExist}),
	}
	opts := groups.Options{CustomTypes: feeds.CustomTypes(), StrictCustom: true,
		Now: func() time.Time { return time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC) }}
	set, err := groups.NewSet(gs, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"Big Spenders": {"1", "3", "5"},
		"loyal":        {"1", "3"},
		"low spend":    {"1", "3"},
		"vip":          {"1", "3"},
		"new":          {"2", "3"},
		"acme fans":    {"1", "6"},
		"big feet":     {"3"},
		"no spend":     {"4", "5", "6"},
	}
	if diff := cmp.Diff(want, members(t, store, set)); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}

	// A condition of the wrong kind on a typed custom attribute is refused
	// when the rule is compiled, thanks to the feed's declared types.
	_, err = groups.Compile(dynamic("bad", groups.Condition{Path: activedata.RulePath("vip"), Operator: groups.IsGreaterThan,
		Value: groups.ValueInts(1)}).Rule, opts)
	if err == nil {
		t.Error("is-greater-than on a boolean attribute compiled")
	}
}
