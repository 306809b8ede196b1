package xmlio

import (
	"fmt"
	"strconv"

	"github.com/impexkit/impex/validate"
)

// paymentCustomer decodes the <customer> of a payment instrument document
// just opened.
func (d *Decoder) paymentCustomer() *PaymentCustomer {
	out := &PaymentCustomer{}
	r := d.newRec(countPayment, &out.Issues)
	out.Where = r.where
	no, ok := attr(d.sc, "customer-no")
	out.Number = string(no)
	if !ok {
		r.add(validate.CodeXMLMissing, "", "customer-no", "", validate.Params{Name: "customer-no"})
	}
	r.checkLen("", "customer-no", out.Number, validate.MaxXSDCustomerNo)
	r.children("", func(name string) {
		if name != "payment-instruments" {
			r.unknown("")
			return
		}
		out.InstrumentsGiven = true
		r.children("payment-instruments", func(name string) {
			if name != "payment-instrument" {
				r.unknown("payment-instruments")
				return
			}
			out.Instruments = append(out.Instruments, d.paymentInstrument(r))
		})
	})
	return out
}

func (d *Decoder) paymentInstrument(r rec) PaymentInstrument {
	const base = "payment-instruments/payment-instrument"
	var pi PaymentInstrument
	methods := 0
	r.children(base, func(name string) {
		// Each method's path is a constant: a path is only text for an
		// issue, so none is built per element.
		switch name {
		case "credit-card":
			pi.CreditCard = d.creditCard(r, base+"/credit-card")
		case "bank-transfer":
			pi.BankTransfer = d.bankTransfer(r, base+"/bank-transfer")
		case "bml":
			const path = base + "/bml"
			pi.BillMeLater = &BillMeLater{}
			r.children(path, func(name string) {
				if name != "custom-attributes" {
					r.unknown(path)
					return
				}
				pi.BillMeLater.Attributes = append(pi.BillMeLater.Attributes, r.attributes(path+"/custom-attributes")...)
			})
		case "gift-certificate":
			const path = base + "/gift-certificate"
			g := &GiftCertificate{}
			pi.GiftCertificate = g
			r.children(path, func(name string) {
				switch name {
				case "giftcertificate-id":
					g.ID = r.str(path, name, "giftCertificateId", validate.MaxXSDString)
				case "custom-attributes":
					g.Attributes = append(g.Attributes, r.attributes(path+"/custom-attributes")...)
				default:
					r.unknown(path)
				}
			})
		case "custom-method":
			const path = base + "/custom-method"
			m := &CustomMethod{}
			pi.CustomMethod = m
			r.children(path, func(name string) {
				switch name {
				case "method-name":
					m.MethodName = r.str(path, name, "methodName", validate.MaxXSDString)
				case "custom-attributes":
					m.Attributes = append(m.Attributes, r.attributes(path+"/custom-attributes")...)
				default:
					r.unknown(path)
				}
			})
		case "ek-id":
			pi.EKID = r.int32(base, name, "ekId")
			return
		default:
			r.unknown(base)
			return
		}
		methods++
		if methods == 2 {
			r.add(validate.CodeXMLUnknownElement, joinPath(base, name), "", "", validate.Params{Name: name + " (a second payment method)"})
		}
	})
	return pi
}

func (d *Decoder) creditCard(r rec, path string) *CreditCard {
	c := &CreditCard{}
	r.children(path, func(name string) {
		switch name {
		case "card-type":
			c.CardType = r.str(path, name, "cardType", validate.MaxXSDString)
		case "card-number":
			c.CardNumber = r.leaf(path, name)
			if len(c.CardNumber) > validate.MaxXSDText {
				r.add(validate.CodeTooLong, joinPath(path, name), "cardNumber", "", validate.Params{Max: validate.MaxXSDText})
			}
		case "card-token":
			c.CardToken = r.leaf(path, name)
			if len(c.CardToken) > validate.MaxXSDString {
				r.add(validate.CodeTooLong, joinPath(path, name), "cardToken", "", validate.Params{Max: validate.MaxXSDString})
			}
		case "card-holder":
			c.CardHolder = r.str(path, name, "cardHolder", validate.MaxXSDString)
		case "from-month":
			c.FromMonth = r.int32(path, name, "fromMonth")
		case "from-year":
			c.FromYear = r.int32(path, name, "fromYear")
		case "expiration-month":
			c.ExpirationMonth = r.int32(path, name, "expirationMonth")
		case "expiration-year":
			c.ExpirationYear = r.int32(path, name, "expirationYear")
		case "issue-number":
			c.IssueNumber = r.str(path, name, "issueNumber", validate.MaxXSDString)
		case "custom-attributes":
			c.Attributes = append(c.Attributes, r.attributes(joinPath(path, name))...)
		default:
			r.unknown(path)
		}
	})
	return c
}

