package xmlio

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

// ErrGroupValue: a group the schema cannot carry, such as an ID with white
// space at an end, a description over 4,000 characters, a dynamic group
// whose rule has no included condition group, or a value outside its XSD
// type. GroupEncoder.WriteGroup returns it wrapped, naming the group, and
// writes nothing of that group.
var ErrGroupValue = errors.New("xmlio: customer group not valid in customergroup.xsd")

// GroupEncoder writes a customer-groups document one group at a time, in a
// fixed layout: the same groups give the same bytes, valid against
// customergroup.xsd. Rules are always written in the membership-rule form
// and numbers with the text they were read from (groups.Number.Text), so
// 200.0 stays 200.0. Create it with NewGroupEncoder and finish with Close.
type GroupEncoder struct {
	e Encoder // e.assigns: a group assignment was written
}

// NewGroupEncoder returns an encoder writing to w.
func NewGroupEncoder(w io.Writer) *GroupEncoder {
	return &GroupEncoder{e: Encoder{w: bufio.NewWriterSize(w, 64<<10), doc: DocCustomerGroups}}
}

// WriteGroup writes one <customer-group>: its description when not empty,
// its rule when it is dynamic, and its custom attributes. A system group is
// written with its description and attributes only. It returns an error
// wrapping ErrGroupValue for a group the schema cannot carry (nothing of it
// is written), ErrOrder after a group assignment or Close, and write
// errors.
func (g *GroupEncoder) WriteGroup(grp *groups.Group) error {
	if g.e.assigns {
		return fmt.Errorf("%w: customer groups come before group assignments", ErrOrder)
	}
	if err := groupCheckForXSD(grp); err != nil {
		return err
	}
	e := &g.e
	if err := e.start(); err != nil {
		return err
	}
	e.raw("    <customer-group")
	e.attr("group-id", grp.ID)
	dynamic := grp.Kind == groups.Dynamic && grp.Rule != nil
	if grp.Description == "" && !dynamic && !slices.ContainsFunc(grp.Attributes, func(a customer.Attribute) bool { return len(a.Values) > 0 }) {
		e.raw("/>\n")
		return e.err
	}
	e.raw(">\n")
	e.leaf(2, "description", grp.Description)
	if dynamic {
		e.raw("        <membership-rule>\n")
		g.conditionGroups("included-customers", grp.Rule.Included)
		g.conditionGroups("excluded-customers", grp.Rule.Excluded)
		e.raw("        </membership-rule>\n")
	}
	e.attributes(2, grp.Attributes)
	e.raw("    </customer-group>\n")
	return e.err
}

// WriteGroupDelete writes <customer-group group-id="id" mode="delete"/>,
// which makes an import delete the group. It returns an error wrapping
// ErrGroupValue for an ID the schema cannot carry, ErrOrder after a group
// assignment or Close, and write errors.
func (g *GroupEncoder) WriteGroupDelete(id string) error {
	if g.e.assigns {
		return fmt.Errorf("%w: customer groups come before group assignments", ErrOrder)
	}
	if why := groupBadString(id, groupMaxString); why != "" {
		return fmt.Errorf("%w: group %q: group-id %s", ErrGroupValue, id, why)
	}
	e := &g.e
	if err := e.start(); err != nil {
		return err
	}
	e.raw("    <customer-group")
	e.attr("group-id", id)
	e.raw(` mode="delete"/>` + "\n")
	return e.err
}

// WriteGroupAssignment writes a trailing <group-assignment>. Group files
// are not where SFCC keeps assignments (customer files are); the element
// exists for documents that carry both. It returns an error wrapping
// ErrGroupValue for an assignment without a group and a customer, or with
// one the schema cannot carry, ErrOrder after Close, and write errors.
func (g *GroupEncoder) WriteGroupAssignment(a GroupAssignment) error {
	switch {
	case a.GroupID == "" && a.CustomerNo == "", !a.Delete && (a.GroupID == "" || a.CustomerNo == ""):
		return fmt.Errorf("%w: a group assignment needs a group-id and a customer-no", ErrGroupValue)
	case a.GroupID != "" && groupBadString(a.GroupID, groupMaxString) != "":
		return fmt.Errorf("%w: group-assignment group-id %q %s", ErrGroupValue, a.GroupID, groupBadString(a.GroupID, groupMaxString))
	case a.CustomerNo != "" && groupBadString(a.CustomerNo, 100) != "":
		return fmt.Errorf("%w: group-assignment customer-no %q %s", ErrGroupValue, a.CustomerNo, groupBadString(a.CustomerNo, 100))
	}
	e := &g.e
	if err := e.start(); err != nil {
		return err
	}
	e.assigns = true
	e.raw("    <group-assignment")
	if a.Delete {
		e.raw(` mode="delete"`)
	}
	if a.GroupID != "" {
		e.attr("group-id", a.GroupID)
	}
	if a.CustomerNo != "" {
		e.attr("customer-no", a.CustomerNo)
	}
	e.raw("/>\n")
	return e.err
}

