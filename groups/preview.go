package groups

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/impexkit/impex/customer"
)

// PreviewOptions configure a preview. The zero value scans every customer
// with an empty session and request and keeps no members.
type PreviewOptions struct {
	// Filter narrows the customers scanned; the zero Filter scans all.
	Filter customer.Filter
	// Limit is how many matching customers Preview keeps in
	// PreviewResult.Members; 0 keeps none (count only).
	Limit int
	// Session and Request are the context every customer is evaluated in.
	// A preview is about stored customers, so they are usually empty.
	Session Session
	Request Request
}

// PreviewResult is what a preview found.
type PreviewResult struct {
	// Scanned is the number of customers evaluated.
	Scanned int
	// Matched is the number of members among them.
	Matched int
	// Members are the first Limit members, in listing order.
	Members []*customer.Customer
	// At is the moment the clock was read: every customer was evaluated
	// as of it, so a long preview is consistent.
	At time.Time
	// InRepository is true when the repository decided the rule itself
	// (see RuleEvaluator) rather than handing every customer to the Go
	// evaluator.
	InRepository bool
	// Fallback says why a repository that implements RuleEvaluator did not
	// decide the rule, which was then evaluated in Go: the message of its
	// ErrNotEvaluable error. It is empty when the repository decided the
	// rule and when it does not implement RuleEvaluator.
	Fallback string
}

// matcher is a compiled rule or a set's group, evaluated as of a moment.
type matcher func(sub *Subject, now time.Time) bool

// Preview streams repo's customers through the rule and counts the members,
// keeping the first opts.Limit of them. It stops with ctx's error when ctx
// is done and with the listing's error when the listing fails; the result
// then holds what was found so far.
//
// When repo is a RuleEvaluator, it decides the rule itself and the result
// says so (InRepository); when it reports ErrNotEvaluable the rule is
// evaluated here and Fallback says why. Its other errors are returned as
// they are.
func (c *Compiled) Preview(ctx context.Context, repo customer.Repository, opts PreviewOptions) (PreviewResult, error) {
	now := c.opts.now()
	ev, q := c.evaluatorQuery(repo, now, opts.Filter)
	return preview(ctx, repo, opts, now, c.MatchAt, ev, q)
}

// Members yields the customers of repo that the rule admits, with the clock
// read once at the start. Iteration stops at the first error, yielded with a
// nil customer: ctx's error when ctx is done, or the listing's. A repository
// that is a RuleEvaluator decides the rule itself unless it reports
// ErrNotEvaluable, as with Preview.
func (c *Compiled) Members(ctx context.Context, repo customer.Repository, opts PreviewOptions) iter.Seq2[*customer.Customer, error] {
	now := c.opts.now()
	ev, q := c.evaluatorQuery(repo, now, opts.Filter)
	return members(ctx, repo, opts, now, c.MatchAt, ev, q)
}

// Preview is Compiled.Preview for group id of the set, which may be of any
// kind; a dynamic group's dependencies are evaluated per customer, or, by a
// RuleEvaluator, handed to it with the rule (RuleQuery.Dynamic). An ID the
// set does not hold is an error wrapping ErrNotFound.
func (s *Set) Preview(ctx context.Context, repo customer.Repository, id string, opts PreviewOptions) (PreviewResult, error) {
	if _, ok := s.kinds[id]; !ok {
		return PreviewResult{}, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	now := s.opts.now()
	ev, q := s.evaluatorQuery(repo, id, now, opts.Filter)
	return preview(ctx, repo, opts, now, func(sub *Subject, now time.Time) bool {
		return s.MemberAt(sub, id, now)
	}, ev, q)
}

// MembersOf is Compiled.Members for group id of the set; an ID the set does
// not hold yields an error wrapping ErrNotFound.
func (s *Set) MembersOf(ctx context.Context, repo customer.Repository, id string, opts PreviewOptions) iter.Seq2[*customer.Customer, error] {
	if _, ok := s.kinds[id]; !ok {
		return func(yield func(*customer.Customer, error) bool) {
			yield(nil, fmt.Errorf("%w: %q", ErrNotFound, id))
		}
	}
	now := s.opts.now()
	ev, q := s.evaluatorQuery(repo, id, now, opts.Filter)
	return members(ctx, repo, opts, now, func(sub *Subject, now time.Time) bool {
		return s.MemberAt(sub, id, now)
	}, ev, q)
}

// preview counts the members, asking ev when there is one and evaluating
// match in Go otherwise or when ev reports ErrNotEvaluable.
func preview(ctx context.Context, repo customer.Repository, opts PreviewOptions, now time.Time, match matcher,
	ev RuleEvaluator, q RuleQuery) (PreviewResult, error) {
	fallback := ""
	if ev != nil {
		res, err := ev.PreviewRule(ctx, q, max(opts.Limit, 0))
		if !errors.Is(err, ErrNotEvaluable) {
			res.At, res.InRepository = now, err == nil
			return res, err
		}
		fallback = err.Error()
	}
	res := PreviewResult{At: now, Fallback: fallback}
	n, err := scan(ctx, repo, opts, now, match, func(cu *customer.Customer, member bool) bool {
		if member {
			res.Matched++
			if len(res.Members) < opts.Limit {
				res.Members = append(res.Members, cu)
			}
		}
		return true
	})
	res.Scanned = n
	if err != nil {
		return res, err
	}
	return res, ctx.Err()
}

func members(ctx context.Context, repo customer.Repository, opts PreviewOptions, now time.Time, match matcher,
	ev RuleEvaluator, q RuleQuery) iter.Seq2[*customer.Customer, error] {
	return func(yield func(*customer.Customer, error) bool) {
		if ev != nil {
			seq, err := ev.RuleMembers(ctx, q)
			switch {
			case err == nil:
				for cu, err := range seq {
					if !yield(cu, err) || err != nil {
						return
					}
				}
				return
			case !errors.Is(err, ErrNotEvaluable):
				yield(nil, err)
				return
			}
		}
		_, err := scan(ctx, repo, opts, now, match, func(cu *customer.Customer, member bool) bool {
			return !member || yield(cu, nil)
		})
		if err != nil {
			yield(nil, err)
		}
	}
}

// scan evaluates repo's customers as of now, giving visit each one and
// whether it is a member, until visit returns false. It returns how many
// customers it read and the listing's or ctx's error.
func scan(ctx context.Context, repo customer.Repository, opts PreviewOptions, now time.Time, match matcher,
	visit func(cu *customer.Customer, member bool) bool) (int, error) {
	sub := Subject{Session: opts.Session, Request: opts.Request}
	n := 0
	for cu, err := range repo.List(ctx, opts.Filter) {
		if err != nil {
			return n, err
		}
		if n++; n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return n, err
			}
		}
		sub.Customer = cu
		if !visit(cu, match(&sub, now)) {
			return n, nil
		}
	}
	return n, nil
}
