package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/customer/pgstore"
	"github.com/impexkit/impex/groups"
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// Texts with the edges of case-insensitive comparison: mixed case, letters
// whose folding orbit has more than two members (k, K and the Kelvin sign;
// s, S and the long s; the three sigmas), dotted and dotless i, texts that
// are empty or blank, and texts JSON escapes.
var ruleTexts = []string{"", " ", "Aino", "AINO", "aino", "aino.virtanen@eshopworld.com", "Åsa", "åSA", "ÅSA",
	"straße", "STRASSE", "\u212Aalle", "kalle", "KALLE", "ſara", "Sara", "ΣΟΦΙΑ", "σοφιας", "σοφιαΣ",
	"İda", "ida", "ıda", "Helsinki", "helsinki ", "00100", "FI", "fi", "en_US", "日本", "shoes", "SHOES", "Hats",
	`quote " and \ back`, "tab\tnew\nline\x01", "\u2028"}

var ruleNumbers = []float64{0, 1, 2, 7, 199.99, 200, 200.0000001, 250.5, -5, 0.1, 1e21, 5e-324, 1000}

// customTexts are custom attribute values: numbers in the forms the engine
// reads and some it does not, dates and date-times with zones, booleans.
var customTexts = []string{"10", "1e3", "200.0", "-5", "abc", " 5", "0x10", "Infinity", "1e400", "1e-400",
	"2024-02-29", "2024-02-29T23:30:00+02:00", "2024-03-01T00:00:00Z", "2024-02-28T22:00:00-05:00",
	"2024-13-01", "20240101", "0001-01-01T00:00:00Z", "true", "TRUE", "False", "no", "ENROLLED", "enrolled", ""}

// ruleNows are the moments the differential test evaluates at, with the
// zones it counts days in: around midnight, the turn of a year, 29
// February and a change to summer time.
func ruleNows(t testing.TB) []struct {
	at  time.Time
	loc *time.Location
} {
	hel, ny, kol, cha := zone(t, "Europe/Helsinki"), zone(t, "America/New_York"), zone(t, "Asia/Kolkata"), zone(t, "Pacific/Chatham")
	return []struct {
		at  time.Time
		loc *time.Location
	}{
		{time.Date(2024, 2, 29, 23, 30, 0, 0, hel), hel},
		{time.Date(2024, 2, 29, 23, 30, 0, 0, hel), ny},
		{time.Date(2024, 12, 31, 23, 59, 59, 0, time.UTC), kol},
		{time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), cha},
		{time.Date(2025, 3, 30, 0, 30, 0, 0, hel), hel},
	}
}

