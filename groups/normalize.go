package groups

import (
	"fmt"
	"strconv"
	"strings"
)

// NormalizeImported returns a copy of r converted as SFCC converts a
// dynamic group's rule on import, so that an import followed by an export
// writes what SFCC would. A condition on a session custom attribute
// (session.custom.<id>) with the is-equal operator and string values
// changes when the values are number- or boolean-like:
//
//   - when every value is a decimal number ("1.0", "2"), the values become
//     <number> values with the same texts;
//   - when the only value is "true" the condition becomes is-true without
//     a value, and when it is "false", is-false.
//
// Every other condition is copied unchanged. A nil r gives nil.
// NormalizeImported reports how many conditions it changed.
func NormalizeImported(r *Rule) (*Rule, int) {
	if r == nil {
		return nil, 0
	}
	out := r.Clone()
	changed := 0
	for _, gs := range [][]ConditionGroup{out.Included, out.Excluded} {
		for i := range gs {
			for j := range gs[i].Conditions {
				if normalizeCondition(&gs[i].Conditions[j]) {
					changed++
				}
			}
		}
	}
	return out, changed
}

func normalizeCondition(c *Condition) bool {
	if !strings.HasPrefix(c.Path, prefixSessionCustom) || c.Operator != IsEqual ||
		c.Value.Kind != StringsKind || len(c.Value.Strings) == 0 {
		return false
	}
	ss := c.Value.Strings
	if len(ss) == 1 {
		switch strings.TrimSpace(ss[0]) {
		case "true":
			c.Operator, c.Value = IsTrue, Value{}
			return true
		case "false":
			c.Operator, c.Value = IsFalse, Value{}
			return true
		}
	}
	nums := make([]Number, 0, len(ss))
	for _, s := range ss {
		n, err := ParseNumber(s)
		if err != nil {
			return false
		}
		nums = append(nums, n)
	}
	c.Value = ValueNumbers(nums...)
	return true
}

// The legacy rule element.
//
// Older customer-group documents carry the membership rule in an element
// named rule instead of membership-rule, and type its conditions by value
// type (StringCondition, IntCondition, DateCondition with DateRange or
// RelativeDateRange, BooleanCondition) rather than by a choice of value
// elements. The XML layer reads such a document into a LegacyRule, using
// the element names it finds, and ConvertLegacy turns it into a Rule;
// exports always write the current membership-rule form.

// LegacyType is the value type of a legacy condition.
type LegacyType uint8

// The legacy condition types.
const (
	LegacyString  LegacyType = iota + 1 // StringCondition
	LegacyInt                           // IntCondition, with values or an IntRange
	LegacyNumber                        // a decimal condition, with values or a range
	LegacyDate                          // DateCondition, with a date, a DateRange or a RelativeDateRange
	LegacyBoolean                       // BooleanCondition
)

// LegacyRule is the legacy rule element as texts: included and excluded
// condition groups.
type LegacyRule struct {
	Included []LegacyConditionGroup
	Excluded []LegacyConditionGroup
}

// LegacyConditionGroup is a legacy condition group: its match-mode text and
// its conditions.
type LegacyConditionGroup struct {
	MatchMode  string
	Conditions []LegacyCondition
}

// LegacyCondition is one typed legacy condition, with every value as the
// text the document holds.
type LegacyCondition struct {
	Type     LegacyType
	Path     string
	Operator string
	// Values are the listed values (strings, ints, numbers, one date, or
	// for a boolean is-equal a single true or false).
	Values []string
	// Min and Max are the ends of an IntRange, a number range or a
	// DateRange.
	Min, Max string
	// Days and Period are a RelativeDateRange: a number of days or a time
	// period text.
	Days   string
	Period string
}

// ConvertLegacy converts a legacy rule into the current model. A text that
// does not read as its type is an error wrapping ErrBadValue, an unknown
// operator one wrapping ErrUnknownOperator, an unknown match mode one
// wrapping ErrMatchMode; each names the condition group and condition
// (1-based). The result still needs Compile for the checks of paths and
// operators.
func ConvertLegacy(lr *LegacyRule) (*Rule, error) {
	if lr == nil {
		return nil, fmt.Errorf("%w: no legacy rule", ErrEmptyRule)
	}
	r := &Rule{}
	for li, list := range []struct {
		src []LegacyConditionGroup
		dst *[]ConditionGroup
	}{{lr.Included, &r.Included}, {lr.Excluded, &r.Excluded}} {
		name := [...]string{"included", "excluded"}[li]
		for gi, lg := range list.src {
			mode, err := ParseMatchMode(strings.TrimSpace(lg.MatchMode))
			if err != nil {
				return nil, fmt.Errorf("legacy rule, %s condition group %d: %w", name, gi+1, err)
			}
			g := ConditionGroup{Mode: mode}
			for ci, lc := range lg.Conditions {
				c, err := convertLegacyCondition(lc)
				if err != nil {
					return nil, fmt.Errorf("legacy rule, %s condition group %d, condition %d (%s): %w", name, gi+1, ci+1, lc.Path, err)
				}
				g.Conditions = append(g.Conditions, c)
			}
			*list.dst = append(*list.dst, g)
		}
	}
	return r, nil
}

