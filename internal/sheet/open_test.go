package sheet

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestOpenDispatchesByContent(t *testing.T) {
	for _, tc := range []struct {
		file, sheet string
	}{
		{"openpyxl_types.xlsx", "Customers"},
		{"libreoffice_types.xls", "Customers"},
		{"xlwt_types.xls", "Data"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("../../testdata/workbooks", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			r, err := Open(bytes.NewReader(data), int64(len(data)), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if !r.Next() {
				t.Fatalf("no first row: %v", r.Err())
			}
			if got := r.Row().Cells[0]; got != (Cell{Kind: String, Text: "id"}) || r.SheetName() != tc.sheet {
				t.Errorf("first cell %+v of sheet %q", got, r.SheetName())
			}
		})
	}
}

func TestOpenRefusesWhatIsNotAWorkbook(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		is   error
	}{
		{"a CSV file renamed to .xlsx", []byte("id,firstName\n1,Ann\n"), ErrCSV},
		{"a semicolon CSV with a byte-order mark", []byte("\xef\xbb\xbfid;firstName\r\n1;Ann\r\n"), ErrCSV},
		{"a PDF", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), ErrFormat},
		{"an empty file", nil, ErrEmpty},
		{"a truncated xlsx", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), ErrCorrupt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Open(bytes.NewReader(tc.data), int64(len(tc.data)), Limits{})
			if !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %v", err, tc.is)
			}
		})
	}
}
