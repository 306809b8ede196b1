package groups_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

func TestCompileErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cond    groups.Condition
		opts    groups.Options
		want    error
		message string // a part of the message
	}{
		{"a misspelt profile path is unknown", c("customer.profile.emial", groups.Exists), groups.Options{},
			groups.ErrUnknownPath, `"customer.profile.emial"; known attributes after "customer.profile." are birthday, companyName`},
		{"a path of no known root is unknown", c("cart.total", groups.Exists), groups.Options{}, groups.ErrUnknownPath, `"cart.total"`},
		{"a custom path needs an ID", c("session.custom.", groups.Exists), groups.Options{}, groups.ErrUnknownPath, "names no custom attribute"},
		{"strict custom types refuse an undeclared attribute", c("customer.profile.custom.tier", groups.Exists),
			groups.Options{StrictCustom: true}, groups.ErrUnknownPath, "no declared type"},
		{"an invalid operator", groups.Condition{Path: email, Operator: 99}, groups.Options{}, groups.ErrUnknownOperator, "Operator(99)"},
		{"a numeric operator on a string attribute", c(email, groups.IsGreaterThan, groups.ValueInts(1)), groups.Options{},
			groups.ErrOperatorType, "is-greater-than does not apply to customer.profile.email (type string)"},
		{"a string operator on a declared int custom attribute", c("customer.profile.custom.points", groups.Contains, groups.ValueStrings("1")),
			groups.Options{CustomTypes: map[string]groups.AttrType{"customer.profile.custom.points": groups.TypeInt}}, groups.ErrOperatorType, "(type integer)"},
		{"contains on customer groups", c("customer.customerGroups", groups.Contains, groups.ValueStrings("v")), groups.Options{},
			groups.ErrOperatorType, "use is-equal or is-not-equal"},
		{"a date range for is-greater-than", c(orders, groups.IsGreaterThan, groups.ValueDateRange(day(2024, 1, 1), day(2024, 1, 2))), groups.Options{},
			groups.ErrOperatorValue, "is-greater-than on customer.activeData.orders (type integer) takes int or number, not date-range"},
		{"strings for a number attribute", c(valMonth, groups.IsEqual, groups.ValueStrings("200")), groups.Options{},
			groups.ErrOperatorValue, "not string"},
		{"an int range on a date", c(bday, groups.IsInRange, groups.ValueIntRange(1, 2)), groups.Options{}, groups.ErrOperatorValue, "takes date-range"},
		{"is-in-the-last without a period", c(lastOrder, groups.IsInTheLast), groups.Options{}, groups.ErrMissingValue, "needs a value: time-period"},
		{"an empty string list", c(email, groups.IsEqual, groups.ValueStrings()), groups.Options{}, groups.ErrMissingValue, "string list is empty"},
		{"exists with a value", c(email, groups.Exists, groups.ValueStrings("x")), groups.Options{}, groups.ErrExtraValue, "exists takes no value"},
		{"is-greater-than with two values", c(orders, groups.IsGreaterThan, groups.ValueInts(1, 2)), groups.Options{}, groups.ErrExtraValue, "single value"},
		{"fields of two value kinds", c(orders, groups.IsEqual, groups.Value{Kind: groups.IntsKind, Ints: []int{1}, Strings: []string{"x"}}),
			groups.Options{}, groups.ErrExtraValue, "another value kind"},
		{"a blank string", c(email, groups.IsEqual, groups.ValueStrings(" ")), groups.Options{}, groups.ErrBadValue, "blank"},
		{"a backwards range", c(orders, groups.IsInRange, groups.ValueIntRange(5, 1)), groups.Options{}, groups.ErrBadValue, "lower to a higher"},
		{"a day that does not exist", c(bday, groups.IsOn, groups.ValueDate(day(2023, 2, 29))), groups.Options{}, groups.ErrBadValue, "2023-02-29"},
		{"zero days", c(lastOrder, groups.IsInTheLastXDays, groups.ValueDays(0)), groups.Options{}, groups.ErrBadValue, "at least 1"},
		{"a number whose text disagrees", c(valMonth, groups.IsEqual, groups.ValueNumbers(groups.Number{Value: 2, Text: "3"})), groups.Options{},
			groups.ErrBadValue, "disagree"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := groups.Compile(rule(c(email, groups.Exists), tc.cond), tc.opts)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Compile = %v, want %v", err, tc.want)
			}
			var re *groups.RuleError
			if !errors.As(err, &re) || re.ConditionGroup != 0 || re.Condition != 1 || re.Path != tc.cond.Path {
				t.Fatalf("error %#v does not name included group 0, condition 1, path %q", re, tc.cond.Path)
			}
			if !strings.Contains(err.Error(), tc.message) || !strings.Contains(err.Error(), "included condition group 1, condition 2") {
				t.Errorf("message %q lacks %q or the place", err, tc.message)
			}
		})
	}
}

