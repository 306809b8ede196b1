// Package xls reads the first worksheet of a legacy Excel 97-2003 workbook
// (.xls, BIFF8 records in a compound file) as a stream of rows of typed
// cells.
//
// It reads the workbook globals once at Open (code page, date system,
// number formats, cell formats, the sheet list and the shared strings),
// then streams the first worksheet's cell records, one row per call to
// Next. Charts, macros, pictures and formatting beyond "is this number a
// date" are skipped. Files older than BIFF8 (Excel 5.0/95 and before) and
// encrypted files are refused with a clear error.
package xls

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/impexkit/impex/internal/sheet/core"
	"github.com/richardlehane/mscfb"
)

// Record types used.
const (
	recFormula    = 0x0006
	recEOF        = 0x000A
	recDateMode   = 0x0022
	recFilePass   = 0x002F
	recContinue   = 0x003C
	recCodePage   = 0x0042
	recBoundSheet = 0x0085
	recMulRK      = 0x00BD
	recMulBlank   = 0x00BE
	recRString    = 0x00D6
	recXF         = 0x00E0
	recSST        = 0x00FC
	recLabelSST   = 0x00FD
	recBlank      = 0x0201
	recNumber     = 0x0203
	recLabel      = 0x0204
	recBoolErr    = 0x0205
	recString     = 0x0207
	recRK         = 0x027E
	recFormat     = 0x041E
	recBOF        = 0x0809
)

const biff8 = 0x0600

// Open reads the globals of the .xls file r of size bytes and returns a
// Reader positioned before the first row of its first worksheet. Limits
// with zero fields take their defaults.
//
// Errors wrap core.ErrEncrypted for a password-protected file (an .xls
// with a FILEPASS record, or an encrypted .xlsx, which is a compound file
// too), core.ErrFormat for a compound file that holds no BIFF8 workbook
// (an Excel 5.0/95 or older file, a Word document), core.ErrCorrupt for a
// damaged file, and are a *core.LimitError for a file over a limit.
func Open(r io.ReaderAt, size int64, limits core.Limits) (x *Reader, err error) {
	limits = limits.WithDefaults()
	if size > limits.MaxFileSize {
		return nil, &core.LimitError{Limit: "MaxFileSize", Max: limits.MaxFileSize, Where: fmt.Sprintf("the file (%d bytes)", size)}
	}
	// The compound file jumps between small sectors; reading them from a
	// file one by one costs a system call each (50,000 rows took 17 s
	// instead of under one), so read it whole first. MaxFileSize bounds it.
	if _, inMemory := r.(*bytes.Reader); !inMemory {
		buf := make([]byte, size)
		if _, err := r.ReadAt(buf, 0); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: %v", core.ErrCorrupt, err)
		}
		r = bytes.NewReader(buf)
	}
	// mscfb is not ours and was not written for hostile input: turn a
	// panic in it into a damaged-file error.
	defer func() {
		if p := recover(); p != nil {
			x, err = nil, fmt.Errorf("%w: the compound file is damaged (%v)", core.ErrCorrupt, p)
		}
	}()
	if err := checkHeader(r, size); err != nil {
		return nil, err
	}
	doc, err := mscfb.New(io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, fmt.Errorf("%w: the compound file is damaged (%v)", core.ErrCorrupt, err)
	}
	var wb *mscfb.File
	var old, encrypted bool
	for _, f := range doc.File {
		if len(f.Path) > 0 {
			continue // inside a storage, not at the top
		}
		switch f.Name {
		case "Workbook", "WORKBOOK", "workbook":
			if wb == nil {
				wb = f
			}
		case "Book", "BOOK":
			old = true
		case "EncryptionInfo", "EncryptedPackage":
			encrypted = true
		}
	}
	switch {
	case wb == nil && encrypted:
		return nil, fmt.Errorf("%w: the workbook is protected with a password; remove the password in Excel and save again", core.ErrEncrypted)
	case wb == nil && old:
		return nil, fmt.Errorf("%w: an Excel 5.0/95 (BIFF5) or older workbook; open it in Excel or LibreOffice and save it as .xlsx", core.ErrFormat)
	case wb == nil:
		return nil, fmt.Errorf("%w: an Office compound file without a workbook stream (is it a Word or other Office document?)", core.ErrFormat)
	}
	if wb.Size > size*2+(1<<20) || wb.Size < 0 {
		return nil, fmt.Errorf("%w: the workbook stream claims %d bytes in a file of %d", core.ErrCorrupt, wb.Size, size)
	}
	if wb.Size > limits.MaxUnpacked {
		return nil, &core.LimitError{Limit: "MaxUnpacked", Max: limits.MaxUnpacked, Where: fmt.Sprintf("the workbook stream (%d bytes)", wb.Size)}
	}
	x = &Reader{limits: limits, stream: wb, size: wb.Size}
	x.rec.reset(io.NewSectionReader(wb, 0, wb.Size), 0)
	if err := x.readGlobals(); err != nil {
		return nil, err
	}
	if err := x.startSheet(); err != nil {
		return nil, err
	}
	return x, nil
}

