package xls

import (
	"encoding/binary"
	"math"
	"unicode/utf16"
)

// This file writes minimal .xls files for the tests, the fuzz target and
// the benchmark: BIFF8 records in a version-4 compound file (4,096-byte
// sectors, no mini stream, no DIFAT sectors: up to about 450 MB).

// cfb wraps streams (name, data) in a compound file.
func cfb(streams ...cfbStream) []byte {
	const ss = 4096
	const (
		free       = 0xFFFFFFFF
		endOfChain = 0xFFFFFFFE
		fatSect    = 0xFFFFFFFD
		noStream   = 0xFFFFFFFF
	)
	for i := range streams {
		// Streams under the 4,096-byte cutoff would belong in the mini
		// stream; pad them past it instead.
		if len(streams[i].data) < ss {
			streams[i].data = append(streams[i].data, make([]byte, ss-len(streams[i].data))...)
		}
	}
	data := 0
	for _, s := range streams {
		data += (len(s.data) + ss - 1) / ss
	}
	nfat := 1
	for (nfat+1+data+ss/4-1)/(ss/4) > nfat {
		nfat++
	}
	if nfat > 109 {
		panic("cfb: too large for a header-only DIFAT")
	}
	total := nfat + 1 + data
	fat := make([]uint32, nfat*ss/4)
	for i := range fat {
		fat[i] = free
	}
	for i := range nfat {
		fat[i] = fatSect
	}
	dirSect := nfat
	fat[dirSect] = endOfChain
	starts := make([]uint32, len(streams))
	next := nfat + 1
	for i, s := range streams {
		n := (len(s.data) + ss - 1) / ss
		starts[i] = uint32(next)
		for j := range n {
			if j == n-1 {
				fat[next+j] = endOfChain
			} else {
				fat[next+j] = uint32(next + j + 1)
			}
		}
		next += n
	}
	out := make([]byte, ss*(total+1))
	h := out[:512]
	copy(h, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	le := binary.LittleEndian
	le.PutUint16(h[24:], 0x003E)
	le.PutUint16(h[26:], 4)
	le.PutUint16(h[28:], 0xFFFE)
	le.PutUint16(h[30:], 12)
	le.PutUint16(h[32:], 6)
	le.PutUint32(h[40:], 1)
	le.PutUint32(h[44:], uint32(nfat))
	le.PutUint32(h[48:], uint32(dirSect))
	le.PutUint32(h[56:], ss)
	le.PutUint32(h[60:], endOfChain)
	le.PutUint32(h[68:], endOfChain)
	for i := range 109 {
		v := uint32(free)
		if i < nfat {
			v = uint32(i)
		}
		le.PutUint32(h[76+4*i:], v)
	}
	sector := func(i int) []byte { return out[ss*(i+1) : ss*(i+2)] }
	for i, v := range fat {
		le.PutUint32(sector(i / (ss / 4))[4*(i%(ss/4)):], v)
	}
	dir := sector(dirSect)
	entry := func(i int, name string, typ byte, left, right, child, start uint32, size int) {
		e := dir[128*i : 128*(i+1)]
		u := utf16.Encode([]rune(name))
		for j, c := range u {
			le.PutUint16(e[2*j:], c)
		}
		le.PutUint16(e[64:], uint16(2*len(u)+2))
		e[66], e[67] = typ, 1
		le.PutUint32(e[68:], left)
		le.PutUint32(e[72:], right)
		le.PutUint32(e[76:], child)
		le.PutUint32(e[116:], start)
		le.PutUint64(e[120:], uint64(size))
	}
	for i := range ss / 128 {
		e := dir[128*i:]
		le.PutUint32(e[68:], noStream)
		le.PutUint32(e[72:], noStream)
		le.PutUint32(e[76:], noStream)
	}
	child := uint32(noStream)
	if len(streams) > 0 {
		child = 1
	}
	entry(0, "Root Entry", 5, noStream, noStream, child, endOfChain, 0)
	for i, s := range streams {
		right := uint32(noStream)
		if i+1 < len(streams) {
			right = uint32(i + 2)
		}
		entry(i+1, s.name, 2, noStream, right, noStream, starts[i], len(s.data))
		copy(out[ss*(int(starts[i])+1):], s.data)
	}
	return out
}

type cfbStream struct {
	name string
	data []byte
}

// biff assembles a BIFF8 workbook stream.
type biff struct{ b []byte }

func (w *biff) rec(typ uint16, data ...[]byte) {
	n := 0
	for _, d := range data {
		n += len(d)
	}
	w.b = binary.LittleEndian.AppendUint16(w.b, typ)
	w.b = binary.LittleEndian.AppendUint16(w.b, uint16(n))
	for _, d := range data {
		w.b = append(w.b, d...)
	}
}

func u16(v int) []byte { return binary.LittleEndian.AppendUint16(nil, uint16(v)) }
func u32(v int) []byte { return binary.LittleEndian.AppendUint32(nil, uint32(v)) }
func f64(v float64) []byte {
	return binary.LittleEndian.AppendUint64(nil, math.Float64bits(v))
}

// xlString is an XLUnicodeString: 16-bit length, flags, characters (8-bit
// when every character fits, else UTF-16).
func xlString(s string, lenSize int) []byte {
	u := utf16.Encode([]rune(s))
	var b []byte
	if lenSize == 1 {
		b = []byte{byte(len(u))}
	} else {
		b = u16(len(u))
	}
	wide := false
	for _, c := range u {
		wide = wide || c > 0xFF
	}
	if !wide {
		b = append(b, 0)
		for _, c := range u {
			b = append(b, byte(c))
		}
		return b
	}
	b = append(b, 1)
	for _, c := range u {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	return b
}

// book describes a workbook for writeXLS.
type book struct {
	filePass bool
	version  int // BOF version; 0 means BIFF8
	codepage int
	date1904 bool
	formats  map[int]string // FORMAT records
	xfFormat []int          // number format of each XF
	strings  []string       // the SST
	rawSST   [][]byte       // SST and CONTINUE payloads, instead of strings
	sheet    func(w *biff)  // the worksheet's cell records
}

// writeXLS returns the workbook stream of b (not yet in a compound file).
func writeXLS(b book) []byte {
	w := &biff{}
	ver := b.version
	if ver == 0 {
		ver = 0x0600
	}
	w.rec(recBOF, u16(ver), u16(0x0005), make([]byte, 12))
	if b.filePass {
		w.rec(recFilePass, u16(1), make([]byte, 52))
	}
	cp := b.codepage
	if cp == 0 {
		cp = 1200
	}
	w.rec(recCodePage, u16(cp))
	if b.date1904 {
		w.rec(recDateMode, u16(1))
	}
	for id, code := range b.formats {
		w.rec(recFormat, u16(id), xlString(code, 2))
	}
	xfs := b.xfFormat
	if len(xfs) == 0 {
		xfs = make([]int, 16)
	}
	for _, f := range xfs {
		w.rec(recXF, u16(0), u16(f), make([]byte, 16))
	}
	bs := len(w.b)
	w.rec(recBoundSheet, u32(0), []byte{0, 0}, xlString("Sheet1", 1))
	switch {
	case b.rawSST != nil:
		for i, p := range b.rawSST {
			typ := uint16(recSST)
			if i > 0 {
				typ = recContinue
			}
			w.rec(typ, p)
		}
	case b.strings != nil:
		// Start a CONTINUE record whenever the next whole string would
		// pass 8,224 bytes; strings are not split.
		head := append(u32(len(b.strings)), u32(len(b.strings))...)
		cur, first := head, true
		flush := func() {
			if first {
				w.rec(recSST, cur)
			} else {
				w.rec(recContinue, cur)
			}
			first, cur = false, nil
		}
		for _, s := range b.strings {
			e := xlString(s, 2)
			if len(cur)+len(e) > 8224 {
				flush()
			}
			cur = append(cur, e...)
		}
		flush()
	}
	w.rec(recEOF)
	binary.LittleEndian.PutUint32(w.b[bs+4:], uint32(len(w.b)))
	w.rec(recBOF, u16(ver), u16(0x0010), make([]byte, 12))
	if b.sheet != nil {
		b.sheet(w)
	}
	w.rec(recEOF)
	return w.b
}

// xlsFile is writeXLS in a compound file.
func xlsFile(b book) []byte {
	return cfb(cfbStream{"Workbook", writeXLS(b)})
}

// Cell records.
func cellHead(row, col, xf int) []byte { return append(append(u16(row), u16(col)...), u16(xf)...) }

func rk(v int) []byte { return u32(v<<2 | 2) }
