package validate

import (
	"fmt"
	"strconv"
)

// Severity says whether an issue stops a row (Error) or only tells the user
// that the import did something other than the file asked (Warning). The
// zero value is Error, so an Issue built without a severity is an error.
type Severity uint8

const (
	// Error: the row, record or file was not applied.
	Error Severity = iota
	// Warning: applied, with a remark.
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// MarshalText writes the severity as "error" or "warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads "error" or "warning".
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "error":
		*s = Error
	case "warning":
		*s = Warning
	default:
		return fmt.Errorf("validate: unknown severity %q", b)
	}
	return nil
}

// Params are the values a message template may quote. Each code's doc
// comment names the ones it uses; the rest stay zero. A small struct rather
// than a map keeps issues cheap to build and compare.
type Params struct {
	// Max is a limit: a maximum length, row count or size.
	Max int `json:"max,omitempty"`
	// Min is a minimum length.
	Min int `json:"min,omitempty"`
	// Got is the quantity found: a length, a row count.
	Got int `json:"got,omitempty"`
	// OtherRow is the other spreadsheet row of a duplicate (1-based, header
	// counted, as Where.Row).
	OtherRow int `json:"otherRow,omitempty"`
	// OtherRecord is the other record of a duplicate in a document.
	OtherRecord int `json:"otherRecord,omitempty"`
	// OtherColumn is the other column letter of a duplicate header.
	OtherColumn string `json:"otherColumn,omitempty"`
	// Name is a name the message quotes: a header, a key, a group, an
	// element, a limit. Never put a value of a sensitive field here.
	Name string `json:"name,omitempty"`
	// Expected lists or describes the accepted values.
	Expected string `json:"expected,omitempty"`
	// Country is an ISO 3166-1 alpha-2 code the check assumed.
	Country string `json:"country,omitempty"`
}

// Where locates an issue. Set the fields that apply and leave the rest
// zero: a workbook cell has Sheet, Row, Column and Header; a record in an
// XML document has Document, Record, Line and Path; a file-level issue may
// have nothing but Sheet or Document.
type Where struct {
	// Sheet is the worksheet name.
	Sheet string `json:"sheet,omitempty"`
	// Document is the XML document's name, such as its file name.
	Document string `json:"document,omitempty"`
	// Row is the row number as the spreadsheet shows it: 1-based, with the
	// header row being row 1, so the first data row is 2.
	Row int `json:"row,omitempty"`
	// Record is the 1-based position of the record in a document (the
	// third customer element is record 3).
	Record int `json:"record,omitempty"`
	// Line is the 1-based line in the document where the record or element
	// starts, when the reader knows it.
	Line int `json:"line,omitempty"`
	// Column is the column letter, "A" to "XFD".
	Column string `json:"column,omitempty"`
	// Header is the column's header text, such as "lastName".
	Header string `json:"header,omitempty"`
	// Path is the element path in an XML document, such as
	// "customers/customer/profile/email".
	Path string `json:"path,omitempty"`
}

// Cell returns the Where of a workbook cell: row is the 1-based row as the
// sheet shows it, col the 0-based column index.
func Cell(sheet string, row, col int, header string) Where {
	return Where{Sheet: sheet, Row: row, Column: ColumnLetter(col), Header: header}
}

// Record returns the Where of an element in a document: n is the 1-based
// record position and path the element path.
func Record(document string, n int, path string) Where {
	return Where{Document: document, Record: n, Path: path}
}

