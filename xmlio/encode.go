package xmlio

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
)

// EncodeOptions configure an Encoder.
type EncodeOptions struct {
	// List is the list a customer-list document describes: its ID becomes
	// the root's list-id and its settings the header (written when any is
	// set). Other documents ignore it.
	List customer.ListSettings
}

// Encoder writes one SFCC document, one record at a time, in a fixed
// layout: the same records always give the same bytes. Every text is
// escaped; characters XML cannot carry at all (most control characters)
// are written as U+FFFD. Create it with NewEncoder and finish with Close.
type Encoder struct {
	w       *bufio.Writer
	doc     DocumentKind
	opts    EncodeOptions
	started bool
	closed  bool
	assigns bool // a group-assignment was written; customers may not follow
	err     error
	num     []byte
}

// NewEncoder returns an encoder writing a document of kind doc to w. It
// returns an error wrapping impex.ErrFormat for a kind it cannot write.
func NewEncoder(w io.Writer, doc DocumentKind, opts EncodeOptions) (*Encoder, error) {
	switch doc {
	case DocCustomers, DocCustomerList, DocCustomerLists, DocPaymentInstruments:
	default:
		return nil, fmt.Errorf("%w: xmlio cannot write a %s document", impex.ErrFormat, doc)
	}
	return &Encoder{w: bufio.NewWriterSize(w, 64<<10), doc: doc, opts: opts}, nil
}

// start writes the prolog, the root and, for a customer list, its header.
func (e *Encoder) start() error {
	if e.closed {
		return fmt.Errorf("%w: the encoder is closed", ErrOrder)
	}
	if e.err != nil || e.started {
		return e.err
	}
	e.started = true
	e.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<" + e.doc.Root() + ` xmlns="` + e.doc.Namespace() + `"`)
	if e.doc == DocCustomerList {
		e.raw(` list-id="`)
		e.escape(e.opts.List.ID, true)
		e.raw(`"`)
	}
	e.raw(">\n")
	if e.doc == DocCustomerList && hasSettings(&e.opts.List) {
		e.raw("    <header>\n")
		e.listSettings(&e.opts.List, 2)
		e.raw("    </header>\n")
	}
	return e.err
}

// Close ends the document and flushes it. It writes an empty document when
// nothing was written. It returns the first write error.
func (e *Encoder) Close() error {
	if e.closed {
		return e.err
	}
	if err := e.start(); err != nil {
		return err
	}
	e.closed = true
	e.raw("</" + e.doc.Root() + ">\n")
	if e.err == nil {
		e.err = e.w.Flush()
	}
	return e.err
}

// Flush writes what is buffered to the underlying writer.
func (e *Encoder) Flush() error {
	if e.err == nil {
		e.err = e.w.Flush()
	}
	return e.err
}

// WriteCustomer writes one customer of a customers or customer-list
// document: customer-no, credentials, profile, external profiles,
// addresses, static group memberships (customers documents only: SFCC never
// writes them into a customer list), note and global party id. Elements
// whose value is empty are left out. The password is written as stored,
// always encrypted="true" with its scheme. It returns an error wrapping
// ErrOrder for the wrong document or after a group assignment, and write
// errors.
func (e *Encoder) WriteCustomer(c *customer.Customer) error {
	if e.doc != DocCustomers && e.doc != DocCustomerList {
		return fmt.Errorf("%w: a %s document has no customers of this kind", ErrOrder, e.doc)
	}
	return e.writeCustomerGroups(c, nil)
}

// writeCustomerGroups is WriteCustomer with a filter on the memberships
// written (nil writes them all).
func (e *Encoder) writeCustomerGroups(c *customer.Customer, keep func(string) bool) error {
	if e.assigns {
		return fmt.Errorf("%w: customers come before group assignments", ErrOrder)
	}
	if err := e.start(); err != nil {
		return err
	}
	e.customer(c, e.doc == DocCustomers, keep)
	return e.err
}

// WriteGroupAssignment writes a <group-assignment> of a customers
// document. SFCC never exports these; they are for building import files.
// It returns an error wrapping ErrOrder in another document, and write
// errors.
func (e *Encoder) WriteGroupAssignment(a GroupAssignment) error {
	if e.doc != DocCustomers {
		return fmt.Errorf("%w: only a customers document has group assignments", ErrOrder)
	}
	if err := e.start(); err != nil {
		return err
	}
	e.assigns = true
	e.raw("    <group-assignment")
	if a.Delete {
		e.raw(` mode="delete"`)
	}
	e.attr("group-id", a.GroupID)
	e.attr("customer-no", a.CustomerNo)
	e.raw("/>\n")
	return e.err
}

