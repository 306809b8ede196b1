package xmlio

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/internal/pipeline"
	"github.com/impexkit/impex/internal/xmlscan"
	"github.com/impexkit/impex/validate"
)

// DocumentKind names an SFCC impex document type. The root element and its
// namespace decide it.
type DocumentKind uint8

// The SFCC documents. Decoder and Encoder read and write the first four;
// the others have readers and writers of their own (GroupDecoder and
// GroupEncoder, DecodeSlots, ActiveDataDecoder and ActiveDataEncoder).
const (
	// DocUnknown is anything else.
	DocUnknown DocumentKind = iota
	// DocCustomers is <customers> of customer.xsd: customers, then
	// group-assignment elements.
	DocCustomers
	// DocCustomerList is <customer-list> of customerlist2.xsd: the list's
	// header settings, then its customers.
	DocCustomerList
	// DocCustomerLists is <customer-lists> of the older customerlist.xsd:
	// list settings only.
	DocCustomerLists
	// DocPaymentInstruments is <customers> of customerpaymentinstrument.xsd.
	DocPaymentInstruments
	// DocCustomerGroups is <customer-groups> of customergroup.xsd.
	DocCustomerGroups
	// DocSlots is <slot-configurations> of slot.xsd.
	DocSlots
	// DocActiveData is <customer-active-data-list> of customeractivedata.xsd.
	DocActiveData
)

// The namespaces of the documents.
const (
	NSCustomer          = "http://www.demandware.com/xml/impex/customer/2006-10-31"
	NSCustomerList      = "http://www.demandware.com/xml/impex/customerlist/2010-06-30"
	NSPaymentInstrument = "http://www.demandware.com/xml/impex/customerpaymentinstrument/2014-03-31"
	NSCustomerGroup     = "http://www.demandware.com/xml/impex/customergroup/2007-06-30"
	NSSlot              = "http://www.demandware.com/xml/impex/slot/2008-09-08"
	NSActiveData        = "http://www.demandware.com/xml/impex/customeractivedata/2018-01-20"
)

var docInfo = [...]struct {
	name, root, ns string
}{
	DocUnknown:            {"unknown", "", ""},
	DocCustomers:          {"customers", "customers", NSCustomer},
	DocCustomerList:       {"customer-list", "customer-list", NSCustomer},
	DocCustomerLists:      {"customer-lists", "customer-lists", NSCustomerList},
	DocPaymentInstruments: {"payment-instruments", "customers", NSPaymentInstrument},
	DocCustomerGroups:     {"customer-groups", "customer-groups", NSCustomerGroup},
	DocSlots:              {"slot-configurations", "slot-configurations", NSSlot},
	DocActiveData:         {"customer-active-data-list", "customer-active-data-list", NSActiveData},
}

// String returns a short name such as "customers" or "customer-list".
func (k DocumentKind) String() string {
	if int(k) < len(docInfo) {
		return docInfo[k].name
	}
	return fmt.Sprintf("DocumentKind(%d)", uint8(k))
}

// Root returns the document's root element name, "" for DocUnknown.
func (k DocumentKind) Root() string {
	if int(k) < len(docInfo) {
		return docInfo[k].root
	}
	return ""
}

// Namespace returns the document's namespace, "" for DocUnknown.
func (k DocumentKind) Namespace() string {
	if int(k) < len(docInfo) {
		return docInfo[k].ns
	}
	return ""
}

// DetectDocument names the document a root element starts: its local name
// and the namespace it is in. A root without a namespace is taken by its
// name alone, and a bare <customers> as customer.xsd's. A root in a foreign
// namespace is DocUnknown.
func DetectDocument(root, namespace string) DocumentKind {
	for k := DocCustomers; int(k) < len(docInfo); k++ {
		if docInfo[k].root == root && docInfo[k].ns == namespace {
			return k
		}
	}
	if namespace == "" {
		for k := DocCustomers; int(k) < len(docInfo); k++ {
			if docInfo[k].root == root {
				return k
			}
		}
	}
	return DocUnknown
}

// sniffSize is how much of a document Sniff reads to find the root.
const sniffSize = 64 << 10

