package groups

import (
	"fmt"
	"slices"
	"strings"
)

// AttrType is the type of the value an attribute path yields. It decides
// which operators and value kinds a condition on the path may use.
type AttrType uint8

// The attribute types.
const (
	// Untyped is a custom attribute whose type is not declared (see
	// Options.CustomTypes). Its values are texts, read as strings, numbers,
	// dates or booleans as the condition's operator and value ask; a text
	// that cannot be read that way does not match.
	Untyped AttrType = iota
	// TypeString is a single text, absent when empty.
	TypeString
	// TypeStringSet is a set of texts, such as the categories a customer
	// ordered from; absent when empty. A positive operator matches when some
	// element matches, a negative one when none does.
	TypeStringSet
	// TypeInt is an integer.
	TypeInt
	// TypeNumber is a decimal number.
	TypeNumber
	// TypeBool is true or false.
	TypeBool
	// TypeDate is a calendar day, such as a birthday; time zones do not
	// apply to it.
	TypeDate
	// TypeDateTime is an instant, such as the last login time; relative
	// operators take its day in the evaluator's time zone.
	TypeDateTime
	// TypeGroups is customer.customerGroups, the groups the subject belongs
	// to. It takes is-equal and is-not-equal with group IDs (compared
	// exactly, as IDs are), exists and does-not-exist.
	TypeGroups
)

var attrTypeNames = [...]string{
	Untyped:       "untyped",
	TypeString:    "string",
	TypeStringSet: "set of strings",
	TypeInt:       "integer",
	TypeNumber:    "number",
	TypeBool:      "boolean",
	TypeDate:      "date",
	TypeDateTime:  "date and time",
	TypeGroups:    "customer groups",
}

// String returns a readable name of the type, such as "date and time".
func (t AttrType) String() string {
	if int(t) < len(attrTypeNames) {
		return attrTypeNames[t]
	}
	return fmt.Sprintf("AttrType(%d)", uint8(t))
}

// attrID names an attribute the evaluator can read.
type attrID uint8

const (
	_ attrID = iota
	// customer.profile
	aSalutation
	aTitle
	aFirstName
	aSecondName
	aLastName
	aSuffix
	aCompanyName
	aJobTitle
	aEmail
	aLogin
	aCustomerNo
	aPhoneHome
	aPhoneBusiness
	aPhoneMobile
	aFax
	aTaxID
	aPreferredLocale
	aBirthday
	aNextBirthday
	aGender
	aCreationDate
	aLastLoginTime
	aLastVisitTime
	aProfileCustom
	// customer.addressBook.preferredAddress
	aAddrFirstName
	aAddrLastName
	aAddrCompanyName
	aAddrAddress1
	aAddrAddress2
	aAddrCity
	aAddrPostalCode
	aAddrStateCode
	aAddrCountryCode
	aAddrPhone
	aAddrCustom
	// customer.activeData
	aVisitsWeek
	aVisitsMonth
	aVisitsYear
	aOrders
	aReturns
	aReturnValue
	aOrderValue
	aOrderValueMonth
	aAvgOrderValue
	aDiscountWithoutCoupon
	aDiscountWithCoupon
	aSourceCodeOrders
	aGiftUnits
	aGiftOrders
	aTopCategoriesOrdered
	aProductsOrdered
	aProductMastersOrdered
	aProductsViewedMonth
	aProductsAbandonedMonth
	aLastOrderDate
	aActiveCustom
	// customer
	aRegistered
	aCustomerGroups
	// session
	aReferrerURL
	aReferrerHost
	aReferrerKeywords
	aSourceCodeGroup
	aStore
	aAuthenticated
	aAgentAuthenticated
	aCurrency
	aSessionCustom
	// request
	aLocale
	aGeoCountryCode
	aGeoRegionCode
	aGeoCity
	aGeoPostalCode
	aGeoLongitude
	aGeoLatitude
)

type attrSpec struct {
	id  attrID
	typ AttrType
}

// Path prefixes.
const (
	prefixProfile       = "customer.profile."
	prefixAddress       = "customer.addressBook.preferredAddress."
	prefixActiveData    = "customer.activeData."
	prefixGeolocation   = "request.geolocation."
	prefixSession       = "session."
	suffixCustom        = "custom."
	prefixProfileCustom = prefixProfile + suffixCustom
	prefixAddressCustom = prefixAddress + suffixCustom
	prefixActiveCustom  = prefixActiveData + suffixCustom
	prefixSessionCustom = prefixSession + suffixCustom
)