// rulePopulation is n customers with edge values in every field rules
// read, from a fixed seed.
func rulePopulation(t testing.TB, n int) []*customer.Customer {
	r := rand.New(rand.NewPCG(20, 4))
	zones := []*time.Location{time.UTC, zone(t, "Europe/Helsinki"), zone(t, "America/New_York"), zone(t, "Asia/Kolkata"), zone(t, "Pacific/Chatham")}
	text := func() string { return ruleTexts[r.IntN(len(ruleTexts))] }
	maybe := func(p int) bool { return r.IntN(100) < p }
	instant := func() time.Time {
		if maybe(20) {
			return time.Time{}
		}
		// Near the midnights of the test's moments, in several zones.
		base := time.Date(2024+r.IntN(2), time.Month(1+r.IntN(12)), 1+r.IntN(31), 0, 0, 0, 0, zones[r.IntN(len(zones))])
		if maybe(40) {
			base = ruleNows(t)[r.IntN(5)].at
		}
		return base.Add(time.Duration(r.IntN(6*24*60)-3*24*60)*time.Minute + time.Duration(r.IntN(2))*time.Nanosecond*500)
	}
	birthdays := []time.Time{{}, date(1992, 2, 29), date(2000, 2, 29), date(1990, 2, 28), date(1985, 3, 1),
		date(1970, 12, 31), date(1999, 1, 1), date(1980, 3, 2), date(1975, 2, 27)}
	customs := func() []customer.Attribute {
		var attrs []customer.Attribute
		for _, id := range []string{"loyalty", "points", "joined", "vip"} {
			if maybe(30) {
				continue
			}
			a := customer.Attribute{ID: id}
			for range r.IntN(3) {
				a.Values = append(a.Values, customTexts[r.IntN(len(customTexts))])
			}
			if maybe(15) {
				a.Lang = "fi"
			}
			attrs = append(attrs, a)
			if maybe(15) {
				attrs = append(attrs, customer.Attribute{ID: id, Lang: "sv", Values: []string{customTexts[r.IntN(len(customTexts))]}})
			}
		}
		return attrs
	}
	set := func() []string {
		if maybe(30) {
			return nil
		}
		var s []string
		for range r.IntN(4) {
			s = append(s, text())
		}
		return s
	}
	num := func() float64 { return ruleNumbers[r.IntN(len(ruleNumbers))] }
	cs := make([]*customer.Customer, n)
	for i := range cs {
		c := &customer.Customer{Kind: customer.KindPerson, Number: fmt.Sprint(1000 + i),
			Profile: customer.Profile{FirstName: text(), LastName: text(), Email: text(), CompanyName: text(),
				PreferredLocale: text(), Phones: customer.Phones{Mobile: text()},
				Birthday: birthdays[r.IntN(len(birthdays))], CreationDate: instant(), LastLoginTime: instant(), LastVisitTime: instant()},
			Attributes: customs(),
		}
		if maybe(60) {
			c.Credentials.Login = fmt.Sprintf("%s-%d", text(), i)
		}
		if maybe(70) {
			c.Profile.Gender = customer.Gender{Code: []int{0, 1, 2, 7}[r.IntN(4)], Valid: true}
		}
		if maybe(70) {
			c.Addresses = append(c.Addresses, customer.Address{ID: "home", Preferred: maybe(80), City: text(), PostalCode: text(),
				CountryCode: text(), Attributes: customs()})
		}
		if maybe(30) {
			c.Groups = []string{[]string{"newsletter", "vip", "Newsletter"}[r.IntN(3)]}
		}
		if maybe(75) {
			c.ActiveData = &customer.ActiveData{Orders: r.IntN(5), VisitsMonth: r.IntN(3), OrderValue: num(), OrderValueMonth: num(),
				AvgOrderValue: num(), GiftUnits: num(), TopCategoriesOrdered: set(), ProductsOrdered: set(), LastOrderDate: instant(),
				Custom: customs()}
		}
		cs[i] = c
	}
	return cs
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// sampleValues are values of each kind for the differential test: every
// rule is tried with each, and kept when it compiles.
func sampleValues(now time.Time) []groups.Value {
	today := groups.DateOf(now)
	return []groups.Value{
		{},
		groups.ValueStrings("aino"),
		groups.ValueStrings("ÅSA", "kalle", "σοφιας"),
		groups.ValueStrings("K"),
		groups.ValueStrings("S"),
		groups.ValueStrings("@ESHOPWORLD.COM", "shoes"),
		groups.ValueStrings("true"),
		groups.ValueStrings("ENROLLED"),
		groups.ValueStrings("newsletter", "Registered"),
		groups.ValueInts(2),
		groups.ValueInts(0, 7, 1000),
		groups.ValueIntRange(1, 2),
		groups.ValueNumbers(groups.NumberOf(200)),
		groups.ValueNumbers(groups.NumberOf(0.1), groups.NumberOf(1e21), groups.NumberOf(10)),
		groups.ValueNumberRange(groups.NumberOf(199.99), groups.NumberOf(200.0000001)),
		groups.ValueDate(today),
		groups.ValueDate(groups.Date{Year: 2024, Month: 2, Day: 29}),
		groups.ValueDateRange(groups.Date{Year: 2024, Month: 2, Day: 28}, groups.Date{Year: 2024, Month: 3, Day: 1}),
		groups.ValueDateRange(groups.Date{Year: 1970, Month: 1, Day: 1}, today),
		groups.ValueDays(1),
		groups.ValueDays(30),
		groups.ValuePeriod(groups.Week),
		groups.ValuePeriod(groups.Month),
		groups.ValuePeriod(groups.Year),
	}
}

// rulePaths are attribute paths of every type the store translates.
var rulePaths = []string{
	"customer.profile.firstName", "customer.profile.email", "customer.profile.login", "customer.profile.customerNo",
	"customer.profile.companyName", "customer.profile.phoneMobile", "customer.profile.title",
	"customer.profile.birthday", "customer.profile.nextBirthday", "customer.profile.gender",
	"customer.profile.creationDate", "customer.profile.lastLoginTime", "customer.profile.lastVisitTime",
	"customer.addressBook.preferredAddress.city", "customer.addressBook.preferredAddress.postalCode",
	"customer.activeData.orders", "customer.activeData.visitsMonth", "customer.activeData.orderValueMonth",
	"customer.activeData.orderValue", "customer.activeData.giftUnits", "customer.activeData.returns",
	"customer.activeData.topCategoriesOrdered", "customer.activeData.productsOrdered", "customer.activeData.lastOrderDate",
	"customer.registered", "customer.customerGroups",
	"customer.profile.custom.loyalty", "customer.profile.custom.points", "customer.profile.custom.joined", "customer.profile.custom.vip",
	"customer.addressBook.preferredAddress.custom.points", "customer.addressBook.preferredAddress.custom.joined",
	"customer.activeData.custom.vip", "customer.activeData.custom.loyalty",
}

// customTypings declare the custom attributes each way: undeclared, and
// as each type that reads their texts differently.
var customTypings = []map[string]groups.AttrType{
	nil,
	{"customer.profile.custom.loyalty": groups.TypeString, "customer.profile.custom.points": groups.TypeNumber,
		"customer.profile.custom.joined": groups.TypeDateTime, "customer.profile.custom.vip": groups.TypeBool,
		"customer.addressBook.preferredAddress.custom.points": groups.TypeInt,
		"customer.addressBook.preferredAddress.custom.joined": groups.TypeDate,
		"customer.activeData.custom.vip":                      groups.TypeStringSet, "customer.activeData.custom.loyalty": groups.TypeStringSet},
	{"customer.profile.custom.loyalty": groups.TypeStringSet, "customer.profile.custom.points": groups.TypeInt,
		"customer.profile.custom.joined": groups.TypeDate, "customer.profile.custom.vip": groups.TypeString,
		"customer.addressBook.preferredAddress.custom.joined": groups.TypeDateTime,
		"customer.activeData.custom.vip":                      groups.TypeBool},
}

func oneCondition(path string, op groups.Operator, v groups.Value) *groups.Rule {
	return &groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{{Path: path, Operator: op, Value: v}}}}}
}

