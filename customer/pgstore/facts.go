package pgstore

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/internal/custjson"
	"github.com/impexkit/impex/internal/days"
	"github.com/impexkit/impex/validate"
)

// The facts of a customer (customer_facts, schema version 4) are what group
// rules read of it, already in the form the SQL of a rule compares (see rules.go),
// so that a rule is decided by PostgreSQL without parsing the record's JSON,
// which costs more than the rest of a scan together. Everything that could
// be read in more than one way is read here, in Go, the way the rule engine
// reads it (groups/eval.go), and the SQL only compares:
//
//   - texts are folded (fold), so a case-insensitive comparison is a
//     comparison of bytes;
//   - numbers are the float64 values the engine compares, as JSON numbers,
//     which PostgreSQL reads back as the same float8;
//   - instants are whole seconds since 1970 (rounded down), since the day
//     boundaries they are compared with are whole seconds in every zone;
//   - calendar days are day numbers, days since 1970-01-01.
//
// Its keys are short, as every row repeats them:
//
//	p   profile texts by path name ("email", "login", ...), non-empty only
//	a   the preferred address's texts, non-empty only
//	d   active data, present when the customer has any: numbers by path
//	    name, omitted when zero; sets of texts, omitted when empty
//	t   instants by path name: creationDate, lastLoginTime, lastVisitTime,
//	    lastOrderDate, omitted when zero
//	bd  the birthday's day number, bmd its month*100+day
//	g   the gender code, when set
//	gr  the IDs of the static groups the customer is an explicit member of
//	pc, ac, dc  custom attributes of the profile, the preferred address and
//	    the active data, by ID (see customFacts)
//
// "p" and "t" are always there, possibly empty; "a" when the customer has a
// preferred address.

// customFacts are the readings of a custom attribute's values: the values
// the engine takes (the first attribute with the ID and no language, else
// the last with the ID), each read as every type it may be declared with.
// The arrays hold one element a value, null where the value does not read
// as the type.
type customFacts struct {
	// S are the folded texts.
	S []string `json:"s"`
	// N are the values read as numbers; omitted when none is one.
	N []*float64 `json:"n,omitempty"`
	// DD are the values read as calendar days (YYYY-MM-DD at the start);
	// omitted when none is one.
	DD []*int64 `json:"dd,omitempty"`
	// I0 is the first value read as an RFC 3339 instant, in seconds; IZ is
	// true when it reads as the zero instant, which a date-time attribute
	// treats as absent.
	I0 *int64 `json:"i0,omitempty"`
	IZ bool   `json:"iz,omitempty"`
	// B0 is the first value read as a boolean, AB the first value of all
	// that reads as one.
	B0 *bool `json:"b0,omitempty"`
	AB *bool `json:"ab,omitempty"`
}

// factsOf returns the facts of c as JSON.
func factsOf(c *customer.Customer) ([]byte, error) { return appendFacts(nil, c) }

