package groups

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/impexkit/impex/internal/days"
	"github.com/impexkit/impex/validate"
)

// Rule is a dynamic group's membership rule, the model of SFCC's
// membership-rule element (customergroup.xsd). A customer is a member when
// at least one included condition group matches and no excluded one does.
//
// A Rule is plain data: build it by hand or have a codec fill it, then
// Compile it once and evaluate the result as often as needed. The zero Rule
// has no included condition groups and does not compile.
type Rule struct {
	// Included are the condition groups that admit a customer; they are
	// OR-ed. SFCC requires at least one.
	Included []ConditionGroup
	// Excluded are the condition groups that keep a customer out even when
	// an included group matches; they are OR-ed. Optional.
	Excluded []ConditionGroup
}

// ConditionGroup is a list of conditions joined by its match mode.
type ConditionGroup struct {
	// Mode says whether all conditions must match or any one suffices.
	Mode MatchMode
	// Conditions are tested in order; a group needs at least one.
	Conditions []Condition
}

// Condition tests one attribute of the subject: the attribute named by
// Path, compared by Operator with Value. Exists, DoesNotExist, IsToday,
// IsTomorrow, IsYesterday, IsTrue and IsFalse take no value; every other
// operator needs one.
type Condition struct {
	// Path is the attribute path, such as "customer.profile.email" or
	// "session.custom.country"; see Paths for the known ones.
	Path     string
	Operator Operator
	Value    Value
}

// Clone returns a deep copy of r; nil for a nil r.
func (r *Rule) Clone() *Rule {
	if r == nil {
		return nil
	}
	return &Rule{Included: cloneGroups(r.Included), Excluded: cloneGroups(r.Excluded)}
}

func cloneGroups(gs []ConditionGroup) []ConditionGroup {
	if gs == nil {
		return nil
	}
	out := make([]ConditionGroup, len(gs))
	for i, g := range gs {
		out[i] = ConditionGroup{Mode: g.Mode, Conditions: slices.Clone(g.Conditions)}
		for j := range out[i].Conditions {
			out[i].Conditions[j].Value = out[i].Conditions[j].Value.Clone()
		}
	}
	return out
}

// String renders the rule on one line: its Lines joined by " | ", for
// example
// `include all: customer.registered is-true | exclude any: customer.profile.email contains "@test."`.
// A nil rule renders as "".
func (r *Rule) String() string { return strings.Join(r.Lines(), " | ") }

// Lines renders the rule one condition group a line, the included groups
// first: "include" or "exclude" and the group as ConditionGroup.String
// renders it. A nil rule has no lines.
func (r *Rule) Lines() []string {
	if r == nil {
		return nil
	}
	var out []string
	for _, cg := range r.Included {
		out = append(out, "include "+cg.String())
	}
	for _, cg := range r.Excluded {
		out = append(out, "exclude "+cg.String())
	}
	return out
}

// String renders the group as its match mode and its conditions, joined
// by "; ", for example
// `any: customer.profile.email contains "@a.fi"; customer.profile.email contains "@b.fi"`.
func (g ConditionGroup) String() string {
	conds := make([]string, len(g.Conditions))
	for i, c := range g.Conditions {
		conds[i] = c.String()
	}
	return g.Mode.String() + ": " + strings.Join(conds, "; ")
}

// String renders the condition as one readable line, for example
// `customer.activeData.orderValueMonth is-greater-than 200.0`.
func (c Condition) String() string {
	if c.Value.Kind == NoValue {
		return c.Path + " " + c.Operator.String()
	}
	return c.Path + " " + c.Operator.String() + " " + c.Value.String()
}

// MatchMode joins the conditions of a condition group.
type MatchMode uint8

// The match modes of customergroup.xsd.
const (
	// MatchAll requires every condition of the group to match.
	MatchAll MatchMode = iota + 1
	// MatchAny requires at least one condition of the group to match.
	MatchAny
)

// String returns the XSD text, "all" or "any", or "MatchMode(n)".
func (m MatchMode) String() string {
	switch m {
	case MatchAll:
		return "all"
	case MatchAny:
		return "any"
	}
	return fmt.Sprintf("MatchMode(%d)", uint8(m))
}

