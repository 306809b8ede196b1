package excelio_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/validate"
)

// rawWorkbook builds an xlsx by hand so a test can make it hostile: sheet
// is the worksheet's XML, rels the workbook relations' target for it.
func rawWorkbook(t *testing.T, target string, sheetXML func(w io.Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, write func(w io.Writer)) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		write(w)
	}
	text := func(s string) func(io.Writer) { return func(w io.Writer) { io.WriteString(w, s) } }
	add("[Content_Types].xml", text(`<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`))
	add("_rels/.rels", text(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`))
	add("xl/workbook.xml", text(`<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Person Customers" sheetId="1" r:id="rId1"/></sheets></workbook>`))
	add("xl/_rels/workbook.xml.rels", text(`<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="`+target+`"/></Relationships>`))
	add("xl/worksheets/sheet1.xml", sheetXML)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const sheetHead = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
	`<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>email</t></is></c><c r="C1" t="inlineStr"><is><t>firstName</t></is></c><c r="D1" t="inlineStr"><is><t>lastName</t></is></c></row>` +
	`<row r="2"><c r="A2" t="inlineStr"><is><t></t></is></c><c r="B2" t="inlineStr"><is><t>a@example.fi</t></is></c><c r="C2" t="inlineStr"><is><t>A</t></is></c><c r="D2" t="inlineStr"><is><t>B</t></is></c></row>`

// Every hostile workbook is a file-level error that names the limit or the
// damage, and nothing reaches the store, not even the good row before the
// trouble.
func TestHostileWorkbooksApplyNothing(t *testing.T) {
	for _, tc := range []struct {
		name   string
		file   func(t *testing.T) []byte
		limits excelio.Limits
		code   validate.Code
		says   string
	}{
		{"a zip bomb", func(t *testing.T) []byte {
			return rawWorkbook(t, "worksheets/sheet1.xml", func(w io.Writer) {
				io.WriteString(w, sheetHead)
				pad := strings.Repeat(" ", 1<<20)
				for range 64 { // 64 MiB of white space compresses about a thousandfold
					io.WriteString(w, pad)
				}
				io.WriteString(w, `</sheetData></worksheet>`)
			})
		}, excelio.Limits{}, validate.CodeLimitExceeded, "MaxRatio"},
		{"a row of a million empty cells", func(t *testing.T) []byte {
			return rawWorkbook(t, "worksheets/sheet1.xml", func(w io.Writer) {
				io.WriteString(w, sheetHead+`<row r="3">`)
				io.WriteString(w, strings.Repeat("<c/>", 1000000))
				io.WriteString(w, `</row></sheetData></worksheet>`)
			})
		}, excelio.Limits{MaxRatio: 1 << 20}, validate.CodeLimitExceeded, "MaxColumns"},
		{"a 100 MB cell", func(t *testing.T) []byte {
			return rawWorkbook(t, "worksheets/sheet1.xml", func(w io.Writer) {
				io.WriteString(w, sheetHead+`<row r="3"><c r="A3" t="inlineStr"><is><t>`)
				chunk := strings.Repeat("a", 1<<20)
				for range 100 {
					io.WriteString(w, chunk)
				}
				io.WriteString(w, `</t></is></c></row></sheetData></worksheet>`)
			})
		}, excelio.Limits{MaxRatio: 1 << 20}, validate.CodeLimitExceeded, "MaxCellChars"},
		{"a sheet relation pointing outside the archive", func(t *testing.T) []byte {
			return rawWorkbook(t, "../../../etc/passwd", func(w io.Writer) { io.WriteString(w, sheetHead+`</sheetData></worksheet>`) })
		}, excelio.Limits{}, validate.CodeCorrupt, "outside"},
		{"an encrypted .xls", func(t *testing.T) []byte {
			// xlwt's workbook with its CODEPAGE record (1200) retyped as
			// FILEPASS, the record a password-protected .xls starts with.
			b, err := os.ReadFile(filepath.Join("..", "testdata", "workbooks", "xlwt_types.xls"))
			if err != nil {
				t.Fatal(err)
			}
			i := bytes.Index(b, []byte{0x42, 0x00, 0x02, 0x00, 0xb0, 0x04})
			if i < 0 {
				t.Fatal("the fixture has no CODEPAGE record")
			}
			b[i] = 0x2f
			return b
		}, excelio.Limits{}, validate.CodeEncrypted, "password"},
		{"a sheet cut off in the middle", func(t *testing.T) []byte {
			return rawWorkbook(t, "worksheets/sheet1.xml", func(w io.Writer) { io.WriteString(w, sheetHead+`<row r="3"><c r="A3" t="inlineStr"><is><t>x`) })
		}, excelio.Limits{}, validate.CodeCorrupt, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := newStore()
			res, err := importBytes(t, store, tc.file(t), excelio.ImportOptions{Limits: tc.limits})
			if !errors.Is(err, tc.code) {
				t.Fatalf("error %v, want %s", err, tc.code)
			}
			if res == nil || res.Report.ByCode()[tc.code] != 1 {
				t.Fatalf("the report lacks the %s issue", tc.code)
			}
			if msg := fmt.Sprint(res.Report.Issues()[0].Params); !strings.Contains(msg, tc.says) {
				t.Errorf("the issue says %s, want it to name %q", msg, tc.says)
			}
			if store.Len() != 0 {
				t.Fatalf("a hostile workbook stored %d customers", store.Len())
			}
		})
	}
}
