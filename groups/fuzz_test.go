package groups_test

import (
	"testing"
	"time"

	"github.com/impexkit/impex/groups"
)

// FuzzCompile builds a condition from arbitrary parts, compiles it, and when
// it compiles evaluates and explains it for several subjects. Nothing may
// panic, and Explain must agree with Match.
func FuzzCompile(f *testing.F) {
	f.Add("customer.activeData.orderValueMonth", uint8(groups.IsGreaterThan), uint8(groups.NumbersKind), "200.0", "", 0, 0, uint8(0), uint8(1), false)
	f.Add("customer.profile.email", uint8(groups.Contains), uint8(groups.StringsKind), "@eshopworld.com", "x", 0, 0, uint8(0), uint8(2), false)
	f.Add("customer.profile.nextBirthday", uint8(groups.IsInTheNextXDays), uint8(groups.DaysKind), "", "", 7, 0, uint8(0), uint8(1), false)
	f.Add("customer.profile.birthday", uint8(groups.IsInRange), uint8(groups.DateRangeKind), "1990-01-01", "2024-02-29", 0, 0, uint8(0), uint8(1), false)
	f.Add("session.custom.flag", uint8(groups.IsEqual), uint8(groups.StringsKind), "true", "", 0, 0, uint8(0), uint8(1), true)
	f.Add("customer.activeData.orders", uint8(groups.IsInRange), uint8(groups.IntRangeKind), "", "", 1, 5, uint8(0), uint8(2), false)
	f.Add("customer.activeData.lastOrderDate", uint8(groups.IsInTheCurrent), uint8(groups.PeriodKind), "", "", 0, 0, uint8(groups.Week), uint8(1), false)
	f.Add("customer.customerGroups", uint8(groups.IsNotEqual), uint8(groups.StringsKind), "vip", "Registered", 0, 0, uint8(0), uint8(1), false)
	f.Add("customer.profile.custom.points", uint8(groups.IsGreaterThan), uint8(groups.IntsKind), "", "", 3, 0, uint8(0), uint8(1), false)
	f.Fuzz(func(t *testing.T, path string, op, kind uint8, s1, s2 string, i1, i2 int, period, mode uint8, normalize bool) {
		v := groups.Value{Kind: groups.ValueKind(kind % 11)}
		switch v.Kind {
		case groups.StringsKind:
			v.Strings = []string{s1}
			if s2 != "" {
				v.Strings = append(v.Strings, s2)
			}
		case groups.IntsKind:
			v.Ints = []int{i1}
		case groups.IntRangeKind:
			v.IntRange = groups.IntRange{Min: i1, Max: i2}
		case groups.NumbersKind:
			n, _ := groups.ParseNumber(s1)
			v.Numbers = []groups.Number{n}
		case groups.NumberRangeKind:
			lo, _ := groups.ParseNumber(s1)
			hi, _ := groups.ParseNumber(s2)
			v.NumberRange = groups.NumberRange{Min: lo, Max: hi}
		case groups.DateKind:
			v.Date, _ = groups.ParseDate(s1)
		case groups.DateRangeKind:
			v.DateRange.From, _ = groups.ParseDate(s1)
			v.DateRange.To, _ = groups.ParseDate(s2)
		case groups.DaysKind:
			v.Days = i1
		case groups.PeriodKind:
			v.Period = groups.TimePeriod(period)
		}
		if i2 == 42 {
			v.Days = i2 // a field of another kind
		}
		r := &groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchMode(mode % 4),
			Conditions: []groups.Condition{{Path: path, Operator: groups.Operator(op), Value: v}}}}}
		if normalize {
			r, _ = groups.NormalizeImported(r)
		}
		_ = r.Included[0].Conditions[0].String()
		opts := groups.Options{Location: helsinki, Now: func() time.Time { return now },
			CustomTypes: map[string]groups.AttrType{"customer.profile.custom.points": groups.TypeInt}}
		compiled, err := groups.Compile(r, opts)
		if err != nil {
			_ = err.Error()
			return
		}
		for _, sub := range []*groups.Subject{baseSubject(), {}, benchSubject(i1 & 1023)} {
			m := compiled.Match(sub)
			x := compiled.Explain(sub)
			if x.Member != m {
				t.Fatalf("Explain says %v, Match says %v for %s", x.Member, m, r.Included[0].Conditions[0])
			}
			_ = x.String()
		}
		if _, err := groups.NewSet([]*groups.Group{{ID: "g", Kind: groups.Dynamic, Rule: r}}, opts); err != nil {
			if _, ok := err.(*groups.CycleError); !ok {
				// Only customer.customerGroups can fail here: an unknown group.
				_ = err.Error()
			}
		}
	})
}
