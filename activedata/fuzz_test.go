package activedata_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/activedata"
)

// FuzzCSV imports arbitrary files: never a panic, and any failure is a
// *FileError; a file that imports cleanly exports and re-imports with no
// changes.
func FuzzCSV(f *testing.F) {
	f.Add([]byte("customerNo,tier,points\n1,Gold,5\n2,,\n"))
	f.Add([]byte("\uFEFFcustomerNo;spend;brands\r\n1;\"1,5\";'=a|b\\|c\r\n"))
	f.Add([]byte("customerNo,tier\n1,\"multi\nline\"\n\n3,x,y\n"))
	f.Add([]byte("customerNo,seen,since,vip,sizes\n2,2024-01-01T00:00:00+02:00,2024-02-29,TRUE,-1|2.5e3\n"))
	f.Add([]byte("customerNo,tier\n1,Go\"ld\n"))
	set := testFeeds(f)
	f.Fuzz(func(t *testing.T, file []byte) {
		ctx := context.Background()
		store := newStore(t, 3)
		opts := activedata.ImportOptions{Limits: activedata.Limits{MaxBytes: 1 << 16, MaxRows: 100}}
		res, err := activedata.ImportCSV(ctx, store, set, "crm", bytes.NewReader(file), opts)
		if err != nil {
			var fe *impex.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("ImportCSV: %v is no *FileError", err)
			}
			return
		}
		if res.Updated == 0 {
			return
		}
		var out bytes.Buffer
		if _, err := activedata.ExportCSV(ctx, &out, store, set, "crm", activedata.ExportOptions{}); err != nil {
			t.Fatal(err)
		}
		again, err := activedata.ImportCSV(ctx, store, set, "crm", bytes.NewReader(out.Bytes()), opts)
		if err != nil || again.Updated != 0 || again.Rejected != 0 {
			t.Fatalf("re-import of the export: %v %+v %v\n%s", err, again.Counts, again.Report.Issues(), out.Bytes())
		}
	})
}
