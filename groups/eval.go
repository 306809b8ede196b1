package groups

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/internal/days"
	"github.com/impexkit/impex/validate"
)

// Subject is what a rule is evaluated against: a customer (nil for an
// anonymous visitor), the storefront session and the current request.
type Subject struct {
	Customer *customer.Customer
	Session  Session
	Request  Request
	// Groups are further group IDs the subject is known to belong to, such
	// as dynamic groups computed elsewhere. customer.customerGroups consults
	// them besides the customer's static groups and the system groups; a
	// Set adds the dynamic groups it evaluates itself.
	Groups []string
}

// Session is the storefront session a rule's session.* paths read.
type Session struct {
	// Authenticated is true when the customer has logged in.
	Authenticated bool
	// AgentUserAuthenticated is true when a call-centre agent is logged in
	// on the customer's behalf.
	AgentUserAuthenticated bool
	// Currency is the session currency code, such as "EUR".
	Currency string
	// ReferrerURL is the URL the visitor came from; ReferrerHost its host
	// and ReferrerKeywords the search words it carried. The engine does not
	// derive one from another: set what is known.
	ReferrerURL      string
	ReferrerHost     string
	ReferrerKeywords string
	// SourceCodeGroup is the ID of the source code group of the session.
	SourceCodeGroup string
	// Store is the ID of the store selected in the session.
	Store string
	// Custom are the session's custom attributes, as texts.
	Custom []customer.Attribute
}

// Request is the current request a rule's request.* paths read.
type Request struct {
	// Locale is the request locale as SFCC writes it, such as "en_US".
	Locale string
	// Geolocation is where the request comes from; nil when unknown.
	Geolocation *Geolocation
}

// Geolocation is the location of a request.
type Geolocation struct {
	CountryCode string
	RegionCode  string
	City        string
	PostalCode  string
	Latitude    float64
	Longitude   float64
}

// env is one evaluation: the subject, today's day number, and the groups
// found so far by a Set. It lives on the caller's stack.
type env struct {
	s     *Subject
	c     *customer.Customer
	opts  *Options
	today int64
	// set, bits and found serve customer.customerGroups inside a Set
	// evaluation: bit j of bits is set when the set's dynamic group j (in
	// evaluation order) was found to match, and found holds the IDs of the
	// matching groups beyond the bits' reach.
	set   *Set
	bits  [bitGroups / 64]uint64
	found []string
}

// bitGroups is how many dynamic groups of a Set the evaluation tracks in
// env.bits.
const bitGroups = 256

// val is an attribute's value as the evaluator reads it. Which field holds
// it follows from the attribute's type; texts holds an untyped custom
// attribute's values and a string set's elements.
type val struct {
	ok    bool
	s     string
	texts []string
	n     float64
	day   int64
	b     bool
}

// Match reports whether s is a member under the rule. Days are counted as
// of the Options clock. It does not allocate.
func (c *Compiled) Match(s *Subject) bool {
	e := c.env(s, time.Time{}, false)
	return c.match(&e)
}

// MatchAt is Match with the clock read as now.
func (c *Compiled) MatchAt(s *Subject, now time.Time) bool {
	e := c.env(s, now, true)
	return c.match(&e)
}

// env is the evaluation state for s: today is now's day when clock is
// set, else the Options clock's when the rule counts days.
func (c *Compiled) env(s *Subject, now time.Time, clock bool) env {
	return env{s: s, c: s.Customer, opts: &c.opts, today: c.opts.today(now, clock, c.needClock)}
}

func (c *Compiled) match(e *env) bool {
	in := false
	for i := range c.included {
		if e.group(&c.included[i]) {
			in = true
			break
		}
	}
	if !in {
		return false
	}
	for i := range c.excluded {
		if e.group(&c.excluded[i]) {
			return false
		}
	}
	return true
}

