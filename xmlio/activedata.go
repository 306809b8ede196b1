package xmlio

// This file reads and writes customer-active-data-list documents
// (customeractivedata.xsd). Every identifier it adds to the package starts
// with activeData or ActiveData.

import (
	"bufio"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/internal/pipeline"
	"github.com/impexkit/impex/internal/xmlscan"
	"github.com/impexkit/impex/validate"
)

// ActiveDataRecord is one <customer-active-data> element: the system active
// data SFCC computes for one customer. Data.Custom is always nil: the
// schema has no place for merchant-defined values (see package activedata
// for those).
type ActiveDataRecord struct {
	// CustomerNo is the customer-no attribute: the customer the data
	// belongs to.
	CustomerNo string
	// Data holds the values read. A value whose element is missing or
	// malformed is zero, and the record has an issue for it.
	Data customer.ActiveData
	// Where locates the record: document, position, line and path.
	Where validate.Where
	// Issues are the record's problems; an error among them means the
	// record must not be applied.
	Issues []validate.Issue
}

// activeDataField is one child element of customer-active-data: its name,
// its field name for issues, and how to store its text.
type activeDataField struct {
	elem, field string
	kind        activeDataKind
	int         func(a *customer.ActiveData) *int
	float       func(a *customer.ActiveData) *float64
	list        func(a *customer.ActiveData) *[]string
}

type activeDataKind uint8

const (
	activeDataInt activeDataKind = iota
	activeDataDouble
	activeDataList
	activeDataDateTime
)

// activeDataFields are the elements in the schema's order. All are required
// except the last, last-order-date.
var activeDataFields = [...]activeDataField{
	{elem: "visits-week", field: "visitsWeek", int: func(a *customer.ActiveData) *int { return &a.VisitsWeek }},
	{elem: "visits-month", field: "visitsMonth", int: func(a *customer.ActiveData) *int { return &a.VisitsMonth }},
	{elem: "visits-year", field: "visitsYear", int: func(a *customer.ActiveData) *int { return &a.VisitsYear }},
	{elem: "orders", field: "orders", int: func(a *customer.ActiveData) *int { return &a.Orders }},
	{elem: "returns", field: "returns", int: func(a *customer.ActiveData) *int { return &a.Returns }},
	{elem: "return-value", field: "returnValue", kind: activeDataDouble, float: func(a *customer.ActiveData) *float64 { return &a.ReturnValue }},
	{elem: "order-value", field: "orderValue", kind: activeDataDouble, float: func(a *customer.ActiveData) *float64 { return &a.OrderValue }},
	{elem: "order-value-month", field: "orderValueMonth", kind: activeDataDouble, float: func(a *customer.ActiveData) *float64 { return &a.OrderValueMonth }},
	{elem: "avg-order-value", field: "avgOrderValue", kind: activeDataDouble, float: func(a *customer.ActiveData) *float64 { return &a.AvgOrderValue }},
	{elem: "discount-value-without-coupon", field: "discountValueWithoutCoupon", kind: activeDataDouble, float: func(a *customer.ActiveData) *float64 { return &a.DiscountValueWithoutCoupon }},
	{elem: "discount-value-with-coupon", field: "discountValueWithCoupon", kind: activeDataDouble, float: func(a *customer.ActiveData) *float64 { return &a.DiscountValueWithCoupon }},
	{elem: "source-code-orders", field: "sourceCodeOrders", int: func(a *customer.ActiveData) *int { return &a.SourceCodeOrders }},
	{elem: "gift-units", field: "giftUnits", kind: activeDataDouble, float: func(a *customer.ActiveData) *float64 { return &a.GiftUnits }},
	{elem: "gift-orders", field: "giftOrders", int: func(a *customer.ActiveData) *int { return &a.GiftOrders }},
	{elem: "top-categories-ordered", field: "topCategoriesOrdered", kind: activeDataList, list: func(a *customer.ActiveData) *[]string { return &a.TopCategoriesOrdered }},
	{elem: "products-ordered", field: "productsOrdered", kind: activeDataList, list: func(a *customer.ActiveData) *[]string { return &a.ProductsOrdered }},
	{elem: "product-masters-ordered", field: "productMastersOrdered", kind: activeDataList, list: func(a *customer.ActiveData) *[]string { return &a.ProductMastersOrdered }},
	{elem: "products-viewed-month", field: "productsViewedMonth", kind: activeDataList, list: func(a *customer.ActiveData) *[]string { return &a.ProductsViewedMonth }},
	{elem: "products-abandoned-month", field: "productsAbandonedMonth", kind: activeDataList, list: func(a *customer.ActiveData) *[]string { return &a.ProductsAbandonedMonth }},
	{elem: "last-order-date", field: "lastOrderDate", kind: activeDataDateTime},
}