// Close ends the document and flushes it; with nothing written it writes
// an empty customer-groups document. It returns the first write error.
func (g *GroupEncoder) Close() error { return g.e.Close() }

func (g *GroupEncoder) conditionGroups(name string, cgs []groups.ConditionGroup) {
	if len(cgs) == 0 {
		return
	}
	e := &g.e
	e.raw("            <" + name + ">\n")
	for _, cg := range cgs {
		e.raw(`                <condition-group match-mode="` + cg.Mode.String() + "\">\n")
		for _, c := range cg.Conditions {
			g.condition(c)
		}
		e.raw("                </condition-group>\n")
	}
	e.raw("            </" + name + ">\n")
}

// condition writes one condition at depth 5.
func (g *GroupEncoder) condition(c groups.Condition) {
	e := &g.e
	const d = 6
	e.raw("                    <condition>\n")
	e.text(d, "attribute-path", c.Path)
	e.text(d, "operator", c.Operator.String())
	v := &c.Value
	num := func(name string, n groups.Number) { e.text(d, name, groupNumberText(n)) }
	switch v.Kind {
	case groups.StringsKind:
		for _, s := range v.Strings {
			e.text(d, "string", s)
		}
	case groups.IntsKind:
		for _, n := range v.Ints {
			e.text(d, "int", strconv.Itoa(n))
		}
	case groups.IntRangeKind:
		e.raw("                        <int-range>\n")
		e.text(d+1, "min", strconv.Itoa(v.IntRange.Min))
		e.text(d+1, "max", strconv.Itoa(v.IntRange.Max))
		e.raw("                        </int-range>\n")
	case groups.NumbersKind:
		for _, n := range v.Numbers {
			num("number", n)
		}
	case groups.NumberRangeKind:
		e.raw("                        <number-range>\n")
		e.text(d+1, "min", groupNumberText(v.NumberRange.Min))
		e.text(d+1, "max", groupNumberText(v.NumberRange.Max))
		e.raw("                        </number-range>\n")
	case groups.DateKind:
		e.text(d, "date", v.Date.String())
	case groups.DateRangeKind:
		e.raw("                        <date-range>\n")
		e.text(d+1, "from", v.DateRange.From.String())
		e.text(d+1, "to", v.DateRange.To.String())
		e.raw("                        </date-range>\n")
	case groups.DaysKind:
		e.text(d, "number-of-days", strconv.Itoa(v.Days))
	case groups.PeriodKind:
		e.text(d, "time-period", v.Period.String())
	}
	e.raw("                    </condition>\n")
}

// groupNumberText returns the xsd:decimal text of n: its own text when that
// is a decimal, or else the shortest plain decimal form of its value.
func groupNumberText(n groups.Number) string {
	if n.Text != "" {
		if _, err := groups.ParseNumber(n.Text); err == nil && strings.TrimSpace(n.Text) == n.Text {
			return n.Text
		}
	}
	return strconv.FormatFloat(n.Value, 'f', -1, 64)
}

const groupMaxString = 256

// groupBadString says why s is not a Generic.NonEmptyString of at most max
// characters, or "" when it is one.
func groupBadString(s string, max int) string {
	switch {
	case s == "":
		return "is empty"
	case utf8.RuneCountInString(s) > max:
		return fmt.Sprintf("is longer than %d characters", max)
	case strings.TrimSpace(s) != s:
		return "has white space at an end"
	case strings.ContainsAny(s, "\r\n"):
		return "has a line break"
	}
	return ""
}