func (e *env) group(g *cgroup) bool {
	for i := range g.conds {
		m := e.cond(&g.conds[i])
		if g.any && m {
			return true
		}
		if !g.any && !m {
			return false
		}
	}
	return !g.any
}

func (e *env) cond(k *cond) bool {
	if k.mode == cmpGroups {
		return e.groupsCond(k)
	}
	v := e.get(k)
	switch k.op {
	case Exists:
		return v.ok
	case DoesNotExist:
		return !v.ok
	}
	if !v.ok {
		return false
	}
	pos := false
	switch k.mode {
	case cmpString:
		pos = e.stringCond(k, &v)
	case cmpNumber:
		pos = e.numberCond(k, &v)
	case cmpDate:
		pos = e.dateCond(k, &v)
	case cmpBool:
		b, ok := v.b, true
		if k.typ == Untyped {
			b, ok = anyBool(v.texts)
		}
		return ok && b == (k.op == IsTrue)
	}
	if k.op.Negated() {
		return !pos
	}
	return pos
}

func anyBool(texts []string) (bool, bool) {
	for _, t := range texts {
		switch {
		case equalFold(t, "true"):
			return true, true
		case equalFold(t, "false"):
			return false, true
		}
	}
	return false, false
}

// stringCond reports whether the attribute matches the positive form of
// the operator for some value.
func (e *env) stringCond(k *cond, v *val) bool {
	if k.typ == TypeString {
		return stringMatch(k, v.s)
	}
	for _, t := range v.texts {
		if stringMatch(k, t) {
			return true
		}
	}
	return false
}

func stringMatch(k *cond, s string) bool {
	for _, w := range k.strs {
		var m bool
		switch k.op {
		case IsEqual, IsNotEqual:
			m = equalFold(s, w)
		case StartsWith:
			m = hasPrefixFold(s, w)
		case EndsWith:
			m = hasSuffixFold(s, w)
		case Contains, DoesNotContain:
			m = containsFold(s, w)
		}
		if m {
			return true
		}
	}
	return false
}

func (e *env) numberCond(k *cond, v *val) bool {
	if k.typ != Untyped {
		return numberMatch(k, v.n)
	}
	for _, t := range v.texts {
		// Untyped texts written by a program may use the exponent form.
		// The check keeps strconv.ParseFloat, whose error allocates, away
		// from texts that are no number.
		if ok, _ := validate.NumberForm(t); !ok {
			continue
		}
		n, err := strconv.ParseFloat(t, 64)
		if err == nil && numberMatch(k, n) {
			return true
		}
	}
	return false
}

func numberMatch(k *cond, n float64) bool {
	switch k.op {
	case IsEqual, IsNotEqual:
		for _, w := range k.nums {
			if n == w {
				return true
			}
		}
		return false
	case IsGreaterThan:
		return n > k.nums[0]
	case IsLessThan:
		return n < k.nums[0]
	case IsGreaterThanOrEqual:
		return n >= k.nums[0]
	case IsLessThanOrEqual:
		return n <= k.nums[0]
	case IsInRange, IsNotInRange:
		return n >= k.lo && n <= k.hi
	}
	return false
}

func (e *env) dateCond(k *cond, v *val) bool {
	span, _ := daysOf(k.op, &k.dates, e.today, e.opts.WeekStartsSunday)
	if k.typ != Untyped {
		return span.Contains(v.day)
	}
	for _, t := range v.texts {
		if d, ok := parseDatePrefix(t, false); ok && span.Contains(d.DayNumber()) {
			return true
		}
	}
	return false
}

// groupsCond evaluates a customer.customerGroups condition.
func (e *env) groupsCond(k *cond) bool {
	switch k.op {
	case Exists:
		return true // everyone is in Everyone
	case DoesNotExist:
		return false
	}
	in := false
	for _, id := range k.strs {
		if e.inGroup(id) {
			in = true
			break
		}
	}
	if k.op == IsNotEqual {
		return !in
	}
	return in
}

