package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

func init() {
	register(&command{
		name:    "seed",
		summary: "Add generated demo customers and groups to the store.",
		details: `
Adds people and companies with cards, addresses, flags, active data and group
memberships, the static groups vip and newsletter, and the dynamic group "Big
Spenders" (customer.activeData.orderValueMonth is greater than 200), so the
other commands have something to work on.`,
		examples: []string{"impex seed --customers 40"},
		flags: func(fs *flag.FlagSet, g *globalFlags) func(context.Context, []string, *env) error {
			n := fs.Int("customers", 40, "how many customers to add")
			return func(ctx context.Context, args []string, e *env) error {
				if len(args) > 0 {
					return usagef("unexpected arguments %q", args)
				}
				if *n < 0 || *n > 1000000 {
					return usagef("--customers %d: want 0 to 1,000,000", *n)
				}
				store, closeStore, err := g.openStore(e, writesStore)
				if err != nil {
					return err
				}
				defer closeStore()
				if err := seed(ctx, store, *n); err != nil {
					return err
				}
				total := store.Len()
				g.reply(e, map[string]any{"added": *n, "store": g.store, "customers": total}, func(w io.Writer) {
					fmt.Fprintf(w, "added %d customers; the store %s now holds %d\n", *n, g.store, total)
				})
				return nil
			}
		},
	})
	register(&command{
		name:     "groups list",
		summary:  "List the customer groups with their kind and rule.",
		examples: []string{"impex groups list"},
		flags: func(fs *flag.FlagSet, g *globalFlags) func(context.Context, []string, *env) error {
			return func(ctx context.Context, args []string, e *env) error {
				store, closeStore, err := g.openStore(e, readsStore)
				if err != nil {
					return err
				}
				defer closeStore()
				out := []map[string]any{}
				var text strings.Builder
				tw := tabwriter.NewWriter(&text, 0, 0, 2, ' ', 0)
				for grp, err := range store.Groups(ctx) {
					if err != nil {
						return err
					}
					members := 0
					for _, err := range store.List(ctx, customer.Filter{Group: grp.ID}) {
						if err != nil {
							return err
						}
						members++
					}
					rule := grp.Rule.String()
					out = append(out, map[string]any{"id": grp.ID, "kind": grp.Kind.String(), "explicitMembers": members, "rule": rule})
					fmt.Fprintf(tw, "%s\t%s\t%d explicit members\t%s\n", grp.ID, grp.Kind, members, rule)
				}
				tw.Flush()
				g.reply(e, map[string]any{"groups": out}, func(w io.Writer) { io.WriteString(w, text.String()) })
				return nil
			}
		},
	})
	register(&command{
		name:    "groups eval",
		summary: "Show which groups a customer belongs to, static, system and dynamic.",
		usage:   "NUMBER",
		details: `
Evaluates every group's rule for the customer with the given customer number,
in a session you describe with the --session-* flags.`,
		examples: []string{"impex groups eval 10003", "impex groups eval --session-currency EUR --json 10004"},
		flags: func(fs *flag.FlagSet, g *globalFlags) func(context.Context, []string, *env) error {
			sess := sessionFlags(fs)
			return func(ctx context.Context, args []string, e *env) error {
				store, closeStore, err := g.openStore(e, readsStore)
				if err != nil {
					return err
				}
				defer closeStore()
				set, sub, err := subjectFor(ctx, store, e, args, sess)
				if err != nil {
					return err
				}
				members := set.Members(sub, nil)
				slices.Sort(members)
				g.reply(e, map[string]any{"customer": sub.Customer.Number, "groups": members}, func(w io.Writer) {
					fmt.Fprintf(w, "%s (%s) belongs to: %s\n", sub.Customer.DisplayName(), sub.Customer.Number, strings.Join(members, ", "))
				})
				return nil
			}
		},
	})
	register(&command{
		name:     "groups explain",
		summary:  "Explain why a customer is or is not in a dynamic group.",
		usage:    "GROUP NUMBER",
		examples: []string{"impex groups explain \"Big Spenders\" 10003"},
		flags: func(fs *flag.FlagSet, g *globalFlags) func(context.Context, []string, *env) error {
			sess := sessionFlags(fs)
			return func(ctx context.Context, args []string, e *env) error {
				if len(args) != 2 {
					return usagef("want a group ID and a customer number")
				}
				store, closeStore, err := g.openStore(e, readsStore)
				if err != nil {
					return err
				}
				defer closeStore()
				set, sub, err := subjectFor(ctx, store, e, args[1:], sess)
				if err != nil {
					return err
				}
				x, err := set.Explain(sub, args[0])
				if err != nil {
					return err
				}
				g.reply(e, map[string]any{"group": args[0], "customer": sub.Customer.Number, "explanation": x.String()}, func(w io.Writer) {
					fmt.Fprintln(w, x.String())
				})
				return nil
			}
		},
	})
	register(&command{
		name:     "groups preview",
		summary:  "Count, and list the first, members of a group among the stored customers.",
		usage:    "GROUP",
		examples: []string{"impex groups preview --limit 5 \"Big Spenders\""},
		flags: func(fs *flag.FlagSet, g *globalFlags) func(context.Context, []string, *env) error {
			limit := fs.Int("limit", 10, "list at most `n` members")
			return func(ctx context.Context, args []string, e *env) error {
				if len(args) != 1 {
					return usagef("want one group ID")
				}
				store, closeStore, err := g.openStore(e, readsStore)
				if err != nil {
					return err
				}
				defer closeStore()
				set, err := groupSet(ctx, store, e)
				if err != nil {
					return err
				}
				res, err := set.Preview(ctx, store, args[0], groups.PreviewOptions{Limit: *limit})
				if err != nil {
					return err
				}
				numbers := []string{}
				for _, c := range res.Members {
					numbers = append(numbers, c.Number)
				}
				g.reply(e, map[string]any{"group": args[0], "scanned": res.Scanned, "matched": res.Matched, "members": numbers}, func(w io.Writer) {
					fmt.Fprintf(w, "%s: %d of %d customers are members\n", args[0], res.Matched, res.Scanned)
					for _, c := range res.Members {
						fmt.Fprintf(w, "  %s  %s\n", c.Number, c.DisplayName())
					}
				})
				return nil
			}
		},
	})
}