// checkHeader checks the compound file header's sector counts against the
// file's size before mscfb sizes its tables by them: a 512-byte file
// claiming billions of directory sectors must not cost gigabytes.
func checkHeader(r io.ReaderAt, size int64) error {
	var h [76]byte
	if _, err := r.ReadAt(h[:], 0); err != nil {
		return corrupt("the compound file header is truncated")
	}
	le := binary.LittleEndian
	shift := le.Uint16(h[30:])
	if shift != 9 && shift != 12 {
		return corrupt("the compound file has a sector size of 2^%d", shift)
	}
	sectors := uint64(size>>shift) + 1
	for _, f := range []struct {
		off  int
		what string
	}{{40, "directory"}, {44, "FAT"}, {64, "mini FAT"}, {72, "DIFAT"}} {
		if n := uint64(le.Uint32(h[f.off:])); n > sectors {
			return corrupt("the compound file claims %d %s sectors in %d bytes", n, f.what, size)
		}
	}
	return nil
}

// records reads BIFF records: a 2-byte type, a 2-byte length, the data.
type records struct {
	br      *bufio.Reader
	off     int64 // stream offset of the next record
	typ     uint16
	data    []byte // the current record's data, valid until next
	held    bool   // next returns the current record again
	scratch []byte
}

func (rr *records) reset(r io.Reader, off int64) {
	if rr.br == nil {
		rr.br = bufio.NewReaderSize(r, 64<<10)
	} else {
		rr.br.Reset(r)
	}
	rr.off, rr.held = off, false
}

var errTruncated = errors.New("truncated")

// next reads the next record; io.EOF at the end of the stream.
func (rr *records) next() error {
	if rr.held {
		rr.held = false
		return nil
	}
	var h [4]byte
	if _, err := io.ReadFull(rr.br, h[:]); err != nil {
		if err == io.EOF {
			return io.EOF
		}
		return errTruncated
	}
	rr.typ = binary.LittleEndian.Uint16(h[:])
	n := int(binary.LittleEndian.Uint16(h[2:]))
	if cap(rr.scratch) < n {
		rr.scratch = make([]byte, n, max(n, 8224))
	}
	rr.data = rr.scratch[:n]
	if _, err := io.ReadFull(rr.br, rr.data); err != nil {
		return errTruncated
	}
	rr.off += 4 + int64(n)
	return nil
}

// hold makes the next call to next return the current record again.
func (rr *records) hold() { rr.held = true }