// ParseMatchMode reads the XSD text "all" or "any". Any other text is an
// error wrapping ErrMatchMode.
func ParseMatchMode(s string) (MatchMode, error) {
	switch s {
	case "all":
		return MatchAll, nil
	case "any":
		return MatchAny, nil
	}
	return 0, fmt.Errorf("%w: %q (want all or any)", ErrMatchMode, s)
}

// Operator is one of the 29 operators of customergroup.xsd. Its String is
// the XSD text.
type Operator uint8

// The operators, named after their XSD texts.
const (
	IsEqual              Operator = iota + 1 // is-equal
	IsNotEqual                               // is-not-equal
	Exists                                   // exists
	DoesNotExist                             // does-not-exist
	IsOn                                     // is-on
	IsAfter                                  // is-after
	IsBefore                                 // is-before
	IsToday                                  // is-today
	IsTomorrow                               // is-tomorrow
	IsYesterday                              // is-yesterday
	IsInTheLast                              // is-in-the-last
	IsInTheNext                              // is-in-the-next
	IsInTheCurrent                           // is-in-the-current
	IsInTheLastXDays                         // is-in-the-last-x-days
	IsNotInTheLastXDays                      // is-not-in-the-last-x-days
	IsInTheNextXDays                         // is-in-the-next-x-days
	IsNotInTheNextXDays                      // is-not-in-the-next-x-days
	IsGreaterThan                            // is-greater-than
	IsLessThan                               // is-less-than
	IsGreaterThanOrEqual                     // is-greater-than-or-equal
	IsLessThanOrEqual                        // is-less-than-or-equal
	IsInRange                                // is-in-range
	IsNotInRange                             // is-not-in-range
	StartsWith                               // starts-with
	EndsWith                                 // ends-with
	Contains                                 // contains
	DoesNotContain                           // does-not-contain
	IsTrue                                   // is-true
	IsFalse                                  // is-false

	lastOperator = IsFalse
)

var operatorNames = [...]string{
	IsEqual:              "is-equal",
	IsNotEqual:           "is-not-equal",
	Exists:               "exists",
	DoesNotExist:         "does-not-exist",
	IsOn:                 "is-on",
	IsAfter:              "is-after",
	IsBefore:             "is-before",
	IsToday:              "is-today",
	IsTomorrow:           "is-tomorrow",
	IsYesterday:          "is-yesterday",
	IsInTheLast:          "is-in-the-last",
	IsInTheNext:          "is-in-the-next",
	IsInTheCurrent:       "is-in-the-current",
	IsInTheLastXDays:     "is-in-the-last-x-days",
	IsNotInTheLastXDays:  "is-not-in-the-last-x-days",
	IsInTheNextXDays:     "is-in-the-next-x-days",
	IsNotInTheNextXDays:  "is-not-in-the-next-x-days",
	IsGreaterThan:        "is-greater-than",
	IsLessThan:           "is-less-than",
	IsGreaterThanOrEqual: "is-greater-than-or-equal",
	IsLessThanOrEqual:    "is-less-than-or-equal",
	IsInRange:            "is-in-range",
	IsNotInRange:         "is-not-in-range",
	StartsWith:           "starts-with",
	EndsWith:             "ends-with",
	Contains:             "contains",
	DoesNotContain:       "does-not-contain",
	IsTrue:               "is-true",
	IsFalse:              "is-false",
}

// Negated reports whether op is the negation of a positive operator
// (is-not-equal of is-equal, does-not-contain of contains, and the other
// "not" forms): it matches a present attribute none of whose values
// matches the positive one.
func (op Operator) Negated() bool {
	switch op {
	case IsNotEqual, DoesNotContain, IsNotInRange, IsNotInTheLastXDays, IsNotInTheNextXDays:
		return true
	}
	return false
}

// Operators returns the 29 operators in the order of the XSD enumeration.
func Operators() []Operator {
	out := make([]Operator, 0, lastOperator)
	for op := IsEqual; op <= lastOperator; op++ {
		out = append(out, op)
	}
	return out
}

// Valid reports whether op is one of the 29 operators.
func (op Operator) Valid() bool { return op >= IsEqual && op <= lastOperator }

// String returns the XSD text of the operator, such as "is-in-range", or
// "Operator(n)" for an invalid value.
func (op Operator) String() string {
	if op.Valid() {
		return operatorNames[op]
	}
	return fmt.Sprintf("Operator(%d)", uint8(op))
}