// sessionSet holds the session flags of rule evaluation.
type sessionSet struct {
	authenticated bool
	currency      string
	custom        string
}

func sessionFlags(fs *flag.FlagSet) *sessionSet {
	s := &sessionSet{}
	fs.BoolVar(&s.authenticated, "session-authenticated", false, "the session is logged in")
	fs.StringVar(&s.currency, "session-currency", "", "the session's `currency` code")
	fs.StringVar(&s.custom, "session-custom", "", "session custom attributes as `key=value,key=value`")
	return s
}

// groupSet compiles every group of the store.
func groupSet(ctx context.Context, store cliStore, e *env) (*groups.Set, error) {
	var all []*groups.Group
	for g, err := range store.Groups(ctx) {
		if err != nil {
			return nil, err
		}
		all = append(all, g)
	}
	return groups.NewSet(all, groups.Options{Location: time.Local, Now: e.now})
}

// subjectFor loads the store, compiles its groups and finds the customer
// numbered args[0].
func subjectFor(ctx context.Context, store cliStore, e *env, args []string, s *sessionSet) (*groups.Set, *groups.Subject, error) {
	if len(args) != 1 {
		return nil, nil, usagef("want one customer number")
	}
	set, err := groupSet(ctx, store, e)
	if err != nil {
		return nil, nil, err
	}
	c, err := store.ByNumber(ctx, "", args[0])
	if errors.Is(err, customer.ErrNotFound) {
		return nil, nil, &codedError{codeNotFound, fmt.Errorf("no customer has number %q", args[0])}
	}
	if err != nil {
		return nil, nil, err
	}
	sub := &groups.Subject{Customer: c, Session: groups.Session{Authenticated: s.authenticated, Currency: s.currency}}
	if s.custom != "" {
		for _, kv := range strings.Split(s.custom, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return nil, nil, usagef("--session-custom %q: want key=value pairs", s.custom)
			}
			sub.Session.Custom = customer.SetAttribute(sub.Session.Custom, strings.TrimSpace(k), "", strings.TrimSpace(v))
		}
	}
	return set, sub, nil
}