// activeDataItem names the element inside a list element.
func activeDataItem(elem string) string {
	if elem == "top-categories-ordered" {
		return "category"
	}
	return "product"
}

const (
	activeDataRoot   = "customer-active-data-list"
	activeDataRecord = "customer-active-data"
)

// ActiveDataDecoder reads a customer-active-data-list document one record
// at a time. Create it with NewActiveDataDecoder; it is not safe for
// concurrent use. It resolves no entities and applies opts.Limits.
type ActiveDataDecoder struct {
	sc     *xmlscan.Scanner
	opts   DecodeOptions
	begun  bool
	closed bool
	err    error
	count  int
	issues []validate.Issue
	buf    []byte
}

// NewActiveDataDecoder returns a decoder reading r. Of opts it uses
// Document and Limits.
func NewActiveDataDecoder(r io.Reader, opts DecodeOptions) *ActiveDataDecoder {
	if opts.Limits.MaxIssues <= 0 {
		opts.Limits.MaxIssues = 100
	}
	lim := xmlscan.Limits{MaxDepth: opts.Limits.MaxDepth, MaxNameLen: opts.Limits.MaxNameLen,
		MaxAttrs: opts.Limits.MaxAttrs, MaxTokenSize: opts.Limits.MaxTokenSize}
	return &ActiveDataDecoder{sc: xmlscan.New(r, lim), opts: opts}
}

// Issues returns the problems found outside any record, such as an unknown
// element between records.
func (d *ActiveDataDecoder) Issues() []validate.Issue { return d.issues }

// Begin reads up to the root element. It returns a *impex.FileError for a
// document that cannot be read (see Errors in the package documentation),
// including a root that is not customer-active-data-list (in its namespace
// or none) and text before the root. Next calls it; calling it again
// returns the same answer.
func (d *ActiveDataDecoder) Begin() error {
	if d.begun {
		return d.err
	}
	d.begun = true
	for {
		k, err := d.sc.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				d.err = d.fatal(validate.CodeXMLRoot, "the document has no root element")
			} else {
				d.err = docError(d.opts.Document, err)
			}
			return d.err
		}
		switch k {
		case xmlscan.CharData:
			if !activeDataBlank(d.sc.Text()) {
				d.err = d.fatal(validate.CodeNotXML, "text before the root element")
				return d.err
			}
		case xmlscan.StartElement:
			name := string(d.sc.Name())
			if len(d.sc.Prefix()) > 0 || DetectDocument(string(d.sc.Local()), activeDataNamespace(d.sc)) != DocActiveData {
				d.err = d.fatal(validate.CodeXMLRoot, name)
			}
			return d.err
		}
	}
}

// activeDataNamespace returns the default namespace the current start tag
// declares, "" when it declares none.
func activeDataNamespace(sc *xmlscan.Scanner) string {
	for _, a := range sc.Attrs() {
		if len(a.Prefix) == 0 && string(a.Local) == "xmlns" {
			return string(a.Value)
		}
	}
	return ""
}

func (d *ActiveDataDecoder) fatal(code validate.Code, name string) error {
	return docFail(code, validate.Where{Document: d.opts.Document, Line: d.sc.Line()}, name)
}

