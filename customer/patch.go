package customer

import (
	"fmt"
	"math/bits"
	"slices"
)

// Field names one part of a Customer that an import can set on its own. A
// Patch uses a FieldSet of them to tell "not given" from "set to empty".
type Field uint8

// The fields a Patch can set. Their numbers may change between releases; use
// the names.
const (
	FieldKind Field = iota
	FieldList
	FieldNumber
	FieldLogin
	FieldPassword
	FieldDisabled
	FieldQuestion
	FieldAnswer
	FieldExternalProfiles
	FieldSalutation
	FieldTitle
	FieldFirstName
	FieldSecondName
	FieldLastName
	FieldSuffix
	FieldCompanyName
	FieldTaxCode
	FieldJobTitle
	FieldEmail
	FieldEmailVerified
	FieldPhoneHome
	FieldPhoneBusiness
	FieldPhoneMobile
	FieldFax
	FieldBirthday
	FieldGender
	FieldCreationDate
	FieldLastLoginTime
	FieldLastVisitTime
	FieldPreferredLocale
	FieldPaymentProfiles
	FieldGDPRRestricted
	FieldCreditAllowed
	FieldMarketingEmail
	FieldMarketingSMS
	FieldNote
	FieldGlobalPartyID
	FieldAddresses
	FieldSSNHash
	FieldExternalID
	FieldActiveData
	numFields
)

// fieldInfo is the behaviour of one Field as data: its name and how to copy
// it from a source customer to a destination.
type fieldInfo struct {
	name string
	copy func(dst, src *Customer)
}

