package groups_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/customer/repotest"
	"github.com/impexkit/impex/groups"
)

// evaluatingStore is a memstore that decides rules itself, as a database
// would, by answering with what it was told to and recording the queries.
type evaluatingStore struct {
	*memstore.Store
	err     error // returned by PreviewRule and RuleMembers when set
	queries []groups.RuleQuery
}

func (s *evaluatingStore) PreviewRule(ctx context.Context, q groups.RuleQuery, limit int) (groups.PreviewResult, error) {
	s.queries = append(s.queries, q)
	if s.err != nil {
		return groups.PreviewResult{}, s.err
	}
	return groups.PreviewResult{Scanned: 7, Matched: 3}, nil
}

func (s *evaluatingStore) RuleMembers(ctx context.Context, q groups.RuleQuery) (iter.Seq2[*customer.Customer, error], error) {
	s.queries = append(s.queries, q)
	if s.err != nil {
		return nil, s.err
	}
	return func(yield func(*customer.Customer, error) bool) {
		yield(&customer.Customer{ID: "from the store"}, nil)
	}, nil
}

func TestPreviewAsksARepositoryThatEvaluatesRules(t *testing.T) {
	ctx := context.Background()
	store := &evaluatingStore{Store: memstore.New(memstore.Options{})}
	fillStore(t, store.Store, 1000, 250, repotest.SpenderCustomer)
	opts := groups.Options{Location: helsinki, Now: func() time.Time { return now }}
	compiled, err := groups.CompileGroup(bigSpenders(), opts)
	if err != nil {
		t.Fatal(err)
	}
	filter := customer.Filter{Kind: customer.KindPerson}

	t.Run("the repository decides and the result says so", func(t *testing.T) {
		store.err, store.queries = nil, nil
		res, err := compiled.Preview(ctx, store, groups.PreviewOptions{Limit: 5, Filter: filter})
		if err != nil {
			t.Fatal(err)
		}
		if !res.InRepository || res.Fallback != "" || res.Matched != 3 || res.Scanned != 7 || !res.At.Equal(now) {
			t.Fatalf("Preview = %+v", res)
		}
		q := store.queries[0]
		if q.Group != "Big Spenders" || !q.At.Equal(now) || q.Options.Location != helsinki || q.Filter.Kind != customer.KindPerson ||
			!cmp.Equal(q.Rule, bigSpenders().Rule) || q.Dynamic != nil {
			t.Fatalf("the query = %+v", q)
		}
		var got []string
		for c, err := range compiled.Members(ctx, store, groups.PreviewOptions{}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, c.ID)
		}
		if !cmp.Equal(got, []string{"from the store"}) {
			t.Fatalf("Members = %v", got)
		}
	})

	t.Run("ErrNotEvaluable falls back to Go, and the result says why", func(t *testing.T) {
		store.err = fmt.Errorf("%w: it reads session.currency", groups.ErrNotEvaluable)
		res, err := compiled.Preview(ctx, store, groups.PreviewOptions{Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := compiled.Preview(ctx, store.Store, groups.PreviewOptions{Limit: 5})
		if res.InRepository || res.Fallback != store.err.Error() || res.Matched != want.Matched || res.Scanned != 1000 || len(res.Members) != 5 {
			t.Fatalf("Preview = in repository %v, fallback %q, matched %d of %d (want %d of 1000)",
				res.InRepository, res.Fallback, res.Matched, res.Scanned, want.Matched)
		}
		n := 0
		for _, err := range compiled.Members(ctx, store, groups.PreviewOptions{}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != want.Matched {
			t.Fatalf("Members in Go yielded %d, want %d", n, want.Matched)
		}
	})

	t.Run("other errors are returned, not hidden by a fallback", func(t *testing.T) {
		store.err = errors.New("connection refused")
		if _, err := compiled.Preview(ctx, store, groups.PreviewOptions{}); !errors.Is(err, store.err) {
			t.Fatalf("Preview: %v", err)
		}
		for _, err := range compiled.Members(ctx, store, groups.PreviewOptions{}) {
			if !errors.Is(err, store.err) {
				t.Fatalf("Members: %v", err)
			}
		}
	})

	t.Run("a set hands over the rules a group depends on", func(t *testing.T) {
		store.err, store.queries = nil, nil
		set, err := groups.NewSet([]*groups.Group{bigSpenders(), {ID: "newsletter", Kind: groups.Static},
			dyn("loyal big spenders", inGroups("Big Spenders"), inGroups("newsletter"))}, opts)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := set.Preview(ctx, store, "loyal big spenders", groups.PreviewOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := set.Preview(ctx, store, "newsletter", groups.PreviewOptions{}); err != nil {
			t.Fatal(err)
		}
		for range set.MembersOf(ctx, store, groups.Registered, groups.PreviewOptions{}) {
		}
		want := []groups.RuleQuery{
			{Group: "loyal big spenders", Rule: dyn("", inGroups("Big Spenders"), inGroups("newsletter")).Rule,
				Dynamic: map[string]*groups.Rule{"Big Spenders": bigSpenders().Rule}, At: now},
			{Group: "newsletter", Rule: dyn("", inGroups("newsletter")).Rule, At: now},
			{Group: groups.Registered, Rule: dyn("", inGroups(groups.Registered)).Rule, At: now},
		}
		// A blank ID is no string value of a rule: the group is left to Go.
		blank, err := groups.NewSet([]*groups.Group{{ID: " ", Kind: groups.Static}}, opts)
		if err != nil {
			t.Fatal(err)
		}
		if res, err := blank.Preview(ctx, store, " ", groups.PreviewOptions{}); err != nil || res.InRepository || res.Scanned != 1000 {
			t.Fatalf("Preview of a blank static group = %+v, %v; want it in Go", res, err)
		}
		for i := range store.queries {
			store.queries[i].Options = groups.Options{}
		}
		if diff := cmp.Diff(want, store.queries); diff != "" {
			t.Fatalf("queries (-want +got):\n%s", diff)
		}
	})
}