// activeDataBlank reports whether b is XML white space, a byte order mark
// allowed.
func activeDataBlank(b []byte) bool {
	for _, c := range strings.TrimPrefix(string(b), "\uFEFF") {
		if c != ' ' && c != '\n' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// next reads a token, setting d.err (io.EOF at the end) on failure.
func (d *ActiveDataDecoder) next() xmlscan.Kind {
	if d.err != nil {
		return xmlscan.None
	}
	k, err := d.sc.Next()
	if err != nil {
		if errors.Is(err, io.EOF) {
			d.err = io.EOF
		} else {
			d.err = docError(d.opts.Document, err)
		}
		return xmlscan.None
	}
	return k
}

// skip reads past the end of the element just opened.
func (d *ActiveDataDecoder) skip() {
	depth := d.sc.Depth() - 1
	for {
		if k := d.next(); k == xmlscan.None || k == xmlscan.EndElement && d.sc.Depth() == depth {
			return
		}
	}
}

func (d *ActiveDataDecoder) docIssue(is validate.Issue) {
	if len(d.issues) < d.opts.Limits.MaxIssues {
		d.issues = append(d.issues, is)
	}
}

// Next returns the next record, io.EOF after the last one, or an error that
// stops the document: a *impex.FileError (see Begin; also for a second root
// or text after the root, and for an input that could not be read).
// Problems inside one record are its issues.
func (d *ActiveDataDecoder) Next() (*ActiveDataRecord, error) {
	if err := d.Begin(); err != nil {
		return nil, err
	}
	for {
		switch d.next() {
		case xmlscan.None:
			if d.err == io.EOF {
				if !d.closed {
					d.err = d.fatal(validate.CodeXMLSyntax, "unexpected end of the document")
					return nil, d.err
				}
				return nil, io.EOF
			}
			return nil, d.err
		case xmlscan.CharData:
			if !activeDataBlank(d.sc.Text()) {
				if d.closed {
					d.err = d.fatal(validate.CodeXMLSyntax, "text after the root element")
					return nil, d.err
				}
				d.docIssue(validate.New(validate.CodeXMLUnknownElement, d.here(activeDataRoot)).WithParams(validate.Params{Name: "text"}))
			}
		case xmlscan.EndElement:
			d.closed = true
		case xmlscan.StartElement:
			if d.closed {
				d.err = d.fatal(validate.CodeXMLSyntax, "a second root element")
				return nil, d.err
			}
			if len(d.sc.Prefix()) == 0 && string(d.sc.Local()) == activeDataRecord {
				rec := d.record()
				if d.err != nil && d.err != io.EOF {
					return nil, d.err
				}
				return rec, nil
			}
			name := string(d.sc.Name())
			d.docIssue(validate.New(validate.CodeXMLUnknownElement, d.here(activeDataRoot+"/"+name)).WithParams(validate.Params{Name: name}))
			d.skip()
		}
	}
}

// All yields the records in order, stopping at the first error, which it
// yields with a nil record.
func (d *ActiveDataDecoder) All() iter.Seq2[*ActiveDataRecord, error] {
	return func(yield func(*ActiveDataRecord, error) bool) {
		for {
			rec, err := d.Next()
			if err == io.EOF {
				return
			}
			if !yield(rec, err) || err != nil {
				return
			}
		}
	}
}

func (d *ActiveDataDecoder) here(path string) validate.Where {
	return validate.Where{Document: d.opts.Document, Line: d.sc.Line(), Path: path}
}

// activeDataRec collects one record while it is read.
type activeDataRec struct {
	d   *ActiveDataDecoder
	rec *ActiveDataRecord
}

func (r activeDataRec) add(code validate.Code, path, field, value string, p validate.Params) {
	if len(r.rec.Issues) >= r.d.opts.Limits.MaxIssues {
		return
	}
	w := r.rec.Where
	w.Line = r.d.sc.Line()
	if path != "" {
		w.Path += "/" + path
	}
	is := validate.New(code, w).WithField(field).WithParams(p)
	if value != "" {
		is = is.WithValue(value)
	}
	r.rec.Issues = append(r.rec.Issues, is)
}

// unknown reports the element just opened and skips it.
func (r activeDataRec) unknown(path string) {
	name := string(r.d.sc.Name())
	if path != "" {
		path += "/"
	}
	r.add(validate.CodeXMLUnknownElement, path+name, "", "", validate.Params{Name: name})
	r.d.skip()
}

// leaf reads the text of the element just opened up to its end tag.
func (r activeDataRec) leaf(path string) string {
	d := r.d
	d.buf = d.buf[:0]
	for {
		switch d.next() {
		case xmlscan.None, xmlscan.EndElement:
			return string(d.buf)
		case xmlscan.CharData:
			d.buf = append(d.buf, d.sc.Text()...)
		case xmlscan.StartElement:
			n := len(d.buf)
			r.unknown(path)
			d.buf = d.buf[:n]
		}
	}
}

// record reads the customer-active-data element just opened.
func (d *ActiveDataDecoder) record() *ActiveDataRecord {
	d.count++
	base := activeDataRoot + "/" + activeDataRecord
	rec := &ActiveDataRecord{Where: validate.Where{Document: d.opts.Document, Record: d.count, Line: d.sc.Line(), Path: base}}
	r := activeDataRec{d: d, rec: rec}
	hasNo := false
	for _, a := range d.sc.Attrs() {
		switch {
		case len(a.Prefix) == 0 && string(a.Local) == "customer-no":
			hasNo = true
			rec.CustomerNo = string(a.Value)
		case len(a.Prefix) == 0 && string(a.Local) == "xmlns", string(a.Prefix) == "xmlns", string(a.Prefix) == "xml":
		default:
			r.add(validate.CodeXMLUnknownElement, "@"+string(a.Name), "", "", validate.Params{Name: string(a.Name)})
		}
	}
	switch {
	case !hasNo:
		r.add(validate.CodeXMLMissing, "@customer-no", "customerNo", "", validate.Params{Name: "customer-no"})
	default:
		activeDataCheckNumber(r, rec.CustomerNo)
	}
	var seen [len(activeDataFields)]bool
	for {
		switch d.next() {
		case xmlscan.None, xmlscan.EndElement:
			for i, f := range activeDataFields {
				if !seen[i] && f.kind != activeDataDateTime {
					r.add(validate.CodeXMLMissing, f.elem, f.field, "", validate.Params{Name: f.elem})
				}
			}
			return rec
		case xmlscan.CharData:
			if !activeDataBlank(d.sc.Text()) {
				r.add(validate.CodeXMLUnknownElement, "", "", "", validate.Params{Name: "text"})
			}
		case xmlscan.StartElement:
			i := -1
			if len(d.sc.Prefix()) == 0 {
				local := string(d.sc.Local())
				for j := range activeDataFields {
					if activeDataFields[j].elem == local {
						i = j
						break
					}
				}
			}
			if i < 0 {
				r.unknown("")
				continue
			}
			if seen[i] {
				r.add(validate.CodeXMLUnknownElement, activeDataFields[i].elem, activeDataFields[i].field, "",
					validate.Params{Name: activeDataFields[i].elem + " (a second time)"})
				d.skip()
				continue
			}
			seen[i] = true
			r.field(&activeDataFields[i])
		}
	}
}

// activeDataCheckNumber checks a customer-no against
// Generic.NonEmptyString.256: 1 to 256 characters, no white space at
// either end, no line break.
func activeDataCheckNumber(r activeDataRec, no string) {
	switch {
	case no == "":
		r.add(validate.CodeRequired, "@customer-no", "customerNo", "", validate.Params{})
	case utf8.RuneCountInString(no) > validate.MaxXSDString:
		r.add(validate.CodeTooLong, "@customer-no", "customerNo", no, validate.Params{Max: validate.MaxXSDString, Got: utf8.RuneCountInString(no)})
	case strings.TrimSpace(no) != no:
		r.add(validate.CodeWhitespace, "@customer-no", "customerNo", no, validate.Params{})
	case strings.ContainsAny(no, "\r\n"):
		r.add(validate.CodeControlCharacter, "@customer-no", "customerNo", no, validate.Params{})
	}
}

// field reads one child element into the record's data.
func (r activeDataRec) field(f *activeDataField) {
	a := &r.rec.Data
	switch f.kind {
	case activeDataInt:
		s := r.leaf(f.elem)
		n, code := validate.IntegerBits(s, 32)
		if code != "" {
			r.add(validate.CodeInvalidNumber, f.elem, f.field, s, validate.Params{})
			return
		}
		*f.int(a) = int(n)
	case activeDataDouble:
		s := r.leaf(f.elem)
		v, ok := activeDataParseDouble(s)
		if !ok {
			r.add(validate.CodeInvalidValue, f.elem, f.field, s, validate.Params{Expected: "an xsd:double such as 12.5"})
			return
		}
		*f.float(a) = v
	case activeDataDateTime:
		s := r.leaf(f.elem)
		t, ok := activeDataParseDateTime(s)
		if !ok {
			r.add(validate.CodeInvalidDate, f.elem, f.field, s, validate.Params{})
			return
		}
		a.LastOrderDate = t
	case activeDataList:
		item := activeDataItem(f.elem)
		list := f.list(a)
		*list = []string{}
		for {
			switch r.d.next() {
			case xmlscan.None, xmlscan.EndElement:
				return
			case xmlscan.CharData:
				if !activeDataBlank(r.d.sc.Text()) {
					r.add(validate.CodeXMLUnknownElement, f.elem, f.field, "", validate.Params{Name: "text"})
				}
			case xmlscan.StartElement:
				if len(r.d.sc.Prefix()) > 0 || string(r.d.sc.Local()) != item {
					r.unknown(f.elem)
					continue
				}
				*list = append(*list, r.leaf(f.elem+"/"+item))
			}
		}
	}
}

// activeDataParseDouble reads an xsd:double: decimal or exponent notation,
// INF, -INF or NaN, white space around ignored.
func activeDataParseDouble(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	switch s {
	case "INF", "+INF":
		return math.Inf(1), true
	case "-INF":
		return math.Inf(-1), true
	case "NaN":
		return math.NaN(), true
	}
	if ok, _ := validate.NumberForm(s); !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return v, true
}

// activeDataParseDateTime reads an xsd:dateTime; one without a zone is
// taken as UTC.
func activeDataParseDateTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// ActiveDataEncoder writes a customer-active-data-list document one record
// at a time, valid against customeractivedata.xsd and deterministic: the
// same records give the same bytes. Create it with NewActiveDataEncoder and
// finish with Close.
type ActiveDataEncoder struct {
	w       *bufio.Writer
	started bool
	closed  bool
	err     error
}

// NewActiveDataEncoder returns an encoder writing to w.
func NewActiveDataEncoder(w io.Writer) *ActiveDataEncoder {
	return &ActiveDataEncoder{w: bufio.NewWriterSize(w, 64<<10)}
}

// ErrActiveDataValue: a value the schema cannot carry, such as a customer
// number with white space at an end, an integer beyond xsd:int, or a last
// order date outside the years 1 to 9999. WriteActiveData returns it
// wrapped, naming the customer and field, and writes nothing of that
// record.
var ErrActiveDataValue = errors.New("xmlio: active data value not valid in customeractivedata.xsd")

func (e *ActiveDataEncoder) start() {
	if e.started || e.err != nil {
		return
	}
	e.started = true
	_, e.err = e.w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<" + activeDataRoot + ` xmlns="` + NSActiveData + `">` + "\n")
}

// WriteActiveData writes one <customer-active-data> record for customer
// number no: every system field of a, in the schema's order, and
// last-order-date only when a has one. a.Custom is not written: the schema
// has no place for it. A nil a writes a record of zeros and empty lists.
// It returns an error wrapping ErrActiveDataValue for a value the schema
// cannot carry (nothing of the record is written then), ErrOrder after
// Close, and write errors.
func (e *ActiveDataEncoder) WriteActiveData(no string, a *customer.ActiveData) error {
	if e.closed {
		return fmt.Errorf("%w: the encoder is closed", ErrOrder)
	}
	if a == nil {
		a = &customer.ActiveData{}
	}
	if err := activeDataCheckValues(no, a); err != nil {
		return err
	}
	e.start()
	if e.err != nil {
		return e.err
	}
	w := e.w
	w.WriteString(`    <` + activeDataRecord + ` customer-no="`)
	activeDataEscape(w, no)
	w.WriteString("\">\n")
	var num []byte
	for i := range activeDataFields {
		f := &activeDataFields[i]
		switch f.kind {
		case activeDataInt:
			num = strconv.AppendInt(num[:0], int64(*f.int(a)), 10)
		case activeDataDouble:
			num = activeDataAppendDouble(num[:0], *f.float(a))
		case activeDataDateTime:
			if a.LastOrderDate.IsZero() {
				continue
			}
			num = a.LastOrderDate.UTC().AppendFormat(num[:0], time.RFC3339Nano)
		case activeDataList:
			list := *f.list(a)
			if len(list) == 0 {
				w.WriteString("        <" + f.elem + "/>\n")
				continue
			}
			item := activeDataItem(f.elem)
			w.WriteString("        <" + f.elem + ">\n")
			for _, v := range list {
				w.WriteString("            <" + item + ">")
				activeDataEscape(w, v)
				w.WriteString("</" + item + ">\n")
			}
			w.WriteString("        </" + f.elem + ">\n")
			continue
		}
		w.WriteString("        <" + f.elem + ">")
		w.Write(num)
		w.WriteString("</" + f.elem + ">\n")
	}
	_, e.err = w.WriteString("    </" + activeDataRecord + ">\n")
	return e.err
}

// activeDataCheckValues finds what the schema cannot carry.
func activeDataCheckValues(no string, a *customer.ActiveData) error {
	bad := func(field, why string) error {
		return fmt.Errorf("%w: customer %q, %s: %s", ErrActiveDataValue, no, field, why)
	}
	switch {
	case no == "" || strings.TrimSpace(no) != no || strings.ContainsAny(no, "\r\n"):
		return bad("customer-no", "empty, with white space at an end, or with a line break")
	case utf8.RuneCountInString(no) > validate.MaxXSDString:
		return bad("customer-no", "longer than 256 characters")
	}
	for i := range activeDataFields {
		f := &activeDataFields[i]
		if f.kind == activeDataInt {
			if n := *f.int(a); n < math.MinInt32 || n > math.MaxInt32 {
				return bad(f.elem, "beyond the range of xsd:int")
			}
		}
	}
	if t := a.LastOrderDate; !t.IsZero() {
		if y := t.UTC().Year(); y < 1 || y > 9999 {
			return bad("last-order-date", "outside the years 1 to 9999")
		}
	}
	return nil
}

// activeDataAppendDouble writes an xsd:double: the shortest text that reads
// back as v, INF, -INF or NaN.
func activeDataAppendDouble(b []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, "NaN"...)
	case math.IsInf(v, 1):
		return append(b, "INF"...)
	case math.IsInf(v, -1):
		return append(b, "-INF"...)
	case v == 0:
		return append(b, '0')
	}
	if a := math.Abs(v); a >= 1e-6 && a < 1e21 {
		return strconv.AppendFloat(b, v, 'f', -1, 64)
	}
	return strconv.AppendFloat(b, v, 'E', -1, 64)
}

