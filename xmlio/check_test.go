package xmlio

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// checkBoth checks doc whole as one reading (checkPart) and in two halves
// (checkHalves, whatever its size), and returns both verdicts and the
// customer numbers each saw.
func checkBoth(doc []byte) (one, halves error, oneSaw, halvesSaw []string) {
	begin := func(d *Decoder) error { _, err := d.Document(); return err }
	saw := func(into *[]string) func(*Decoder) {
		return func(d *Decoder) {
			if no, ok := attr(d.sc, "customer-no"); ok {
				*into = append(*into, string(no))
			}
		}
	}
	one = checkPart(bytes.NewReader(doc), 0, DecodeOptions{}, begin, saw(&oneSaw))
	halves = checkHalves(bytes.NewReader(doc), 0, int64(len(doc)), DecodeOptions{}, begin, saw(&halvesSaw))
	slices.Sort(oneSaw)
	slices.Sort(halvesSaw)
	return one, halves, oneSaw, halvesSaw
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
	cases := map[string][]byte{
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
			one, halves, oneSaw, halvesSaw := checkBoth(doc)
			if fmt.Sprint(one) != fmt.Sprint(halves) {
				t.Fatalf("one reading: %v\nin halves:   %v", one, halves)
			}
			if one != nil {
				return
			}
			for _, no := range oneSaw {
				if _, ok := slices.BinarySearch(halvesSaw, no); !ok {
					t.Fatalf("the halves never saw customer %s", no)
				}
			}
			if !strings.Contains(name, "comment") && !strings.Contains(name, "CDATA") && !slices.Equal(oneSaw, halvesSaw) {
				t.Fatalf("the halves saw %d numbers, one reading %d", len(halvesSaw), len(oneSaw))
			}
		})
	}
	if one, _, _, _ := checkBoth(cases["bad byte in the second half"]); one == nil || !strings.Contains(one.Error(), "line") {
		t.Fatalf("the error %v names no line", one)
	}
}

// A large document read from a *bytes.Reader is checked in halves by an
// import, and a damaged second half stops it before anything is stored.
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
		one, halves, _, _ := checkBoth(doc)
		if fmt.Sprint(one) != fmt.Sprint(halves) {
			t.Fatalf("one reading: %v\nin halves:   %v", one, halves)
		}
	})
}