var fieldTable = [numFields]fieldInfo{
	FieldKind:             {"kind", func(d, s *Customer) { d.Kind = s.Kind }},
	FieldList:             {"list", func(d, s *Customer) { d.List = s.List }},
	FieldNumber:           {"number", func(d, s *Customer) { d.Number = s.Number }},
	FieldLogin:            {"login", func(d, s *Customer) { d.Credentials.Login = s.Credentials.Login }},
	FieldPassword:         {"password", func(d, s *Customer) { d.Credentials.Password = s.Credentials.Password }},
	FieldDisabled:         {"disabled", func(d, s *Customer) { d.Credentials.Disabled = s.Credentials.Disabled }},
	FieldQuestion:         {"question", func(d, s *Customer) { d.Credentials.Question = s.Credentials.Question }},
	FieldAnswer:           {"answer", func(d, s *Customer) { d.Credentials.Answer = s.Credentials.Answer }},
	FieldExternalProfiles: {"externalProfiles", func(d, s *Customer) { d.Credentials.ExternalProfiles = slices.Clone(s.Credentials.ExternalProfiles) }},
	FieldSalutation:       {"salutation", func(d, s *Customer) { d.Profile.Salutation = s.Profile.Salutation }},
	FieldTitle:            {"title", func(d, s *Customer) { d.Profile.Title = s.Profile.Title }},
	FieldFirstName:        {"firstName", func(d, s *Customer) { d.Profile.FirstName = s.Profile.FirstName }},
	FieldSecondName:       {"secondName", func(d, s *Customer) { d.Profile.SecondName = s.Profile.SecondName }},
	FieldLastName:         {"lastName", func(d, s *Customer) { d.Profile.LastName = s.Profile.LastName }},
	FieldSuffix:           {"suffix", func(d, s *Customer) { d.Profile.Suffix = s.Profile.Suffix }},
	FieldCompanyName:      {"companyName", func(d, s *Customer) { d.Profile.CompanyName = s.Profile.CompanyName }},
	FieldTaxCode:          {"taxCode", func(d, s *Customer) { d.Profile.TaxCode = s.Profile.TaxCode }},
	FieldJobTitle:         {"jobTitle", func(d, s *Customer) { d.Profile.JobTitle = s.Profile.JobTitle }},
	FieldEmail:            {"email", func(d, s *Customer) { d.Profile.Email = s.Profile.Email }},
	FieldEmailVerified: {"emailVerified", func(d, s *Customer) {
		d.Profile.EmailVerified = nil
		if v := s.Profile.EmailVerified; v != nil {
			b := *v
			d.Profile.EmailVerified = &b
		}
	}},
	FieldPhoneHome:       {"phoneHome", func(d, s *Customer) { d.Profile.Phones.Home = s.Profile.Phones.Home }},
	FieldPhoneBusiness:   {"phoneBusiness", func(d, s *Customer) { d.Profile.Phones.Business = s.Profile.Phones.Business }},
	FieldPhoneMobile:     {"phoneMobile", func(d, s *Customer) { d.Profile.Phones.Mobile = s.Profile.Phones.Mobile }},
	FieldFax:             {"fax", func(d, s *Customer) { d.Profile.Phones.Fax = s.Profile.Phones.Fax }},
	FieldBirthday:        {"birthday", func(d, s *Customer) { d.Profile.Birthday = s.Profile.Birthday }},
	FieldGender:          {"gender", func(d, s *Customer) { d.Profile.Gender = s.Profile.Gender }},
	FieldCreationDate:    {"creationDate", func(d, s *Customer) { d.Profile.CreationDate = s.Profile.CreationDate }},
	FieldLastLoginTime:   {"lastLoginTime", func(d, s *Customer) { d.Profile.LastLoginTime = s.Profile.LastLoginTime }},
	FieldLastVisitTime:   {"lastVisitTime", func(d, s *Customer) { d.Profile.LastVisitTime = s.Profile.LastVisitTime }},
	FieldPreferredLocale: {"preferredLocale", func(d, s *Customer) { d.Profile.PreferredLocale = s.Profile.PreferredLocale }},
	FieldPaymentProfiles: {"paymentProfiles", func(d, s *Customer) { d.Profile.PaymentProfiles = slices.Clone(s.Profile.PaymentProfiles) }},
	FieldGDPRRestricted:  {"gdprRestricted", func(d, s *Customer) { d.Flags.GDPRRestricted = s.Flags.GDPRRestricted }},
	FieldCreditAllowed:   {"creditAllowed", func(d, s *Customer) { d.Flags.CreditAllowed = s.Flags.CreditAllowed }},
	FieldMarketingEmail:  {"marketingEmail", func(d, s *Customer) { d.Flags.MarketingEmail = s.Flags.MarketingEmail }},
	FieldMarketingSMS:    {"marketingSms", func(d, s *Customer) { d.Flags.MarketingSMS = s.Flags.MarketingSMS }},
	FieldNote:            {"note", func(d, s *Customer) { d.Note = s.Note }},
	FieldGlobalPartyID:   {"globalPartyId", func(d, s *Customer) { d.GlobalPartyID = s.GlobalPartyID }},
	FieldAddresses:       {"addresses", func(d, s *Customer) { d.Addresses = s.Clone().Addresses }},
	FieldSSNHash:         {"ssn", func(d, s *Customer) { d.Identifiers.SSNHash = s.Identifiers.SSNHash }},
	FieldExternalID:      {"externalId", func(d, s *Customer) { d.Identifiers.ExternalID = s.Identifiers.ExternalID }},
	FieldActiveData:      {"activeData", func(d, s *Customer) { d.ActiveData = s.Clone().ActiveData }},
}

// String returns the field's camelCase name, such as "lastName".
func (f Field) String() string {
	if f < numFields {
		return fieldTable[f].name
	}
	return fmt.Sprintf("Field(%d)", uint8(f))
}

// FieldSet is a set of Fields. The zero value is the empty set.
type FieldSet uint64

// Fields returns the set holding fs.
func Fields(fs ...Field) FieldSet {
	var s FieldSet
	for _, f := range fs {
		s = s.With(f)
	}
	return s
}

// With returns s with f added.
func (s FieldSet) With(f Field) FieldSet { return s | 1<<f }

