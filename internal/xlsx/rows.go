package xlsx

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/impexkit/impex/internal/sheet/core"
)

// Next advances to the next row that has a value, returning false at the
// end of the sheet or on error (see Err).
func (x *Reader) Next() bool {
	if x.done || x.err != nil {
		return false
	}
	ok, err := x.next()
	if err != nil {
		x.err = err
	}
	if !ok {
		x.done = true
		x.row = core.Row{}
	}
	return ok
}

// drain reads the rest of the worksheet part, unscanned, once its rows have
// been read. Only at the end of a part does the ZIP reader compare the
// checksum, so without this a damaged part whose damage inflates to
// plausible XML would be read as good data. The guard under x.rc still
// bounds what draining may inflate.
func (x *Reader) drain() error {
	if _, err := io.Copy(io.Discard, x.rc); err != nil {
		return err
	}
	return nil
}

func (x *Reader) next() (bool, error) {
	s := x.s
	for !x.started {
		k, err := s.next()
		if err != nil {
			return false, err
		}
		if k == tokEOF {
			return false, s.corrupt("the worksheet has no <sheetData> (is the file truncated?)")
		}
		if k == tokStart && string(s.name) == "sheetData" {
			if s.self {
				return false, x.drain()
			}
			x.started = true
		}
	}
	for {
		k, err := s.next()
		if err != nil {
			return false, err
		}
		switch k {
		case tokEOF:
			return false, s.corrupt("the worksheet ends before its last row (is the file truncated?)")
		case tokEnd:
			if string(s.name) == "sheetData" {
				return false, x.drain()
			}
		case tokStart:
			if string(s.name) != "row" {
				if err := s.skip(); err != nil {
					return false, err
				}
				continue
			}
			num := x.rowNum + 1
			if v, ok := s.attr("r"); ok {
				n, ok := atoi(v)
				if !ok || n < 1 {
					return false, s.corrupt("a row numbered %q", v)
				}
				if n <= x.rowNum {
					return false, s.corrupt("row %d after row %d", n, x.rowNum)
				}
				num = n
			}
			if num > x.limits.MaxRows {
				return false, &core.LimitError{Limit: "MaxRows", Max: int64(x.limits.MaxRows), Where: fmt.Sprintf("row %d", num)}
			}
			x.rowNum = num
			if s.self {
				continue
			}
			has, err := x.readRow()
			if err != nil || has {
				return has, err
			}
		}
	}
}

// Cell types, from the t attribute.
const (
	typeNumber = iota
	typeShared
	typeInline
	typeFormulaString
	typeBool
	typeError
	typeISODate
)

// readRow reads the cells of the row whose start tag was just read,
// reporting whether any has a value.
func (x *Reader) readRow() (bool, error) {
	s := x.s
	x.row.Number = x.rowNum
	x.row.Cells = x.row.Cells[:0]
	x.texts.Reset()
	col := 0
	depth := s.depth
	for {
		k, err := s.next()
		if err != nil {
			return false, err
		}
		if k == tokEOF {
			return false, s.corrupt("the part ends inside row %d", x.rowNum)
		}
		if k == tokEnd {
			if s.depth < depth {
				break
			}
			continue
		}
		if string(s.name) != "c" {
			if err := s.skip(); err != nil {
				return false, err
			}
			continue
		}
		// Read the attributes now: the next token reuses their bytes.
		ref, typAttr, style, hasTyp, hasStyle := cellAttrs(s.attrs)
		c := col + 1
		if len(ref) > 0 {
			var ok bool
			if c, ok = colOf(ref); !ok {
				return false, s.corrupt("a cell reference %q in row %d", ref, x.rowNum)
			}
		}
		if c > x.limits.MaxColumns {
			return false, &core.LimitError{Limit: "MaxColumns", Max: int64(x.limits.MaxColumns), Where: fmt.Sprintf("row %d", x.rowNum)}
		}
		if c <= col {
			return false, s.corrupt("cell in column %d after column %d in row %d", c, col, x.rowNum)
		}
		col = c
		typ := typeNumber
		if hasTyp {
			switch string(typAttr) {
			case "n", "":
			case "s":
				typ = typeShared
			case "inlineStr":
				typ = typeInline
			case "str":
				typ = typeFormulaString
			case "b":
				typ = typeBool
			case "e":
				typ = typeError
			case "d":
				typ = typeISODate
			default:
				return false, s.corrupt("a cell type %q in row %d", typAttr, x.rowNum)
			}
		}
		date := false
		if hasStyle {
			if i, ok := atoi(style); ok && i < len(x.dateXF) {
				date = x.dateXF[i]
			}
		}
		if s.self {
			continue
		}
		if err := x.readCell(col-1, typ, date); err != nil {
			return false, err
		}
		if len(x.texts.Arena) > x.limits.MaxRowBytes {
			return false, core.RowTooLarge(x.limits.MaxRowBytes, x.rowNum)
		}
	}
	if len(x.row.Cells) == 0 {
		return false, nil
	}
	if !utf8.Valid(x.texts.Arena) {
		return false, s.corrupt("text in row %d is not valid UTF-8", x.rowNum)
	}
	x.texts.Set(x.row.Cells, x.private)
	return true, nil
}

