package xmlio

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/validate"
)

// customer decodes the <customer> element just opened.
func (d *Decoder) customer() *CustomerRecord {
	out := d.customerRecord()
	r := d.newRec(countCustomer, &out.Issues)
	p := &out.Patch
	if no, ok := attr(d.sc, "customer-no"); ok {
		p.Set.Number = d.texts.string(no)
		p.Give(customer.FieldNumber)
		r.checkLen("", "customer-no", p.Set.Number, validate.MaxXSDCustomerNo)
	}
	out.Delete = r.deleteMode("")
	out.Where = r.where
	r.children("", func(name string) {
		switch name {
		case "credentials":
			d.credentials(r, out)
		case "profile":
			d.profile(r, out)
		case "external-profiles":
			p.Give(customer.FieldExternalProfiles)
			p.Set.Credentials.ExternalProfiles = append(p.Set.Credentials.ExternalProfiles, d.externalProfiles(r)...)
		case "addresses":
			p.Give(customer.FieldAddresses)
			p.Set.Addresses = d.addresses(r)
		case "customer-groups":
			out.GroupsGiven = true
			r.children("customer-groups", func(name string) {
				if name != "customer-group" {
					r.unknown("customer-groups")
					return
				}
				id, ok := attr(d.sc, "group-id")
				if !ok || len(bytes.TrimSpace(id)) == 0 {
					r.add(validate.CodeXMLMissing, "customer-groups/customer-group", "group-id", "", validate.Params{Name: "group-id"})
				} else {
					out.Groups = append(out.Groups, string(id))
				}
				d.skipEmpty(r, "customer-groups/customer-group")
			})
		case "note":
			p.Give(customer.FieldNote)
			p.Set.Note = r.str("", "note", "note", validate.MaxXSDText)
		case "global-party-id":
			p.Give(customer.FieldGlobalPartyID)
			p.Set.GlobalPartyID = r.str("", "global-party-id", "globalPartyId", validate.MaxXSDString)
		default:
			r.unknown("")
		}
	})
	return out
}

// customerRecord returns an empty record to decode into: a spare one, when
// the import has one.
func (d *Decoder) customerRecord() *CustomerRecord {
	if d.spare != nil {
		if r, ok := d.spare.Get().(*CustomerRecord); ok {
			return r
		}
	}
	return new(CustomerRecord)
}

// skipEmpty reads past an element that should have no content, reporting
// any it has.
func (d *Decoder) skipEmpty(r rec, path string) {
	if s := r.leaf(path, ""); strings.TrimSpace(s) != "" {
		r.add(validate.CodeXMLUnknownElement, path, "", "", validate.Params{Name: "text"})
	}
}

func (d *Decoder) credentials(r rec, out *CustomerRecord) {
	p := &out.Patch
	const base = "credentials"
	var legacy customer.ExternalProfile
	r.children("credentials", func(name string) {
		switch name {
		case "login":
			p.Give(customer.FieldLogin)
			s := r.leaf(base, name)
			p.Set.Credentials.Login = s
			if s != "" {
				if _, code := validate.Login(s); code != "" {
					r.add(code, joinPath(base, name), "login", s, validate.Params{Max: validate.MaxXSDString})
				}
			}
		case "password":
			d.password(r, out)
		case "enabled-flag":
			if b, ok := r.boolean(base, name, "enabled"); ok {
				p.Give(customer.FieldDisabled)
				p.Set.Credentials.Disabled = !b
			}
		case "password-question":
			p.Give(customer.FieldQuestion)
			p.Set.Credentials.Question = r.str(base, name, "question", validate.MaxXSDString)
		case "password-answer":
			p.Give(customer.FieldAnswer)
			s := r.secret(base, name)
			p.Set.Credentials.Answer = d.hashAnswer(r, s)
			if p.Set.Credentials.Answer.Hash != s {
				out.plain.answer = s
			}
		case "provider-id":
			legacy.ProviderID = r.str(base, name, "providerId", validate.MaxXSDString)
		case "external-id":
			legacy.ExternalID = r.str(base, name, "externalId", validate.MaxXSDString)
		default:
			r.unknown("credentials")
		}
	})
	if legacy.ProviderID != "" || legacy.ExternalID != "" {
		// The deprecated pair is what an external profile now holds.
		p.Give(customer.FieldExternalProfiles)
		for _, e := range p.Set.Credentials.ExternalProfiles {
			if e.ProviderID == legacy.ProviderID && e.ExternalID == legacy.ExternalID {
				return
			}
		}
		p.Set.Credentials.ExternalProfiles = append(p.Set.Credentials.ExternalProfiles, legacy)
	}
}

