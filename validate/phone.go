package validate

import (
	"slices"
	"strconv"
	"strings"
)

// MaxE164Digits is the most digits an E.164 number has, country code
// included.
const MaxE164Digits = 15

// phoneRegion describes how a region writes its national numbers.
type phoneRegion struct {
	region string // ISO 3166-1 alpha-2
	cc     string // country calling code
	trunk  string // national (trunk) prefix dropped in E.164, "" if none
	// lengths is a bit set of the accepted lengths of the national
	// significant number (bit n set: n digits).
	lengths uint32
}

// lengths returns the bit set of the lengths ns.
func lengths(ns ...int) uint32 {
	var b uint32
	for _, n := range ns {
		b |= 1 << n
	}
	return b
}

// lengthRange returns the bit set of the lengths lo to hi.
func lengthRange(lo, hi int) uint32 { return 1<<(hi+1) - 1<<lo }

// fits reports whether a national significant number of n digits has a
// length the region uses.
func (r phoneRegion) fits(n int) bool { return r.lengths&(1<<min(n, 31)) != 0 }

// phoneRegions are the regions whose national numbers Phone reads. The
// lengths are those of the national significant number, the digits after
// the country code. Regions sharing a calling code share its lengths, and
// the first of them stands for the code.
var phoneRegions = []phoneRegion{
	{"FI", "358", "0", lengthRange(5, 12)},
	{"AX", "358", "0", lengthRange(5, 12)},
	{"SE", "46", "0", lengthRange(6, 13)},
	{"NO", "47", "", lengths(5, 8, 12)},
	{"SJ", "47", "", lengths(5, 8, 12)},
	{"DK", "45", "", lengths(8)},
	{"IS", "354", "", lengths(7, 9)},
	{"FO", "298", "", lengths(6)},
	{"GL", "299", "", lengths(6)},
	{"EE", "372", "", lengthRange(7, 10)},
	{"LV", "371", "", lengths(8)},
	{"DE", "49", "0", lengthRange(4, 15)},
	{"GB", "44", "0", lengthRange(7, 10)},
	{"NL", "31", "0", lengthRange(7, 11)},
	{"FR", "33", "0", lengths(9)},
	{"PL", "48", "", lengths(9)},
	{"US", "1", "1", lengths(10)},
	{"CA", "1", "1", lengths(10)},
}

// callingCodes lists the assigned country calling codes. They form a
// prefix code: no code is the start of another, so the digits after + or
// 00 name at most one.
const callingCodes = "1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 " +
	"51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98 " +
	"211 212 213 216 218 220 221 222 223 224 225 226 227 228 229 230 231 232 233 234 " +
	"235 236 237 238 239 240 241 242 243 244 245 246 247 248 249 250 251 252 253 254 " +
	"255 256 257 258 260 261 262 263 264 265 266 267 268 269 290 291 297 298 299 " +
	"350 351 352 353 354 355 356 357 358 359 370 371 372 373 374 375 376 377 378 379 " +
	"380 381 382 383 385 386 387 389 420 421 423 " +
	"500 501 502 503 504 505 506 507 508 509 590 591 592 593 594 595 596 597 598 599 " +
	"670 672 673 674 675 676 677 678 679 680 681 682 683 685 686 687 688 689 690 691 692 " +
	"800 808 850 852 853 855 856 870 878 880 881 882 883 886 888 " +
	"960 961 962 963 964 965 966 967 968 970 971 972 973 974 975 976 977 979 " +
	"992 993 994 995 996 998"

// callingCode returns the calling code digits start with, or "".
func callingCode(digits string) string {
	for n := 1; n <= 3 && n <= len(digits); n++ {
		v := 0
		for i := 0; i < n; i++ {
			v = v*10 + int(digits[i]-'0')
		}
		// Codes have no leading zero, so "1" and "01" cannot be confused.
		if digits[0] != '0' && assignedCallingCodes[v] {
			return digits[:n]
		}
	}
	return ""
}

// assignedCallingCodes marks the assigned country calling codes, read once
// from callingCodes; it is never written after.
var assignedCallingCodes = func() (set [1000]bool) {
	for rest := callingCodes; rest != ""; {
		var f string
		f, rest, _ = strings.Cut(rest, " ")
		if n, err := strconv.Atoi(f); err == nil && n > 0 && n < 1000 {
			set[n] = true
		}
	}
	return set
}()

// findRegion returns the first of phoneRegions that match accepts.
func findRegion(match func(phoneRegion) bool) (phoneRegion, bool) {
	i := slices.IndexFunc(phoneRegions, match)
	if i < 0 {
		return phoneRegion{}, false
	}
	return phoneRegions[i], true
}

