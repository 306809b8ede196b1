package validate

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// MaxE164Digits is the most digits an E.164 number has, country code
// included.
const MaxE164Digits = 15

// maxNSN is the longest national significant number libphonenumber
// parses; longer numbers are refused before any pattern is tried.
const maxNSN = 17

// Phone validates s as a phone number and returns it in E.164 form, such
// as "+358401234567". A number already in that form comes back as a
// substring of s.
//
// s may hold digits, a leading +, and spaces, hyphens, dots, slashes,
// parentheses, tabs and no-break spaces between them; anything else
// (letters, extensions, vanity numbers) is CodeInvalidPhone. Once those
// separators are dropped, the number is read as libphonenumber
// (github.com/nyaruka/phonenumbers) reads it and must be a valid number
// there, so Phone accepts exactly what phonenumbers.Parse followed by
// IsValidNumber accepts and returns what Format gives in E.164:
//
//   - a number that starts with + or with defaultRegion's international
//     prefix (00 in most of Europe) is international, and its country
//     calling code must be assigned (CodePhoneCountryCode); as in
//     libphonenumber, digits after a + that begin with no calling code are
//     read once more as dialled in defaultRegion, so "+00 358 40 123 4567"
//     is a Finnish number where 00 is the international prefix;
//   - any other number is national and is read in defaultRegion (an
//     ISO 3166-1 code, in either case); with an empty or unknown region it
//     is CodePhoneRegion;
//   - the region's national (trunk) prefix is dropped where its numbering
//     plan says so, also when it is written after the country code
//     ("+358 040 123 4567", "+44 (0)20 7946 0958"), and kept where it is
//     part of the number (Italy);
//   - a number whose length its country never uses is CodePhoneLength, and
//     one of a possible length that is in no number range of the country
//     is CodePhoneRange. E.164 numbers longer than MaxE164Digits are
//     CodePhoneLength too.
//
// The usual numbers (international, or national in a region whose trunk
// prefix is a plain digit) are checked against libphonenumber's metadata
// with patterns compiled once per region, about twenty times faster than
// phonenumbers.Parse; the rest go through Parse itself. A differential
// fuzz test keeps the two equal.
func Phone(s, defaultRegion string) (string, Code) {
	e, code, _ := phone(s, defaultRegion)
	return e, code
}

// phone is Phone, also returning the country the number was checked
// against (a region code, or "+" and the calling code), for the message
// parameters.
func phone(s, defaultRegion string) (string, Code, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", CodeRequired, ""
	}
	d, plus, separated, ok := phoneDigits(s)
	if !ok {
		return "", CodeInvalidPhone, ""
	}
	region := defaultRegion
	if !isUpper(region) {
		region = strings.ToUpper(region)
	}
	if plus {
		e, code, country := international(s, d, separated)
		if code == CodePhoneCountryCode && region != "" {
			// libphonenumber reads the digits after a + that begin with no
			// calling code again as dialled in the region: its
			// international prefix may follow the + ("+00 358 ...").
			// When that fails too, the calling code is what is wrong.
			if e, code, country := parsePhone("+"+d, region); code == "" {
				return e, code, country
			}
		}
		return e, code, country
	}
	home := plans().region(region)
	if home == nil {
		return "", CodePhoneRegion, region
	}
	if rest, ok := home.afterIDD(d); ok {
		return international("", rest, true)
	}
	if strings.HasPrefix(d, home.codeDigits) {
		// The region's own calling code without a + may be the start of
		// a national number as well: libphonenumber's rule for telling
		// the two apart is left to it.
		return parsePhone(d, region)
	}
	nsn, ok := home.significant(d)
	if !ok {
		return parsePhone(d, region)
	}
	return home.check(nsn)
}

func isUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			return false
		}
	}
	return true
}

