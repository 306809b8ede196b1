package excelio

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/impexkit/impex/cards"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/internal/pipeline"
	"github.com/impexkit/impex/validate"
)

// valueKind is how a column's cells are read and written.
type valueKind uint8

const (
	// textKind cells hold free text; a number cell is taken as its text.
	textKind valueKind = iota
	// idKind cells hold identifier-like text (numbers, cards, phones,
	// postal codes, SSNs, tax codes): written as text cells, and a numeric
	// cell that lost digits (exponent or fraction) is a row error.
	idKind
	// boolKind cells hold TRUE or FALSE.
	boolKind
)

// onEmpty says what an empty cell does.
type onEmpty uint8

const (
	emptyClear       onEmpty = iota // clear the value (false for a flag, the card removed)
	emptyKeep                       // leave the stored value
	emptyReject                     // the row is rejected: the value is required
	emptyDefault                    // a new customer gets the default (none, false, the next number)
	emptyNewCustomer                // the row names no customer: it creates one (the id column)
)

// role marks the few columns the import and export plan around: the row's
// keys and the columns whose values are not a plain field of the customer.
// Code asks a column's role, never its name.
type role uint8

const (
	roleField      role = iota // a plain field: get and set say it all
	roleID                     // id: names the customer the row is about
	roleNumber                 // sequenceNumber: names or numbers the customer
	roleEmail                  // email: the key with ImportOptions.MatchByEmail
	roleSSN                    // ssn: hashed, compared by hash, unique
	roleCard                   // customerCard:{n}: one card, generate() allowed
	roleIdentifier             // identifier:{type}: one custom identifier
	roleAddress                // address:{n}:{field}: one field of address n
	roleGroup                  // group:{id}: membership of a static group
)

// onMissing says what a column missing from the file does.
type onMissing uint8

const (
	// missingUntouched: the value is left as it is, the stored one for an
	// existing customer and the default (none, false, the next number)
	// for a new one.
	missingUntouched onMissing = iota
	missingRowError            // a row creating a customer is rejected
	missingFileError           // the file is rejected as a whole
)

// column is one column of a schema, as data: how its cells are read,
// checked and applied, what a missing column or an empty cell means, and
// how it is exported. A column with a param (customerCard:{n}) is a
// pattern; param is the text after the prefix.
type column struct {
	// name is the header, or the prefix (ending in ":") of a pattern.
	name    string
	pattern bool
	role    role
	kind    valueKind
	secret  bool
	// unique: a value may appear once in a file (an id, number, e-mail,
	// card or identity number); a second row with it is a duplicate.
	unique bool
	// key returns the in-file key a value of a unique column makes, and
	// false when the value makes none; nil keys the value as it is. The
	// identity number's key, its hash, needs the import's options and is
	// made by the import (roleSSN).
	key func(v string) (pipeline.Key, bool)
	// lookup is the store key a value names a customer by, which planning
	// looks up; "" for none.
	lookup customer.Key
	// rule checks and normalises a non-empty cell.
	rule validate.Rule
	// The four cells of the column's row in DESIGN 6.2's table (and the
	// package doc's): what a missing column and what an empty cell mean,
	// for an existing and for a new customer. The zero values are those
	// of most columns: a missing column leaves the value untouched, and an
	// empty cell clears an existing customer's value; every column sets
	// emptyNew.
	missingExisting, missingNew onMissing
	emptyExisting, emptyNew     onEmpty
	// get returns a plain column's value as the export writes it ("" for
	// none; "true"/"false" for flags).
	get func(c *customer.Customer) string
	// set applies a checked value of a plain column to the patch; value
	// is "" to clear.
	set func(p *rowPatch, value string)
	// bindParam binds a pattern to the param of one header, parsing it
	// once; its error says why the import does not accept the param.
	bindParam func(param string) (binding, error)
}