// password reads <password>. An encrypted one is kept with its scheme; a
// plain one is hashed at once.
func (d *Decoder) password(r rec, out *CustomerRecord) {
	const path = "credentials/password"
	enc, hasEnc := attr(d.sc, "encrypted")
	scheme, hasScheme := attr(d.sc, "encryptionScheme")
	encrypted, okEnc := parseBool(string(enc))
	schemeName := schemeOf(scheme)
	value := r.secret(path, "")
	switch {
	case !hasEnc:
		r.add(validate.CodeXMLMissing, path, "password", "", validate.Params{Name: "encrypted"})
		return
	case !okEnc:
		r.add(validate.CodeInvalidValue, path, "password", string(enc), validate.Params{Name: "encrypted", Expected: xsdBoolean})
		return
	}
	p := &out.Patch
	if encrypted {
		s := customer.PasswordScheme(schemeName)
		if !hasScheme || !s.Known() {
			name := strconv.Quote(schemeName)
			switch {
			case !hasScheme:
				name = "(no encryptionScheme attribute)"
			case schemeName == "":
				name = `"" (empty)`
			}
			r.add(validate.CodePasswordScheme, path, "password", "", validate.Params{Name: name, Expected: "md5, scrypt or s0001"})
			return
		}
		h := customer.PasswordHash{Scheme: s, Hash: value}
		if value != "" {
			if err := customer.CheckPasswordHash(h); err != nil {
				// The value may be a plain password: it is never shown.
				why := strings.TrimPrefix(err.Error(), customer.ErrPasswordHashFormat.Error()+": ")
				r.add(validate.CodePasswordHash, path, "password", "", validate.Params{Name: schemeName, Expected: why})
				return
			}
		} else {
			h = customer.PasswordHash{}
		}
		p.Give(customer.FieldPassword)
		p.Set.Credentials.Password = h
		r.checkLen(path, "password", value, validate.MaxXSDString)
		return
	}
	p.Give(customer.FieldPassword)
	p.Set.Credentials.Password = customer.PasswordHash{}
	if value == "" {
		return
	}
	h, err := d.opts.Hasher.Hash(value)
	if err != nil {
		r.add(validate.CodeWriteFailed, path, "password", "", validate.Params{Name: err.Error()})
		return
	}
	p.Set.Credentials.Password = h
	out.plain.password = value
}

// hashAnswer turns a password answer into what the model stores: an
// answer already in the scrypt form this package exports is kept as it is
// (so an export imports unchanged), any other text is hashed.
func (d *Decoder) hashAnswer(r rec, s string) customer.PasswordHash {
	switch {
	case s == "":
		return customer.PasswordHash{}
	case customer.CheckPasswordHash(customer.PasswordHash{Scheme: customer.SchemeScrypt, Hash: s}) == nil:
		return customer.PasswordHash{Scheme: customer.SchemeScrypt, Hash: s}
	}
	h, err := d.opts.Hasher.Hash(s)
	if err != nil {
		r.add(validate.CodeWriteFailed, "credentials/password-answer", "answer", "", validate.Params{Name: err.Error()})
		return customer.PasswordHash{}
	}
	return h
}

