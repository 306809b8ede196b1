package customer

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Kind tells a private person from a company. The zero value is not a valid
// kind for a stored customer; in a Filter it means "any kind".
type Kind uint8

// The kinds of customer.
const (
	KindPerson  Kind = 1 // a private customer
	KindCompany Kind = 2 // a company customer
)

// String returns "person", "company", or "Kind(n)" for an invalid value.
func (k Kind) String() string {
	switch k {
	case KindPerson:
		return "person"
	case KindCompany:
		return "company"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Valid reports whether k is KindPerson or KindCompany.
func (k Kind) Valid() bool { return k == KindPerson || k == KindCompany }

// Gender is an SFCC gender code. SFCC stores an integer where 1 is male and 2
// is female; any other integer is kept as given. Valid is false when the
// gender is unset, which is distinct from a stored code of 0.
type Gender struct {
	Code  int
	Valid bool
}

// The two gender codes SFCC names.
var (
	GenderMale   = Gender{Code: 1, Valid: true}
	GenderFemale = Gender{Code: 2, Valid: true}
)

// String returns "unset", "male", "female" or the code in decimal.
func (g Gender) String() string {
	switch {
	case !g.Valid:
		return "unset"
	case g == GenderMale:
		return "male"
	case g == GenderFemale:
		return "female"
	}
	return fmt.Sprint(g.Code)
}

// Customer is one customer record, person or company, as a repository stores
// it. Its fields cover both the back office's Excel schemas and the SFCC
// customer, customer-list and active-data documents, so codecs only map fields.
//
// A Customer never holds a plain SSN or password: see SSNHasher and
// PasswordHash. The zero value is an empty record of no kind; set Kind before
// storing it.
type Customer struct {
	// ID is assigned by the repository when the customer is first written.
	ID string
	// Version is the optimistic-concurrency version: 0 for a customer that
	// has never been stored, then incremented by the repository on each write.
	Version int64

	Kind Kind
	// List is the SFCC customer list the customer belongs to; empty for a
	// store with a single list, as the back office has.
	List string
	// Number is the customer number: SFCC's customer-no and the Excel
	// schema's sequenceNumber. Unique within a list.
	Number string

	Credentials Credentials
	Profile     Profile
	Flags       Flags
	// Note is free text: SFCC's note, the Excel schema's customNote.
	Note string
	// GlobalPartyID is SFCC's global-party-id.
	GlobalPartyID string

	// Addresses in the order the customer's address book holds them.
	Addresses   []Address
	Identifiers Identifiers
	// Groups holds the IDs of the static customer groups the customer is an
	// explicit member of, sorted and without duplicates. Membership of
	// dynamic and system groups is computed and never stored here.
	Groups []string
	// Attributes are the customer's custom attributes (SFCC profile custom
	// attributes), in the order given.
	Attributes []Attribute
	// ActiveData is nil when nothing is known about the customer's activity.
	ActiveData *ActiveData

	// CreatedAt and UpdatedAt are set by the repository from its clock.
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Credentials are the customer's login data.
type Credentials struct {
	// Login is unique within a customer list; empty for a customer who cannot
	// log in.
	Login    string
	Password PasswordHash
	// Disabled is true when the account may not log in. (SFCC's enabled-flag
	// is its negation; the zero value is an enabled account.)
	Disabled bool
	Question string
	// Answer is the password answer, hashed like a password.
	Answer PasswordHash
	// ExternalProfiles link the customer to external identity providers.
	ExternalProfiles []ExternalProfile
}

// ExternalProfile links a customer to an account at an identity provider.
type ExternalProfile struct {
	ProviderID    string
	ExternalID    string
	Email         string
	LastLoginTime time.Time
}

// Profile is the descriptive part of a customer.
type Profile struct {
	Salutation  string
	Title       string
	FirstName   string
	SecondName  string
	LastName    string
	Suffix      string
	CompanyName string
	// TaxCode is a company's VAT number with its country prefix (FI12345671).
	TaxCode  string
	JobTitle string
	Email    string
	// EmailVerified is nil when verification is not in use, as SFCC leaves it.
	EmailVerified *bool
	Phones        Phones
	// Birthday is a calendar date at midnight UTC; the zero time when unknown.
	Birthday time.Time
	Gender   Gender
	// CreationDate, LastLoginTime and LastVisitTime are SFCC's profile times.
	CreationDate  time.Time
	LastLoginTime time.Time
	LastVisitTime time.Time
	// PreferredLocale is kept as given, for example "en_US" or "fi".
	PreferredLocale string
	// PaymentProfiles are SFCC customer payment profiles (Salesforce Payments).
	PaymentProfiles []PaymentProfile
}

// Phones are the customer's phone numbers. Mobile is the back office's phone.
type Phones struct {
	Home     string
	Business string
	Mobile   string
	Fax      string
}

// PaymentProfile references a customer profile in a payment account.
type PaymentProfile struct {
	AccountID         string
	AccountType       string
	AccountCustomerID string
	CreationDate      time.Time
}

// Flags are the customer's yes/no settings. The zero value is all false.
type Flags struct {
	GDPRRestricted bool
	CreditAllowed  bool
	MarketingEmail bool
	MarketingSMS   bool
}

// Address is one entry of a customer's address book.
type Address struct {
	// ID names the address within the customer. It is kept exactly as given,
	// leading and trailing white space included.
	ID string
	// Preferred marks the default address. At most one address of a customer
	// is preferred; a customer may have none.
	Preferred   bool
	Salutation  string
	Title       string
	FirstName   string
	SecondName  string
	LastName    string
	Suffix      string
	CompanyName string
	JobTitle    string
	Address1    string
	Address2    string
	Suite       string
	Postbox     string
	City        string
	PostalCode  string
	StateCode   string
	// CountryCode is one or two characters, case kept.
	CountryCode string
	Phone       string
	Attributes  []Attribute
}

// Attribute is a custom attribute: an ID, an optional language tag (SFCC's
// xml:lang) and one or more values. Two attributes with the same ID and
// different languages are distinct.
type Attribute struct {
	ID     string
	Lang   string
	Values []string
}

// Identifiers are the keys other systems know a customer by. Cards, the SSN
// hash and the external ID are unique across a repository; custom types are
// unique when the repository's Constraints declare them so.
type Identifiers struct {
	// Cards are customer-card numbers in order: Excel's customerCard:1 is
	// Cards[0].
	Cards []string
	// SSNHash is the keyed hash of the national identity number, as made by
	// SSNHasher.Hash; empty when none is known.
	SSNHash    string
	ExternalID string
	// Custom maps an identifier type to its value, one value per type.
	Custom map[string]string
}

// IdentifierType names a kind of identifier for lookups and uniqueness.
type IdentifierType string

// The built-in identifier types. Any other value names a custom type, stored
// in Identifiers.Custom.
const (
	IdentCard     IdentifierType = "customerCard"
	IdentSSNHash  IdentifierType = "ssn"
	IdentExternal IdentifierType = "externalId"
)

// Identifier is one typed identifier value.
type Identifier struct {
	Type  IdentifierType
	Value string
}

// String returns "type:value".
func (id Identifier) String() string { return string(id.Type) + ":" + id.Value }

// All returns every identifier the customer carries, cards first in order,
// then the SSN hash, the external ID and the custom types sorted by type.
func (ids Identifiers) All() []Identifier {
	out := make([]Identifier, 0, len(ids.Cards)+2+len(ids.Custom))
	for _, c := range ids.Cards {
		out = append(out, Identifier{IdentCard, c})
	}
	if ids.SSNHash != "" {
		out = append(out, Identifier{IdentSSNHash, ids.SSNHash})
	}
	if ids.ExternalID != "" {
		out = append(out, Identifier{IdentExternal, ids.ExternalID})
	}
	types := make([]string, 0, len(ids.Custom))
	for t, v := range ids.Custom {
		if v != "" {
			types = append(types, t)
		}
	}
	slices.Sort(types)
	for _, t := range types {
		out = append(out, Identifier{IdentifierType(t), ids.Custom[t]})
	}
	return out
}

// ActiveData is what SFCC computes about a customer's activity
// (customeractivedata.xsd), plus merchant-defined values delivered by feeds.
type ActiveData struct {
	VisitsWeek                 int
	VisitsMonth                int
	VisitsYear                 int
	Orders                     int
	Returns                    int
	ReturnValue                float64
	OrderValue                 float64
	OrderValueMonth            float64
	AvgOrderValue              float64
	DiscountValueWithoutCoupon float64
	DiscountValueWithCoupon    float64
	SourceCodeOrders           int
	GiftUnits                  float64
	GiftOrders                 int
	TopCategoriesOrdered       []string
	ProductsOrdered            []string
	ProductMastersOrdered      []string
	ProductsViewedMonth        []string
	ProductsAbandonedMonth     []string
	// LastOrderDate is the zero time when the customer has not ordered.
	LastOrderDate time.Time
	// Custom are merchant-defined active-data values, as text.
	Custom []Attribute
}

// ListSettings are the header settings of an SFCC customer list
// (customerlist2.xsd). A nil pointer field is a setting the list does not set.
type ListSettings struct {
	ID                           string
	Description                  string
	DataRetentionDays            *int64
	CustomerNoSequenceEnabled    *bool
	CustomerLockoutEnabled       *bool
	MaxFailedLogins              *int64
	LockoutEffectivePeriod       *int64
	CustomerLoginAttemptReset    *int64
	MinPasswordLength            *int64
	MinPasswordSpecialChars      *int64
	ForcePasswordContainsAlpha   *bool
	ForcePasswordContainsNumeric *bool
	ForcePasswordMixedCase       *bool
	MaxPasswordAge               *int64
	MaxPasswordResetTokenAge     *int64
}

// Clone returns a copy of s that shares no memory with it.
func (s ListSettings) Clone() ListSettings {
	c := s
	for _, p := range []**int64{&c.DataRetentionDays, &c.MaxFailedLogins, &c.LockoutEffectivePeriod, &c.CustomerLoginAttemptReset,
		&c.MinPasswordLength, &c.MinPasswordSpecialChars, &c.MaxPasswordAge, &c.MaxPasswordResetTokenAge} {
		*p = clonePtr(*p)
	}
	for _, p := range []**bool{&c.CustomerNoSequenceEnabled, &c.CustomerLockoutEnabled, &c.ForcePasswordContainsAlpha,
		&c.ForcePasswordContainsNumeric, &c.ForcePasswordMixedCase} {
		*p = clonePtr(*p)
	}
	return c
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// DisplayName is the name a person reads: "First Last" for a person, the
// company name for a company, falling back to the number.
func (c *Customer) DisplayName() string {
	var name string
	if c.Kind == KindCompany {
		name = c.Profile.CompanyName
	} else {
		name = strings.TrimSpace(c.Profile.FirstName + " " + c.Profile.LastName)
	}
	if name == "" {
		return c.Number
	}
	return name
}

// PreferredAddress returns the preferred address, or nil when there is none.
func (c *Customer) PreferredAddress() *Address {
	for i := range c.Addresses {
		if c.Addresses[i].Preferred {
			return &c.Addresses[i]
		}
	}
	return nil
}

// SortedGroups returns groups in the form Customer.Groups holds them,
// sorted and without duplicates: groups itself when it is in that form
// already, a sorted copy otherwise. Stores keep a customer's groups so.
func SortedGroups(groups []string) []string {
	for i := 1; i < len(groups); i++ {
		if groups[i-1] >= groups[i] {
			return slices.Compact(slices.Sorted(slices.Values(groups)))
		}
	}
	return groups
}

// InGroup reports whether the customer is an explicit member of the static
// group id.
func (c *Customer) InGroup(id string) bool {
	_, ok := slices.BinarySearch(c.Groups, id)
	return ok
}

// SetGroup adds or removes the customer's membership of group id, keeping
// Groups sorted. It reports whether anything changed.
func (c *Customer) SetGroup(id string, member bool) bool {
	i, ok := slices.BinarySearch(c.Groups, id)
	switch {
	case member && !ok:
		c.Groups = slices.Insert(c.Groups, i, id)
		return true
	case !member && ok:
		c.Groups = slices.Delete(c.Groups, i, i+1)
		return true
	}
	return false
}

// Attribute returns the values of the custom attribute id in language lang
// ("" for the untagged one), and whether it exists.
func (c *Customer) Attribute(id, lang string) ([]string, bool) {
	return findAttribute(c.Attributes, id, lang)
}

func findAttribute(attrs []Attribute, id, lang string) ([]string, bool) {
	for _, a := range attrs {
		if a.ID == id && a.Lang == lang {
			return a.Values, true
		}
	}
	return nil, false
}

// SetAttribute sets (or, with no values, removes) the custom attribute id in
// language lang, keeping the position of an existing one.
func SetAttribute(attrs []Attribute, id, lang string, values ...string) []Attribute {
	for i, a := range attrs {
		if a.ID == id && a.Lang == lang {
			if len(values) == 0 {
				return slices.Delete(attrs, i, i+1)
			}
			attrs[i].Values = slices.Clone(values)
			return attrs
		}
	}
	if len(values) == 0 {
		return attrs
	}
	return append(attrs, Attribute{ID: id, Lang: lang, Values: slices.Clone(values)})
}

// Clone returns a deep copy of c: changing the copy never changes c.
// Repositories return clones so callers cannot reach stored state.
func (c *Customer) Clone() *Customer {
	if c == nil {
		return nil
	}
	d := *c
	d.Credentials.ExternalProfiles = slices.Clone(c.Credentials.ExternalProfiles)
	if c.Profile.EmailVerified != nil {
		v := *c.Profile.EmailVerified
		d.Profile.EmailVerified = &v
	}
	d.Profile.PaymentProfiles = slices.Clone(c.Profile.PaymentProfiles)
	d.Addresses = slices.Clone(c.Addresses)
	for i := range d.Addresses {
		d.Addresses[i].Attributes = cloneAttributes(d.Addresses[i].Attributes)
	}
	d.Identifiers.Cards = slices.Clone(c.Identifiers.Cards)
	if c.Identifiers.Custom != nil {
		d.Identifiers.Custom = make(map[string]string, len(c.Identifiers.Custom))
		for k, v := range c.Identifiers.Custom {
			d.Identifiers.Custom[k] = v
		}
	}
	d.Groups = slices.Clone(c.Groups)
	d.Attributes = cloneAttributes(c.Attributes)
	if c.ActiveData != nil {
		a := *c.ActiveData
		a.TopCategoriesOrdered = slices.Clone(a.TopCategoriesOrdered)
		a.ProductsOrdered = slices.Clone(a.ProductsOrdered)
		a.ProductMastersOrdered = slices.Clone(a.ProductMastersOrdered)
		a.ProductsViewedMonth = slices.Clone(a.ProductsViewedMonth)
		a.ProductsAbandonedMonth = slices.Clone(a.ProductsAbandonedMonth)
		a.Custom = cloneAttributes(a.Custom)
		d.ActiveData = &a
	}
	return &d
}

func cloneAttributes(attrs []Attribute) []Attribute {
	out := slices.Clone(attrs)
	for i := range out {
		out[i].Values = slices.Clone(out[i].Values)
	}
	return out
}
