package core

import "fmt"

// MaxFormatCode is the longest number format code a workbook may define:
// Excel's own limit, in characters.
const MaxFormatCode = 255

// DateFormats classifies a workbook's number formats once each, as they are
// read, so that a workbook's many cell formats naming one format cost a
// lookup each and reading the styles stays linear in their size. The zero
// value is ready to use.
type DateFormats struct {
	dates map[int]bool // whether each format the workbook defines shows dates
}

// Define records the workbook's format code for id. It returns an error
// wrapping ErrCorrupt for a code longer than MaxFormatCode characters,
// which no spreadsheet writes.
func (f *DateFormats) Define(id int, code string) error {
	if len(code) > MaxFormatCode && len([]rune(code)) > MaxFormatCode {
		return fmt.Errorf("%w: the number format %d has a code of %d characters; Excel allows %d", ErrCorrupt, id, len([]rune(code)), MaxFormatCode)
	}
	if f.dates == nil {
		f.dates = make(map[int]bool)
	}
	f.dates[id] = IsDateFormat(id, code)
	return nil
}

// IsDate reports whether numbers shown with format id are dates or times:
// the workbook's own code for id when it defined one, else the built-in
// formats' rule (see IsDateFormat).
func (f *DateFormats) IsDate(id int) bool {
	if d, ok := f.dates[id]; ok {
		return d
	}
	return IsDateFormat(id, "")
}

// IsDateFormat reports whether a number shown with the number format id
// (and, when the workbook defines one, its format code) shows a date or a
// time. A workbook may define codes for the built-in ids too (LibreOffice
// does); a non-empty code then decides. Without a code, the built-in date
// ids decide: 14-22, 27-36, 45-47 and 50-58 (the last two ranges are the
// East Asian date formats).
func IsDateFormat(id int, code string) bool {
	if code != "" {
		return IsDateCode(code)
	}
	switch {
	case id >= 14 && id <= 22, id >= 27 && id <= 36, id >= 45 && id <= 47, id >= 50 && id <= 58:
		return true
	}
	return false
}

// IsDateCode reports whether a number format code shows a date or time.
//
// Quoted text ("..."), escaped characters (\x), padding (_x), fill (*x) and
// bracketed sections ([Red], [$-409], [>100]) say nothing about the value
// and are skipped. Of what is left, the date and time letters y m d h s
// (either case; the m of AM/PM counts too) are weighed against the digit
// placeholders 0 # ?: more date letters than placeholders makes a date
// format, so "mm:ss.0" is a time and "0.00" or "#,##0 \d" are numbers. The
// plain formats General and @ are never dates. This is the rule xlrd and
// the common readers apply, so the readers agree with them.
func IsDateCode(code string) bool {
	dates, digits := 0, 0
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			for i++; i < len(code) && code[i] != '"'; i++ {
			}
		case '\\', '_', '*':
			i++
		case '[':
			for i++; i < len(code) && code[i] != ']'; i++ {
			}
		case 'y', 'Y', 'm', 'M', 'd', 'D', 'h', 'H', 's', 'S':
			dates++
		case '0', '#', '?':
			digits++
		}
	}
	return dates > 0 && dates > digits
}