// binding is a column bound to one header: get and set with the header's
// parameter already parsed, and the kind and rule of its cells (which
// differ per address field).
type binding struct {
	get  func(c *customer.Customer) string
	set  func(p *rowPatch, value string)
	kind valueKind
	rule validate.Rule
	n    int // the card or address number of a customerCard or address column
}

// bind binds c to the header with the param (empty for a plain column).
func (c *column) bind(param string) (binding, error) {
	if c.bindParam == nil {
		return binding{get: c.get, set: c.set, kind: c.kind, rule: c.rule}, nil
	}
	b, err := c.bindParam(param)
	if b.rule == nil && b.kind == c.kind {
		b.rule = c.rule
	}
	return b, err
}

// rowPatch collects what one row changes.
type rowPatch struct {
	customer.Patch
	addresses []addressCell
	// removeAddress holds the address numbers whose cells are all empty.
	removeAddress []int
	generate      map[int]validate.Where // the cells asking for generate(), by card index (0-based)
}

// addressCell is one address column's value in a row: field is an index
// into addressFields.
type addressCell struct {
	n, field int
	v        string
}

// Schema is one of the two workbook layouts. It is a value: the column list
// is data (see the package documentation for the rules of each column).
type Schema struct {
	kind    customer.Kind
	columns []*column
}

// Kind returns the kind of customer the schema holds.
func (s *Schema) Kind() customer.Kind { return s.kind }

// FileName returns the workbook's name inside the export ZIP: its sheet
// name with the .xlsx extension.
func (s *Schema) FileName() string { return s.SheetName() + ".xlsx" }

// SheetName returns the name of the workbook's worksheet.
func (s *Schema) SheetName() string {
	if s.kind == customer.KindCompany {
		return "Company Customers"
	}
	return "Person Customers"
}

// lookup returns the column for a header and its param.
func (s *Schema) lookup(header string) (*column, string, bool) {
	for _, c := range s.columns {
		if c.pattern {
			if param, ok := strings.CutPrefix(header, c.name); ok && param != "" {
				return c, param, true
			}
		} else if c.name == header {
			return c, "", true
		}
	}
	return nil, "", false
}

// flag is the column of one customer flag.
func flag(name string, field customer.Field, get func(*customer.Flags) *bool) *column {
	return &column{
		name:          name,
		kind:          boolKind,
		rule:          validate.BooleanRule,
		emptyExisting: emptyClear, emptyNew: emptyDefault,
		get: func(c *customer.Customer) string { return strconv.FormatBool(*get(&c.Flags)) },
		set: func(p *rowPatch, v string) {
			p.Give(field)
			*get(&p.Set.Flags) = v == "true"
		},
	}
}

// textField is the column of one text field of the customer, optional
// unless made required.
func textField(name string, field customer.Field, kind valueKind, rule validate.Rule, get func(*customer.Customer) *string) *column {
	return &column{
		name: name, kind: kind, rule: rule, emptyExisting: emptyClear, emptyNew: emptyDefault,
		get: func(c *customer.Customer) string { return *get(c) },
		set: func(p *rowPatch, v string) {
			p.Give(field)
			*get(&p.Set) = v
		},
	}
}

// lookedUp makes c a column whose values planning looks up in the store
// by key.
func lookedUp(key customer.Key, c *column) *column {
	c.lookup = key
	return c
}

// required makes c a column every customer needs a value in: an empty cell
// rejects any row, and a missing column a new customer's.
func required(c *column) *column {
	c.missingNew, c.emptyExisting, c.emptyNew = missingRowError, emptyReject, emptyReject
	return c
}

// positive reads the {n} of a card or address column: a number from 1 to
// maxIndex, written without a sign or leading zero.
func positive(param string) (int, error) {
	n, err := strconv.Atoi(param)
	if err != nil || n > maxIndex || param[0] < '1' || param[0] > '9' {
		return 0, fmt.Errorf("%q is not a number from 1 to %d", param, maxIndex)
	}
	return n, nil
}

// maxIndex bounds the {n} of card and address columns.
const maxIndex = 99