func TestCompileRuleShapeErrors(t *testing.T) {
	_, err := groups.Compile(nil, groups.Options{})
	if !errors.Is(err, groups.ErrEmptyRule) {
		t.Errorf("nil rule: %v", err)
	}
	_, err = groups.Compile(&groups.Rule{}, groups.Options{})
	if !errors.Is(err, groups.ErrEmptyRule) || !strings.Contains(err.Error(), "rule: empty rule") {
		t.Errorf("empty rule: %v", err)
	}
	r := &groups.Rule{
		Included: []groups.ConditionGroup{{Mode: groups.MatchAll}},
		Excluded: []groups.ConditionGroup{{Conditions: []groups.Condition{c(email, groups.Exists)}}, {Mode: groups.MatchAny,
			Conditions: []groups.Condition{c("nope", groups.Exists)}}},
	}
	_, err = groups.CompileGroup(&groups.Group{ID: "vip", Kind: groups.Dynamic, Rule: r}, groups.Options{})
	for _, want := range []string{
		`customer group "vip": included condition group 1: empty rule`,
		`customer group "vip": excluded condition group 1: invalid match mode`,
		`customer group "vip": excluded condition group 2, condition 1 (nope): unknown attribute path`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("errors %v lack %q", err, want)
		}
	}
	if _, err := groups.CompileGroup(&groups.Group{ID: "s", Kind: groups.Static}, groups.Options{}); !errors.Is(err, groups.ErrInvalid) {
		t.Errorf("CompileGroup(static) = %v, want ErrInvalid", err)
	}
}

func TestCompileKeepsACopy(t *testing.T) {
	r := rule(c(email, groups.IsEqual, groups.ValueStrings("a@b.c")))
	compiled, err := groups.Compile(r, groups.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.Included[0].Conditions[0].Value.Strings[0] = "changed@b.c"
	sub := &groups.Subject{Customer: &customer.Customer{Profile: customer.Profile{Email: "A@B.C"}}}
	if !compiled.Match(sub) {
		t.Fatal("changing the source rule changed the compiled one")
	}
	if got := compiled.Rule().Included[0].Conditions[0].Value.Strings[0]; got != "a@b.c" {
		t.Fatalf("Rule() = %q", got)
	}
}

func TestMatchModesAndExclusion(t *testing.T) {
	sub := baseSubject()
	yes := c(email, groups.Exists)
	no := c(email, groups.DoesNotExist)
	for _, tc := range []struct {
		name string
		r    groups.Rule
		want bool
	}{
		{"all needs every condition", groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{yes, no}}}}, false},
		{"any needs one condition", groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAny, Conditions: []groups.Condition{no, yes}}}}, true},
		{"any fails when none matches", groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAny, Conditions: []groups.Condition{no, no}}}}, false},
		{"included groups are OR-ed", groups.Rule{Included: []groups.ConditionGroup{
			{Mode: groups.MatchAll, Conditions: []groups.Condition{no}}, {Mode: groups.MatchAll, Conditions: []groups.Condition{yes}}}}, true},
		{"a matching excluded group keeps the customer out", groups.Rule{
			Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{yes}}},
			Excluded: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{no}}, {Mode: groups.MatchAll, Conditions: []groups.Condition{yes}}}}, false},
		{"an excluded group that does not match changes nothing", groups.Rule{
			Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{yes}}},
			Excluded: []groups.ConditionGroup{{Mode: groups.MatchAny, Conditions: []groups.Condition{no}}}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			compiled, err := groups.Compile(&tc.r, groups.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := compiled.Match(sub); got != tc.want {
				t.Errorf("Match = %v, want %v\n%s", got, tc.want, compiled.Explain(sub))
			}
		})
	}
}