// Issue is one thing wrong with an input: a file, a row, a record or a
// single value. It is a plain value: build it with a literal or with New and
// the With methods, compare it, copy it.
//
// Value is the offending value as it may be shown: never a national
// identity number, a password or a password answer (those read
// "[redacted]"), and at most MaxValueRunes characters. New with WithValue
// or WithSecret fills it safely; the renderings also redact any value
// whose field, header or path names a secret, or that is itself a valid
// Nordic identity number, so a careless literal does not leak one.
//
// An Issue is an error; its Error method gives the English text form.
// errors.Is(issue, code) reports whether the issue has that code.
type Issue struct {
	// Severity is Error (the zero value) or Warning.
	Severity Severity `json:"severity"`
	// Code names the cause; the message is rendered from it.
	Code Code `json:"code"`
	// Where locates the issue; its fields are promoted (issue.Row), and
	// inlined in the JSON form.
	Where
	// Field is the model field the value belongs to, such as "lastName"
	// or "profile.email". It may equal Header.
	Field string `json:"field,omitempty"`
	// Value is the masked rendering of the offending value.
	Value string `json:"value,omitempty"`
	// Params are the values the message quotes.
	Params Params `json:"params,omitzero"`
}

// New returns an issue with code, its default severity, and the location.
func New(code Code, where Where) Issue {
	return Issue{Severity: code.Severity(), Code: code, Where: where}
}

// WithField returns a copy of the issue with Field set.
func (i Issue) WithField(field string) Issue {
	i.Field = field
	return i
}

// WithValue returns a copy of the issue carrying value, masked: redacted
// when the issue's field, header or path names a secret (set those first),
// otherwise truncated to MaxValueRunes.
func (i Issue) WithValue(value string) Issue {
	if i.secret() {
		i.Value = Redacted
		return i
	}
	i.Value = Mask(value, Public)
	return i
}

// WithSecret returns a copy of the issue that shows its value as
// "[redacted]". Use it for a secret in a field whose name does not say so.
func (i Issue) WithSecret() Issue {
	i.Value = Redacted
	return i
}

// WithParams returns a copy of the issue with Params set.
func (i Issue) WithParams(p Params) Issue {
	i.Params = p
	return i
}

// AsWarning returns a copy of the issue with severity Warning.
func (i Issue) AsWarning() Issue {
	i.Severity = Warning
	return i
}

// Error returns the English text form, such as
// "row 12, column D (lastName): required for a new customer".
func (i Issue) Error() string { return i.Text(English) }

// Is reports whether target is the issue's Code, so that
// errors.Is(err, validate.CodeTooLong) works through wrapping.
func (i Issue) Is(target error) bool {
	c, ok := target.(Code)
	return ok && c == i.Code
}

// Message returns the issue's message alone, without its location or
// value, in the language that best matches lang.
func (i Issue) Message(lang Language) string {
	return render(catalogFor(lang), i.Code, i.Params)
}

// Text returns the issue's text form in the language that best matches
// lang: the location, a colon, the message, and the masked value when
// there is one, e.g.
//
//	row 12, column C (email): an e-mail address needs an @ between the name and the domain; value "matti.example.com"
//	rivi 12, sarake D (lastName): pakollinen uudelle asiakkaalle
//	record 3 (customers/customer/profile/email): ...
func (i Issue) Text(lang Language) string {
	c := catalogFor(lang)
	b := make([]byte, 0, 96)
	b = i.appendText(b, c)
	return string(b)
}

func (i Issue) appendText(b []byte, c *catalog) []byte {
	start := len(b)
	b = i.Where.appendPlace(b, c, i.Field)
	if len(b) > start {
		b = append(b, ": "...)
	}
	b = append(b, render(c, i.Code, i.Params)...)
	if v := i.shownValue(); v != "" {
		b = append(b, "; "...)
		b = append(b, c.words.value...)
		b = append(b, ' ')
		if v == Redacted {
			b = append(b, v...)
		} else {
			b = strconv.AppendQuote(b, v)
		}
	}
	return b
}