func (d *Decoder) profile(r rec, out *CustomerRecord) {
	p := &out.Patch
	s := &p.Set.Profile
	const base = "profile"
	str := func(f customer.Field, dst *string, name, field string, max int) {
		p.Give(f)
		*dst = r.str(base, name, field, max)
	}
	r.children("profile", func(name string) {
		switch name {
		case "salutation":
			str(customer.FieldSalutation, &s.Salutation, name, "salutation", validate.MaxXSDString)
		case "title":
			str(customer.FieldTitle, &s.Title, name, "title", validate.MaxXSDString)
		case "first-name":
			str(customer.FieldFirstName, &s.FirstName, name, "firstName", validate.MaxXSDString)
		case "second-name":
			str(customer.FieldSecondName, &s.SecondName, name, "secondName", validate.MaxXSDString)
		case "last-name":
			str(customer.FieldLastName, &s.LastName, name, "lastName", validate.MaxXSDString)
		case "suffix":
			str(customer.FieldSuffix, &s.Suffix, name, "suffix", validate.MaxXSDString)
		case "company-name":
			str(customer.FieldCompanyName, &s.CompanyName, name, "companyName", validate.MaxXSDString)
		case "job-title":
			str(customer.FieldJobTitle, &s.JobTitle, name, "jobTitle", validate.MaxXSDString)
		case "email":
			str(customer.FieldEmail, &s.Email, name, "email", validate.MaxXSDString)
		case "email-verified-flag":
			// Read-only: kept on the record for the caller, never in the
			// patch.
			if b, ok := r.boolean(base, name, "emailVerified"); ok {
				out.EmailVerified = &b
			}
		case "phone-home":
			str(customer.FieldPhoneHome, &s.Phones.Home, name, "phoneHome", validate.MaxXSDPhone)
		case "phone-business":
			str(customer.FieldPhoneBusiness, &s.Phones.Business, name, "phoneBusiness", validate.MaxXSDPhone)
		case "phone-mobile":
			str(customer.FieldPhoneMobile, &s.Phones.Mobile, name, "phoneMobile", validate.MaxXSDPhone)
		case "fax":
			str(customer.FieldFax, &s.Phones.Fax, name, "fax", validate.MaxXSDPhone)
		case "birthday":
			v := r.leaf(base, name)
			t, ok := parseDate(v)
			if !ok {
				r.add(validate.CodeInvalidDate, joinPath(base, name), "birthday", v, validate.Params{Expected: "an xsd:date such as 1988-10-21"})
				return
			}
			p.Give(customer.FieldBirthday)
			s.Birthday = t
		case "gender":
			v := r.leaf(base, name)
			code, set, bad := validate.Gender(v)
			if bad != "" {
				r.add(bad, joinPath(base, name), "gender", v, validate.Params{Expected: "male, female or an integer"})
				return
			}
			p.Give(customer.FieldGender)
			s.Gender = customer.Gender{Code: code, Valid: set}
		case "creation-date":
			p.Give(customer.FieldCreationDate)
			s.CreationDate = r.dateTime(base, name, "creationDate", true)
		case "last-login-time":
			p.Give(customer.FieldLastLoginTime)
			s.LastLoginTime = r.dateTime(base, name, "lastLoginTime", true)
		case "last-visit-time":
			p.Give(customer.FieldLastVisitTime)
			s.LastVisitTime = r.dateTime(base, name, "lastVisitTime", true)
		case "preferred-locale":
			str(customer.FieldPreferredLocale, &s.PreferredLocale, name, "preferredLocale", validate.MaxXSDShort)
		case "customer-payment-profiles":
			p.Give(customer.FieldPaymentProfiles)
			s.PaymentProfiles = d.paymentProfiles(r)
		case "custom-attributes":
			out.AttributesGiven = true
			p.Attributes = append(p.Attributes, r.attributes(joinPath(base, name))...)
		default:
			r.unknown("profile")
		}
	})
}

func (d *Decoder) externalProfiles(r rec) []customer.ExternalProfile {
	const base = "external-profiles/external-profile"
	var out []customer.ExternalProfile
	r.children("external-profiles", func(name string) {
		if name != "external-profile" {
			r.unknown("external-profiles")
			return
		}
		var e customer.ExternalProfile
		r.children(base, func(name string) {
			switch name {
			case "provider-id":
				e.ProviderID = r.str(base, name, "providerId", validate.MaxXSDString)
			case "external-id":
				e.ExternalID = r.str(base, name, "externalId", validate.MaxXSDString)
			case "email":
				e.Email = r.str(base, name, "email", validate.MaxXSDString)
			case "last-login-time":
				e.LastLoginTime = r.dateTime(base, name, "lastLoginTime", true)
			default:
				r.unknown(base)
			}
		})
		out = append(out, e)
	})
	return out
}

