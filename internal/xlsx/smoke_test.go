package xlsx

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/impexkit/impex/internal/sheet/core"
	"github.com/xuri/excelize/v2"
)

func TestSmoke(t *testing.T) {
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "hello")
	f.SetCellValue("Sheet1", "B1", 12.5)
	f.SetCellValue("Sheet1", "D1", true)
	f.SetCellValue("Sheet1", "A3", time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC))
	f.SetCellValue("Sheet1", "B3", "a&b<c>")
	f.SetCellFormula("Sheet1", "C3", "1+2")
	b, _ := f.WriteToBuffer()
	want, _ := excelizeRows(t, b.Bytes())
	got, _, err := readAll(t, b.Bytes(), core.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatal(d)
	}
	t.Logf("%+v", got)
}
