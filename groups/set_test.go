package groups_test

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/customer/repotest"
	"github.com/impexkit/impex/groups"
)

func dyn(id string, conds ...groups.Condition) *groups.Group {
	return &groups.Group{ID: id, Kind: groups.Dynamic, Rule: rule(conds...)}
}

func inGroups(ids ...string) groups.Condition {
	return c("customer.customerGroups", groups.IsEqual, groups.ValueStrings(ids...))
}

func TestSetOrdersDependencies(t *testing.T) {
	gs := []*groups.Group{
		dyn("a-top", inGroups("m-middle"), c(email, groups.Exists)),
		dyn("m-middle", inGroups("z-base", "vip")),
		dyn("z-base", c(valMonth, groups.IsGreaterThanOrEqual, groups.ValueNumbers(num("200.0")))),
		dyn("not-base", c("customer.customerGroups", groups.IsNotEqual, groups.ValueStrings("z-base"))),
		{ID: "vip", Kind: groups.Static},
		{ID: "club", Kind: groups.Static},
	}
	set, err := groups.NewSet(gs, groups.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"z-base", "m-middle", "a-top", "not-base"}, set.Order()); diff != "" {
		t.Errorf("Order (-want +got):\n%s", diff)
	}
	sub := baseSubject()
	got := set.Members(sub, nil)
	want := []string{groups.Everyone, groups.Registered, "a-top", "m-middle", "vip", "z-base"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Members (-want +got):\n%s", diff)
	}
	for _, id := range want {
		if !set.Member(sub, id) {
			t.Errorf("Member(%s) = false, Members lists it", id)
		}
	}
	for _, id := range []string{"not-base", "club", groups.Unregistered, "nowhere"} {
		if set.Member(sub, id) {
			t.Errorf("Member(%s) = true", id)
		}
	}

	sub.Customer.ActiveData.OrderValueMonth = 10
	sub.Customer.Groups = nil
	sub.Customer.Credentials.Login = ""
	got = set.Members(sub, nil)
	if diff := cmp.Diff([]string{groups.Everyone, groups.Unregistered, "not-base"}, got); diff != "" {
		t.Errorf("Members of a guest (-want +got):\n%s", diff)
	}
	x, err := set.Explain(sub, "m-middle")
	if err != nil || x.Member || !strings.Contains(x.String(), `(value member of none of them)`) {
		t.Errorf("Explain(m-middle) = %v\n%s", err, x)
	}
	if x, err := set.Explain(sub, groups.Unregistered); err != nil || !x.Member || !strings.Contains(x.String(), "member (system group: the customer is unregistered)") {
		t.Errorf("Explain(Unregistered) = %v\n%s", err, x)
	}
	if _, err := set.Explain(sub, "nowhere"); !errors.Is(err, groups.ErrNotFound) {
		t.Errorf("Explain(nowhere) = %v", err)
	}
}

func TestSetRejectsCyclesAndUnknownGroups(t *testing.T) {
	_, err := groups.NewSet([]*groups.Group{
		dyn("a", inGroups("b")),
		dyn("b", inGroups("c")),
		dyn("c", inGroups("a", groups.Everyone)),
		dyn("d", inGroups("d")),
	}, groups.Options{})
	var ce *groups.CycleError
	if !errors.Is(err, groups.ErrCycle) || !errors.As(err, &ce) {
		t.Fatalf("NewSet = %v, want a cycle", err)
	}
	if diff := cmp.Diff([]string{"a", "b", "c", "a"}, ce.Groups); diff != "" {
		t.Errorf("cycle (-want +got):\n%s", diff)
	}
	if want := `customer group rules depend on each other in a cycle: "a" -> "b" -> "c" -> "a"`; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
	_, err = groups.NewSet([]*groups.Group{dyn("self", inGroups("self"))}, groups.Options{})
	if !errors.As(err, &ce) || len(ce.Groups) != 2 {
		t.Errorf("a group naming itself: %v", err)
	}

	_, err = groups.NewSet([]*groups.Group{dyn("a", inGroups("ghost")), {ID: "a", Kind: groups.Static}, {ID: "x", Kind: groups.Dynamic}}, groups.Options{})
	for _, want := range []error{groups.ErrUnknownGroup, groups.ErrInvalid} {
		if !errors.Is(err, want) {
			t.Errorf("NewSet = %v, want %v among the errors", err, want)
		}
	}
	if err == nil || !strings.Contains(err.Error(), `customer group "a": rule: unknown customer group: customer.customerGroups names "ghost"`) {
		t.Errorf("message %v", err)
	}
}

// The real SFCC group files, read with a minimal decoder: the XML codec
// lives in xmlio.

type xmlGroups struct {
	Groups []struct {
		ID   string `xml:"group-id,attr"`
		Rule *struct {
			Included []xmlCondGroup `xml:"included-customers>condition-group"`
			Excluded []xmlCondGroup `xml:"excluded-customers>condition-group"`
		} `xml:"membership-rule"`
	} `xml:"customer-group"`
}