// TestRulesInTheDatabaseSelectWhatGoSelects is the differential test: every
// operator with every value kind it takes, on attributes of every type, at
// several moments and zones, must select in PostgreSQL exactly the
// customers the Go evaluator selects among the same stored customers.
func TestRulesInTheDatabaseSelectWhatGoSelects(t *testing.T) {
	s := newStore(t, pgstore.Options{})
	ctx := context.Background()
	// Every rule is checked against every customer: 500 hold each edge
	// value many times over, and keep the test under half a minute.
	n := 500
	if testing.Short() {
		n = 200
	}
	writeAll(t, s, rulePopulation(t, n))
	var stored []*customer.Customer
	for c, err := range s.List(ctx, customer.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, c)
	}
	covered := make(map[groups.Operator]map[groups.ValueKind]bool)
	rules := 0
	var pending []pendingRule
	for _, at := range ruleNows(t) {
		for ti, typing := range customTypings {
			for _, march1 := range []bool{false, true} {
				opts := groups.Options{Location: at.loc, CustomTypes: typing, LeapDayBirthdayOnMarch1: march1, WeekStartsSunday: march1}
				for _, path := range rulePaths {
					// The typings matter to custom attributes only, the
					// options to birthdays and the current week.
					if ti > 0 && !strings.Contains(path, ".custom.") {
						continue
					}
					for _, op := range groups.Operators() {
						if march1 && op != groups.IsInTheCurrent && path != "customer.profile.nextBirthday" {
							continue
						}
						for _, v := range sampleValues(at.at.In(at.loc)) {
							rule := oneCondition(path, op, v)
							compiled, err := groups.Compile(rule, opts)
							if err != nil {
								continue
							}
							if covered[op] == nil {
								covered[op] = make(map[groups.ValueKind]bool)
							}
							covered[op][v.Kind] = true
							rules++
							pending = append(pending, pendingRule{fmt.Sprintf("%v in %v, types %d, march1 %v: %s", at.at, at.loc, ti, march1, rule.Included[0].Conditions[0]),
								groups.RuleQuery{Rule: rule, Options: opts, At: at.at}, compiled})
							if len(pending) == 200 {
								compareRules(t, s, pending, stored)
								pending = pending[:0]
							}
						}
					}
				}
			}
		}
	}
	compareRules(t, s, pending, stored)
	for _, op := range groups.Operators() {
		if len(covered[op]) == 0 {
			t.Errorf("%v was not tested", op)
		}
	}
	t.Logf("%d rules over %d customers", rules, len(stored))
}