// fixedPaths are the attribute paths with a fixed name. The XSD's comments
// list the profile, address and geolocation attributes SFCC supports; the
// profile and address lists are widened here to the fields the customer
// model holds, and the active data ones follow customeractivedata.xsd.
var fixedPaths = map[string]attrSpec{
	prefixProfile + "salutation":      {aSalutation, TypeString},
	prefixProfile + "title":           {aTitle, TypeString},
	prefixProfile + "firstName":       {aFirstName, TypeString},
	prefixProfile + "secondName":      {aSecondName, TypeString},
	prefixProfile + "lastName":        {aLastName, TypeString},
	prefixProfile + "suffix":          {aSuffix, TypeString},
	prefixProfile + "companyName":     {aCompanyName, TypeString},
	prefixProfile + "jobTitle":        {aJobTitle, TypeString},
	prefixProfile + "email":           {aEmail, TypeString},
	prefixProfile + "login":           {aLogin, TypeString},
	prefixProfile + "customerNo":      {aCustomerNo, TypeString},
	prefixProfile + "phoneHome":       {aPhoneHome, TypeString},
	prefixProfile + "phoneBusiness":   {aPhoneBusiness, TypeString},
	prefixProfile + "phoneMobile":     {aPhoneMobile, TypeString},
	prefixProfile + "fax":             {aFax, TypeString},
	prefixProfile + "taxID":           {aTaxID, TypeString},
	prefixProfile + "preferredLocale": {aPreferredLocale, TypeString},
	prefixProfile + "birthday":        {aBirthday, TypeDate},
	prefixProfile + "nextBirthday":    {aNextBirthday, TypeDate},
	prefixProfile + "gender":          {aGender, TypeInt},
	prefixProfile + "creationDate":    {aCreationDate, TypeDateTime},
	prefixProfile + "lastLoginTime":   {aLastLoginTime, TypeDateTime},
	prefixProfile + "lastVisitTime":   {aLastVisitTime, TypeDateTime},

	prefixAddress + "firstName":   {aAddrFirstName, TypeString},
	prefixAddress + "lastName":    {aAddrLastName, TypeString},
	prefixAddress + "companyName": {aAddrCompanyName, TypeString},
	prefixAddress + "address1":    {aAddrAddress1, TypeString},
	prefixAddress + "address2":    {aAddrAddress2, TypeString},
	prefixAddress + "city":        {aAddrCity, TypeString},
	prefixAddress + "postalCode":  {aAddrPostalCode, TypeString},
	prefixAddress + "stateCode":   {aAddrStateCode, TypeString},
	prefixAddress + "countryCode": {aAddrCountryCode, TypeString},
	prefixAddress + "phone":       {aAddrPhone, TypeString},

	prefixActiveData + "visitsWeek":                 {aVisitsWeek, TypeInt},
	prefixActiveData + "visitsMonth":                {aVisitsMonth, TypeInt},
	prefixActiveData + "visitsYear":                 {aVisitsYear, TypeInt},
	prefixActiveData + "orders":                     {aOrders, TypeInt},
	prefixActiveData + "returns":                    {aReturns, TypeInt},
	prefixActiveData + "returnValue":                {aReturnValue, TypeNumber},
	prefixActiveData + "orderValue":                 {aOrderValue, TypeNumber},
	prefixActiveData + "orderValueMonth":            {aOrderValueMonth, TypeNumber},
	prefixActiveData + "avgOrderValue":              {aAvgOrderValue, TypeNumber},
	prefixActiveData + "discountValueWithoutCoupon": {aDiscountWithoutCoupon, TypeNumber},
	prefixActiveData + "discountValueWithCoupon":    {aDiscountWithCoupon, TypeNumber},
	prefixActiveData + "sourceCodeOrders":           {aSourceCodeOrders, TypeInt},
	prefixActiveData + "giftUnits":                  {aGiftUnits, TypeNumber},
	prefixActiveData + "giftOrders":                 {aGiftOrders, TypeInt},
	prefixActiveData + "topCategoriesOrdered":       {aTopCategoriesOrdered, TypeStringSet},
	prefixActiveData + "productsOrdered":            {aProductsOrdered, TypeStringSet},
	prefixActiveData + "productMastersOrdered":      {aProductMastersOrdered, TypeStringSet},
	prefixActiveData + "productsViewedMonth":        {aProductsViewedMonth, TypeStringSet},
	prefixActiveData + "productsAbandonedMonth":     {aProductsAbandonedMonth, TypeStringSet},
	prefixActiveData + "lastOrderDate":              {aLastOrderDate, TypeDateTime},

	"customer.registered":     {aRegistered, TypeBool},
	"customer.customerGroups": {aCustomerGroups, TypeGroups},

	"session.referrerURL":            {aReferrerURL, TypeString},
	"session.referrerHost":           {aReferrerHost, TypeString},
	"session.referrerKeywords":       {aReferrerKeywords, TypeString},
	"session.sourceCodeGroup":        {aSourceCodeGroup, TypeString},
	"session.store":                  {aStore, TypeString},
	"session.authenticated":          {aAuthenticated, TypeBool},
	"session.agentUserAuthenticated": {aAgentAuthenticated, TypeBool},
	"session.currency":               {aCurrency, TypeString},

	"request.locale":                  {aLocale, TypeString},
	prefixGeolocation + "countryCode": {aGeoCountryCode, TypeString},
	prefixGeolocation + "regionCode":  {aGeoRegionCode, TypeString},
	prefixGeolocation + "city":        {aGeoCity, TypeString},
	prefixGeolocation + "postalCode":  {aGeoPostalCode, TypeString},
	prefixGeolocation + "longitude":   {aGeoLongitude, TypeNumber},
	prefixGeolocation + "latitude":    {aGeoLatitude, TypeNumber},
}

