package validate

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Problem is what a Rule reports about a value: the code and the
// parameters its message needs. The zero Problem means the value passed.
type Problem struct {
	// Code names the cause; "" when the value passed.
	Code Code
	// Params are what the code's message quotes.
	Params Params
}

// OK reports whether the value passed.
func (p Problem) OK() bool { return p.Code == "" }

// Issue turns the problem into an Issue at where, for field, carrying
// value masked as WithValue masks it (redacted when field or where's
// header or path names a secret).
func (p Problem) Issue(where Where, field, value string) Issue {
	return New(p.Code, where).WithField(field).WithParams(p.Params).WithValue(value)
}

// A Rule checks one value and returns it normalised, or a Problem. Rules
// are plain functions: the validators of this package adapt to rules with
// Func, rules combine with Chain and Optional, and a schema lists a Rule
// per field instead of calling validators from code.
//
// A Rule must not keep or log the value it is given; for a secret field
// that value is a national identity number or a password.
type Rule func(value string) (string, Problem)

// Func adapts a validator such as Email, Country or Locale to a Rule.
func Func(validator func(string) (string, Code)) Rule {
	return func(s string) (string, Problem) {
		out, code := validator(s)
		if code != "" {
			return s, Problem{Code: code}
		}
		return out, Problem{}
	}
}

// Chain returns a Rule that runs rules in order, each on the value the
// previous one returned, and stops at the first problem.
func Chain(rules ...Rule) Rule {
	return func(s string) (string, Problem) {
		for _, r := range rules {
			var p Problem
			if s, p = r(s); !p.OK() {
				return s, p
			}
		}
		return s, Problem{}
	}
}

// Memo returns r remembering the outcome for up to size distinct values,
// for fields with few distinct values and a costly rule, such as a locale
// read through golang.org/x/text on every row of an import. Once size
// values are remembered, other values run r each time. r must be a pure
// function of its value. Memo keeps the values it is given, so it must not
// wrap the rule of a secret field. The Rule is safe for concurrent use.
func Memo(r Rule, size int) Rule {
	type outcome struct {
		out string
		p   Problem
	}
	var (
		mu   sync.Mutex
		seen = make(map[string]outcome)
	)
	return func(s string) (string, Problem) {
		mu.Lock()
		o, ok := seen[s]
		mu.Unlock()
		if ok {
			return o.out, o.p
		}
		out, p := r(s)
		mu.Lock()
		if len(seen) < size {
			seen[strings.Clone(s)] = outcome{out, p}
		}
		mu.Unlock()
		return out, p
	}
}

// Optional returns a Rule that lets an empty or all-whitespace value
// through as "" and runs rules, chained, on any other value.
func Optional(rules ...Rule) Rule {
	c := Chain(rules...)
	return func(s string) (string, Problem) {
		if strings.TrimSpace(s) == "" {
			return "", Problem{}
		}
		return c(s)
	}
}

// Required is a Rule: an empty or all-whitespace value is CodeRequired;
// any other value passes unchanged.
func Required(s string) (string, Problem) {
	if strings.TrimSpace(s) == "" {
		return s, Problem{Code: CodeRequired}
	}
	return s, Problem{}
}

// RequiredForNew is Required reporting CodeRequiredForNew, for the columns
// a customer the import creates must have.
func RequiredForNew(s string) (string, Problem) {
	if strings.TrimSpace(s) == "" {
		return s, Problem{Code: CodeRequiredForNew}
	}
	return s, Problem{}
}

// Trim is a Rule that removes leading and trailing whitespace.
func Trim(s string) (string, Problem) { return strings.TrimSpace(s), Problem{} }

// NoEdgeSpace is a Rule for SFCC's non-empty strings: a value that starts
// or ends with whitespace is CodeWhitespace.
func NoEdgeSpace(s string) (string, Problem) {
	if s != strings.TrimSpace(s) {
		return s, Problem{Code: CodeWhitespace}
	}
	return s, Problem{}
}

// SingleLine is a Rule for one-line text: any control character (line
// breaks and tabs included) is CodeControlCharacter.
func SingleLine(s string) (string, Problem) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return s, Problem{Code: CodeControlCharacter}
		}
	}
	return s, Problem{}
}

