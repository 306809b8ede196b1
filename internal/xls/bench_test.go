package xls

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/impexkit/impex/internal/sheet/core"
)

// xls50k writes a 50,000 x 30 workbook: shared strings, RK, MULRK,
// NUMBER, BOOLERR, LABEL and formulas with cached strings, as Excel mixes
// them.
func xls50k() []byte {
	strs := make([]string, 5000)
	for i := range strs {
		strs[i] = fmt.Sprintf("customer name %d", i)
	}
	return xlsFile(book{strings: strs, xfFormat: []int{0, 14, 0, 0}, sheet: func(w *biff) {
		for r := range 50000 {
			// Columns 0-9: shared strings; 10-17: one MULRK; 18-23:
			// NUMBER; 24-25: BOOLERR; 26-27: LABEL; 28-29: FORMULA +
			// STRING.
			for c := range 10 {
				w.rec(recLabelSST, cellHead(r, c, 0), u32((r*10+c)%len(strs)))
			}
			mul := append(u16(r), u16(10)...)
			for c := 10; c < 18; c++ {
				mul = append(append(mul, u16(c%2)...), rk(r*c)...)
			}
			w.rec(recMulRK, mul, u16(17))
			for c := 18; c < 24; c++ {
				w.rec(recNumber, cellHead(r, c, 0), f64(float64(r)+float64(c)/8))
			}
			w.rec(recBoolErr, cellHead(r, 24, 0), []byte{byte(r & 1), 0})
			w.rec(recBoolErr, cellHead(r, 25, 0), []byte{0x2A, 1})
			w.rec(recLabel, cellHead(r, 26, 0), xlString(fmt.Sprintf("%05d", r), 2))
			w.rec(recLabel, cellHead(r, 27, 0), xlString("user@example.com", 2))
			for c := 28; c < 30; c++ {
				w.rec(recFormula, cellHead(r, c, 0), []byte{0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, make([]byte, 6))
				w.rec(recString, xlString("formula text", 2))
			}
		}
	}})
}

func BenchmarkXLSReader50k(b *testing.B) {
	data := xls50k()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x, err := Open(bytes.NewReader(data), int64(len(data)), core.Limits{})
		if err != nil {
			b.Fatal(err)
		}
		rows, cells := 0, 0
		for x.Next() {
			rows++
			cells += len(x.Row().Cells)
		}
		if x.Err() != nil || rows != 50000 || cells != 50000*30 {
			b.Fatalf("rows %d, cells %d, err %v", rows, cells, x.Err())
		}
	}
}