func (d *Decoder) paymentProfiles(r rec) []customer.PaymentProfile {
	const base = "profile/customer-payment-profiles/customer-payment-profile"
	var out []customer.PaymentProfile
	r.children("profile/customer-payment-profiles", func(name string) {
		if name != "customer-payment-profile" {
			r.unknown("profile/customer-payment-profiles")
			return
		}
		var pp customer.PaymentProfile
		for _, a := range [...]struct {
			name string
			dst  *string
		}{{"account-id", &pp.AccountID}, {"account-type", &pp.AccountType}, {"account-customer-id", &pp.AccountCustomerID}} {
			v, ok := attr(d.sc, a.name)
			if !ok {
				r.add(validate.CodeXMLMissing, base, a.name, "", validate.Params{Name: a.name})
			}
			*a.dst = string(v)
		}
		r.children(base, func(name string) {
			if name != "creation-date" {
				r.unknown(base)
				return
			}
			pp.CreationDate = r.dateTime(base, "creation-date", "creationDate", true)
		})
		out = append(out, pp)
	})
	return out
}

// addresses reads <addresses> and settles which address is the default:
// the first marked preferred="true"; failing that, the first that says
// nothing either way. An address marked preferred="false" never becomes
// the default, so a customer whose addresses all say so has none.
func (d *Decoder) addresses(r rec) []customer.Address {
	const base = "addresses/address"
	out, explicit := d.addrs[:0], d.said[:0]
	r.children("addresses", func(name string) {
		if name != "address" {
			r.unknown("addresses")
			return
		}
		var a customer.Address
		id, ok := attr(d.sc, "address-id")
		a.ID = d.texts.string(id)
		if !ok || len(id) == 0 {
			r.add(validate.CodeXMLMissing, base, "address-id", "", validate.Params{Name: "address-id"})
		} else {
			r.checkLen(base, "address-id", a.ID, validate.MaxXSDString)
		}
		said := false
		if v, ok := attr(d.sc, "preferred"); ok {
			b, valid := parseBool(string(v))
			if !valid {
				r.add(validate.CodeInvalidValue, base, "preferred", string(v), validate.Params{Name: "preferred", Expected: xsdBoolean})
			}
			a.Preferred, said = b, true
		}
		d.address(r, &a)
		out = append(out, a)
		explicit = append(explicit, said)
	})
	def := -1
	for i := range out {
		if out[i].Preferred {
			def = i
			break
		}
	}
	if def < 0 {
		for i := range out {
			if !explicit[i] {
				def = i
				break
			}
		}
	}
	for i := range out {
		out[i].Preferred = i == def
	}
	d.addrs, d.said = out, explicit
	if len(out) == 0 {
		return nil
	}
	kept := slices.Clone(out)
	clear(out) // the scratch keeps no values of this customer alive
	return kept
}

func (d *Decoder) address(r rec, a *customer.Address) {
	const base = "addresses/address"
	r.children(base, func(name string) {
		var dst *string
		max := validate.MaxXSDString
		field := name
		switch name {
		case "salutation":
			dst = &a.Salutation
		case "title":
			dst = &a.Title
		case "first-name":
			dst, field = &a.FirstName, "firstName"
		case "second-name":
			dst, field = &a.SecondName, "secondName"
		case "last-name":
			dst, field = &a.LastName, "lastName"
		case "suffix":
			dst = &a.Suffix
		case "company-name":
			dst, field = &a.CompanyName, "companyName"
		case "job-title":
			dst, field = &a.JobTitle, "jobTitle"
		case "address1":
			dst = &a.Address1
		case "address2":
			dst = &a.Address2
		case "suite":
			dst, max = &a.Suite, validate.MaxXSDPhone
		case "postbox":
			dst = &a.Postbox
		case "city":
			dst = &a.City
		case "postal-code":
			dst, field, max = &a.PostalCode, "postalCode", validate.MaxXSDShort
		case "state-code":
			dst, field = &a.StateCode, "stateCode"
		case "country-code":
			dst, field, max = &a.CountryCode, "countryCode", validate.MaxXSDCountryCode
		case "phone":
			dst, max = &a.Phone, validate.MaxXSDPhone
		case "custom-attributes":
			a.Attributes = append(a.Attributes, r.attributes(joinPath(base, name))...)
			return
		default:
			r.unknown("addresses/address")
			return
		}
		*dst = r.str(base, name, field, max)
	})
}