// seed adds n generated customers and the demo groups.
func seed(ctx context.Context, store cliStore, n int) error {
	existing := map[string]bool{}
	for g, err := range store.Groups(ctx) {
		if err != nil {
			return err
		}
		existing[g.ID] = true
	}
	var ops []groups.Op
	for _, g := range []*groups.Group{
		{ID: "vip", Kind: groups.Static, Name: "VIP customers"},
		{ID: "newsletter", Kind: groups.Static, Name: "Newsletter"},
		{ID: "Big Spenders", Kind: groups.Dynamic, Name: "Big Spenders", Description: "Spent over 200 this month.",
			Rule: &groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{{
				Path: "customer.activeData.orderValueMonth", Operator: groups.IsGreaterThan,
				Value: groups.ValueNumbers(groups.NumberOf(200)),
			}}}}}},
	} {
		if !existing[g.ID] {
			ops = append(ops, groups.Create(g))
		}
	}
	if err := store.WriteGroups(ctx, ops); err != nil {
		return err
	}
	firsts := []string{"Aino", "Eino", "Helmi", "Väinö", "Sofia", "Oskar", "Åsa", "Lars"}
	lasts := []string{"Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Lindqvist", "Berg", "Hansen"}
	companies := []string{"Oy Pohjola Ab", "Kahvila Aalto", "Nordic Tools AB", "Saaristo Oy", "Fjord AS"}
	base := store.Len()
	var batch []customer.Op
	for i := range n {
		k := base + i
		c := &customer.Customer{Kind: customer.KindPerson, Number: fmt.Sprint(10000 + k),
			Flags:       customer.Flags{CreditAllowed: k%3 == 0, MarketingEmail: k%2 == 0, MarketingSMS: k%5 == 0},
			Identifiers: customer.Identifiers{Cards: []string{fmt.Sprintf("6001%08d", k)}},
			ActiveData:  &customer.ActiveData{Orders: k % 9, OrderValueMonth: float64((k * 37) % 400)},
		}
		if k%4 == 3 {
			c.Kind = customer.KindCompany
			c.Profile.CompanyName = fmt.Sprintf("%s %d", companies[k%len(companies)], k)
			c.Profile.TaxCode = "FI01120389"
			c.Profile.Email = fmt.Sprintf("info%d@company.example", k)
		} else {
			first, last := firsts[k%len(firsts)], lasts[(k/2)%len(lasts)]
			c.Profile.FirstName, c.Profile.LastName = first, last
			c.Profile.Email = fmt.Sprintf("%s.%s.%d@example.fi", asciiFold(first), asciiFold(last), k)
			c.Credentials.Login = c.Profile.Email
			c.Profile.Phones.Mobile = fmt.Sprintf("+35840%07d", k)
			c.Addresses = []customer.Address{{ID: "home", Preferred: true, FirstName: first, LastName: last,
				Address1: fmt.Sprintf("Mannerheimintie %d", 1+k%90), PostalCode: "00100", City: "Helsinki", CountryCode: "FI"}}
		}
		if k%2 == 0 {
			c.Groups = append(c.Groups, "newsletter")
		}
		if k%7 == 0 {
			c.Groups = append(c.Groups, "vip")
		}
		batch = append(batch, customer.Put(c))
		if len(batch) == 1000 {
			if _, err := store.Write(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		if _, err := store.Write(ctx, batch); err != nil {
			return err
		}
	}
	return nil
}

// asciiFold lower-cases a name and replaces the Nordic letters, so that it
// makes a valid SFCC login (A-Z, a-z, 0-9 and . @ _ -).
func asciiFold(s string) string {
	return strings.NewReplacer("å", "a", "ä", "a", "ö", "o", "ø", "o", "æ", "ae").Replace(strings.ToLower(s))
}
