package xls

import (
	"encoding/binary"
	"fmt"

	"github.com/impexkit/impex/internal/sheet/core"
	"golang.org/x/text/encoding/charmap"
)

// readSST reads the SST record just read and its CONTINUE records.
func (x *Reader) readSST() error {
	lim := x.limits
	d := x.rec.data
	if len(d) < 8 {
		return corrupt("an SST record of %d bytes", len(d))
	}
	unique := int64(binary.LittleEndian.Uint32(d[4:]))
	if unique > int64(lim.MaxSharedStrings) {
		return &core.LimitError{Limit: "MaxSharedStrings", Max: int64(lim.MaxSharedStrings), Where: fmt.Sprintf("the shared strings (declares %d)", unique)}
	}
	// The table's records hold at most two bytes a character, plus
	// formatting runs and phonetic data, which a sane file keeps small.
	parts, ok, err := x.rec.withContinues(2*lim.MaxSharedBytes + 1<<20)
	if err != nil {
		return x.readErr(err)
	}
	if !ok {
		return &core.LimitError{Limit: "MaxSharedBytes", Max: lim.MaxSharedBytes, Where: "the shared strings"}
	}
	cr := &contReader{parts: parts, pos: 8}
	var sb core.SharedStringsBuilder
	sb.Reserve(int(min(unique, 1<<16)))
	var item []byte
	for range unique {
		if cr.atEnd() {
			break // fewer strings than declared: the rest are never used
		}
		item, err = x.appendXLString(item[:0], cr, 2)
		if err != nil {
			return err
		}
		if err := sb.Add(item, lim.MaxSharedBytes, "the shared strings"); err != nil {
			return err
		}
	}
	x.sst = sb.Table()
	return nil
}

// setCodePage sets how 8-bit ("compressed") strings are decoded.
//
// In BIFF8 a compressed string holds the low bytes of UTF-16 code units,
// which is Latin-1, and Excel marks its files with code page 1200
// (UTF-16); that is the default. Some third-party writers put bytes of
// their declared ANSI code page there instead; for those code pages the
// bytes are decoded as the file says.
func (x *Reader) setCodePage(cp int) {
	var cm *charmap.Charmap
	switch cp {
	case 1250:
		cm = charmap.Windows1250
	case 1251:
		cm = charmap.Windows1251
	case 1252:
		cm = charmap.Windows1252
	case 1253:
		cm = charmap.Windows1253
	case 1254:
		cm = charmap.Windows1254
	case 1255:
		cm = charmap.Windows1255
	case 1256:
		cm = charmap.Windows1256
	case 1257:
		cm = charmap.Windows1257
	case 1258:
		cm = charmap.Windows1258
	case 437:
		cm = charmap.CodePage437
	case 850:
		cm = charmap.CodePage850
	case 10000, 32768:
		cm = charmap.Macintosh
	default: // 1200, 28591 (Latin-1), and anything unknown
		x.cp = nil
		return
	}
	var table [256]rune
	for i := range table {
		table[i] = cm.DecodeByte(byte(i))
	}
	x.cp = &table
}