// addressFields are the parts of an address the Excel schema carries, in
// export order, with the rule each value passes.
var addressFields = []struct {
	name string
	kind valueKind
	rule validate.Rule
	get  func(a *customer.Address) *string
}{
	{"id", textKind, validate.MaxLen(validate.MaxXSDString), func(a *customer.Address) *string { return &a.ID }},
	{"firstName", textKind, validate.MaxLen(validate.MaxXSDString), func(a *customer.Address) *string { return &a.FirstName }},
	{"lastName", textKind, validate.MaxLen(validate.MaxXSDString), func(a *customer.Address) *string { return &a.LastName }},
	{"companyName", textKind, validate.MaxLen(validate.MaxXSDString), func(a *customer.Address) *string { return &a.CompanyName }},
	{"address1", textKind, validate.MaxLen(validate.MaxXSDString), func(a *customer.Address) *string { return &a.Address1 }},
	{"address2", textKind, validate.MaxLen(validate.MaxXSDString), func(a *customer.Address) *string { return &a.Address2 }},
	{"postalCode", idKind, validate.MaxLen(10), func(a *customer.Address) *string { return &a.PostalCode }},
	{"city", textKind, validate.MaxLen(validate.MaxXSDString), func(a *customer.Address) *string { return &a.City }},
	{"stateCode", textKind, validate.MaxLen(validate.MaxXSDString), func(a *customer.Address) *string { return &a.StateCode }},
	{"countryCode", textKind, validate.Func(validate.Country), func(a *customer.Address) *string { return &a.CountryCode }},
	{"phone", idKind, validate.MaxLen(32), func(a *customer.Address) *string { return &a.Phone }},
	{"preferred", boolKind, validate.BooleanRule, nil},
}

// addressParam splits "{n}:{field}" into the address number and the
// field's index in addressFields.
func addressParam(param string) (n, field int, err error) {
	ns, name, ok := strings.Cut(param, ":")
	if !ok {
		return 0, 0, fmt.Errorf("%q is not {n}:{field}", param)
	}
	if n, err = positive(ns); err != nil {
		return 0, 0, err
	}
	for i, f := range addressFields {
		if f.name == name {
			return n, i, nil
		}
	}
	return 0, 0, fmt.Errorf("%q is not an address field", name)
}

// kindOnlyHeaders returns the headers of the columns that the person
// schema has and the company schema lacks, and the other way round.
func kindOnlyHeaders() (person, company []string) {
	only := func(s, other *Schema) []string {
		var out []string
		for _, c := range s.columns {
			if _, _, ok := other.lookup(c.name); !ok && !c.pattern {
				out = append(out, c.name)
			}
		}
		return out
	}
	p, c := newSchema(customer.KindPerson, &schemaOptions{}), newSchema(customer.KindCompany, &schemaOptions{})
	return only(p, c), only(c, p)
}