// international checks digits d written after a + or an international
// prefix; s is the whole number when it is d after a +.
func international(s, d string, separated bool) (string, Code, string) {
	p := plans()
	code, rest, ok := p.callingCode(d)
	if !ok {
		return "", CodePhoneCountryCode, ""
	}
	first := p.byCode[code][0]
	if len(rest) <= 1 {
		return "", CodePhoneLength, first.country()
	}
	nsn, ok := first.significant(rest)
	if !ok {
		return parsePhone("+"+d, "")
	}
	if !separated && len(nsn) == len(rest) {
		// Already E.164: hand back s itself rather than a copy.
		bad, country := first.verdict(nsn)
		if bad != "" {
			return "", bad, country
		}
		return s, "", country
	}
	return first.check(nsn)
}

// phoneDigits returns the digits of s and reports whether s began with +,
// whether anything but digits followed it, and whether s holds only
// digits and the separators Phone allows. Digits without separators are a
// substring of s.
func phoneDigits(s string) (digits string, plus, separated, ok bool) {
	if len(s) > 64 {
		return "", false, false, false
	}
	var arr [64]byte
	buf := arr[:0]
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			buf = append(buf, c)
		case c == '+' && i == 0:
			plus = true
		case c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')' || c == '\t':
			separated = true
		case c == 0xc2 && i+1 < len(s) && s[i+1] == 0xa0: // no-break space
			i++
			separated = true
		default:
			return "", false, false, false
		}
	}
	switch {
	case len(buf) == 0:
		return "", false, false, false
	case separated:
		return string(buf), plus, true, true
	case plus:
		return s[1:], true, false, true
	}
	return s, false, false, true
}

// parsePhone reads number (digits, or + and digits) with libphonenumber.
func parsePhone(number, region string) (string, Code, string) {
	n, err := phonenumbers.Parse(number, region)
	if err != nil {
		if err == phonenumbers.ErrInvalidCountryCode {
			return "", CodePhoneCountryCode, ""
		}
		return "", CodePhoneLength, region
	}
	p := plans()
	regions := p.byCode[int(n.GetCountryCode())]
	if len(regions) == 0 {
		return "", CodePhoneCountryCode, ""
	}
	return regions[0].check(phonenumbers.GetNationalSignificantNumber(n))
}

// numberPlans is libphonenumber's metadata indexed for Phone. It is built
// once and only read after; each plan compiles its patterns on first use.
type numberPlans struct {
	byCode   map[int][]*numberPlan // regions sharing a calling code, main one first
	byRegion map[string]*numberPlan
}

// plans returns the package's numberPlans, building them on first use.
var plans = sync.OnceValue(func() *numberPlans {
	p := &numberPlans{byCode: map[int][]*numberPlan{}, byRegion: map[string]*numberPlan{}}
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		// The metadata is embedded in phonenumbers, which checks it when
		// the program starts.
		panic("validate: phonenumbers metadata: " + err.Error())
	}
	nonGeo := map[int]*phonenumbers.PhoneMetadata{}
	for _, m := range coll.GetMetadata() {
		if m.GetId() == "001" {
			nonGeo[int(m.GetCountryCode())] = m
			continue
		}
		p.byRegion[m.GetId()] = &numberPlan{meta: m}
	}
	for code := range phonenumbers.GetSupportedCallingCodes() {
		for _, r := range phonenumbers.GetRegionCodesForCountryCode(code) {
			if np := p.byRegion[r]; np != nil {
				p.byCode[code] = append(p.byCode[code], np)
			} else if m := nonGeo[code]; m != nil && r == "001" {
				p.byCode[code] = append(p.byCode[code], &numberPlan{meta: m})
			}
		}
	}
	for code, regions := range p.byCode {
		for _, np := range regions {
			np.code, np.codeDigits, np.shared = code, strconv.Itoa(code), regions
		}
	}
	return p
})

// region returns the plan of region code r, or nil.
func (p *numberPlans) region(r string) *numberPlan {
	np := p.byRegion[r]
	if np == nil || np.code == 0 {
		return nil
	}
	return np
}

// callingCode splits d into the calling code it begins with and the rest.
// Codes have one to three digits and none begins with 0.
func (p *numberPlans) callingCode(d string) (int, string, bool) {
	if d == "" || d[0] == '0' {
		return 0, "", false
	}
	v := 0
	for n := 1; n <= 3 && n <= len(d); n++ {
		v = v*10 + int(d[n-1]-'0')
		if len(p.byCode[v]) > 0 {
			return v, d[n:], true
		}
	}
	return 0, "", false
}

