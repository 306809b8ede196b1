package xlsx

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/impexkit/impex/internal/sheet/core"
	"github.com/xuri/excelize/v2"
)

// excelizeRows reads the first worksheet of the workbook in data with
// excelize, the reference the reader is compared with: raw values from
// Rows and kinds from each cell's type attribute. Rows without a value are
// left out and trailing empty cells trimmed, as the reader does. The date
// flag is left false: excelize has no notion of it that is independent of
// the reader's own, so each test decides which cells are dates from how it
// built or recorded the file.
func excelizeRows(t testing.TB, data []byte) (rows []core.Row, date1904 bool) {
	t.Helper()
	rows, date1904, err := excelizeRead(data)
	if err != nil {
		t.Fatalf("excelize: %v", err)
	}
	return rows, date1904
}

// excelizeRead is excelizeRows returning excelize's error instead of
// failing, for inputs excelize may refuse.
func excelizeRead(data []byte) (rows []core.Row, date1904 bool, err error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	list := f.GetSheetList()
	if len(list) == 0 {
		return nil, false, fmt.Errorf("no worksheet")
	}
	name := list[0]
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	it, err := f.Rows(name)
	if err != nil {
		return nil, false, err
	}
	defer it.Close()
	n := 0
	for it.Next() {
		n++
		raw, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, false, fmt.Errorf("row %d: %w", n, err)
		}
		row := core.Row{Number: n}
		for col, v := range raw {
			c := core.Cell{Kind: core.String, Text: v}
			ref, _ := excelize.CoordinatesToCellName(col+1, n)
			typ, err := f.GetCellType(name, ref)
			if err != nil {
				return nil, false, fmt.Errorf("cell type %s: %w", ref, err)
			}
			switch typ {
			case excelize.CellTypeBool:
				c.Kind = core.Bool
				c.Text = map[string]string{"1": "TRUE", "0": "FALSE", "true": "TRUE", "false": "FALSE"}[v]
			case excelize.CellTypeNumber, excelize.CellTypeUnset:
				c.Kind = core.Number
			case excelize.CellTypeError:
				c.Kind = core.Error
			}
			if v == "" {
				c = core.Cell{}
			}
			row.Cells = append(row.Cells, c)
		}
		for len(row.Cells) > 0 && row.Cells[len(row.Cells)-1].Kind == core.Empty {
			row.Cells = row.Cells[:len(row.Cells)-1]
		}
		if len(row.Cells) > 0 {
			rows = append(rows, row)
		}
	}
	if err := it.Error(); err != nil {
		return nil, false, err
	}
	return rows, date1904, nil
}

// readAll reads every row with the reader under test, copying the cells.
func readAll(t testing.TB, data []byte, limits core.Limits) ([]core.Row, *Reader, error) {
	t.Helper()
	x, err := Open(bytes.NewReader(data), int64(len(data)), limits)
	if err != nil {
		return nil, nil, err
	}
	defer x.Close()
	var rows []core.Row
	for x.Next() {
		r := x.Row()
		rows = append(rows, core.Row{Number: r.Number, Cells: append([]core.Cell(nil), r.Cells...)})
	}
	return rows, x, x.Err()
}
