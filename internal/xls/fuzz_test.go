package xls

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/impexkit/impex/internal/sheet/core"
	"github.com/richardlehane/mscfb"
)

var fuzzLimits = core.Limits{
	MaxUnpacked: 8 << 20, MaxRows: 10000, MaxColumns: 1000,
	MaxCellChars: 1000, MaxSharedStrings: 10000, MaxSharedBytes: 1 << 20,
}

var cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0}

// FuzzXLS feeds the reader whole compound files (inputs starting with the
// compound-file signature) and workbook streams wrapped in a valid
// compound file (anything else), so that most inputs reach the BIFF
// records. It must never panic, and the limits bound its work.
func FuzzXLS(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "*.xls"))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		doc, err := mscfb.New(bytes.NewReader(data))
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range doc.File {
			if e.Name == "Workbook" {
				stream := make([]byte, e.Size)
				e.Read(stream)
				f.Add(stream)
			}
		}
	}
	f.Add(writeXLS(book{strings: []string{"a", "ü€"}, sheet: func(w *biff) {
		w.rec(recLabelSST, cellHead(0, 0, 0), u32(1))
		w.rec(recMulRK, u16(1), u16(0), u16(0), rk(7), u16(0), rk(8), u16(1))
		w.rec(recFormula, cellHead(2, 0, 0), []byte{0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, make([]byte, 6))
		w.rec(recString, xlString("s", 2))
	}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !bytes.HasPrefix(data, cfbMagic) {
			data = cfb(cfbStream{"Workbook", data})
		}
		x, err := Open(bytes.NewReader(data), int64(len(data)), fuzzLimits)
		if err != nil {
			return
		}
		defer x.Close()
		for x.Next() {
			r := x.Row()
			if r.Number < 1 || r.Number > fuzzLimits.MaxRows || len(r.Cells) > fuzzLimits.MaxColumns {
				t.Fatalf("row %d with %d cells passed the limits", r.Number, len(r.Cells))
			}
		}
		_ = x.Err()
	})
}
