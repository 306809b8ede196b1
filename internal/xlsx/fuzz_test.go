package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/impexkit/impex/internal/sheet/core"
)

// fuzzLimits keep each input cheap while leaving every limit reachable.
var fuzzLimits = core.Limits{
	MaxUnpacked: 8 << 20, MaxEntries: 64, MaxRows: 10000, MaxColumns: 1000,
	MaxCellChars: 1000, MaxSharedStrings: 10000, MaxSharedBytes: 1 << 20, MaxDepth: 32,
}

// storedWorkbook wraps a worksheet's XML in an otherwise valid workbook
// whose entries are stored, not deflated, so that the fuzzer's changes
// reach the XML scanner instead of failing the checksum.
func storedWorkbook(sheet []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, data []byte) {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		w.Write(data)
	}
	add("xl/workbook.xml", []byte(`<workbook><workbookPr date1904="1"/><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>`))
	add("xl/_rels/workbook.xml.rels", []byte(`<Relationships><Relationship Id="rId1" Type="`+relBase+`worksheet" Target="worksheets/sheet1.xml"/></Relationships>`))
	add("xl/sharedStrings.xml", []byte(`<sst><si><t>a</t></si><si><r><t>b</t></r><rPh><t>c</t></rPh></si></sst>`))
	add("xl/styles.xml", []byte(`<styleSheet><numFmts><numFmt numFmtId="164" formatCode="yyyy"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs></styleSheet>`))
	add("xl/worksheets/sheet1.xml", sheet)
	zw.Close()
	return buf.Bytes()
}

// FuzzXLSX feeds the reader whole files (inputs starting "PK") and
// worksheet XML wrapped in a stored workbook (anything else). It must
// never panic, the limits bound its work, and for a file that both the
// reader and excelize read without error every cell must equal
// excelize's: the same rows, kinds and text. The date flag is left out of
// the comparison, as excelize has no independent notion of it.
func FuzzXLSX(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if !bytes.HasPrefix(data, []byte("PK")) {
			data = storedWorkbook(data)
		}
		x, err := Open(bytes.NewReader(data), int64(len(data)), fuzzLimits)
		if err != nil {
			return
		}
		defer x.Close()
		var rows []core.Row
		for x.Next() {
			r := x.Row()
			if r.Number < 1 || r.Number > fuzzLimits.MaxRows || len(r.Cells) > fuzzLimits.MaxColumns {
				t.Fatalf("row %d with %d cells passed the limits", r.Number, len(r.Cells))
			}
			for _, c := range r.Cells {
				if len(c.Text) > 4*fuzzLimits.MaxCellChars {
					t.Fatalf("a cell of %d bytes passed MaxCellChars", len(c.Text))
				}
			}
			rows = append(rows, core.Row{Number: r.Number, Cells: slices.Clone(r.Cells)})
		}
		if x.Err() != nil {
			return
		}
		want, _, err := excelizeRead(data)
		if err != nil {
			return
		}
		noDates := cmp.Transformer("nodate", func(c core.Cell) core.Cell { c.Date = false; return c })
		if d := cmp.Diff(want, rows, noDates, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("cells differ from excelize (-excelize +reader):\n%s", d)
		}
	})
}

// addSeeds adds the fixtures, their worksheets and a small sheet of every
// cell type to f's corpus.
func addSeeds(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.xlsx"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range zr.File {
			if strings.HasPrefix(e.Name, "xl/worksheets/") {
				rc, _ := e.Open()
				sheet, _ := io.ReadAll(rc)
				rc.Close()
				f.Add(sheet)
			}
		}
	}
	f.Add([]byte(`<worksheet><sheetData><row><c t="s"><v>1</v></c><c s="2"><v>3.5</v></c><c t="inlineStr"><is><t>x&amp;y</t></is></c></row></sheetData></worksheet>`))
	f.Add([]byte(`<worksheet><sheetData><row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve"> a_x000D_b </t></is></c><c r="B2" t="inlineStr"><is><t>x<!--c--></t></is></c><c r="C2"><v>1</v><f>A1</f></c><c r="D2" t='s' ><v >0</v></c><c r="E2" t="str"><v>p&lt;q</v></c></row></sheetData></worksheet>`))
}

// read returns what a reader makes of data: every row, then the error.
func read(data []byte, careful bool) ([]core.Row, error) {
	x, err := open(bytes.NewReader(data), int64(len(data)), fuzzLimits, careful)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	var rows []core.Row
	for x.Next() {
		r := x.Row()
		rows = append(rows, core.Row{Number: r.Number, Cells: slices.Clone(r.Cells)})
	}
	return rows, x.Err()
}

// FuzzQuickPathsAgree checks that the scanner's quick paths (a plain start
// tag in one pass, a plain cell value in one step) read every input exactly
// as the token-by-token path does: the same rows, cells and error.
func FuzzQuickPathsAgree(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		if !bytes.HasPrefix(data, []byte("PK")) {
			data = storedWorkbook(data)
		}
		quick, qerr := read(data, false)
		careful, cerr := read(data, true)
		if fmt.Sprint(qerr) != fmt.Sprint(cerr) {
			t.Fatalf("errors differ:\nquick:   %v\ncareful: %v", qerr, cerr)
		}
		if !reflect.DeepEqual(quick, careful) {
			t.Fatalf("rows differ:\nquick:   %v\ncareful: %v", quick, careful)
		}
	})
}