// WriteList writes one <customer-list> of a customer-lists document. It
// returns an error wrapping ErrOrder in another document, and write
// errors.
func (e *Encoder) WriteList(l ListRecord) error {
	if e.doc != DocCustomerLists {
		return fmt.Errorf("%w: only a customer-lists document has list entries", ErrOrder)
	}
	if err := e.start(); err != nil {
		return err
	}
	e.raw("    <customer-list")
	e.attr("list-id", l.Settings.ID)
	if l.Delete {
		e.raw(` mode="delete"`)
	}
	if !hasSettings(&l.Settings) {
		e.raw("/>\n")
		return e.err
	}
	e.raw(">\n")
	e.listSettings(&l.Settings, 2)
	e.raw("    </customer-list>\n")
	return e.err
}

func hasSettings(s *customer.ListSettings) bool {
	return s.Description != "" || s.DataRetentionDays != nil || s.CustomerNoSequenceEnabled != nil ||
		s.CustomerLockoutEnabled != nil || s.MaxFailedLogins != nil || s.LockoutEffectivePeriod != nil ||
		s.CustomerLoginAttemptReset != nil || s.MinPasswordLength != nil || s.MinPasswordSpecialChars != nil ||
		s.ForcePasswordContainsAlpha != nil || s.ForcePasswordContainsNumeric != nil ||
		s.ForcePasswordMixedCase != nil || s.MaxPasswordAge != nil || s.MaxPasswordResetTokenAge != nil
}

func (e *Encoder) listSettings(s *customer.ListSettings, depth int) {
	e.leaf(depth, "description", s.Description)
	e.intLeaf(depth, "data-retention-days", s.DataRetentionDays)
	e.boolLeaf(depth, "customerno-sequence-enabled", s.CustomerNoSequenceEnabled)
	e.boolLeaf(depth, "customer-lockout-enabled", s.CustomerLockoutEnabled)
	e.intLeaf(depth, "max-failed-logins", s.MaxFailedLogins)
	e.intLeaf(depth, "lockout-effective-period", s.LockoutEffectivePeriod)
	e.intLeaf(depth, "customer-login-attempt-reset-time", s.CustomerLoginAttemptReset)
	e.intLeaf(depth, "min-password-length", s.MinPasswordLength)
	e.intLeaf(depth, "min-password-special-chars", s.MinPasswordSpecialChars)
	e.boolLeaf(depth, "force-password-contains-alpha", s.ForcePasswordContainsAlpha)
	e.boolLeaf(depth, "force-password-contains-numeric", s.ForcePasswordContainsNumeric)
	e.boolLeaf(depth, "force-password-mixed-case", s.ForcePasswordMixedCase)
	e.intLeaf(depth, "max-password-age", s.MaxPasswordAge)
	e.intLeaf(depth, "max-password-reset-token-age", s.MaxPasswordResetTokenAge)
}

func (e *Encoder) customer(c *customer.Customer, withGroups bool, keep func(string) bool) {
	e.raw("    <customer")
	if c.Number != "" {
		e.attr("customer-no", c.Number)
	}
	e.raw(">\n")
	cr := &c.Credentials
	if cr.Login != "" || !cr.Password.IsZero() || cr.Disabled || cr.Question != "" || !cr.Answer.IsZero() {
		e.raw("        <credentials>\n")
		e.text(3, "login", cr.Login)
		if !cr.Password.IsZero() {
			e.indent(3)
			e.raw(`<password encrypted="true"`)
			e.attr("encryptionScheme", string(cr.Password.Scheme))
			e.raw(">")
			e.escape(cr.Password.Hash, false)
			e.raw("</password>\n")
		}
		e.text(3, "enabled-flag", strconv.FormatBool(!cr.Disabled))
		e.leaf(3, "password-question", cr.Question)
		e.leaf(3, "password-answer", cr.Answer.Hash)
		e.raw("        </credentials>\n")
	}
	e.profile(&c.Profile, c.Attributes)
	if len(cr.ExternalProfiles) > 0 {
		e.raw("        <external-profiles>\n")
		for i := range cr.ExternalProfiles {
			x := &cr.ExternalProfiles[i]
			e.raw("            <external-profile>\n")
			e.leaf(4, "provider-id", x.ProviderID)
			e.leaf(4, "external-id", x.ExternalID)
			e.leaf(4, "email", x.Email)
			e.timeLeaf(4, "last-login-time", x.LastLoginTime)
			e.raw("            </external-profile>\n")
		}
		e.raw("        </external-profiles>\n")
	}
	if len(c.Addresses) > 0 {
		e.raw("        <addresses>\n")
		for i := range c.Addresses {
			e.address(&c.Addresses[i])
		}
		e.raw("        </addresses>\n")
	}
	if withGroups {
		n := 0
		for _, g := range c.Groups {
			if keep != nil && !keep(g) {
				continue
			}
			if n == 0 {
				e.raw("        <customer-groups>\n")
			}
			n++
			e.raw("            <customer-group")
			e.attr("group-id", g)
			e.raw("/>\n")
		}
		if n > 0 {
			e.raw("        </customer-groups>\n")
		}
	}
	e.leaf(2, "note", c.Note)
	e.leaf(2, "global-party-id", c.GlobalPartyID)
	e.raw("    </customer>\n")
}

