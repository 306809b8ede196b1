package groups_test

import (
	"testing"
	"time"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

func TestCustomDateTimeCountsTheDayInTheConfiguredZone(t *testing.T) {
	helsinki, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	rule := &groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{
		{Path: "customer.activeData.custom.lastVisit", Operator: groups.IsToday}}}}}
	c, err := groups.Compile(rule, groups.Options{Location: helsinki,
		Now:         func() time.Time { return time.Date(2024, 3, 1, 12, 0, 0, 0, helsinki) },
		CustomTypes: map[string]groups.AttrType{"customer.activeData.custom.lastVisit": groups.TypeDateTime}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		stored string
		want   bool
	}{
		{"2024-02-29T23:30:00Z", true}, // 01:30 on 1 March in Helsinki
		{"2024-02-29T21:30:00Z", false},
		{"2024-03-01", true},
	} {
		cu := &customer.Customer{Kind: customer.KindPerson, ActiveData: &customer.ActiveData{
			Custom: []customer.Attribute{{ID: "lastVisit", Values: []string{tc.stored}}}}}
		if got := c.Match(&groups.Subject{Customer: cu}); got != tc.want {
			t.Errorf("stored %s: is-today = %v, want %v", tc.stored, got, tc.want)
		}
	}
}