// groupCheckForXSD finds what customergroup.xsd cannot carry in g.
func groupCheckForXSD(g *groups.Group) error {
	if g == nil {
		return fmt.Errorf("%w: nil group", ErrGroupValue)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: group %q: %s", ErrGroupValue, g.ID, fmt.Sprintf(format, args...))
	}
	if why := groupBadString(g.ID, groupMaxString); why != "" {
		return bad("group-id %s", why)
	}
	if n := utf8.RuneCountInString(g.Description); n > 4000 {
		return bad("the description has %d characters, more than 4000", n)
	}
	for _, a := range g.Attributes {
		if why := groupBadString(a.ID, groupMaxString); why != "" && len(a.Values) > 0 {
			return bad("custom attribute-id %q %s", a.ID, why)
		}
	}
	if g.Kind != groups.Dynamic || g.Rule == nil {
		return nil
	}
	if len(g.Rule.Included) == 0 {
		return bad("a membership rule needs an included condition group")
	}
	for li, list := range [][]groups.ConditionGroup{g.Rule.Included, g.Rule.Excluded} {
		for gi, cg := range list {
			where := fmt.Sprintf("%s condition group %d", [...]string{"included", "excluded"}[li], gi+1)
			if cg.Mode != groups.MatchAll && cg.Mode != groups.MatchAny {
				return bad("%s: no valid match mode", where)
			}
			if len(cg.Conditions) == 0 {
				return bad("%s has no condition", where)
			}
			for ci, c := range cg.Conditions {
				if err := groupCheckCondition(c); err != "" {
					return bad("%s, condition %d: %s", where, ci+1, err)
				}
			}
		}
	}
	return nil
}

// groupCheckCondition says why c cannot be written, or "".
func groupCheckCondition(c groups.Condition) string {
	if why := groupBadString(c.Path, groupMaxString); why != "" {
		return "the attribute path " + why
	}
	if !c.Operator.Valid() {
		return "no valid operator"
	}
	v := &c.Value
	int32ok := func(n int) bool { return n >= math.MinInt32 && n <= math.MaxInt32 }
	switch v.Kind {
	case groups.NoValue:
	case groups.StringsKind:
		for _, s := range v.Strings {
			if why := groupBadString(s, groupMaxString); why != "" {
				return fmt.Sprintf("the string %q %s", s, why)
			}
		}
	case groups.IntsKind:
		if len(v.Ints) == 0 {
			return "an empty int list"
		}
		for _, n := range v.Ints {
			if !int32ok(n) {
				return fmt.Sprintf("%d is beyond xsd:int", n)
			}
		}
	case groups.IntRangeKind:
		if !int32ok(v.IntRange.Min) || !int32ok(v.IntRange.Max) {
			return "the int range is beyond xsd:int"
		}
	case groups.NumbersKind:
		if len(v.Numbers) == 0 {
			return "an empty number list"
		}
		for _, n := range v.Numbers {
			if math.IsNaN(n.Value) || math.IsInf(n.Value, 0) {
				return "a number that is not finite"
			}
		}
	case groups.NumberRangeKind:
		for _, n := range []groups.Number{v.NumberRange.Min, v.NumberRange.Max} {
			if math.IsNaN(n.Value) || math.IsInf(n.Value, 0) {
				return "a number that is not finite"
			}
		}
	case groups.DateKind:
		if !v.Date.Valid() {
			return "a date that does not exist"
		}
	case groups.DateRangeKind:
		if !v.DateRange.From.Valid() || !v.DateRange.To.Valid() {
			return "a date that does not exist"
		}
	case groups.DaysKind:
		if v.Days <= 0 || !int32ok(v.Days) {
			return "a number of days that is not between 1 and the xsd:int maximum"
		}
	case groups.PeriodKind:
		if v.Period != groups.Week && v.Period != groups.Month && v.Period != groups.Year {
			return "no valid time period"
		}
	default:
		return "an unknown value kind"
	}
	return ""
}

// GroupExportOptions configure ExportGroups. The zero value writes every
// group of the store.
type GroupExportOptions struct {
	// Select, when set, chooses the groups written; the others are left
	// out.
	Select func(*groups.Group) bool
}

// ExportGroups writes the groups of store (the system groups included) that
// opts.Select chooses to w as a customer-groups document, in the store's
// ID order, deterministically and valid against customergroup.xsd. Static
// memberships are not written: customer files carry them. It returns the
// number of groups written, an error wrapping ErrGroupValue for a group the
// schema cannot carry, and the first error of the store or of w.
func ExportGroups(ctx context.Context, w io.Writer, store groups.Store, opts GroupExportOptions) (int, error) {
	enc := NewGroupEncoder(w)
	n := 0
	for g, err := range store.Groups(ctx) {
		if err != nil {
			return n, err
		}
		if opts.Select != nil && !opts.Select(g) {
			continue
		}
		if err := enc.WriteGroup(g); err != nil {
			return n, err
		}
		n++
	}
	return n, enc.Close()
}
