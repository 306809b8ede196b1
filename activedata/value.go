package activedata

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/impexkit/impex/validate"
)

// SetSeparator separates the elements of a set in one CSV cell:
// "red|green|blue". Inside an element, a literal | is written \| and a
// literal backslash \\.
const SetSeparator = '|'

// ValueError reports a text that is not a value of its attribute's type.
// Code is the validate code an import reports (validate.CodeInvalidNumber,
// CodeInvalidValue, CodeInvalidBoolean, CodeInvalidDate, CodeDateRange);
// errors.Is(err, code) works on it.
type ValueError struct {
	Type     Type
	Text     string
	Code     validate.Code
	Expected string
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("activedata: %q is not a %s value (expected %s)", e.Text, e.Type, e.Expected)
}

// Is reports whether target is the error's validate code.
func (e *ValueError) Is(target error) bool {
	c, ok := target.(validate.Code)
	return ok && c == e.Code
}

// Parse reads text as a value of the type and returns its canonical form:
// the texts the customer model stores in customer.ActiveData.Custom. An
// empty text (or a set with no non-empty element) gives no values, which
// an import reads as "remove the value".
//
// What it accepts, and the canonical form it returns:
//
//   - string: any valid UTF-8, kept as given except that a CRLF line
//     break becomes LF, as CSV readers do inside quoted cells;
//   - int: an optional sign and decimal digits, spaces around ignored
//     ("+007" is "7");
//   - number: decimal notation with an optional exponent ("12.50",
//     "-1e3"); decimalComma also takes a comma as the decimal point, as
//     spreadsheets write it in semicolon-separated files. Written back as
//     the shortest text that reads as the same float64, in plain notation
//     from 1e-6 to 1e21 and with an exponent beyond;
//   - boolean: true/false, TRUE/FALSE (any case), 1/0; written true/false;
//   - date: YYYY-MM-DD;
//   - datetime: YYYY-MM-DDThh:mm:ss with optional fraction and a zone (Z or
//     ±hh:mm); without a zone, or with a space for the T, it is read as
//     UTC. Written in UTC, RFC 3339 with as many fraction digits as needed;
//   - sets: elements separated by |, each read as its element type; empty
//     elements and repeats are dropped, the order kept.
//
// It returns a *ValueError for anything else.
func (t Type) Parse(text string, decimalComma bool) ([]string, error) {
	if !t.Valid() {
		return nil, &ValueError{Type: t, Text: text, Code: validate.CodeInvalidValue, Expected: "a declared type"}
	}
	if !t.Set() {
		v, ok, err := t.parseOne(text, decimalComma)
		if err != nil || !ok {
			return nil, err
		}
		return []string{v}, nil
	}
	var out []string
	for _, e := range splitSet(text) {
		v, ok, err := t.elem().parseOne(e, decimalComma)
		if err != nil {
			err.(*ValueError).Type = t
			return nil, err
		}
		if ok && !contains(out, v) {
			out = append(out, v)
		}
	}
	return out, nil
}

func contains(ss []string, s string) bool {
	for _, v := range ss {
		if v == s {
			return true
		}
	}
	return false
}

// parseOne reads one element; ok is false for an empty one.
func (t Type) parseOne(text string, decimalComma bool) (string, bool, error) {
	if t == TypeString {
		if !utf8.ValidString(text) {
			return "", false, &ValueError{Type: t, Text: text, Code: validate.CodeInvalidValue, Expected: "text in UTF-8"}
		}
		text = strings.ReplaceAll(text, "\r\n", "\n")
		return text, text != "", nil
	}
	s := strings.TrimSpace(text)
	if s == "" {
		return "", false, nil
	}
	switch t {
	case TypeInt:
		n, code := validate.Integer(s)
		if code != "" {
			return "", false, &ValueError{Type: t, Text: text, Code: validate.CodeInvalidNumber, Expected: "a whole number"}
		}
		return strconv.FormatInt(n, 10), true, nil
	case TypeNumber:
		if decimalComma && strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
			s = strings.Replace(s, ",", ".", 1)
		}
		f, ok := parseDecimal(s)
		if !ok {
			return "", false, &ValueError{Type: t, Text: text, Code: validate.CodeInvalidValue, Expected: "a decimal number such as 12.5"}
		}
		return FormatNumber(f), true, nil
	case TypeBoolean:
		switch {
		case strings.EqualFold(s, "true") || s == "1":
			return "true", true, nil
		case strings.EqualFold(s, "false") || s == "0":
			return "false", true, nil
		}
		return "", false, &ValueError{Type: t, Text: text, Code: validate.CodeInvalidBoolean, Expected: "true or false"}
	case TypeDate:
		d, err := time.Parse(time.DateOnly, s)
		if err != nil || len(s) != 10 {
			return "", false, &ValueError{Type: t, Text: text, Code: validate.CodeInvalidDate, Expected: "a date YYYY-MM-DD"}
		}
		if d.Year() < 1 {
			return "", false, &ValueError{Type: t, Text: text, Code: validate.CodeDateRange, Expected: "a date in the years 1 to 9999"}
		}
		return d.Format(time.DateOnly), true, nil
	case TypeDateTime:
		d, ok := parseDateTime(s)
		if !ok {
			return "", false, &ValueError{Type: t, Text: text, Code: validate.CodeInvalidDate, Expected: "a date and time such as 2024-05-31T18:30:00Z"}
		}
		if y := d.UTC().Year(); y < 1 || y > 9999 {
			return "", false, &ValueError{Type: t, Text: text, Code: validate.CodeDateRange, Expected: "a date in the years 1 to 9999"}
		}
		return FormatDateTime(d), true, nil
	}
	return "", false, &ValueError{Type: t, Text: text, Code: validate.CodeInvalidValue, Expected: "a declared type"}
}