// numberPlan is one region's numbering plan: libphonenumber's metadata for
// it, with the patterns Phone needs compiled on first use.
type numberPlan struct {
	meta       *phonenumbers.PhoneMetadata
	code       int
	codeDigits string
	// shared are the regions of the calling code, this one among them,
	// in libphonenumber's order: the main country first.
	shared []*numberPlan

	once     sync.Once
	compiled planPatterns
}

// planPatterns are a plan's compiled patterns.
type planPatterns struct {
	general numberDesc
	types   []numberDesc // the kinds of number the region has, mobile first
	// leading picks the region among those sharing a calling code; nil
	// means a number is the region's when it is valid there.
	leading *regexp.Regexp
	// trunk matches the national prefix at the start of a number; nil if
	// the region has none. trunkDigits is the prefix when it is a plain
	// string of digits. transform is set when libphonenumber rewrites what
	// the prefix captures instead of dropping it.
	trunk       *regexp.Regexp
	trunkDigits string
	transform   bool
	// idd matches the international prefix dialled from the region.
	idd *regexp.Regexp
}

// numberDesc is one kind of number: the lengths it may have and its
// pattern.
type numberDesc struct {
	lengths lengthSet // 0: any length
	local   lengthSet // lengths only dialled locally
	re      *regexp.Regexp
}

// lengthSet is a set of lengths up to 63, bit n for length n.
type lengthSet uint64

func lengthsOf(ns []int32) lengthSet {
	var s lengthSet
	for _, n := range ns {
		if n > 0 && n < 64 {
			s |= 1 << n
		} else {
			s |= 1 // -1: no number of this kind exists
		}
	}
	return s
}

func (s lengthSet) has(n int) bool { return n < 64 && s&(1<<n) != 0 }

func (np *numberPlan) patterns() *planPatterns {
	np.once.Do(func() {
		m, c := np.meta, &np.compiled
		c.general = describe(m.GetGeneralDesc())
		for _, d := range []*phonenumbers.PhoneNumberDesc{
			m.GetMobile(), m.GetFixedLine(), m.GetTollFree(), m.GetPremiumRate(), m.GetSharedCost(),
			m.GetVoip(), m.GetPersonalNumber(), m.GetPager(), m.GetUan(), m.GetVoicemail(),
		} {
			if d.GetNationalNumberPattern() != "" {
				c.types = append(c.types, describe(d))
			}
		}
		if l := m.GetLeadingDigits(); l != "" {
			c.leading = regexp.MustCompile("^(?:" + l + ")")
		}
		if t := m.GetNationalPrefixForParsing(); t != "" {
			c.trunk = regexp.MustCompile("^(?:" + t + ")")
			c.transform = m.GetNationalPrefixTransformRule() != ""
			// LiteralPrefix sees no literal behind ^, so ask the bare
			// pattern.
			if lit, whole := regexp.MustCompile(t).LiteralPrefix(); whole && c.trunk.NumSubexp() == 0 && !c.transform {
				c.trunkDigits = lit
			}
		}
		c.idd = regexp.MustCompile("^(?:" + m.GetInternationalPrefix() + ")")
	})
	return &np.compiled
}

func describe(d *phonenumbers.PhoneNumberDesc) numberDesc {
	return numberDesc{
		lengths: lengthsOf(d.GetPossibleLength()),
		local:   lengthsOf(d.GetPossibleLengthLocalOnly()),
		re:      regexp.MustCompile("^(?:" + d.GetNationalNumberPattern() + ")$"),
	}
}

// matches reports whether nsn is a number of this kind.
func (d *numberDesc) matches(nsn string) bool {
	return (d.lengths == 0 || d.lengths.has(len(nsn))) && d.re.MatchString(nsn)
}

// country names the plan in messages: its region code, or + and the
// calling code for a number that belongs to no country.
func (np *numberPlan) country() string {
	if id := np.meta.GetId(); id != "001" {
		return id
	}
	return "+" + np.codeDigits
}

