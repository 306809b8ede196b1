package xlsxw_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/impexkit/impex/internal/sheet"
	"github.com/impexkit/impex/internal/xlsxw"
)

func TestWrittenCellsReadBack(t *testing.T) {
	rows := [][]xlsxw.Cell{
		{xlsxw.Str("id", xlsxw.Header), xlsxw.Str("note", xlsxw.Header), xlsxw.Str("flag", xlsxw.Header)},
		{xlsxw.Str("0012", xlsxw.Text), xlsxw.Str("a & b < c > d \"e\" 'f'", xlsxw.Plain), xlsxw.Boolean(true)},
		{xlsxw.Str("=1+2", xlsxw.Text), xlsxw.Str("line\nbreak\r\nand\ttab, Ääkköset ✓", xlsxw.Plain), xlsxw.Boolean(false)},
		{{}, xlsxw.Str("bell\a and broken \xff utf-8", xlsxw.Plain)},
	}
	var buf bytes.Buffer
	w, err := xlsxw.New(&buf, xlsxw.Options{SheetName: "Käyttäjät & co", Columns: 3, Rows: len(rows), FreezeHeader: true, Modified: time.Unix(0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.WriteRow(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"id", "note", "flag"},
		{"0012", "a & b < c > d \"e\" 'f'", "TRUE"},
		{"=1+2", "line\nbreak\r\nand\ttab, Ääkköset ✓", "FALSE"},
		{"", "bell\uFFFD and broken \uFFFD utf-8"},
	}
	// Our reader.
	r, err := sheet.Open(bytes.NewReader(buf.Bytes()), int64(buf.Len()), sheet.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for r.Next() {
		var row []string
		for _, c := range r.Row().Cells {
			row = append(row, c.Text)
		}
		got = append(got, row)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if r.SheetName() != "Käyttäjät & co" {
		t.Errorf("sheet name %q", r.SheetName())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("our reader (-want +got):\n%s", diff)
	}
	// excelize, as another program would.
	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	formula, _ := x.GetCellFormula("Käyttäjät & co", "A3")
	typ, _ := x.GetCellType("Käyttäjät & co", "C2")
	if formula != "" || typ != excelize.CellTypeBool {
		t.Fatalf("A3 formula %q (want none), C2 type %v (want bool)", formula, typ)
	}
	panes, _ := x.GetPanes("Käyttäjät & co")
	if !panes.Freeze || panes.YSplit != 1 {
		t.Fatalf("panes %+v, want the header frozen", panes)
	}
}

func TestTheDeclaredShapeIsEnforced(t *testing.T) {
	var buf bytes.Buffer
	w, _ := xlsxw.New(&buf, xlsxw.Options{Columns: 2, Rows: 1})
	if err := w.WriteRow([]xlsxw.Cell{{}, {}, {}}); !errors.Is(err, xlsxw.ErrOrder) {
		t.Fatalf("a row wider than declared: %v", err)
	}
	w, _ = xlsxw.New(&buf, xlsxw.Options{Columns: 2, Rows: 1})
	w.WriteRow(nil)
	if err := w.WriteRow(nil); !errors.Is(err, xlsxw.ErrOrder) {
		t.Fatalf("a row beyond the declared count: %v", err)
	}
	if _, err := xlsxw.New(&buf, xlsxw.Options{Columns: 0}); err == nil {
		t.Fatal("a sheet of no columns was accepted")
	}
}