type pendingRule struct {
	name     string
	q        groups.RuleQuery
	compiled *groups.Compiled
}

// compareRules checks that PostgreSQL selects what Go selects for each
// rule.
func compareRules(t *testing.T, s *pgstore.Store, rules []pendingRule, stored []*customer.Customer) {
	t.Helper()
	qs := make([]groups.RuleQuery, len(rules))
	for i, r := range rules {
		qs[i] = r.q
	}
	got, err := s.RuleMatrix(context.Background(), qs)
	if err != nil {
		t.Fatalf("%s ...: %v", rules[0].name, err)
	}
	for i, r := range rules {
		var want []string
		for _, c := range stored {
			if r.compiled.MatchAt(&groups.Subject{Customer: c}, r.q.At) {
				want = append(want, c.ID)
			}
		}
		if diff := cmp.Diff(want, got[i], cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: the database selects other customers than Go (-Go +database):\n%s", r.name, diff)
		}
	}
}

// TestRuleCombinationsAndSetsInTheDatabase checks condition groups joined
// both ways, excluded groups, and a set whose dynamic groups build on each
// other and on static and system groups, through Set.Preview and
// Set.MembersOf, against memstore holding the same customers.
func TestRuleCombinationsAndSetsInTheDatabase(t *testing.T) {
	s := newStore(t, pgstore.Options{})
	ctx := context.Background()
	cs := rulePopulation(t, 600)
	writeAll(t, s, cs)
	// memstore numbers its own IDs: the customers are compared by number.
	mem := memstore.New(memstore.Options{})
	var ops []customer.Op
	for c, err := range s.List(ctx, customer.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		c.ID, c.Version = "", 0
		ops = append(ops, customer.Put(c))
	}
	if _, err := mem.Write(ctx, ops); err != nil {
		t.Fatal(err)
	}
	cond := func(path string, op groups.Operator, v groups.Value) groups.Condition {
		return groups.Condition{Path: path, Operator: op, Value: v}
	}
	set := []*groups.Group{
		{ID: "newsletter", Kind: groups.Static},
		{ID: "vip", Kind: groups.Static},
		{ID: "Big Spenders", Kind: groups.Dynamic, Rule: &groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{
			cond("customer.activeData.orderValueMonth", groups.IsGreaterThan, groups.ValueNumbers(groups.NumberOf(200)))}}}}},
		{ID: "loyal", Kind: groups.Dynamic, Rule: &groups.Rule{
			Included: []groups.ConditionGroup{
				{Mode: groups.MatchAny, Conditions: []groups.Condition{
					cond("customer.customerGroups", groups.IsEqual, groups.ValueStrings("Big Spenders", "vip")),
					cond("customer.profile.custom.loyalty", groups.IsEqual, groups.ValueStrings("enrolled"))}},
				{Mode: groups.MatchAll, Conditions: []groups.Condition{
					cond("customer.registered", groups.IsTrue, groups.Value{}),
					cond("customer.profile.nextBirthday", groups.IsInTheNextXDays, groups.ValueDays(7))}}},
			Excluded: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{
				cond("customer.customerGroups", groups.IsEqual, groups.ValueStrings("Unregistered")),
				cond("customer.activeData.lastOrderDate", groups.IsNotInTheLastXDays, groups.ValueDays(90))}}},
		}},
		{ID: "lapsed loyal", Kind: groups.Dynamic, Rule: &groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{
			cond("customer.customerGroups", groups.IsEqual, groups.ValueStrings("loyal")),
			cond("customer.customerGroups", groups.IsNotEqual, groups.ValueStrings("newsletter")),
			cond("customer.profile.lastVisitTime", groups.IsInTheLast, groups.ValuePeriod(groups.Month))}}}}},
	}
	for i, at := range ruleNows(t) {
		// Find the page of members by both ways PreviewRule knows.
		few, limit := 10_000, 1000
		if i%2 == 1 {
			few, limit = 0, 7
		}
		restore := pgstore.SetFewMembers(few)
		defer restore()
		sset, err := groups.NewSet(set, groups.Options{Location: at.loc, Now: func() time.Time { return at.at }})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"Big Spenders", "loyal", "lapsed loyal", "newsletter", groups.Registered, groups.Everyone} {
			want, err := sset.Preview(ctx, mem, id, groups.PreviewOptions{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			got, err := sset.Preview(ctx, s, id, groups.PreviewOptions{Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			if !got.InRepository || got.Fallback != "" {
				t.Errorf("%s at %v: preview in Go (%q), want in the database", id, at.at, got.Fallback)
			}
			page := want.Members[:min(limit, len(want.Members))]
			if got.Scanned != want.Scanned || got.Matched != want.Matched || !slices.Equal(ids(got.Members), ids(page)) {
				t.Errorf("%s at %v: database scanned %d matched %d, memstore scanned %d matched %d; members differ: %v",
					id, at.at, got.Scanned, got.Matched, want.Scanned, want.Matched, cmp.Diff(ids(page), ids(got.Members)))
			}
			var listed []string
			for c, err := range sset.MembersOf(ctx, s, id, groups.PreviewOptions{}) {
				if err != nil {
					t.Fatal(err)
				}
				listed = append(listed, c.Number)
			}
			if !slices.Equal(listed, ids(want.Members)) {
				t.Errorf("%s at %v: MembersOf differs from memstore's preview: %s", id, at.at, cmp.Diff(ids(want.Members), listed))
			}
		}
	}
}

func ids(cs []*customer.Customer) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Number
	}
	return out
}