// ParseOperator reads an operator from its XSD text. Unknown text is an
// error wrapping ErrUnknownOperator.
func ParseOperator(s string) (Operator, error) {
	for op := IsEqual; op <= lastOperator; op++ {
		if operatorNames[op] == s {
			return op, nil
		}
	}
	return 0, fmt.Errorf("%w: %q", ErrUnknownOperator, s)
}

// MarshalText returns the XSD text; an invalid operator is an error
// wrapping ErrUnknownOperator.
func (op Operator) MarshalText() ([]byte, error) {
	if !op.Valid() {
		return nil, fmt.Errorf("%w: %d", ErrUnknownOperator, uint8(op))
	}
	return []byte(operatorNames[op]), nil
}

// UnmarshalText reads the XSD text, as ParseOperator does.
func (op *Operator) UnmarshalText(b []byte) error {
	v, err := ParseOperator(string(b))
	if err != nil {
		return err
	}
	*op = v
	return nil
}

// ValueKind tells which of the XSD's value elements a condition carries.
type ValueKind uint8

// The value kinds, one per element of the XSD's value choice.
const (
	NoValue         ValueKind = iota // no value element
	StringsKind                      // one or more <string>
	IntsKind                         // one or more <int>
	IntRangeKind                     // <int-range>
	NumbersKind                      // one or more <number>
	NumberRangeKind                  // <number-range>
	DateKind                         // <date>
	DateRangeKind                    // <date-range>
	DaysKind                         // <number-of-days>
	PeriodKind                       // <time-period>
)

var valueKindNames = [...]string{
	NoValue:         "no value",
	StringsKind:     "string",
	IntsKind:        "int",
	IntRangeKind:    "int-range",
	NumbersKind:     "number",
	NumberRangeKind: "number-range",
	DateKind:        "date",
	DateRangeKind:   "date-range",
	DaysKind:        "number-of-days",
	PeriodKind:      "time-period",
}

// String returns the XSD element name of the kind ("int-range"), "no value",
// or "ValueKind(n)".
func (k ValueKind) String() string {
	if int(k) < len(valueKindNames) {
		return valueKindNames[k]
	}
	return fmt.Sprintf("ValueKind(%d)", uint8(k))
}

// Value is a condition's value: at most one of the XSD's value elements.
// Kind says which; only the fields of that kind may be set, which Compile
// checks. Build one with the Value... functions.
type Value struct {
	Kind ValueKind
	// Strings holds the <string> values (StringsKind).
	Strings []string
	// Ints holds the <int> values (IntsKind).
	Ints []int
	// IntRange is the <int-range> (IntRangeKind).
	IntRange IntRange
	// Numbers holds the <number> values (NumbersKind).
	Numbers []Number
	// NumberRange is the <number-range> (NumberRangeKind).
	NumberRange NumberRange
	// Date is the <date> (DateKind).
	Date Date
	// DateRange is the <date-range> (DateRangeKind).
	DateRange DateRange
	// Days is the <number-of-days>, above 0 (DaysKind).
	Days int
	// Period is the <time-period> (PeriodKind).
	Period TimePeriod
}

// ValueStrings returns a value of <string> elements.
func ValueStrings(s ...string) Value { return Value{Kind: StringsKind, Strings: s} }

// ValueInts returns a value of <int> elements.
func ValueInts(n ...int) Value { return Value{Kind: IntsKind, Ints: n} }

// ValueIntRange returns an <int-range> from min to max, both included.
func ValueIntRange(min, max int) Value {
	return Value{Kind: IntRangeKind, IntRange: IntRange{Min: min, Max: max}}
}

// ValueNumbers returns a value of <number> elements.
func ValueNumbers(n ...Number) Value { return Value{Kind: NumbersKind, Numbers: n} }

// ValueNumberRange returns a <number-range> from min to max, both included.
func ValueNumberRange(min, max Number) Value {
	return Value{Kind: NumberRangeKind, NumberRange: NumberRange{Min: min, Max: max}}
}

// ValueDate returns a <date>.
func ValueDate(d Date) Value { return Value{Kind: DateKind, Date: d} }

// ValueDateRange returns a <date-range> from from to to, both included.
func ValueDateRange(from, to Date) Value {
	return Value{Kind: DateRangeKind, DateRange: DateRange{From: from, To: to}}
}

