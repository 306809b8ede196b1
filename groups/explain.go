package groups

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/impexkit/impex/internal/days"
)

// Explanation tells why a subject is or is not a member of a group: every
// condition group with the result of each of its conditions and the value
// the condition saw. Its String is a readable report.
type Explanation struct {
	// Group is the group's ID; empty for a rule compiled on its own.
	Group string
	Kind  Kind
	// Member is the decision.
	Member bool
	// IncludedBy is the index of the first included condition group that
	// matched, ExcludedBy that of the first excluded one; -1 for none.
	IncludedBy int
	ExcludedBy int
	// Included and Excluded hold every condition group of the rule, each
	// condition evaluated (no short cut), so all of them can be read.
	Included []GroupTrace
	Excluded []GroupTrace
	// Reason explains a static or system group's membership, which no rule
	// decides.
	Reason string
}

// GroupTrace is the outcome of one condition group.
type GroupTrace struct {
	Mode       MatchMode
	Matched    bool
	Conditions []ConditionTrace
}

// ConditionTrace is the outcome of one condition.
type ConditionTrace struct {
	Condition Condition
	Matched   bool
	// Present is false when the subject lacks the attribute.
	Present bool
	// Value renders the attribute's value as the condition saw it.
	Value string
}

// Explain evaluates the rule for s as Match does, recording every condition.
// Unlike Match it allocates.
func (c *Compiled) Explain(s *Subject) *Explanation {
	e := c.env(s, time.Time{}, false)
	return c.explain(&e)
}

// ExplainAt is Explain with the clock read as now.
func (c *Compiled) ExplainAt(s *Subject, now time.Time) *Explanation {
	e := c.env(s, now, true)
	return c.explain(&e)
}

func (c *Compiled) explain(e *env) *Explanation {
	x := &Explanation{Group: c.group, Kind: Dynamic, IncludedBy: -1, ExcludedBy: -1}
	trace := func(gs []cgroup, src []ConditionGroup, first *int) []GroupTrace {
		out := make([]GroupTrace, len(gs))
		for i := range gs {
			g := &gs[i]
			t := GroupTrace{Mode: src[i].Mode, Matched: !g.any}
			for j := range g.conds {
				k := &g.conds[j]
				m := e.cond(k)
				present, value := e.describe(k)
				t.Conditions = append(t.Conditions, ConditionTrace{Condition: src[i].Conditions[j], Matched: m, Present: present, Value: value})
				if g.any && m {
					t.Matched = true
				}
				if !g.any && !m {
					t.Matched = false
				}
			}
			if t.Matched && *first < 0 {
				*first = i
			}
			out[i] = t
		}
		return out
	}
	x.Included = trace(c.included, c.rule.Included, &x.IncludedBy)
	x.Excluded = trace(c.excluded, c.rule.Excluded, &x.ExcludedBy)
	x.Member = x.IncludedBy >= 0 && x.ExcludedBy < 0
	return x
}

// describe renders the value condition k reads.
func (e *env) describe(k *cond) (bool, string) {
	if k.mode == cmpGroups {
		var in []string
		for _, id := range k.strs {
			if e.inGroup(id) {
				in = append(in, strconv.Quote(id))
			}
		}
		if len(in) == 0 {
			return true, "member of none of them"
		}
		return true, "member of " + strings.Join(in, ", ")
	}
	v := e.get(k)
	if !v.ok {
		return false, "missing"
	}
	switch k.typ {
	case TypeString:
		return true, strconv.Quote(v.s)
	case TypeInt, TypeNumber:
		return true, strconv.FormatFloat(v.n, 'f', -1, 64)
	case TypeBool:
		return true, strconv.FormatBool(v.b)
	case TypeDate, TypeDateTime:
		y, m, d := days.Civil(v.day)
		return true, Date{y, m, d}.String()
	}
	q := make([]string, len(v.texts))
	for i, t := range v.texts {
		q[i] = strconv.Quote(t)
	}
	return true, strings.Join(q, ", ")
}

// String renders the explanation as an indented report, for example:
//
//	customer group "Big Spenders": member (included by condition group 1)
//	  included condition group 1 (all): matched
//	    yes  customer.activeData.orderValueMonth is-greater-than 200.0 (value 250)
func (x *Explanation) String() string {
	var b strings.Builder
	if x.Group != "" {
		fmt.Fprintf(&b, "customer group %q: ", x.Group)
	} else {
		b.WriteString("rule: ")
	}
	switch {
	case x.Member && x.Kind != Dynamic:
		fmt.Fprintf(&b, "member (%s)\n", x.Reason)
	case x.Kind != Dynamic:
		fmt.Fprintf(&b, "not a member (%s)\n", x.Reason)
	case x.Member:
		fmt.Fprintf(&b, "member (included by condition group %d)\n", x.IncludedBy+1)
	case x.IncludedBy < 0:
		b.WriteString("not a member (no included condition group matched)\n")
	default:
		fmt.Fprintf(&b, "not a member (included by condition group %d, excluded by condition group %d)\n",
			x.IncludedBy+1, x.ExcludedBy+1)
	}
	for _, list := range []struct {
		name string
		gs   []GroupTrace
	}{{"included", x.Included}, {"excluded", x.Excluded}} {
		for i, g := range list.gs {
			result := "not matched"
			if g.Matched {
				result = "matched"
			}
			fmt.Fprintf(&b, "  %s condition group %d (%s): %s\n", list.name, i+1, g.Mode, result)
			for _, t := range g.Conditions {
				mark := "no "
				if t.Matched {
					mark = "yes"
				}
				fmt.Fprintf(&b, "    %s  %s (value %s)\n", mark, t.Condition, t.Value)
			}
		}
	}
	return b.String()
}

// Explain tells why sub is or is not a member of group id. For a dynamic
// group it first evaluates the groups the rule depends on. An ID the set
// does not hold is an error wrapping ErrNotFound.
func (s *Set) Explain(sub *Subject, id string) (*Explanation, error) {
	e := s.env(sub, time.Time{}, false)
	return s.explain(&e, id)
}

// ExplainAt is Explain with the clock read as now.
func (s *Set) ExplainAt(sub *Subject, id string, now time.Time) (*Explanation, error) {
	e := s.env(sub, now, true)
	return s.explain(&e, id)
}

func (s *Set) explain(e *env, id string) (*Explanation, error) {
	k, ok := s.kinds[id]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	x := &Explanation{Group: id, Kind: k, IncludedBy: -1, ExcludedBy: -1}
	switch k {
	case Static:
		x.Member = e.c != nil && e.c.InGroup(id)
		x.Reason = "static group: explicit membership"
		if !x.Member {
			x.Reason = "static group: no explicit membership"
		}
	case System:
		x.Member = SystemMember(id, e.c)
		registered := e.c != nil && e.c.Credentials.Login != ""
		x.Reason = "system group: the customer is unregistered"
		if registered {
			x.Reason = "system group: the customer is registered"
		}
	default:
		i := s.index[id]
		s.prepare(e, i)
		x = s.order[i].explain(e)
	}
	return x, nil
}