func TestExplain(t *testing.T) {
	r := &groups.Rule{
		Included: []groups.ConditionGroup{
			{Mode: groups.MatchAll, Conditions: []groups.Condition{c(valMonth, groups.IsGreaterThan, groups.ValueNumbers(num("500.0")))}},
			{Mode: groups.MatchAny, Conditions: []groups.Condition{c(email, groups.EndsWith, groups.ValueStrings("@example.com")), c(bday, groups.Exists)}},
		},
		Excluded: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{c("session.currency", groups.IsEqual, groups.ValueStrings("SEK"))}}},
	}
	compiled, err := groups.CompileGroup(&groups.Group{ID: "fans", Kind: groups.Dynamic, Rule: r}, groups.Options{})
	if err != nil {
		t.Fatal(err)
	}
	x := compiled.ExplainAt(baseSubject(), now)
	want := `customer group "fans": member (included by condition group 2)
  included condition group 1 (all): not matched
    no   customer.activeData.orderValueMonth is-greater-than 500.0 (value 200)
  included condition group 2 (any): matched
    yes  customer.profile.email ends-with "@example.com" (value "Anna.Virtanen@Example.com")
    yes  customer.profile.birthday exists (value 1990-03-08)
  excluded condition group 1 (all): not matched
    no   session.currency is-equal "SEK" (value "EUR")
`
	if diff := cmp.Diff(want, x.String()); diff != "" {
		t.Errorf("Explain (-want +got):\n%s", diff)
	}
	if x.IncludedBy != 1 || x.ExcludedBy != -1 || !x.Member {
		t.Errorf("IncludedBy %d ExcludedBy %d Member %v", x.IncludedBy, x.ExcludedBy, x.Member)
	}
	sub := baseSubject()
	sub.Session.Currency = "sek"
	if x := compiled.ExplainAt(sub, now); x.Member || x.ExcludedBy != 0 ||
		!strings.HasPrefix(x.String(), `customer group "fans": not a member (included by condition group 2, excluded by condition group 1)`) {
		t.Errorf("excluded explanation:\n%s", x)
	}
}

func TestNormalizeImported(t *testing.T) {
	in := &groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{
		c("session.custom.myAttribute", groups.IsEqual, groups.ValueStrings("1.0", "2.0", "3.0")),
		c("session.custom.myAttribute", groups.IsEqual, groups.ValueStrings("true")),
		c("session.custom.flag", groups.IsEqual, groups.ValueStrings("false")),
		c("session.custom.eswCurrency", groups.IsEqual, groups.ValueStrings("GBP")),
		c("session.custom.mixed", groups.IsEqual, groups.ValueStrings("1", "two")),
		c("session.custom.n", groups.IsNotEqual, groups.ValueStrings("1")),
		c("customer.profile.custom.n", groups.IsEqual, groups.ValueStrings("1")),
	}}}}
	want := &groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{
		c("session.custom.myAttribute", groups.IsEqual, groups.ValueNumbers(groups.Number{Value: 1, Text: "1.0"}, groups.Number{Value: 2, Text: "2.0"}, groups.Number{Value: 3, Text: "3.0"})),
		c("session.custom.myAttribute", groups.IsTrue),
		c("session.custom.flag", groups.IsFalse),
		c("session.custom.eswCurrency", groups.IsEqual, groups.ValueStrings("GBP")),
		c("session.custom.mixed", groups.IsEqual, groups.ValueStrings("1", "two")),
		c("session.custom.n", groups.IsNotEqual, groups.ValueStrings("1")),
		c("customer.profile.custom.n", groups.IsEqual, groups.ValueStrings("1")),
	}}}}
	got, n := groups.NormalizeImported(in)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("NormalizeImported (-want +got):\n%s", diff)
	}
	if n != 3 {
		t.Errorf("changed %d conditions, want 3", n)
	}
	if in.Included[0].Conditions[0].Value.Kind != groups.StringsKind {
		t.Error("NormalizeImported changed its input")
	}
	if got.Included[0].Conditions[0].Value.String() != "1.0, 2.0, 3.0" {
		t.Errorf("numbers lost their texts: %s", got.Included[0].Conditions[0].Value)
	}
	if _, err := groups.Compile(got, groups.Options{}); err != nil {
		t.Errorf("the normalised rule does not compile: %v", err)
	}
}

