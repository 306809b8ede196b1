package groups_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/customer/repotest"
	"github.com/impexkit/impex/groups"
)

// benchGroups are realistic dynamic groups: the SFRA and eShopWorld demo
// rules, a birthday campaign and a regional re-engagement rule.
func benchGroups() []*groups.Group {
	return []*groups.Group{
		bigSpenders(),
		dyn("employees", c(email, groups.Contains, groups.ValueStrings("@eshopworld.com"))),
		dyn("loyalty", c("customer.profile.custom.loyaltyStatus", groups.IsEqual, groups.ValueStrings("ENROLLED")), c("customer.registered", groups.IsTrue)),
		dyn("birthday week", c(nextBday, groups.IsInTheNextXDays, groups.ValueDays(7))),
		{ID: "esw", Kind: groups.Dynamic, Rule: &groups.Rule{
			Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{
				c("session.custom.eswEnabled", groups.IsTrue),
				c("session.custom.eswCurrency", groups.IsEqual, groups.ValueStrings("EUR", "GBP", "SEK")),
			}}},
			Excluded: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{
				c("session.custom.eswCountry", groups.IsEqual, groups.ValueStrings("SE")),
			}}},
		}},
		{ID: "lapsed capital region", Kind: groups.Dynamic, Rule: &groups.Rule{Included: []groups.ConditionGroup{
			{Mode: groups.MatchAny, Conditions: []groups.Condition{
				c("customer.addressBook.preferredAddress.city", groups.IsEqual, groups.ValueStrings("Helsinki", "Espoo", "Vantaa", "Kauniainen")),
				c("customer.addressBook.preferredAddress.postalCode", groups.StartsWith, groups.ValueStrings("00", "01", "02")),
			}},
			{Mode: groups.MatchAll, Conditions: []groups.Condition{
				c(orders, groups.IsGreaterThanOrEqual, groups.ValueInts(2)),
				c(lastOrder, groups.IsNotInTheLastXDays, groups.ValueDays(90)),
			}},
		}}},
	}
}

var cities = []string{"Helsinki", "Espoo", "Tampere", "Turku", "Oulu", "Vantaa"}

// benchSubject is customer i with varied data and a storefront session.
func benchSubject(i int) *groups.Subject {
	c := &customer.Customer{
		Kind: customer.KindPerson, Number: fmt.Sprint(100000 + i),
		Profile: customer.Profile{FirstName: "Aino", LastName: fmt.Sprint("Virtanen", i),
			Email:    fmt.Sprintf("aino.virtanen%d@%s", i, []string{"example.com", "eshopworld.com", "posti.fi"}[i%3]),
			Birthday: birthday(1960+i%40, time.Month(1+i%12), 1+i%28)},
		Addresses: []customer.Address{{ID: "home", Preferred: true, City: cities[i%len(cities)], PostalCode: fmt.Sprintf("%05d", (i*37)%99999), CountryCode: "FI"}},
		Attributes: []customer.Attribute{{ID: "newsletter", Values: []string{"yes"}},
			{ID: "loyaltyStatus", Values: []string{[]string{"ENROLLED", "NONE", "enrolled", "LAPSED"}[i%4]}}},
		ActiveData: &customer.ActiveData{Orders: i % 9, OrderValueMonth: float64(i%400) + 0.5,
			LastOrderDate: now.AddDate(0, 0, -(i % 200))},
	}
	if i%3 != 0 {
		c.Credentials.Login = c.Profile.Email
	}
	return &groups.Subject{Customer: c, Session: groups.Session{Custom: []customer.Attribute{
		{ID: "eswEnabled", Values: []string{"true"}},
		{ID: "eswCurrency", Values: []string{[]string{"EUR", "USD", "GBP"}[i%3]}},
		{ID: "eswCountry", Values: []string{[]string{"FI", "SE", "IE", "DE"}[i%4]}},
	}}}
}

// BenchmarkEvaluate measures one evaluation of one compiled group rule for
// one customer: ns/op is the time per customer and group.
func BenchmarkEvaluate(b *testing.B) {
	subs := make([]*groups.Subject, 1024)
	for i := range subs {
		subs[i] = benchSubject(i)
	}
	opts := groups.Options{Location: helsinki, Now: func() time.Time { return now }}
	var all []*groups.Compiled
	for _, g := range benchGroups() {
		compiled, err := groups.CompileGroup(g, opts)
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, compiled)
		b.Run(g.ID, func(b *testing.B) {
			b.ReportAllocs()
			n, members := 0, 0
			for b.Loop() {
				if compiled.Match(subs[n&1023]) {
					members++
				}
				n++
			}
			if members == 0 || members == n {
				b.Fatalf("%s matched %d of %d: the data does not exercise it", g.ID, members, n)
			}
		})
	}
	b.Run("all groups", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			all[n%len(all)].Match(subs[n&1023])
			n++
		}
	})
}

// BenchmarkSetMembers answers "which groups is this customer in" for a set
// of the benchmark groups plus static and system groups; ns/group is the
// time per customer and dynamic group.
func BenchmarkSetMembers(b *testing.B) {
	gs := append(benchGroups(), &groups.Group{ID: "newsletter", Kind: groups.Static},
		dyn("loyal big spenders", inGroups("Big Spenders"), inGroups("loyalty")))
	set, err := groups.NewSet(gs, groups.Options{Location: helsinki, Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	subs := make([]*groups.Subject, 1024)
	for i := range subs {
		subs[i] = benchSubject(i)
	}
	dst := make([]string, 0, 16)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		dst = set.Members(subs[n&1023], dst[:0])
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*len(set.Order())), "ns/group")
}

// BenchmarkPreview1M previews "Big Spenders" over 1,000,000 memstore
// customers, written in batches of 10,000; one op is the whole preview.
func BenchmarkPreview1M(b *testing.B) {
	const total = 1_000_000
	store := memstore.New(memstore.Options{})
	fillStore(b, store, total, 10_000, repotest.SpenderCustomer)
	compiled, err := groups.CompileGroup(bigSpenders(), groups.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := compiled.Preview(ctx, store, groups.PreviewOptions{Limit: 100})
		if err != nil || res.Scanned != total || res.Matched != total/500*299 {
			b.Fatalf("Preview = %+v, %v", res.Matched, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*total), "ns/customer")
}
