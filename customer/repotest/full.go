package repotest

import (
	"fmt"
	"time"

	"github.com/impexkit/impex/customer"
)

// FullCustomer returns a customer with every field of the model set, its
// keys derived from n so that customers of different n share no unique key
// (under the suite's constraints, loyaltyId is unique). A store's own tests
// use it to prove that nothing is dropped on the way to storage and back:
// a snapshot, a record format, a migration. The package's tests fail when a
// field is added to the model and not set here.
func FullCustomer(n int) *customer.Customer {
	yes := true
	at := time.Date(2025, 6, 1, 12, 30, 15, 125, time.UTC).Add(time.Duration(n) * time.Hour)
	return &customer.Customer{
		Kind: customer.KindCompany, List: "nordic", Number: fmt.Sprintf("N%d", n),
		Credentials: customer.Credentials{
			Login:    fmt.Sprintf("login%d", n),
			Password: customer.PasswordHash{Scheme: customer.SchemeScrypt, Hash: "$s0$e0801$c2FsdA==$a2V5"},
			Disabled: true, Question: "first pet",
			Answer: customer.PasswordHash{Scheme: customer.SchemeScrypt, Hash: "$s0$e0801$c2FsdA==$YW5z"},
			ExternalProfiles: []customer.ExternalProfile{{ProviderID: "Google", ExternalID: fmt.Sprintf("g%d", n),
				Email: "g@example.com", LastLoginTime: at}},
		},
		Profile: customer.Profile{
			Salutation: "Ms", Title: "Dr", FirstName: "Aino", SecondName: "Maria", LastName: "Järvinen",
			Suffix: "Jr", CompanyName: "Oy Ab", TaxCode: "FI12345671", JobTitle: "Buyer",
			Email: fmt.Sprintf("Aino%d@Example.com", n), EmailVerified: &yes,
			Phones:   customer.Phones{Home: "+358 9 1", Business: "+358 9 2", Mobile: "+358 40 3", Fax: "+358 9 4"},
			Birthday: time.Date(1980, 2, 29, 0, 0, 0, 0, time.UTC), Gender: customer.Gender{Code: 7, Valid: true},
			CreationDate: at, LastLoginTime: at, LastVisitTime: at, PreferredLocale: "fi_FI",
			PaymentProfiles: []customer.PaymentProfile{{AccountID: "a", AccountType: "STRIPE", AccountCustomerID: "cus", CreationDate: at}},
		},
		Flags: customer.Flags{GDPRRestricted: true, CreditAllowed: true, MarketingEmail: true, MarketingSMS: true},
		Note:  "rivi yksi\nrivi kaksi", GlobalPartyID: fmt.Sprintf("gp%d", n),
		Addresses: []customer.Address{
			{ID: " home ", Preferred: true, Salutation: "Ms", Title: "Dr", FirstName: "Aino", SecondName: "M",
				LastName: "Järvinen", Suffix: "Jr", CompanyName: "Oy", JobTitle: "Buyer", Address1: "Katu 1",
				Address2: "B 2", Suite: "3", Postbox: "4", City: "Helsinki", PostalCode: "00100", StateCode: "U",
				CountryCode: "FI", Phone: "+358 9 5", Attributes: []customer.Attribute{{ID: "door", Lang: "fi", Values: []string{"A"}}}},
			{ID: "work", Address1: "Box 12", City: "Stockholm", CountryCode: "se"},
		},
		Identifiers: customer.Identifiers{
			Cards: []string{fmt.Sprintf("C%d-1", n), "", fmt.Sprintf("C%d-3", n)}, SSNHash: fmt.Sprintf("$ssn1$k1$h%d", n),
			ExternalID: fmt.Sprintf("ext%d", n), Custom: map[string]string{"loyaltyId": fmt.Sprintf("L%d", n)},
		},
		Groups:     []string{"vip"},
		Attributes: []customer.Attribute{{ID: "bio", Lang: "fi", Values: []string{"Hei"}}, {ID: "shoeSize", Values: []string{"38", "39"}}},
		ActiveData: &customer.ActiveData{VisitsWeek: 1, VisitsMonth: 2, VisitsYear: 3, Orders: 4, Returns: 5,
			ReturnValue: 6.5, OrderValue: 7.5, OrderValueMonth: 8.5, AvgOrderValue: 9.5, DiscountValueWithoutCoupon: 10.5,
			DiscountValueWithCoupon: 11.5, SourceCodeOrders: 12, GiftUnits: 13.5, GiftOrders: 14,
			TopCategoriesOrdered: []string{"shoes"}, ProductsOrdered: []string{"p1"}, ProductMastersOrdered: []string{"m1"},
			ProductsViewedMonth: []string{"p2"}, ProductsAbandonedMonth: []string{"p3"}, LastOrderDate: at,
			Custom: []customer.Attribute{{ID: "tier", Lang: "en", Values: []string{"gold"}}}},
	}
}

// BenchCustomer returns a realistic person with two cards and an address,
// its keys derived from i: what the stores' benchmarks write, so that
// their figures compare.
func BenchCustomer(i int) *customer.Customer {
	return &customer.Customer{
		Kind:   customer.KindPerson,
		Number: fmt.Sprint(100000 + i),
		Profile: customer.Profile{FirstName: "Aino", LastName: fmt.Sprintf("Virtanen%d", i),
			Email: fmt.Sprintf("aino.virtanen%d@example.com", i), Phones: customer.Phones{Mobile: fmt.Sprintf("+35840%07d", i)}},
		Flags:       customer.Flags{MarketingEmail: i%2 == 0},
		Addresses:   []customer.Address{{ID: "home", Preferred: true, Address1: "Katu 1", City: "Helsinki", PostalCode: "00100", CountryCode: "FI"}},
		Identifiers: customer.Identifiers{Cards: []string{fmt.Sprintf("6001%08d", i), fmt.Sprintf("6002%08d", i)}},
	}
}

// SpenderCustomer returns the customer of the group previews' benchmarks
// and tests: i spends i%500 this month, has i%7 orders and is registered
// (a login) when i is even, so that "Big Spenders"-style rules over order
// values, order counts and registration select a known share.
func SpenderCustomer(i int) *customer.Customer {
	c := &customer.Customer{Kind: customer.KindPerson, Number: fmt.Sprint(100000 + i),
		Profile:    customer.Profile{FirstName: "Aino", LastName: fmt.Sprint("Virtanen", i), Email: fmt.Sprintf("aino%d@example.com", i)},
		ActiveData: &customer.ActiveData{Orders: i % 7, OrderValueMonth: float64(i % 500)}}
	if i%2 == 0 {
		c.Credentials.Login = c.Profile.Email
	}
	return c
}
