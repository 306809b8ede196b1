package impex_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/impexkit/impex/activedata"
	"github.com/impexkit/impex/validate"
	"github.com/impexkit/impex/xmlio"
)

// TestEveryIntegerReaderAgrees feeds the same texts to every place the
// module reads an integer (XSD int, long and integer elements of the SFCC
// documents, the active-data CSV, validate itself) and requires one answer
// everywhere: a sign may lead the digits, nothing may sit between them,
// and each type has its range.
func TestEveryIntegerReaderAgrees(t *testing.T) {
	type reader struct {
		name string
		bits int
		read func(text string) (int64, bool)
	}
	decode := func(doc string) (xmlio.Record, bool) {
		d := xmlio.NewDecoder(strings.NewReader(doc), xmlio.DecodeOptions{})
		rec, err := d.Next()
		if err != nil {
			t.Fatalf("%v\n%s", err, doc)
		}
		return rec, !validate.AnyError(rec.Problems())
	}
	readers := []reader{
		{"validate.Integer", 64, func(s string) (int64, bool) { n, code := validate.Integer(s); return n, code == "" }},
		{"validate.IntegerBits 32", 32, func(s string) (int64, bool) { n, code := validate.IntegerBits(s, 32); return n, code == "" }},
		{"customer-lists min-password-length (xsd:integer)", 64, func(s string) (int64, bool) {
			rec, ok := decode(`<customer-lists xmlns="` + xmlio.NSCustomerList + `"><customer-list list-id="A"><min-password-length>` + s + `</min-password-length></customer-list></customer-lists>`)
			l := rec.(*xmlio.ListRecord)
			if !ok || l.Settings.MinPasswordLength == nil {
				return 0, false
			}
			return *l.Settings.MinPasswordLength, true
		}},
		{"payment expiration-month (xsd:int)", 32, func(s string) (int64, bool) {
			rec, ok := decode(`<customers xmlns="` + xmlio.NSPaymentInstrument + `"><customer customer-no="1"><payment-instruments><payment-instrument><credit-card><expiration-month>` + s + `</expiration-month></credit-card></payment-instrument></payment-instruments></customer></customers>`)
			p := rec.(*xmlio.PaymentCustomer)
			if !ok || len(p.Instruments) != 1 || p.Instruments[0].CreditCard == nil || p.Instruments[0].CreditCard.ExpirationMonth == nil {
				return 0, false
			}
			return int64(*p.Instruments[0].CreditCard.ExpirationMonth), true
		}},
		{"active data visits-week (xsd:int)", 32, func(s string) (int64, bool) {
			d := xmlio.NewActiveDataDecoder(strings.NewReader(`<customer-active-data-list xmlns="`+xmlio.NSActiveData+`"><customer-active-data customer-no="1"><visits-week>`+s+`</visits-week></customer-active-data></customer-active-data-list>`), xmlio.DecodeOptions{})
			rec, err := d.Next()
			if err != nil {
				t.Fatal(err)
			}
			for _, is := range rec.Issues { // the other elements are missing
				if strings.HasSuffix(is.Path, "/visits-week") {
					return 0, false
				}
			}
			return int64(rec.Data.VisitsWeek), true
		}},
		{"customer group int condition (xsd:int)", 32, func(s string) (int64, bool) {
			d := xmlio.NewGroupDecoder(strings.NewReader(`<customer-groups xmlns="`+xmlio.NSCustomerGroup+`"><customer-group group-id="g"><membership-rule><included-customers><condition-group match-mode="all"><condition><attribute-path>customer.activeData.orders</attribute-path><operator>is-equal</operator><int>`+s+`</int></condition></condition-group></included-customers></membership-rule></customer-group></customer-groups>`), xmlio.DecodeOptions{})
			rec, err := d.Next()
			if err != nil {
				t.Fatal(err)
			}
			g := rec.(*xmlio.GroupRecord)
			if validate.AnyError(g.Problems()) || g.Group.Rule == nil {
				return 0, false
			}
			ints := g.Group.Rule.Included[0].Conditions[0].Value.Ints
			if len(ints) != 1 {
				return 0, false
			}
			return int64(ints[0]), true
		}},
		{"active-data CSV int attribute", 64, func(s string) (int64, bool) {
			v, err := activedata.TypeInt.Parse(s, false)
			if err != nil || len(v) != 1 {
				return 0, false
			}
			var n int64
			_, err = fmt.Sscan(v[0], &n)
			return n, err == nil
		}},
	}
	for _, tc := range []struct {
		text   string
		want   int64
		ok     bool
		only32 bool // a valid long that is no int
	}{
		{"42", 42, true, false},
		{" +7 ", 7, true, false},
		{"-0", 0, true, false},
		{"007", 7, true, false},
		{"-2147483648", -2147483648, true, false},
		{"+-5", 0, false, false},
		{"+ 5", 0, false, false},
		{"--5", 0, false, false},
		{"1e3", 0, false, false},
		{"5.0", 0, false, false},
		{"1_000", 0, false, false},
		{"", 0, false, false},
		{"2147483648", 2147483648, true, true},
		{"9223372036854775808", 0, false, false},
	} {
		for _, r := range readers {
			ok := tc.ok && !(tc.only32 && r.bits == 32)
			got, gotOK := r.read(tc.text)
			if gotOK != ok || (ok && got != tc.want) {
				t.Errorf("%s(%q) = %d, %v; want %d, %v", r.name, tc.text, got, gotOK, tc.want, ok)
			}
		}
	}
}