// Without returns s with f removed.
func (s FieldSet) Without(f Field) FieldSet { return s &^ (1 << f) }

// Has reports whether f is in s.
func (s FieldSet) Has(f Field) bool { return s&(1<<f) != 0 }

// Len returns the number of fields in s.
func (s FieldSet) Len() int { return bits.OnesCount64(uint64(s)) }

// All yields the fields of s in ascending order.
func (s FieldSet) All() func(yield func(Field) bool) {
	return func(yield func(Field) bool) {
		for f := Field(0); f < numFields; f++ {
			if s.Has(f) && !yield(f) {
				return
			}
		}
	}
}

// Patch is a partial update of a customer. Set holds the values; Fields says
// which of them the patch gives. A field outside Fields is "not given" and
// Apply leaves it alone, whatever Set holds there.
//
// Collections that imports change one element at a time have their own
// element-wise maps, applied after the fields.
type Patch struct {
	Set    Customer
	Fields FieldSet

	// Cards sets card number i (0-based) to a value, or removes it when the
	// value is empty. Removing a card shifts the later ones down, as deleting
	// a cell's card does in the back office.
	Cards map[int]string
	// Identifiers sets custom identifier types; an empty value removes one.
	Identifiers map[string]string
	// Groups adds (true) or removes (false) static group memberships.
	Groups map[string]bool
	// Attributes sets custom attributes by ID and language; an attribute with
	// no values removes it.
	Attributes []Attribute
}

// Given reports whether the patch gives field f.
func (p *Patch) Given(f Field) bool { return p.Fields.Has(f) }

// Give marks f as given; the caller sets its value in p.Set.
func (p *Patch) Give(f Field) { p.Fields = p.Fields.With(f) }

// IsEmpty reports whether the patch changes nothing whatever it is applied to.
func (p *Patch) IsEmpty() bool {
	return p.Fields == 0 && len(p.Cards) == 0 && len(p.Identifiers) == 0 &&
		len(p.Groups) == 0 && len(p.Attributes) == 0
}

// Apply copies the given fields and element-wise changes of p onto c. It does
// not touch ID, Version, CreatedAt or UpdatedAt, which belong to the
// repository. It reports whether c changed, so an import can tell an update
// from an unchanged row without a second comparison.
func (p *Patch) Apply(c *Customer) (changed bool) {
	before := c.Clone()
	p.Merge(c)
	return !Equal(before, c)
}

// Merge is Apply without the report of a change, for callers that compare
// the records themselves or create new ones: it saves a copy and a
// comparison of the whole record.
func (p *Patch) Merge(c *Customer) {
	for f := range p.Fields.All() {
		fieldTable[f].copy(c, &p.Set)
	}
	if len(p.Cards) > 0 {
		c.Identifiers.Cards = applyCards(c.Identifiers.Cards, p.Cards)
	}
	// The maps' changes touch one key each, so their order does not
	// matter, and a sorted copy of the keys would cost every record.
	for t, v := range p.Identifiers {
		switch {
		case v != "":
			if c.Identifiers.Custom == nil {
				c.Identifiers.Custom = make(map[string]string)
			}
			c.Identifiers.Custom[t] = v
		case c.Identifiers.Custom != nil:
			delete(c.Identifiers.Custom, t)
		}
	}
	for g, in := range p.Groups {
		c.SetGroup(g, in)
	}
	for _, a := range p.Attributes {
		c.Attributes = SetAttribute(c.Attributes, a.ID, a.Lang, a.Values...)
	}
}

// applyCards sets the indexed cards, then drops the emptied ones so the list
// stays dense and ordered.
func applyCards(cards []string, set map[int]string) []string {
	n := len(cards)
	for i := range set {
		if i >= n {
			n = i + 1
		}
	}
	out := make([]string, n)
	copy(out, cards)
	for i, v := range set {
		if i >= 0 {
			out[i] = v
		}
	}
	return slices.DeleteFunc(out, func(s string) bool { return s == "" })
}