// newSchema builds the person or company schema. Validation rules that
// depend on options (SSN country, phone region, the clock) come from opts.
func newSchema(kind customer.Kind, opts *schemaOptions) *Schema {
	nameRule := validate.Chain(validate.SingleLine, validate.MaxLen(validate.MaxXSDString))
	cols := []*column{
		// id and sequenceNumber are the row's keys; import handles them.
		{name: "id", role: roleID, kind: idKind, unique: true, lookup: customer.KeyID, missingExisting: missingFileError, missingNew: missingFileError,
			emptyExisting: emptyNewCustomer, emptyNew: emptyNewCustomer, get: func(c *customer.Customer) string { return c.ID }},
		{name: "sequenceNumber", role: roleNumber, kind: idKind, unique: true, lookup: customer.KeyNumber, emptyExisting: emptyKeep, emptyNew: emptyDefault,
			rule: validate.Chain(validate.NoEdgeSpace, validate.MaxLen(100)),
			get:  func(c *customer.Customer) string { return c.Number },
			set: func(p *rowPatch, v string) {
				p.Give(customer.FieldNumber)
				p.Set.Number = v
			}},
		{name: "email", role: roleEmail, key: func(v string) (pipeline.Key, bool) {
			return pipeline.Key{Kind: "email", Value: customer.FoldEmail(v)}, true
		},
			kind: textKind, unique: true, lookup: customer.KeyEmail, missingNew: missingRowError, emptyExisting: emptyKeep, emptyNew: emptyDefault,
			rule: validate.EmailRule(),
			get:  func(c *customer.Customer) string { return c.Profile.Email },
			set: func(p *rowPatch, v string) {
				p.Give(customer.FieldEmail)
				p.Set.Profile.Email = v
			}},
	}
	if kind == customer.KindPerson {
		cols = append(cols,
			required(textField("firstName", customer.FieldFirstName, textKind, nameRule,
				func(c *customer.Customer) *string { return &c.Profile.FirstName })),
			required(textField("lastName", customer.FieldLastName, textKind, nameRule,
				func(c *customer.Customer) *string { return &c.Profile.LastName })),
			&column{name: "ssn", role: roleSSN, kind: idKind, secret: true, unique: true, lookup: customer.Key(customer.IdentSSNHash), emptyExisting: emptyClear, emptyNew: emptyDefault,
				get: func(c *customer.Customer) string { return c.Identifiers.SSNHash },
				set: func(p *rowPatch, v string) { p.Give(customer.FieldSSNHash); p.Set.Identifiers.SSNHash = v }},
		)
	} else {
		cols = append(cols,
			required(textField("companyName", customer.FieldCompanyName, textKind, nameRule,
				func(c *customer.Customer) *string { return &c.Profile.CompanyName })),
			required(textField("taxCode", customer.FieldTaxCode, idKind, validate.VATRule(),
				func(c *customer.Customer) *string { return &c.Profile.TaxCode })),
		)
	}
	cols = append(cols,
		flag("gdprRestricted", customer.FieldGDPRRestricted, func(f *customer.Flags) *bool { return &f.GDPRRestricted }),
		textField("customNote", customer.FieldNote, textKind, validate.CustomNote(), func(c *customer.Customer) *string { return &c.Note }),
		flag("creditAllowed", customer.FieldCreditAllowed, func(f *customer.Flags) *bool { return &f.CreditAllowed }),
		flag("marketingSms", customer.FieldMarketingSMS, func(f *customer.Flags) *bool { return &f.MarketingSMS }),
		flag("marketingEmail", customer.FieldMarketingEmail, func(f *customer.Flags) *bool { return &f.MarketingEmail }),
		lookedUp(customer.Key(customer.IdentExternal), textField("externalId", customer.FieldExternalID, idKind,
			validate.Chain(validate.NoEdgeSpace, validate.MaxLen(validate.MaxXSDString)),
			func(c *customer.Customer) *string { return &c.Identifiers.ExternalID })),
		textField("phone", customer.FieldPhoneMobile, idKind, validate.PhoneRule(opts.phoneRegion),
			func(c *customer.Customer) *string { return &c.Profile.Phones.Mobile }),
		textField("language", customer.FieldPreferredLocale, textKind, validate.Memo(validate.Func(validate.Locale), 256),
			func(c *customer.Customer) *string { return &c.Profile.PreferredLocale }),
		&column{name: "customerCard:", role: roleCard,
			// generate() asks for a card; it is no card yet.
			key: func(v string) (pipeline.Key, bool) {
				return pipeline.Key{Kind: "customerCard", Value: v}, !cards.IsGenerate(v)
			},
			pattern: true, kind: idKind, unique: true, lookup: customer.Key(customer.IdentCard), emptyExisting: emptyClear, emptyNew: emptyDefault,
			rule: validate.Chain(validate.NoEdgeSpace, validate.MaxLen(validate.MaxXSDString)),
			bindParam: func(param string) (binding, error) {
				n, err := positive(param)
				return binding{n: n, kind: idKind,
					get: func(c *customer.Customer) string {
						if n <= len(c.Identifiers.Cards) {
							return c.Identifiers.Cards[n-1]
						}
						return ""
					},
					set: func(p *rowPatch, v string) {
						if p.Cards == nil {
							p.Cards = make(map[int]string)
						}
						p.Cards[n-1] = v
					}}, err
			}},
		&column{name: "identifier:", role: roleIdentifier, pattern: true, kind: idKind, emptyExisting: emptyClear, emptyNew: emptyDefault,
			rule: validate.Chain(validate.NoEdgeSpace, validate.MaxLen(validate.MaxXSDString)),
			bindParam: func(param string) (binding, error) {
				b := binding{kind: idKind,
					get: func(c *customer.Customer) string { return c.Identifiers.Custom[param] },
					set: func(p *rowPatch, v string) {
						if p.Identifiers == nil {
							p.Identifiers = make(map[string]string)
						}
						p.Identifiers[param] = v
					}}
				switch customer.IdentifierType(param) {
				case customer.IdentCard, customer.IdentSSNHash, customer.IdentExternal:
					// The binding still reads the value, for an export
					// of whatever the store holds.
					return b, fmt.Errorf("%q has its own column", param)
				}
				return b, nil
			}},
		&column{name: "address:", role: roleAddress, pattern: true, kind: textKind, emptyExisting: emptyClear, emptyNew: emptyDefault,
			bindParam: func(param string) (binding, error) {
				n, field, err := addressParam(param)
				if err != nil {
					return binding{}, err
				}
				f := &addressFields[field]
				return binding{n: n, kind: f.kind, rule: f.rule,
					get: func(c *customer.Customer) string {
						if n > len(c.Addresses) {
							return ""
						}
						a := &c.Addresses[n-1]
						if f.name == "preferred" {
							return strconv.FormatBool(a.Preferred)
						}
						return *f.get(a)
					},
					set: func(p *rowPatch, v string) {
						p.addresses = append(p.addresses, addressCell{n: n, field: field, v: v})
					}}, nil
			}},
		&column{name: "group:", role: roleGroup, pattern: true, kind: boolKind, emptyExisting: emptyKeep, emptyNew: emptyDefault,
			rule: validate.BooleanRule,
			bindParam: func(param string) (binding, error) {
				return binding{kind: boolKind,
					get: func(c *customer.Customer) string { return strconv.FormatBool(c.InGroup(param)) },
					set: func(p *rowPatch, v string) {
						if p.Groups == nil {
							p.Groups = make(map[string]bool)
						}
						p.Groups[param] = v == "true"
					}}, nil
			}},
	)
	return &Schema{kind: kind, columns: cols}
}