// withContinues returns the current record's data followed by the data of
// the CONTINUE records after it, each a separate slice, stopping once the
// total passes limit bytes (then ok is false).
func (rr *records) withContinues(limit int64) (parts [][]byte, ok bool, err error) {
	parts = [][]byte{append([]byte(nil), rr.data...)}
	total := int64(len(rr.data))
	for {
		if err := rr.next(); err != nil {
			if err == io.EOF {
				return parts, true, nil
			}
			return nil, false, err
		}
		if rr.typ != recContinue {
			rr.hold()
			return parts, true, nil
		}
		total += int64(len(rr.data))
		if total > limit {
			return nil, false, nil
		}
		parts = append(parts, append([]byte(nil), rr.data...))
	}
}

// Reader streams the rows of an .xls workbook's first worksheet. Use it
// like bufio.Scanner: call Next until it returns false, then check Err.
type Reader struct {
	limits   core.Limits
	stream   *mscfb.File
	size     int64
	rec      records
	cp       *[256]rune // the 8-bit code page, nil for Latin-1
	date1904 bool
	formats  core.DateFormats
	fmtBytes int64    // bytes of the format codes read, bounded by MaxStylesBytes
	xfFormat []uint16 // number format id by cell format (XF) index
	dateXF   []bool   // whether a cell format shows a date
	sheet    string
	sheetPos int64
	sst      core.SharedStrings

	done      bool
	err       error
	cur, out  rowBuf // the row being read and the row returned
	row       core.Row
	hasRow    bool // cur has started
	strCell   int  // column awaiting a formula's STRING record, or -1
	strRow    int
	subDepth  int  // nesting of embedded substreams (charts) to skip
	ended     bool // the worksheet's EOF record has been read
	maxCellBy int
	private   []bool // by column: see SetPrivate
}

// rowBuf is a row being assembled: its cells, and the texts held in one
// byte arena until the row is done.
type rowBuf struct {
	num   int // 0-based
	cells []core.Cell
	texts core.RowTexts
	dup   int // a column two records gave a value, or -1
}

func (b *rowBuf) reset(num int) {
	b.num = num
	b.cells = b.cells[:0]
	b.texts.Reset()
	b.dup = -1
}

// setString makes column col a string cell when text was appended to the
// arena since start; an empty string leaves the cell empty.
func (b *rowBuf) setString(col, start int) {
	if len(b.texts.Arena) > start {
		b.set(col, core.Cell{Kind: core.String}, start)
	}
}

// set stores a cell whose text is at texts.Arena[start:], or in c when
// start is negative. A cell that already has a value is noted in dup: two
// records for one cell make a damaged file, as two <c> elements do in an
// .xlsx.
func (b *rowBuf) set(col int, c core.Cell, start int) {
	for len(b.cells) <= col {
		b.cells = append(b.cells, core.Cell{})
	}
	if b.cells[col].Kind != core.Empty && b.dup < 0 {
		b.dup = col
	}
	b.cells[col] = c
	if start >= 0 {
		b.texts.Mark(col, start)
	}
}

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", core.ErrCorrupt, fmt.Sprintf(format, args...))
}

func (x *Reader) readErr(err error) error {
	if err == io.EOF || err == errTruncated {
		return corrupt("the workbook stream ends early (is the file truncated?)")
	}
	return corrupt("reading the workbook stream: %v", err)
}

