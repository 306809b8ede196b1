package xmlio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/validate"
)

// activeDataGen returns n customers, most with active data, deterministic.
func activeDataGen(n int) []*customer.Customer {
	r := rand.New(rand.NewPCG(20, 18))
	words := []string{"shoes", "a&b", "<tag>", `"quoted"`, "ä€", "line\nbreak", " padded "}
	list := func() []string {
		var out []string
		for range r.IntN(4) {
			out = append(out, words[r.IntN(len(words))])
		}
		return out
	}
	var out []*customer.Customer
	for i := 1; i <= n; i++ {
		c := &customer.Customer{Kind: customer.KindPerson, Number: fmt.Sprintf("C%05d", i)}
		if i%5 != 0 {
			a := &customer.ActiveData{
				VisitsWeek: r.IntN(10), VisitsMonth: r.IntN(40), VisitsYear: r.IntN(400), Orders: r.IntN(50),
				Returns: r.IntN(5), ReturnValue: float64(r.IntN(10000)) / 100, OrderValue: r.Float64() * 1e4,
				OrderValueMonth: float64(r.IntN(50000)) / 100, AvgOrderValue: r.NormFloat64() * 1e-9,
				DiscountValueWithoutCoupon: -r.Float64(), DiscountValueWithCoupon: r.Float64() * 1e22,
				SourceCodeOrders: -r.IntN(3), GiftUnits: 1.5, GiftOrders: r.IntN(2),
				TopCategoriesOrdered: list(), ProductsOrdered: list(), ProductMastersOrdered: list(),
				ProductsViewedMonth: list(), ProductsAbandonedMonth: list(),
			}
			if r.IntN(3) > 0 {
				a.LastOrderDate = time.Date(2020+r.IntN(5), time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1e9), time.UTC)
			}
			if i%3 == 0 {
				a.Custom = []customer.Attribute{{ID: "tier", Values: []string{"gold"}}}
			}
			c.ActiveData = a
		}
		out = append(out, c)
	}
	return out
}

func activeDataStore(t testing.TB, cs []*customer.Customer, withData bool) *memstore.Store {
	t.Helper()
	s := memstore.New(memstore.Options{})
	var ops []customer.Op
	for _, c := range cs {
		c = c.Clone()
		if !withData {
			c.ActiveData = nil
		}
		ops = append(ops, customer.Put(c))
	}
	if _, err := s.Write(context.Background(), ops); err != nil {
		t.Fatal(err)
	}
	return s
}