// appendFacts appends the facts of c, as JSON, to b, or returns an error
// wrapping customer.ErrInvalid for facts JSON cannot hold. It writes the JSON
// itself rather than through encoding/json, as every write of every
// customer pays for it: a customer's facts cost well under a microsecond and
// no allocation but b's growth, unless it has custom attributes.
func appendFacts(b []byte, c *customer.Customer) ([]byte, error) {
	w := factsWriter{custjson.Object{B: append(b, '{')}}
	p := &c.Profile
	w.Open("p")
	for _, t := range [...]struct{ name, v string }{
		{"salutation", p.Salutation}, {"title", p.Title}, {"firstName", p.FirstName}, {"secondName", p.SecondName},
		{"lastName", p.LastName}, {"suffix", p.Suffix}, {"companyName", p.CompanyName}, {"jobTitle", p.JobTitle},
		{"email", p.Email}, {"login", c.Credentials.Login}, {"customerNo", c.Number}, {"phoneHome", p.Phones.Home},
		{"phoneBusiness", p.Phones.Business}, {"phoneMobile", p.Phones.Mobile}, {"fax", p.Phones.Fax},
		{"taxID", p.TaxCode}, {"preferredLocale", p.PreferredLocale},
	} {
		w.text(t.name, t.v)
	}
	w.Close()
	w.Open("t")
	for _, t := range [...]struct {
		name string
		v    time.Time
	}{{"creationDate", p.CreationDate}, {"lastLoginTime", p.LastLoginTime}, {"lastVisitTime", p.LastVisitTime}} {
		if !t.v.IsZero() {
			w.int(t.name, t.v.Unix())
		}
	}
	if ad := c.ActiveData; ad != nil && !ad.LastOrderDate.IsZero() {
		w.int("lastOrderDate", ad.LastOrderDate.Unix())
	}
	w.Close()
	if bd := p.Birthday; !bd.IsZero() {
		y, m, d := bd.UTC().Date()
		w.int("bd", days.Number(y, m, d))
		w.int("bmd", int64(m)*100+int64(d))
	}
	if p.Gender.Valid {
		w.num("g", float64(p.Gender.Code))
	}
	if len(c.Groups) > 0 {
		w.texts("gr", c.Groups, false)
	}
	if err := w.customs("pc", c.Attributes); err != nil {
		return nil, err
	}
	if a := c.PreferredAddress(); a != nil {
		w.Open("a")
		for _, t := range [...]struct{ name, v string }{
			{"firstName", a.FirstName}, {"lastName", a.LastName}, {"companyName", a.CompanyName},
			{"address1", a.Address1}, {"address2", a.Address2}, {"city", a.City}, {"postalCode", a.PostalCode},
			{"stateCode", a.StateCode}, {"countryCode", a.CountryCode}, {"phone", a.Phone},
		} {
			w.text(t.name, t.v)
		}
		w.Close()
		if err := w.customs("ac", a.Attributes); err != nil {
			return nil, err
		}
	}
	if ad := c.ActiveData; ad != nil {
		w.Open("d")
		for _, n := range [...]struct {
			name string
			v    float64
		}{
			{"visitsWeek", float64(ad.VisitsWeek)}, {"visitsMonth", float64(ad.VisitsMonth)},
			{"visitsYear", float64(ad.VisitsYear)}, {"orders", float64(ad.Orders)}, {"returns", float64(ad.Returns)},
			{"returnValue", ad.ReturnValue}, {"orderValue", ad.OrderValue}, {"orderValueMonth", ad.OrderValueMonth},
			{"avgOrderValue", ad.AvgOrderValue}, {"discountValueWithoutCoupon", ad.DiscountValueWithoutCoupon},
			{"discountValueWithCoupon", ad.DiscountValueWithCoupon}, {"sourceCodeOrders", float64(ad.SourceCodeOrders)},
			{"giftUnits", ad.GiftUnits}, {"giftOrders", float64(ad.GiftOrders)},
		} {
			if n.v != 0 {
				if math.IsNaN(n.v) || math.IsInf(n.v, 0) {
					return nil, fmt.Errorf("%w: active data %s is %v, which JSON cannot hold", customer.ErrInvalid, n.name, n.v)
				}
				w.num(n.name, n.v)
			}
		}
		for _, t := range [...]struct {
			name string
			v    []string
		}{
			{"topCategoriesOrdered", ad.TopCategoriesOrdered}, {"productsOrdered", ad.ProductsOrdered},
			{"productMastersOrdered", ad.ProductMastersOrdered}, {"productsViewedMonth", ad.ProductsViewedMonth},
			{"productsAbandonedMonth", ad.ProductsAbandonedMonth},
		} {
			if len(t.v) > 0 {
				w.texts(t.name, t.v, true)
			}
		}
		w.Close()
		if err := w.customs("dc", ad.Custom); err != nil {
			return nil, err
		}
	}
	return append(w.B, '}'), nil
}

// factsWriter appends the facts' JSON with custjson's object writer; its
// texts differ from custjson's (see appendJSONText).
type factsWriter struct{ custjson.Object }

// text writes a non-empty text, folded.
func (w *factsWriter) text(k, v string) {
	if v != "" {
		w.Key(k)
		w.B = appendJSONText(w.B, v, true)
	}
}

// texts writes an array of texts, folded or not.
func (w *factsWriter) texts(k string, vs []string, folded bool) {
	w.Key(k)
	w.B = append(w.B, '[')
	for i, v := range vs {
		if i > 0 {
			w.B = append(w.B, ',')
		}
		w.B = appendJSONText(w.B, v, folded)
	}
	w.B = append(w.B, ']')
}

