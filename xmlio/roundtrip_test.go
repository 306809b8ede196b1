package xmlio

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/validate"
)

// sameData compares customers by content: IDs, versions and the store's
// timestamps are the store's own business.
var sameData = cmp.Options{
	cmpopts.IgnoreFields(customer.Customer{}, "ID", "Version", "CreatedAt", "UpdatedAt"),
	cmpopts.EquateEmpty(),
}

// contents lists a store's customers ordered by list and number.
func contents(tb testing.TB, st customer.Repository) []*customer.Customer {
	tb.Helper()
	var out []*customer.Customer
	for c, err := range st.List(context.Background(), customer.Filter{}) {
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *customer.Customer) int {
		return strings.Compare(a.List+"\x00"+a.Number, b.List+"\x00"+b.Number)
	})
	return out
}

// mustImport imports doc into st and fails on any error issue.
func mustImport(tb testing.TB, st customer.Repository, doc []byte, opts ImportOptions) *Result {
	tb.Helper()
	if opts.Hasher == (customer.PasswordHasher{}) {
		opts.Hasher = cheapHasher
	}
	res, err := Import(context.Background(), st, bytes.NewReader(doc), opts)
	if err != nil {
		tb.Fatalf("import: %v", err)
	}
	if res.Report.HasErrors() {
		tb.Fatalf("import reported errors:\n%s", res.Report.Text(validate.English))
	}
	return res
}

func exportCustomers(tb testing.TB, st customer.Repository) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if _, err := ExportCustomers(context.Background(), &buf, st, ExportOptions{}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestGeneratedCustomersSurviveExportAndImport(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 500
	}
	orig := newGenStore(t)
	fillStore(t, orig, n, true)
	first := exportCustomers(t, orig)
	xmllint(t, "customer.xsd", first)

	copied := newGenStore(t)
	res := mustImport(t, copied, first, ImportOptions{Document: "generated.xml", Options: impex.Options{OnRow: func(impex.RowOutcome) {}}})
	if res.Created != n {
		t.Fatalf("created %d customers, want %d", res.Created, n)
	}
	if diff := cmp.Diff(contents(t, orig), contents(t, copied), sameData); diff != "" {
		t.Fatalf("imported store differs from the original (-want +got):\n%s", diff)
	}
	second := exportCustomers(t, copied)
	if !bytes.Equal(first, second) {
		t.Fatalf("the second export differs from the first (%d vs %d bytes)", len(first), len(second))
	}

	// Importing the unchanged export again changes nothing.
	again := mustImport(t, copied, second, ImportOptions{Options: impex.Options{OnRow: func(impex.RowOutcome) {}}})
	if again.Unchanged != n || again.Updated != 0 || again.Created != 0 {
		t.Fatalf("re-import: %+v, want %d unchanged", again.Counts, n)
	}
}

func TestGeneratedCustomerListSurvivesExportAndImport(t *testing.T) {
	orig := newGenStore(t)
	fillStore(t, orig, 300, true)
	yes, days := true, int64(30)
	settings := customer.ListSettings{ID: "Generated", Description: "List <one> & more", DataRetentionDays: &days, CustomerLockoutEnabled: &yes}
	var buf bytes.Buffer
	if _, err := ExportCustomerList(context.Background(), &buf, orig, settings, ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("customer-groups")) {
		t.Fatal("a customer-list export carries customer-groups")
	}
	xmllint(t, "customerlist2.xsd", buf.Bytes())
	copied := newGenStore(t)
	res := mustImport(t, copied, buf.Bytes(), ImportOptions{List: ""})
	if diff := cmp.Diff(&settings, res.List); diff != "" {
		t.Errorf("header settings (-want +got):\n%s", diff)
	}
	want := contents(t, orig)
	for _, c := range want {
		c.List, c.Groups = "Generated", nil // the list-id names the list; memberships are not in a list
	}
	if diff := cmp.Diff(want, contents(t, copied), sameData); diff != "" {
		t.Fatalf("imported store differs (-want +got):\n%s", diff)
	}
}

