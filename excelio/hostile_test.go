package excelio_test

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/internal/race"
	"github.com/impexkit/impex/validate"
)

// part is one more archive entry of a hand-built workbook.
type part struct {
	name   string
	write  func(w io.Writer)
	stored bool // written uncompressed
}

// rawWorkbook builds an xlsx by hand so a test can make it hostile: sheet
// is the worksheet's XML (nil for none), rels the workbook relations'
// target for it, and extra are further entries, written after the
// worksheet.
func rawWorkbook(t *testing.T, target string, sheetXML func(w io.Writer), extra ...part) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, write func(w io.Writer), stored ...bool) {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate}
		if len(stored) > 0 && stored[0] {
			h.Method = zip.Store
		}
		w, err := zw.CreateHeader(h)
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
	if sheetXML != nil {
		add("xl/worksheets/sheet1.xml", sheetXML)
	}
	for _, p := range extra {
		add(p.name, p.write, p.stored)
	}
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
		{"one row of 80 MB of text", func(t *testing.T) []byte {
			return rawWorkbook(t, "worksheets/sheet1.xml", func(w io.Writer) {
				io.WriteString(w, sheetHead+`<row r="3">`)
				cell := `<c t="inlineStr"><is><t>` + strings.Repeat("a", 32767) + `</t></is></c>`
				for range 2500 {
					io.WriteString(w, cell)
				}
				io.WriteString(w, `</row></sheetData></worksheet>`)
			})
		}, excelio.Limits{MaxRatio: 1 << 20}, validate.CodeLimitExceeded, "MaxRowBytes"},
		{"a stored sheet whose bytes were changed", func(t *testing.T) []byte {
			b := rawWorkbook(t, "worksheets/sheet1.xml", nil, part{name: "xl/worksheets/sheet1.xml", stored: true,
				write: func(w io.Writer) { io.WriteString(w, sheetHead+`</sheetData></worksheet>`) }})
			i := bytes.Index(b, []byte("a@example.fi"))
			b[i] = 'b'
			return b
		}, excelio.Limits{}, validate.CodeCorrupt, "checksum"},
		{"two archive entries of the same name", func(t *testing.T) []byte {
			return rawWorkbook(t, "worksheets/sheet1.xml", func(w io.Writer) { io.WriteString(w, sheetHead+`</sheetData></worksheet>`) },
				part{name: "XL/worksheets/sheet1.xml", write: func(w io.Writer) { io.WriteString(w, sheetHead+`</sheetData></worksheet>`) }})
		}, excelio.Limits{}, validate.CodeCorrupt, "two entries"},
		{"a zip bomb whose entry claims the whole file as its compressed size", func(t *testing.T) []byte {
			b := rawWorkbook(t, "worksheets/sheet1.xml", func(w io.Writer) {
				io.WriteString(w, sheetHead)
				pad := strings.Repeat(" ", 1<<20)
				for range 64 {
					io.WriteString(w, pad)
				}
				io.WriteString(w, `</sheetData></worksheet>`)
			}, part{name: "xl/media/padding.bin", stored: true, write: func(w io.Writer) {
				// Incompressible bytes that make the file large enough for
				// the lie to look like a mild ratio.
				r := rand.New(rand.NewPCG(1, 2))
				for range 1 << 18 {
					binary.Write(w, binary.LittleEndian, r.Uint32())
				}
			}})
			central := bytes.LastIndex(b, []byte("PK\x01\x02"))
			for central >= 0 && !bytes.HasPrefix(b[central+46:], []byte("xl/worksheets/sheet1.xml")) {
				central = bytes.LastIndex(b[:central], []byte("PK\x01\x02"))
			}
			binary.LittleEndian.PutUint32(b[central+20:], uint32(len(b)))
			return b
		}, excelio.Limits{}, validate.CodeLimitExceeded, "MaxRatio"},
		{"a number format code longer than Excel allows", func(t *testing.T) []byte {
			return rawWorkbook(t, "worksheets/sheet1.xml", func(w io.Writer) { io.WriteString(w, sheetHead+`</sheetData></worksheet>`) },
				part{name: "xl/styles.xml", write: func(w io.Writer) {
					io.WriteString(w, `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts><numFmt numFmtId="164" formatCode="`+strings.Repeat("0", 300)+`"/></numFmts></styleSheet>`)
				}})
		}, excelio.Limits{MaxRatio: 1 << 20}, validate.CodeCorrupt, "255"},
		{"a styles part over its limit", func(t *testing.T) []byte {
			return rawWorkbook(t, "worksheets/sheet1.xml", func(w io.Writer) { io.WriteString(w, sheetHead+`</sheetData></worksheet>`) },
				part{name: "xl/styles.xml", write: func(w io.Writer) {
					io.WriteString(w, `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>`+strings.Repeat(`<xf numFmtId="0"/>`, 10000)+`</cellXfs></styleSheet>`)
				}})
		}, excelio.Limits{MaxStylesBytes: 64 << 10}, validate.CodeLimitExceeded, "MaxStylesBytes"},
		{"an .xls with two records for one cell", func(t *testing.T) []byte {
			return xlsWithDuplicateCell(t)
		}, excelio.Limits{}, validate.CodeCorrupt, "two records"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := newStore()
			file := tc.file(t)
			runtime.GC()
			peak := watchHeap()
			res, err := importBytes(t, store, file, excelio.ImportOptions{Limits: tc.limits})
			if p := peak(); p > 64<<20 {
				t.Errorf("reading the file took %d MiB of heap, want under 64", p>>20)
			}
			if !errors.Is(err, tc.code) {
				t.Fatalf("error %v, want %s", err, tc.code)
			}
			if res == nil || res.Report.ByCode()[tc.code] != 1 {
				t.Fatalf("the report lacks the %s issue", tc.code)
			}
			if msg := res.Report.Issues()[0].Text(validate.English); !strings.Contains(msg, tc.says) {
				t.Errorf("the issue says %q, want it to name %q", msg, tc.says)
			}
			if store.Len() != 0 {
				t.Fatalf("a hostile workbook stored %d customers", store.Len())
			}
		})
	}
}