// The export validates against customeractivedata.xsd, and importing it
// gives back the system active data exactly; imported again over the
// original it changes nothing.
func TestActiveDataExportImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	cs := activeDataGen(500)
	src := activeDataStore(t, cs, true)
	var buf bytes.Buffer
	n, err := ExportActiveData(ctx, &buf, src, ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 400 {
		t.Errorf("exported %d records, want 400", n)
	}
	xmllint(t, "customeractivedata.xsd", buf.Bytes())

	var again bytes.Buffer
	if _, err := ExportActiveData(ctx, &again, src, ExportOptions{}); err != nil || !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Errorf("two exports of one store differ (err %v)", err)
	}

	dst := activeDataStore(t, cs, false)
	res, err := ImportActiveData(ctx, dst, bytes.NewReader(buf.Bytes()), ActiveDataImportOptions{Document: "active.xml"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Report.Len() != 0 || res.Updated != n {
		t.Fatalf("import: %+v %v", res.Counts, res.Report.Issues())
	}
	for _, c := range cs {
		got, err := dst.ByNumber(ctx, "", c.Number)
		if err != nil {
			t.Fatal(err)
		}
		var want *customer.ActiveData
		if c.ActiveData != nil {
			w := *c.ActiveData
			w.Custom = nil // the schema carries system data only
			want = &w
		}
		if diff := cmp.Diff(want, got.ActiveData, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("customer %s (-exported +imported):\n%s", c.Number, diff)
		}
	}

	res, err = ImportActiveData(ctx, src, bytes.NewReader(buf.Bytes()), ActiveDataImportOptions{})
	if err != nil || res.Unchanged != n || res.Updated != 0 {
		t.Errorf("re-import over the original: %v %+v", err, res.Counts)
	}
	// The merchant-defined values survive an import of system data.
	c, _ := src.ByNumber(ctx, "", "C00003")
	if diff := cmp.Diff([]customer.Attribute{{ID: "tier", Values: []string{"gold"}}}, c.ActiveData.Custom); diff != "" {
		t.Error(diff)
	}
}

func TestActiveDataEncoderRefusesWhatTheSchemaCannotCarry(t *testing.T) {
	for name, tc := range map[string]struct {
		no string
		a  customer.ActiveData
	}{
		"an empty number":         {"", customer.ActiveData{}},
		"a number with a space":   {" 1", customer.ActiveData{}},
		"an int beyond xsd:int":   {"1", customer.ActiveData{Orders: 1 << 40}},
		"a date beyond year 9999": {"1", customer.ActiveData{LastOrderDate: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			enc := NewActiveDataEncoder(&buf)
			if err := enc.WriteActiveData(tc.no, &tc.a); !errors.Is(err, ErrActiveDataValue) {
				t.Errorf("WriteActiveData error = %v", err)
			}
		})
	}
}

const activeDataRecordXML = `<customer-active-data customer-no="%s">
<visits-week>%s</visits-week><visits-month>2</visits-month><visits-year>3</visits-year>
<orders>1</orders><returns>0</returns><return-value>0</return-value><order-value>1</order-value>
<order-value-month>%s</order-value-month><avg-order-value>1</avg-order-value>
<discount-value-without-coupon>0</discount-value-without-coupon><discount-value-with-coupon>0</discount-value-with-coupon>
<source-code-orders>0</source-code-orders><gift-units>0</gift-units><gift-orders>0</gift-orders>
<top-categories-ordered><category>c</category></top-categories-ordered><products-ordered/><product-masters-ordered/><products-viewed-month/>%s
</customer-active-data>`

func activeDataDoc(records ...string) string {
	return `<?xml version="1.0"?><customer-active-data-list xmlns="` + NSActiveData + `">` + strings.Join(records, "\n") + `</customer-active-data-list>`
}

func TestImportActiveDataRecordIssues(t *testing.T) {
	abandoned := "<products-abandoned-month/>"
	tests := []struct {
		name string
		rec  string
		want []validate.Code
	}{
		{"a valid record", fmt.Sprintf(activeDataRecordXML, "1", "1", "2.5", abandoned), nil},
		{"an unknown customer", fmt.Sprintf(activeDataRecordXML, "99", "1", "2.5", abandoned), []validate.Code{validate.CodeUnknownCustomer}},
		{"a missing element", fmt.Sprintf(activeDataRecordXML, "1", "1", "2.5", ""), []validate.Code{validate.CodeXMLMissing}},
		{"an int beyond xsd:int", fmt.Sprintf(activeDataRecordXML, "1", "3000000000", "2.5", abandoned), []validate.Code{validate.CodeInvalidNumber}},
		{"a bad double", fmt.Sprintf(activeDataRecordXML, "1", "1", "0x10", abandoned), []validate.Code{validate.CodeInvalidValue}},
		{"an unknown element", fmt.Sprintf(activeDataRecordXML, "1", "1", "2.5", abandoned+"<extra/>"), []validate.Code{validate.CodeXMLUnknownElement}},
		{"a number with a space", fmt.Sprintf(activeDataRecordXML, "1 ", "1", "2.5", abandoned), []validate.Code{validate.CodeWhitespace}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			store := activeDataStore(t, []*customer.Customer{{Kind: customer.KindPerson, Number: "1"}}, false)
			res, err := ImportActiveData(context.Background(), store, strings.NewReader(activeDataDoc(tc.rec)), ActiveDataImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var got []validate.Code
			for _, is := range res.Report.Issues() {
				if is.Code != validate.CodeNoValidRows {
					got = append(got, is.Code)
					if is.Record != 1 || is.Path == "" {
						t.Errorf("issue not located: %+v", is)
					}
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("issues (-want +got):\n%s", diff)
			}
		})
	}
	store := activeDataStore(t, []*customer.Customer{{Kind: customer.KindPerson, Number: "1"}}, false)
	rec := fmt.Sprintf(activeDataRecordXML, "1", "1", "2.5", abandoned)
	res, err := ImportActiveData(context.Background(), store, strings.NewReader(activeDataDoc(rec, rec)), ActiveDataImportOptions{})
	if err != nil || res.Rejected != 1 || res.Updated != 1 {
		t.Errorf("a customer twice: %v %+v", err, res.Counts)
	}
}

func TestImportActiveDataDocumentErrors(t *testing.T) {
	store := activeDataStore(t, nil, false)
	for name, tc := range map[string]struct {
		doc  string
		want error
	}{
		"another document":      {`<customers xmlns="` + NSCustomer + `"/>`, validate.CodeXMLRoot},
		"a foreign namespace":   {`<customer-active-data-list xmlns="urn:x"/>`, validate.CodeXMLRoot},
		"an entity declaration": {`<!DOCTYPE x [<!ENTITY a "b">]><customer-active-data-list/>`, validate.CodeXMLEntity},
		"broken XML":            {`<customer-active-data-list><customer-active-data>`, impex.ErrDamaged},
		"no root":               {``, validate.CodeXMLNoRoot},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ImportActiveData(context.Background(), store, strings.NewReader(tc.doc), ActiveDataImportOptions{})
			var de *impex.FileError
			if !errors.Is(err, tc.want) || !errors.As(err, &de) {
				t.Errorf("error = %v, want a *impex.FileError wrapping %v", err, tc.want)
			}
		})
	}
	if _, err := ImportActiveData(context.Background(), store, strings.NewReader(activeDataDoc()), ActiveDataImportOptions{Options: impex.Options{Mode: impex.ModeDelete}}); !errors.Is(err, impex.ErrMode) {
		t.Errorf("delete mode: %v", err)
	}
}

