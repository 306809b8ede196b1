package xmlio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/validate"
)

// damagedDocuments returns a 1,500-customer document cut at 80 %, and the
// same document with a byte that is not UTF-8 inside record 1,200; the
// line each is damaged at and the cause the message names.
func damagedDocuments(t *testing.T) map[string]struct {
	doc   []byte
	cause string
} {
	doc := genDocument(t, DocCustomers, 1500, false)
	at := 0
	for range 1200 {
		i := bytes.Index(doc[at:], []byte("<customer "))
		if i < 0 {
			t.Fatal("the generated document has fewer than 1,200 records")
		}
		at += i + 1
	}
	at += bytes.IndexByte(doc[at:], '>') + 1
	bad := append(append(append([]byte{}, doc[:at]...), 0xff), doc[at:]...)
	return map[string]struct {
		doc   []byte
		cause string
	}{
		"cut at 80 %":                  {doc[:len(doc)*8/10], "EOF"},
		"invalid UTF-8 at record 1200": {bad, "UTF-8"},
	}
}

// A document that is damaged part-way stores nothing when it can be read
// twice, and says how many records it applied when it cannot.
func TestDamagedDocumentsApplyNothing(t *testing.T) {
	for name, tc := range damagedDocuments(t) {
		t.Run(name, func(t *testing.T) {
			for _, all := range []bool{false, true} {
				st := newGenStore(t)
				opts := ImportOptions{Hasher: cheapHasher}
				if all {
					opts.Policy = impex.AllOrNothing
				}
				res, err := Import(context.Background(), st, bytes.NewReader(tc.doc), opts)
				var fe *impex.FileError
				if !errors.As(err, &fe) || !errors.Is(err, impex.ErrDamaged) {
					t.Fatalf("error %v, want a *impex.FileError wrapping impex.ErrDamaged", err)
				}
				if st.Len() != 0 || res.Applied() != 0 || fe.Applied != 0 {
					t.Fatalf("a damaged document stored %d customers (counts %+v, Applied %d)", st.Len(), res.Counts, fe.Applied)
				}
				is := fe.Issues[0]
				if msg := is.Text(validate.English); is.Line == 0 || !strings.Contains(msg, "line") || !strings.Contains(msg, tc.cause) {
					t.Errorf("the message %q does not name the line and the cause %q", msg, tc.cause)
				}
			}

			// A stream that cannot be read twice is imported as it is
			// read: the error and the result say what was applied.
			st := newGenStore(t)
			res, err := Import(context.Background(), st, io.MultiReader(bytes.NewReader(tc.doc)), ImportOptions{Hasher: cheapHasher})
			var fe *impex.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v, want a *impex.FileError", err)
			}
			if fe.Applied == 0 || fe.Applied != res.Applied() || fe.Applied != st.Len() {
				t.Fatalf("Applied %d, result %+v, store %d: want them equal and above 0", fe.Applied, res.Counts, st.Len())
			}
			if want := fmt.Sprintf("after %d records were applied", fe.Applied); !strings.Contains(err.Error(), want) {
				t.Errorf("the error %q does not say %q", err, want)
			}
		})
	}
}

// Active data is checked whole before it is applied, like customers.
func TestDamagedActiveDataAppliesNothing(t *testing.T) {
	rec := fmt.Sprintf(activeDataRecordXML, "1", "1", "2.5", "<products-abandoned-month/>")
	doc := activeDataDoc(rec, rec)
	doc = doc[:len(doc)-10] // cut inside the root's end tag
	store := activeDataStore(t, []*customer.Customer{{Kind: customer.KindPerson, Number: "1"}}, false)
	res, err := ImportActiveData(context.Background(), store, strings.NewReader(doc), ActiveDataImportOptions{})
	if !errors.Is(err, impex.ErrDamaged) || res.Applied() != 0 {
		t.Fatalf("error %v, counts %+v: want impex.ErrDamaged and nothing applied", err, res.Counts)
	}
	if c, err := store.ByNumber(context.Background(), "", "1"); err != nil || c.ActiveData != nil {
		t.Fatalf("the customer's active data was set from a damaged document (%v)", err)
	}
}

// Sniff hands a reader that can seek back on as it is, so the import can
// still read it twice; a stream it wraps.
func TestSniffKeepsASeekableReader(t *testing.T) {
	doc := genDocument(t, DocCustomers, 2, false)
	r := bytes.NewReader(doc)
	kind, again, err := Sniff(r)
	if err != nil || kind != DocCustomers || again != io.Reader(r) {
		t.Fatalf("Sniff = %v, %T, %v; want customers and the same reader", kind, again, err)
	}
	if b, _ := io.ReadAll(again); !bytes.Equal(b, doc) {
		t.Fatal("the reader does not yield the whole document")
	}
	kind, again, err = Sniff(io.MultiReader(bytes.NewReader(doc)))
	if err != nil || kind != DocCustomers {
		t.Fatalf("Sniff of a stream = %v, %v", kind, err)
	}
	if b, _ := io.ReadAll(again); !bytes.Equal(b, doc) {
		t.Fatal("the stream's reader does not yield the whole document")
	}
}
