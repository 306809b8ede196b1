package xmlio

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/groups"
)

// genGroups are the static groups generated customers belong to.
var genGroups = []string{"Gold", "Loyalty", "Newsletter", "VIP & Friends"}

// genCustomer returns the i-th generated customer. The same i always gives
// the same customer. With full set, every optional element the format
// carries is present; otherwise the customer looks like the SFRA demo
// customers (credentials, profile, one or two addresses).
func genCustomer(i int, full bool) *customer.Customer {
	r := rand.New(rand.NewPCG(uint64(i), 0x5eed))
	pick := func(s ...string) string { return s[r.IntN(len(s))] }
	ts := func() time.Time {
		return time.Date(2015+r.IntN(10), time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1000)*int(time.Millisecond), time.UTC)
	}
	hash := func() string {
		var salt [16]byte
		var key [32]byte
		for j := range key {
			salt[j%16], key[j] = byte(r.Uint32()), byte(r.Uint32())
		}
		return "$s0$e0801$" + base64.StdEncoding.EncodeToString(salt[:]) + "$" + base64.StdEncoding.EncodeToString(key[:])
	}
	first := pick("Anna", "Matti", "Östen", "Zoë", "Jean-Luc", "Ólafur", "Li")
	last := pick("Virtanen", "O'Brien", "Smith & Sons", "Müller", "<Lee>", "Nguyễn")
	c := &customer.Customer{
		Kind:   customer.KindPerson,
		Number: fmt.Sprintf("C%08d", i),
		Credentials: customer.Credentials{
			Login:    fmt.Sprintf("user%d@example.com", i),
			Password: customer.PasswordHash{Scheme: customer.SchemeScrypt, Hash: hash()},
		},
		Profile: customer.Profile{
			FirstName:       first,
			LastName:        last,
			Email:           fmt.Sprintf("user%d@example.com", i),
			Gender:          customer.Gender{Code: 1 + r.IntN(2), Valid: true},
			Birthday:        time.Date(1950+r.IntN(50), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC),
			Phones:          customer.Phones{Mobile: fmt.Sprintf("+358 40 %07d", i%10000000)},
			PreferredLocale: pick("en_US", "fi_FI", "en", ""),
			CreationDate:    ts(),
			LastLoginTime:   ts(),
			LastVisitTime:   ts(),
		},
	}
	c.Addresses = []customer.Address{{
		ID: "Home", Preferred: true, FirstName: first, LastName: last,
		Address1: fmt.Sprintf("%d Main Street", 1+r.IntN(200)), City: pick("Helsinki", "Woburn", "Malmö"),
		PostalCode: fmt.Sprintf("%05d", r.IntN(100000)), CountryCode: pick("FI", "US", "SE"), Phone: "781-555-1212",
	}}
	if r.IntN(2) == 0 {
		c.Addresses = append(c.Addresses, customer.Address{
			ID: "Work", FirstName: first, LastName: last, Address1: "91 Middlesex Tpke",
			City: "Burlington", PostalCode: "01803", StateCode: "MA", CountryCode: "US",
		})
	}
	if !full {
		return c
	}
	c.Credentials.Disabled = r.IntN(5) == 0
	c.Credentials.Question = "First pet's name?"
	c.Credentials.Answer = customer.PasswordHash{Scheme: customer.SchemeScrypt, Hash: hash()}
	c.Credentials.ExternalProfiles = []customer.ExternalProfile{
		{ProviderID: "Google", ExternalID: fmt.Sprintf("g-%d", i), Email: c.Profile.Email, LastLoginTime: ts()},
	}
	if r.IntN(2) == 0 {
		c.Credentials.ExternalProfiles = append(c.Credentials.ExternalProfiles, customer.ExternalProfile{ProviderID: "Facebook", ExternalID: fmt.Sprintf("f-%d", i)})
	}
	p := &c.Profile
	p.Salutation, p.Title, p.SecondName, p.Suffix = pick("Mr", "Ms", "Mx"), "Dr", "Q", "Jr."
	p.CompanyName, p.JobTitle = "Acme \"Widgets\" Oy", "Engineer"
	p.Phones = customer.Phones{Home: "+358 9 123", Business: "+358 9 456", Mobile: p.Phones.Mobile, Fax: "+358 9 789"}
	if r.IntN(4) == 0 {
		p.Gender = customer.Gender{Code: 7 + r.IntN(3), Valid: true} // a code beyond male and female is kept as is
	}
	p.PaymentProfiles = []customer.PaymentProfile{{AccountID: "acct_1", AccountType: pick("STRIPE_TEST", "STRIPE_LIVE", "ADYEN_TEST", "ADYEN_LIVE"), AccountCustomerID: fmt.Sprintf("cus_%d", i), CreationDate: ts()}}
	c.Attributes = []customer.Attribute{
		{ID: "loyaltyTier", Values: []string{pick("gold", "silver", "bronze")}},
		{ID: "interests", Values: []string{"ski & snow", "<tech>", "  padded  "}},
		{ID: "greeting", Lang: "fi", Values: []string{"Hyvää päivää"}},
		{ID: "greeting", Lang: "en-US", Values: []string{"Good day"}},
		{ID: "blanks", Values: []string{"", " "}},
	}
	c.Addresses[0].Salutation, c.Addresses[0].Title, c.Addresses[0].SecondName = "Mr", "Dr", "Q"
	c.Addresses[0].Suffix, c.Addresses[0].CompanyName, c.Addresses[0].JobTitle = "Jr.", "Acme", "CTO"
	c.Addresses[0].Address2, c.Addresses[0].Suite, c.Addresses[0].Postbox = "Floor 3", "Suite 5", "PO Box 12"
	c.Addresses[0].StateCode = "Uusimaa"
	c.Addresses[0].Attributes = []customer.Attribute{{ID: "doorCode", Values: []string{fmt.Sprint(1000 + r.IntN(9000))}}}
	if r.IntN(3) == 0 {
		c.Addresses[0].CountryCode = "x" // one-character codes are allowed, case kept
	}
	if r.IntN(4) == 0 {
		for j := range c.Addresses {
			c.Addresses[j].Preferred = false // a customer may have no default address
		}
	}
	n := r.IntN(len(genGroups) + 1)
	for _, g := range genGroups[:n] {
		c.SetGroup(g, true)
	}
	c.Note = fmt.Sprintf("Line one of %d's note: <b>bold</b> & \"quoted\"\nline two\ttabbed 🙂", i)
	c.GlobalPartyID = fmt.Sprintf("gp-%d", i)
	return c
}