func (e *Encoder) profile(p *customer.Profile, attrs []customer.Attribute) {
	e.raw("        <profile>\n")
	e.leaf(3, "salutation", p.Salutation)
	e.leaf(3, "title", p.Title)
	e.leaf(3, "first-name", p.FirstName)
	e.leaf(3, "second-name", p.SecondName)
	e.leaf(3, "last-name", p.LastName)
	e.leaf(3, "suffix", p.Suffix)
	e.leaf(3, "company-name", p.CompanyName)
	e.leaf(3, "job-title", p.JobTitle)
	e.leaf(3, "email", p.Email)
	if p.EmailVerified != nil {
		e.text(3, "email-verified-flag", strconv.FormatBool(*p.EmailVerified))
	}
	e.leaf(3, "phone-home", p.Phones.Home)
	e.leaf(3, "phone-business", p.Phones.Business)
	e.leaf(3, "phone-mobile", p.Phones.Mobile)
	e.leaf(3, "fax", p.Phones.Fax)
	if !p.Birthday.IsZero() {
		e.text(3, "birthday", p.Birthday.UTC().Format(time.DateOnly)+"Z")
	}
	if p.Gender.Valid {
		e.text(3, "gender", strconv.Itoa(p.Gender.Code))
	}
	e.timeLeaf(3, "creation-date", p.CreationDate)
	e.timeLeaf(3, "last-login-time", p.LastLoginTime)
	e.timeLeaf(3, "last-visit-time", p.LastVisitTime)
	e.leaf(3, "preferred-locale", p.PreferredLocale)
	if len(p.PaymentProfiles) > 0 {
		e.raw("            <customer-payment-profiles>\n")
		for i := range p.PaymentProfiles {
			pp := &p.PaymentProfiles[i]
			e.raw("                <customer-payment-profile")
			e.attr("account-id", pp.AccountID)
			e.attr("account-type", pp.AccountType)
			e.attr("account-customer-id", pp.AccountCustomerID)
			if pp.CreationDate.IsZero() {
				e.raw("/>\n")
				continue
			}
			e.raw(">\n")
			e.timeLeaf(5, "creation-date", pp.CreationDate)
			e.raw("                </customer-payment-profile>\n")
		}
		e.raw("            </customer-payment-profiles>\n")
	}
	e.attributes(3, attrs)
	e.raw("        </profile>\n")
}

func (e *Encoder) address(a *customer.Address) {
	e.raw("            <address")
	e.attr("address-id", a.ID)
	e.attr("preferred", strconv.FormatBool(a.Preferred))
	e.raw(">\n")
	e.leaf(4, "salutation", a.Salutation)
	e.leaf(4, "title", a.Title)
	e.leaf(4, "first-name", a.FirstName)
	e.leaf(4, "second-name", a.SecondName)
	e.leaf(4, "last-name", a.LastName)
	e.leaf(4, "suffix", a.Suffix)
	e.leaf(4, "company-name", a.CompanyName)
	e.leaf(4, "job-title", a.JobTitle)
	e.leaf(4, "address1", a.Address1)
	e.leaf(4, "address2", a.Address2)
	e.leaf(4, "suite", a.Suite)
	e.leaf(4, "postbox", a.Postbox)
	e.leaf(4, "city", a.City)
	e.leaf(4, "postal-code", a.PostalCode)
	e.leaf(4, "state-code", a.StateCode)
	e.leaf(4, "country-code", a.CountryCode)
	e.leaf(4, "phone", a.Phone)
	e.attributes(4, a.Attributes)
	e.raw("            </address>\n")
}