// parseDateTime reads RFC 3339, with a space allowed for the T and the zone
// optional (UTC when absent).
func parseDateTime(s string) (time.Time, bool) {
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// FormatDateTime writes an instant as the canonical datetime value: UTC,
// RFC 3339, with the fraction digits it needs ("2024-05-31T18:30:00Z").
func FormatDateTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// parseDecimal reads a finite number in decimal notation: an optional sign,
// digits with an optional fraction, an optional exponent. It refuses what
// strconv.ParseFloat would also take but a person does not mean as a
// number: hexadecimal, underscores, Inf and NaN.
func parseDecimal(s string) (float64, bool) {
	if ok, _ := validate.NumberForm(s); !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// FormatNumber writes a number as the canonical number value: the shortest
// text that reads back as f, in plain notation when 1e-6 <= |f| < 1e21 (or
// f is 0) and in exponent notation otherwise ("1e+21", "1e-07"); -0 is
// written 0. Every form it writes reads back with Parse, and the rule
// engine reads it as a number.
func FormatNumber(f float64) string {
	if f == 0 {
		return "0"
	}
	if a := math.Abs(f); a >= 1e-6 && a < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'e', -1, 64)
}

// Format writes canonical values of the type as one CSV cell's text: a
// single value as it is, a set's elements joined with SetSeparator, with |
// and \ escaped inside elements. No values give the empty text.
func (t Type) Format(values []string) string {
	if len(values) == 0 {
		return ""
	}
	if !t.Set() {
		return values[0]
	}
	var b strings.Builder
	for i, v := range values {
		if i > 0 {
			b.WriteByte(SetSeparator)
		}
		for j := 0; j < len(v); j++ {
			if v[j] == SetSeparator || v[j] == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(v[j])
		}
	}
	return b.String()
}

// splitSet splits a set cell on unescaped separators and removes the
// escapes. A backslash before any other character is kept as it is.
func splitSet(s string) []string {
	var out []string
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && (s[i+1] == SetSeparator || s[i+1] == '\\'):
			i++
			b.WriteByte(s[i])
		case c == SetSeparator:
			out = append(out, b.String())
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	return append(out, b.String())
}

// Cells that a spreadsheet program would run as a formula start with one of
// these characters (DESIGN 11).
func formulaStart(c byte) bool {
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r'
}

// needsQuote reports whether Neutralize prefixes s: when s starts like a
// formula, or starts with the quote mark in a way that Restore would
// otherwise take for a neutralised cell.
func needsQuote(s string) bool {
	if s == "" {
		return false
	}
	if formulaStart(s[0]) {
		return true
	}
	return s[0] == '\'' && len(s) > 1 && (formulaStart(s[1]) || s[1] == '\'')
}

// Neutralize makes a text safe to put in a CSV cell that a spreadsheet
// program may open: a text starting with =, +, -, @, a tab or a carriage
// return gets a leading apostrophe, so it shows as text instead of running
// as a formula. A text that already starts with an apostrophe followed by
// one of those characters or another apostrophe gets one too, so Restore
// can undo exactly what Neutralize did: Restore(Neutralize(s)) == s for
// every s.
func Neutralize(s string) string {
	if needsQuote(s) {
		return "'" + s
	}
	return s
}

// Restore undoes Neutralize: it drops the leading apostrophe of a cell
// that Neutralize would have written for the rest of it, and returns any
// other cell unchanged ("'tis" stays "'tis").
func Restore(cell string) string {
	if len(cell) > 1 && cell[0] == '\'' && needsQuote(cell[1:]) {
		return cell[1:]
	}
	return cell
}

// cellText is what an export writes for values of type t: the formatted
// values, neutralised unless the type is a single number. A canonical int
// or number is digits with an optional leading minus and never a formula,
// so a negative number stays a number a spreadsheet can compute with.
func cellText(t Type, values []string) string {
	s := t.Format(values)
	if t == TypeInt || t == TypeNumber {
		return s
	}
	return Neutralize(s)
}