func FuzzActiveDataXML(f *testing.F) {
	f.Add(activeDataDoc(fmt.Sprintf(activeDataRecordXML, "1", "1", "2.5", "<products-abandoned-month/>")))
	f.Add(activeDataDoc(fmt.Sprintf(activeDataRecordXML, "1", "x", "INF", "<last-order-date>2024-01-01T00:00:00Z</last-order-date>")))
	f.Add(`<customer-active-data-list><customer-active-data/><x/>text</customer-active-data-list>`)
	f.Fuzz(activeDataFuzz)
}

// activeDataFuzz decodes doc, which must never panic nor fail with
// anything but a *impex.FileError, then writes the records without issues
// and checks they read back the same.
func activeDataFuzz(t *testing.T, doc string) {
	{
		d := NewActiveDataDecoder(strings.NewReader(doc), DecodeOptions{Limits: Limits{MaxTokenSize: 1 << 16}})
		var recs []*ActiveDataRecord
		for {
			rec, err := d.Next()
			if err != nil {
				if err != io.EOF {
					var de *impex.FileError
					if !errors.As(err, &de) {
						t.Fatalf("Next: an error that is no *impex.FileError: %v", err)
					}
				}
				break
			}
			recs = append(recs, rec)
		}
		// Records without issues encode to a document that decodes to them.
		var buf bytes.Buffer
		enc := NewActiveDataEncoder(&buf)
		var ok []*ActiveDataRecord
		for _, rec := range recs {
			if len(rec.Issues) > 0 {
				continue
			}
			if err := enc.WriteActiveData(rec.CustomerNo, &rec.Data); err != nil {
				continue
			}
			ok = append(ok, rec)
		}
		if err := enc.Close(); err != nil {
			t.Fatal(err)
		}
		d = NewActiveDataDecoder(bytes.NewReader(buf.Bytes()), DecodeOptions{})
		for i := 0; ; i++ {
			rec, err := d.Next()
			if err == io.EOF {
				if i != len(ok) {
					t.Fatalf("re-read %d records, wrote %d", i, len(ok))
				}
				break
			}
			if err != nil {
				t.Fatalf("re-reading our own output: %v\n%s", err, buf.Bytes())
			}
			if len(rec.Issues) > 0 {
				t.Fatalf("our own output has issues: %v\n%s", rec.Issues, buf.Bytes())
			}
			if diff := cmp.Diff(ok[i].Data, rec.Data, cmpopts.EquateEmpty(), cmpopts.EquateNaNs()); diff != "" {
				t.Fatalf("record %d (-written +read):\n%s", i, diff)
			}
		}
	}
}