type xmlCondGroup struct {
	Mode       string `xml:"match-mode,attr"`
	Conditions []struct {
		Path     string   `xml:"attribute-path"`
		Operator string   `xml:"operator"`
		Strings  []string `xml:"string"`
		Numbers  []string `xml:"number"`
	} `xml:"condition"`
}

func (g xmlCondGroup) convert(t *testing.T) groups.ConditionGroup {
	mode, err := groups.ParseMatchMode(g.Mode)
	if err != nil {
		t.Fatal(err)
	}
	out := groups.ConditionGroup{Mode: mode}
	for _, x := range g.Conditions {
		op, err := groups.ParseOperator(x.Operator)
		if err != nil {
			t.Fatal(err)
		}
		cond := groups.Condition{Path: x.Path, Operator: op}
		switch {
		case len(x.Strings) > 0:
			cond.Value = groups.ValueStrings(x.Strings...)
		case len(x.Numbers) > 0:
			var ns []groups.Number
			for _, s := range x.Numbers {
				ns = append(ns, num(s))
			}
			cond.Value = groups.ValueNumbers(ns...)
		}
		out.Conditions = append(out.Conditions, cond)
	}
	return out
}

func readGroupFile(t *testing.T, name string) []*groups.Group {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("../../shared/testdata/sfcc", name))
	if err != nil {
		if os.Getenv("IMPEX_REQUIRE_FIXTURES") == "1" {
			t.Fatal(err)
		}
		t.Skipf("fixture not available: %v", err)
	}
	var doc xmlGroups
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var out []*groups.Group
	for _, g := range doc.Groups {
		switch {
		case groups.IsSystemID(g.ID):
			out = append(out, &groups.Group{ID: g.ID, Kind: groups.System})
		case g.Rule == nil:
			out = append(out, &groups.Group{ID: g.ID, Kind: groups.Static})
		default:
			r := &groups.Rule{}
			for _, cg := range g.Rule.Included {
				r.Included = append(r.Included, cg.convert(t))
			}
			for _, cg := range g.Rule.Excluded {
				r.Excluded = append(r.Excluded, cg.convert(t))
			}
			r, _ = groups.NormalizeImported(r)
			out = append(out, &groups.Group{ID: g.ID, Kind: groups.Dynamic, Rule: r})
		}
	}
	return out
}