// cellAttrs returns the r, t and s attributes of a cell's start tag, in
// one pass over them: each is the first of its name, as scanner.attr
// would find it, and t and s say whether the tag has them at all.
func cellAttrs(attrs []attr) (ref, typ, style []byte, hasTyp, hasStyle bool) {
	hasRef := false
	for _, a := range attrs {
		if len(a.name) != 1 {
			continue
		}
		switch a.name[0] {
		case 'r':
			if !hasRef {
				ref, hasRef = a.value, true
			}
		case 't':
			if !hasTyp {
				typ, hasTyp = a.value, true
			}
		case 's':
			if !hasStyle {
				style, hasStyle = a.value, true
			}
		}
	}
	return ref, typ, style, hasTyp, hasStyle
}

// readCell reads the inside of a <c> element: its value <v> or inline
// string <is>, skipping the formula <f> and anything else.
func (x *Reader) readCell(col, typ int, date bool) error {
	s := x.s
	depth := s.depth
	start := len(x.texts.Arena)
	found := x.quickValue(typ)
	for done := found; !done; {
		k, err := s.next()
		if err != nil {
			return err
		}
		if k == tokEOF {
			return s.corrupt("the part ends inside a cell of row %d", x.rowNum)
		}
		if k == tokEnd {
			done = s.depth < depth
			continue
		}
		switch string(s.name) {
		case "v":
			if found {
				return s.corrupt("a cell with two values in row %d", x.rowNum)
			}
			found = true
			if s.self {
				continue
			}
			x.texts.Arena, err = s.appendText(x.texts.Arena, len(x.texts.Arena)+x.maxCellBy)
		case "is":
			if found {
				return s.corrupt("a cell with two values in row %d", x.rowNum)
			}
			found = true
			x.texts.Arena, err = s.appendStringItem(x.texts.Arena, len(x.texts.Arena)+x.maxCellBy)
			if err == nil {
				if u := unescapeBSTR(x.texts.Arena[start:]); len(u) != len(x.texts.Arena)-start {
					x.texts.Arena = append(x.texts.Arena[:start], u...)
				}
			}
		default:
			err = s.skip()
		}
		if err == errTooLong {
			return x.tooLong()
		}
		if err != nil {
			return err
		}
	}
	v := x.texts.Arena[start:]
	if len(v) == 0 {
		return nil
	}
	if len(v) > x.limits.MaxCellChars && utf8.RuneCount(v) > x.limits.MaxCellChars {
		return x.tooLong()
	}
	cell := core.Cell{Kind: core.String}
	switch typ {
	case typeNumber:
		cell.Kind, cell.Date = core.Number, date
	case typeShared:
		i, ok := atoi(v)
		if !ok || i >= x.sst.Len() {
			return s.corrupt("a shared string index %q in row %d (the table has %d)", v, x.rowNum, x.sst.Len())
		}
		x.texts.Arena = x.sst.AppendTo(x.texts.Arena[:start], i)
		if len(x.texts.Arena) == start {
			return nil
		}
	case typeBool:
		x.texts.Arena = x.texts.Arena[:start]
		cell.Kind = core.Bool
		switch string(v) {
		case "1", "true":
			cell.Text = "TRUE"
		case "0", "false":
			cell.Text = "FALSE"
		default:
			return s.corrupt("a boolean %q in row %d", v, x.rowNum)
		}
	case typeError:
		cell.Kind = core.Error
	}
	for len(x.row.Cells) <= col {
		x.row.Cells = append(x.row.Cells, core.Cell{})
	}
	x.row.Cells[col] = cell
	if cell.Kind != core.Bool { // a boolean's text is a constant, not the arena's
		x.texts.Mark(col, start)
	}
	return nil
}