// readGlobals reads the workbook globals substream, from its BOF to its
// EOF.
func (x *Reader) readGlobals() error {
	rr := &x.rec
	if err := rr.next(); err != nil {
		return x.readErr(err)
	}
	if err := checkBOF(rr); err != nil {
		return err
	}
	found := false
	for {
		if err := rr.next(); err != nil {
			return x.readErr(err)
		}
		d := rr.data
		switch rr.typ {
		case recEOF:
			if !found {
				return corrupt("the workbook has no worksheet")
			}
			x.dateXF = make([]bool, len(x.xfFormat))
			for i, id := range x.xfFormat {
				x.dateXF[i] = x.formats.IsDate(int(id))
			}
			return nil
		case recFilePass:
			return fmt.Errorf("%w: the workbook is protected with a password; remove the password in Excel and save again", core.ErrEncrypted)
		case recCodePage:
			if len(d) >= 2 {
				x.setCodePage(int(binary.LittleEndian.Uint16(d)))
			}
		case recDateMode:
			x.date1904 = len(d) >= 2 && binary.LittleEndian.Uint16(d) == 1
		case recFormat:
			if len(d) < 5 {
				return corrupt("a FORMAT record of %d bytes", len(d))
			}
			code, err := x.unicodeString(d[2:], 2)
			if err != nil {
				return err
			}
			if x.fmtBytes += int64(len(code)); x.fmtBytes > x.limits.MaxStylesBytes {
				return &core.LimitError{Limit: "MaxStylesBytes", Max: x.limits.MaxStylesBytes, Where: "the number formats of the workbook"}
			}
			if err := x.formats.Define(int(binary.LittleEndian.Uint16(d)), code); err != nil {
				return err
			}
		case recXF:
			if len(d) < 4 {
				return corrupt("an XF record of %d bytes", len(d))
			}
			if len(x.xfFormat) < 1<<16 {
				x.xfFormat = append(x.xfFormat, binary.LittleEndian.Uint16(d[2:]))
			}
		case recBoundSheet:
			if len(d) < 8 {
				return corrupt("a BOUNDSHEET record of %d bytes", len(d))
			}
			if found || d[5] != 0 {
				continue // not the first worksheet
			}
			name, err := x.unicodeString(d[6:], 1)
			if err != nil {
				return err
			}
			x.sheet, x.sheetPos, found = name, int64(binary.LittleEndian.Uint32(d)), true
		case recSST:
			if err := x.readSST(); err != nil {
				return err
			}
		case recBOF:
			return corrupt("the workbook globals have no EOF record")
		}
	}
}

// checkBOF checks that the record is the BOF of a BIFF8 substream.
func checkBOF(rr *records) error {
	switch rr.typ {
	case recBOF:
		if len(rr.data) >= 4 && binary.LittleEndian.Uint16(rr.data) == biff8 {
			return nil
		}
		if len(rr.data) >= 2 {
			return fmt.Errorf("%w: an Excel 5.0/95 (BIFF5) or older workbook (version %#04x); open it in Excel or LibreOffice and save it as .xlsx", core.ErrFormat, binary.LittleEndian.Uint16(rr.data))
		}
	case 0x0009, 0x0209, 0x0409:
		return fmt.Errorf("%w: an Excel 2.x-4.0 workbook; open it in Excel or LibreOffice and save it as .xlsx", core.ErrFormat)
	}
	return corrupt("the workbook stream does not start with a BOF record")
}

// startSheet moves to the first worksheet's substream and reads its BOF.
func (x *Reader) startSheet() error {
	if x.sheetPos < 0 || x.sheetPos >= x.size {
		return corrupt("the worksheet %q starts at %d, outside the workbook stream", x.sheet, x.sheetPos)
	}
	x.rec.reset(io.NewSectionReader(x.stream, x.sheetPos, x.size-x.sheetPos), x.sheetPos)
	if err := x.rec.next(); err != nil {
		return x.readErr(err)
	}
	if err := checkBOF(&x.rec); err != nil {
		return err
	}
	if len(x.rec.data) >= 4 && binary.LittleEndian.Uint16(x.rec.data[2:]) != 0x0010 {
		return corrupt("the worksheet %q does not start with a worksheet BOF record", x.sheet)
	}
	x.strCell = -1
	x.maxCellBy = x.limits.MaxCellChars * utf8.UTFMax
	return nil
}

// Date1904 reports whether the workbook counts dates from 1904.
func (x *Reader) Date1904() bool { return x.date1904 }

// SheetName is the name of the worksheet being read.
func (x *Reader) SheetName() string { return x.sheet }

