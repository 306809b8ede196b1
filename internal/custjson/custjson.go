// Package custjson writes a customer as the JSON both stores that keep
// records as JSON keep: encoding/json's output for customer.Customer with
// every field whose value is its zero ("", 0, null, the zero time) left
// out, which decoding leaves zero anyway. It writes the fields itself,
// about ten times faster than encoding/json and with no allocation but the
// buffer's growth, since every write of every customer pays for it.
// boltstore's TestCustomerEncodingMatchesReference and FuzzCustomerRecord
// hold it to encoding/json followed by compaction byte for byte, so a field
// added to the model and set by repotest.FullCustomer fails them until it
// is written here.
package custjson

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/impexkit/impex/customer"
)

// recordWriter appends the JSON of one customer. The first error sticks.
type recordWriter struct {
	Object
	err error
}

// Append appends the JSON of c to b: its fields in declaration order, zero
// values left out. Text that is not UTF-8, a number JSON cannot hold and a
// time outside years 0 to 9999 are refused with an error wrapping
// customer.ErrInvalid.
func Append(b []byte, c *customer.Customer) ([]byte, error) {
	w := recordWriter{Object: Object{B: append(b, '{')}}
	w.str("ID", c.ID)
	w.int("Version", c.Version)
	w.int("Kind", int64(c.Kind))
	w.str("List", c.List)
	w.str("Number", c.Number)
	w.credentials(&c.Credentials)
	w.profile(&c.Profile)
	w.Open("Flags")
	w.boolean("GDPRRestricted", c.Flags.GDPRRestricted)
	w.boolean("CreditAllowed", c.Flags.CreditAllowed)
	w.boolean("MarketingEmail", c.Flags.MarketingEmail)
	w.boolean("MarketingSMS", c.Flags.MarketingSMS)
	w.Close()
	w.str("Note", c.Note)
	w.str("GlobalPartyID", c.GlobalPartyID)
	objects(&w, "Addresses", c.Addresses, w.address)
	w.identifiers(&c.Identifiers)
	w.strings("Groups", c.Groups)
	w.attributes("Attributes", c.Attributes)
	if c.ActiveData != nil {
		w.activeData(c.ActiveData)
	}
	w.time("CreatedAt", c.CreatedAt)
	w.time("UpdatedAt", c.UpdatedAt)
	w.B = append(w.B, '}')
	return w.B, w.err
}

func (w *recordWriter) credentials(c *customer.Credentials) {
	w.Open("Credentials")
	w.str("Login", c.Login)
	w.passwordHash("Password", c.Password)
	w.boolean("Disabled", c.Disabled)
	w.str("Question", c.Question)
	w.passwordHash("Answer", c.Answer)
	objects(w, "ExternalProfiles", c.ExternalProfiles, func(p *customer.ExternalProfile) {
		w.str("ProviderID", p.ProviderID)
		w.str("ExternalID", p.ExternalID)
		w.str("Email", p.Email)
		w.time("LastLoginTime", p.LastLoginTime)
	})
	w.Close()
}

func (w *recordWriter) passwordHash(name string, h customer.PasswordHash) {
	w.Open(name)
	w.str("Scheme", string(h.Scheme))
	w.str("Hash", h.Hash)
	w.Close()
}

func (w *recordWriter) profile(p *customer.Profile) {
	w.Open("Profile")
	w.str("Salutation", p.Salutation)
	w.str("Title", p.Title)
	w.str("FirstName", p.FirstName)
	w.str("SecondName", p.SecondName)
	w.str("LastName", p.LastName)
	w.str("Suffix", p.Suffix)
	w.str("CompanyName", p.CompanyName)
	w.str("TaxCode", p.TaxCode)
	w.str("JobTitle", p.JobTitle)
	w.str("Email", p.Email)
	if p.EmailVerified != nil {
		w.boolean("EmailVerified", *p.EmailVerified)
	}
	w.Open("Phones")
	w.str("Home", p.Phones.Home)
	w.str("Business", p.Phones.Business)
	w.str("Mobile", p.Phones.Mobile)
	w.str("Fax", p.Phones.Fax)
	w.Close()
	w.time("Birthday", p.Birthday)
	w.Open("Gender")
	w.int("Code", int64(p.Gender.Code))
	w.boolean("Valid", p.Gender.Valid)
	w.Close()
	w.time("CreationDate", p.CreationDate)
	w.time("LastLoginTime", p.LastLoginTime)
	w.time("LastVisitTime", p.LastVisitTime)
	w.str("PreferredLocale", p.PreferredLocale)
	objects(w, "PaymentProfiles", p.PaymentProfiles, func(pp *customer.PaymentProfile) {
		w.str("AccountID", pp.AccountID)
		w.str("AccountType", pp.AccountType)
		w.str("AccountCustomerID", pp.AccountCustomerID)
		w.time("CreationDate", pp.CreationDate)
	})
	w.Close()
}

