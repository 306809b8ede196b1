package groups

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/impexkit/impex/internal/days"
)

// Options configure compilation and evaluation. The zero value is usable:
// days are counted in UTC, the clock is time.Now, weeks start on Monday,
// custom attributes are untyped, and a 29 February birthday falls on
// 28 February in other years.
type Options struct {
	// Location is the time zone in which relative date operators count
	// whole days (is-today, is-in-the-last-x-days, ...); nil means UTC.
	Location *time.Location
	// Now is the clock; nil means time.Now. Inject one in tests and to
	// evaluate as of a given moment.
	Now func() time.Time
	// WeekStartsSunday makes is-in-the-current week run from Sunday to
	// Saturday instead of Monday to Sunday.
	WeekStartsSunday bool
	// LeapDayBirthdayOnMarch1 moves the next birthday of someone born on
	// 29 February to 1 March in years without that day, instead of
	// 28 February.
	LeapDayBirthdayOnMarch1 bool
	// CustomTypes declares the types of custom attributes, keyed by full
	// path ("customer.profile.custom.loyaltyPoints": TypeInt). A declared
	// type is checked at compile time like a system attribute's; an
	// undeclared custom attribute is Untyped.
	CustomTypes map[string]AttrType
	// StrictCustom makes a condition on an undeclared custom attribute an
	// ErrUnknownPath error.
	StrictCustom bool
}

func (o *Options) location() *time.Location {
	if o.Location == nil {
		return time.UTC
	}
	return o.Location
}

func (o *Options) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

// today is the day number rules count from: now's day when clock is set
// (the caller gave the time), else the Options clock's when need says the
// rules count days at all, else 0.
func (o *Options) today(now time.Time, clock, need bool) int64 {
	switch {
	case clock:
		return days.InZone(now, o.location())
	case need:
		return days.InZone(o.now(), o.location())
	}
	return 0
}

// Compiled is a rule checked and translated for evaluation. Evaluating it
// does not allocate. A Compiled is immutable and safe for concurrent use.
type Compiled struct {
	group     string
	rule      *Rule
	included  []cgroup
	excluded  []cgroup
	opts      Options
	needClock bool
	// deps are the group IDs the rule tests with customer.customerGroups.
	deps []string
}

type cgroup struct {
	any   bool
	conds []cond
}

// cmpMode says how a compiled condition compares the attribute with its
// values.
type cmpMode uint8

const (
	cmpExists cmpMode = iota + 1
	cmpString
	cmpNumber
	cmpDate
	cmpBool
	cmpGroups
)

type cond struct {
	attr   attrID
	custom string // custom attribute ID
	typ    AttrType
	op     Operator
	mode   cmpMode
	strs   []string
	nums   []float64 // IsEqual/IsNotEqual and the comparisons (one value)
	lo, hi float64   // number ranges
	dates  Value     // a date operator's value, for daysOf
}

// RuleError is a problem Compile found in one place of a rule. It matches
// its sentinel (ErrUnknownPath, ErrOperatorType, ErrOperatorValue,
// ErrMissingValue, ErrExtraValue, ErrBadValue, ErrUnknownOperator,
// ErrMatchMode or ErrEmptyRule) with errors.Is.
type RuleError struct {
	// Group is the ID of the group whose rule it is; empty when the rule
	// was compiled on its own.
	Group string
	// Excluded is true for a problem in the excluded condition groups.
	Excluded bool
	// ConditionGroup is the 0-based index of the condition group within
	// the included or excluded ones; -1 for a problem of the whole rule.
	ConditionGroup int
	// Condition is the 0-based index of the condition within its group; -1
	// for a problem of the condition group itself.
	Condition int
	// Path is the condition's attribute path, when there is a condition.
	Path string
	// Err is the sentinel error.
	Err error
	// Reason explains the problem in a sentence fragment.
	Reason string
}