// inGroup reports whether the subject belongs to group id as far as this
// evaluation knows: system groups, static memberships, Subject.Groups and,
// inside a Set, the dynamic groups already evaluated.
func (e *env) inGroup(id string) bool {
	if IsSystemID(id) {
		return SystemMember(id, e.c)
	}
	if e.c != nil && e.c.InGroup(id) {
		return true
	}
	for _, g := range e.s.Groups {
		if g == id {
			return true
		}
	}
	if e.set != nil {
		if j, ok := e.set.index[id]; ok && j < bitGroups {
			return e.bits[j>>6]&(1<<(j&63)) != 0
		}
	}
	for _, g := range e.found {
		if g == id {
			return true
		}
	}
	return false
}

func str(s string) val { return val{ok: s != "", s: s} }

func strs(ss []string) val { return val{ok: len(ss) > 0, texts: ss} }

func num(n float64, ok bool) val { return val{ok: ok, n: n} }

func instant(t time.Time, loc *time.Location) val {
	if t.IsZero() {
		return val{}
	}
	return val{ok: true, day: days.InZone(t, loc)}
}

func boolean(b bool) val { return val{ok: true, b: b} }

// CustomValues returns the values a rule reads of custom attribute id
// among attrs: those of the first attribute with the ID and no language,
// else of the last with the ID; none when no attribute has the ID. A
// repository that decides rules itself (RuleEvaluator) reads them so too.
func CustomValues(attrs []customer.Attribute, id string) []string {
	var values []string
	for i := range attrs {
		if attrs[i].ID == id {
			values = attrs[i].Values
			if attrs[i].Lang == "" {
				break
			}
		}
	}
	return values
}

func customVal(attrs []customer.Attribute, id string, typ AttrType, loc *time.Location) val {
	values := CustomValues(attrs, id)
	if len(values) == 0 {
		return val{}
	}
	if typ == Untyped || typ == TypeStringSet {
		return strs(values)
	}
	return typedText(values[0], typ, loc)
}

// typedText reads a declared custom attribute's text as its type; a text
// that does not read as the type is treated as absent. A date-time with a
// zone counts as the day it falls on in loc, as system times do.
func typedText(t string, typ AttrType, loc *time.Location) val {
	switch typ {
	case TypeString:
		return str(t)
	case TypeInt, TypeNumber:
		if ok, _ := validate.NumberForm(t); ok {
			if n, err := strconv.ParseFloat(t, 64); err == nil {
				return num(n, true)
			}
		}
	case TypeBool:
		switch {
		case equalFold(t, "true"):
			return boolean(true)
		case equalFold(t, "false"):
			return boolean(false)
		}
	case TypeDate, TypeDateTime:
		if typ == TypeDateTime && len(t) > len("2006-01-02") {
			if at, err := time.Parse(time.RFC3339Nano, t); err == nil {
				return instant(at, loc)
			}
		}
		if d, ok := parseDatePrefix(t, false); ok {
			return val{ok: true, day: d.DayNumber()}
		}
	}
	return val{}
}

