package groups

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Set is a compiled collection of groups that answers which groups a
// subject belongs to: static groups from the customer's explicit
// memberships, system groups from the customer alone, and dynamic groups
// from their rules. Dynamic rules that test customer.customerGroups are
// evaluated after the groups they name, so a rule may build on another
// dynamic group's membership. A Set is immutable and safe for concurrent
// use.
type Set struct {
	opts  Options
	kinds map[string]Kind
	// order holds the dynamic groups' rules, each after its dependencies.
	order []*Compiled
	index map[string]int // dynamic group ID -> position in order
	// needs[i] lists, in evaluation order, the positions of the dynamic
	// groups rule i depends on, directly or not.
	needs     [][]int
	needClock bool
}

// CycleError reports dynamic groups whose rules depend on each other's
// membership in a circle. It matches ErrCycle with errors.Is.
type CycleError struct {
	// Groups are the IDs along the cycle, the first repeated at the end:
	// ["a", "b", "a"].
	Groups []string
}

// Error names the groups of the cycle.
func (e *CycleError) Error() string {
	quoted := make([]string, len(e.Groups))
	for i, g := range e.Groups {
		quoted[i] = fmt.Sprintf("%q", g)
	}
	return fmt.Sprintf("%v: %s", ErrCycle, strings.Join(quoted, " -> "))
}

// Is makes errors.Is(err, ErrCycle) true.
func (e *CycleError) Is(target error) bool { return target == ErrCycle }

// systemIDs is SystemIDs without the allocation.
var systemIDs = [...]string{Everyone, Registered, Unregistered}