// Row returns the current row. Its Cells are valid until the next call to
// Next.
func (x *Reader) Row() core.Row { return x.row }

// Err returns the error that ended the iteration, if any.
func (x *Reader) Err() error { return x.err }

// SetPrivate marks the columns (0-based) whose cells hold secrets, for the
// rows read after it: their texts share memory with no other cell's (see
// core.RowTexts.Set).
func (x *Reader) SetPrivate(cols []int) { x.private = core.Columns(cols) }

// Close releases the reader's resources. It does not close the ReaderAt
// given to Open.
func (x *Reader) Close() error {
	x.done = true
	return nil
}

// Next advances to the next row that has a value, returning false at the
// end of the sheet or on error (see Err).
func (x *Reader) Next() (ok bool) {
	if x.done || x.err != nil {
		return false
	}
	defer func() {
		if p := recover(); p != nil { // from mscfb, reading sectors
			x.err, ok = corrupt("the compound file is damaged (%v)", p), false
		}
		if !ok {
			x.done = true
			x.row = core.Row{}
		}
	}()
	ok, err := x.next()
	if err != nil {
		x.err = err
	}
	return ok
}

// next reads cell records until the row being assembled is complete.
func (x *Reader) next() (bool, error) {
	rr := &x.rec
	for !x.ended {
		if err := rr.next(); err != nil {
			if err == io.EOF {
				return false, corrupt("the worksheet has no EOF record (is the file truncated?)")
			}
			return false, x.readErr(err)
		}
		if x.subDepth > 0 {
			switch rr.typ {
			case recBOF:
				x.subDepth++
			case recEOF:
				x.subDepth--
			}
			continue
		}
		d := rr.data
		switch rr.typ {
		case recBOF: // an embedded chart: skip to its EOF
			x.subDepth = 1
			continue
		case recEOF:
			x.ended = true
			return x.finish(), nil
		case recLabelSST, recLabel, recRString, recRK, recNumber, recBoolErr, recFormula, recMulRK:
		case recString:
			if err := x.formulaString(); err != nil {
				return false, err
			}
			continue
		default:
			continue // BLANK, MULBLANK, ROW, DIMENSIONS, formatting
		}
		if len(d) < 6 {
			return false, corrupt("a cell record (%#04x) of %d bytes", rr.typ, len(d))
		}
		row := int(binary.LittleEndian.Uint16(d))
		if row+1 > x.limits.MaxRows {
			return false, &core.LimitError{Limit: "MaxRows", Max: int64(x.limits.MaxRows), Where: fmt.Sprintf("row %d", row+1)}
		}
		emitted := false
		if !x.hasRow || row != x.cur.num {
			if x.hasRow && row < x.cur.num {
				return false, corrupt("a cell of row %d after row %d", row+1, x.cur.num+1)
			}
			emitted = x.finish()
			x.cur.reset(row)
			x.hasRow = true
		}
		if err := x.cell(rr.typ, d); err != nil {
			return false, err
		}
		if err := x.checkRow(); err != nil {
			return false, err
		}
		if emitted {
			return true, nil
		}
	}
	return false, nil
}

// finish hands the assembled row to Row if it has a value.
func (x *Reader) finish() bool {
	if !x.hasRow || len(x.cur.cells) == 0 {
		return false
	}
	if x.strCell >= 0 {
		x.strCell = -1 // a formula whose STRING never came: leave it empty
	}
	x.cur, x.out = x.out, x.cur
	x.out.texts.Set(x.out.cells, x.private)
	x.row = core.Row{Number: x.out.num + 1, Cells: x.out.cells}
	x.cur.reset(x.out.num)
	x.hasRow = false
	return true
}