// Error renders the place (1-based, as a person counts) and the reason, for
// example `customer group "vip": included condition group 1, condition 2
// (customer.profile.emial): unknown attribute path: ...`.
func (e *RuleError) Error() string {
	var b strings.Builder
	if e.Group != "" {
		fmt.Fprintf(&b, "customer group %q: ", e.Group)
	}
	switch {
	case e.ConditionGroup < 0:
		b.WriteString("rule")
	default:
		list := "included"
		if e.Excluded {
			list = "excluded"
		}
		fmt.Fprintf(&b, "%s condition group %d", list, e.ConditionGroup+1)
		if e.Condition >= 0 {
			fmt.Fprintf(&b, ", condition %d", e.Condition+1)
			if e.Path != "" {
				fmt.Fprintf(&b, " (%s)", e.Path)
			}
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	if e.Reason != "" {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	return b.String()
}

// Unwrap returns the sentinel error.
func (e *RuleError) Unwrap() error { return e.Err }

// problem is a sentinel with its explanation, before it gets a place.
type problem struct {
	err    error
	reason string
}

func probf(err error, format string, args ...any) *problem {
	return &problem{err, fmt.Sprintf(format, args...)}
}

// maxRuleErrors caps the errors one Compile reports.
const maxRuleErrors = 50

// Compile checks r and translates it for evaluation with opts. Every problem
// found is reported as a *RuleError, several joined with errors.Join (at
// most 50): a nil rule or one without included condition groups
// (ErrEmptyRule), a condition group without conditions (ErrEmptyRule) or
// without a valid match mode (ErrMatchMode), an invalid operator
// (ErrUnknownOperator), an unknown attribute path (ErrUnknownPath), an
// operator that does not apply to the attribute (ErrOperatorType), a value
// kind that does not fit the operator (ErrOperatorValue), a missing value
// (ErrMissingValue), an unexpected one (ErrExtraValue) or a malformed one
// (ErrBadValue). Compile never changes r and keeps a copy of it.
func Compile(r *Rule, opts Options) (*Compiled, error) {
	return compile("", r, opts)
}

// CompileGroup compiles the rule of the dynamic group g, naming g in its
// errors. A group that is not dynamic or has no rule is an error wrapping
// ErrInvalid; see Compile for the others.
func CompileGroup(g *Group, opts Options) (*Compiled, error) {
	if g == nil || g.Kind != Dynamic || g.Rule == nil {
		id := ""
		if g != nil {
			id = g.ID
		}
		return nil, fmt.Errorf("%w: group %q is not a dynamic group with a rule", ErrInvalid, id)
	}
	return compile(g.ID, g.Rule, opts)
}

func compile(group string, r *Rule, opts Options) (*Compiled, error) {
	var errs []error
	report := func(e *RuleError) {
		if len(errs) < maxRuleErrors {
			e.Group = group
			errs = append(errs, e)
		}
	}
	if r == nil || len(r.Included) == 0 {
		report(&RuleError{ConditionGroup: -1, Condition: -1, Err: ErrEmptyRule,
			Reason: "a rule needs at least one included condition group"})
		return nil, errors.Join(errs...)
	}
	c := &Compiled{group: group, rule: r.Clone(), opts: opts}
	seen := make(map[string]bool)
	for _, list := range []struct {
		excluded bool
		src      []ConditionGroup
		dst      *[]cgroup
	}{{false, r.Included, &c.included}, {true, r.Excluded, &c.excluded}} {
		*list.dst = make([]cgroup, 0, len(list.src))
		for gi, g := range list.src {
			cg := cgroup{any: g.Mode == MatchAny, conds: make([]cond, 0, len(g.Conditions))}
			if g.Mode != MatchAll && g.Mode != MatchAny {
				report(&RuleError{Excluded: list.excluded, ConditionGroup: gi, Condition: -1, Err: ErrMatchMode,
					Reason: fmt.Sprintf("%v is neither all nor any", g.Mode)})
			}
			if len(g.Conditions) == 0 {
				report(&RuleError{Excluded: list.excluded, ConditionGroup: gi, Condition: -1, Err: ErrEmptyRule,
					Reason: "a condition group needs at least one condition"})
			}
			for ci, src := range g.Conditions {
				k, prob := compileCondition(src, &opts)
				if prob != nil {
					report(&RuleError{Excluded: list.excluded, ConditionGroup: gi, Condition: ci, Path: src.Path,
						Err: prob.err, Reason: prob.reason})
					continue
				}
				if k.mode == cmpDate {
					c.needClock = true
				}
				if k.mode == cmpGroups {
					for _, id := range k.strs {
						if !seen[id] {
							seen[id] = true
							c.deps = append(c.deps, id)
						}
					}
				}
				cg.conds = append(cg.conds, k)
			}
			*list.dst = append(*list.dst, cg)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// Group returns the ID of the group the rule was compiled for; empty for a
// rule compiled with Compile.
func (c *Compiled) Group() string { return c.group }

// Rule returns a copy of the compiled rule.
func (c *Compiled) Rule() *Rule { return c.rule.Clone() }

// Dependencies returns the group IDs the rule tests through
// customer.customerGroups, in the order they first appear.
func (c *Compiled) Dependencies() []string { return append([]string(nil), c.deps...) }

// opInfo says which value kinds an operator takes on each family of types.
type opInfo struct {
	// types the operator applies to
	types []AttrType
	// kinds lists the value kinds accepted; NoValue alone means none.
	kinds []ValueKind
	// single operators take exactly one value in a list kind.
	single bool
}

var (
	textTypes   = []AttrType{Untyped, TypeString, TypeStringSet}
	equalTypes  = []AttrType{Untyped, TypeString, TypeStringSet, TypeInt, TypeNumber, TypeGroups}
	numberTypes = []AttrType{Untyped, TypeInt, TypeNumber}
	rangeTypes  = []AttrType{Untyped, TypeInt, TypeNumber, TypeDate, TypeDateTime}
	dateTypes   = []AttrType{Untyped, TypeDate, TypeDateTime}
	boolTypes   = []AttrType{Untyped, TypeBool}
	allTypes    = []AttrType{Untyped, TypeString, TypeStringSet, TypeInt, TypeNumber, TypeBool, TypeDate, TypeDateTime, TypeGroups}
	none        = []ValueKind{NoValue}
	numberKinds = []ValueKind{IntsKind, NumbersKind}
)

var operatorInfo = [...]opInfo{
	IsEqual:              {equalTypes, []ValueKind{StringsKind, IntsKind, NumbersKind}, false},
	IsNotEqual:           {equalTypes, []ValueKind{StringsKind, IntsKind, NumbersKind}, false},
	Exists:               {allTypes, none, false},
	DoesNotExist:         {allTypes, none, false},
	IsOn:                 {dateTypes, []ValueKind{DateKind}, false},
	IsAfter:              {dateTypes, []ValueKind{DateKind}, false},
	IsBefore:             {dateTypes, []ValueKind{DateKind}, false},
	IsToday:              {dateTypes, none, false},
	IsTomorrow:           {dateTypes, none, false},
	IsYesterday:          {dateTypes, none, false},
	IsInTheLast:          {dateTypes, []ValueKind{PeriodKind}, false},
	IsInTheNext:          {dateTypes, []ValueKind{PeriodKind}, false},
	IsInTheCurrent:       {dateTypes, []ValueKind{PeriodKind}, false},
	IsInTheLastXDays:     {dateTypes, []ValueKind{DaysKind}, false},
	IsNotInTheLastXDays:  {dateTypes, []ValueKind{DaysKind}, false},
	IsInTheNextXDays:     {dateTypes, []ValueKind{DaysKind}, false},
	IsNotInTheNextXDays:  {dateTypes, []ValueKind{DaysKind}, false},
	IsGreaterThan:        {numberTypes, numberKinds, true},
	IsLessThan:           {numberTypes, numberKinds, true},
	IsGreaterThanOrEqual: {numberTypes, numberKinds, true},
	IsLessThanOrEqual:    {numberTypes, numberKinds, true},
	IsInRange:            {rangeTypes, []ValueKind{IntRangeKind, NumberRangeKind, DateRangeKind}, false},
	IsNotInRange:         {rangeTypes, []ValueKind{IntRangeKind, NumberRangeKind, DateRangeKind}, false},
	StartsWith:           {textTypes, []ValueKind{StringsKind}, false},
	EndsWith:             {textTypes, []ValueKind{StringsKind}, false},
	Contains:             {textTypes, []ValueKind{StringsKind}, false},
	DoesNotContain:       {textTypes, []ValueKind{StringsKind}, false},
	IsTrue:               {boolTypes, none, false},
	IsFalse:              {boolTypes, none, false},
}

// kindFits reports whether value kind k fits an attribute of type t for an
// operator that accepts it in general.
func kindFits(t AttrType, k ValueKind) bool {
	switch t {
	case TypeString, TypeStringSet, TypeGroups:
		return k == StringsKind || k == NoValue
	case TypeInt, TypeNumber:
		return k != StringsKind && k != DateRangeKind
	case TypeDate, TypeDateTime:
		return k != IntRangeKind && k != NumberRangeKind
	}
	return true
}

func compileCondition(src Condition, opts *Options) (cond, *problem) {
	if !src.Operator.Valid() {
		return cond{}, probf(ErrUnknownOperator, "%v is not one of the 29 operators", src.Operator)
	}
	spec, customID, prob := resolvePath(src.Path, opts.CustomTypes, opts.StrictCustom)
	if prob != nil {
		return cond{}, prob
	}
	info := operatorInfo[src.Operator]
	if !slices.Contains(info.types, spec.typ) {
		reason := fmt.Sprintf("%s does not apply to %s (type %v)", src.Operator, src.Path, spec.typ)
		if spec.typ == TypeGroups {
			reason += "; use is-equal or is-not-equal with group IDs"
		}
		return cond{}, probf(ErrOperatorType, "%s", reason)
	}
	v := src.Value
	takesValue := info.kinds[0] != NoValue
	switch {
	case !takesValue && v.Kind != NoValue:
		return cond{}, probf(ErrExtraValue, "%s takes no value, got %s", src.Operator, v.Kind)
	case takesValue && v.Kind == NoValue:
		return cond{}, probf(ErrMissingValue, "%s needs a value: %s", src.Operator, kindList(info.kinds, spec.typ))
	case takesValue && (!slices.Contains(info.kinds, v.Kind) || !kindFits(spec.typ, v.Kind)):
		return cond{}, probf(ErrOperatorValue, "%s on %s (type %v) takes %s, not %s",
			src.Operator, src.Path, spec.typ, kindList(info.kinds, spec.typ), v.Kind)
	}
	if prob := checkValue(v); prob != nil {
		return cond{}, prob
	}
	if info.single && valueCount(v) > 1 {
		return cond{}, probf(ErrExtraValue, "%s takes a single value, got %d", src.Operator, valueCount(v))
	}
	k := cond{attr: spec.id, custom: customID, typ: spec.typ, op: src.Operator}
	switch {
	case spec.typ == TypeGroups:
		k.mode = cmpGroups
		k.strs = append([]string(nil), v.Strings...)
	case src.Operator == Exists || src.Operator == DoesNotExist:
		k.mode = cmpExists
	case src.Operator == IsTrue || src.Operator == IsFalse:
		k.mode = cmpBool
	case v.Kind == StringsKind:
		k.mode = cmpString
		k.strs = append([]string(nil), v.Strings...)
	case v.Kind == IntsKind:
		k.mode = cmpNumber
		for _, n := range v.Ints {
			k.nums = append(k.nums, float64(n))
		}
	case v.Kind == NumbersKind:
		k.mode = cmpNumber
		for _, n := range v.Numbers {
			k.nums = append(k.nums, n.Value)
		}
	case v.Kind == IntRangeKind:
		k.mode = cmpNumber
		k.lo, k.hi = float64(v.IntRange.Min), float64(v.IntRange.Max)
	case v.Kind == NumberRangeKind:
		k.mode = cmpNumber
		k.lo, k.hi = v.NumberRange.Min.Value, v.NumberRange.Max.Value
	default: // the date operators
		k.mode, k.dates = cmpDate, v
	}
	return k, nil
}

// kindList names the value kinds that fit, such as "int or number".
func kindList(ks []ValueKind, t AttrType) string {
	var names []string
	for _, k := range ks {
		if kindFits(t, k) {
			names = append(names, k.String())
		}
	}
	return strings.Join(names, " or ")
}

func valueCount(v Value) int {
	switch v.Kind {
	case StringsKind:
		return len(v.Strings)
	case IntsKind:
		return len(v.Ints)
	case NumbersKind:
		return len(v.Numbers)
	case NoValue:
		return 0
	}
	return 1
}

// checkValue checks that v holds its kind's fields only and that they are
// well formed.
func checkValue(v Value) *problem {
	other := v
	other.Kind = NoValue
	switch v.Kind {
	case NoValue:
	case StringsKind:
		other.Strings = nil
	case IntsKind:
		other.Ints = nil
	case IntRangeKind:
		other.IntRange = IntRange{}
	case NumbersKind:
		other.Numbers = nil
	case NumberRangeKind:
		other.NumberRange = NumberRange{}
	case DateKind:
		other.Date = Date{}
	case DateRangeKind:
		other.DateRange = DateRange{}
	case DaysKind:
		other.Days = 0
	case PeriodKind:
		other.Period = 0
	default:
		return probf(ErrOperatorValue, "%v is not a value kind", v.Kind)
	}
	if !isZeroValue(other) {
		return probf(ErrExtraValue, "the value is %s but fields of another value kind are set too", v.Kind)
	}
	switch v.Kind {
	case StringsKind:
		if len(v.Strings) == 0 {
			return probf(ErrMissingValue, "the string list is empty")
		}
		for i, s := range v.Strings {
			if strings.TrimSpace(s) == "" {
				return probf(ErrBadValue, "string %d is empty or blank", i+1)
			}
		}
	case IntsKind:
		if len(v.Ints) == 0 {
			return probf(ErrMissingValue, "the int list is empty")
		}
		for _, n := range v.Ints {
			if n < math.MinInt32 || n > math.MaxInt32 {
				return probf(ErrBadValue, "%d does not fit an xsd:int", n)
			}
		}
	case IntRangeKind:
		r := v.IntRange
		if r.Min < math.MinInt32 || r.Max > math.MaxInt32 || r.Min > r.Max {
			return probf(ErrBadValue, "int range %d..%d must run from a lower to a higher xsd:int", r.Min, r.Max)
		}
	case NumbersKind:
		if len(v.Numbers) == 0 {
			return probf(ErrMissingValue, "the number list is empty")
		}
		for _, n := range v.Numbers {
			if p := checkNumber(n); p != nil {
				return p
			}
		}
	case NumberRangeKind:
		r := v.NumberRange
		if p := checkNumber(r.Min); p != nil {
			return p
		}
		if p := checkNumber(r.Max); p != nil {
			return p
		}
		if r.Min.Value > r.Max.Value {
			return probf(ErrBadValue, "number range %s..%s runs backwards", r.Min, r.Max)
		}
	case DateKind:
		if !v.Date.Valid() {
			return probf(ErrBadValue, "%s is not a calendar day", v.Date)
		}
	case DateRangeKind:
		r := v.DateRange
		if !r.From.Valid() || !r.To.Valid() {
			return probf(ErrBadValue, "date range %s..%s has a day that does not exist", r.From, r.To)
		}
		if r.From.DayNumber() > r.To.DayNumber() {
			return probf(ErrBadValue, "date range %s..%s runs backwards", r.From, r.To)
		}
	case DaysKind:
		if v.Days < 1 || v.Days > math.MaxInt32 {
			return probf(ErrBadValue, "number of days %d must be at least 1", v.Days)
		}
	case PeriodKind:
		if v.Period < Week || v.Period > Year {
			return probf(ErrBadValue, "%v is not week, month or year", v.Period)
		}
	}
	return nil
}

func isZeroValue(v Value) bool {
	return v.Kind == NoValue && v.Strings == nil && v.Ints == nil && v.IntRange == (IntRange{}) &&
		v.Numbers == nil && v.NumberRange == (NumberRange{}) && v.Date == (Date{}) &&
		v.DateRange == (DateRange{}) && v.Days == 0 && v.Period == 0
}

func checkNumber(n Number) *problem {
	if math.IsNaN(n.Value) || math.IsInf(n.Value, 0) {
		return probf(ErrBadValue, "%v is not a decimal number", n.Value)
	}
	if n.Text != "" {
		p, err := ParseNumber(n.Text)
		if err != nil {
			return probf(ErrBadValue, "%q is not a decimal number", n.Text)
		}
		if p.Value != n.Value {
			return probf(ErrBadValue, "number text %q and value %v disagree", n.Text, n.Value)
		}
	}
	return nil
}
