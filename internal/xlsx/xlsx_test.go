package xlsx

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/impexkit/impex/internal/sheet/core"
	"github.com/xuri/excelize/v2"
)

const fixtures = "../../testdata/workbooks"

// cellName is the A1 reference of a 0-based column in a row.
func cellName(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col+1, row)
	return s
}

func TestReaderMatchesExcelizeOnEveryFixture(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.xlsx"))
	if len(files) == 0 {
		t.Fatal("no .xlsx fixtures; run tools/fixtures/make.sh")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got, x, err := readAll(t, data, core.Limits{})
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			want, date1904 := excelizeRows(t, data)
			// The date flag is checked against openpyxl below; excelize's
			// reading gives the values and kinds.
			noDates := cmp.Transformer("nodate", func(c core.Cell) core.Cell { c.Date = false; return c })
			if d := cmp.Diff(want, got, noDates); d != "" {
				t.Errorf("cells differ from excelize (-excelize +reader):\n%s", d)
			}
			if x.Date1904() != date1904 {
				t.Errorf("Date1904 = %v, excelize says %v", x.Date1904(), date1904)
			}
			var rec struct {
				Sheet    string
				Date1904 bool
				Dates    []string
			}
			raw, err := os.ReadFile(file + ".dates.json")
			if err != nil {
				t.Fatalf("the recorded openpyxl reading: %v", err)
			}
			if err := json.Unmarshal(raw, &rec); err != nil {
				t.Fatal(err)
			}
			var dates []string
			for _, r := range got {
				for col, c := range r.Cells {
					if c.Date {
						dates = append(dates, cellName(col, r.Number))
					}
				}
			}
			if d := cmp.Diff(rec.Dates, dates); d != "" {
				t.Errorf("date cells differ from openpyxl's (-openpyxl +reader):\n%s", d)
			}
			if x.SheetName() != rec.Sheet || x.Date1904() != rec.Date1904 {
				t.Errorf("sheet %q, 1904 %v; openpyxl: %q, %v", x.SheetName(), x.Date1904(), rec.Sheet, rec.Date1904)
			}
		})
	}
}

// generatedDates are the columns generated styles as dates: E holds
// time.Time values (excelize gives them built-in format 22), F uses
// built-in format 14 and G the custom code "dd/mm/yyyy hh:mm". H's
// currency code and every other column are not dates.
var generatedDates = map[int]bool{4: true, 5: true, 6: true}

// streamedDates are the columns streamed styles as dates (format 14).
func streamedDates(col int) bool { return col%6 == 3 }

