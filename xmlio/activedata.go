package xmlio

// This file reads and writes customer-active-data-list documents
// (customeractivedata.xsd). Every identifier it adds to the package starts
// with activeData or ActiveData.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/internal/pipeline"
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

const activeDataRecord = "customer-active-data"

// ActiveDataDecoder reads a customer-active-data-list document one record
// at a time. Create it with NewActiveDataDecoder; it is not safe for
// concurrent use. It resolves no entities and applies opts.Limits.
type ActiveDataDecoder struct {
	d *Decoder
}

// NewActiveDataDecoder returns a decoder reading r. Of opts it uses
// Document and Limits.
func NewActiveDataDecoder(r io.Reader, opts DecodeOptions) *ActiveDataDecoder {
	return &ActiveDataDecoder{d: NewDecoder(r, opts)}
}

// Issues returns the problems found outside any record, such as an unknown
// element between records.
func (a *ActiveDataDecoder) Issues() []validate.Issue { return a.d.issues }

// Begin reads up to the root element. It returns a *impex.FileError for a
// document that cannot be read (see Errors in the package documentation),
// including a root that is not customer-active-data-list (in its namespace
// or none) and text before the root. Next calls it; calling it again
// returns the same answer.
func (a *ActiveDataDecoder) Begin() error { return beginDocument(a.d, DocActiveData) }

// Next returns the next record, io.EOF after the last one, or an error that
// stops the document: a *impex.FileError (see Begin; also for a second root
// or text after the root, and for an input that could not be read).
// Problems inside one record are its issues; an unknown element between
// records is skipped and listed in Issues.
func (a *ActiveDataDecoder) Next() (*ActiveDataRecord, error) {
	if err := a.Begin(); err != nil {
		return nil, err
	}
	return nextRecord(a.d, func(name string) (*ActiveDataRecord, bool) {
		if name != activeDataRecord {
			return nil, false
		}
		return a.record(), true
	})
}

// All yields the records in order, stopping at the first error, which it
// yields with a nil record.
func (a *ActiveDataDecoder) All() iter.Seq2[*ActiveDataRecord, error] { return allRecords(a.Next) }

// record reads the customer-active-data element just opened.
func (a *ActiveDataDecoder) record() *ActiveDataRecord {
	d := a.d
	out := &ActiveDataRecord{}
	r := d.newRec(countActiveData, &out.Issues)
	out.Where = r.where
	hasNo := false
	for _, at := range d.sc.Attrs() {
		switch {
		case len(at.Prefix) == 0 && string(at.Local) == "customer-no":
			hasNo = true
			out.CustomerNo = string(at.Value)
		case len(at.Prefix) == 0 && string(at.Local) == "xmlns", string(at.Prefix) == "xmlns", string(at.Prefix) == "xml":
		default:
			r.add(validate.CodeXMLUnknownElement, "@"+string(at.Name), "", "", validate.Params{Name: string(at.Name)})
		}
	}
	if hasNo {
		checkNonEmptyString(r, "@customer-no", "customerNo", out.CustomerNo)
	} else {
		r.add(validate.CodeXMLMissing, "@customer-no", "customerNo", "", validate.Params{Name: "customer-no"})
	}
	var seen [len(activeDataFields)]bool
	r.children("", func(name string) {
		i := slices.IndexFunc(activeDataFields[:], func(f activeDataField) bool { return f.elem == name })
		switch {
		case i < 0:
			r.unknown("")
		case seen[i]:
			r.again(name, activeDataFields[i].field)
		default:
			seen[i] = true
			activeDataFields[i].read(r, &out.Data)
		}
	})
	for i, f := range activeDataFields {
		if !seen[i] && f.kind != activeDataDateTime {
			r.add(validate.CodeXMLMissing, f.elem, f.field, "", validate.Params{Name: f.elem})
		}
	}
	return out
}

// read reads the element of f just opened into a.
func (f *activeDataField) read(r rec, a *customer.ActiveData) {
	switch f.kind {
	case activeDataInt:
		if n, ok := r.integer("", f.elem, f.field, 32); ok {
			*f.int(a) = int(n)
		}
	case activeDataDouble:
		if v, ok := r.double("", f.elem, f.field); ok {
			*f.float(a) = v
		}
	case activeDataDateTime:
		a.LastOrderDate = r.dateTime("", f.elem, f.field, false)
	case activeDataList:
		item := activeDataItem(f.elem)
		list := f.list(a)
		*list = []string{}
		r.children(f.elem, func(name string) {
			if name != item {
				r.unknown(f.elem)
				return
			}
			*list = append(*list, r.leaf(f.elem, item))
		})
	}
}