// newGenStore returns a memstore holding the static groups generated
// customers use.
func newGenStore(tb testing.TB) *memstore.Store {
	tb.Helper()
	st := memstore.New(memstore.Options{Now: func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC) }})
	var ops []groups.Op
	for _, g := range genGroups {
		ops = append(ops, groups.Create(&groups.Group{ID: g, Kind: groups.Static, Name: g}))
	}
	if err := st.WriteGroups(context.Background(), ops); err != nil {
		tb.Fatal(err)
	}
	return st
}

// fillStore writes n generated customers into st.
func fillStore(tb testing.TB, st *memstore.Store, n int, full bool) {
	tb.Helper()
	for lo := 0; lo < n; lo += 1000 {
		var ops []customer.Op
		for i := lo; i < min(lo+1000, n); i++ {
			ops = append(ops, customer.Put(genCustomer(i, full)))
		}
		if _, err := st.Write(context.Background(), ops); err != nil {
			tb.Fatal(err)
		}
	}
}

// genDocument returns a document of n generated customers.
func genDocument(tb testing.TB, doc DocumentKind, n int, full bool) []byte {
	tb.Helper()
	var buf bytes.Buffer
	writeDocument(tb, &buf, doc, n, full)
	return buf.Bytes()
}

// writeDocument writes genDocument's document to w.
func writeDocument(tb testing.TB, w io.Writer, doc DocumentKind, n int, full bool) {
	tb.Helper()
	enc, err := NewEncoder(w, doc, EncodeOptions{List: customer.ListSettings{ID: "Generated"}})
	if err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		if err := enc.WriteCustomer(genCustomer(i, full)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		tb.Fatal(err)
	}
}

// cheapHasher hashes plain passwords quickly, for tests.
var cheapHasher = customer.PasswordHasher{LogN: 4, R: 1, P: 1}

var _ = strings.TrimSpace