// cell decodes one cell record into the current row.
func (x *Reader) cell(typ uint16, d []byte) error {
	col := int(binary.LittleEndian.Uint16(d[2:]))
	xf := int(binary.LittleEndian.Uint16(d[4:]))
	b := &x.cur
	switch typ {
	case recMulRK:
		if len(d) < 12 {
			return corrupt("a MULRK record of %d bytes", len(d))
		}
		n := (len(d) - 6) / 6
		if err := x.checkCol(col + n - 1); err != nil {
			return err
		}
		for i := range n {
			p := d[4+6*i:]
			x.number(col+i, int(binary.LittleEndian.Uint16(p)), rkValue(binary.LittleEndian.Uint32(p[2:])))
		}
		return nil
	}
	if err := x.checkCol(col); err != nil {
		return err
	}
	switch typ {
	case recLabelSST:
		if len(d) < 10 {
			return corrupt("a LABELSST record of %d bytes", len(d))
		}
		i := int(binary.LittleEndian.Uint32(d[6:]))
		if i >= x.sst.Len() {
			return corrupt("a shared string index %d in row %d (the table has %d)", i, b.num+1, x.sst.Len())
		}
		start := len(b.texts.Arena)
		b.texts.Arena = x.sst.AppendTo(b.texts.Arena, i)
		b.setString(col, start)
	case recLabel, recRString:
		if len(d) < 9 {
			return corrupt("a LABEL record of %d bytes", len(d))
		}
		start := len(b.texts.Arena)
		var err error
		b.texts.Arena, err = x.appendXLString(b.texts.Arena, &contReader{parts: [][]byte{d[6:]}}, 2)
		if err != nil {
			return err
		}
		b.setString(col, start)
	case recRK:
		if len(d) < 10 {
			return corrupt("an RK record of %d bytes", len(d))
		}
		x.number(col, xf, rkValue(binary.LittleEndian.Uint32(d[6:])))
	case recNumber:
		if len(d) < 14 {
			return corrupt("a NUMBER record of %d bytes", len(d))
		}
		x.number(col, xf, math.Float64frombits(binary.LittleEndian.Uint64(d[6:])))
	case recBoolErr:
		if len(d) < 8 {
			return corrupt("a BOOLERR record of %d bytes", len(d))
		}
		x.boolErr(col, d[6], d[7] == 1)
	case recFormula:
		if len(d) < 20 {
			return corrupt("a FORMULA record of %d bytes", len(d))
		}
		v := d[6:14]
		if v[6] != 0xFF || v[7] != 0xFF {
			x.number(col, xf, math.Float64frombits(binary.LittleEndian.Uint64(v)))
			return nil
		}
		switch v[0] {
		case 0: // a string, in the STRING record that follows
			x.strCell, x.strRow = col, b.num
		case 1:
			x.boolErr(col, v[2], false)
		case 2:
			x.boolErr(col, v[2], true)
		}
	}
	return nil
}

func (x *Reader) checkCol(col int) error {
	if col+1 > x.limits.MaxColumns {
		return &core.LimitError{Limit: "MaxColumns", Max: int64(x.limits.MaxColumns), Where: fmt.Sprintf("row %d", x.cur.num+1)}
	}
	return nil
}

// formulaString reads a STRING record (and its CONTINUE records), the
// cached text of the formula cell just read.
func (x *Reader) formulaString() error {
	parts, ok, err := x.rec.withContinues(int64(x.maxCellBy) + 1024)
	if err != nil {
		return x.readErr(err)
	}
	if !ok {
		return &core.LimitError{Limit: "MaxCellChars", Max: int64(x.limits.MaxCellChars), Where: fmt.Sprintf("a cell in row %d", x.cur.num+1)}
	}
	if x.strCell < 0 || !x.hasRow || x.strRow != x.cur.num {
		return nil // a STRING with no formula before it
	}
	col := x.strCell
	x.strCell = -1
	b := &x.cur
	start := len(b.texts.Arena)
	b.texts.Arena, err = x.appendXLString(b.texts.Arena, &contReader{parts: parts}, 2)
	if err != nil {
		return err
	}
	b.setString(col, start)
	return x.checkRow()
}