// TestActiveDataReaderFailsLikeTheCustomersReader pins that active data
// is read by the package's one document reader: every structural fault of
// a document, wrapped in either root, stops both readers with the same
// issue at the same line, and a prefixed root is refused by both.
func TestActiveDataReaderFailsLikeTheCustomersReader(t *testing.T) {
	faults := map[string]struct{ open, body, close string }{
		"a prefixed root":         {`<p:%s xmlns:p="%s">`, ``, `</p:%s>`},
		"text before the root":    {"hello\n<%s xmlns=\"%s\">", ``, `</%s>`},
		"a second root":           {`<%s xmlns="%s">`, ``, `</%s><again/>`},
		"text after the root":     {`<%s xmlns="%s">`, ``, `</%s>trailing`},
		"a truncated document":    {`<%s xmlns="%s">`, "\n<x>", ``},
		"an entity":               {`<!DOCTYPE r [<!ENTITY e "x">]><%s xmlns="%s">`, ``, `</%s>`},
		"a tag too long":          {`<%s xmlns="%s">`, `<x a="` + strings.Repeat("v", 1<<17) + `"/>`, `</%s>`},
		"a mismatched end tag":    {`<%s xmlns="%s">`, "\n\n<a></b>", `</%s>`},
		"no root":                 {``, `<!-- nothing -->`, ``},
		"invalid UTF-8 in a name": {`<%s xmlns="%s">`, "<a\xff/>", `</%s>`},
	}
	doc := func(kind DocumentKind, f struct{ open, body, close string }) string {
		open, close := f.open, f.close
		if open != "" {
			open = fmt.Sprintf(open, kind.Root(), kind.Namespace())
		}
		if close != "" {
			close = fmt.Sprintf(close, kind.Root())
		}
		return open + f.body + close
	}
	firstError := func(next func() error) error {
		for {
			if err := next(); err != nil {
				return err
			}
		}
	}
	lim := DecodeOptions{Limits: Limits{MaxTokenSize: 1 << 16}}
	for name, f := range faults {
		t.Run(name, func(t *testing.T) {
			ad := NewActiveDataDecoder(strings.NewReader(doc(DocActiveData, f)), lim)
			cu := NewDecoder(strings.NewReader(doc(DocCustomers, f)), lim)
			adErr := firstError(func() error { _, err := ad.Next(); return err })
			cuErr := firstError(func() error { _, err := cu.Next(); return err })
			var adFE, cuFE *impex.FileError
			if !errors.As(adErr, &adFE) || !errors.As(cuErr, &cuFE) {
				t.Fatalf("errors: active data %v, customers %v; want *impex.FileError from both", adErr, cuErr)
			}
			strip := func(is []validate.Issue) []validate.Issue {
				out := slices.Clone(is)
				for i := range out {
					out[i].Params.Name = strings.NewReplacer(DocActiveData.Root(), "ROOT", DocCustomers.Root(), "ROOT").Replace(out[i].Params.Name)
				}
				return out
			}
			if diff := cmp.Diff(strip(cuFE.Issues), strip(adFE.Issues)); diff != "" {
				t.Errorf("issues (-customers +active data):\n%s", diff)
			}
			if errors.Is(adErr, impex.ErrDamaged) != errors.Is(cuErr, impex.ErrDamaged) ||
				errors.Is(adErr, impex.ErrFormat) != errors.Is(cuErr, impex.ErrFormat) {
				t.Errorf("sentinels differ: active data %v, customers %v", adErr, cuErr)
			}
		})
	}
}