func (d *Decoder) bankTransfer(r rec, path string) *BankTransfer {
	b := &BankTransfer{}
	r.children(path, func(name string) {
		switch name {
		case "account-number":
			b.AccountNumber = r.leaf(path, name)
			if len(b.AccountNumber) > validate.MaxXSDString {
				r.add(validate.CodeTooLong, joinPath(path, name), "accountNumber", "", validate.Params{Max: validate.MaxXSDString})
			}
		case "account-holder":
			b.AccountHolder = r.str(path, name, "accountHolder", validate.MaxXSDString)
		case "routing-number":
			b.RoutingNumber = r.str(path, name, "routingNumber", validate.MaxXSDString)
		case "drivers-license":
			b.DriversLicense = r.leaf(path, name)
			if len(b.DriversLicense) > validate.MaxXSDString {
				r.add(validate.CodeTooLong, joinPath(path, name), "driversLicense", "", validate.Params{Max: validate.MaxXSDString})
			}
		case "drivers-license-state-code":
			b.DriversLicenseStateCode = r.str(path, name, "driversLicenseStateCode", validate.MaxXSDString)
		case "custom-attributes":
			b.Attributes = append(b.Attributes, r.attributes(joinPath(path, name))...)
		default:
			r.unknown(path)
		}
	})
	return b
}

// int32 reads an optional xsd:int leaf; nil when it is not one (with an
// issue).
func (r rec) int32(dir, name, field string) *int {
	n, ok := r.integer(dir, name, field, 32)
	if !ok {
		return nil
	}
	v := int(n)
	return &v
}

// WritePaymentCustomer writes one <customer> of a payment instrument
// document. It returns an error wrapping ErrOrder in another document, and
// write errors.
func (e *Encoder) WritePaymentCustomer(p *PaymentCustomer) error {
	if e.doc != DocPaymentInstruments {
		return fmt.Errorf("%w: only a payment instrument document has payment customers", ErrOrder)
	}
	if err := e.start(); err != nil {
		return err
	}
	e.raw("    <customer")
	e.attr("customer-no", p.Number)
	if !p.InstrumentsGiven && len(p.Instruments) == 0 {
		e.raw("/>\n")
		return e.err
	}
	e.raw(">\n        <payment-instruments>\n")
	for i := range p.Instruments {
		e.paymentInstrument(&p.Instruments[i])
	}
	e.raw("        </payment-instruments>\n    </customer>\n")
	return e.err
}

func (e *Encoder) paymentInstrument(pi *PaymentInstrument) {
	e.raw("            <payment-instrument>\n")
	switch {
	case pi.CreditCard != nil:
		c := pi.CreditCard
		e.raw("                <credit-card>\n")
		e.leaf(5, "card-type", c.CardType)
		e.leaf(5, "card-number", c.CardNumber)
		e.leaf(5, "card-token", c.CardToken)
		e.leaf(5, "card-holder", c.CardHolder)
		e.optInt(5, "from-month", c.FromMonth)
		e.optInt(5, "from-year", c.FromYear)
		e.optInt(5, "expiration-month", c.ExpirationMonth)
		e.optInt(5, "expiration-year", c.ExpirationYear)
		e.leaf(5, "issue-number", c.IssueNumber)
		e.attributes(5, c.Attributes)
		e.raw("                </credit-card>\n")
	case pi.BankTransfer != nil:
		b := pi.BankTransfer
		e.raw("                <bank-transfer>\n")
		e.leaf(5, "account-number", b.AccountNumber)
		e.leaf(5, "account-holder", b.AccountHolder)
		e.leaf(5, "routing-number", b.RoutingNumber)
		e.leaf(5, "drivers-license", b.DriversLicense)
		e.leaf(5, "drivers-license-state-code", b.DriversLicenseStateCode)
		e.attributes(5, b.Attributes)
		e.raw("                </bank-transfer>\n")
	case pi.BillMeLater != nil:
		e.raw("                <bml>\n")
		e.attributes(5, pi.BillMeLater.Attributes)
		e.raw("                </bml>\n")
	case pi.GiftCertificate != nil:
		g := pi.GiftCertificate
		e.raw("                <gift-certificate>\n")
		e.leaf(5, "giftcertificate-id", g.ID)
		e.attributes(5, g.Attributes)
		e.raw("                </gift-certificate>\n")
	case pi.CustomMethod != nil:
		m := pi.CustomMethod
		e.raw("                <custom-method>\n")
		e.text(5, "method-name", m.MethodName)
		e.attributes(5, m.Attributes)
		e.raw("                </custom-method>\n")
	}
	e.optInt(4, "ek-id", pi.EKID)
	e.raw("            </payment-instrument>\n")
}

func (e *Encoder) optInt(depth int, name string, v *int) {
	if v != nil {
		e.text(depth, name, strconv.Itoa(*v))
	}
}
