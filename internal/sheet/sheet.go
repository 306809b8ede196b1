// Package sheet is the one view of a workbook the import sees: the first
// worksheet as a stream of rows of typed cells. Readers for the formats
// (xlsx, legacy xls) implement Reader; the import never looks past it.
//
// The types and errors are defined in package core, which the format
// readers share without importing this package; the names here are the
// same types, and the import code should use these.
package sheet

import "github.com/impexkit/impex/internal/sheet/core"

// Kind is the type of a cell's value as the workbook stores it.
type Kind = core.Kind

// The kinds of cell. A formula cell has the kind of its cached value.
const (
	Empty  = core.Empty
	String = core.String
	Number = core.Number
	Bool   = core.Bool
	Error  = core.Error
)

// Cell is one cell's value: its Kind, its Text as stored (a string's text;
// a number's literal as the file holds it, never formatted by its number
// format; "TRUE" or "FALSE" for a boolean; the error text such as "#N/A"
// for an error), and Date, true for a number whose number format shows a
// date or time (Text is then the serial number).
type Cell = core.Cell

// Row is one row of the sheet: its 1-based Number as the spreadsheet shows
// it, and its Cells indexed by 0-based column (trailing empty cells may be
// missing).
type Row = core.Row

// Reader streams the rows of a workbook's first worksheet in order. Rows
// with no cells may be skipped.
type Reader interface {
	// Next advances to the next row, returning false at the end or on
	// error.
	Next() bool
	// Row returns the current row. Its Cells are valid until the next
	// call to Next.
	Row() Row
	// Err returns the error that ended the iteration, if any.
	Err() error
	// Date1904 reports whether the workbook counts dates from 1904.
	Date1904() bool
	// SheetName is the name of the worksheet being read.
	SheetName() string
	// SetPrivate marks the columns (0-based) whose cells hold secrets, such
	// as plain identity numbers, for the rows read after it: their texts
	// get memory of their own, which no other cell's text shares, so that
	// a value kept from the row does not keep a secret in memory with it.
	SetPrivate(cols []int)
	// Close releases the reader's resources.
	Close() error
}

// Limits bound what a reader accepts from an untrusted file. A zero field
// takes its default; excelio.Limits documents each field and its default.
type Limits = core.Limits

// LimitError reports which limit a workbook exceeded (Limit, the Limits
// field name; Max, its value; Where, what exceeded it). It matches
// ErrLimit.
type LimitError = core.LimitError

// Errors readers return, wrapped with detail. Each is a file-level problem.
var (
	// ErrFormat: the file is not a workbook of a supported format.
	ErrFormat = core.ErrFormat
	// ErrEmpty: the file has no bytes at all.
	ErrEmpty = core.ErrEmpty
	// ErrZip: the file is a ZIP archive but not a workbook.
	ErrZip = core.ErrZip
	// ErrCSV: the file looks like CSV text.
	ErrCSV = core.ErrCSV
	// ErrEncrypted: the workbook is password-protected.
	ErrEncrypted = core.ErrEncrypted
	// ErrCorrupt: the workbook is damaged or truncated.
	ErrCorrupt = core.ErrCorrupt
	// ErrUnreadable: reading the file failed; the error wraps the cause.
	ErrUnreadable = core.ErrUnreadable
	// ErrLimit: the workbook exceeds a configured limit. The error is a
	// *LimitError.
	ErrLimit = core.ErrLimit
)