func (w *recordWriter) address(a *customer.Address) {
	w.str("ID", a.ID)
	w.boolean("Preferred", a.Preferred)
	w.str("Salutation", a.Salutation)
	w.str("Title", a.Title)
	w.str("FirstName", a.FirstName)
	w.str("SecondName", a.SecondName)
	w.str("LastName", a.LastName)
	w.str("Suffix", a.Suffix)
	w.str("CompanyName", a.CompanyName)
	w.str("JobTitle", a.JobTitle)
	w.str("Address1", a.Address1)
	w.str("Address2", a.Address2)
	w.str("Suite", a.Suite)
	w.str("Postbox", a.Postbox)
	w.str("City", a.City)
	w.str("PostalCode", a.PostalCode)
	w.str("StateCode", a.StateCode)
	w.str("CountryCode", a.CountryCode)
	w.str("Phone", a.Phone)
	w.attributes("Attributes", a.Attributes)
}

func (w *recordWriter) identifiers(ids *customer.Identifiers) {
	w.Open("Identifiers")
	w.strings("Cards", ids.Cards)
	w.str("SSNHash", ids.SSNHash)
	w.str("ExternalID", ids.ExternalID)
	if ids.Custom != nil {
		// A map is data, not fields: every entry is kept, "" included,
		// in the sorted order encoding/json writes.
		w.Key("Custom")
		w.B = append(w.B, '{')
		keys := make([]string, 0, len(ids.Custom))
		for k := range ids.Custom {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				w.B = append(w.B, ',')
			}
			w.text(k)
			w.B = append(w.B, ':')
			w.text(ids.Custom[k])
		}
		w.B = append(w.B, '}')
	}
	w.Close()
}

func (w *recordWriter) activeData(a *customer.ActiveData) {
	w.Open("ActiveData")
	w.int("VisitsWeek", int64(a.VisitsWeek))
	w.int("VisitsMonth", int64(a.VisitsMonth))
	w.int("VisitsYear", int64(a.VisitsYear))
	w.int("Orders", int64(a.Orders))
	w.int("Returns", int64(a.Returns))
	w.float("ReturnValue", a.ReturnValue)
	w.float("OrderValue", a.OrderValue)
	w.float("OrderValueMonth", a.OrderValueMonth)
	w.float("AvgOrderValue", a.AvgOrderValue)
	w.float("DiscountValueWithoutCoupon", a.DiscountValueWithoutCoupon)
	w.float("DiscountValueWithCoupon", a.DiscountValueWithCoupon)
	w.int("SourceCodeOrders", int64(a.SourceCodeOrders))
	w.float("GiftUnits", a.GiftUnits)
	w.int("GiftOrders", int64(a.GiftOrders))
	w.strings("TopCategoriesOrdered", a.TopCategoriesOrdered)
	w.strings("ProductsOrdered", a.ProductsOrdered)
	w.strings("ProductMastersOrdered", a.ProductMastersOrdered)
	w.strings("ProductsViewedMonth", a.ProductsViewedMonth)
	w.strings("ProductsAbandonedMonth", a.ProductsAbandonedMonth)
	w.time("LastOrderDate", a.LastOrderDate)
	w.attributes("Custom", a.Custom)
	w.Close()
}

func (w *recordWriter) attributes(name string, as []customer.Attribute) {
	objects(w, name, as, func(a *customer.Attribute) {
		w.str("ID", a.ID)
		w.str("Lang", a.Lang)
		w.strings("Values", a.Values)
	})
}