// generated writes a workbook with excelize: every value kind, styles for
// dates and for plain numbers, gaps, and text that needs escaping.
func generated(t testing.TB, rows int, date1904 bool) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if date1904 {
		v := true
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &v}); err != nil {
			t.Fatal(err)
		}
	}
	sh := "Sheet1"
	f.SetSheetName(sh, "Generated")
	sh = "Generated"
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	custom := "dd/mm/yyyy hh:mm"
	customStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
	money := `#,##0.00 "€"`
	moneyStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &money})
	set := func(col, row int, v any) {
		if err := f.SetCellValue(sh, cellName(col, row), v); err != nil {
			t.Fatal(err)
		}
	}
	for r := 1; r <= rows; r++ {
		if r%7 == 3 {
			continue // a gap
		}
		set(0, r, r)
		set(1, r, fmt.Sprintf("name %d <&> \"quoted\" ü", r))
		set(2, r, float64(r)*-1.25)
		set(3, r, r%2 == 0)
		set(4, r, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r))
		f.SetCellStyle(sh, cellName(5, r), cellName(5, r), dateStyle)
		set(5, r, 40000+r)
		f.SetCellStyle(sh, cellName(6, r), cellName(6, r), customStyle)
		set(6, r, 40000.5+float64(r))
		f.SetCellStyle(sh, cellName(7, r), cellName(7, r), moneyStyle)
		set(7, r, 0.1*float64(r))
		set(8, r, fmt.Sprintf("%05d", r))
		if r%5 == 0 {
			set(12, r, "far")
		}
		if r%11 == 0 {
			f.SetCellFormula(sh, cellName(9, r), "A1+1")
		}
		set(10, r, 1e20+float64(r))
		set(11, r, "")
	}
	f.SetCellValue(sh, "N2", "line\nbreak\ttab")
	f.SetCellValue(sh, "O2", "_x000D_ looks like an escape")
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// streamed writes a workbook with excelize's StreamWriter (inline strings,
// no shared-string table).
func streamed(t testing.TB, rows, cols int) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	dateStyle, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	vals := make([]any, cols)
	for r := 1; r <= rows; r++ {
		for c := range vals {
			switch c % 6 {
			case 0:
				vals[c] = r*cols + c
			case 1:
				vals[c] = fmt.Sprintf("customer %d column %d", r, c)
			case 2:
				vals[c] = float64(r) / 8
			case 3:
				vals[c] = excelize.Cell{StyleID: dateStyle, Value: 45000 + r%1000}
			case 4:
				vals[c] = r%3 == 0
			case 5:
				vals[c] = fmt.Sprintf("user%d@example.com", r)
			}
		}
		if err := sw.SetRow(cellName(0, r), vals); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReaderMatchesExcelizeOnGeneratedWorkbooks(t *testing.T) {
	generatedDate := func(col int) bool { return generatedDates[col] }
	for _, tc := range []struct {
		name   string
		data   []byte
		isDate func(col int) bool // decided by the generator, not the reader
	}{
		{"cell by cell, 1900 dates", generated(t, 300, false), generatedDate},
		{"cell by cell, 1904 dates", generated(t, 40, true), generatedDate},
		{"stream writer with inline strings", streamed(t, 500, 12), streamedDates},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, x, err := readAll(t, tc.data, core.Limits{})
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			want, date1904 := excelizeRows(t, tc.data)
			for _, r := range want {
				for col := range r.Cells {
					if r.Cells[col].Kind == core.Number && tc.isDate(col) {
						r.Cells[col].Date = true
					}
				}
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("cells differ from excelize (-excelize +reader):\n%s", d)
			}
			if x.Date1904() != date1904 {
				t.Errorf("Date1904 = %v, excelize says %v", x.Date1904(), date1904)
			}
		})
	}
}

func TestReaderReadsTheHandmadeWorkbookExactly(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(fixtures, "handmade.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	got, x, err := readAll(t, data, core.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	s := func(v string) core.Cell { return core.Cell{Kind: core.String, Text: v} }
	n := func(v string) core.Cell { return core.Cell{Kind: core.Number, Text: v} }
	want := []core.Row{
		{Number: 1, Cells: []core.Cell{s("plain"), s("bold and normal"), s("東京"), s("carriage\rreturn and _x0041_ literal"), s("café € <tag> <raw & cdata>")}},
		{Number: 2, Cells: []core.Cell{s("inline"), s("rich inline"), {}, {Kind: core.Bool, Text: "TRUE"}, {Kind: core.Bool, Text: "FALSE"}, {Kind: core.Error, Text: "#REF!"}}},
		{Number: 4, Cells: []core.Cell{{}, n("-12.5"), n("1E-3"), {Kind: core.Number, Text: "45321", Date: true}, {Kind: core.Number, Text: "45321.25", Date: true}, n("7.5")}},
		{Number: 5, Cells: []core.Cell{n("-25"), s("ab"), {Kind: core.Error, Text: "#DIV/0!"}, {Kind: core.Bool, Text: "TRUE"}}},
		{Number: 9, Cells: []core.Cell{{}, {}, s("00123"), {}, n("6.0012345678901E+15")}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if x.SheetName() != "Data & more" {
		t.Errorf("SheetName = %q", x.SheetName())
	}
}
