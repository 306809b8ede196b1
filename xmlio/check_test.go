package xmlio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/impexkit/impex"
	"github.com/impexkit/impex/validate"
)

// verdicts are what checkBoth returns: the verdicts of one reading and of
// the halves, the customer numbers each saw, sorted, and how many decoders
// the halves read children with (2 when the split held).
type verdicts struct {
	one, halves       error
	oneSaw, halvesSaw []string
	decoders          int
}

// checkBoth checks doc whole as one reading (checkPart) and in two halves
// (checkHalves, whatever its size).
func checkBoth(doc []byte) (v verdicts) {
	saw := func(into *[]string) func(*Decoder) {
		return func(d *Decoder) {
			if no, ok := attr(d.sc, "customer-no"); ok {
				*into = append(*into, string(no))
			}
		}
	}
	v.one = checkPart(bytes.NewReader(doc), 0, DecodeOptions{}, beginAnyDocument, saw(&v.oneSaw))
	decoders := map[*Decoder]bool{}
	halves := saw(&v.halvesSaw)
	_, v.halves = checkHalves(bytes.NewReader(doc), 0, int64(len(doc)), DecodeOptions{}, beginAnyDocument, func(d *Decoder) {
		decoders[d] = true // called under the halves' lock
		halves(d)
	})
	v.decoders = len(decoders)
	slices.Sort(v.oneSaw)
	slices.Sort(v.halvesSaw)
	return v
}

// insertAt returns doc with text inserted at i.
func insertAt(doc []byte, i int, text string) []byte {
	return slices.Concat(doc[:i], []byte(text), doc[i:])
}

// Checked in two halves, a document gets the verdict of one reading, the
// same error at the same line, whether the guessed split holds or not, and
// the numbers of a good document are seen once each.
func TestCheckingInHalvesAgreesWithOneReading(t *testing.T) {
	doc := genDocument(t, DocCustomerList, 400, false)
	mid := len(doc) / 2
	afterMid := mid + bytes.Index(doc[mid:], []byte("<customer "))
	nextRec := afterMid + 1 + bytes.Index(doc[afterMid+1:], []byte("<customer "))
	root := bytes.Index(doc, []byte("<customer-list"))
	root += bytes.IndexByte(doc[root:], '>') + 1
	withHeader := insertAt(doc, root, "\n<header><description>a list</description></header>")
	cases := map[string][]byte{
		"good with a header":               withHeader,
		"good":                             doc,
		"cut in the first half":            doc[:len(doc)/4],
		"cut in the second half":           doc[:len(doc)*3/4],
		"bad byte in the first half":       insertAt(doc, len(doc)/4, "\xff"),
		"bad byte in the second half":      insertAt(doc, len(doc)*3/4, "\xff"),
		"bad byte at the split":            insertAt(doc, afterMid+1, "\xff"),
		"unclosed element after the split": insertAt(doc, nextRec, "<x>"),
		"a child's name in a comment after the middle": insertAt(doc, mid+bytes.IndexByte(doc[mid:], '\n')+1,
			`<!-- <customer customer-no="ghost"> -->`),
		"a child's name in a comment, then an error": insertAt(insertAt(doc, len(doc)*3/4, "&bad;"),
			mid+bytes.IndexByte(doc[mid:], '\n')+1, `<!-- <customer customer-no="ghost"> -->`),
		"a child's name in a CDATA section after the middle": insertAt(doc, afterMid,
			`<![CDATA[ <customer customer-no="ghost"> ]]>`),
		"a nested element named as a child": insertAt(doc, afterMid+bytes.Index(doc[afterMid:], []byte("<profile>")),
			`<customer customer-no="nested"></customer>`),
		"a second root":           append(slices.Clone(doc), "<customers/>"...),
		"text after the root":     append(slices.Clone(doc), "tail"...),
		"the root closed early":   insertAt(doc, afterMid, "</customer-list>"),
		"a child closed by other": insertAt(doc, nextRec, "<customer></profile>"),
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			v := checkBoth(doc)
			if fmt.Sprint(v.one) != fmt.Sprint(v.halves) {
				t.Fatalf("one reading: %v\nin halves:   %v", v.one, v.halves)
			}
			if strings.HasPrefix(name, "good") && v.decoders != 2 {
				t.Fatalf("the children were read by %d decoders, not one a half", v.decoders)
			}
			if v.one != nil {
				return
			}
			for _, no := range v.oneSaw {
				if _, ok := slices.BinarySearch(v.halvesSaw, no); !ok {
					t.Fatalf("the halves never saw customer %s", no)
				}
			}
			if !strings.Contains(name, "comment") && !strings.Contains(name, "CDATA") && !slices.Equal(v.oneSaw, v.halvesSaw) {
				t.Fatalf("the halves saw %d numbers, one reading %d", len(v.halvesSaw), len(v.oneSaw))
			}
		})
	}
	if v := checkBoth(cases["bad byte in the second half"]); v.one == nil || !strings.Contains(v.one.Error(), "line") {
		t.Fatalf("the error %v names no line", v.one)
	}
}