// objects writes a slice that is not nil as an array of objects, the
// fields of each written by fields.
func objects[T any](w *recordWriter, name string, items []T, fields func(*T)) {
	if items == nil {
		return
	}
	w.Key(name)
	w.B = append(w.B, '[')
	for i := range items {
		if i > 0 {
			w.B = append(w.B, ',')
		}
		w.B = append(w.B, '{')
		fields(&items[i])
		w.B = append(w.B, '}')
	}
	w.B = append(w.B, ']')
}

// Object appends the members of JSON objects to B, which holds at least
// the opening brace of the outermost one. The record writer here and
// pgstore's facts writer build their JSON with it.
type Object struct{ B []byte }

// Key starts a member named name, after a comma unless it is the first of
// its object. The name is written as it is: it needs no escaping.
func (o *Object) Key(name string) {
	if o.B[len(o.B)-1] != '{' {
		o.B = append(o.B, ',')
	}
	o.B = append(o.B, '"')
	o.B = append(o.B, name...)
	o.B = append(o.B, '"', ':')
}

// Open starts a member whose value is an object, written even when it
// gets no members, as {}.
func (o *Object) Open(name string) {
	o.Key(name)
	o.B = append(o.B, '{')
}

// Close ends the object Open started.
func (o *Object) Close() { o.B = append(o.B, '}') }

func (w *recordWriter) str(name, s string) {
	if s != "" {
		w.Key(name)
		w.text(s)
	}
}

// strings writes a slice that is not nil; its elements are kept as they
// are, "" included.
func (w *recordWriter) strings(name string, ss []string) {
	if ss == nil {
		return
	}
	w.Key(name)
	w.B = append(w.B, '[')
	for i, s := range ss {
		if i > 0 {
			w.B = append(w.B, ',')
		}
		w.text(s)
	}
	w.B = append(w.B, ']')
}

func (w *recordWriter) boolean(name string, v bool) {
	w.Key(name)
	w.B = strconv.AppendBool(w.B, v)
}

func (w *recordWriter) int(name string, n int64) {
	if n != 0 {
		w.Key(name)
		w.B = strconv.AppendInt(w.B, n, 10)
	}
}

// float writes f as encoding/json does: the shortest decimal, in exponent
// form below 1e-6 and from 1e21. Negative zero is not zero to compact.
func (w *recordWriter) float(name string, f float64) {
	if f == 0 && !math.Signbit(f) {
		return
	}
	if math.IsInf(f, 0) || math.IsNaN(f) {
		w.fail(fmt.Errorf("%s is %v, which a record cannot hold", name, f))
		return
	}
	w.Key(name)
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	w.B = strconv.AppendFloat(w.B, f, format, -1, 64)
	if n := len(w.B); format == 'e' && w.B[n-4] == 'e' && w.B[n-3] == '-' && w.B[n-2] == '0' {
		w.B[n-2] = w.B[n-1] // e-07 is written e-7
		w.B = w.B[:n-1]
	}
}

// zeroTime is the text of the zero time.Time, which compact leaves out.
const zeroTime = `"0001-01-01T00:00:00Z"`

func (w *recordWriter) time(name string, t time.Time) {
	mark := len(w.B)
	w.Key(name)
	value := len(w.B)
	w.B = append(w.B, '"')
	b, err := t.AppendText(w.B)
	if err != nil {
		w.B = w.B[:mark]
		w.fail(fmt.Errorf("%s: %v", name, err))
		return
	}
	w.B = append(b, '"')
	if string(w.B[value:]) == zeroTime {
		w.B = w.B[:mark]
	}
}

// text writes s as a JSON string, escaped as encoding/json escapes it:
// quotes, backslashes and control characters, and also <, >, & and the
// line and paragraph separators U+2028 and U+2029.
func (w *recordWriter) text(s string) {
	const hex = "0123456789abcdef"
	b := append(w.B, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= ' ' && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			w.fail(fmt.Errorf("text is not valid UTF-8"))
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			start = i + size
		}
		i += size
	}
	w.B = append(append(b, s[start:]...), '"')
}

func (w *recordWriter) fail(err error) {
	if w.err == nil {
		w.err = fmt.Errorf("%w: %v", customer.ErrInvalid, err)
	}
}
