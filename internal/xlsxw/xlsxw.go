// Package xlsxw writes a one-sheet xlsx workbook as a stream: rows go
// straight into the compressed sheet part, so memory does not grow with the
// row count and no temporary file is made. It writes only what an export
// needs: inline strings, booleans, a bold frozen header row, a text style
// for identifiers, column widths and the sheet dimension. Values are always
// data, never formulas.
package xlsxw

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode/utf8"
)

// Style of a cell.
type Style uint8

// The styles a workbook offers.
const (
	Plain  Style = iota // general
	Header              // bold on a light fill
	Text                // the "@" text number format, for identifiers
)

// Kind of a cell value.
type Kind uint8

// The kinds of cell.
const (
	Empty Kind = iota
	String
	Bool
)

// Cell is one value to write.
type Cell struct {
	Kind  Kind
	Text  string // for String
	Bool  bool   // for Bool
	Style Style
}

// Str returns a string cell.
func Str(s string, style Style) Cell { return Cell{Kind: String, Text: s, Style: style} }

// Boolean returns a boolean cell.
func Boolean(b bool) Cell { return Cell{Kind: Bool, Bool: b} }

// ErrOrder: the writer was used out of order (a row after Close, or more
// rows or columns than declared).
var ErrOrder = errors.New("xlsxw: write out of order")

// Writer writes one workbook.
type Writer struct {
	zw      *zip.Writer
	sheet   *bufio.Writer
	cols    int
	rows    int // declared
	written int
	err     error
	buf     []byte
}

// Options describe the sheet before its rows are written.
type Options struct {
	SheetName string
	// Columns and Rows size the sheet dimension; Rows counts the header.
	Columns, Rows int
	// Widths are the column widths in characters; missing ones are 12.
	Widths []float64
	// FreezeHeader freezes the first row.
	FreezeHeader bool
	// Modified stamps the archive entries.
	Modified time.Time
}

// New starts a workbook on w. Write the rows with WriteRow, then Close.
func New(w io.Writer, opts Options) (*Writer, error) {
	if opts.Columns < 1 || opts.Columns > 16384 || opts.Rows < 0 || opts.Rows > 1<<20 {
		return nil, fmt.Errorf("xlsxw: a sheet of %d columns and %d rows is out of range", opts.Columns, opts.Rows)
	}
	x := &Writer{zw: zip.NewWriter(w), cols: opts.Columns, rows: opts.Rows}
	name := opts.SheetName
	if name == "" {
		name = "Sheet1"
	}
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rootRels},
		{"xl/workbook.xml", fmt.Sprintf(workbookXML, escape(name))},
		{"xl/_rels/workbook.xml.rels", workbookRels},
		{"xl/styles.xml", stylesXML},
	}
	for _, p := range parts {
		f, err := x.zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: opts.Modified})
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return nil, err
		}
	}
	f, err := x.zw.CreateHeader(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, Modified: opts.Modified})
	if err != nil {
		return nil, err
	}
	x.sheet = bufio.NewWriterSize(f, 64<<10)
	last := cellRef(nil, opts.Columns-1, max(opts.Rows, 1))
	fmt.Fprintf(x.sheet, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`+
		`<dimension ref="A1:%s"/><sheetViews><sheetView workbookViewId="0">`, last)
	if opts.FreezeHeader {
		x.sheet.WriteString(`<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/>`)
	}
	x.sheet.WriteString(`</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>`)
	for i := range opts.Columns {
		w := 12.0
		if i < len(opts.Widths) && opts.Widths[i] > 0 {
			w = opts.Widths[i]
		}
		fmt.Fprintf(x.sheet, `<col min="%d" max="%d" width="%s" customWidth="1"/>`, i+1, i+1, strconv.FormatFloat(w, 'f', -1, 64))
	}
	x.sheet.WriteString(`</cols><sheetData>`)
	return x, nil
}

// WriteRow writes the next row. It returns ErrOrder for a row beyond the
// declared count or wider than the declared columns, and the writer's error.
func (x *Writer) WriteRow(cells []Cell) error {
	if x.err != nil {
		return x.err
	}
	if x.written >= x.rows || len(cells) > x.cols {
		x.err = ErrOrder
		return x.err
	}
	x.written++
	b := x.buf[:0]
	b = append(b, `<row r="`...)
	b = strconv.AppendInt(b, int64(x.written), 10)
	b = append(b, `">`...)
	for i, c := range cells {
		if c.Kind == Empty && c.Style == Plain {
			continue
		}
		b = append(b, `<c r="`...)
		b = cellRef(b, i, x.written)
		b = append(b, '"')
		if c.Style != Plain {
			b = append(b, ` s="`...)
			b = strconv.AppendInt(b, int64(c.Style), 10)
			b = append(b, '"')
		}
		switch c.Kind {
		case Empty:
			b = append(b, `/>`...)
		case Bool:
			if c.Bool {
				b = append(b, ` t="b"><v>1</v></c>`...)
			} else {
				b = append(b, ` t="b"><v>0</v></c>`...)
			}
		case String:
			b = append(b, ` t="inlineStr"><is><t xml:space="preserve">`...)
			b = appendEscaped(b, c.Text)
			b = append(b, `</t></is></c>`...)
		}
	}
	b = append(b, `</row>`...)
	x.buf = b
	if _, err := x.sheet.Write(b); err != nil {
		x.err = err
	}
	return x.err
}

// Close finishes the sheet and the archive. The underlying writer is not
// closed.
func (x *Writer) Close() error {
	if x.err != nil {
		return x.err
	}
	x.sheet.WriteString(`</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`)
	if err := x.sheet.Flush(); err != nil {
		return err
	}
	x.err = ErrOrder
	return x.zw.Close()
}

// cellRef appends the A1 reference of a 0-based column and 1-based row.
func cellRef(b []byte, col, row int) []byte {
	var letters [3]byte
	n := 0
	for col++; col > 0; col = (col - 1) / 26 {
		letters[n] = byte('A' + (col-1)%26)
		n++
	}
	for i := n - 1; i >= 0; i-- {
		b = append(b, letters[i])
	}
	return strconv.AppendInt(b, int64(row), 10)
}

// appendEscaped appends s as XML text: markup characters escaped, carriage
// returns kept as a character reference, and characters XML cannot hold
// (other control characters, broken UTF-8) replaced by U+FFFD.
func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '&':
				b = append(b, "&amp;"...)
			case c == '<':
				b = append(b, "&lt;"...)
			case c == '>':
				b = append(b, "&gt;"...)
			case c == '\r':
				b = append(b, "&#13;"...)
			case c == '\t' || c == '\n' || c >= 0x20:
				b = append(b, c)
			default:
				b = append(b, "\uFFFD"...)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || r == 0xFFFE || r == 0xFFFF {
			b = append(b, "\uFFFD"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

func escape(s string) string { return string(appendEscaped(nil, s)) }

const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`

const rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`

const workbookXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><bookViews><workbookView/></bookViews><sheets><sheet name="%s" sheetId="1" r:id="rId1"/></sheets></workbook>`

const workbookRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`

// stylesXML defines the three cell styles in Style order: general, the
// bold filled header, and text (number format 49, "@").
const stylesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`
