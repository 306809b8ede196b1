package xlsx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/impexkit/impex/internal/sheet/core"
)

const (
	mainNS  = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	relBase = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
)

// part is one archive entry: fixed text, or a writer for large content.
type part struct {
	name  string
	text  string
	write func(w io.Writer)
}

// workbook builds an xlsx from the minimal parts plus extra, which
// override parts of the same name.
func workbook(t testing.TB, extra ...part) []byte {
	t.Helper()
	parts := []part{
		{name: "_rels/.rels", text: `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + relBase + `officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{name: "xl/workbook.xml", text: `<workbook ` + mainNS + ` xmlns:r="` + relBase[:len(relBase)-1] + `"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{name: "xl/_rels/workbook.xml.rels", text: `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + relBase + `worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{name: "xl/worksheets/sheet1.xml", text: `<worksheet ` + mainNS + `><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>`},
	}
	for _, e := range extra {
		replaced := false
		for i := range parts {
			if parts[i].name == e.name {
				parts[i], replaced = e, true
			}
		}
		if !replaced {
			parts = append(parts, e)
		}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if p.write != nil {
			p.write(w)
		} else {
			io.WriteString(w, p.text)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sheetXML is a worksheet part whose sheetData holds rows.
func sheetXML(rows string) part {
	return part{name: "xl/worksheets/sheet1.xml", text: `<worksheet ` + mainNS + `><sheetData>` + rows + `</sheetData></worksheet>`}
}

// repeated writes head, body n times, and tail.
func repeated(name, head, body string, n int, tail string) part {
	return part{name: name, write: func(w io.Writer) {
		io.WriteString(w, head)
		chunk := strings.Repeat(body, max(1, (1<<20)/len(body)))
		per := len(chunk) / len(body)
		for i := 0; i < n; i += per {
			k := min(per, n-i)
			io.WriteString(w, chunk[:k*len(body)])
		}
		io.WriteString(w, tail)
	}}
}

// lyingSizes rewrites the central directory so that the worksheet claims
// to inflate to 1,000 bytes.
func lyingSizes(data []byte) []byte {
	out := bytes.Clone(data)
	const name = "xl/worksheets/sheet1.xml"
	for i := 0; i+46+len(name) <= len(out); i++ {
		if string(out[i:i+4]) == "PK\x01\x02" && string(out[i+46:i+46+len(name)]) == name {
			out[i+24], out[i+25], out[i+26], out[i+27] = 0xE8, 0x03, 0, 0
		}
	}
	return out
}

func TestHostileWorkbooksFailWithTheRightError(t *testing.T) {
	const sheetHead = `<worksheet ` + mainNS + `><sheetData>`
	const sheetTail = `</sheetData></worksheet>`
	bomb := workbook(t, repeated("xl/worksheets/sheet1.xml", sheetHead, "<row/>", 20<<20, sheetTail))
	valid := workbook(t)
	for _, tc := range []struct {
		name   string
		data   []byte
		limits core.Limits
		is     error
		msg    string
	}{
		{"a zip bomb (120 MB of rows in 120 kB) trips MaxRatio", bomb, core.Limits{}, core.ErrLimit,
			"xl/worksheets/sheet1.xml (declared 125829232 bytes from"},
		{"a zip bomb under a looser ratio trips MaxUnpacked", bomb, core.Limits{MaxRatio: 1e6, MaxUnpacked: 50 << 20}, core.ErrLimit,
			"exceeds MaxUnpacked (52428800)"},
		{"a zip bomb whose directory lies about its sizes is refused while inflating", lyingSizes(bomb), core.Limits{}, core.ErrCorrupt, "xl/worksheets/sheet1.xml"},
		{"a million empty cells in one row trip MaxColumns", workbook(t, repeated("xl/worksheets/sheet1.xml", sheetHead+"<row>", "<c/>", 1_000_000, "</row>"+sheetTail)),
			core.Limits{MaxRatio: 1e6}, core.ErrLimit, "row 1 exceeds MaxColumns (16384)"},
		{"a cell reference jumping to column 1,000,000 trips MaxColumns", workbook(t, sheetXML(`<row r="1"><c r="A1"><v>1</v></c><c r="BDWGN1"><v>2</v></c></row>`)),
			core.Limits{}, core.ErrLimit, "row 1 exceeds MaxColumns (16384)"},
		{"a 100 MB inline string trips MaxCellChars", workbook(t, repeated("xl/worksheets/sheet1.xml", sheetHead+`<row><c t="inlineStr"><is><t>`, "a", 100<<20, `</t></is></c></row>`+sheetTail)),
			core.Limits{MaxRatio: 1e6}, core.ErrLimit, "a cell in row 1 exceeds MaxCellChars (32767)"},
		{"a 100 MB shared string trips MaxCellChars", workbook(t, repeated("xl/sharedStrings.xml", `<sst `+mainNS+`><si><t>`, "b", 100<<20, `</t></si></sst>`)),
			core.Limits{MaxRatio: 1e6}, core.ErrLimit, "xl/sharedStrings.xml, string 0 exceeds MaxCellChars (32767)"},
		{"too many shared strings trip MaxSharedStrings", workbook(t, repeated("xl/sharedStrings.xml", `<sst `+mainNS+`>`, "<si><t>x</t></si>", 2000, `</sst>`)),
			core.Limits{MaxSharedStrings: 1000}, core.ErrLimit, "xl/sharedStrings.xml exceeds MaxSharedStrings (1000)"},
		{"a declared shared-string count over the limit trips MaxSharedStrings", workbook(t, part{name: "xl/sharedStrings.xml", text: `<sst ` + mainNS + ` uniqueCount="999999999"></sst>`}),
			core.Limits{}, core.ErrLimit, "declares 999999999 strings"},
		{"too much shared text trips MaxSharedBytes", workbook(t, repeated("xl/sharedStrings.xml", `<sst `+mainNS+`>`, "<si><t>0123456789</t></si>", 2000, `</sst>`)),
			core.Limits{MaxSharedBytes: 10000}, core.ErrLimit, "exceeds MaxSharedBytes (10000)"},
		{"deep nesting trips MaxDepth", workbook(t, sheetXML(`<row r="1"><c r="A1"><v>1</v></c><c r="B1">`+strings.Repeat("<x>", 100)+strings.Repeat("</x>", 100)+`</c></row>`)),
			core.Limits{}, core.ErrLimit, "the XML nesting of xl/worksheets/sheet1.xml exceeds MaxDepth (64)"},
		{"a row past MaxRows", workbook(t, sheetXML(`<row r="5000"><c><v>1</v></c></row>`)), core.Limits{MaxRows: 1000}, core.ErrLimit, "row 5000 exceeds MaxRows (1000)"},
		{"too many archive entries trip MaxEntries", workbook(t, part{name: "a"}, part{name: "b"}, part{name: "c"}), core.Limits{MaxEntries: 5}, core.ErrLimit, "the archive's 7 entries exceeds MaxEntries (5)"},
		{"a file past MaxFileSize", valid, core.Limits{MaxFileSize: 100}, core.ErrLimit, "exceeds MaxFileSize (100)"},
		{"a sheet relation climbing out of the archive", workbook(t, part{name: "xl/_rels/workbook.xml.rels", text: `<Relationships><Relationship Id="rId1" Type="` + relBase + `worksheet" Target="../../../etc/passwd"/></Relationships>`}),
			core.Limits{}, core.ErrCorrupt, `points outside the archive, to "../../../etc/passwd"`},
		{"an absolute sheet relation climbing out of the archive", workbook(t, part{name: "xl/_rels/workbook.xml.rels", text: `<Relationships><Relationship Id="rId1" Type="` + relBase + `worksheet" Target="/../sheet.xml"/></Relationships>`}),
			core.Limits{}, core.ErrCorrupt, "points outside the archive"},
		{"an external sheet relation", workbook(t, part{name: "xl/_rels/workbook.xml.rels", text: `<Relationships><Relationship Id="rId1" Type="` + relBase + `worksheet" Target="file:///etc/passwd" TargetMode="External"/></Relationships>`}),
			core.Limits{}, core.ErrCorrupt, "points outside the archive"},
		{"a sheet relation to a missing part", workbook(t, part{name: "xl/_rels/workbook.xml.rels", text: `<Relationships><Relationship Id="rId1" Type="` + relBase + `worksheet" Target="worksheets/nope.xml"/></Relationships>`}),
			core.Limits{}, core.ErrCorrupt, "xl/worksheets/nope.xml, which is missing"},
		{"a truncated workbook", valid[:len(valid)/2], core.Limits{}, core.ErrCorrupt, "the ZIP archive is truncated or damaged"},
		{"a truncated worksheet part", workbook(t, part{name: "xl/worksheets/sheet1.xml", text: `<worksheet ` + mainNS + `><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>`}),
			core.Limits{}, core.ErrCorrupt, "xl/worksheets/sheet1.xml: the part ends inside a cell of row 2"},
		{"CSV text is not an archive", []byte("id,name\n1,Ann\n"), core.Limits{}, core.ErrCorrupt, "the ZIP archive is truncated or damaged"},
		{"a Word document is ErrZip", func() []byte {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			w, _ := zw.Create("word/document.xml")
			io.WriteString(w, "<document/>")
			zw.Close()
			return buf.Bytes()
		}(), core.Limits{}, core.ErrZip, "no workbook part"},
		{"a DOCTYPE is refused", workbook(t, part{name: "xl/worksheets/sheet1.xml", text: `<!DOCTYPE x [<!ENTITY e "boom">]><worksheet ` + mainNS + `><sheetData/></worksheet>`}),
			core.Limits{}, core.ErrCorrupt, "document type declaration"},
		{"a shared-string index out of range", workbook(t, sheetXML(`<row r="1"><c r="A1" t="s"><v>7</v></c></row>`)), core.Limits{}, core.ErrCorrupt, `shared string index "7"`},
		{"rows out of order", workbook(t, sheetXML(`<row r="2"><c><v>1</v></c></row><row r="1"><c><v>1</v></c></row>`)), core.Limits{}, core.ErrCorrupt, "row 1 after row 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readAll(t, tc.data, tc.limits)
			if !errors.Is(err, tc.is) || !strings.Contains(errString(err), tc.msg) {
				t.Fatalf("err = %v\nwant %v containing %q", err, tc.is, tc.msg)
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

func TestRelationTargetsResolveInsideTheArchive(t *testing.T) {
	for _, tc := range []struct{ owner, target, want string }{
		{"xl/workbook.xml", "worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"},
		{"xl/workbook.xml", "/xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"},
		{"xl/workbook.xml", "./worksheets/../worksheets/sheet1.xml", "xl/worksheets/sheet1.xml"},
		{"xl/workbook.xml", "../sheets/s.xml", "sheets/s.xml"},
		{"", "xl/workbook.xml", "xl/workbook.xml"},
	} {
		got, err := resolve(tc.owner, rel{id: "r", target: tc.target})
		if err != nil || got != tc.want {
			t.Errorf("resolve(%q, %q) = %q, %v; want %q", tc.owner, tc.target, got, err, tc.want)
		}
	}
}
