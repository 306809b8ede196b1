package xlsx

import (
	"bytes"
	"strings"
	"testing"
	"unsafe"

	"github.com/xuri/excelize/v2"

	"github.com/impexkit/impex/internal/sheet/core"
)

// within reports whether s's bytes lie in the memory of t.
func within(s, t string) bool {
	if s == "" || t == "" {
		return false
	}
	p, lo := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(t)))
	return lo <= p && p < lo+uintptr(len(t))
}

// A value a store keeps from a row must keep neither the shared-string
// table (every row's texts) nor a secret of its row in memory.
func TestCellTextsKeepNeitherTheSharedStringsNorAPrivateCell(t *testing.T) {
	const secret = "131052-308T"
	f := excelize.NewFile()
	rows := [][]string{{"firstName", "ssn", "lastName"}, {"Aino", secret, "Virtanen"}, {"Eino", "010203A123B", "Aalto"}}
	for r, row := range rows {
		for c, v := range row {
			if err := f.SetCellStr("Sheet1", cellName(c, r+1), v); err != nil { // shared strings, as Excel writes text
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	x, err := Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()), core.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if x.sst.Len() == 0 {
		t.Fatal("the workbook has no shared strings: the test tests nothing")
	}
	table := backingOf(x)
	x.SetPrivate([]int{1})
	for r := 0; x.Next(); r++ {
		cells := x.Row().Cells
		for c, want := range rows[r] {
			if got := cells[c].Text; got != want {
				t.Fatalf("row %d column %d: %q, want %q", r+1, c, got, want)
			}
			if within(cells[c].Text, table) {
				t.Errorf("row %d column %d: the text points into the shared-string table", r+1, c)
			}
		}
		// The first and last cells are parts of the row's one string, laid
		// out in order; the private cell's text lay between them.
		first, last := cells[0].Text, cells[2].Text
		start := uintptr(unsafe.Pointer(unsafe.StringData(first)))
		end := uintptr(unsafe.Pointer(unsafe.StringData(last))) + uintptr(len(last))
		row := unsafe.String(unsafe.StringData(first), int(end-start))
		if len(row) != len(first)+len(rows[r][1])+len(last) || strings.Contains(row, rows[r][1]) {
			t.Errorf("row %d: the row's string %q holds the private cell's text", r+1, row)
		}
	}
	if err := x.Err(); err != nil {
		t.Fatal(err)
	}
}

// backingOf returns the shared-string table's texts as the one string
// they are parts of.
func backingOf(x *Reader) string {
	first, last := x.sst.At(0), x.sst.At(x.sst.Len()-1)
	start := uintptr(unsafe.Pointer(unsafe.StringData(first)))
	end := uintptr(unsafe.Pointer(unsafe.StringData(last))) + uintptr(len(last))
	return unsafe.String(unsafe.StringData(first), int(end-start))
}
