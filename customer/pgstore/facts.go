package pgstore

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
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
type facts struct {
	P   map[string]string       `json:"p,omitempty"`
	A   map[string]string       `json:"a,omitempty"`
	D   *map[string]any         `json:"d,omitempty"`
	T   map[string]int64        `json:"t,omitempty"`
	BD  *int64                  `json:"bd,omitempty"`
	BMD int                     `json:"bmd,omitempty"`
	G   *float64                `json:"g,omitempty"`
	GR  []string                `json:"gr,omitempty"`
	PC  map[string]*customFacts `json:"pc,omitempty"`
	AC  map[string]*customFacts `json:"ac,omitempty"`
	DC  map[string]*customFacts `json:"dc,omitempty"`
}

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
func factsOf(c *customer.Customer) ([]byte, error) {
	f := facts{P: texts(
		"salutation", c.Profile.Salutation, "title", c.Profile.Title, "firstName", c.Profile.FirstName,
		"secondName", c.Profile.SecondName, "lastName", c.Profile.LastName, "suffix", c.Profile.Suffix,
		"companyName", c.Profile.CompanyName, "jobTitle", c.Profile.JobTitle, "email", c.Profile.Email,
		"login", c.Credentials.Login, "customerNo", c.Number, "phoneHome", c.Profile.Phones.Home,
		"phoneBusiness", c.Profile.Phones.Business, "phoneMobile", c.Profile.Phones.Mobile,
		"fax", c.Profile.Phones.Fax, "taxID", c.Profile.TaxCode, "preferredLocale", c.Profile.PreferredLocale)}
	f.T = instants("creationDate", c.Profile.CreationDate, "lastLoginTime", c.Profile.LastLoginTime,
		"lastVisitTime", c.Profile.LastVisitTime)
	if b := c.Profile.Birthday; !b.IsZero() {
		y, m, d := b.UTC().Date()
		n := dayNumber(y, m, d)
		f.BD, f.BMD = &n, int(m)*100+d
	}
	if c.Profile.Gender.Valid {
		g := float64(c.Profile.Gender.Code)
		f.G = &g
	}
	f.GR = c.Groups
	f.PC = customs(c.Attributes)
	if a := c.PreferredAddress(); a != nil {
		f.A = texts("firstName", a.FirstName, "lastName", a.LastName, "companyName", a.CompanyName,
			"address1", a.Address1, "address2", a.Address2, "city", a.City, "postalCode", a.PostalCode,
			"stateCode", a.StateCode, "countryCode", a.CountryCode, "phone", a.Phone)
		f.AC = customs(a.Attributes)
	}
	if ad := c.ActiveData; ad != nil {
		d := make(map[string]any)
		for _, n := range []struct {
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
				d[n.name] = n.v
			}
		}
		for _, s := range []struct {
			name string
			v    []string
		}{
			{"topCategoriesOrdered", ad.TopCategoriesOrdered}, {"productsOrdered", ad.ProductsOrdered},
			{"productMastersOrdered", ad.ProductMastersOrdered}, {"productsViewedMonth", ad.ProductsViewedMonth},
			{"productsAbandonedMonth", ad.ProductsAbandonedMonth},
		} {
			if len(s.v) > 0 {
				d[s.name] = foldAll(s.v)
			}
		}
		f.D = &d
		if t := ad.LastOrderDate; !t.IsZero() {
			if f.T == nil {
				f.T = make(map[string]int64, 1)
			}
			f.T["lastOrderDate"] = t.Unix()
		}
		f.DC = customs(ad.Custom)
	}
	return json.Marshal(&f)
}

// texts returns the non-empty texts of name, text pairs, folded, or nil.
func texts(pairs ...string) map[string]string {
	var m map[string]string
	for i := 0; i < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			if m == nil {
				m = make(map[string]string)
			}
			m[pairs[i]] = fold(pairs[i+1])
		}
	}
	return m
}

// instants returns the non-zero times of name, time pairs in seconds, or
// nil.
func instants(pairs ...any) map[string]int64 {
	var m map[string]int64
	for i := 0; i < len(pairs); i += 2 {
		if t := pairs[i+1].(time.Time); !t.IsZero() {
			if m == nil {
				m = make(map[string]int64)
			}
			m[pairs[i].(string)] = t.Unix()
		}
	}
	return m
}

// customs returns the facts of custom attributes by ID, or nil. Like the
// engine, it takes the values of the first attribute with an ID and no
// language, else of the last with the ID; an ID without values is absent.
func customs(attrs []customer.Attribute) map[string]*customFacts {
	var m map[string]*customFacts
	done := make(map[string]bool)
	for i := range attrs {
		id := attrs[i].ID
		if done[id] {
			continue
		}
		values := attrs[i].Values
		if attrs[i].Lang == "" {
			done[id] = true
		}
		if m == nil {
			m = make(map[string]*customFacts)
		}
		if len(values) == 0 {
			m[id] = nil
			continue
		}
		m[id] = readCustom(values)
	}
	for id, cf := range m {
		if cf == nil {
			delete(m, id)
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// readCustom reads a custom attribute's values as the engine reads them
// (groups/eval.go: customVal, typedText and the untyped comparisons).
func readCustom(values []string) *customFacts {
	cf := &customFacts{S: foldAll(values)}
	nums := make([]*float64, len(values))
	days := make([]*int64, len(values))
	anyNum, anyDay := false, false
	for i, t := range values {
		if ok, _ := validate.NumberForm(t); ok {
			if n, err := strconv.ParseFloat(t, 64); err == nil {
				nums[i], anyNum = &n, true
			}
		}
		if len(t) >= 10 {
			if d, err := groups.ParseDate(t[:10]); err == nil {
				n := dayNumber(d.Year, d.Month, d.Day)
				days[i], anyDay = &n, true
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
		cf.DD = days
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

// dayNumber returns the number of days from 1970-01-01 to y-m-d.
func dayNumber(y int, m time.Month, d int) int64 {
	return floorDiv(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix(), 86400)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
