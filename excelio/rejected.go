package excelio

import (
	"cmp"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/internal/sheet"
	"github.com/impexkit/impex/validate"
)

// RejectedRows returns the sheet row numbers of the rejected rows, in order.
func (r *Result) RejectedRows() []int {
	out := make([]int, len(r.rejected))
	for i, row := range r.rejected {
		out[i] = row.number
	}
	return out
}

// RejectedOptions configure WriteRejected. The zero value writes the
// reasons in English and removes identity numbers.
type RejectedOptions struct {
	// Language is the language of the reasons and comments; "" means
	// English.
	Language validate.Language
	// KeepSSN keeps the plain identity numbers that rejected rows gave in
	// the ssn column. By default each is removed, with a comment and a
	// reason asking for it again, because a rejected-rows file travels by
	// e-mail and lies in download folders. Set it only when the file goes
	// straight back to the person who uploaded the numbers.
	KeepSSN bool
}

// WriteRejected writes the rejected-rows workbook: the input's header row
// (without an earlier _errors column), then only the rejected rows with
// their original cell values in their original columns, a trailing _errors
// column with every reason for the row, and a comment on each cell an
// issue points at. Plain identity numbers are left out unless
// opts.KeepSSN (hashes stay: they are no one's number in clear). Fix the
// cells and import the workbook again: the _errors column is ignored. It
// writes a workbook with only the header when nothing was rejected, and
// returns the writer's error.
func (r *Result) WriteRejected(w io.Writer, opts RejectedOptions) error {
	x := excelize.NewFile()
	defer x.Close()
	name := cmp.Or(r.Sheet, "Rejected")
	if err := x.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	out := make(map[int]int, len(r.Headers)) // input column -> output column (0-based)
	secret := make(map[int]bool)             // input columns of plain identity numbers
	for i, h := range r.Headers {
		if h == rejectedErrorsHeader {
			continue
		}
		j := len(out)
		out[i] = j
		cell, _ := excelize.CoordinatesToCellName(j+1, 1)
		if err := x.SetCellStr(name, cell, h); err != nil {
			return err
		}
		if r.Schema != nil {
			if c, _, ok := r.Schema.lookup(h); ok && c.secret && !opts.KeepSSN {
				secret[i] = true
			}
		}
	}
	errCol := len(out) + 1
	errHeader, _ := excelize.CoordinatesToCellName(errCol, 1)
	if err := x.SetCellStr(name, errHeader, rejectedErrorsHeader); err != nil {
		return err
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	if err := x.SetCellStyle(name, "A1", errHeader, bold); err != nil {
		return err
	}
	text, err := x.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	removed := validate.New(validate.CodeSSNRemoved, validate.Where{}).Message(opts.Language)
	for k, row := range r.rejected {
		outRow := k + 2
		var reasons []string
		comments := make(map[string][]string) // by cell, in order
		var commented []string
		comment := func(cell, msg string) {
			if comments[cell] == nil {
				commented = append(commented, cell)
			}
			comments[cell] = append(comments[cell], msg)
		}
		for i, c := range row.cells {
			j, ok := out[i]
			if !ok || c.Kind == sheet.Empty {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, outRow)
			if secret[i] && !customer.IsSSNHash(c.Text) {
				reasons = append(reasons, r.Headers[i]+": "+removed)
				comment(cell, removed)
				continue
			}
			if err := writeOriginal(x, name, cell, c, text); err != nil {
				return err
			}
		}
		for _, is := range r.Report.Row(row.number) {
			msg := is.Message(opts.Language)
			reasons = append(reasons, label(is)+msg)
			in, ok := validate.ColumnIndex(is.Column) // false for an issue on no column
			j, kept := out[in]
			if !ok || !kept {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, outRow)
			comment(cell, msg)
		}
		for _, cell := range commented {
			if err := x.AddComment(name, excelize.Comment{Cell: cell, Author: "impex", Paragraph: []excelize.RichTextRun{{Text: strings.Join(comments[cell], "\n")}}}); err != nil {
				return err
			}
		}
		cell, _ := excelize.CoordinatesToCellName(errCol, outRow)
		if err := x.SetCellStr(name, cell, strings.Join(reasons, "\n")); err != nil {
			return err
		}
	}
	if err := x.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	return x.Write(w)
}

// label names where an issue points, for the _errors text: "lastName: ".
func label(is validate.Issue) string {
	if l := cmp.Or(is.Header, is.Field); l != "" {
		return l + ": "
	}
	return ""
}

// writeOriginal writes a cell as the input had it: text as text, numbers
// as numbers (identifier-like numbers keep their literal), booleans as
// booleans. Nothing is written as a formula.
func writeOriginal(x *excelize.File, sheetName, cell string, c sheet.Cell, text int) error {
	switch c.Kind {
	case sheet.Bool:
		return x.SetCellBool(sheetName, cell, c.Text == "TRUE")
	case sheet.Number:
		if f, err := strconv.ParseFloat(c.Text, 64); err == nil && !c.Date {
			return x.SetCellFloat(sheetName, cell, f, -1, 64)
		}
	}
	if err := x.SetCellStr(sheetName, cell, c.Text); err != nil {
		return err
	}
	if c.Kind == sheet.String {
		return x.SetCellStyle(sheetName, cell, cell, text)
	}
	return nil
}
