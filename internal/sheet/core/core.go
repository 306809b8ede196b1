// Package core holds the vocabulary shared by package sheet and the format
// readers beneath it (internal/xlsx, internal/xls): cells, rows, limits,
// the sentinel errors, and the rule that tells a date number format from
// any other. It exists so that the readers need not import package sheet,
// which imports them; package sheet re-exports every name here, and the
// import code should use those.
package core

import (
	"errors"
	"fmt"
)

// Kind is the type of a cell's value as the workbook stores it.
type Kind uint8

// The kinds of cell. A formula cell has the kind of its cached value.
const (
	Empty Kind = iota
	String
	Number
	Bool
	Error
)

var kindNames = [...]string{Empty: "empty", String: "string", Number: "number", Bool: "bool", Error: "error"}

// String returns the kind's name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Cell is one cell's value.
type Cell struct {
	// Text is the value as stored: a string's text; a number's literal as
	// the file holds it (such as "1234.5" or "6.0012345678901E+15", never
	// formatted by its number format); "TRUE" or "FALSE" for a boolean; the
	// error text (such as "#N/A") for an error.
	Text string
	// Kind follows Text so that the two small fields share a word: a cell
	// is 24 bytes, not 32.
	Kind Kind
	// Date is true for a number whose number format shows a date or time;
	// Text is then the serial number.
	Date bool
}

// Row is one row of the sheet.
type Row struct {
	// Number is the row's 1-based number as the spreadsheet shows it.
	Number int
	// Cells are indexed by 0-based column; trailing empty cells may be
	// missing.
	Cells []Cell
}

// Limits bound what a reader accepts from an untrusted file. Its fields are
// excelio.Limits's, one for one, and mean what that type's documentation
// says: the import converts one into the other, so the compiler keeps the
// two lists equal. A zero field takes its default (see WithDefaults).
type Limits struct {
	MaxFileSize      int64
	MaxUnpacked      int64
	MaxRatio         int64
	MaxEntries       int
	MaxRows          int
	MaxColumns       int
	MaxCellChars     int
	MaxSharedStrings int
	MaxSharedBytes   int64
	MaxDepth         int
	MaxRowBytes      int
	MaxStylesBytes   int64
}

// WithDefaults returns l with every zero field set to its default.
func (l Limits) WithDefaults() Limits {
	def := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	defi := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxFileSize, 64<<20)
	def(&l.MaxUnpacked, 1<<30)
	def(&l.MaxRatio, 200)
	defi(&l.MaxEntries, 10000)
	defi(&l.MaxRows, 1<<20)
	defi(&l.MaxColumns, 16384)
	defi(&l.MaxCellChars, 32767)
	defi(&l.MaxSharedStrings, 2000000)
	def(&l.MaxSharedBytes, 256<<20)
	defi(&l.MaxDepth, 64)
	defi(&l.MaxRowBytes, 4<<20)
	def(&l.MaxStylesBytes, 16<<20)
	return l
}

// Errors readers return, wrapped with detail. Each is a file-level problem.
var (
	// ErrFormat: the file is not a workbook of a supported format.
	ErrFormat = errors.New("not a supported workbook")
	// ErrEmpty: the file has no bytes at all.
	ErrEmpty = errors.New("empty file")
	// ErrZip: the file is a ZIP archive but not a workbook.
	ErrZip = errors.New("ZIP archive, not a workbook")
	// ErrCSV: the file looks like CSV text.
	ErrCSV = errors.New("CSV text, not a workbook")
	// ErrEncrypted: the workbook is password-protected.
	ErrEncrypted = errors.New("encrypted workbook")
	// ErrCorrupt: the workbook is damaged or truncated.
	ErrCorrupt = errors.New("damaged workbook")
	// ErrUnreadable: the file could not be read at all.
	ErrUnreadable = errors.New("file cannot be read")
	// ErrLimit: the workbook exceeds a configured limit. The error is a
	// *LimitError.
	ErrLimit = errors.New("workbook exceeds a limit")
)

// LimitError reports which limit a workbook exceeded. It matches ErrLimit.
type LimitError struct {
	Limit string // the Limits field name, such as "MaxCellChars"
	Max   int64
	Where string // what exceeded it, such as "row 12" or "xl/sharedStrings.xml"
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("%s exceeds %s (%d)", e.Where, e.Limit, e.Max)
}

// Is makes errors.Is(err, ErrLimit) true.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// RowTooLarge is the error of row (1-based) whose text passes MaxRowBytes,
// max.
func RowTooLarge(max, row int) *LimitError {
	return &LimitError{Limit: "MaxRowBytes", Max: int64(max), Where: fmt.Sprintf("the text of row %d", row)}
}