// get reads the attribute of condition k.
func (e *env) get(k *cond) val {
	c, s := e.c, e.s
	switch k.attr {
	case aRegistered:
		return boolean(c != nil && c.Credentials.Login != "")
	case aReferrerURL:
		return str(s.Session.ReferrerURL)
	case aReferrerHost:
		return str(s.Session.ReferrerHost)
	case aReferrerKeywords:
		return str(s.Session.ReferrerKeywords)
	case aSourceCodeGroup:
		return str(s.Session.SourceCodeGroup)
	case aStore:
		return str(s.Session.Store)
	case aAuthenticated:
		return boolean(s.Session.Authenticated)
	case aAgentAuthenticated:
		return boolean(s.Session.AgentUserAuthenticated)
	case aCurrency:
		return str(s.Session.Currency)
	case aSessionCustom:
		return customVal(s.Session.Custom, k.custom, k.typ, e.opts.location())
	case aLocale:
		return str(s.Request.Locale)
	case aGeoCountryCode, aGeoRegionCode, aGeoCity, aGeoPostalCode, aGeoLatitude, aGeoLongitude:
		g := s.Request.Geolocation
		if g == nil {
			return val{}
		}
		switch k.attr {
		case aGeoCountryCode:
			return str(g.CountryCode)
		case aGeoRegionCode:
			return str(g.RegionCode)
		case aGeoCity:
			return str(g.City)
		case aGeoPostalCode:
			return str(g.PostalCode)
		case aGeoLatitude:
			return num(g.Latitude, true)
		default:
			return num(g.Longitude, true)
		}
	}
	if c == nil {
		return val{}
	}
	if k.attr >= aAddrFirstName && k.attr <= aAddrCustom {
		return e.address(k, c.PreferredAddress())
	}
	if k.attr >= aVisitsWeek && k.attr <= aActiveCustom {
		return e.activeData(k, c.ActiveData)
	}
	p := &c.Profile
	switch k.attr {
	case aSalutation:
		return str(p.Salutation)
	case aTitle:
		return str(p.Title)
	case aFirstName:
		return str(p.FirstName)
	case aSecondName:
		return str(p.SecondName)
	case aLastName:
		return str(p.LastName)
	case aSuffix:
		return str(p.Suffix)
	case aCompanyName:
		return str(p.CompanyName)
	case aJobTitle:
		return str(p.JobTitle)
	case aEmail:
		return str(p.Email)
	case aLogin:
		return str(c.Credentials.Login)
	case aCustomerNo:
		return str(c.Number)
	case aPhoneHome:
		return str(p.Phones.Home)
	case aPhoneBusiness:
		return str(p.Phones.Business)
	case aPhoneMobile:
		return str(p.Phones.Mobile)
	case aFax:
		return str(p.Phones.Fax)
	case aTaxID:
		return str(p.TaxCode)
	case aPreferredLocale:
		return str(p.PreferredLocale)
	case aBirthday:
		if p.Birthday.IsZero() {
			return val{}
		}
		return val{ok: true, day: days.Calendar(p.Birthday)}
	case aNextBirthday:
		if p.Birthday.IsZero() {
			return val{}
		}
		return val{ok: true, day: days.NextBirthday(days.Calendar(p.Birthday), e.today, e.opts.LeapDayBirthdayOnMarch1)}
	case aGender:
		return num(float64(p.Gender.Code), p.Gender.Valid)
	case aCreationDate:
		return instant(p.CreationDate, e.opts.location())
	case aLastLoginTime:
		return instant(p.LastLoginTime, e.opts.location())
	case aLastVisitTime:
		return instant(p.LastVisitTime, e.opts.location())
	case aProfileCustom:
		return customVal(c.Attributes, k.custom, k.typ, e.opts.location())
	}
	return val{}
}

func (e *env) address(k *cond, a *customer.Address) val {
	if a == nil {
		return val{}
	}
	switch k.attr {
	case aAddrFirstName:
		return str(a.FirstName)
	case aAddrLastName:
		return str(a.LastName)
	case aAddrCompanyName:
		return str(a.CompanyName)
	case aAddrAddress1:
		return str(a.Address1)
	case aAddrAddress2:
		return str(a.Address2)
	case aAddrCity:
		return str(a.City)
	case aAddrPostalCode:
		return str(a.PostalCode)
	case aAddrStateCode:
		return str(a.StateCode)
	case aAddrCountryCode:
		return str(a.CountryCode)
	case aAddrPhone:
		return str(a.Phone)
	case aAddrCustom:
		return customVal(a.Attributes, k.custom, k.typ, e.opts.location())
	}
	return val{}
}

