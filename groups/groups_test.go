package groups_test

import (
	"errors"
	"testing"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

func TestSystemMembership(t *testing.T) {
	registered := &customer.Customer{Kind: customer.KindPerson, Credentials: customer.Credentials{Login: "anna"}}
	guest := &customer.Customer{Kind: customer.KindPerson}
	for _, tc := range []struct {
		group string
		c     *customer.Customer
		want  bool
	}{
		{groups.Everyone, registered, true},
		{groups.Everyone, guest, true},
		{groups.Registered, registered, true},
		{groups.Registered, guest, false},
		{groups.Unregistered, registered, false},
		{groups.Unregistered, guest, true},
		{"vip", registered, false},
	} {
		if got := groups.SystemMember(tc.group, tc.c); got != tc.want {
			t.Errorf("SystemMember(%s, login %q) = %v, want %v", tc.group, tc.c.Credentials.Login, got, tc.want)
		}
	}
}

func TestGroupMember(t *testing.T) {
	c := &customer.Customer{Kind: customer.KindPerson, Groups: []string{"vip"}}
	static := &groups.Group{ID: "vip", Kind: groups.Static}
	other := &groups.Group{ID: "club", Kind: groups.Static}
	dynamic := &groups.Group{ID: "vip", Kind: groups.Dynamic, Rule: &groups.Rule{}}
	if !static.Member(c) || other.Member(c) || dynamic.Member(c) {
		t.Fatal("Member must follow explicit memberships for static groups and report false for dynamic ones")
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		g    *groups.Group
		want error
	}{
		{"a static group is valid", &groups.Group{ID: "vip", Kind: groups.Static}, nil},
		{"a dynamic group with a rule is valid", &groups.Group{ID: "big", Kind: groups.Dynamic, Rule: registeredRule()}, nil},
		{"a system group under its own ID is valid", &groups.Group{ID: groups.Registered, Kind: groups.System}, nil},
		{"nil is invalid", nil, groups.ErrInvalid},
		{"an empty ID is invalid", &groups.Group{Kind: groups.Static}, groups.ErrInvalid},
		{"no kind is invalid", &groups.Group{ID: "x"}, groups.ErrInvalid},
		{"a dynamic group without a rule is invalid", &groups.Group{ID: "x", Kind: groups.Dynamic}, groups.ErrInvalid},
		{"a static group with a rule is invalid", &groups.Group{ID: "x", Kind: groups.Static, Rule: &groups.Rule{}}, groups.ErrInvalid},
		{"a dynamic group whose rule includes nothing is invalid", &groups.Group{ID: "x", Kind: groups.Dynamic, Rule: &groups.Rule{}}, groups.ErrEmptyRule},
		{"a dynamic group whose rule tests an unknown attribute is invalid", &groups.Group{ID: "x", Kind: groups.Dynamic, Rule: ruleOf(groups.Condition{Path: "customer.nonsense", Operator: groups.Exists})}, groups.ErrUnknownPath},
		{"a rule on a custom attribute is valid, whatever its type", &groups.Group{ID: "x", Kind: groups.Dynamic, Rule: ruleOf(groups.Condition{Path: "customer.profile.custom.points", Operator: groups.IsGreaterThan, Value: groups.ValueNumbers(groups.NumberOf(5))})}, nil},
		{"a system ID as a static group is refused", &groups.Group{ID: groups.Everyone, Kind: groups.Static}, groups.ErrSystemGroup},
		{"a system group under another ID is refused", &groups.Group{ID: "mine", Kind: groups.System}, groups.ErrSystemGroup},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := groups.Validate(tc.g)
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("Validate = %v, want %v", err, tc.want)
			}
			var re *groups.RuleError
			if errors.As(err, &re) && !errors.Is(err, groups.ErrInvalid) {
				t.Fatalf("Validate = %v: a rule that does not compile must make the group ErrInvalid too", err)
			}
		})
	}
}

func TestSystemGroupsAreFreshCopies(t *testing.T) {
	a := groups.SystemGroups()
	a[0].Description = "changed"
	if groups.SystemGroups()[0].Description == "changed" {
		t.Fatal("SystemGroups returns shared values")
	}
	if len(a) != 3 || !groups.IsSystemID(a[1].ID) || groups.IsSystemID("vip") {
		t.Fatal("system group IDs are wrong")
	}
}

// ruleOf is a rule of one included condition.
func ruleOf(c groups.Condition) *groups.Rule {
	return &groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{c}}}}
}

// registeredRule is a small valid rule: registered customers.
func registeredRule() *groups.Rule {
	return &groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAll,
		Conditions: []groups.Condition{{Path: "customer.registered", Operator: groups.IsTrue}}}}}
}