func (w *factsWriter) num(k string, v float64) {
	w.Key(k)
	w.B = strconv.AppendFloat(w.B, v, 'g', -1, 64)
}

func (w *factsWriter) int(k string, v int64) {
	w.Key(k)
	w.B = strconv.AppendInt(w.B, v, 10)
}

// customs writes the facts of custom attributes, when there are any.
func (w *factsWriter) customs(k string, attrs []customer.Attribute) error {
	m := customs(attrs)
	if len(m) == 0 {
		return nil
	}
	data, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("%w: the facts of custom attributes cannot be stored as JSON: %v", customer.ErrInvalid, err)
	}
	w.Key(k)
	w.B = append(w.B, data...)
	return nil
}

// appendJSONText appends s as a JSON string, folded (see fold) when fold is
// set. s is valid UTF-8: the store refuses other text before it gets here.
func appendJSONText(b []byte, s string, folded bool) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if folded {
				r = foldRune(r)
			}
			b = utf8.AppendRune(b, r)
			i += size
			continue
		}
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		case folded && 'a' <= c && c <= 'z':
			b = append(b, c-'a'+'A')
		default:
			b = append(b, c)
		}
		i++
	}
	return append(b, '"')
}

// customs returns the facts of custom attributes by ID, or nil: of the
// values the engine reads of each (groups.CustomValues); an ID without
// values is absent.
func customs(attrs []customer.Attribute) map[string]*customFacts {
	var m map[string]*customFacts
	for i := range attrs {
		id := attrs[i].ID
		if slices.ContainsFunc(attrs[:i], func(a customer.Attribute) bool { return a.ID == id }) {
			continue // read with the first attribute of its ID
		}
		values := groups.CustomValues(attrs, id)
		if len(values) == 0 {
			continue
		}
		if m == nil {
			m = make(map[string]*customFacts)
		}
		m[id] = readCustom(values)
	}
	return m
}

// readCustom reads a custom attribute's values as the engine reads them
// (groups/eval.go: customVal, typedText and the untyped comparisons).
func readCustom(values []string) *customFacts {
	cf := &customFacts{S: foldAll(values)}
	nums := make([]*float64, len(values))
	dayOf := make([]*int64, len(values))
	anyNum, anyDay := false, false
	for i, t := range values {
		if ok, _ := validate.NumberForm(t); ok {
			if n, err := strconv.ParseFloat(t, 64); err == nil {
				nums[i], anyNum = &n, true
			}
		}
		if len(t) >= 10 {
			if d, err := groups.ParseDate(t[:10]); err == nil {
				n := d.DayNumber()
				dayOf[i], anyDay = &n, true
			}
		}
		if b, ok := readBool(t); ok {
			if i == 0 {
				cf.B0 = &b
			}
			if cf.AB == nil {
				cf.AB = &b
			}
		}
	}
	if anyNum {
		cf.N = nums
	}
	if anyDay {
		cf.DD = dayOf
	}
	if t := values[0]; len(t) > len("2006-01-02") {
		if at, err := time.Parse(time.RFC3339Nano, t); err == nil {
			if at.IsZero() {
				cf.IZ = true
			} else {
				s := at.Unix()
				cf.I0 = &s
			}
		}
	}
	return cf
}

// readBool reads "true" or "false" in any case.
func readBool(t string) (bool, bool) {
	switch {
	case strings.EqualFold(t, "true"):
		return true, true
	case strings.EqualFold(t, "false"):
		return false, true
	}
	return false, false
}

func foldAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fold(s)
	}
	return out
}

// fold maps every character of s to one representative of its simple case
// folding orbit (the smallest code point of the orbit), so that two texts
// are equal under strings.EqualFold, which the rule engine compares with,
// exactly when their folds are equal byte for byte; and one holds, begins
// or ends with the other under folding exactly when its fold holds, begins
// or ends with the other's. PostgreSQL's lower() would not do: it maps
// characters one way (the Kelvin sign, the long s and the final sigma are
// not lowered to what they fold with) and depends on the database's
// locale. Invalid UTF-8 is left as it is (the store refuses it in records).
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToUpper(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// foldRune returns the smallest code point of r's simple folding orbit.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	return least
}
