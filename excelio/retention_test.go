package excelio_test

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/impexkit/impex/customer/memstore"
	"github.com/impexkit/impex/excelio"
	"github.com/impexkit/impex/internal/benchdata"
	"github.com/impexkit/impex/internal/memtest"
)

// An import keeps nothing alive once it has returned: the first collection
// after it frees a store the caller has dropped. A pool or cache the
// import left reachable, holding a pointer into the importer, would keep
// the store until later collections.
func TestAnImportKeepsNothingAliveAfterItReturns(t *testing.T) {
	const rows = 300
	path := filepath.Join(t.TempDir(), "person.xlsx")
	if err := benchdata.WritePersonWorkbook(path, rows); err != nil {
		t.Fatal(err)
	}
	hasher := testHasher(t)
	// A collection during an import can hide what the import leaves
	// behind; one of several imports in a row has none.
	for range 3 {
		freed := memtest.FreedByOneCollection(5*time.Second, func(track func(*memstore.Store)) {
			st := memstore.New(memstore.Options{})
			track(st)
			runtime.GC()
			res, err := excelio.ImportFile(context.Background(), st, path, excelio.ImportOptions{SSN: hasher, SSNCountry: "FI"})
			if err != nil || res.Created != rows {
				t.Fatalf("created %d: %v", res.Created, err)
			}
		})
		if !freed {
			t.Fatal("the store was still reachable after the import returned and the collector ran")
		}
	}
}
