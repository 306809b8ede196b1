package xlsx

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/impexkit/impex/internal/memtest"
	"github.com/impexkit/impex/internal/sheet/core"
)

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
	table := x.sst.Memory()
	x.SetPrivate([]int{1})
	for r := 0; x.Next(); r++ {
		cells := x.Row().Cells
		for c, want := range rows[r] {
			if got := cells[c].Text; got != want {
				t.Fatalf("row %d column %d: %q, want %q", r+1, c, got, want)
			}
			if memtest.Within(cells[c].Text, table) {
				t.Errorf("row %d column %d: the text points into the shared-string table", r+1, c)
			}
		}
		// The first and last cells are parts of the row's one string, laid
		// out in order; the private cell's text lay between them.
		first, last := cells[0].Text, cells[2].Text
		row := memtest.Span(first, last)
		if len(row) != len(first)+len(rows[r][1])+len(last) || strings.Contains(row, rows[r][1]) {
			t.Errorf("row %d: the row's string %q holds the private cell's text", r+1, row)
		}
	}
	if err := x.Err(); err != nil {
		t.Fatal(err)
	}
}