func TestRealGroupFiles(t *testing.T) {
	session := func(kv ...string) groups.Session {
		var s groups.Session
		for i := 0; i < len(kv); i += 2 {
			s.Custom = append(s.Custom, customer.Attribute{ID: kv[i], Values: []string{kv[i+1]}})
		}
		return s
	}
	for _, tc := range []struct {
		file string
		sub  *groups.Subject
		want []string
	}{
		{"sfra-demo_RefArch_customer-groups.xml",
			&groups.Subject{Customer: &customer.Customer{ActiveData: &customer.ActiveData{OrderValueMonth: 200.01}}},
			[]string{"Big Spenders", groups.Everyone, groups.Unregistered}},
		{"esw_demo_customer_groups.xml",
			&groups.Subject{Customer: &customer.Customer{Credentials: customer.Credentials{Login: "x"}, Profile: customer.Profile{Email: "qa@ESHOPWORLD.com"}},
				Session: session("eswSupportsFixedPrices", "true", "eswCurrency", "gbp", "eswEnabled", "TRUE", "eswCountry", "SE", "eswAuthenticated", "false")},
			[]string{"Everyone", "QA customer group", "Registered", "VIP customer group", "eswSupportsFixedPrices", "esw_employees"}},
		{"esw_demo_customer_groups.xml",
			&groups.Subject{Session: session("eswEnabled", "true", "eswCountry", "IE", "eswCurrency", "SEK", "eswOperatedCountry", "true")},
			[]string{"Everyone", "Unregistered", "eswCountry", "eswCurrency", "eswEnabled", "eswOperatedCountry"}},
		{"ua_site_demo_US_customer-groups.xml",
			&groups.Subject{Customer: &customer.Customer{Credentials: customer.Credentials{Login: "x"},
				Attributes: []customer.Attribute{{ID: "loyaltyStatus", Values: []string{"enrolled"}}, {ID: "isEmployee", Values: []string{"false"}}}}},
			[]string{"Everyone", "Loyalty", "Registered"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			set, err := groups.NewSet(readGroupFile(t, tc.file), groups.Options{})
			if err != nil {
				t.Fatalf("NewSet: %v", err)
			}
			if diff := cmp.Diff(tc.want, set.Members(tc.sub, nil)); diff != "" {
				t.Errorf("Members (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEswFixedPricesIsNormalisedToIsTrue(t *testing.T) {
	for _, g := range readGroupFile(t, "esw_demo_customer_groups.xml") {
		if g.ID != "eswSupportsFixedPrices" {
			continue
		}
		want := rule(c("session.custom.eswSupportsFixedPrices", groups.IsTrue),
			c("session.custom.eswCurrency", groups.IsEqual, groups.ValueStrings("GBP")))
		if diff := cmp.Diff(want, g.Rule); diff != "" {
			t.Errorf("normalised rule (-want +got):\n%s", diff)
		}
		return
	}
	t.Fatal("the group eswSupportsFixedPrices is missing")
}

func bigSpenders() *groups.Group {
	return dyn("Big Spenders", c(valMonth, groups.IsGreaterThan, groups.ValueNumbers(num("200.0"))))
}

func fillStore(tb testing.TB, s *memstore.Store, n, batch int, build func(i int) *customer.Customer) {
	tb.Helper()
	ops := make([]customer.Op, 0, batch)
	for i := 0; i < n; i += batch {
		ops = ops[:0]
		for j := i; j < min(n, i+batch); j++ {
			ops = append(ops, customer.Put(build(j)))
		}
		if _, err := s.Write(context.Background(), ops); err != nil {
			tb.Fatal(err)
		}
	}
}

func TestPreview(t *testing.T) {
	store := memstore.New(memstore.Options{})
	fillStore(t, store, 1000, 250, repotest.SpenderCustomer)
	compiled, err := groups.CompileGroup(bigSpenders(), groups.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	res, err := compiled.Preview(ctx, store, groups.PreviewOptions{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	// i%500 in 201..499: 299 values, twice.
	if res.Scanned != 1000 || res.Matched != 598 || len(res.Members) != 3 || !res.At.Equal(now) {
		t.Fatalf("Preview = scanned %d matched %d members %d at %v", res.Scanned, res.Matched, len(res.Members), res.At)
	}
	if res.Members[0].ActiveData.OrderValueMonth != 201 {
		t.Errorf("first member spent %v, want 201 (listing order)", res.Members[0].ActiveData.OrderValueMonth)
	}
	n := 0
	for cu, err := range compiled.Members(ctx, store, groups.PreviewOptions{Filter: customer.Filter{Search: "virtanen21"}}) {
		if err != nil {
			t.Fatal(err)
		}
		if cu.ActiveData.OrderValueMonth <= 200 {
			t.Errorf("Members yielded a non-member spending %v", cu.ActiveData.OrderValueMonth)
		}
		n++
	}
	// virtanen21 and virtanen210..219 pass the filter; 210..219 spend more
	// than 200.
	if n != 10 {
		t.Errorf("Members with a filter yielded %d, want 10", n)
	}

	set, err := groups.NewSet([]*groups.Group{bigSpenders(), dyn("registered spenders", inGroups("Big Spenders", "nobody"), c("customer.registered", groups.IsTrue)),
		{ID: "nobody", Kind: groups.Static}}, groups.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err = set.Preview(ctx, store, "registered spenders", groups.PreviewOptions{})
	// Even numbers in 202..498 and 702..998.
	if err != nil || res.Matched != 298 {
		t.Errorf("Set.Preview = %d, %v; want 298", res.Matched, err)
	}
	if _, err := set.Preview(ctx, store, "ghost", groups.PreviewOptions{}); !errors.Is(err, groups.ErrNotFound) {
		t.Errorf("Set.Preview(ghost) = %v", err)
	}
	n = 0
	for _, err := range set.MembersOf(ctx, store, groups.Unregistered, groups.PreviewOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 500 {
		t.Errorf("MembersOf(Unregistered) = %d, want 500", n)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := compiled.Preview(cancelled, store, groups.PreviewOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Preview with a cancelled context = %v", err)
	}
	for _, err := range compiled.Members(cancelled, store, groups.PreviewOptions{}) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Members with a cancelled context = %v", err)
		}
	}
}

func TestSetBeyondTheTrackedGroups(t *testing.T) {
	// A chain of 300 dynamic groups, each requiring the one before: more
	// than the evaluator tracks in its bit set.
	gs := []*groups.Group{dyn("g000", c(email, groups.Exists))}
	for i := 1; i < 300; i++ {
		gs = append(gs, dyn(fmt.Sprintf("g%03d", i), inGroups(fmt.Sprintf("g%03d", i-1))))
	}
	set, err := groups.NewSet(gs, groups.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sub := baseSubject()
	// The chain, Everyone and Registered; the customer's static groups are
	// not in the set.
	if got := set.Members(sub, nil); len(got) != 302 {
		t.Errorf("Members lists %d groups, want 302", len(got))
	}
	if !set.Member(sub, "g299") {
		t.Error("Member(g299) = false at the end of a satisfied chain")
	}
	if x, err := set.Explain(sub, "g299"); err != nil || !x.Member {
		t.Errorf("Explain(g299) = %v, %v", x, err)
	}
	sub.Customer.Profile.Email = ""
	if set.Member(sub, "g299") || len(set.Members(sub, nil)) != 2 {
		t.Error("the chain holds without its first link")
	}
}