// TestRulesTheDatabaseCannotDecideFallBackToGo checks that rules reading
// the session or the request, and values PostgreSQL cannot hold, are
// evaluated in Go, with the reason in the result, and select what Go
// selects; and that errors other than ErrNotEvaluable are not hidden.
func TestRulesTheDatabaseCannotDecideFallBackToGo(t *testing.T) {
	s := newStore(t, pgstore.Options{})
	ctx := context.Background()
	cs := rulePopulation(t, 200)
	writeAll(t, s, cs)
	now := time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC)
	session := groups.PreviewOptions{Limit: 500, Session: groups.Session{Currency: "EUR"},
		Request: groups.Request{Geolocation: &groups.Geolocation{CountryCode: "FI"}}}
	for name, tc := range map[string]struct {
		rule *groups.Rule
		opts groups.PreviewOptions
		why  string
		loc  *time.Location
	}{
		// At 00:01 on 7 November 2010 Goose Bay set its clocks back to 23:01
		// on the 6th: the 7th began twice.
		"a day the zone begins twice": {oneCondition("customer.profile.creationDate", groups.IsOn, groups.ValueDate(groups.Date{Year: 2010, Month: 11, Day: 7})),
			groups.PreviewOptions{Limit: 500}, "moves its clocks back across midnight", zone(t, "America/Goose_Bay")},
		"a session attribute": {oneCondition("session.currency", groups.IsEqual, groups.ValueStrings("eur")), session, "session.currency", nil},
		"a request geolocation": {&groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{
			{Path: "customer.registered", Operator: groups.IsTrue},
			{Path: "request.geolocation.countryCode", Operator: groups.IsEqual, Value: groups.ValueStrings("fi")}}}}}, session, "request.geolocation.countryCode", nil},
		"a value with invalid UTF-8": {oneCondition("customer.profile.firstName", groups.Contains, groups.ValueStrings("\xff")), groups.PreviewOptions{Limit: 500}, "cannot be held", nil},
		"a free-text filter with the separator": {oneCondition("customer.registered", groups.IsTrue, groups.Value{}),
			groups.PreviewOptions{Limit: 500, Filter: customer.Filter{Search: "a\x1fb"}}, "free-text", nil},
	} {
		t.Run(name, func(t *testing.T) {
			opts := groups.Options{Now: func() time.Time { return now }, Location: tc.loc}
			compiled, err := groups.Compile(tc.rule, opts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := compiled.Preview(ctx, s, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got.InRepository || !strings.Contains(got.Fallback, tc.why) {
				t.Fatalf("InRepository %v, Fallback %q; want a fallback naming %q", got.InRepository, got.Fallback, tc.why)
			}
			_, err = s.PreviewRule(ctx, groups.RuleQuery{Rule: tc.rule, Options: opts, At: now, Filter: tc.opts.Filter}, 1)
			if !errors.Is(err, groups.ErrNotEvaluable) {
				t.Fatalf("PreviewRule: %v, want ErrNotEvaluable", err)
			}
			want := 0
			for c, err := range s.List(ctx, tc.opts.Filter) {
				if err != nil {
					t.Fatal(err)
				}
				if compiled.MatchAt(&groups.Subject{Customer: c, Session: tc.opts.Session, Request: tc.opts.Request}, now) {
					want++
				}
			}
			if got.Matched != want {
				t.Fatalf("the fallback matched %d, Go matches %d", got.Matched, want)
			}
			n := 0
			for _, err := range compiled.Members(ctx, s, tc.opts) {
				if err != nil {
					t.Fatal(err)
				}
				n++
			}
			if n != want {
				t.Fatalf("Members in Go yielded %d, want %d", n, want)
			}
		})
	}
	t.Run("an invalid rule is an error, not a fallback", func(t *testing.T) {
		_, err := s.PreviewRule(ctx, groups.RuleQuery{Rule: oneCondition("customer.profile.nope", groups.Exists, groups.Value{}), At: now}, 1)
		if !errors.Is(err, groups.ErrUnknownPath) || errors.Is(err, groups.ErrNotEvaluable) {
			t.Fatalf("PreviewRule of an unknown path: %v, want ErrUnknownPath", err)
		}
		if _, err := s.RuleMembers(ctx, groups.RuleQuery{At: now}); !errors.Is(err, groups.ErrEmptyRule) {
			t.Fatalf("RuleMembers without a rule: %v, want ErrEmptyRule", err)
		}
	})
	t.Run("a cycle in the dependencies is an error", func(t *testing.T) {
		self := oneCondition("customer.customerGroups", groups.IsEqual, groups.ValueStrings("a"))
		_, err := s.PreviewRule(ctx, groups.RuleQuery{Rule: self, Dynamic: map[string]*groups.Rule{"a": self}, At: now}, 1)
		if !errors.Is(err, groups.ErrCycle) {
			t.Fatalf("PreviewRule of a rule depending on itself: %v, want ErrCycle", err)
		}
	})
}

// factRules are rules over the fields the writes of TestFactsFollowEveryWrite
// change.
func factRules(at time.Time) []pendingRule {
	var out []pendingRule
	for _, c := range []groups.Condition{
		{Path: "customer.activeData.orderValueMonth", Operator: groups.IsGreaterThan, Value: groups.ValueNumbers(groups.NumberOf(200))},
		{Path: "customer.activeData.orders", Operator: groups.Exists},
		{Path: "customer.profile.firstName", Operator: groups.Contains, Value: groups.ValueStrings("changed")},
		{Path: "customer.profile.nextBirthday", Operator: groups.IsInTheNextXDays, Value: groups.ValueDays(10)},
		{Path: "customer.profile.custom.loyalty", Operator: groups.IsEqual, Value: groups.ValueStrings("gold")},
		{Path: "customer.customerGroups", Operator: groups.IsEqual, Value: groups.ValueStrings("assigned")},
		{Path: "customer.customerGroups", Operator: groups.IsNotEqual, Value: groups.ValueStrings("newsletter")},
		{Path: "customer.registered", Operator: groups.IsFalse},
	} {
		r := oneCondition(c.Path, c.Operator, c.Value)
		compiled, err := groups.Compile(r, groups.Options{})
		if err != nil {
			panic(err)
		}
		out = append(out, pendingRule{c.String(), groups.RuleQuery{Rule: r, At: at}, compiled})
	}
	return out
}

func listAll(t *testing.T, s *pgstore.Store) []*customer.Customer {
	t.Helper()
	var cs []*customer.Customer
	for c, err := range s.List(context.Background(), customer.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	return cs
}

// TestFactsFollowEveryWrite changes customers every way the store writes
// them, a few updates at a time and many, deletes, static group
// assignments, and checks after each that rules decided in PostgreSQL
// still select what Go selects.
func TestFactsFollowEveryWrite(t *testing.T) {
	s := newStore(t, pgstore.Options{})
	ctx := context.Background()
	at := time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC)
	writeAll(t, s, rulePopulation(t, 300))
	check := func(step string) {
		t.Helper()
		stored := listAll(t, s)
		rules := factRules(at)
		for i := range rules {
			rules[i].name = step + ": " + rules[i].name
		}
		compareRules(t, s, rules, stored)
	}
	check("written")
	change := func(n int) {
		t.Helper()
		var ops []customer.Op
		for i, c := range listAll(t, s)[:n] {
			c.Profile.FirstName = fmt.Sprint("changed ", i)
			c.Profile.Birthday = date(1990, 3, 5)
			c.Attributes = []customer.Attribute{{ID: "loyalty", Values: []string{"GOLD"}}}
			if i%2 == 0 {
				c.ActiveData = nil
			} else {
				c.ActiveData = &customer.ActiveData{OrderValueMonth: 300}
			}
			ops = append(ops, customer.Put(c))
		}
		if _, err := s.Write(ctx, ops); err != nil {
			t.Fatal(err)
		}
	}
	change(10)
	check("a few updated")
	change(250)
	check("many updated")
	var ops []customer.Op
	for _, c := range listAll(t, s)[:40] {
		ops = append(ops, customer.Delete(c.ID, c.Version))
	}
	if _, err := s.Write(ctx, ops); err != nil {
		t.Fatal(err)
	}
	check("deleted")
	gops := []groups.Op{groups.Create(&groups.Group{ID: "assigned", Kind: groups.Static})}
	for _, c := range listAll(t, s)[:30] {
		gops = append(gops, groups.Assign("assigned", c.ID), groups.Unassign("newsletter", c.ID))
	}
	if err := s.WriteGroups(ctx, gops); err != nil {
		t.Fatal(err)
	}
	check("assigned")
}

// TestMigrationFourDerivesTheFactsOfStoredCustomers fills a version 2
// schema as version 2 did and migrates it: the facts of every customer are
// derived, and rules decided in PostgreSQL select what Go selects.
func TestMigrationFourDerivesTheFactsOfStoredCustomers(t *testing.T) {
	s := newStoreAt(t, 2)
	ctx := context.Background()
	for i, c := range rulePopulation(t, 120) {
		c.ID, c.Version = fmt.Sprintf("c%03d", i), 1
		insertAsVersion2(t, s, c, customer.Constraints{}.Keys(c))
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	stored := listAll(t, s)
	if len(stored) != 120 {
		t.Fatalf("%d customers after the migration, want 120", len(stored))
	}
	compareRules(t, s, factRules(time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC)), stored)
}