// appendPlace writes the location part of the text form: sheet or document,
// row or record, column and header or path.
func (w Where) appendPlace(b []byte, c *catalog, field string) []byte {
	start := len(b)
	// part starts a part of the location: a separator after an earlier
	// part, then the word that names it.
	part := func(word string) {
		if len(b) > start {
			b = append(b, ", "...)
		}
		b = append(b, word...)
		b = append(b, ' ')
	}
	if w.Sheet != "" {
		part(c.words.sheet)
		b = strconv.AppendQuote(b, w.Sheet)
	} else if w.Document != "" {
		b = append(b, w.Document...)
	}
	number := func(word string, n int) {
		if n > 0 {
			part(word)
			b = strconv.AppendInt(b, int64(n), 10)
		}
	}
	number(c.words.row, w.Row)
	number(c.words.record, w.Record)
	number(c.words.line, w.Line)
	switch {
	case w.Column != "":
		part(c.words.column)
		b = append(b, w.Column...)
		if w.Header != "" {
			b = appendParen(b, start, w.Header)
		}
	case w.Header != "":
		part(c.words.column)
		b = append(b, w.Header...)
	}
	switch {
	case w.Path != "":
		b = appendParen(b, start, w.Path)
	case w.Header == "" && field != "":
		b = appendParen(b, start, field)
	}
	return b
}

func appendParen(b []byte, start int, s string) []byte {
	if len(b) > start {
		b = append(b, ' ')
	}
	b = append(b, '(')
	b = append(b, s...)
	return append(b, ')')
}

// shownValue is the value as every rendering shows it: redacted when the
// issue concerns a secret, truncated otherwise. It protects against a
// Value set directly with a plain secret in it.
func (i Issue) shownValue() string {
	if i.Value == "" || i.Value == Redacted {
		return i.Value
	}
	if i.secret() {
		return Redacted
	}
	return Mask(i.Value, Public)
}

// secret reports whether the issue's field, header or path names a secret.
func (i Issue) secret() bool {
	return SensitiveName(i.Field) || SensitiveName(i.Header) || SensitiveName(i.Path)
}

// Format makes every fmt verb safe: %v and %s print the English text
// form, %+v adds the severity and the code in front, %q quotes the text.
// %#v prints the fields Go-like, with the value masked.
func (i Issue) Format(f fmt.State, verb rune) {
	switch verb {
	case 'v':
		if f.Flag('#') {
			fmt.Fprintf(f, "validate.Issue{Severity:%s, Code:%q, Where:%#v, Field:%q, Value:%q, Params:%#v}",
				i.Severity, string(i.Code), i.Where, i.Field, i.shownValue(), i.Params)
			return
		}
		if f.Flag('+') {
			fmt.Fprintf(f, "%s %s: ", i.Severity, string(i.Code))
		}
		_, _ = f.Write([]byte(i.Error()))
	case 's':
		_, _ = f.Write([]byte(i.Error()))
	case 'q':
		_, _ = f.Write(strconv.AppendQuote(nil, i.Error()))
	default:
		fmt.Fprintf(f, "%%!%c(validate.Issue=%s)", verb, i.Error())
	}
}

// ColumnLetter returns the spreadsheet letter of the 0-based column index:
// 0 is "A", 25 "Z", 26 "AA", 16383 (the last Excel column) "XFD". It
// returns "" for a negative index or one past XFD.
func ColumnLetter(index int) string {
	if index < 0 || index >= MaxColumns {
		return ""
	}
	var buf [3]byte
	n := len(buf)
	for i := index + 1; i > 0; i = (i - 1) / 26 {
		n--
		buf[n] = byte('A' + (i-1)%26)
	}
	return string(buf[n:])
}

// ColumnIndex is the inverse of ColumnLetter: "A" is 0, "XFD" 16383. It
// accepts lower case and reports false for anything else.
func ColumnIndex(letters string) (int, bool) {
	if letters == "" || len(letters) > 3 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(letters); i++ {
		c := letters[i] | 0x20 // fold to lower case
		if c < 'a' || c > 'z' {
			return 0, false
		}
		n = n*26 + int(c-'a'+1)
	}
	if n > MaxColumns {
		return 0, false
	}
	return n - 1, true
}

// MaxColumns is the number of columns in an Excel sheet (A to XFD).
const MaxColumns = 16384
