package xmlio

import (
	"bytes"
	"testing"

	"github.com/impexkit/impex/internal/xmlscan"
)

// BenchmarkScanCustomerList reads the tokens of BenchmarkImportCustomerList's
// document with the scanner alone: the floor under the whole-document check
// and the import's decoding.
func BenchmarkScanCustomerList(b *testing.B) {
	doc := benchDocument(b)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		s := xmlscan.New(bytes.NewReader(doc), xmlscan.Limits{})
		for {
			if _, err := s.Next(); err != nil {
				break
			}
		}
	}
}

// BenchmarkCheckCustomerList checks the same document whole, as an import
// does before it applies anything.
func BenchmarkCheckCustomerList(b *testing.B) {
	doc := benchDocument(b)
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		_, err := checkWhole(bytes.NewReader(doc), DecodeOptions{}, beginAnyDocument, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
}