// ValueDays returns a <number-of-days>.
func ValueDays(n int) Value { return Value{Kind: DaysKind, Days: n} }

// ValuePeriod returns a <time-period>.
func ValuePeriod(p TimePeriod) Value { return Value{Kind: PeriodKind, Period: p} }

// Clone returns a deep copy of v.
func (v Value) Clone() Value {
	v.Strings = slices.Clone(v.Strings)
	v.Ints = slices.Clone(v.Ints)
	v.Numbers = slices.Clone(v.Numbers)
	return v
}

// String renders the value readably: strings quoted and comma-separated,
// numbers in their original text, ranges as "min..max", days as "7 days".
func (v Value) String() string {
	var b strings.Builder
	switch v.Kind {
	case NoValue:
		return ""
	case StringsKind:
		for i, s := range v.Strings {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Quote(s))
		}
	case IntsKind:
		for i, n := range v.Ints {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Itoa(n))
		}
	case IntRangeKind:
		return strconv.Itoa(v.IntRange.Min) + ".." + strconv.Itoa(v.IntRange.Max)
	case NumbersKind:
		for i, n := range v.Numbers {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(n.String())
		}
	case NumberRangeKind:
		return v.NumberRange.Min.String() + ".." + v.NumberRange.Max.String()
	case DateKind:
		return v.Date.String()
	case DateRangeKind:
		return v.DateRange.From.String() + ".." + v.DateRange.To.String()
	case DaysKind:
		if v.Days == 1 {
			return "1 day"
		}
		return strconv.Itoa(v.Days) + " days"
	case PeriodKind:
		return v.Period.String()
	default:
		return v.Kind.String()
	}
	return b.String()
}

// IntRange is an <int-range>; both ends are included.
type IntRange struct{ Min, Max int }

// NumberRange is a <number-range>; both ends are included.
type NumberRange struct{ Min, Max Number }

// DateRange is a <date-range>; both days are included.
type DateRange struct{ From, To Date }

// Number is an xsd:decimal: its value, and the text it was read from so an
// export writes exactly what was imported ("200.0" stays "200.0"). Text may
// be empty for a number built in code; Compile checks that a non-empty Text
// is a decimal equal to Value.
type Number struct {
	Value float64
	Text  string
}

// NumberOf returns the number f with its shortest decimal text.
func NumberOf(f float64) Number {
	return Number{Value: f, Text: strconv.FormatFloat(f, 'f', -1, 64)}
}

// ParseNumber reads an xsd:decimal: an optional sign, digits, and an
// optional fraction, with no exponent ("200.0", "-1", ".5"). Surrounding
// white space is ignored and the trimmed text is kept. Anything else is an
// error wrapping ErrBadValue.
func ParseNumber(s string) (Number, error) {
	t := strings.TrimSpace(s)
	if !isDecimal(t) {
		return Number{}, fmt.Errorf("%w: %q is not a decimal number", ErrBadValue, s)
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsInf(f, 0) {
		return Number{}, fmt.Errorf("%w: %q is out of range", ErrBadValue, s)
	}
	return Number{Value: f, Text: t}, nil
}

// String returns Text, or the shortest decimal form of Value when Text is
// empty.
func (n Number) String() string {
	if n.Text != "" {
		return n.Text
	}
	return strconv.FormatFloat(n.Value, 'f', -1, 64)
}

// isDecimal reports whether s has the xsd:decimal lexical form: a number
// without an exponent. It does not allocate, so evaluation can test
// attribute texts with it.
func isDecimal(s string) bool {
	ok, exponent := validate.NumberForm(s)
	return ok && !exponent
}

// Date is a calendar day, the value of an xsd:date. It has no time zone:
// relative operators compare it with days counted in the evaluator's zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DayNumber returns the number of days from 1970-01-01 to d, the count
// the evaluator compares days by (negative before 1970).
func (d Date) DayNumber() int64 { return days.Number(d.Year, d.Month, d.Day) }

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads an xsd:date, "2024-02-29", optionally followed by a zone
// ("Z", "+02:00") that is accepted and ignored, as a birthday is the same
// day everywhere. Anything else, including a day the month does not have,
// is an error wrapping ErrBadValue.
func ParseDate(s string) (Date, error) {
	d, ok := parseDatePrefix(strings.TrimSpace(s), true)
	if !ok {
		return Date{}, fmt.Errorf("%w: %q is not a date (want YYYY-MM-DD)", ErrBadValue, s)
	}
	return d, nil
}

// parseDatePrefix reads YYYY-MM-DD at the start of s. With zoneOnly, what
// follows must be empty or a time zone; otherwise anything may follow (a
// time of day in a dateTime text). It does not allocate.
func parseDatePrefix(s string, zoneOnly bool) (Date, bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, false
	}
	y, ok1 := atoiDigits(s[0:4])
	m, ok2 := atoiDigits(s[5:7])
	d, ok3 := atoiDigits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, false
	}
	date := Date{y, time.Month(m), d}
	if !date.Valid() {
		return Date{}, false
	}
	rest := s[10:]
	if zoneOnly {
		switch {
		case rest == "" || rest == "Z":
		case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
			if _, ok := atoiDigits(rest[1:3]); !ok {
				return Date{}, false
			}
			if _, ok := atoiDigits(rest[4:6]); !ok {
				return Date{}, false
			}
		default:
			return Date{}, false
		}
	}
	return date, true
}

