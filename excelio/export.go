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

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/internal/xlsxw"
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
// header row is styled and frozen, and the sheet dimension set.
//
// The repository is listed three times (once to size the columns and count
// the rows of both workbooks, once per workbook to write it) and rows go
// straight into the compressed output, so memory does not grow with the
// number of customers and no temporary file is made. It returns the
// repository's or the writer's error.
func Export(ctx context.Context, w io.Writer, repo customer.Repository, f customer.Filter, opts ExportOptions) (ExportResult, error) {
	stamp := time.Now()
	if opts.Now != nil {
		stamp = opts.Now()
	}
	schemas := []*Schema{newSchema(customer.KindPerson, &schemaOptions{}), newSchema(customer.KindCompany, &schemaOptions{})}
	layouts, err := layout(ctx, repo, f, schemas)
	if err != nil {
		return ExportResult{}, err
	}
	zw := zip.NewWriter(w)
	var res ExportResult
	for i, schema := range schemas {
		kf := f
		if kf.Kind != 0 && kf.Kind != schema.kind {
			layouts[i].rows = 0 // no customer passes both kinds: an empty workbook
			kf.Kind = 255
		} else {
			kf.Kind = schema.kind
		}
		// The workbook is compressed already; store it as it is.
		entry, err := zw.CreateHeader(&zip.FileHeader{Name: schema.FileName(), Method: zip.Store, Modified: stamp})
		if err != nil {
			return res, err
		}
		n, err := writeWorkbook(ctx, entry, repo, kf, schema, layouts[i], stamp)
		if err != nil {
			return res, fmt.Errorf("writing %s: %w", schema.FileName(), err)
		}
		if schema.kind == customer.KindPerson {
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
	binding
	header string
}

// sheetLayout is what a workbook needs to know before its first row: its
// columns and its row count.
type sheetLayout struct {
	cols []exportColumn
	rows int
}

// layout lists the customers once to find each schema's dynamic columns
// and row count.
func layout(ctx context.Context, repo customer.Repository, f customer.Filter, schemas []*Schema) ([]sheetLayout, error) {
	type usage struct {
		rows, maxCards, maxAddr int
		idTypes, groupIDs       map[string]bool
	}
	use := make([]usage, len(schemas))
	for i := range use {
		use[i].idTypes, use[i].groupIDs = map[string]bool{}, map[string]bool{}
	}
	for c, err := range repo.List(ctx, f) {
		if err != nil {
			return nil, err
		}
		for i, s := range schemas {
			if c.Kind != s.kind {
				continue
			}
			u := &use[i]
			u.rows++
			u.maxCards = max(u.maxCards, len(c.Identifiers.Cards))
			u.maxAddr = max(u.maxAddr, len(c.Addresses))
			for t, v := range c.Identifiers.Custom {
				if v != "" {
					u.idTypes[t] = true
				}
			}
			for _, g := range c.Groups {
				u.groupIDs[g] = true
			}
		}
	}
	out := make([]sheetLayout, len(schemas))
	for i, s := range schemas {
		u := use[i]
		out[i].rows = u.rows
		for _, c := range s.columns {
			var params []string
			switch {
			case !c.pattern:
				params = []string{""} // one header, the column's name
			case c.role == roleCard:
				for n := 1; n <= u.maxCards; n++ {
					params = append(params, strconv.Itoa(n))
				}
			case c.role == roleIdentifier:
				params = slices.Sorted(maps.Keys(u.idTypes))
			case c.role == roleAddress:
				for n := 1; n <= u.maxAddr; n++ {
					for _, f := range addressFields {
						params = append(params, strconv.Itoa(n)+":"+f.name)
					}
				}
			case c.role == roleGroup:
				params = slices.Sorted(maps.Keys(u.groupIDs))
			}
			for _, p := range params {
				// A pattern's params come from the store, and the export
				// writes what it holds even where the import would refuse
				// the header (a custom identifier named like a column).
				b, _ := c.bind(p)
				out[i].cols = append(out[i].cols, exportColumn{binding: b, header: c.name + p})
			}
		}
	}
	return out, nil
}

// writeWorkbook streams one workbook and returns its row count. Customers
// beyond the count of the layout pass (written since) are left out, so the
// rows never exceed the declared dimension.
func writeWorkbook(ctx context.Context, w io.Writer, repo customer.Repository, f customer.Filter, s *Schema, l sheetLayout, stamp time.Time) (int, error) {
	widths := make([]float64, len(l.cols))
	row := make([]xlsxw.Cell, len(l.cols)) // the header, then each customer
	for i, c := range l.cols {
		widths[i] = 14
		if c.kind == boolKind {
			widths[i] = 10
		}
		row[i] = xlsxw.Str(c.header, xlsxw.Header)
	}
	x, err := xlsxw.New(w, xlsxw.Options{SheetName: s.SheetName(), Columns: len(l.cols), Rows: l.rows + 1,
		Widths: widths, FreezeHeader: true, Modified: stamp})
	if err != nil {
		return 0, err
	}
	if err := x.WriteRow(row); err != nil {
		return 0, err
	}
	n := 0
	for c, err := range repo.List(ctx, f) {
		if err != nil {
			return n, err
		}
		if n == l.rows {
			break
		}
		for i, col := range l.cols {
			v := col.get(c)
			switch {
			case v == "":
				row[i] = xlsxw.Cell{}
			case col.kind == boolKind:
				row[i] = xlsxw.Boolean(v == "true")
			case col.kind == idKind:
				row[i] = xlsxw.Str(v, xlsxw.Text)
			default:
				row[i] = xlsxw.Str(v, xlsxw.Plain)
			}
		}
		if err := x.WriteRow(row); err != nil {
			return n, err
		}
		n++
	}
	return n, x.Close()
}
