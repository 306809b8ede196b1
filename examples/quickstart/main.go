// Command quickstart walks through impex: it fills an in-memory store with a
// few dozen customers and groups, shows lookups, filtered listings,
// optimistic concurrency and atomic batches, then exports the back office's
// Excel ZIP, edits the person workbook, imports it and writes the
// rejected-rows workbook.
//
//	go run ./examples/quickstart
package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/validate"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// clock is a settable clock so the walk-through's times are reproducible.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func run(ctx context.Context, out io.Writer) error {
	p := func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }

	// The SSN key comes from the application; impex has no default key. A
	// real program loads it from its secret store. Here we make one up.
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	ssn, err := customer.NewSSNHasher(customer.SSNKey{ID: "demo", Secret: secret})
	if err != nil {
		return err
	}

	clk := &clock{now: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	store := memstore.New(memstore.Options{
		Constraints:  customer.Constraints{UniqueEmail: true},
		Now:          clk.Now,
		BuyerNumbers: []string{"20001"},
	})

	p("== 1. Groups")
	err = store.WriteGroups(ctx, []groups.Op{
		groups.Create(&groups.Group{ID: "newsletter", Kind: groups.Static, Name: "Newsletter", Description: "Customers who asked for the newsletter."}),
		groups.Create(&groups.Group{ID: "vip", Kind: groups.Static, Name: "VIP customers", Description: "Hand-picked by the sales team."}),
		groups.Create(&groups.Group{ID: "Big Spenders", Kind: groups.Dynamic, Name: "Big Spenders", Description: "Spent over 200 this month.",
			Rule: &groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{{
				Path: "customer.activeData.orderValueMonth", Operator: groups.IsGreaterThan,
				Value: groups.ValueNumbers(groups.Number{Value: 200, Text: "200.0"})}}}}}}),
	})
	if err != nil {
		return err
	}
	for g, err := range store.Groups(ctx) {
		if err != nil {
			return err
		}
		p("  %-13s %-8s %s", g.ID, g.Kind, g.Description)
	}

	p("")
	p("== 2. Customers: 36 people and companies, written in batches of 12")
	seeded, err := seed(ctx, store, clk, ssn)
	if err != nil {
		return err
	}
	p("  stored %d customers; the store assigns IDs, versions and timestamps", store.Len())
	first := seeded[0]
	p("  first: ID %s, number %s, version %d, created %s", first.ID, first.Number, first.Version, first.CreatedAt.Format(time.RFC3339))

	p("")
	p("== 3. Lookups")
	c, err := store.ByNumber(ctx, "", "10007")
	show(p, "by number 10007", c, err)
	c, err = store.ByLogin(ctx, "", "eino.virtanen1@example.fi")
	show(p, "by login", c, err)
	c, err = store.ByEmail(ctx, "", "EINO.VIRTANEN1@EXAMPLE.FI")
	show(p, "by e-mail, any case", c, err)
	c, err = store.ByIdentifier(ctx, customer.Identifier{Type: customer.IdentCard, Value: "6000000101"})
	show(p, "by card 6000000101", c, err)
	c, err = store.ByIdentifier(ctx, customer.Identifier{Type: customer.IdentSSNHash, Value: ssn.Hash("010190-123M")})
	show(p, "by the hash of an SSN", c, err)
	_, err = store.ByNumber(ctx, "", "99999")
	p("  %-28s -> %v (errors.Is ErrNotFound: %v)", "by unknown number 99999", err, errors.Is(err, customer.ErrNotFound))
	buyer, _ := store.IsBuyerNumber(ctx, "20001")
	p("  %-28s -> %v", "is 20001 a buyer number?", buyer)

	p("")
	p("== 4. Filtered listings (the filters of the back office's customer view)")
	yes := true
	for _, f := range []struct {
		name string
		f    customer.Filter
	}{
		{"companies", customer.Filter{Kind: customer.KindCompany}},
		{"credit allowed", customer.Filter{CreditAllowed: &yes}},
		{"group vip", customer.Filter{Group: "vip"}},
		{"search \"virtanen\"", customer.Filter{Search: "virtanen"}},
		{"updated on 1 Nov after 12:00", customer.Filter{UpdatedFrom: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC),
			UpdatedTo: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)}},
		{"persons, credit, newsletter", customer.Filter{Kind: customer.KindPerson, CreditAllowed: &yes, Group: "newsletter"}},
	} {
		var names []string
		for c, err := range store.List(ctx, f.f) {
			if err != nil {
				return err
			}
			names = append(names, c.DisplayName())
		}
		p("  %-30s %2d: %s", f.name, len(names), abbreviate(names, 4))
	}

	p("")
	p("== 5. Optimistic concurrency")
	a, _ := store.ByNumber(ctx, "", "10001")
	b := a.Clone()
	a.Note = "called on Monday"
	if _, err := store.Write(ctx, []customer.Op{customer.Put(a)}); err != nil {
		return err
	}
	b.Note = "written from a stale copy"
	_, err = store.Write(ctx, []customer.Op{customer.Put(b)})
	p("  a second writer holding version %d is refused: %v", b.Version, err)
	p("  errors.Is(err, customer.ErrConflict) = %v", errors.Is(err, customer.ErrConflict))

	p("")
	p("== 6. Atomic batches and uniqueness")
	dup := &customer.Customer{Kind: customer.KindPerson, Number: "30001",
		Profile: customer.Profile{FirstName: "Copy", LastName: "Cat", Email: "eino.virtanen1@example.fi"}}
	_, err = store.Write(ctx, []customer.Op{
		customer.Put(&customer.Customer{Kind: customer.KindPerson, Number: "30000", Profile: customer.Profile{FirstName: "New"}}),
		customer.Put(dup),
	})
	var de *customer.DuplicateError
	if errors.As(err, &de) {
		p("  refused: %v", err)
		p("  the duplicate key is %s, held by %s", de.Key, de.Holder)
	}
	_, err = store.ByNumber(ctx, "", "30000")
	p("  the batch's first customer was not stored either: %v", errors.Is(err, customer.ErrNotFound))

	p("")
	p("== 7. Static memberships")
	vip, _ := store.ByNumber(ctx, "", "10002")
	if err := store.WriteGroups(ctx, []groups.Op{groups.Assign("vip", vip.ID)}); err != nil {
		return err
	}
	err = store.WriteGroups(ctx, []groups.Op{groups.Assign("Big Spenders", vip.ID)})
	p("  assigning to a dynamic group: %v", err)
	n := 0
	for _, err := range store.List(ctx, customer.Filter{Group: "vip"}) {
		if err != nil {
			return err
		}
		n++
	}
	p("  vip now has %d explicit members", n)

	p("")
	return excelStory(ctx, p, store, ssn)
}