// MultiLine is a Rule for text that may span lines: control characters
// other than tab, line feed and carriage return are CodeControlCharacter.
// (XML 1.0 cannot carry the others at all.)
func MultiLine(s string) (string, Problem) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f {
			return s, Problem{Code: CodeControlCharacter}
		}
	}
	return s, Problem{}
}

// MaxLen returns a Rule that fails with CodeTooLong (Params Max and Got)
// when the value has more than n characters. It counts characters
// (Unicode code points), as XML Schema's maxLength does, not bytes.
func MaxLen(n int) Rule {
	return func(s string) (string, Problem) {
		if len(s) <= n { // no more bytes than n: no more characters either
			return s, Problem{}
		}
		if c := utf8.RuneCountInString(s); c > n {
			return s, Problem{Code: CodeTooLong, Params: Params{Max: n, Got: c}}
		}
		return s, Problem{}
	}
}

// MinLen returns a Rule that fails with CodeTooShort (Params Min and Got)
// when the value has fewer than n characters.
func MinLen(n int) Rule {
	return func(s string) (string, Problem) {
		if c := utf8.RuneCountInString(s); c < n {
			return s, Problem{Code: CodeTooShort, Params: Params{Min: n, Got: c}}
		}
		return s, Problem{}
	}
}

// MaxUTF16Len returns a Rule that fails with CodeTooLong when the value
// needs more than n UTF-16 code units, the unit Excel counts its cell
// limit in (an emoji takes two).
func MaxUTF16Len(n int) Rule {
	return func(s string) (string, Problem) {
		if len(s) <= n {
			return s, Problem{}
		}
		c := 0
		for _, r := range s {
			c += utf16.RuneLen(r)
		}
		if c > n {
			return s, Problem{Code: CodeTooLong, Params: Params{Max: n, Got: c}}
		}
		return s, Problem{}
	}
}

// OneOf returns a Rule that accepts exactly the given values and reports
// any other as CodeInvalidValue, listing them in Params.Expected.
func OneOf(values ...string) Rule {
	expected := strings.Join(values, ", ")
	return func(s string) (string, Problem) {
		if slices.Contains(values, s) {
			return s, Problem{}
		}
		return s, Problem{Code: CodeInvalidValue, Params: Params{Expected: expected}}
	}
}

// Length limits of the SFCC customer schema (customer.xsd), in characters.
const (
	// MaxXSDString is simpleType.Generic.String.256 and its relatives:
	// names, e-mail, login, group and address IDs, custom strings.
	MaxXSDString = 256
	// MaxXSDText is simpleType.Generic.String.4000: the customer note.
	MaxXSDText = 4000
	// MaxXSDCustomerNo is simpleType.Generic.String.100: customer-no.
	MaxXSDCustomerNo = 100
	// MaxXSDPhone is simpleType.PhoneNumber and String.32: phones, fax,
	// suite.
	MaxXSDPhone = 32
	// MaxXSDShort is simpleType.Generic.String.10: postal code,
	// preferred-locale.
	MaxXSDShort = 10
	// MaxXSDCountryCode is simpleType.CountryCode: one or two characters.
	MaxXSDCountryCode = 2
)

// Limits of the Excel workbooks.
const (
	// MaxCustomNote is the longest customNote the Excel import accepts.
	MaxCustomNote = 300
	// MaxExcelCell is the most characters (UTF-16 code units) Excel keeps
	// in one cell.
	MaxExcelCell = 32767
)

// XSDString returns the rule for an optional SFCC string of at most n
// characters: MaxLen(n).
func XSDString(n int) Rule { return MaxLen(n) }

// XSDNonEmptyString returns the rule for SFCC's NonEmptyString types:
// required, no whitespace at either end, at most n characters.
func XSDNonEmptyString(n int) Rule { return Chain(Required, NoEdgeSpace, MaxLen(n)) }

// XSDCountryCode returns the rule for simpleType.CountryCode: one or two
// characters, kept as written (SFCC does not check them against ISO
// 3166; chain Func(Country) for that).
func XSDCountryCode() Rule { return Chain(MinLen(1), MaxLen(MaxXSDCountryCode)) }

// ExcelCell returns the rule for any value written to a cell: at most
// MaxExcelCell UTF-16 code units.
func ExcelCell() Rule { return MaxUTF16Len(MaxExcelCell) }

