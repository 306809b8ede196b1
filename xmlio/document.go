package xmlio

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

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
// bytes included, for the decoder. It returns a *DocumentError wrapping
// ErrSyntax when the start is not well-formed, ErrRoot when there is no
// root element in the first 64 KiB, and read errors of r as they are.
func Sniff(r io.Reader) (DocumentKind, io.Reader, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return DocUnknown, br, err
	}
	sc := xmlscan.New(bytes.NewReader(head), xmlscan.Limits{})
	for {
		k, err := sc.Next()
		switch {
		case err == nil && k == xmlscan.StartElement:
			return DetectDocument(string(sc.Local()), defaultNamespace(sc)), br, nil
		case err == nil:
			continue
		case errors.Is(err, io.EOF) || len(head) == sniffSize:
			// No root at all, or none before the cut at 64 KiB (which may
			// also have split a token, so a syntax error there proves
			// nothing).
			return DocUnknown, br, &DocumentError{Issue: validate.New(validate.CodeXMLRoot, validate.Where{}), Err: ErrRoot}
		default:
			return DocUnknown, br, docError("", err)
		}
	}
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

// Errors that stop a document. They arrive wrapped in a *DocumentError,
// which says where and carries the issue an import reports.
var (
	// ErrSyntax: the document is not well-formed XML.
	ErrSyntax = errors.New("xmlio: malformed XML")
	// ErrLimit: the document goes beyond a size or nesting limit.
	ErrLimit = errors.New("xmlio: document exceeds a limit")
	// ErrEntity: the document declares entities, which are never resolved.
	ErrEntity = errors.New("xmlio: document declares entities")
	// ErrRoot: the root element names no document this call reads.
	ErrRoot = errors.New("xmlio: unexpected root element")
	// ErrStructure: the document's elements are not where its schema puts
	// them in a way that stops reading (text or a second element beside
	// the root, a required attribute of the root missing).
	ErrStructure = errors.New("xmlio: malformed document")
	// ErrOrder: an Encoder was asked to write out of the schema's order,
	// or after Close.
	ErrOrder = errors.New("xmlio: write out of order")
)

// DocumentError is a problem that stops reading a document. Issue is the
// file-level issue an import reports for it.
type DocumentError struct {
	Issue validate.Issue
	Err   error
}

func (e *DocumentError) Error() string {
	return e.Issue.Error() + ": " + e.Err.Error()
}

// Unwrap returns the cause: one of the sentinels above, possibly wrapping
// the scanner's detail, or a read error.
func (e *DocumentError) Unwrap() error { return e.Err }

// docError turns a scanner or read error into a *DocumentError.
func docError(document string, err error) error {
	var de *DocumentError
	if errors.As(err, &de) {
		return err
	}
	var se *xmlscan.SyntaxError
	if !errors.As(err, &se) {
		return err // a read error: not the document's fault
	}
	where := validate.Where{Document: document, Line: se.Line}
	code, sentinel := validate.CodeXMLSyntax, ErrSyntax
	switch {
	case errors.Is(err, xmlscan.ErrLimit):
		code, sentinel = validate.CodeLimitExceeded, ErrLimit
	case errors.Is(err, xmlscan.ErrEntity):
		code, sentinel = validate.CodeXMLEntity, ErrEntity
	}
	is := validate.New(code, where).WithParams(validate.Params{Name: se.Msg})
	return &DocumentError{Issue: is, Err: fmt.Errorf("%w: %w", sentinel, err)}
}
