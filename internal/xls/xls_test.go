package xls

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/impexkit/impex/internal/sheet/core"
)

const fixtures = "../../testdata/workbooks"

// readAll reads every row, copying the cells.
func readAll(t testing.TB, data []byte, limits core.Limits) ([]core.Row, *Reader, error) {
	t.Helper()
	x, err := Open(bytes.NewReader(data), int64(len(data)), limits)
	if err != nil {
		return nil, nil, err
	}
	defer x.Close()
	var rows []core.Row
	for x.Next() {
		r := x.Row()
		rows = append(rows, core.Row{Number: r.Number, Cells: append([]core.Cell(nil), r.Cells...)})
	}
	return rows, x, x.Err()
}

// xlrdCell is one cell as tools/fixtures/record.py recorded xlrd's reading.
type xlrdCell struct {
	Col   int
	Kind  string
	Value any
	Date  bool
}

type xlrdBook struct {
	Sheet    string
	Date1904 bool
	Rows     []struct {
		Row   int
		Cells []xlrdCell
	}
}

// asXlrd turns the reader's rows into xlrd's shape: numbers as float64.
func asXlrd(t *testing.T, rows []core.Row) map[int][]xlrdCell {
	out := map[int][]xlrdCell{}
	for _, r := range rows {
		for col, c := range r.Cells {
			if c.Kind == core.Empty {
				continue
			}
			v := any(c.Text)
			if c.Kind == core.Number {
				f, err := strconv.ParseFloat(c.Text, 64)
				if err != nil {
					t.Errorf("row %d col %d: number text %q: %v", r.Number, col, c.Text, err)
				}
				v = f
			}
			out[r.Number] = append(out[r.Number], xlrdCell{Col: col, Kind: c.Kind.String(), Value: v, Date: c.Date})
		}
	}
	return out
}

func TestReaderMatchesXlrdOnEveryFixture(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.xls"))
	if len(files) == 0 {
		t.Fatal("no .xls fixtures; run tools/fixtures/make.sh")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(file + ".xlrd.json")
			if err != nil {
				t.Fatalf("the recorded xlrd reading: %v", err)
			}
			var book xlrdBook
			if err := json.Unmarshal(raw, &book); err != nil {
				t.Fatal(err)
			}
			want := map[int][]xlrdCell{}
			for _, r := range book.Rows {
				want[r.Row] = r.Cells
			}
			got, x, err := readAll(t, data, core.Limits{})
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if d := cmp.Diff(want, asXlrd(t, got)); d != "" {
				t.Errorf("cells differ from xlrd's (-xlrd +reader):\n%s", d)
			}
			if x.SheetName() != book.Sheet || x.Date1904() != book.Date1904 {
				t.Errorf("sheet %q, 1904 %v; xlrd: %q, %v", x.SheetName(), x.Date1904(), book.Sheet, book.Date1904)
			}
		})
	}
}