// afterIDD returns what follows the international prefix dialled from the
// region (00 in most of Europe) when digits d begin with one. As in
// libphonenumber, a prefix followed by 0 is not one, since no calling
// code begins with 0.
func (np *numberPlan) afterIDD(d string) (string, bool) {
	loc := np.patterns().idd.FindStringIndex(d)
	if loc == nil || loc[1] < len(d) && d[loc[1]] == '0' {
		return "", false
	}
	return d[loc[1]:], true
}

// significant drops the region's national prefix from digits d as
// libphonenumber does: only when the rest still fits the region's general
// pattern if d did, and only when the rest has a length the region uses.
// It reports false when the prefix is rewritten rather than dropped, which
// is left to phonenumbers.Parse.
func (np *numberPlan) significant(d string) (string, bool) {
	c := np.patterns()
	if c.trunk == nil || d == "" {
		return d, true
	}
	var end int
	if c.trunkDigits != "" {
		if !strings.HasPrefix(d, c.trunkDigits) {
			return d, true
		}
		end = len(c.trunkDigits)
	} else {
		m := c.trunk.FindStringSubmatchIndex(d)
		if m == nil {
			return d, true
		}
		if c.transform && m[len(m)-2] >= 0 {
			return "", false
		}
		end = m[1]
	}
	rest := d[end:]
	if c.general.re.MatchString(d) && !c.general.re.MatchString(rest) {
		return d, true
	}
	switch np.lengthFit(rest) {
	case fitPossible, fitTooLong:
		return rest, true
	}
	return d, true
}

type lengthFit int

const (
	fitPossible lengthFit = iota
	fitTooShort
	fitTooLong
	fitInvalid
	fitLocalOnly
)

// lengthFit is libphonenumber's length test of a national significant
// number against the region's general lengths.
func (np *numberPlan) lengthFit(nsn string) lengthFit {
	g := np.patterns().general
	n := len(nsn)
	switch {
	case g.lengths&1 != 0 || g.lengths == 0:
		return fitInvalid
	case g.local.has(n):
		return fitLocalOnly
	case g.lengths.has(n):
		return fitPossible
	case n < 64 && g.lengths&(1<<n-1) == 0:
		return fitTooShort
	case n >= 64 || g.lengths>>n == 0:
		return fitTooLong
	}
	return fitInvalid
}

// check validates a national significant number of the plan's calling
// code and returns it in E.164.
func (np *numberPlan) check(nsn string) (string, Code, string) {
	bad, country := np.verdict(nsn)
	if bad != "" {
		return "", bad, country
	}
	var buf [1 + MaxE164Digits]byte
	return string(append(append(append(buf[:0], '+'), np.codeDigits...), nsn...)), "", country
}

// verdict is check without the E.164 form: the problem with nsn, if any,
// and the country it was checked against.
func (np *numberPlan) verdict(nsn string) (Code, string) {
	main := np.shared[0]
	if len(nsn) < 2 || len(nsn) > maxNSN || len(np.codeDigits)+len(nsn) > MaxE164Digits {
		return CodePhoneLength, main.country()
	}
	owner := main.owner(nsn)
	if owner != nil && owner.valid(nsn) {
		return "", owner.country()
	}
	if owner == nil {
		owner = main
	}
	if fit := owner.lengthFit(nsn); fit == fitPossible || fit == fitLocalOnly {
		return CodePhoneRange, owner.country()
	}
	return CodePhoneLength, owner.country()
}

// owner returns the region among those sharing the calling code that nsn
// belongs to, as libphonenumber decides it, or nil.
func (np *numberPlan) owner(nsn string) *numberPlan {
	if len(np.shared) == 1 {
		return np
	}
	for _, r := range np.shared {
		if l := r.patterns().leading; l != nil {
			if l.MatchString(nsn) {
				return r
			}
		} else if r.valid(nsn) {
			return r
		}
	}
	return nil
}

// valid reports whether nsn is a number of some kind in the region.
func (np *numberPlan) valid(nsn string) bool {
	c := np.patterns()
	if !c.general.matches(nsn) {
		return false
	}
	for i := range c.types {
		if c.types[i].matches(nsn) {
			return true
		}
	}
	return false
}