// NewSet compiles the rules of gs with opts and orders the dynamic groups by
// their customer.customerGroups dependencies. The system groups are always
// part of a set, whether gs holds them or not. It returns every problem
// found, joined: a group Validate refuses or a repeated ID (ErrInvalid,
// ErrSystemGroup), a rule Compile refuses (*RuleError), a rule naming a
// group the set does not hold (*RuleError wrapping ErrUnknownGroup), and
// dependencies in a circle (*CycleError, ErrCycle).
func NewSet(gs []*Group, opts Options) (*Set, error) {
	s := &Set{opts: opts, kinds: make(map[string]Kind), index: make(map[string]int)}
	for _, id := range systemIDs {
		s.kinds[id] = System
	}
	var errs []error
	rules := make(map[string]*Compiled)
	var dynamic []string
	seen := make(map[string]bool)
	for _, g := range gs {
		if err := validateShape(g); err != nil {
			errs = append(errs, err)
			continue
		}
		if seen[g.ID] {
			errs = append(errs, fmt.Errorf("%w: group %q appears twice", ErrInvalid, g.ID))
			continue
		}
		seen[g.ID] = true
		s.kinds[g.ID] = g.Kind
		if g.Kind != Dynamic {
			continue
		}
		c, err := compile(g.ID, g.Rule, opts)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		rules[g.ID] = c
		dynamic = append(dynamic, g.ID)
	}
	slices.Sort(dynamic)
	for _, id := range dynamic {
		for _, dep := range rules[id].deps {
			if _, ok := s.kinds[dep]; !ok {
				errs = append(errs, &RuleError{Group: id, ConditionGroup: -1, Condition: -1,
					Path: "customer.customerGroups", Err: ErrUnknownGroup,
					Reason: fmt.Sprintf("customer.customerGroups names %q, which is not in the set", dep)})
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	// Depth-first topological order; dependencies come first. The IDs are
	// visited in sorted order so the order and any cycle reported are
	// deterministic.
	const (
		unvisited = iota
		visiting
		done
	)
	state := make(map[string]int)
	var stack []string
	var visit func(id string) error
	visit = func(id string) error {
		switch state[id] {
		case done:
			return nil
		case visiting:
			i := slices.Index(stack, id)
			cycle := append(slices.Clone(stack[i:]), id)
			return &CycleError{Groups: cycle}
		}
		state[id] = visiting
		stack = append(stack, id)
		for _, dep := range rules[id].deps {
			if s.kinds[dep] != Dynamic {
				continue
			}
			if err := visit(dep); err != nil {
				return err
			}
		}
		stack = stack[:len(stack)-1]
		state[id] = done
		s.index[id] = len(s.order)
		s.order = append(s.order, rules[id])
		return nil
	}
	for _, id := range dynamic {
		if err := visit(id); err != nil {
			return nil, err
		}
	}
	s.needs = make([][]int, len(s.order))
	for i, c := range s.order {
		s.needClock = s.needClock || c.needClock
		var need []int
		for _, dep := range c.deps {
			if j, ok := s.index[dep]; ok {
				need = append(need, s.needs[j]...)
				need = append(need, j)
			}
		}
		slices.Sort(need)
		s.needs[i] = slices.Compact(need)
	}
	return s, nil
}

// Order returns the IDs of the dynamic groups in the order they are
// evaluated: every group after the groups its rule depends on.
func (s *Set) Order() []string {
	out := make([]string, len(s.order))
	for i, c := range s.order {
		out[i] = c.group
	}
	return out
}

// Kind returns the kind of group id, and whether the set holds it.
func (s *Set) Kind(id string) (Kind, bool) {
	k, ok := s.kinds[id]
	return k, ok
}

// Rule returns the compiled rule of dynamic group id, or nil.
func (s *Set) Rule(id string) *Compiled {
	if i, ok := s.index[id]; ok {
		return s.order[i]
	}
	return nil
}

func (s *Set) env(sub *Subject, now time.Time, clock bool) env {
	return env{s: sub, c: sub.Customer, opts: &s.opts, set: s, today: s.opts.today(now, clock, s.needClock)}
}

// Members appends to dst the IDs of every group of the set sub belongs to,
// static, system and dynamic, and returns the extended slice; the appended
// IDs are sorted. Given a dst with room for them, it does not allocate.
func (s *Set) Members(sub *Subject, dst []string) []string {
	e := s.env(sub, time.Time{}, false)
	return s.members(&e, dst)
}

// MembersAt is Members with the clock read as now.
func (s *Set) MembersAt(sub *Subject, now time.Time, dst []string) []string {
	e := s.env(sub, now, true)
	return s.members(&e, dst)
}

func (s *Set) members(e *env, dst []string) []string {
	start := len(dst)
	for j, c := range s.order {
		if c.match(e) {
			dst = append(dst, c.group)
			if j < bitGroups {
				e.bits[j>>6] |= 1 << (j & 63)
			} else {
				e.found = dst[start:]
			}
		}
	}
	if e.c != nil {
		for _, id := range e.c.Groups {
			if s.kinds[id] == Static {
				dst = append(dst, id)
			}
		}
	}
	for _, id := range systemIDs {
		if SystemMember(id, e.c) {
			dst = append(dst, id)
		}
	}
	slices.Sort(dst[start:])
	return dst
}

// Member reports whether sub belongs to group id; false for a group the set
// does not hold. For a dynamic group it evaluates the groups the rule
// depends on first. It does not allocate (except in a set of more than 256
// dynamic groups).
func (s *Set) Member(sub *Subject, id string) bool {
	e := s.env(sub, time.Time{}, false)
	return s.member(&e, id)
}

// MemberAt is Member with the clock read as now.
func (s *Set) MemberAt(sub *Subject, id string, now time.Time) bool {
	e := s.env(sub, now, true)
	return s.member(&e, id)
}

func (s *Set) member(e *env, id string) bool {
	switch s.kinds[id] {
	case Static:
		return e.c != nil && e.c.InGroup(id)
	case System:
		return SystemMember(id, e.c)
	case Dynamic:
		i := s.index[id]
		s.prepare(e, i)
		return s.order[i].match(e)
	}
	return false
}

// prepare evaluates the dynamic groups rule i depends on and records the
// ones that match in e.
func (s *Set) prepare(e *env, i int) {
	// found is local, not e.found, so no field of e flows into the heap
	// slice: that would move the caller's Subject to the heap.
	var found []string
	for _, j := range s.needs[i] {
		if !s.order[j].match(e) {
			continue
		}
		if j < bitGroups {
			e.bits[j>>6] |= 1 << (j & 63)
		} else {
			found = append(found, s.order[j].group)
			e.found = found
		}
	}
}
