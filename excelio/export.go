package excelio

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/impexkit/impex/customer"
)

// ExportOptions configure Export. The zero value exports both workbooks
// with their dynamic columns sized to the data, stamped with the time of
// the call.
type ExportOptions struct {
	// Now stamps the ZIP entries; nil means time.Now. A fixed clock makes
	// the export byte-for-byte reproducible.
	Now func() time.Time
}

// ExportResult counts what an export wrote.
type ExportResult struct {
	Persons   int
	Companies int
}

// Export writes the customers that pass f to w as one ZIP archive holding
// two workbooks, "Person Customers.xlsx" and "Company Customers.xlsx", each
// in its schema. Both are always present, even with no rows.
//
// Each workbook has the schema's fixed columns, then one customerCard:{n}
// column per card position in use, one identifier:{type} column per custom
// identifier type in use, the address:{n}:{field} columns for each address
// position in use, and one group:{id} column per static group with members
// in the export. Identifiers are written as text cells, flags as boolean
// cells, the SSN as its hash; no value is ever written as a formula. The
// header row is styled and frozen.
//
// The repository is listed twice per workbook (once to size the columns,
// once to write), so memory does not grow with the number of customers. It
// returns the repository's or the writer's error.
func Export(ctx context.Context, w io.Writer, repo customer.Repository, f customer.Filter, opts ExportOptions) (ExportResult, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	stamp := now()
	zw := zip.NewWriter(w)
	var res ExportResult
	for _, kind := range []customer.Kind{customer.KindPerson, customer.KindCompany} {
		schema := newSchema(kind, &schemaOptions{})
		kf := f
		if kf.Kind != 0 && kf.Kind != kind {
			kf.Kind = 255 // no customer has this kind: an empty workbook
		} else {
			kf.Kind = kind
		}
		hdr := &zip.FileHeader{Name: schema.FileName(), Method: zip.Deflate, Modified: stamp}
		entry, err := zw.CreateHeader(hdr)
		if err != nil {
			return res, err
		}
		n, err := writeWorkbook(ctx, entry, repo, kf, schema)
		if err != nil {
			return res, fmt.Errorf("writing %s: %w", schema.FileName(), err)
		}
		if kind == customer.KindPerson {
			res.Persons = n
		} else {
			res.Companies = n
		}
	}
	return res, zw.Close()
}

// exportColumn is one column of an export: its header, schema column and
// param.
type exportColumn struct {
	header string
	col    *column
	param  string
	kind   valueKind
}

// layout lists the customers once to find the dynamic columns.
func layout(ctx context.Context, repo customer.Repository, f customer.Filter, s *Schema) ([]exportColumn, error) {
	maxCards, maxAddr := 0, 0
	idTypes := map[string]bool{}
	groupIDs := map[string]bool{}
	for c, err := range repo.List(ctx, f) {
		if err != nil {
			return nil, err
		}
		maxCards = max(maxCards, len(c.Identifiers.Cards))
		maxAddr = max(maxAddr, len(c.Addresses))
		for t, v := range c.Identifiers.Custom {
			if v != "" {
				idTypes[t] = true
			}
		}
		for _, g := range c.Groups {
			groupIDs[g] = true
		}
	}
	var out []exportColumn
	for _, c := range s.columns {
		if !c.pattern {
			out = append(out, exportColumn{header: c.name, col: c, kind: c.kind})
			continue
		}
		var params []string
		switch c.name {
		case "customerCard:":
			for n := 1; n <= maxCards; n++ {
				params = append(params, strconv.Itoa(n))
			}
		case "identifier:":
			params = slices.Sorted(maps.Keys(idTypes))
		case "address:":
			for n := 1; n <= maxAddr; n++ {
				for _, f := range addressFields {
					params = append(params, strconv.Itoa(n)+":"+f.name)
				}
			}
		case "group:":
			params = slices.Sorted(maps.Keys(groupIDs))
		}
		for _, p := range params {
			kind := c.kind
			if c.name == "address:" {
				_, field, _ := addressParam(p)
				kind, _ = addressColumnRule(field)
			}
			out = append(out, exportColumn{header: c.name + p, col: c, param: p, kind: kind})
		}
	}
	return out, nil
}

// writeWorkbook streams one workbook and returns its row count.
func writeWorkbook(ctx context.Context, w io.Writer, repo customer.Repository, f customer.Filter, s *Schema) (int, error) {
	cols, err := layout(ctx, repo, f, s)
	if err != nil {
		return 0, err
	}
	x := excelize.NewFile()
	defer x.Close()
	sheetName := s.SheetName()
	if err := x.SetSheetName("Sheet1", sheetName); err != nil {
		return 0, err
	}
	sw, err := x.NewStreamWriter(sheetName)
	if err != nil {
		return 0, err
	}
	headerStyle, err := x.NewStyle(&excelize.Style{
		Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
	})
	if err != nil {
		return 0, err
	}
	textStyle, err := x.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return 0, err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return 0, err
	}
	for i, c := range cols {
		width := 14.0
		if c.kind == boolKind {
			width = 10
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return 0, err
		}
	}
	row := make([]any, len(cols))
	for i, c := range cols {
		row[i] = excelize.Cell{StyleID: headerStyle, Value: c.header}
	}
	if err := sw.SetRow("A1", row); err != nil {
		return 0, err
	}
	n := 0
	for c, err := range repo.List(ctx, f) {
		if err != nil {
			return n, err
		}
		for i, col := range cols {
			v := col.col.get(c, col.param)
			switch {
			case v == "":
				row[i] = nil
			case col.kind == boolKind:
				row[i] = v == "true"
			case col.kind == idKind:
				row[i] = excelize.Cell{StyleID: textStyle, Value: v}
			default:
				row[i] = v
			}
		}
		n++
		cell, _ := excelize.CoordinatesToCellName(1, n+1)
		if err := sw.SetRow(cell, row); err != nil {
			return n, err
		}
	}
	if err := sw.Flush(); err != nil {
		return n, err
	}
	return n, x.Write(w)
}
