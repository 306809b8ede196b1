package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
)

// demoUser is the user `go run .` signs in with.
const demoUser = "demo@example.com"

// seedDemo gives the demo user a new random password, which it returns,
// and fills an empty store with demo customers and groups.
func seedDemo(ctx context.Context, a *app) (string, error) {
	password := strings.ToLower(rand.Text()[:12])
	if err := a.users.set(demoUser, "Demo", password); err != nil {
		return "", err
	}
	for _, err := range a.store.List(ctx, customer.Filter{}) {
		if err != nil {
			return "", err
		}
		return password, nil // the store has customers: leave them
	}
	return password, seedCustomers(ctx, a.store, 120)
}

// seedCustomers writes n made-up customers, a quarter of them companies,
// and three groups: two static ones they are members of and a dynamic one
// over their monthly order value.
func seedCustomers(ctx context.Context, store Store, n int) error {
	var gops []groups.Op
	for _, g := range []*groups.Group{
		{ID: "vip", Kind: groups.Static, Name: "VIP"},
		{ID: "newsletter", Kind: groups.Static, Name: "Newsletter"},
		{ID: "big-spenders", Kind: groups.Dynamic, Name: "Big spenders", Description: "Ordered for over 250 this month.",
			Rule: &groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{{
				Path: "customer.activeData.orderValueMonth", Operator: groups.IsGreaterThan,
				Value: groups.ValueNumbers(groups.NumberOf(250)),
			}}}}}},
	} {
		if _, err := store.Group(ctx, g.ID); err == nil {
			continue
		}
		gops = append(gops, groups.Create(g))
	}
	if err := store.WriteGroups(ctx, gops); err != nil {
		return err
	}
	given := []string{"Aino", "Eero", "Kaisa", "Mikko", "Saara", "Juha", "Ingrid", "Nils"}
	family := []string{"Laine", "Heikkinen", "Koskinen", "Järvinen", "Lehtonen", "Sundström", "Ek"}
	firms := []string{"Oy Kide Ab", "Puutarha Lumo", "Bergström AB", "Satama Oy", "Nord Fisk AS"}
	ops := make([]customer.Op, 0, n)
	for i := range n {
		c := &customer.Customer{Kind: customer.KindPerson, Number: fmt.Sprint(20001 + i),
			Flags:      customer.Flags{CreditAllowed: i%3 == 1, MarketingEmail: i%2 == 0},
			ActiveData: &customer.ActiveData{Orders: i % 7, OrderValueMonth: float64((i * 53) % 500)}}
		if i%4 == 2 {
			c.Kind = customer.KindCompany
			c.Profile.CompanyName = fmt.Sprintf("%s %d", firms[i%len(firms)], i)
			c.Profile.TaxCode = "FI01120389"
			c.Profile.Email = fmt.Sprintf("office%d@firm.example", i)
		} else {
			c.Profile.FirstName, c.Profile.LastName = given[i%len(given)], family[(i/3)%len(family)]
			c.Profile.Email = fmt.Sprintf("customer%d@example.fi", i)
			c.Credentials.Login = c.Profile.Email
			c.Profile.Phones.Mobile = fmt.Sprintf("+35850%07d", i)
		}
		if i%2 == 0 {
			c.Groups = append(c.Groups, "newsletter")
		}
		if i%9 == 0 {
			c.Groups = append(c.Groups, "vip")
		}
		ops = append(ops, customer.Put(c))
	}
	_, err := store.Write(ctx, ops)
	return err
}