// activeDataEscape writes s as XML text or attribute value; characters XML
// cannot carry become U+FFFD.
func activeDataEscape(w *bufio.Writer, s string) {
	_ = xml.EscapeText(w, []byte(s))
}

// Close ends the document and flushes it; a document with no records is
// written as an empty list. It returns the first write error.
func (e *ActiveDataEncoder) Close() error {
	if e.closed {
		return e.err
	}
	e.start()
	e.closed = true
	if e.err == nil {
		_, e.err = e.w.WriteString("</" + activeDataRoot + ">\n")
	}
	if e.err == nil {
		e.err = e.w.Flush()
	}
	return e.err
}

// ExportActiveData writes the system active data of the customers of repo
// that pass opts.Filter and have a number and active data, as a
// customer-active-data-list document, in the repository's listing order.
// Merchant-defined values (ActiveData.Custom) have no place in
// customeractivedata.xsd; export them per feed with activedata.ExportCSV.
// It returns the number of records written, an error wrapping
// ErrActiveDataValue for a customer whose data the schema cannot carry, and
// the first error of the listing or of w.
func ExportActiveData(ctx context.Context, w io.Writer, repo customer.Repository, opts ExportOptions) (int, error) {
	enc := NewActiveDataEncoder(w)
	n := 0
	for c, err := range repo.List(ctx, opts.Filter) {
		if err != nil {
			return n, err
		}
		if c.ActiveData == nil || c.Number == "" {
			continue
		}
		if err := enc.WriteActiveData(c.Number, c.ActiveData); err != nil {
			return n, err
		}
		n++
	}
	return n, enc.Close()
}

