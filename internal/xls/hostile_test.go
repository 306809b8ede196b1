package xls

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/impexkit/impex/internal/sheet/core"
)

func TestReaderReadsHandWrittenRecords(t *testing.T) {
	data := xlsFile(book{
		formats:  map[int]string{164: `"on" dd.mm.yyyy`, 165: `0.00 "EUR"`},
		xfFormat: []int{0, 14, 164, 165},
		strings:  []string{"first", "", "Ünïcode €"},
		sheet: func(w *biff) {
			w.rec(recLabelSST, cellHead(0, 0, 0), u32(0))
			w.rec(recLabelSST, cellHead(0, 1, 0), u32(1)) // empty text: an empty cell
			w.rec(recLabelSST, cellHead(0, 2, 0), u32(2))
			w.rec(recLabel, cellHead(0, 3, 0), xlString("label ü", 2))
			w.rec(recRK, cellHead(1, 0, 0), rk(-5))
			w.rec(recRK, cellHead(1, 1, 0), u32(-1234<<2|3)) // -12.34
			w.rec(recNumber, cellHead(1, 2, 1), f64(45321))
			w.rec(recNumber, cellHead(1, 3, 2), f64(45321.5))
			w.rec(recNumber, cellHead(1, 4, 3), f64(45321.5))
			w.rec(recMulRK, u16(2), u16(1), u16(0), rk(7), u16(0), rk(8), u16(2))
			w.rec(recBoolErr, cellHead(3, 0, 0), []byte{1, 0})
			w.rec(recBoolErr, cellHead(3, 1, 0), []byte{0x2A, 1})
			w.rec(recFormula, cellHead(3, 2, 0), []byte{0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, make([]byte, 6))
			w.rec(recString, xlString("cached", 2))
			w.rec(recFormula, cellHead(3, 3, 0), []byte{1, 0, 1, 0, 0, 0, 0xFF, 0xFF}, make([]byte, 6))
			w.rec(recFormula, cellHead(3, 4, 0), []byte{2, 0, 7, 0, 0, 0, 0xFF, 0xFF}, make([]byte, 6))
			w.rec(recFormula, cellHead(3, 5, 0), f64(1234567.5), make([]byte, 6))
			w.rec(recFormula, cellHead(3, 6, 0), []byte{3, 0, 0, 0, 0, 0, 0xFF, 0xFF}, make([]byte, 6))
			w.rec(recBlank, cellHead(4, 0, 0))
			w.rec(recMulBlank, u16(5), u16(0), u16(0), u16(0), u16(1))
			w.rec(recBOF, u16(0x0600), u16(0x0020), make([]byte, 12)) // an embedded chart
			w.rec(recNumber, cellHead(0, 0, 0), f64(99))
			w.rec(recEOF)
			w.rec(recNumber, cellHead(9, 1, 0), f64(1e-7))
		},
	})
	got, x, err := readAll(t, data, core.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	s := func(v string) core.Cell { return core.Cell{Kind: core.String, Text: v} }
	n := func(v string) core.Cell { return core.Cell{Kind: core.Number, Text: v} }
	want := []core.Row{
		{Number: 1, Cells: []core.Cell{s("first"), {}, s("Ünïcode €"), s("label ü")}},
		{Number: 2, Cells: []core.Cell{n("-5"), n("-12.34"), {Kind: core.Number, Text: "45321", Date: true}, {Kind: core.Number, Text: "45321.5", Date: true}, n("45321.5")}},
		{Number: 3, Cells: []core.Cell{{}, n("7"), n("8")}},
		{Number: 4, Cells: []core.Cell{{Kind: core.Bool, Text: "TRUE"}, {Kind: core.Error, Text: "#N/A"}, s("cached"), {Kind: core.Bool, Text: "TRUE"}, {Kind: core.Error, Text: "#DIV/0!"}, n("1234567.5")}},
		{Number: 10, Cells: []core.Cell{{}, n("1e-07")}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if x.SheetName() != "Sheet1" || x.Date1904() {
		t.Errorf("sheet %q, 1904 %v", x.SheetName(), x.Date1904())
	}
}

func TestReaderDecodesSharedStringsAcrossContinueRecords(t *testing.T) {
	// "abcdef" in 8-bit characters split after "abc"; the CONTINUE record
	// goes on in 16-bit characters. Then a rich string with 1 run and 3
	// bytes of phonetic data crossing into a third record.
	sst := [][]byte{
		append(append(u32(2), u32(2)...), append(u16(6), 0, 'a', 'b', 'c')...),
		{1, 'd', 0, 'e', 0, 0xAC, 0x20, 4, 0, 0x0C, 1, 0, 3, 0, 0, 0, 'r', 'i', 'c', 'h', 0, 0, 0, 0, 9},
		{9, 9},
	}
	data := xlsFile(book{rawSST: sst, sheet: func(w *biff) {
		w.rec(recLabelSST, cellHead(0, 0, 0), u32(0))
		w.rec(recLabelSST, cellHead(0, 1, 0), u32(1))
	}})
	got, _, err := readAll(t, data, core.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []core.Row{{Number: 1, Cells: []core.Cell{{Kind: core.String, Text: "abcde€"}, {Kind: core.String, Text: "rich"}}}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestReaderDecodesEightBitStringsByCodePage(t *testing.T) {
	for _, tc := range []struct {
		name     string
		codepage int
		want     string
	}{
		{"UTF-16 (Excel's 1200) means Latin-1", 1200, "\u0080 é"},
		{"Windows-1252", 1252, "€ é"},
		{"Latin-1", 28591, "\u0080 é"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := xlsFile(book{codepage: tc.codepage, sheet: func(w *biff) {
				w.rec(recLabel, cellHead(0, 0, 0), u16(3), []byte{0, 0x80, ' ', 0xE9})
			}})
			got, _, err := readAll(t, data, core.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].Cells[0].Text != tc.want {
				t.Errorf("got %v, want %q", got, tc.want)
			}
		})
	}
}

func TestReaderReadsThe1904DateSystem(t *testing.T) {
	data := xlsFile(book{date1904: true, sheet: func(w *biff) { w.rec(recRK, cellHead(0, 0, 0), rk(1)) }})
	_, x, err := readAll(t, data, core.Limits{})
	if err != nil || !x.Date1904() {
		t.Fatalf("Date1904 false, err %v", err)
	}
}

func TestHostileFilesFailWithTheRightError(t *testing.T) {
	longString := func(w *biff) {
		w.rec(recLabel, cellHead(0, 0, 0), xlString(strings.Repeat("x", 200), 2))
	}
	manyStrings := make([]string, 50)
	for i := range manyStrings {
		manyStrings[i] = strings.Repeat("s", 100)
	}
	for _, tc := range []struct {
		name   string
		data   []byte
		limits core.Limits
		is     error
		msg    string
	}{
		{"an encrypted workbook (FILEPASS) is ErrEncrypted", xlsFile(book{filePass: true}), core.Limits{}, core.ErrEncrypted, "protected with a password"},
		{"an encrypted .xlsx in its compound file is ErrEncrypted",
			cfb(cfbStream{"EncryptionInfo", make([]byte, 100)}, cfbStream{"EncryptedPackage", make([]byte, 100)}), core.Limits{}, core.ErrEncrypted, "password"},
		{"a BIFF5 workbook is ErrFormat", xlsFile(book{version: 0x0500}), core.Limits{}, core.ErrFormat, "BIFF5"},
		{"an Excel 95 Book stream is ErrFormat", cfb(cfbStream{"Book", make([]byte, 100)}), core.Limits{}, core.ErrFormat, "BIFF5"},
		{"a compound file without a workbook is ErrFormat", cfb(cfbStream{"WordDocument", make([]byte, 100)}), core.Limits{}, core.ErrFormat, "without a workbook"},
		{"a truncated compound file is ErrCorrupt", xlsFile(book{})[:3000], core.Limits{}, core.ErrCorrupt, "damaged"},
		{"a stream that ends early is ErrCorrupt", cfb(cfbStream{"Workbook", writeXLS(book{})[:40]}), core.Limits{}, core.ErrCorrupt, ""},
		{"a cell past MaxRows", xlsFile(book{sheet: func(w *biff) { w.rec(recRK, cellHead(500, 0, 0), rk(1)) }}), core.Limits{MaxRows: 100}, core.ErrLimit, "row 501 exceeds MaxRows (100)"},
		{"a cell past MaxColumns", xlsFile(book{sheet: func(w *biff) { w.rec(recRK, cellHead(0, 300, 0), rk(1)) }}), core.Limits{MaxColumns: 256}, core.ErrLimit, "row 1 exceeds MaxColumns (256)"},
		{"a label past MaxCellChars", xlsFile(book{sheet: longString}), core.Limits{MaxCellChars: 100}, core.ErrLimit, "exceeds MaxCellChars (100)"},
		{"more shared strings than MaxSharedStrings", xlsFile(book{strings: manyStrings}), core.Limits{MaxSharedStrings: 10}, core.ErrLimit, "exceeds MaxSharedStrings (10)"},
		{"shared strings past MaxSharedBytes", xlsFile(book{strings: manyStrings}), core.Limits{MaxSharedBytes: 1000}, core.ErrLimit, "exceeds MaxSharedBytes (1000)"},
		{"a file past MaxFileSize", xlsFile(book{}), core.Limits{MaxFileSize: 1000}, core.ErrLimit, "MaxFileSize"},
		{"one row's labels past MaxRowBytes", xlsFile(book{sheet: func(w *biff) {
			for col := range 40 {
				w.rec(recLabel, cellHead(0, col, 0), xlString(strings.Repeat("x", 200), 2))
			}
		}}), core.Limits{MaxRowBytes: 4000}, core.ErrLimit, "MaxRowBytes (4000)"},
		{"two records for one cell", xlsFile(book{sheet: func(w *biff) {
			w.rec(recRK, cellHead(0, 3, 0), rk(1))
			w.rec(recLabel, cellHead(0, 3, 0), xlString("again", 2))
		}}), core.Limits{}, core.ErrCorrupt, "two records for the cell in row 1, column 4"},
		{"a number format code longer than Excel allows", xlsFile(book{formats: map[int]string{164: strings.Repeat("0", 300)}, xfFormat: []int{164}}),
			core.Limits{}, core.ErrCorrupt, "allows 255"},
		{"number formats past MaxStylesBytes", xlsFile(book{formats: map[int]string{164: strings.Repeat("0", 200), 165: strings.Repeat("0", 200)}}),
			core.Limits{MaxStylesBytes: 300}, core.ErrLimit, "MaxStylesBytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readAll(t, tc.data, tc.limits)
			if !errors.Is(err, tc.is) || !strings.Contains(errString(err), tc.msg) {
				t.Fatalf("err = %v, want %v containing %q", err, tc.is, tc.msg)
			}
			if errors.Is(tc.is, core.ErrLimit) {
				var le *core.LimitError
				if !errors.As(err, &le) {
					t.Fatalf("err %T is not a *LimitError", err)
				}
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