// CustomNote returns the rule for the Excel customNote column: at most
// MaxCustomNote characters, line breaks allowed.
func CustomNote() Rule { return Chain(MultiLine, MaxLen(MaxCustomNote)) }

// EmailRule returns the rule for an e-mail address: Email within
// MaxXSDString characters.
func EmailRule() Rule { return Chain(Func(Email), MaxLen(MaxXSDString)) }

// PhoneRule returns a Rule that normalises a phone number to E.164 with
// Phone, reading national numbers in defaultRegion. A problem carries the
// country in Params.Country.
func PhoneRule(defaultRegion string) Rule {
	return func(s string) (string, Problem) {
		e, code, country := phone(s, defaultRegion)
		if code != "" {
			return s, Problem{Code: code, Params: Params{Country: country}}
		}
		return e, Problem{}
	}
}

// NationalIDRule returns a Rule that validates a national identity number
// of country ("" to detect it) and returns its normalised form. now gives
// the reference date (see NationalIDAt); nil means time.Now. A problem
// carries the country in Params.Country; the value never appears in it.
func NationalIDRule(country string, now func() time.Time) Rule {
	if now == nil {
		now = time.Now
	}
	return func(s string) (string, Problem) {
		info, code := NationalIDAt(country, s, now())
		if code != "" {
			return s, Problem{Code: code, Params: Params{Country: strings.ToUpper(country)}}
		}
		return info.Normalized, Problem{}
	}
}

// VATRule returns a Rule that validates and normalises a VAT number with
// VAT. A problem carries the prefix's country in Params.Country.
func VATRule() Rule {
	return func(s string) (string, Problem) {
		v, code := VAT(s)
		if code != "" {
			p := Problem{Code: code}
			if code != CodeVATCountry {
				t := strings.TrimSpace(s)
				p.Params.Country = strings.ToUpper(t[:2])
			}
			return s, p
		}
		return v, Problem{}
	}
}

// BusinessIDRule returns a Rule that validates and normalises the
// business identifier of country with BusinessID.
func BusinessIDRule(country string) Rule {
	return func(s string) (string, Problem) {
		v, code := BusinessID(country, s)
		if code != "" {
			return s, Problem{Code: code, Params: Params{Country: strings.ToUpper(country)}}
		}
		return v, Problem{}
	}
}

// DateRule returns a Rule that parses an ISO 8601 date or date and time
// with DateIn and normalises it: a date alone to "2006-01-02", a date
// and time to RFC 3339 with the offset of loc (or Z for UTC).
func DateRule(loc *time.Location) Rule {
	return func(s string) (string, Problem) {
		t, code := DateIn(s, loc)
		if code != "" {
			return s, Problem{Code: code}
		}
		if len(strings.TrimSpace(s)) <= 10 {
			return t.Format(time.DateOnly), Problem{}
		}
		if loc != nil {
			t = t.In(loc)
		}
		return t.Format(time.RFC3339Nano), Problem{}
	}
}

// Boolean reads the boolean texts the Excel import accepts: TRUE and
// FALSE in any case, and 1 and 0, with surrounding whitespace ignored.
// Anything else, the empty string included, is CodeInvalidBoolean.
func Boolean(s string) (bool, Code) {
	switch s = strings.TrimSpace(s); {
	case s == "1" || strings.EqualFold(s, "true"):
		return true, ""
	case s == "0" || strings.EqualFold(s, "false"):
		return false, ""
	}
	return false, CodeInvalidBoolean
}

// BooleanRule is a Rule normalising what Boolean accepts to "true" or
// "false".
func BooleanRule(s string) (string, Problem) {
	b, code := Boolean(s)
	if code != "" {
		return s, Problem{Code: code}
	}
	return strconv.FormatBool(b), Problem{}
}

// Integer reads a whole number as xsd:long does; see IntegerBits.
func Integer(s string) (int64, Code) { return IntegerBits(s, 64) }

// IntegerBits reads a whole number with the lexical rules of the XSD
// integer types: white space around it is ignored (XSD collapses it), then
// one optional sign and one or more decimal digits, leading zeros allowed,
// nothing else: "+-5", "+ 5", "1e3", "5.0" and "" are not numbers. The
// value must fit in a signed integer of bits bits (32 for xsd:int, 64 for
// xsd:long). Anything else is CodeInvalidNumber. Every reader of integers
// in the module uses it, so a text is a number everywhere or nowhere.
func IntegerBits(s string, bits int) (int64, Code) {
	n, err := strconv.ParseInt(strings.Trim(s, " \t\r\n"), 10, bits)
	if err != nil {
		return 0, CodeInvalidNumber
	}
	return n, ""
}