func TestConvertLegacy(t *testing.T) {
	lr := &groups.LegacyRule{
		Included: []groups.LegacyConditionGroup{{MatchMode: "all", Conditions: []groups.LegacyCondition{
			{Type: groups.LegacyString, Path: email, Operator: "contains", Values: []string{"@example.com"}},
			{Type: groups.LegacyInt, Path: orders, Operator: "is-in-range", Min: "1", Max: "5"},
			{Type: groups.LegacyNumber, Path: valMonth, Operator: "is-greater-than", Values: []string{"200.0"}},
			{Type: groups.LegacyDate, Path: bday, Operator: "is-in-the-next-x-days", Days: "7"},
			{Type: groups.LegacyDate, Path: created, Operator: "is-in-the-current", Period: "year"},
			{Type: groups.LegacyDate, Path: created, Operator: "is-in-range", Min: "2020-01-01", Max: "2020-12-31Z"},
			{Type: groups.LegacyBoolean, Path: "customer.registered", Operator: "is-equal", Values: []string{"false"}},
		}}},
	}
	got, err := groups.ConvertLegacy(lr)
	if err != nil {
		t.Fatal(err)
	}
	want := rule(
		c(email, groups.Contains, groups.ValueStrings("@example.com")),
		c(orders, groups.IsInRange, groups.ValueIntRange(1, 5)),
		c(valMonth, groups.IsGreaterThan, groups.ValueNumbers(num("200.0"))),
		c(bday, groups.IsInTheNextXDays, groups.ValueDays(7)),
		c(created, groups.IsInTheCurrent, groups.ValuePeriod(groups.Year)),
		c(created, groups.IsInRange, groups.ValueDateRange(day(2020, 1, 1), day(2020, 12, 31))),
		c("customer.registered", groups.IsFalse),
	)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ConvertLegacy (-want +got):\n%s", diff)
	}
	if _, err := groups.Compile(got, groups.Options{}); err != nil {
		t.Errorf("the converted rule does not compile: %v", err)
	}
	bad := &groups.LegacyRule{Included: []groups.LegacyConditionGroup{{MatchMode: "all", Conditions: []groups.LegacyCondition{
		{Type: groups.LegacyInt, Path: orders, Operator: "is-equal", Values: []string{"three"}}}}}}
	if _, err := groups.ConvertLegacy(bad); !errors.Is(err, groups.ErrBadValue) || !strings.Contains(err.Error(), "included condition group 1, condition 1") {
		t.Errorf("ConvertLegacy(bad int) = %v", err)
	}
}

func TestParsers(t *testing.T) {
	for _, s := range []string{"200.0", "-1", "+.5", "7."} {
		if _, err := groups.ParseNumber(s); err != nil {
			t.Errorf("ParseNumber(%q): %v", s, err)
		}
	}
	for _, s := range []string{"", "1e3", "NaN", ".", "1,5", "0x10"} {
		if _, err := groups.ParseNumber(s); !errors.Is(err, groups.ErrBadValue) {
			t.Errorf("ParseNumber(%q) = %v, want ErrBadValue", s, err)
		}
	}
	if d, err := groups.ParseDate("1988-10-21Z"); err != nil || d != day(1988, 10, 21) {
		t.Errorf("ParseDate with a zone = %v, %v", d, err)
	}
	for _, s := range []string{"2023-02-29", "88-10-21", "2024-1-01", "2024-01-01T10:00:00"} {
		if _, err := groups.ParseDate(s); !errors.Is(err, groups.ErrBadValue) {
			t.Errorf("ParseDate(%q) = %v, want ErrBadValue", s, err)
		}
	}
	if _, err := groups.ParseOperator("equals"); !errors.Is(err, groups.ErrUnknownOperator) {
		t.Errorf("ParseOperator(equals) = %v", err)
	}
	var op groups.Operator
	if err := op.UnmarshalText([]byte("does-not-contain")); err != nil || op != groups.DoesNotContain {
		t.Errorf("UnmarshalText = %v, %v", op, err)
	}
	if _, err := groups.ParseMatchMode("some"); !errors.Is(err, groups.ErrMatchMode) {
		t.Errorf("ParseMatchMode(some) = %v", err)
	}
	if p, err := groups.ParseTimePeriod("month"); err != nil || p != groups.Month {
		t.Errorf("ParseTimePeriod(month) = %v, %v", p, err)
	}
	if got := groups.NumberOf(0.1).String(); got != "0.1" {
		t.Errorf("NumberOf(0.1) = %q", got)
	}
	if typ, ok := groups.PathType("customer.profile.nextBirthday", nil); !ok || typ != groups.TypeDate {
		t.Errorf("PathType(nextBirthday) = %v, %v", typ, ok)
	}
	paths := groups.Paths()
	if len(paths) < 60 || paths[len(paths)-1] != "session.custom.<id>" {
		t.Errorf("Paths() = %d paths ending %q", len(paths), paths[len(paths)-1])
	}
}

func TestGroupCloneCopiesTheRule(t *testing.T) {
	g := &groups.Group{ID: "d", Kind: groups.Dynamic, Rule: rule(c(email, groups.IsEqual, groups.ValueStrings("a")))}
	d := g.Clone()
	d.Rule.Included[0].Conditions[0].Value.Strings[0] = "b"
	if g.Rule.Included[0].Conditions[0].Value.Strings[0] != "a" {
		t.Fatal("Clone shares the rule's values")
	}
}