// schemaOptions are the import settings the schema's rules depend on.
type schemaOptions struct {
	phoneRegion string
}

// applyAddresses merges a row's address cells into the customer's address
// book: address n gets the given fields, and an address whose cells in the
// row are all empty is removed. New addresses are added at the end, named
// by their number unless the row gives an id.
func applyAddresses(existing []customer.Address, cells []addressCell, remove []int) []customer.Address {
	out := slices.Clone(existing)
	for i := range out {
		out[i].Attributes = slices.Clone(out[i].Attributes)
	}
	slices.SortStableFunc(cells, func(a, b addressCell) int { return cmp.Compare(a.n, b.n) })
	for _, c := range cells {
		if slices.Contains(remove, c.n) {
			continue
		}
		for len(out) < c.n {
			out = append(out, customer.Address{ID: strconv.Itoa(len(out) + 1)})
		}
		a := &out[c.n-1]
		switch f := &addressFields[c.field]; {
		case f.name == "preferred":
			a.Preferred = c.v == "true"
		case f.name == "id" && c.v == "":
			// an address keeps its ID
		default:
			*f.get(a) = c.v
		}
	}
	kept := out[:0]
	for i, a := range out {
		if !slices.Contains(remove, i+1) {
			kept = append(kept, a)
		}
	}
	return kept
}
