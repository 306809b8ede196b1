package sheet

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The xlsx reader is, for now, excelize's streaming row reader behind the
// Reader interface. A faster reader of our own replaces it (see DESIGN
// 6.6); this one stays as the reference the new one is compared with.

func openXLSX(r io.ReaderAt, size int64, limits Limits) (Reader, error) {
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		UnzipSizeLimit:    limits.MaxUnpacked,
		UnzipXMLSizeLimit: limits.MaxUnpacked,
	})
	if err != nil {
		if errors.Is(err, excelize.ErrWorkbookFileFormat) {
			return nil, fmt.Errorf("%w: %v", ErrZip, err)
		}
		if strings.Contains(err.Error(), "encrypt") || strings.Contains(err.Error(), "password") {
			return nil, fmt.Errorf("%w: %v", ErrEncrypted, err)
		}
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, fmt.Errorf("%w: the workbook has no worksheet", ErrCorrupt)
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	return &excelizeReader{f: f, rows: rows, sheet: sheets[0], limits: limits, date1904: date1904}, nil
}

type excelizeReader struct {
	f        *excelize.File
	rows     *excelize.Rows
	sheet    string
	limits   Limits
	date1904 bool
	n        int
	row      Row
	err      error
}

func (x *excelizeReader) Next() bool {
	if x.err != nil || !x.rows.Next() {
		if x.err == nil {
			x.err = x.rows.Error()
		}
		return false
	}
	x.n++
	if x.n > x.limits.MaxRows {
		x.err = &LimitError{Limit: "MaxRows", Max: int64(x.limits.MaxRows), Where: fmt.Sprintf("row %d", x.n)}
		return false
	}
	raw, err := x.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		x.err = fmt.Errorf("%w: row %d: %v", ErrCorrupt, x.n, err)
		return false
	}
	if len(raw) > x.limits.MaxColumns {
		x.err = &LimitError{Limit: "MaxColumns", Max: int64(x.limits.MaxColumns), Where: fmt.Sprintf("row %d", x.n)}
		return false
	}
	x.row.Number = x.n
	x.row.Cells = x.row.Cells[:0]
	for col, v := range raw {
		if len(v) > x.limits.MaxCellChars*4 {
			x.err = &LimitError{Limit: "MaxCellChars", Max: int64(x.limits.MaxCellChars), Where: fmt.Sprintf("row %d", x.n)}
			return false
		}
		c := Cell{Kind: String, Text: v}
		if v == "" {
			c.Kind = Empty
		} else if name, err := excelize.CoordinatesToCellName(col+1, x.n); err == nil {
			if t, err := x.f.GetCellType(x.sheet, name); err == nil {
				switch t {
				case excelize.CellTypeBool:
					c.Kind, c.Text = Bool, map[bool]string{true: "TRUE", false: "FALSE"}[v == "1"]
				case excelize.CellTypeNumber, excelize.CellTypeDate, excelize.CellTypeUnset:
					if t != excelize.CellTypeUnset || isNumber(v) {
						c.Kind = Number
					}
				case excelize.CellTypeError:
					c.Kind = Error
				}
			}
		}
		x.row.Cells = append(x.row.Cells, c)
	}
	return true
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'E' || c == 'e') {
			return false
		}
	}
	return true
}

func (x *excelizeReader) Row() Row          { return x.row }
func (x *excelizeReader) Err() error        { return x.err }
func (x *excelizeReader) Date1904() bool    { return x.date1904 }
func (x *excelizeReader) SheetName() string { return x.sheet }

func (x *excelizeReader) Close() error {
	x.rows.Close()
	return x.f.Close()
}

func openXLS(io.ReaderAt, int64, Limits) (Reader, error) {
	return nil, fmt.Errorf("%w: legacy .xls files are not read yet; save the file as .xlsx", ErrFormat)
}