// Phone validates s as a phone number and returns it in E.164 form, such
// as "+358401234567". A number already in that form comes back as a
// substring of s.
//
// s may contain spaces, hyphens, dots, slashes and parentheses, and "(0)"
// after the country code ("+358 (0)40 123 4567"); a region's trunk prefix
// written after its country code without the parentheses ("+358 040 123
// 4567", "+44 020 7946 0958") is dropped as well. A number that starts with
// + or 00 is international: its country calling code must be assigned,
// and the digits after it must have a length the country uses, or, for
// countries this package has no table for, 7 to 15 digits in all. Any
// other number is national and is read in defaultRegion (an ISO 3166-1
// code: FI, AX, SE, NO, SJ, DK, IS, FO, GL, EE, LV, DE, GB, NL, FR, PL, US,
// CA): the region's trunk prefix (0 in Finland and Sweden, none in Norway
// and Denmark) is dropped and its calling code put in front. A national
// number with an empty or unknown defaultRegion is CodePhoneRegion.
//
// This is a normaliser, not a number plan: it checks lengths, not which
// number ranges are in service, and it keeps no carrier or type data.
// Letters, extensions and vanity numbers are CodeInvalidPhone.
func Phone(s, defaultRegion string) (string, Code) {
	e, code, _ := phone(s, defaultRegion)
	return e, code
}

// phone is Phone, also returning the country the number was checked
// against, for the message parameters.
func phone(s, defaultRegion string) (string, Code, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", CodeRequired, ""
	}
	if len(s) > 64 {
		return "", CodeInvalidPhone, ""
	}
	var buf [64]byte
	digits := buf[:0]
	plus := false
	separated := false // anything but digits after a leading +
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case c == '+' && i == 0:
			plus = true
		case c == '(' && strings.HasPrefix(s[i:], "(0)") && len(digits) > 0 && (plus || hasPrefix00(digits)):
			i += 2
			separated = true
		case c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')' || c == '\t':
			separated = true
		case c == 0xc2 && i+1 < len(s) && s[i+1] == 0xa0: // no-break space
			i++
			separated = true
		default:
			return "", CodeInvalidPhone, ""
		}
	}
	if len(digits) == 0 {
		return "", CodeInvalidPhone, ""
	}
	d := string(digits)
	if !plus && strings.HasPrefix(d, "00") {
		plus = true
		d = d[2:]
		separated = true
	}
	if plus {
		cc := callingCode(d)
		if cc == "" {
			return "", CodePhoneCountryCode, ""
		}
		nsn := d[len(cc):]
		country := "+" + cc
		if r, ok := findRegion(func(r phoneRegion) bool { return r.cc == cc }); ok {
			country = r.region
			if r.trunk != "" && strings.HasPrefix(nsn, r.trunk) {
				// "+358 040 ...": the national form after the country
				// code, its trunk prefix dropped as in "(0)".
				var ok bool
				if nsn, ok = r.significant(nsn); !ok {
					return "", CodeInvalidPhone, country
				}
				d, separated = cc+nsn, true
			}
			if !r.fits(len(nsn)) || len(d) > MaxE164Digits {
				return "", CodePhoneLength, country
			}
		} else if len(d) < 7 || len(d) > MaxE164Digits {
			return "", CodePhoneLength, country
		}
		if !separated {
			return s, "", country
		}
		return "+" + d, "", country
	}
	r, ok := findRegion(func(r phoneRegion) bool { return strings.EqualFold(r.region, defaultRegion) })
	if !ok {
		return "", CodePhoneRegion, strings.ToUpper(defaultRegion)
	}
	nsn, ok := r.significant(d)
	if !ok {
		return "", CodeInvalidPhone, r.region
	}
	if !r.fits(len(nsn)) || len(r.cc)+len(nsn) > MaxE164Digits {
		return "", CodePhoneLength, r.region
	}
	return "+" + r.cc + nsn, "", r.region
}

// significant returns the national significant number of digits, its
// trunk prefix dropped. No national significant number of a region with a
// trunk prefix begins with it, so digits that still do after one is
// dropped are no number of the region (false); reading them anyway would
// make Phone read its own output differently.
func (r phoneRegion) significant(digits string) (string, bool) {
	if r.trunk == "" {
		return digits, true
	}
	nsn := strings.TrimPrefix(digits, r.trunk)
	return nsn, !strings.HasPrefix(nsn, r.trunk)
}

func hasPrefix00(d []byte) bool { return len(d) >= 2 && d[0] == '0' && d[1] == '0' }