// checkRow checks the row being assembled after a record added to it: no
// cell given twice, and its text within MaxRowBytes.
func (x *Reader) checkRow() error {
	b := &x.cur
	if b.dup >= 0 {
		return corrupt("two records for the cell in row %d, column %d", b.num+1, b.dup+1)
	}
	if len(b.texts.Arena) > x.limits.MaxRowBytes {
		return core.RowTooLarge(x.limits.MaxRowBytes, b.num+1)
	}
	return nil
}

var errorTexts = map[byte]string{
	0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!",
	0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA",
}

func (x *Reader) boolErr(col int, v byte, isErr bool) {
	c := core.Cell{Kind: core.Bool, Text: "FALSE"}
	switch {
	case isErr:
		c.Kind = core.Error
		if c.Text = errorTexts[v]; c.Text == "" {
			c.Text = fmt.Sprintf("#ERR%d", v)
		}
	case v != 0:
		c.Text = "TRUE"
	}
	x.cur.set(col, c, -1)
}

// number stores a number cell, its text the shortest form that reads back
// as the same float64.
func (x *Reader) number(col, xf int, v float64) {
	b := &x.cur
	start := len(b.texts.Arena)
	b.texts.Arena = appendNumber(b.texts.Arena, v)
	b.set(col, core.Cell{Kind: core.Number, Date: xf < len(x.dateXF) && x.dateXF[xf]}, start)
}

// appendNumber appends v's shortest round-trip text: integers as digits
// without ".0", plain decimals for everyday magnitudes (so 1234567.5 stays
// "1234567.5", not "1.2345675e+06"), exponent form only outside them.
func appendNumber(dst []byte, v float64) []byte {
	if v == 0 {
		return append(dst, '0')
	}
	if a := math.Abs(v); a >= 1e-6 && a < 1e21 {
		return strconv.AppendFloat(dst, v, 'f', -1, 64)
	}
	return strconv.AppendFloat(dst, v, 'g', -1, 64)
}

// rkValue decodes an RK number: bit 0 says the value was multiplied by
// 100, bit 1 that the upper 30 bits are a signed integer rather than the
// upper 30 bits of a float64.
func rkValue(rk uint32) float64 {
	var v float64
	if rk&2 != 0 {
		v = float64(int32(rk) >> 2)
	} else {
		v = math.Float64frombits(uint64(rk&^3) << 32)
	}
	if rk&1 != 0 {
		v /= 100
	}
	return v
}

// unicodeString decodes the XLUnicodeString (lenSize 2) or
// ShortXLUnicodeString (lenSize 1) at the start of b.
func (x *Reader) unicodeString(b []byte, lenSize int) (string, error) {
	s, err := x.appendXLString(nil, &contReader{parts: [][]byte{b}}, lenSize)
	return string(s), err
}

// appendXLString appends a string read from cr: its length (lenSize
// bytes), its flags, and (when rich or extended) the run count and
// extension size, the characters (which may continue in the next part,
// after a new flags byte), then the run and extension data, skipped.
func (x *Reader) appendXLString(dst []byte, cr *contReader, lenSize int) ([]byte, error) {
	var cch int
	if lenSize == 1 {
		v, err := cr.u8()
		if err != nil {
			return dst, err
		}
		cch = int(v)
	} else {
		v, err := cr.u16()
		if err != nil {
			return dst, err
		}
		cch = int(v)
	}
	flags, err := cr.u8()
	if err != nil {
		return dst, err
	}
	var runs, ext int
	if flags&0x08 != 0 {
		v, err := cr.u16()
		if err != nil {
			return dst, err
		}
		runs = int(v)
	}
	if flags&0x04 != 0 {
		v, err := cr.u32()
		if err != nil {
			return dst, err
		}
		ext = int(v)
	}
	if cch > x.limits.MaxCellChars {
		return dst, &core.LimitError{Limit: "MaxCellChars", Max: int64(x.limits.MaxCellChars), Where: "a string of the workbook"}
	}
	dst, err = x.readChars(cr, dst, cch, flags&1 != 0)
	if err != nil {
		return dst, err
	}
	return dst, cr.skip(4*runs + ext)
}