func atoiDigits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

// Valid reports whether d names a day that exists, in years 1 to 9999.
func (d Date) Valid() bool {
	return d.Year >= 1 && d.Year <= 9999 && d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d.Day <= days.DaysIn(d.Year, d.Month)
}

// String returns the xsd:date text, "2024-02-29".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// TimePeriod is the XSD's time-period: a week, a month or a year.
type TimePeriod uint8

// The time periods.
const (
	Week TimePeriod = iota + 1
	Month
	Year
)

// String returns the XSD text, "week", "month" or "year", or
// "TimePeriod(n)".
func (p TimePeriod) String() string {
	switch p {
	case Week:
		return "week"
	case Month:
		return "month"
	case Year:
		return "year"
	}
	return fmt.Sprintf("TimePeriod(%d)", uint8(p))
}

// ParseTimePeriod reads "week", "month" or "year"; anything else is an
// error wrapping ErrBadValue.
func ParseTimePeriod(s string) (TimePeriod, error) {
	switch s {
	case "week":
		return Week, nil
	case "month":
		return Month, nil
	case "year":
		return Year, nil
	}
	return 0, fmt.Errorf("%w: %q is not a time period (want week, month or year)", ErrBadValue, s)
}

// Errors of the rule engine. Compile and NewSet return *RuleError and
// *CycleError values that match them with errors.Is.
var (
	// ErrUnknownPath: the attribute path names no attribute the engine knows.
	ErrUnknownPath = errors.New("unknown attribute path")
	// ErrUnknownOperator: the operator is not one of the 29 of the XSD.
	ErrUnknownOperator = errors.New("unknown operator")
	// ErrOperatorType: the operator does not apply to the attribute's type,
	// such as is-greater-than on an e-mail address.
	ErrOperatorType = errors.New("operator does not apply to the attribute")
	// ErrOperatorValue: the value's kind does not fit the operator, such as
	// a date range for is-greater-than.
	ErrOperatorValue = errors.New("value does not fit the operator")
	// ErrMissingValue: the operator needs a value and the condition has
	// none, or an empty list.
	ErrMissingValue = errors.New("missing value")
	// ErrExtraValue: the operator takes no value, the operator takes a
	// single value and has several, or fields of another value kind are set.
	ErrExtraValue = errors.New("unexpected value")
	// ErrBadValue: a value is malformed: an empty string, a date that does
	// not exist, a range whose minimum exceeds its maximum, a number of days
	// below 1, a number whose text and value disagree.
	ErrBadValue = errors.New("malformed value")
	// ErrMatchMode: a condition group has no valid match mode.
	ErrMatchMode = errors.New("invalid match mode")
	// ErrEmptyRule: a rule without included condition groups, or a
	// condition group without conditions.
	ErrEmptyRule = errors.New("empty rule")
	// ErrUnknownGroup: customer.customerGroups names a group the set does
	// not hold.
	ErrUnknownGroup = errors.New("unknown customer group")
	// ErrCycle: dynamic groups depend on each other's membership in a cycle.
	ErrCycle = errors.New("customer group rules depend on each other in a cycle")
)