// excelStory exports the store to the back office's two-workbook ZIP, edits
// the person workbook as a user would, imports it and writes the
// rejected-rows workbook next to the export.
func excelStory(ctx context.Context, p func(string, ...any), store *memstore.Store, ssn *customer.SSNHasher) error {
	p("== 8. Excel export")
	dir, err := os.MkdirTemp("", "impex-quickstart-")
	if err != nil {
		return err
	}
	exportPath := filepath.Join(dir, "customers.zip")
	f, err := os.OpenFile(exportPath, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600) // personal data
	if err != nil {
		return err
	}
	counts, err := excelio.Export(ctx, f, store, customer.Filter{}, excelio.ExportOptions{})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	p("  wrote %s: %d persons, %d companies", exportPath, counts.Persons, counts.Companies)

	person, err := unzipEntry(exportPath, "Person Customers.xlsx")
	if err != nil {
		return err
	}
	edited, err := editWorkbook(person)
	if err != nil {
		return err
	}
	p("  edited the person workbook: a new customer with generate(), a NEWGROUP column, one bad e-mail")

	p("")
	p("== 9. Excel import")
	res, err := excelio.Import(ctx, store, bytes.NewReader(edited), int64(len(edited)), excelio.ImportOptions{SSN: ssn})
	if err != nil {
		return err
	}
	p("  read %d rows: %d created, %d updated, %d unchanged, %d rejected", res.Read, res.Created, res.Updated, res.Unchanged, res.Rejected)
	for is := range res.Report.All() {
		p("  %s", is.Error())
	}
	created, err := store.ByEmail(ctx, "", "new.customer@example.fi")
	if err != nil {
		return err
	}
	p("  the new customer got number %s and generated card %v", created.Number, created.Identifiers.Cards)
	g, err := store.Group(ctx, "NEWGROUP")
	if err != nil {
		return err
	}
	members := 0
	for _, err := range store.List(ctx, customer.Filter{Group: g.ID}) {
		if err != nil {
			return err
		}
		members++
	}
	p("  group %s was created as %s with %d members", g.ID, g.Kind, members)

	rejectedPath := filepath.Join(dir, "Person Customers - rejected.xlsx")
	rf, err := os.OpenFile(rejectedPath, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	err = res.WriteRejected(rf, excelio.RejectedOptions{Language: validate.English})
	if cerr := rf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	p("  wrote the rejected rows to %s", rejectedPath)
	return nil
}

// unzipEntry returns one file of a ZIP archive.
func unzipEntry(path, name string) ([]byte, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	rc, err := zr.Open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// editWorkbook makes the changes a back-office user would: a new row asking
// for a generated card, a new group column, and a typo in one e-mail.
func editWorkbook(b []byte) ([]byte, error) {
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer x.Close()
	sheet := x.GetSheetList()[0]
	rows, err := x.GetRows(sheet)
	if err != nil {
		return nil, err
	}
	header := rows[0]
	col := func(name string) int {
		for i, h := range header {
			if h == name {
				return i + 1
			}
		}
		return -1
	}
	// A new group column: the first three customers join NEWGROUP.
	groupCol := len(header) + 1
	cell, _ := excelize.CoordinatesToCellName(groupCol, 1)
	if err := x.SetCellStr(sheet, cell, "group:NEWGROUP"); err != nil {
		return nil, err
	}
	for r := 2; r <= 4; r++ {
		cell, _ := excelize.CoordinatesToCellName(groupCol, r)
		if err := x.SetCellBool(sheet, cell, true); err != nil {
			return nil, err
		}
	}
	// A typo in the fifth customer's e-mail.
	cell, _ = excelize.CoordinatesToCellName(col("email"), 6)
	if err := x.SetCellStr(sheet, cell, "broken.address@"); err != nil {
		return nil, err
	}
	// A new customer: no id, a generated card.
	newRow := len(rows) + 1
	for name, v := range map[string]string{"email": "new.customer@example.fi", "firstName": "Uusi",
		"lastName": "Asiakas", "customerCard:1": "generate()"} {
		cell, _ := excelize.CoordinatesToCellName(col(name), newRow)
		if err := x.SetCellStr(sheet, cell, v); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// seed writes 36 varied customers in three batches, advancing the clock
// between batches, and returns them as stored.
func seed(ctx context.Context, store *memstore.Store, clk *clock, ssn *customer.SSNHasher) ([]*customer.Customer, error) {
	firsts := []string{"Aino", "Eino", "Helmi", "Väinö", "Sofia", "Oskar"}
	lasts := []string{"Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Lindqvist", "Berg"}
	companies := []string{"Oy Pohjola Ab", "Kahvila Aalto", "Nordic Tools AB", "Saaristo Oy"}
	var stored []*customer.Customer
	for batch := range 3 {
		var ops []customer.Op
		for j := range 12 {
			i := batch*12 + j
			c := &customer.Customer{
				Kind:   customer.KindPerson,
				Number: fmt.Sprint(10000 + i),
				Flags:  customer.Flags{CreditAllowed: i%3 == 0, MarketingEmail: i%2 == 0},
				Identifiers: customer.Identifiers{
					Cards: []string{fmt.Sprintf("60000%03d01", i)},
				},
			}
			if i%4 == 3 {
				c.Kind = customer.KindCompany
				c.Profile.CompanyName = companies[(i/4)%len(companies)]
				c.Profile.TaxCode = "FI2345678" + fmt.Sprint(i%10)
				c.Profile.Email = fmt.Sprintf("info%d@company.example", i)
			} else {
				first, last := firsts[i%len(firsts)], lasts[(i/2)%len(lasts)]
				c.Profile.FirstName, c.Profile.LastName = first, last
				c.Profile.Email = fmt.Sprintf("%s.%s%d@example.fi", strings.ToLower(first), strings.ToLower(last), i)
				c.Credentials.Login = c.Profile.Email
				c.Profile.Phones.Mobile = fmt.Sprintf("+35840%07d", 1000+i)
			}
			if i == 5 {
				c.Identifiers.SSNHash = ssn.Hash("010190-123M")
			}
			if i%2 == 0 {
				c.Groups = append(c.Groups, "newsletter")
			}
			if i%5 == 0 {
				c.Groups = append(c.Groups, "vip")
			}
			ops = append(ops, customer.Put(c))
		}
		w, err := store.Write(ctx, ops)
		if err != nil {
			return nil, err
		}
		for _, r := range w {
			c, err := store.Get(ctx, r.ID)
			if err != nil {
				return nil, err
			}
			stored = append(stored, c)
		}
		clk.now = clk.now.Add(2 * time.Hour)
	}
	return stored, nil
}

func show(p func(string, ...any), what string, c *customer.Customer, err error) {
	if err != nil {
		p("  %-28s -> error: %v", what, err)
		return
	}
	p("  %-28s -> %s (%s %s, %s)", what, c.DisplayName(), c.Kind, c.Number, c.ID)
}

func abbreviate(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + fmt.Sprintf(", … (+%d)", len(names)-n)
}