// attributes writes <custom-attributes>. A single value that is not blank
// is written as text content, as SFCC does; any other list as <value>
// elements, so every list of values reads back the same. An attribute with
// no values is left out: reading one back removes it.
func (e *Encoder) attributes(depth int, attrs []customer.Attribute) {
	n := 0
	for i := range attrs {
		a := &attrs[i]
		if len(a.Values) == 0 {
			continue
		}
		if n == 0 {
			e.indent(depth)
			e.raw("<custom-attributes>\n")
		}
		n++
		e.indent(depth + 1)
		e.raw("<custom-attribute")
		e.attr("attribute-id", a.ID)
		if a.Lang != "" {
			e.attr("xml:lang", a.Lang)
		}
		e.raw(">")
		if len(a.Values) == 1 && !isSpaceOnly(a.Values[0]) {
			e.escape(a.Values[0], false)
		} else {
			e.raw("\n")
			for _, v := range a.Values {
				e.text(depth+2, "value", v)
			}
			e.indent(depth + 1)
		}
		e.raw("</custom-attribute>\n")
	}
	if n > 0 {
		e.indent(depth)
		e.raw("</custom-attributes>\n")
	}
}

func isSpaceOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && c != '\n' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

const spaces = "                                                                "

func (e *Encoder) indent(depth int) { e.raw(spaces[:4*depth]) }

// leaf writes <name>value</name>, or nothing for an empty value.
func (e *Encoder) leaf(depth int, name, value string) {
	if value != "" {
		e.text(depth, name, value)
	}
}

// text writes <name>value</name>, even for an empty value.
func (e *Encoder) text(depth int, name, value string) {
	e.indent(depth)
	e.open(name)
	e.escape(value, false)
	e.close(name)
}

func (e *Encoder) intLeaf(depth int, name string, v *int64) {
	if v != nil {
		e.num = strconv.AppendInt(e.num[:0], *v, 10)
		e.numText(depth, name)
	}
}

// numText writes <name>e.num</name>: a number or time, which needs no
// escaping.
func (e *Encoder) numText(depth int, name string) {
	e.indent(depth)
	e.open(name)
	if e.err == nil {
		_, e.err = e.w.Write(e.num)
	}
	e.close(name)
}

func (e *Encoder) boolLeaf(depth int, name string, v *bool) {
	if v != nil {
		e.text(depth, name, strconv.FormatBool(*v))
	}
}

// timeLeaf writes a time in UTC with as many fractional digits as it has.
func (e *Encoder) timeLeaf(depth int, name string, t time.Time) {
	if t.IsZero() {
		return
	}
	e.num = t.UTC().AppendFormat(e.num[:0], time.RFC3339Nano)
	e.numText(depth, name)
}

// open writes <name>.
func (e *Encoder) open(name string) {
	e.w.WriteByte('<')
	e.w.WriteString(name)
	e.w.WriteByte('>')
}

// close writes </name> and a line end.
func (e *Encoder) close(name string) {
	e.w.WriteString("</")
	e.w.WriteString(name)
	e.raw(">\n")
}

// attr writes ` name="value"`.
func (e *Encoder) attr(name, value string) {
	e.w.WriteByte(' ')
	e.w.WriteString(name)
	e.raw(`="`)
	e.escape(value, true)
	e.raw(`"`)
}

func (e *Encoder) raw(s string) {
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
}

// escape writes s as character data, or as an attribute value when inAttr.
// Attribute values also escape quotes, tabs and line ends, which a reader
// would otherwise normalise to spaces.
func (e *Encoder) escape(s string, inAttr bool) {
	if e.err != nil {
		return
	}
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		var esc string
		if c < utf8.RuneSelf {
			switch {
			case c == '&':
				esc = "&amp;"
			case c == '<':
				esc = "&lt;"
			case c == '>':
				esc = "&gt;"
			case c == '"' && inAttr:
				esc = "&quot;"
			case c == '\r':
				esc = "&#xD;"
			case c == '\n' && inAttr:
				esc = "&#xA;"
			case c == '\t' && inAttr:
				esc = "&#x9;"
			case c < 0x20 && c != '\n' && c != '\t':
				esc = "\uFFFD"
			default:
				i++
				continue
			}
			e.w.WriteString(s[last:i])
			e.w.WriteString(esc)
			i++
			last = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || !xmlChar(r) {
			e.w.WriteString(s[last:i])
			e.w.WriteString("\uFFFD")
			i += n
			last = i
			continue
		}
		i += n
	}
	_, e.err = e.w.WriteString(s[last:])
}

func xmlChar(r rune) bool {
	return r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= utf8.MaxRune
}
