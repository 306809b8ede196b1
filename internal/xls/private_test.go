package xls

import (
	"bytes"
	"strings"
	"testing"

	"github.com/impexkit/impex/internal/memtest"
	"github.com/impexkit/impex/internal/sheet/core"
)

// A value a store keeps from a row must keep neither the shared-string
// table (every row's texts) nor a secret of its row in memory.
func TestCellTextsKeepNeitherTheSharedStringsNorAPrivateCell(t *testing.T) {
	const secret = "131052-308T"
	data := xlsFile(book{
		strings: []string{"Aino", secret, "Virtanen"},
		sheet: func(w *biff) {
			w.rec(recLabelSST, cellHead(0, 0, 0), u32(0))
			w.rec(recLabelSST, cellHead(0, 1, 0), u32(1))
			w.rec(recLabelSST, cellHead(0, 2, 0), u32(2))
		},
	})
	x, err := Open(bytes.NewReader(data), int64(len(data)), core.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	table := x.sst.Memory()
	x.SetPrivate([]int{1})
	if !x.Next() {
		t.Fatalf("no row: %v", x.Err())
	}
	cells := x.Row().Cells
	for c, want := range []string{"Aino", secret, "Virtanen"} {
		if cells[c].Text != want {
			t.Fatalf("column %d: %q, want %q", c, cells[c].Text, want)
		}
		if memtest.Within(cells[c].Text, table) {
			t.Errorf("column %d: the text points into the shared-string table", c)
		}
	}
	a, z := cells[0].Text, cells[2].Text
	row := memtest.Span(a, z)
	// The texts are parts of one string, the row's, laid out in order;
	// the secret lay between them.
	if len(row) != len(a)+len(secret)+len(z) || strings.Contains(row, secret) {
		t.Errorf("the row's string %q holds the private cell's text", row)
	}
}