// ActiveDataImportOptions configure ImportActiveData. The zero value updates
// customers of the default list and skips invalid records.
type ActiveDataImportOptions struct {
	// Options are the settings every import shares. Active data belongs
	// to existing customers, so only impex.ModeMerge and impex.ModeUpdate apply, and
	// both update existing customers only.
	impex.Options
	// Document names the document in issue locations.
	Document string
	// List is the customer list whose numbers the document names.
	List string
	// Limits bound the document; see Limits.
	Limits Limits
}

// ImportActiveData reads a customer-active-data-list document from r and
// sets the system active data of the customers it names: each record
// replaces the customer's system fields with the record's (an absent
// last-order-date clears it) and keeps the merchant-defined values in
// ActiveData.Custom. A customer-no that names no customer rejects the
// record (validate.CodeUnknownCustomer), as do a missing or malformed
// element and the same customer-no twice in one document.
//
// The result is never nil. ImportActiveData returns a *impex.FileError
// for a document it cannot read (its issues are in the report; records
// before the failure may have been applied, as the result says) and for a
// mode other than merge or update (wrapping impex.ErrMode), and a
// *impex.FatalError when the repository fails or ctx ends, with the
// result so far; errors.Is(err, context.Canceled) holds for a cancelled
// import.
func ImportActiveData(ctx context.Context, repo customer.Repository, r io.Reader, opts ActiveDataImportOptions) (*impex.Result, error) {
	res := &impex.Result{DryRun: opts.DryRun}
	fail := func(err error) (*impex.Result, error) {
		res.Err = stopError(ctx, &res.Report, err)
		return res, res.Err
	}
	if opts.Mode != impex.ModeMerge && opts.Mode != impex.ModeUpdate {
		return fail(pipeline.FileError(fmt.Errorf("%w: active data is merged or updated, not %v", impex.ErrMode, opts.Mode)))
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	d := NewActiveDataDecoder(r, DecodeOptions{Document: opts.Document, Limits: opts.Limits})
	if err := d.Begin(); err != nil {
		return fail(err)
	}
	items := func(yield func(pipeline.Item, error) bool) {
		for rec, err := range d.All() {
			if err != nil {
				yield(pipeline.Item{}, err)
				return
			}
			if !yield(activeDataItemOf(repo, opts.List, rec), nil) {
				return
			}
		}
	}
	po := opts.Options
	po.Mode = impex.ModeUpdate
	res, err := pipeline.Run(ctx, repo, items, po, 0)
	res.Report.Add(d.Issues()...)
	if err != nil {
		return fail(err)
	}
	return res, nil
}

// activeDataItemOf turns a record into a pipeline item.
func activeDataItemOf(repo customer.Repository, list string, rec *ActiveDataRecord) pipeline.Item {
	it := pipeline.Item{Where: rec.Where, Issues: rec.Issues}
	if rec.CustomerNo != "" {
		it.Keys = []pipeline.Key{{Kind: "customer-no", Value: rec.CustomerNo}}
	}
	data := rec.Data
	it.Plan = func(ctx context.Context) (pipeline.Plan, []validate.Issue, error) {
		c, err := repo.ByNumber(ctx, list, rec.CustomerNo)
		if errors.Is(err, customer.ErrNotFound) {
			w := rec.Where
			w.Path += "/@customer-no"
			return pipeline.Plan{Action: impex.ActionReject}, []validate.Issue{
				validate.New(validate.CodeUnknownCustomer, w).WithField("customerNo").WithValue(rec.CustomerNo)}, nil
		}
		if err != nil {
			return pipeline.Plan{}, nil, err
		}
		before := c.Clone()
		next := data
		if c.ActiveData != nil {
			next.Custom = c.ActiveData.Custom
		}
		c.ActiveData = &next
		if customer.Equal(before, c) {
			return pipeline.Plan{Action: impex.ActionUnchanged, CustomerID: c.ID}, nil, nil
		}
		return pipeline.Plan{Action: impex.ActionUpdate, Op: customer.Put(c), CustomerID: c.ID}, nil, nil
	}
	return it
}
