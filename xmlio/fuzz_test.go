package xmlio

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer/memstore"
)

// addRealFiles seeds f with the real SFCC files, when they are there.
func addRealFiles(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(sharedDir, "testdata", "sfcc", "*.xml"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}

// decodeAll reads every record of doc; it must never panic, and any error
// must be a document error or io.EOF.
func decodeAll(t *testing.T, doc []byte) {
	d := NewDecoder(bytes.NewReader(doc), DecodeOptions{Hasher: cheapHasher, Limits: Limits{MaxDepth: 64}})
	for {
		_, err := d.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			var de *impex.FileError
			if !errors.As(err, &de) {
				t.Fatalf("error is not a *impex.FileError: %v", err)
			}
			return
		}
	}
}

// importAll imports doc into an empty store; it must never panic, and a
// store error must not happen. Then what was stored must survive the
// round trip every user relies on: it exports to a document that imports
// into an empty store without an issue as the same customers, exports
// again to the same bytes, and changes nothing when imported over the
// store it came from.
func importAll(t *testing.T, doc []byte) {
	ctx := context.Background()
	st := memstore.New(memstore.Options{})
	res, err := Import(ctx, st, bytes.NewReader(doc), ImportOptions{Hasher: cheapHasher})
	var de *impex.FileError
	if err != nil && !errors.As(err, &de) {
		t.Fatalf("import failed: %v", err)
	}
	if res == nil {
		t.Fatal("nil result")
	}
	if st.Len() == 0 {
		return
	}
	export := func(st *memstore.Store) []byte {
		var buf bytes.Buffer
		var err error
		if res.List != nil {
			_, err = ExportCustomerList(ctx, &buf, st, *res.List, ExportOptions{})
		} else {
			_, err = ExportCustomers(ctx, &buf, st, ExportOptions{})
		}
		if err != nil {
			t.Fatalf("export: %v", err)
		}
		return buf.Bytes()
	}
	first := export(st)
	copied := memstore.New(memstore.Options{})
	back := mustImport(t, copied, first, ImportOptions{})
	if back.Created != st.Len() {
		t.Fatalf("re-import created %d customers of %d:\n%s", back.Created, st.Len(), first)
	}
	if diff := cmp.Diff(contents(t, st), contents(t, copied), sameData); diff != "" {
		t.Fatalf("the exported customers read back differently (-stored +read):\n%s\n%s", diff, first)
	}
	if second := export(copied); !bytes.Equal(first, second) {
		t.Fatalf("the second export differs from the first:\n%s\n%s", first, second)
	}
	again := mustImport(t, st, first, ImportOptions{})
	if again.Unchanged != st.Len() || again.Applied() != 0 {
		t.Fatalf("importing the export over its store: %+v, want %d unchanged\n%s", again.Counts, st.Len(), first)
	}
}

func FuzzDecodeCustomers(f *testing.F) {
	f.Add(customersDoc(`<customer customer-no="1"><credentials><login>a</login><password encrypted="false">p</password></credentials>` +
		`<profile><gender>male</gender><birthday>1990-01-02+02:00</birthday><custom-attributes><custom-attribute attribute-id="x" xml:lang="fi"><value>1</value></custom-attribute></custom-attributes></profile>` +
		`<addresses><address address-id="a" preferred="false"/></addresses><customer-groups><customer-group group-id="g"/></customer-groups><note>a &amp; b</note></customer>` +
		`<group-assignment group-id="g" customer-no="1"/><group-assignment mode="delete" customer-no="1"/>`))
	f.Add(genDocument(f, DocCustomers, 2, true))
	addRealFiles(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		decodeAll(t, doc)
		importAll(t, doc)
	})
}

func FuzzDecodeCustomerList(f *testing.F) {
	f.Add([]byte(`<customer-list xmlns="` + NSCustomer + `" list-id="L"><header><description>d</description><max-failed-logins>3</max-failed-logins></header><customer customer-no="1"><note>n</note></customer></customer-list>`))
	f.Add(genDocument(f, DocCustomerList, 2, true))
	addRealFiles(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		decodeAll(t, doc)
		importAll(t, doc)
	})
}

func FuzzDecodeCustomerLists(f *testing.F) {
	f.Add([]byte(`<customer-lists xmlns="` + NSCustomerList + `"><customer-list list-id="A" mode="delete"/><customer-list list-id="B"><force-password-mixed-case>1</force-password-mixed-case></customer-list></customer-lists>`))
	addRealFiles(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		decodeAll(t, doc)
	})
}

func FuzzDecodePaymentInstruments(f *testing.F) {
	f.Add([]byte(`<customers xmlns="` + NSPaymentInstrument + `"><customer customer-no="1"><payment-instruments><payment-instrument><credit-card><card-number>4111</card-number><expiration-month>12</expiration-month></credit-card><ek-id>-1</ek-id></payment-instrument></payment-instruments></customer></customers>`))
	addRealFiles(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		decodeAll(t, doc)
	})
}
