package validate

import (
	"strings"

	"golang.org/x/text/language"
)

// countryCodes lists the ISO 3166-1 alpha-2 codes officially assigned,
// in order, plus XK (Kosovo), a user-assigned code that the European
// Commission, shops and carriers use in its place.
const countryCodes = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ " +
	"BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
	"DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY " +
	"HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY " +
	"MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
	"NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY " +
	"QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
	"TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ " +
	"VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW"

// Country validates s as an ISO 3166-1 alpha-2 country code, in either
// case, and returns it in upper case ("fi" gives "FI"). Only assigned codes
// pass, and XK for Kosovo; reserved and exceptional codes such as EU, UK
// and ZZ do not. An upper-case input comes back as itself.
//
// SFCC keeps the case of an address's country code as written; a caller
// that must do the same validates with Country and stores the original.
func Country(s string) (string, Code) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", CodeRequired
	}
	if len(s) != 2 || !isLetter(s[0]) || !isLetter(s[1]) {
		return "", CodeInvalidCountry
	}
	a, b := s[0]&^0x20, s[1]&^0x20 // upper case
	// The list is sorted and every entry takes three bytes: binary search.
	lo, hi := 0, len(countryCodes)/3+1
	for lo < hi {
		m := (lo + hi) / 2
		ca, cb := countryCodes[3*m], countryCodes[3*m+1]
		switch {
		case ca == a && cb == b:
			if s[0] == a && s[1] == b {
				return s, ""
			}
			return countryCodes[3*m : 3*m+2], ""
		case ca < a || ca == a && cb < b:
			lo = m + 1
		default:
			hi = m
		}
	}
	return "", CodeInvalidCountry
}

// Locale validates s as a locale and returns it in the form SFCC writes
// locale IDs: language in lower case, then script and region, joined by
// underscores ("en_US", "zh_Hant_TW", "fi"). It accepts that form and
// BCP 47 tags with hyphens ("en-us" gives "en_US"), and SFCC's "default"
// locale as itself. Extensions and private-use parts (-u-, -x-) are not
// part of a locale ID and fail. Use LocaleTag for the BCP 47 form.
func Locale(s string) (string, Code) {
	t, code := ParseLocale(s)
	if code != "" {
		return "", code
	}
	if t == (language.Tag{}) {
		return "default", ""
	}
	return strings.ReplaceAll(t.String(), "-", "_"), ""
}

// LocaleTag is Locale returning the BCP 47 form ("en_US" gives "en-US").
// SFCC's "default" locale gives "und", the tag for no particular language.
func LocaleTag(s string) (string, Code) {
	t, code := ParseLocale(s)
	if code != "" {
		return "", code
	}
	return t.String(), ""
}

// ParseLocale is Locale returning a language.Tag, for programs that match
// or format by locale. "default" gives language.Und.
func ParseLocale(s string) (language.Tag, Code) {
	s = strings.TrimSpace(s)
	if s == "" {
		return language.Und, CodeRequired
	}
	if strings.EqualFold(s, "default") {
		return language.Und, ""
	}
	if len(s) > 35 { // longer than any tag without extensions
		return language.Und, CodeInvalidLocale
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && (c < '0' || c > '9') && c != '-' && c != '_' {
			return language.Und, CodeInvalidLocale
		}
	}
	t, err := language.Raw.Parse(strings.ReplaceAll(s, "_", "-"))
	if err != nil {
		return language.Und, CodeInvalidLocale
	}
	// A tag without a language ("und", or none at all) or with extensions
	// is no locale.
	if _, conf := t.Base(); conf != language.Exact || t.IsRoot() || len(t.Extensions()) > 0 {
		return language.Und, CodeInvalidLocale
	}
	for part := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == '-' || r == '_' }) {
		if len(part) == 1 { // a singleton starts an extension or private use
			return language.Und, CodeInvalidLocale
		}
	}
	return t, ""
}
