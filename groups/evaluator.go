package groups

import (
	"context"
	"errors"
	"iter"
	"time"

	"github.com/impexkit/impex/customer"
)

// ErrNotEvaluable: a RuleEvaluator cannot decide the rule exactly as the Go
// evaluator would, for example because it reads the session or the request,
// which a repository does not hold. The caller evaluates the rule in Go.
var ErrNotEvaluable = errors.New("the repository cannot evaluate the rule")

// RuleEvaluator is an optional interface of a customer.Repository that can
// decide rules where the customers are kept, such as a database, instead of
// handing every customer to the Go evaluator. Compiled.Preview,
// Compiled.Members, Set.Preview and Set.MembersOf use it when the repository
// they are given implements it, and evaluate in Go otherwise.
//
// An implementation must select exactly the customers the Go evaluator
// selects with the same rule, options and moment, and list them in the
// order its List does. When it cannot for a rule, or for the filter, it
// returns an error wrapping ErrNotEvaluable, whose message says why, before
// it reads anything; the caller then evaluates the rule in Go and
// PreviewResult.Fallback repeats the message. Session and request
// attributes are not part of a RuleQuery: a rule that reads them is not
// evaluable by a repository.
type RuleEvaluator interface {
	// PreviewRule counts the customers that pass q.Filter (Scanned) and
	// those of them the rule admits (Matched), and returns the first limit
	// members in listing order. At is q.At. It returns an error wrapping
	// ErrNotEvaluable (see above), a *RuleError for a rule Compile refuses,
	// the context's error or the repository's.
	PreviewRule(ctx context.Context, q RuleQuery, limit int) (PreviewResult, error)
	// RuleMembers returns the members of the rule among the customers that
	// pass q.Filter, in listing order, with the errors of PreviewRule: those
	// found before reading anything are returned at once, the others are
	// yielded with a nil customer and end the iteration.
	RuleMembers(ctx context.Context, q RuleQuery) (iter.Seq2[*customer.Customer, error], error)
}

// RuleQuery is a rule to be decided by a RuleEvaluator, with everything the
// outcome depends on.
type RuleQuery struct {
	// Group is the ID of the group the rule belongs to; empty for a rule
	// compiled on its own. It names the group in errors.
	Group string
	// Rule is the rule. It compiles with Options; the evaluator must not
	// change it.
	Rule *Rule
	// Dynamic holds the rules of the dynamic groups that
	// customer.customerGroups conditions of Rule name, directly or through
	// each other, when the rule belongs to a Set: a customer is a member of
	// such a group when it is an explicit member or its rule admits it.
	// A group ID that Dynamic does not hold is a system group or is tested
	// against the customer's explicit memberships only.
	Dynamic map[string]*Rule
	// Options are the options the rule was compiled with. Their clock is
	// not used: At is the moment of the evaluation.
	Options Options
	// At is the moment as of which days are counted.
	At time.Time
	// Filter narrows the customers, as PreviewOptions.Filter does.
	Filter customer.Filter
}

// evaluatorQuery returns repo as a RuleEvaluator and the query it is
// asked for c, or a nil evaluator when repo is none.
func (c *Compiled) evaluatorQuery(repo customer.Repository, now time.Time, f customer.Filter) (RuleEvaluator, RuleQuery) {
	ev, ok := repo.(RuleEvaluator)
	if !ok {
		return nil, RuleQuery{}
	}
	return ev, RuleQuery{Group: c.group, Rule: c.rule.Clone(), Options: c.opts, At: now, Filter: f}
}

// evaluatorQuery is Compiled.evaluatorQuery for group id of s; the
// evaluator is nil too when the group has no rule it can be handed.
func (s *Set) evaluatorQuery(repo customer.Repository, id string, now time.Time, f customer.Filter) (RuleEvaluator, RuleQuery) {
	ev, ok := repo.(RuleEvaluator)
	if !ok {
		return nil, RuleQuery{}
	}
	r, dynamic, has := s.setQuery(id)
	if !has {
		return nil, RuleQuery{}
	}
	return ev, RuleQuery{Group: id, Rule: r, Dynamic: dynamic, Options: s.opts, At: now, Filter: f}
}

// setQuery returns the rule and dependencies a RuleEvaluator decides group
// id of s with, and false when there is none. A static or system group's
// membership is the rule "customer.customerGroups is-equal id", which tests
// exactly what Set.Member tests for it, unless the ID is no valid string
// value (a blank one), which leaves the group to the Go evaluator.
func (s *Set) setQuery(id string) (*Rule, map[string]*Rule, bool) {
	var r *Rule
	var deps []int
	if i, ok := s.index[id]; ok {
		r, deps = s.order[i].rule.Clone(), s.needs[i]
	} else {
		r = &Rule{Included: []ConditionGroup{{Mode: MatchAll, Conditions: []Condition{
			{Path: "customer.customerGroups", Operator: IsEqual, Value: ValueStrings(id)}}}}}
		if _, err := Compile(r, s.opts); err != nil {
			return nil, nil, false
		}
	}
	var dynamic map[string]*Rule
	for _, j := range deps {
		if dynamic == nil {
			dynamic = make(map[string]*Rule, len(deps))
		}
		dynamic[s.order[j].group] = s.order[j].rule.Clone()
	}
	return r, dynamic, true
}