// Whatever the document and wherever the halves split, the halves give the
// verdict of one reading.
func FuzzCheckingInHalvesAgreesWithOneReading(f *testing.F) {
	doc := genDocument(f, DocCustomerList, 8, false)
	f.Add(doc, uint16(len(doc)/2), "")
	f.Add(doc, uint16(len(doc)*3/4), "\xff")
	f.Add(doc, uint16(len(doc)/2), `<!-- <customer customer-no="x"> -->`)
	f.Add(doc, uint16(len(doc)/2), `<customer>`)
	f.Fuzz(func(t *testing.T, doc []byte, at uint16, text string) {
		if int(at) <= len(doc) {
			doc = insertAt(doc, int(at), text)
		}
		v := checkBoth(doc)
		if fmt.Sprint(v.one) != fmt.Sprint(v.halves) {
			t.Fatalf("one reading: %v\nin halves:   %v", v.one, v.halves)
		}
	})
}

// An import of a document large enough to be checked in halves, damaged in
// its second half, stores nothing and names the line one reading names.
func TestALargeDamagedDocumentAppliesNothing(t *testing.T) {
	doc := genDocument(t, DocCustomers, 100, false)
	per := len(doc) / 100
	doc = genDocument(t, DocCustomers, splitSize/per*5/4, false)
	if len(doc) < splitSize {
		t.Fatalf("the document has %d bytes, fewer than the %d a split needs", len(doc), splitSize)
	}
	at := len(doc) * 3 / 4
	at += bytes.Index(doc[at:], []byte("<first-name>")) + len("<first-name>")
	bad := insertAt(doc, at, "\xff")
	want := checkBoth(bad).one
	st := newGenStore(t)
	res, err := Import(context.Background(), st, bytes.NewReader(bad), ImportOptions{Hasher: cheapHasher})
	var fe *impex.FileError
	if !errors.As(err, &fe) || !errors.Is(err, impex.ErrDamaged) {
		t.Fatalf("error %v, want a *impex.FileError wrapping impex.ErrDamaged", err)
	}
	if st.Len() != 0 || res.Applied() != 0 {
		t.Fatalf("a damaged document stored %d customers", st.Len())
	}
	if want == nil || fmt.Sprint(err) != fmt.Sprint(want) {
		t.Fatalf("the import says %v, one reading %v", err, want)
	}
}

// A customer number or login a document gives twice is reported on the
// later record, naming the first, however the document is read: checked
// in two halves, checked in one reading, or streamed once. The duplicate
// check of a checked document keeps only the numbers its check saw twice.
func TestDuplicatesAreFoundHoweverTheDocumentIsRead(t *testing.T) {
	withDuplicates := func(n int) []byte {
		doc := genDocument(t, DocCustomers, n, false)
		// The last customer takes the first one's number, the one before
		// it the second one's login.
		doc = bytes.Replace(doc, fmt.Appendf(nil, `customer-no="C%08d"`, n-1), []byte(`customer-no="C00000000"`), 1)
		return bytes.Replace(doc, fmt.Appendf(nil, `<login>user%d@example.com</login>`, n-2), []byte(`<login>user1@example.com</login>`), 1)
	}
	per := len(genDocument(t, DocCustomers, 100, false)) / 100
	large := splitSize / per * 5 / 4
	tests := []struct {
		name   string
		n      int
		stream bool
	}{
		{"checked in two halves", large, false},
		{"checked in one reading", 10, false},
		{"streamed once", large, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := withDuplicates(tc.n)
			var r io.Reader = bytes.NewReader(doc)
			if tc.stream {
				r = struct{ io.Reader }{r}
			}
			res, err := Import(context.Background(), newGenStore(t), r, ImportOptions{Hasher: cheapHasher})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for is := range res.Report.All() {
				if is.Code == validate.CodeDuplicateInFile {
					got = append(got, fmt.Sprintf("record %d: %s of record %d", is.Where.Record, is.Field, is.Params.OtherRecord))
				}
			}
			want := []string{
				fmt.Sprintf("record %d: login of record 2", tc.n-1),
				fmt.Sprintf("record %d: customer-no of record 1", tc.n),
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("duplicates (-want +got):\n%s", diff)
			}
			if res.Rejected != 2 || res.Created != tc.n-2 {
				t.Errorf("created %d and rejected %d, want %d and 2", res.Created, res.Rejected, tc.n-2)
			}
		})
	}
}