// watchHeap samples the live heap every millisecond until the function it
// returns is called, which returns the most seen above the heap at the
// start. runtime/metrics reads without stopping the world.
func watchHeap() func() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	stop, done := make(chan struct{}), make(chan uint64)
	go func() {
		var most uint64
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			if v := read(); v > most {
				most = v
			}
			select {
			case <-stop:
				done <- most
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		most := <-done
		if most < base {
			return 0
		}
		return most - base
	}
}

// xlsWithDuplicateCell returns xlwt's fixture workbook with the second of
// two LABELSST records of one row moved onto the first one's cell.
func xlsWithDuplicateCell(t *testing.T) []byte {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "workbooks", "xlwt_types.xls"))
	if err != nil {
		t.Fatal(err)
	}
	label := []byte{0xFD, 0x00, 0x0A, 0x00} // LABELSST, 10 bytes
	for i := bytes.Index(b, label); i >= 0; {
		j := bytes.Index(b[i+4:], label)
		if j < 0 {
			break
		}
		j += i + 4
		first, second := b[i+4:i+14], b[j+4:j+14]
		if bytes.Equal(first[:2], second[:2]) { // the same row
			copy(second[2:4], first[2:4])
			return b
		}
		i = j
	}
	t.Fatal("the fixture has no two LABELSST records in one row")
	return nil
}

// A styles part with the most cell formats a reader accepts, all naming
// one long custom format, is read in linear time: the format is classified
// once, not once per cell format.
func TestStylesReadInLinearTime(t *testing.T) {
	code := strings.Repeat(`"x"0`, 60) + "yyyy"
	b := rawWorkbook(t, "worksheets/sheet1.xml", func(w io.Writer) { io.WriteString(w, sheetHead+`</sheetData></worksheet>`) },
		part{name: "xl/styles.xml", write: func(w io.Writer) {
			io.WriteString(w, `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts><numFmt numFmtId="164" formatCode="`+
				strings.ReplaceAll(code, `"`, "&quot;")+`"/></numFmts><cellXfs>`)
			for range 1 << 20 {
				io.WriteString(w, `<xf numFmtId="164"/>`)
			}
			io.WriteString(w, `</cellXfs></styleSheet>`)
		}})
	fastest := time.Duration(1 << 62)
	for range 2 { // the faster of two runs, on a shared machine
		start := time.Now()
		res, err := importBytes(t, newStore(), b, excelio.ImportOptions{Limits: excelio.Limits{MaxRatio: 1 << 20, MaxStylesBytes: 64 << 20}})
		if err != nil || res.Created != 1 {
			t.Fatalf("import: %v, %+v", err, res.Counts)
		}
		fastest = min(fastest, time.Since(start))
	}
	if fastest > time.Second && !race.Enabled {
		t.Errorf("the styles of 1,048,576 cell formats took %v, want under 1 s", fastest)
	}
}
