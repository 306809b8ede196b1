package xmlio

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/impexkit/impex"
	"github.com/impexkit/impex/validate"
)

// An import that reads a large checked document in parts gives what one
// reading gives: the same outcomes, the same issues at the same lines and
// record numbers, in the same order, and the same customers stored. A
// document with other children than customers is read in one, as are
// small ones.
func TestReadingInPartsAgreesWithOneReading(t *testing.T) {
	// A customer list with records and the space between them damaged all
	// through it: an unknown element in a record, stray text between
	// records, and a record that repeats an earlier one's number.
	damaged := genDocument(t, DocCustomerList, 5000, false)
	at := func(doc []byte, frac float64, s string) int {
		i := int(float64(len(doc)) * frac)
		return i + bytes.Index(doc[i:], []byte(s))
	}
	for _, frac := range []float64{0.95, 0.7, 0.45, 0.2, 0.05} {
		damaged = insertAt(damaged, at(damaged, frac, "<profile>")+len("<profile>"), "<bogus/>")
		damaged = insertAt(damaged, at(damaged, frac+0.02, "</customer>")+len("</customer>"), "stray text")
	}
	i := at(damaged, 0.8, `customer-no="`) + len(`customer-no="`)
	damaged = slices.Replace(damaged, i, i+len("C00000000"), []byte("C00000007")...)
	// Customers documents with a group assignment among their first
	// customers, and after the last.
	assignment := `<group-assignment group-id="` + genGroups[0] + `" customer-no="C00000003"/>`
	early := genDocument(t, DocCustomers, 5000, false)
	early = insertAt(early, at(early, 0.001, "</customer>")+len("</customer>"), assignment)
	last := genDocument(t, DocCustomers, 5000, false)
	last = insertAt(last, bytes.LastIndex(last, []byte("</customers>")), assignment)

	tests := []struct {
		name   string
		doc    []byte
		parts  bool
		issues int // at least
	}{
		{"a damaged customer list", damaged, true, 11},
		{"a customer list damaged at random", damageAtRandom(damaged, 1), true, 11},
		{"a customer list damaged at random again", damageAtRandom(damaged, 2), true, 11},
		{"customers after a group assignment", early, false, 1},
		{"customers and then a group assignment", last, false, 0},
		{"a short customer list", genDocument(t, DocCustomerList, 20, false), false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkReadingInParts(t, tc.doc, tc.parts, tc.issues) })
	}
}

// damageAtRandom returns doc with 30 changes at random places, chosen by
// seed: values a record refuses, elements and text where none belong, and
// what changes no record but moves the lines: comments, processing
// instructions and carriage returns between records.
func damageAtRandom(doc []byte, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 0xda3a6e))
	doc = slices.Clone(doc)
	changes := []struct{ after, old, new string }{
		{"<profile>", "", "<bogus/>"},
		{"<gender>", "2", "9"},
		{"<birthday>", "", "x"},
		{"</customer>", "", "stray text"},
		{"</customer>", "", `<!-- <customer customer-no="C00000001"> -->`},
		{"</customer>", "", "<?pi x?>"},
		{"</customer>", "", "\r\n\r\n"},
	}
	for range 30 {
		c := changes[rng.IntN(len(changes))]
		i := rng.IntN(len(doc))
		j := bytes.Index(doc[i:], []byte(c.after))
		if j < 0 {
			continue
		}
		i += j + len(c.after)
		if !bytes.HasPrefix(doc[i:], []byte(c.old)) {
			continue
		}
		doc = slices.Replace(doc, i, i+len(c.old), []byte(c.new)...)
	}
	return doc
}

func checkReadingInParts(t *testing.T, doc []byte, wantParts bool, minIssues int) {
	var parts chunker
	how, err := checkWhole(bytes.NewReader(doc), DecodeOptions{}, beginAnyDocument, parts.see)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(parts.parts(how)); wantParts && n < 3 || !wantParts && n > 0 {
		t.Fatalf("the document is read in %d parts", n+1)
	}
	run := func(r io.Reader) (*Result, []byte) {
		st := newGenStore(t)
		res, err := Import(context.Background(), st, r, ImportOptions{Hasher: cheapHasher})
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := ExportCustomers(context.Background(), &out, st, ExportOptions{}); err != nil {
			t.Fatal(err)
		}
		return res, out.Bytes()
	}
	inParts, storedInParts := run(bytes.NewReader(doc))
	once, storedOnce := run(struct{ io.Reader }{bytes.NewReader(doc)}) // cannot seek: one reading
	if diff := cmp.Diff(once.Counts, inParts.Counts); diff != "" {
		t.Errorf("outcomes (-one reading +in parts):\n%s", diff)
	}
	issues := func(r *Result) (out []validate.Issue) {
		for is := range r.Report.All() {
			out = append(out, is)
		}
		return out
	}
	if diff := cmp.Diff(issues(once), issues(inParts)); diff != "" {
		t.Errorf("issues (-one reading +in parts):\n%s", diff)
	}
	if n := len(issues(once)); n < minIssues {
		t.Errorf("%d issues; want the %d the document's damage makes at least", n, minIssues)
	}
	if !bytes.Equal(storedOnce, storedInParts) {
		t.Error("the customers stored differ")
	}
}

// An import cancelled while it reads a document in parts stops, says so,
// and leaves no decoder running.
func TestACancelledImportStopsReadingTheParts(t *testing.T) {
	doc := genDocument(t, DocCustomerList, 5000, false)
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rows := 0
	res, err := Import(ctx, newGenStore(t), bytes.NewReader(doc), ImportOptions{Hasher: cheapHasher,
		Options: impex.Options{BatchSize: 100, OnRow: func(impex.RowOutcome) {
			if rows++; rows == 1500 {
				cancel()
			}
		}}})
	var fe *impex.FatalError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &fe) {
		t.Fatalf("error %v, want a *impex.FatalError wrapping context.Canceled", err)
	}
	if res.Created < 1400 || res.Created >= 5000 {
		t.Errorf("created %d; want the batches before the cancel", res.Created)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after the import, %d before", n, before)
	}
}