// readChars appends n characters from cr, 16-bit when high, continuing
// into the next part when the current one ends (the part then starts with
// a flags byte whose bit 0 gives the width of what follows).
func (x *Reader) readChars(cr *contReader, dst []byte, n int, high bool) ([]byte, error) {
	var units []uint16
	for n > 0 {
		if cr.pos >= len(cr.parts[cr.i]) {
			if cr.i+1 >= len(cr.parts) {
				return dst, corrupt("a string runs past its record")
			}
			cr.i, cr.pos = cr.i+1, 0
			f, err := cr.u8()
			if err != nil {
				return dst, err
			}
			high = f&1 != 0
			continue
		}
		p := cr.parts[cr.i][cr.pos:]
		if high {
			k := min(n, len(p)/2)
			if k == 0 {
				return dst, corrupt("a string character split across records")
			}
			for j := range k {
				units = append(units, binary.LittleEndian.Uint16(p[2*j:]))
			}
			cr.pos += 2 * k
			n -= k
			continue
		}
		k := min(n, len(p))
		dst, units = x.flush16(dst, units)
		for _, c := range p[:k] {
			if c < 0x80 {
				dst = append(dst, c)
			} else if x.cp != nil {
				dst = utf8.AppendRune(dst, x.cp[c])
			} else {
				dst = utf8.AppendRune(dst, rune(c))
			}
		}
		cr.pos += k
		n -= k
	}
	dst, _ = x.flush16(dst, units)
	return dst, nil
}

func (x *Reader) flush16(dst []byte, units []uint16) ([]byte, []uint16) {
	if len(units) == 0 {
		return dst, units
	}
	for _, r := range utf16.Decode(units) {
		dst = utf8.AppendRune(dst, r)
	}
	return dst, units[:0]
}

// contReader reads across a record and its CONTINUE records. Only
// characters take a flags byte at a part boundary; other fields run
// straight on.
type contReader struct {
	parts [][]byte
	i     int
	pos   int
}

func (c *contReader) byte() (byte, error) {
	for c.pos >= len(c.parts[c.i]) {
		if c.i+1 >= len(c.parts) {
			return 0, corrupt("a string runs past its record")
		}
		c.i, c.pos = c.i+1, 0
	}
	b := c.parts[c.i][c.pos]
	c.pos++
	return b, nil
}

func (c *contReader) u8() (byte, error) { return c.byte() }

func (c *contReader) u16() (uint16, error) {
	a, err := c.byte()
	if err != nil {
		return 0, err
	}
	b, err := c.byte()
	return uint16(a) | uint16(b)<<8, err
}

func (c *contReader) u32() (uint32, error) {
	a, err := c.u16()
	if err != nil {
		return 0, err
	}
	b, err := c.u16()
	return uint32(a) | uint32(b)<<16, err
}

// skip skips n bytes, across parts.
func (c *contReader) skip(n int) error {
	for n > 0 {
		if c.pos >= len(c.parts[c.i]) {
			if c.i+1 >= len(c.parts) {
				return corrupt("a string's formatting runs past its record")
			}
			c.i, c.pos = c.i+1, 0
			continue
		}
		k := min(n, len(c.parts[c.i])-c.pos)
		c.pos += k
		n -= k
	}
	return nil
}

// atEnd reports whether everything has been read.
func (c *contReader) atEnd() bool {
	for c.i < len(c.parts)-1 && c.pos >= len(c.parts[c.i]) {
		c.i, c.pos = c.i+1, 0
	}
	return c.pos >= len(c.parts[c.i])
}