// Sniff reads the start of r up to its root element and names the
// document. It returns a reader that yields the whole input again, r's
// bytes included, for the decoder: r itself, rewound, when r can seek (an
// *os.File of a regular file), so that an import can still check the whole
// document before it applies anything. It returns a *impex.FileError wrapping
// impex.ErrDamaged when the start is not well-formed, impex.ErrFormat when
// there is no root element in the first 64 KiB, and the read error of r.
func Sniff(r io.Reader) (DocumentKind, io.Reader, error) {
	var head []byte
	var err error
	var again io.Reader
	if rs, ok := r.(io.ReadSeeker); ok && seekable(rs) {
		// Read the head and seek back: the reader handed on is r
		// itself, which an import can read twice.
		head, err = readHead(rs)
		again = rs
	} else {
		br := bufio.NewReaderSize(r, sniffSize)
		head, err = br.Peek(sniffSize)
		if err == io.EOF || err == bufio.ErrBufferFull {
			err = nil
		}
		again = br
	}
	if err != nil {
		return DocUnknown, again, docError("", err)
	}
	br := again
	sc := xmlscan.New(bytes.NewReader(head), xmlscan.Limits{})
	for {
		k, err := sc.Next()
		switch {
		case err == nil && k == xmlscan.StartElement:
			return DetectDocument(string(sc.Local()), defaultNamespace(sc)), br, nil
		case err == nil:
			continue
		case errors.Is(err, io.EOF) && len(head) < sniffSize:
			return DocUnknown, br, docFail(validate.CodeXMLNoRoot, validate.Where{}, "")
		case errors.Is(err, io.EOF) || len(head) == sniffSize:
			// None before the cut at 64 KiB, which may also have split a
			// token, so a syntax error there proves nothing.
			return DocUnknown, br, docFail(validate.CodeXMLRoot, validate.Where{}, "(none in the first 64 KiB)")
		default:
			return DocUnknown, br, docError("", err)
		}
	}
}

// seekable reports whether rs can seek: an *os.File on a pipe cannot.
func seekable(rs io.Seeker) bool {
	_, err := rs.Seek(0, io.SeekCurrent)
	return err == nil
}

// readHead reads up to sniffSize bytes of rs and seeks back to where it
// started.
func readHead(rs io.ReadSeeker) ([]byte, error) {
	start, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, err
	}
	head := make([]byte, sniffSize)
	n, err := io.ReadFull(rs, head)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	if _, err := rs.Seek(start, io.SeekStart); err != nil {
		return nil, err
	}
	return head[:n], nil
}

// defaultNamespace returns the namespace an unprefixed element name of the
// current start tag is in, as far as that tag says, or the prefix's
// namespace for a prefixed one.
func defaultNamespace(sc *xmlscan.Scanner) string {
	want := sc.Prefix()
	for _, a := range sc.Attrs() {
		if len(want) == 0 && len(a.Prefix) == 0 && string(a.Local) == "xmlns" {
			return string(a.Value)
		}
		if len(want) > 0 && string(a.Prefix) == "xmlns" && bytes.Equal(a.Local, want) {
			return string(a.Value)
		}
	}
	return ""
}

// ErrOrder: an Encoder was asked to write out of the schema's order, or
// after Close.
var ErrOrder = errors.New("xmlio: write out of order")

// docError turns a scanner or read error into a *impex.FileError.
func docError(document string, err error) error {
	var fe *impex.FileError
	if errors.As(err, &fe) {
		return err
	}
	var se *xmlscan.SyntaxError
	if !errors.As(err, &se) {
		is := validate.New(validate.CodeUnreadable, validate.Where{Document: document}).
			WithParams(validate.Params{Expected: err.Error()})
		return pipeline.FileError(err, is)
	}
	code, p := validate.CodeXMLSyntax, validate.Params{Expected: se.Msg}
	switch {
	case errors.Is(err, xmlscan.ErrLimit):
		code, p.Name, p.Max = validate.CodeLimitExceeded, se.Limit, se.Max
	case errors.Is(err, xmlscan.ErrEntity):
		code, p = validate.CodeXMLEntity, validate.Params{Name: se.Msg}
	}
	is := validate.New(code, validate.Where{Document: document, Line: se.Line}).WithParams(p)
	return pipeline.FileError(fmt.Errorf("%w: %w", pipeline.Sentinel(code), err), is)
}

// docFail is the *impex.FileError of a document whose structure stops
// reading at w: code names the cause and name what was found.
func docFail(code validate.Code, w validate.Where, name string) *impex.FileError {
	p := validate.Params{Name: name}
	if code == validate.CodeXMLSyntax {
		p = validate.Params{Expected: name} // the cause, which the message ends with
	}
	is := validate.New(code, w).WithParams(p)
	if name == "" {
		return pipeline.FileError(nil, is) // the code's sentinel alone
	}
	return pipeline.FileError(fmt.Errorf("%w: %s", pipeline.Sentinel(code), name), is)
}