func (e *env) activeData(k *cond, a *customer.ActiveData) val {
	if a == nil {
		return val{}
	}
	switch k.attr {
	case aVisitsWeek:
		return num(float64(a.VisitsWeek), true)
	case aVisitsMonth:
		return num(float64(a.VisitsMonth), true)
	case aVisitsYear:
		return num(float64(a.VisitsYear), true)
	case aOrders:
		return num(float64(a.Orders), true)
	case aReturns:
		return num(float64(a.Returns), true)
	case aReturnValue:
		return num(a.ReturnValue, true)
	case aOrderValue:
		return num(a.OrderValue, true)
	case aOrderValueMonth:
		return num(a.OrderValueMonth, true)
	case aAvgOrderValue:
		return num(a.AvgOrderValue, true)
	case aDiscountWithoutCoupon:
		return num(a.DiscountValueWithoutCoupon, true)
	case aDiscountWithCoupon:
		return num(a.DiscountValueWithCoupon, true)
	case aSourceCodeOrders:
		return num(float64(a.SourceCodeOrders), true)
	case aGiftUnits:
		return num(a.GiftUnits, true)
	case aGiftOrders:
		return num(float64(a.GiftOrders), true)
	case aTopCategoriesOrdered:
		return strs(a.TopCategoriesOrdered)
	case aProductsOrdered:
		return strs(a.ProductsOrdered)
	case aProductMastersOrdered:
		return strs(a.ProductMastersOrdered)
	case aProductsViewedMonth:
		return strs(a.ProductsViewedMonth)
	case aProductsAbandonedMonth:
		return strs(a.ProductsAbandonedMonth)
	case aLastOrderDate:
		return instant(a.LastOrderDate, e.opts.location())
	case aActiveCustom:
		return customVal(a.Custom, k.custom, k.typ, e.opts.location())
	}
	return val{}
}

// Case-insensitive comparison without allocation, by simple Unicode case
// folding as strings.EqualFold does.

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }

// foldPrefixLen returns how many bytes of s match prefix under folding when
// all of prefix matches, or -1.
func foldPrefixLen(s, prefix string) int {
	i := 0
	for prefix != "" {
		if i >= len(s) {
			return -1
		}
		rs, ns := utf8.DecodeRuneInString(s[i:])
		rp, np := utf8.DecodeRuneInString(prefix)
		if !runeFold(rs, rp) {
			return -1
		}
		i += ns
		prefix = prefix[np:]
	}
	return i
}

func runeFold(a, b rune) bool {
	if a == b {
		return true
	}
	if a < utf8.RuneSelf && b < utf8.RuneSelf {
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		return a == b
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}

func hasPrefixFold(s, prefix string) bool { return foldPrefixLen(s, prefix) >= 0 }

func hasSuffixFold(s, suffix string) bool {
	for suffix != "" {
		if s == "" {
			return false
		}
		rs, ns := utf8.DecodeLastRuneInString(s)
		rp, np := utf8.DecodeLastRuneInString(suffix)
		if !runeFold(rs, rp) {
			return false
		}
		s, suffix = s[:len(s)-ns], suffix[:len(suffix)-np]
	}
	return true
}

func containsFold(s, sub string) bool {
	if isASCII(s) && isASCII(sub) {
		return containsFoldASCII(s, sub)
	}
	for i := 0; ; {
		if foldPrefixLen(s[i:], sub) >= 0 {
			return true
		}
		if i >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// containsFoldASCII is containsFold for ASCII texts, where folding is
// lower-casing.
func containsFoldASCII(s, sub string) bool {
	if len(sub) == 0 {
		return true
	}
	first := lowerASCII(sub[0])
	for i := 0; i+len(sub) <= len(s); i++ {
		if lowerASCII(s[i]) != first {
			continue
		}
		j := 1
		for j < len(sub) && lowerASCII(s[i+j]) == lowerASCII(sub[j]) {
			j++
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}