// The plain contents of a cell, which almost every cell a writer produces
// has: a value, or an inline string without rich text. The element's end
// follows.
const (
	plainValue   = "<v>"
	plainInline  = "<is><t>"
	plainKept    = `<is><t xml:space="preserve">`
	plainValueOf = "</v></c>"
	plainTextOf  = "</t></is></c>"
)

// quickValue reads the rest of the cell whose start tag was just read when
// it has one of the plain shapes, appending its text to the arena and
// reporting true. Text with an entity or markup, a shape cut by the end of
// the buffer, or any other content reports false with nothing consumed,
// for the token-by-token path to read; both paths give the same cell.
func (x *Reader) quickValue(typ int) bool {
	s := x.s
	if s.careful || s.depth+2 > s.maxDepth {
		return false
	}
	b := s.buf[s.pos:s.end]
	var open, end string
	switch {
	case typ == typeInline && hasPrefix(b, plainInline):
		open, end = plainInline, plainTextOf
	case typ == typeInline && hasPrefix(b, plainKept):
		open, end = plainKept, plainTextOf
	case typ != typeInline && hasPrefix(b, plainValue):
		open, end = plainValue, plainValueOf
	default:
		return false
	}
	text := b[len(open):]
	i := bytes.IndexByte(text, '<')
	if i < 0 || i > x.maxCellBy || bytes.IndexByte(text[:i], '&') >= 0 || !hasPrefix(text[i:], end) {
		return false
	}
	text = text[:i]
	start := len(x.texts.Arena)
	x.texts.Arena = append(x.texts.Arena, text...)
	if typ == typeInline {
		if u := unescapeBSTR(x.texts.Arena[start:]); len(u) != len(x.texts.Arena)-start {
			x.texts.Arena = append(x.texts.Arena[:start], u...)
		}
	}
	s.pos += len(open) + i + len(end)
	s.depth--
	return true
}

// hasPrefix is bytes.HasPrefix for a string prefix.
func hasPrefix(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && string(b[:len(prefix)]) == prefix
}

func (x *Reader) tooLong() error {
	return &core.LimitError{Limit: "MaxCellChars", Max: int64(x.limits.MaxCellChars), Where: fmt.Sprintf("a cell in row %d", x.rowNum)}
}

// atoi parses a non-negative decimal of at most nine digits.
func atoi(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// colOf returns the 1-based column of a cell reference such as "AB12".
// Columns past the sheet's last (XFD) come back as they are, for the
// MaxColumns check to report.
func colOf(ref []byte) (int, bool) {
	n, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i]
		switch {
		case 'A' <= c && c <= 'Z':
			n = n*26 + int(c-'A') + 1
		case 'a' <= c && c <= 'z':
			n = n*26 + int(c-'a') + 1
		default:
			goto digits
		}
		if n > 1<<30 {
			return 0, false
		}
	}
digits:
	if i == 0 {
		return 0, false
	}
	for ; i < len(ref); i++ {
		if ref[i] < '0' || ref[i] > '9' {
			return 0, false
		}
	}
	return n, true
}
