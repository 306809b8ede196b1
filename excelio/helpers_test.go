package excelio_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/xuri/excelize/v2"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/internal/benchdata"
)

var testNow = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

func testHasher(t testing.TB) *customer.SSNHasher {
	t.Helper()
	h, err := customer.NewSSNHasher(customer.SSNKey{ID: "t1", Secret: bytes.Repeat([]byte{42}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func newStore() *memstore.Store {
	return memstore.New(memstore.Options{Now: func() time.Time { return testNow }})
}

// fiSSN returns a valid Finnish identity number for a birth date and an
// individual number.
func fiSSN(d time.Time, individual int) string { return benchdata.FinnishSSN(d, individual) }

// generate fills store with n varied customers from a fixed seed: both
// kinds, up to three cards, groups, SSN hashes, up to two addresses, notes
// with line breaks and non-ASCII text, custom identifiers.
func generate(t testing.TB, store *memstore.Store, n int, hasher *customer.SSNHasher) {
	t.Helper()
	ctx := context.Background()
	for _, g := range []string{"vip", "newsletter", "Kesä 2026"} {
		if err := store.WriteGroups(ctx, []groups.Op{groups.Create(&groups.Group{ID: g, Kind: groups.Static, Name: g})}); err != nil {
			t.Fatal(err)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	firsts := []string{"Aino", "Eino", "Väinö", "Åsa", "Zoë", "Matti"}
	lasts := []string{"Virtanen", "Mäkinen", "Öberg", "Nieminen", "O'Brien"}
	var ops []customer.Op
	flush := func() {
		if _, err := store.Write(ctx, ops); err != nil {
			t.Fatal(err)
		}
		ops = ops[:0]
	}
	for i := range n {
		c := &customer.Customer{Kind: customer.KindPerson, Number: fmt.Sprintf("%07d", 1000+i)}
		if i%4 == 3 {
			c.Kind = customer.KindCompany
			c.Profile.CompanyName = fmt.Sprintf("Yritys %d Oy", i)
			c.Profile.TaxCode = "FI12345671"
		} else {
			c.Profile.FirstName = firsts[r.IntN(len(firsts))]
			c.Profile.LastName = lasts[r.IntN(len(lasts))]
			if i%3 == 0 {
				// Unique per i: a birth day per 800 customers.
				born := time.Date(1930, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/800*7)
				c.Identifiers.SSNHash = hasher.Hash(fiSSN(born, 2+i%800))
			}
		}
		if i%5 != 0 {
			c.Profile.Email = fmt.Sprintf("user%d@example.fi", i)
		}
		c.Profile.Phones.Mobile = fmt.Sprintf("+35840%07d", i)
		c.Profile.PreferredLocale = []string{"fi_FI", "sv_FI", "en", ""}[i%4]
		c.Flags = customer.Flags{GDPRRestricted: i%7 == 0, CreditAllowed: i%2 == 0, MarketingEmail: i%3 == 0, MarketingSMS: i%5 == 0}
		switch i % 3 {
		case 1:
			c.Note = "Soita ensin.\nAvoinna ma–pe — kiitos!"
		case 2:
			c.Note = "line\r\nbreak"
		}
		for k := range i % 4 {
			c.Identifiers.Cards = append(c.Identifiers.Cards, fmt.Sprintf("0600%06d%d", i, k))
		}
		if i%6 == 0 {
			c.Identifiers.ExternalID = fmt.Sprintf("ext-%d", i)
			c.Identifiers.Custom = map[string]string{"loyalty": fmt.Sprintf("L%05d", i)}
		}
		for k := range i % 3 {
			c.Addresses = append(c.Addresses, customer.Address{ID: []string{"home", " work "}[k], Preferred: k == 0,
				FirstName: c.Profile.FirstName, Address1: fmt.Sprintf("Katu %d", i), PostalCode: "00100", City: "Helsinki",
				CountryCode: "FI", Phone: "0401234567"})
		}
		if i%2 == 0 {
			c.Groups = append(c.Groups, "newsletter")
		}
		if i%9 == 0 {
			c.Groups = append(c.Groups, "vip", "Kesä 2026")
		}
		ops = append(ops, customer.Put(c))
		if len(ops) == 1000 {
			flush()
		}
	}
	if len(ops) > 0 {
		flush()
	}
}

// export runs Export and returns the two workbooks by file name.
func export(t testing.TB, store customer.Repository, f customer.Filter) map[string][]byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := excelio.Export(context.Background(), &buf, store, f, excelio.ExportOptions{Now: func() time.Time { return testNow }}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

// importBytes imports a workbook held in memory.
func importBytes(t testing.TB, store customer.Repository, b []byte, opts excelio.ImportOptions) (*excelio.Result, error) {
	t.Helper()
	if opts.SSN == nil {
		opts.SSN = testHasher(t)
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return testNow }
	}
	return excelio.Import(context.Background(), store, bytes.NewReader(b), int64(len(b)), opts)
}

// snapshot lists every customer of a store.
func snapshot(t testing.TB, store customer.Repository) []*customer.Customer {
	t.Helper()
	var out []*customer.Customer
	for c, err := range store.List(context.Background(), customer.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

var storeOpts = cmp.Options{cmpopts.EquateEmpty()}

// workbook builds an xlsx in memory from a header and rows of cell values
// (strings, bools, numbers, nil for empty).
func workbook(t testing.TB, sheet string, header []string, rows ...[]any) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	all := append([][]any{toAny(header)}, rows...)
	for i, r := range all {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// readSheet returns a workbook's first sheet as text rows.
func readSheet(t testing.TB, b []byte) [][]string {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(x.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func issueCodes(res *excelio.Result) []string {
	var out []string
	for _, is := range res.Report.Issues() {
		out = append(out, fmt.Sprintf("%d%s:%s", is.Row, is.Column, is.Code))
	}
	return out
}

// testRule is a membership rule for dynamic groups in tests.
func testRule() *groups.Rule {
	return &groups.Rule{Included: []groups.ConditionGroup{{Mode: groups.MatchAll, Conditions: []groups.Condition{
		{Path: "customer.registered", Operator: groups.IsTrue}}}}}
}
