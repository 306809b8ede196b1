package xmlio

import (
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/internal/pipeline"
	"github.com/impexkit/impex/validate"
)

// Record is one unit a Decoder yields: *CustomerRecord, *GroupAssignment,
// *ListRecord or *PaymentCustomer. Switch on the type.
type Record interface {
	// Location says where the record starts in its document.
	Location() validate.Where
	// Problems are the issues found while decoding the record. An error
	// among them means the record cannot be applied as given.
	Problems() []validate.Issue
	record()
}

// CustomerRecord is one <customer> of a customers or customer-list
// document, decoded into a Patch that knows which elements were present: an
// absent element leaves its field out of Patch.Fields ("not given"); an
// empty one gives the field its empty value.
//
// The decoder does the mapping the platform defines, so the Patch holds
// model values: enabled-flag becomes Credentials.Disabled, gender texts
// become codes, a plain-text password (encrypted="false") is already hashed
// with the decoder's hasher, and the deprecated credentials provider-id and
// external-id join the external profiles.
type CustomerRecord struct {
	Where validate.Where
	// Patch holds the given values. Patch.Set.Number is the customer-no
	// attribute, given when the attribute is present. Custom attributes are
	// in Patch.Attributes, element by element.
	Patch customer.Patch
	// Delete is true for mode="delete".
	Delete bool
	// Groups are the group-ids of <customer-groups>, in document order.
	// GroupsGiven reports whether the element was present.
	Groups      []string
	GroupsGiven bool
	// AttributesGiven reports whether <custom-attributes> was present in
	// the profile.
	AttributesGiven bool
	// EmailVerified is the read-only email-verified-flag, nil when absent.
	// Imports never store it.
	EmailVerified *bool
	Issues        []validate.Issue

	// plain holds the plain-text password and answer the record gave, which
	// Patch holds hashed, so that an import can tell them from the ones
	// the customer has (a new salt makes every hash differ). They are
	// never exported, shown or stored.
	plain struct{ password, answer string }
	// item holds the keys and lookup of the record's pipeline item in an
	// import, which the record outlives (see importer.item).
	item struct {
		keys   [2]pipeline.Key
		lookup [1]customer.Lookup
	}
}

// GroupAssignment is one <group-assignment> of a customers document: it
// assigns customer CustomerNo to the static group GroupID, or with Delete
// removes the assignment. A delete with only one of the two removes all
// of that customer's, or that group's, assignments.
type GroupAssignment struct {
	Where      validate.Where
	GroupID    string
	CustomerNo string
	Delete     bool
	Issues     []validate.Issue
}

// ListRecord is the settings of one customer list: the <header> of a
// customer-list document (its ID is the root's list-id), or one
// <customer-list> of a customer-lists document.
type ListRecord struct {
	Where    validate.Where
	Settings customer.ListSettings
	// Delete is true for mode="delete" (customer-lists documents only).
	Delete bool
	Issues []validate.Issue
}

// Location returns where the record starts.
func (r *CustomerRecord) Location() validate.Where { return r.Where }

// Location returns where the record starts.
func (r *GroupAssignment) Location() validate.Where { return r.Where }

// Location returns where the record starts.
func (r *ListRecord) Location() validate.Where { return r.Where }

// Location returns where the record starts.
func (r *PaymentCustomer) Location() validate.Where { return r.Where }

// Problems returns the issues found while decoding.
func (r *CustomerRecord) Problems() []validate.Issue { return r.Issues }

// Problems returns the issues found while decoding.
func (r *GroupAssignment) Problems() []validate.Issue { return r.Issues }

// Problems returns the issues found while decoding.
func (r *ListRecord) Problems() []validate.Issue { return r.Issues }

// Problems returns the issues found while decoding.
func (r *PaymentCustomer) Problems() []validate.Issue { return r.Issues }

func (*CustomerRecord) record()  {}
func (*GroupAssignment) record() {}
func (*ListRecord) record()      {}
func (*PaymentCustomer) record() {}

// PaymentCustomer is one <customer> of a customer payment instrument
// document (customerpaymentinstrument.xsd). The customer model has no place
// for payment instruments, so they live here; imports do not store them.
type PaymentCustomer struct {
	Where validate.Where
	// Number is the required customer-no.
	Number string
	// Instruments are the customer's payment instruments in order.
	// InstrumentsGiven reports whether <payment-instruments> was present.
	Instruments      []PaymentInstrument
	InstrumentsGiven bool
	Issues           []validate.Issue
}

// PaymentInstrument is one stored payment instrument. At most one of the
// method pointers is set; an instrument may have none.
type PaymentInstrument struct {
	CreditCard      *CreditCard
	BankTransfer    *BankTransfer
	BillMeLater     *BillMeLater
	GiftCertificate *GiftCertificate
	CustomMethod    *CustomMethod
	// EKID is the ek-id: the serial of the key that encrypted the card
	// number, -1 for none; nil when absent.
	EKID *int
}

// CreditCard is a stored card. CardNumber may be encrypted (see EKID) or
// masked; it is never shown in an issue.
type CreditCard struct {
	CardType        string
	CardNumber      string
	CardToken       string
	CardHolder      string
	FromMonth       *int
	FromYear        *int
	ExpirationMonth *int
	ExpirationYear  *int
	IssueNumber     string
	Attributes      []customer.Attribute
}

// BankTransfer is a stored bank account.
type BankTransfer struct {
	AccountNumber           string
	AccountHolder           string
	RoutingNumber           string
	DriversLicense          string
	DriversLicenseStateCode string
	Attributes              []customer.Attribute
}

// BillMeLater is a stored Bill Me Later account; it carries only custom
// attributes.
type BillMeLater struct {
	Attributes []customer.Attribute
}

// GiftCertificate is a stored gift certificate.
type GiftCertificate struct {
	ID         string
	Attributes []customer.Attribute
}

// CustomMethod is a merchant-defined payment method.
type CustomMethod struct {
	MethodName string
	Attributes []customer.Attribute
}