func convertLegacyCondition(lc LegacyCondition) (Condition, error) {
	op, err := ParseOperator(strings.TrimSpace(lc.Operator))
	if err != nil {
		return Condition{}, err
	}
	c := Condition{Path: strings.TrimSpace(lc.Path), Operator: op}
	hasRange := lc.Min != "" || lc.Max != ""
	switch {
	case lc.Type == LegacyBoolean:
		if op == IsEqual || op == IsNotEqual {
			if len(lc.Values) != 1 {
				return Condition{}, fmt.Errorf("%w: a boolean is-equal needs one value", ErrBadValue)
			}
			b, err := strconv.ParseBool(strings.TrimSpace(lc.Values[0]))
			if err != nil {
				return Condition{}, fmt.Errorf("%w: %q is not true or false", ErrBadValue, lc.Values[0])
			}
			c.Operator = IsFalse
			if b == (op == IsEqual) {
				c.Operator = IsTrue
			}
		}
	case lc.Type == LegacyString:
		if len(lc.Values) > 0 {
			c.Value = ValueStrings(append([]string(nil), lc.Values...)...)
		}
	case lc.Type == LegacyInt && hasRange:
		lo, err1 := strconv.Atoi(strings.TrimSpace(lc.Min))
		hi, err2 := strconv.Atoi(strings.TrimSpace(lc.Max))
		if err1 != nil || err2 != nil {
			return Condition{}, fmt.Errorf("%w: int range %q..%q", ErrBadValue, lc.Min, lc.Max)
		}
		c.Value = ValueIntRange(lo, hi)
	case lc.Type == LegacyInt:
		var ns []int
		for _, s := range lc.Values {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				return Condition{}, fmt.Errorf("%w: %q is not an int", ErrBadValue, s)
			}
			ns = append(ns, n)
		}
		if len(ns) > 0 {
			c.Value = ValueInts(ns...)
		}
	case lc.Type == LegacyNumber && hasRange:
		lo, err1 := ParseNumber(lc.Min)
		hi, err2 := ParseNumber(lc.Max)
		if err1 != nil || err2 != nil {
			return Condition{}, fmt.Errorf("%w: number range %q..%q", ErrBadValue, lc.Min, lc.Max)
		}
		c.Value = ValueNumberRange(lo, hi)
	case lc.Type == LegacyNumber:
		var ns []Number
		for _, s := range lc.Values {
			n, err := ParseNumber(s)
			if err != nil {
				return Condition{}, err
			}
			ns = append(ns, n)
		}
		if len(ns) > 0 {
			c.Value = ValueNumbers(ns...)
		}
	case lc.Type == LegacyDate:
		switch {
		case hasRange:
			from, err1 := ParseDate(lc.Min)
			to, err2 := ParseDate(lc.Max)
			if err1 != nil || err2 != nil {
				return Condition{}, fmt.Errorf("%w: date range %q..%q", ErrBadValue, lc.Min, lc.Max)
			}
			c.Value = ValueDateRange(from, to)
		case lc.Days != "":
			n, err := strconv.Atoi(strings.TrimSpace(lc.Days))
			if err != nil {
				return Condition{}, fmt.Errorf("%w: %q is not a number of days", ErrBadValue, lc.Days)
			}
			c.Value = ValueDays(n)
		case lc.Period != "":
			p, err := ParseTimePeriod(strings.TrimSpace(lc.Period))
			if err != nil {
				return Condition{}, err
			}
			c.Value = ValuePeriod(p)
		case len(lc.Values) == 1:
			d, err := ParseDate(lc.Values[0])
			if err != nil {
				return Condition{}, err
			}
			c.Value = ValueDate(d)
		case len(lc.Values) > 1:
			return Condition{}, fmt.Errorf("%w: a date condition takes one date", ErrBadValue)
		}
	default:
		return Condition{}, fmt.Errorf("%w: legacy condition type %d", ErrBadValue, lc.Type)
	}
	return c, nil
}