func TestRealFilesImportAndReexport(t *testing.T) {
	for _, tc := range []struct {
		file, xsd string
		doc       DocumentKind
		customers int
	}{
		{"sfra-demo_RefArch_customers.xml", "customer.xsd", DocCustomers, 13},
		{"academy_customer-lists_Training.xml", "customerlist2.xsd", DocCustomerList, 0},
	} {
		t.Run(tc.file, func(t *testing.T) {
			doc, err := os.ReadFile(fixture(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			st := memstore.New(memstore.Options{})
			res := mustImport(t, st, doc, ImportOptions{Document: tc.file})
			if res.Document != tc.doc || res.Created != tc.customers {
				t.Fatalf("document %v with %d created, want %v with %d", res.Document, res.Created, tc.doc, tc.customers)
			}
			var out bytes.Buffer
			if tc.doc == DocCustomerList {
				_, err = ExportCustomerList(context.Background(), &out, st, *res.List, ExportOptions{})
			} else {
				_, err = ExportCustomers(context.Background(), &out, st, ExportOptions{})
			}
			if err != nil {
				t.Fatal(err)
			}
			xmllint(t, tc.xsd, out.Bytes())
			again := memstore.New(memstore.Options{})
			res2 := mustImport(t, again, out.Bytes(), ImportOptions{})
			if diff := cmp.Diff(contents(t, st), contents(t, again), sameData); diff != "" {
				t.Fatalf("re-export imports differently (-first +second):\n%s", diff)
			}
			if diff := cmp.Diff(res.List, res2.List); diff != "" {
				t.Fatalf("list settings differ (-first +second):\n%s", diff)
			}
		})
	}
}

func TestRealCustomerListsDocumentRoundTrips(t *testing.T) {
	doc, err := os.ReadFile(fixture(t, "sfra-demo_customer-lists.xml"))
	if err != nil {
		t.Fatal(err)
	}
	lists := decodeLists(t, doc)
	no, ten, thirty := false, int64(10), int64(30)
	want := []ListRecord{{Settings: customer.ListSettings{ID: "RefArch", CustomerNoSequenceEnabled: &no, CustomerLockoutEnabled: &no,
		MaxFailedLogins: &ten, LockoutEffectivePeriod: &thirty, CustomerLoginAttemptReset: &thirty}}}
	if diff := cmp.Diff(want, lists, cmpopts.IgnoreFields(ListRecord{}, "Where")); diff != "" {
		t.Fatalf("lists (-want +got):\n%s", diff)
	}
	var buf bytes.Buffer
	enc, _ := NewEncoder(&buf, DocCustomerLists, EncodeOptions{})
	for _, l := range lists {
		if err := enc.WriteList(l); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	xmllint(t, "customerlist.xsd", buf.Bytes())
	if diff := cmp.Diff(lists, decodeLists(t, buf.Bytes()), cmpopts.IgnoreFields(ListRecord{}, "Where")); diff != "" {
		t.Fatalf("re-read lists (-first +second):\n%s", diff)
	}
}

func decodeLists(tb testing.TB, doc []byte) []ListRecord {
	tb.Helper()
	d := NewDecoder(bytes.NewReader(doc), DecodeOptions{})
	var out []ListRecord
	for rec, err := range d.All() {
		if err != nil {
			tb.Fatal(err)
		}
		l := rec.(*ListRecord)
		if len(l.Issues) > 0 {
			tb.Fatalf("issues: %v", l.Issues)
		}
		out = append(out, *l)
	}
	return out
}

func TestPaymentInstrumentsRoundTrip(t *testing.T) {
	one, m, y, ek := 1, 12, 2030, -1
	want := []*PaymentCustomer{
		{Number: "C1", InstrumentsGiven: true, Instruments: []PaymentInstrument{
			{CreditCard: &CreditCard{CardType: "VISA", CardNumber: "************1111", CardToken: "tok_1", CardHolder: "Anna <A> Virtanen",
				FromMonth: &one, ExpirationMonth: &m, ExpirationYear: &y, IssueNumber: "1",
				Attributes: []customer.Attribute{{ID: "nick", Values: []string{"work card"}}}}, EKID: &ek},
			{BankTransfer: &BankTransfer{AccountNumber: "FI21 1234 5600 0007 85", AccountHolder: "Anna", RoutingNumber: "NDEAFIHH", DriversLicense: "X1", DriversLicenseStateCode: "MA"}},
			{BillMeLater: &BillMeLater{Attributes: []customer.Attribute{{ID: "a", Lang: "fi", Values: []string{"1", "2"}}}}},
			{GiftCertificate: &GiftCertificate{ID: "GC-1"}},
			{CustomMethod: &CustomMethod{MethodName: "Invoice & pay"}},
			{},
		}},
		{Number: "C2"},
	}
	var buf bytes.Buffer
	enc, _ := NewEncoder(&buf, DocPaymentInstruments, EncodeOptions{})
	for _, p := range want {
		if err := enc.WritePaymentCustomer(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	xmllint(t, "customerpaymentinstrument.xsd", buf.Bytes())
	kind, _, err := Sniff(bytes.NewReader(buf.Bytes()))
	if err != nil || kind != DocPaymentInstruments {
		t.Fatalf("Sniff: %v, %v", kind, err)
	}
	var got []*PaymentCustomer
	for rec, err := range NewDecoder(bytes.NewReader(buf.Bytes()), DecodeOptions{}).All() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, rec.(*PaymentCustomer))
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(PaymentCustomer{}, "Where"), cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

// A customer-list document names its list in the result whether or not it
// has a header, so that an application can export the list again.
func TestCustomerListWithoutHeaderNamesItsList(t *testing.T) {
	doc := []byte(`<customer-list xmlns="` + NSCustomer + `" list-id="Shop"><customer customer-no="1"/></customer-list>`)
	st := newGenStore(t)
	res := mustImport(t, st, doc, ImportOptions{})
	if diff := cmp.Diff(&customer.ListSettings{ID: "Shop"}, res.List); diff != "" {
		t.Fatalf("Result.List (-want +got):\n%s", diff)
	}
	var buf bytes.Buffer
	if _, err := ExportCustomerList(context.Background(), &buf, st, *res.List, ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte(`list-id="Shop"`)) {
		t.Fatalf("the export does not name the list:\n%s", buf.Bytes())
	}
}