var customPrefixes = []struct {
	prefix string
	id     attrID
}{
	{prefixProfileCustom, aProfileCustom},
	{prefixAddressCustom, aAddrCustom},
	{prefixActiveCustom, aActiveCustom},
	{prefixSessionCustom, aSessionCustom},
}

// Paths returns every attribute path the engine knows, sorted, followed by
// the four custom attribute patterns ("customer.profile.custom.<id>", ...).
func Paths() []string {
	out := make([]string, 0, len(fixedPaths)+len(customPrefixes))
	for p := range fixedPaths {
		out = append(out, p)
	}
	slices.Sort(out)
	for _, c := range customPrefixes {
		out = append(out, c.prefix+"<id>")
	}
	return out
}

// PathType returns the type of the attribute at path, using custom for
// custom attributes (nil means none declared), and whether the path is
// known. An undeclared custom attribute is Untyped.
func PathType(path string, custom map[string]AttrType) (AttrType, bool) {
	spec, _, prob := resolvePath(path, custom, false)
	return spec.typ, prob == nil
}

// resolvePath finds the attribute at path. For a custom attribute it also
// returns the attribute ID. The problem explains an unknown path.
func resolvePath(path string, custom map[string]AttrType, strict bool) (attrSpec, string, *problem) {
	if spec, ok := fixedPaths[path]; ok {
		return spec, "", nil
	}
	for _, c := range customPrefixes {
		if id, ok := strings.CutPrefix(path, c.prefix); ok {
			if id == "" || strings.TrimSpace(id) != id {
				return attrSpec{}, "", &problem{ErrUnknownPath, fmt.Sprintf("%q names no custom attribute after %q", path, c.prefix)}
			}
			t, declared := custom[path]
			if !declared && strict {
				return attrSpec{}, "", &problem{ErrUnknownPath, fmt.Sprintf("custom attribute %q has no declared type (see Options.CustomTypes)", path)}
			}
			if t == TypeGroups || t > TypeGroups {
				return attrSpec{}, "", &problem{ErrUnknownPath, fmt.Sprintf("custom attribute %q is declared with type %v, which only customer.customerGroups can have", path, t)}
			}
			return attrSpec{c.id, t}, id, nil
		}
	}
	hint := ""
	for _, prefix := range []string{prefixProfile, prefixAddress, prefixActiveData, prefixGeolocation, prefixSession, "request.", "customer."} {
		if strings.HasPrefix(path, prefix) {
			var known []string
			for p := range fixedPaths {
				if rest, ok := strings.CutPrefix(p, prefix); ok && !strings.Contains(rest, ".") {
					known = append(known, rest)
				}
			}
			slices.Sort(known)
			hint = fmt.Sprintf("; known attributes after %q are %s", prefix, strings.Join(known, ", "))
			if prefix != "request." && prefix != "customer." && prefix != prefixGeolocation {
				hint += " and custom.<id>"
			}
			break
		}
	}
	return attrSpec{}, "", &problem{ErrUnknownPath, fmt.Sprintf("%q%s", path, hint)}
}