// ActiveDataEncoder writes a customer-active-data-list document one record
// at a time, valid against customeractivedata.xsd and deterministic: the
// same records give the same bytes. Create it with NewActiveDataEncoder and
// finish with Close.
type ActiveDataEncoder struct {
	e Encoder
}

// NewActiveDataEncoder returns an encoder writing to w.
func NewActiveDataEncoder(w io.Writer) *ActiveDataEncoder {
	return &ActiveDataEncoder{e: Encoder{w: bufio.NewWriterSize(w, 64<<10), doc: DocActiveData}}
}

// ErrActiveDataValue: a value the schema cannot carry, such as a customer
// number with white space at an end, an integer beyond xsd:int, or a last
// order date outside the years 1 to 9999. WriteActiveData returns it
// wrapped, naming the customer and field, and writes nothing of that
// record.
var ErrActiveDataValue = errors.New("xmlio: active data value not valid in customeractivedata.xsd")

// WriteActiveData writes one <customer-active-data> record for customer
// number no: every system field of a, in the schema's order, and
// last-order-date only when a has one. a.Custom is not written: the schema
// has no place for it. A nil a writes a record of zeros and empty lists.
// It returns an error wrapping ErrActiveDataValue for a value the schema
// cannot carry (nothing of the record is written then), ErrOrder after
// Close, and write errors.
func (ae *ActiveDataEncoder) WriteActiveData(no string, a *customer.ActiveData) error {
	e := &ae.e
	if e.closed {
		return fmt.Errorf("%w: the encoder is closed", ErrOrder)
	}
	if a == nil {
		a = &customer.ActiveData{}
	}
	if err := activeDataCheckValues(no, a); err != nil {
		return err
	}
	if err := e.start(); err != nil {
		return err
	}
	e.raw("    <" + activeDataRecord)
	e.attr("customer-no", no)
	e.raw(">\n")
	for i := range activeDataFields {
		f := &activeDataFields[i]
		switch f.kind {
		case activeDataInt:
			e.num = strconv.AppendInt(e.num[:0], int64(*f.int(a)), 10)
		case activeDataDouble:
			e.num = appendDouble(e.num[:0], *f.float(a))
		case activeDataDateTime:
			e.timeLeaf(2, f.elem, a.LastOrderDate)
			continue
		case activeDataList:
			list := *f.list(a)
			if len(list) == 0 {
				e.raw("        <" + f.elem + "/>\n")
				continue
			}
			item := activeDataItem(f.elem)
			e.raw("        <" + f.elem + ">\n")
			for _, v := range list {
				e.text(3, item, v)
			}
			e.raw("        </" + f.elem + ">\n")
			continue
		}
		e.numText(2, f.elem)
	}
	e.raw("    </" + activeDataRecord + ">\n")
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

// appendDouble writes an xsd:double: the shortest text that reads back as
// v, INF, -INF or NaN.
func appendDouble(b []byte, v float64) []byte {
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

// Close ends the document and flushes it; a document with no records is
// written as an empty list. It returns the first write error.
func (ae *ActiveDataEncoder) Close() error { return ae.e.Close() }

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
		res.Err = stopError(ctx, res, err)
		return res, res.Err
	}
	po, err := pipeline.UpdateOnly(opts.Options, "active data records")
	if err != nil {
		return fail(err)
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	dopts := DecodeOptions{Document: opts.Document, Limits: opts.Limits}
	if _, err := checkWhole(r, dopts, func(d *Decoder) error { return beginDocument(d, DocActiveData) }, nil); err != nil {
		return fail(err)
	}
	d := NewActiveDataDecoder(r, dopts)
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
	res, err = pipeline.Run(ctx, pipeline.NewLookups(repo), items, po, 0)
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
	w := rec.Where
	w.Path += "/@customer-no"
	data := rec.Data
	it.Plan = pipeline.UpdateNumbered(repo, list, rec.CustomerNo, w, "customerNo", func(c *customer.Customer) bool {
		before := c.Clone()
		next := data
		if c.ActiveData != nil {
			next.Custom = c.ActiveData.Custom
		}
		c.ActiveData = &next
		return !customer.Equal(before, c)
	})
	return it
}