// assignment decodes the <group-assignment> element just opened.
func (d *Decoder) assignment() *GroupAssignment {
	out := &GroupAssignment{}
	r := d.newRec(countAssignment, &out.Issues)
	out.Where = r.where
	if v, ok := attr(d.sc, "group-id"); ok {
		out.GroupID = string(v)
		if len(bytes.TrimSpace(v)) == 0 {
			r.add(validate.CodeRequired, "", "group-id", "", validate.Params{Name: "group-id"})
		}
	}
	if v, ok := attr(d.sc, "customer-no"); ok {
		out.CustomerNo = string(v)
		if len(bytes.TrimSpace(v)) == 0 {
			r.add(validate.CodeRequired, "", "customer-no", "", validate.Params{Name: "customer-no"})
		}
	}
	out.Delete = r.deleteMode("")
	switch {
	case out.GroupID == "" && out.CustomerNo == "":
		r.add(validate.CodeXMLMissing, "", "group-id", "", validate.Params{Name: "group-id, customer-no"})
	case !out.Delete && out.GroupID == "":
		r.add(validate.CodeXMLMissing, "", "group-id", "", validate.Params{Name: "group-id"})
	case !out.Delete && out.CustomerNo == "":
		r.add(validate.CodeXMLMissing, "", "customer-no", "", validate.Params{Name: "customer-no"})
	}
	d.skipEmpty(r, "")
	return out
}

// header decodes a customer-list's <header>.
func (d *Decoder) header() *ListRecord {
	out := &ListRecord{}
	r := d.newRec(countList, &out.Issues)
	out.Where = r.where
	out.Settings.ID = d.listID
	d.listSettings(r, "header", &out.Settings)
	return out
}

// listEntry decodes one <customer-list> of a customer-lists document.
func (d *Decoder) listEntry() *ListRecord {
	out := &ListRecord{}
	r := d.newRec(countList, &out.Issues)
	out.Where = r.where
	id, ok := attr(d.sc, "list-id")
	out.Settings.ID = string(id)
	if !ok || len(bytes.TrimSpace(id)) == 0 {
		r.add(validate.CodeXMLMissing, "", "list-id", "", validate.Params{Name: "list-id"})
	}
	out.Delete = r.deleteMode("")
	d.listSettings(r, "", &out.Settings)
	return out
}

// listSettings reads the fourteen list settings, the children of a header
// or of a customer-lists entry.
func (d *Decoder) listSettings(r rec, path string, s *customer.ListSettings) {
	integer := func(name string, dst **int64) {
		if n, ok := r.integer(path, name, name, 64); ok {
			*dst = &n
		}
	}
	boolean := func(name string, dst **bool) {
		if b, ok := r.boolean(path, name, name); ok {
			*dst = &b
		}
	}
	r.children(path, func(name string) {
		switch name {
		case "description":
			s.Description = r.str(path, name, name, validate.MaxXSDText)
		case "data-retention-days":
			integer(name, &s.DataRetentionDays)
		case "customerno-sequence-enabled":
			boolean(name, &s.CustomerNoSequenceEnabled)
		case "customer-lockout-enabled":
			boolean(name, &s.CustomerLockoutEnabled)
		case "max-failed-logins":
			integer(name, &s.MaxFailedLogins)
		case "lockout-effective-period":
			integer(name, &s.LockoutEffectivePeriod)
		case "customer-login-attempt-reset-time":
			integer(name, &s.CustomerLoginAttemptReset)
		case "min-password-length":
			integer(name, &s.MinPasswordLength)
		case "min-password-special-chars":
			integer(name, &s.MinPasswordSpecialChars)
		case "force-password-contains-alpha":
			boolean(name, &s.ForcePasswordContainsAlpha)
		case "force-password-contains-numeric":
			boolean(name, &s.ForcePasswordContainsNumeric)
		case "force-password-mixed-case":
			boolean(name, &s.ForcePasswordMixedCase)
		case "max-password-age":
			integer(name, &s.MaxPasswordAge)
		case "max-password-reset-token-age":
			integer(name, &s.MaxPasswordResetTokenAge)
		default:
			r.unknown(path)
		}
	})
}

// schemeOf returns an encryptionScheme attribute's value, without an
// allocation for a scheme customer knows.
func schemeOf(v []byte) string {
	if s, ok := customer.SchemeNamed(string(v)); ok {
		return string(s)
	}
	return string(v)
}