// Gender reads an SFCC gender: "male" is 1, "female" 2, and an integer is
// itself. set is false for an empty value, which SFCC reads as "unset".
// Anything else is CodeInvalidGender.
func Gender(s string) (gender int, set bool, code Code) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return 0, false, ""
	case strings.EqualFold(s, "male"):
		return 1, true, ""
	case strings.EqualFold(s, "female"):
		return 2, true, ""
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, false, CodeInvalidGender
	}
	return n, true, ""
}

// Login validates an SFCC login: not empty, at most MaxXSDString
// characters, each an ASCII letter or digit or one of the characters the
// platform accepts in logins, so that any e-mail address can be one:
// . @ _ - and # ! & $ % * + / ? = ^ ` ~ } | {. Spaces, control characters
// and anything else are CodeInvalidLogin.
func Login(s string) (string, Code) {
	if s == "" {
		return "", CodeRequired
	}
	if len(s) > MaxXSDString {
		return "", CodeTooLong
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && (c < '0' || c > '9') && strings.IndexByte(loginSpecials, c) < 0 {
			return "", CodeInvalidLogin
		}
	}
	return s, ""
}

// loginSpecials are the characters besides letters and digits a login may
// hold.
const loginSpecials = ".@_-#!&$%*+/?=^`~}|{"

// Field is one entry of a schema: the model field a column or element
// fills, whether its values are secret, and the rule its values pass.
//
//	personSchema := []validate.Field{
//		{Name: "email", Rule: validate.Optional(validate.EmailRule())},
//		{Name: "lastName", Rule: validate.Chain(validate.RequiredForNew, validate.MaxLen(validate.MaxXSDString))},
//		{Name: "ssn", Secret: true, Rule: validate.Optional(validate.NationalIDRule("FI", clock))},
//	}
type Field struct {
	// Name is the model field, reported as Issue.Field.
	Name string
	// Secret marks values that no issue may show: identity numbers,
	// passwords, password answers. Names such as "ssn" and "password"
	// are recognised anyway (see SensitiveName); Secret covers the rest.
	Secret bool
	// Rule checks and normalises the value; nil accepts any value.
	Rule Rule
}

// Check runs the field's rule on value and returns the normalised value,
// or false and the issue located at where, its value masked.
func (f Field) Check(where Where, value string) (string, Issue, bool) {
	if f.Rule == nil {
		return value, Issue{}, true
	}
	out, p := f.Rule(value)
	if p.OK() {
		return out, Issue{}, true
	}
	return "", f.Issue(where, value, p), false
}

// Issue returns the issue of the problem p the field's rule found in
// value, located at where, its value masked as Check masks it. A caller
// that runs the rule itself, to keep the issue off its hot path until a
// value fails, reports the failure with it.
func (f Field) Issue(where Where, value string, p Problem) Issue {
	is := p.Issue(where, f.Name, value)
	if f.Secret {
		is = is.WithSecret()
	}
	return is
}

// NumberForm reports whether s is a number in the lexical form XML Schema's
// decimal and double share, and people type: an optional sign, digits with
// an optional fraction, and optionally an exponent (exponent tells which).
// It refuses what strconv.ParseFloat would also take but a person does not
// mean as a number: hexadecimal, underscores, Inf and NaN. It does not
// allocate.
func NumberForm(s string) (ok, exponent bool) {
	i := 0
	// skip moves past one character of set, if s has one at i.
	skip := func(set string) bool {
		if i < len(s) && strings.IndexByte(set, s[i]) >= 0 {
			i++
			return true
		}
		return false
	}
	// digits moves past a run of digits and returns its length.
	digits := func() int {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - start
	}
	skip("+-")
	n := digits()
	if skip(".") {
		n += digits()
	}
	if n == 0 {
		return false, false
	}
	if skip("eE") {
		exponent = true
		skip("+-")
		if digits() == 0 {
			return false, false
		}
	}
	return i == len(s), exponent
}
