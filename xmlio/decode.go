package xmlio

import (
	"bytes"
	"errors"
	"io"
	"iter"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/internal/xmlscan"
	"github.com/impexkit/impex/validate"
)

// Limits bound what one document may ask of the reader; see the fields. A
// zero field takes its default. Documents are untrusted input: these keep
// a hostile one from taking unbounded memory.
type Limits struct {
	// MaxDepth is the deepest element nesting; default 256.
	MaxDepth int
	// MaxNameLen is the longest element or attribute name in bytes;
	// default 1024.
	MaxNameLen int
	// MaxAttrs is the most attributes on one element; default 256.
	MaxAttrs int
	// MaxTokenSize is the largest tag, text run or comment in bytes;
	// default 4 MiB.
	MaxTokenSize int
	// MaxIssues is the most issues kept for one record or for the
	// document outside records; default 100. Later ones are dropped.
	MaxIssues int
}

// DecodeOptions configure a Decoder. The zero value is usable, but plain
// passwords are then hashed with customer.PasswordHasher's production
// parameters, which is deliberately slow.
type DecodeOptions struct {
	// Document names the document in issue locations, such as its file
	// name.
	Document string
	// Hasher hashes plain-text passwords (encrypted="false") and password
	// answers as they are read, so no plain secret outlives its element.
	Hasher customer.PasswordHasher
	Limits Limits
}

// Decoder reads an SFCC document one record at a time. Create it with
// NewDecoder; it is not safe for concurrent use.
type Decoder struct {
	sc     *xmlscan.Scanner
	opts   DecodeOptions
	doc    DocumentKind
	root   string // root element name, for paths
	listID string
	begun  bool
	closed bool // the root's end tag was read
	err    error
	issues []validate.Issue
	count  [countKinds]int    // records of each kind read so far
	bases  [countKinds]string // the path of each kind of record element
	seen   struct{ header, customer, assignment bool }
	buf    []byte // collects text split across tokens
	texts  texts  // the strings of leaf values
	// addrs and said collect a customer's addresses, and whether each
	// said if it is preferred, before they are copied out at their count.
	addrs []customer.Address
	said  []bool
	// spare holds the customer records an import has planned, to decode
	// into again; nil for a decoder of its own.
	spare *sync.Pool
	// at is the offset in the document of the first byte of d's input:
	// not 0 for a decoder reading a part of it.
	at int64
}

// docHead is what a decoder learned from the start of a document that a
// decoder reading a later part of it needs.
type docHead struct {
	root         []byte // the root's name, as the scanner holds it
	doc          DocumentKind
	name, listID string
}

// head returns d's docHead; d has begun its document.
func (d *Decoder) head() docHead {
	return docHead{root: slices.Clone(d.sc.Root()), doc: d.doc, name: d.root, listID: d.listID}
}

// resume makes d read r, the part of h's document from offset at on, as
// the content of its root, from the start of a child: records and lines
// count from 1 again.
func (d *Decoder) resume(r io.Reader, at int64, h docHead) {
	d.sc.Reset(r)
	d.sc.SkipLayout(true)
	d.sc.Enter(h.root)
	d.at, d.begun, d.doc, d.root, d.listID = at, true, h.doc, h.name, h.listID
	d.err, d.closed, d.issues, d.count = nil, false, nil, [countKinds]int{}
}

// Record counters, indexes into Decoder.count.
const (
	countCustomer = iota
	countAssignment
	countList
	countPayment
	countGroup
	countSlot
	countSlotCampaign
	countActiveData
	countKinds
)

// NewDecoder returns a decoder reading r.
func NewDecoder(r io.Reader, opts DecodeOptions) *Decoder {
	if opts.Limits.MaxIssues <= 0 {
		opts.Limits.MaxIssues = 100
	}
	lim := xmlscan.Limits{MaxDepth: opts.Limits.MaxDepth, MaxNameLen: opts.Limits.MaxNameLen,
		MaxAttrs: opts.Limits.MaxAttrs, MaxTokenSize: opts.Limits.MaxTokenSize}
	sc := xmlscan.New(r, lim)
	sc.SkipLayout(true)
	return &Decoder{sc: sc, opts: opts}
}

// Document reads up to the root element and names the document. It returns
// a *impex.FileError for a document that cannot be read (see Errors in the package
// documentation), for a root this package does not decode
// (impex.ErrFormat; the kind is still returned when known), and for a
// customer-list or customer-lists entry without its list-id
// (impex.ErrDamaged). Calling it again returns the same answer.
func (d *Decoder) Document() (DocumentKind, error) {
	if !d.begun {
		d.begun = true
		d.begin()
	}
	return d.doc, d.err
}

// ListID returns the list-id of a customer-list document's root.
func (d *Decoder) ListID() string { return d.listID }

// Issues returns the issues found outside any record, such as an unknown
// element between records.
func (d *Decoder) Issues() []validate.Issue { return d.issues }

func (d *Decoder) begin() {
	if d.err = d.readRoot(); d.err != nil {
		return
	}
	switch d.doc {
	case DocCustomers, DocCustomerList, DocCustomerLists, DocPaymentInstruments:
	default:
		d.err = d.fatal(validate.CodeXMLRoot, d.root)
		return
	}
	if d.doc == DocCustomerList {
		id, ok := attr(d.sc, "list-id")
		if !ok || len(id) == 0 {
			d.err = d.fatal(validate.CodeXMLMissing, "list-id")
			return
		}
		d.listID = string(id)
	}
}

// readRoot reads up to the root element and names the document (d.root,
// d.doc), for every decoder of this package. It returns a
// *impex.FileError for input that is not XML, for text before the root,
// for no root at all, and for a root with a namespace prefix: the names
// inside are looked up unprefixed, and a prefixed document is valid XML
// but not what SFCC writes. The caller checks the kind.
func (d *Decoder) readRoot() error {
	for {
		k, err := d.sc.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return d.fatal(validate.CodeXMLNoRoot, "")
			}
			return docError(d.opts.Document, err)
		}
		switch k {
		case xmlscan.CharData:
			if !blank(d.sc.Text()) {
				return d.fatal(validate.CodeNotXML, "text before the root element")
			}
		case xmlscan.StartElement:
			d.root = string(d.sc.Name())
			d.doc = DetectDocument(string(d.sc.Local()), defaultNamespace(d.sc))
			if len(d.sc.Prefix()) > 0 {
				return d.fatal(validate.CodeXMLRoot, d.root)
			}
			return nil
		}
	}
}

// blank reports whether b is XML white space only. A leading byte order
// mark counts as blank too.
func blank(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	for _, c := range b {
		if c != ' ' && c != '\n' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

func (d *Decoder) fatal(code validate.Code, name string) error {
	return docFail(code, validate.Where{Document: d.opts.Document, Line: d.sc.Line()}, name)
}

// Next returns the next record, io.EOF after the last one, or an error that
// stops the document: a *impex.FileError, also for an input that could not
// be read.
// Problems confined to one record are that record's issues, not errors; an
// unknown element between records is skipped and listed in Issues.
func (d *Decoder) Next() (Record, error) {
	if _, err := d.Document(); err != nil {
		return nil, err
	}
	return nextRecord(d, d.record)
}

// All yields the records of the document in order, stopping at the first
// error, which it yields with a nil record.
func (d *Decoder) All() iter.Seq2[Record, error] { return allRecords(d.Next) }

// nextRecord reads to the next record of d's begun document: read decodes
// the element just opened, named name, or reports false for one that is
// not a record of the document, which is then listed in d's issues and
// skipped. At the end it returns io.EOF, or the error that stopped the
// document.
func nextRecord[R any](d *Decoder, read func(name string) (R, bool)) (R, error) {
	var zero R
	for nextChild(d) {
		rec, ok := read(d.elem())
		if !ok {
			d.unknownChild()
			continue
		}
		if d.err != nil && d.err != io.EOF {
			return zero, d.err
		}
		return rec, nil
	}
	return zero, d.err
}

// allRecords turns a decoder's Next into an iterator that stops at io.EOF
// or after yielding the first error.
func allRecords[R any](next func() (R, error)) iter.Seq2[R, error] {
	return func(yield func(R, error) bool) {
		for {
			rec, err := next()
			if err == io.EOF {
				return
			}
			if !yield(rec, err) || err != nil {
				return
			}
		}
	}
}

// next reads a token; on an error it sets d.err (io.EOF at the clean end)
// and returns None.
func (d *Decoder) next() xmlscan.Kind {
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

// elem returns the current element's local name, or "" for a prefixed one
// so that it matches no case of a switch.
func (d *Decoder) elem() string {
	if len(d.sc.Prefix()) > 0 {
		return ""
	}
	if s, ok := elementNames.find(d.sc.Local()); ok {
		return s
	}
	return string(d.sc.Local())
}

// nameTable finds a name among a fixed set of strings and returns the
// set's own string, so that naming an element read costs no allocation.
// It is a map that hashes only four bytes of a name, since every
// element of a document is looked up: the name's length and first, middle
// and last bytes pick a slot, and a name that finds its slot taken goes
// to the next free one.
type nameTable [nameSlots]string

// nameSlots is the size of a nameTable, a power of two.
const nameSlots = 512

// nameSlot is where name starts looking in a nameTable; name has at least
// two bytes.
func nameSlot(name []byte) uint {
	n := len(name)
	return (uint(n)*0x3b ^ uint(name[0])*0x11 ^ uint(name[n-1])*0x65 ^ uint(name[n/2])*0xd3 ^ uint(name[n-2])*0x07) % nameSlots
}

// add puts name in t. The set is fixed and far smaller than t, so a free
// slot is always found.
func (t *nameTable) add(name string) {
	h := nameSlot([]byte(name))
	for t[h] != "" && t[h] != name {
		h = (h + 1) % nameSlots
	}
	t[h] = name
}

// find returns t's string equal to name, if t holds one.
func (t *nameTable) find(name []byte) (string, bool) {
	if len(name) < 2 {
		return "", false
	}
	for h := nameSlot(name); t[h] != ""; h = (h + 1) % nameSlots {
		if string(name) == t[h] {
			return t[h], true
		}
	}
	return "", false
}

// elementNames holds the names of every element this package reads. None
// is shorter than two bytes, which nameSlot needs.
var elementNames = func() *nameTable {
	t := new(nameTable)
	for _, n := range strings.Fields(`customer credentials profile external-profiles external-profile
		addresses address customer-groups customer-group note global-party-id login password enabled-flag
		password-question password-answer provider-id external-id salutation title first-name second-name
		last-name suffix company-name job-title email email-verified-flag phone-home phone-business
		phone-mobile fax birthday gender creation-date last-login-time last-visit-time preferred-locale
		customer-payment-profiles customer-payment-profile custom-attributes custom-attribute value
		address1 address2 suite postbox city postal-code state-code country-code phone group-assignment
		header customer-list description data-retention-days customerno-sequence-enabled
		customer-lockout-enabled max-failed-logins lockout-effective-period customer-login-attempt-reset-time
		min-password-length min-password-special-chars force-password-contains-alpha
		force-password-contains-numeric force-password-mixed-case max-password-age
		max-password-reset-token-age payment-instruments payment-instrument credit-card bank-transfer bml
		gift-certificate custom-method ek-id card-type card-number card-token card-holder from-month
		from-year expiration-month expiration-year issue-number account-number account-holder
		routing-number drivers-license drivers-license-state-code giftcertificate-id method-name
		customer-active-data category product`) {
		t.add(n)
	}
	for _, f := range activeDataFields {
		t.add(f.elem)
	}
	return t
}()

// record decodes the record element just opened, named name; it reports
// false for an element that is not a record of the document.
func (d *Decoder) record(name string) (Record, bool) {
	switch {
	case name == "customer" && (d.doc == DocCustomers || d.doc == DocCustomerList):
		if d.seen.assignment {
			d.docIssue(validate.New(validate.CodeXMLUnknownElement, d.here(d.root+"/customer")).
				WithParams(validate.Params{Name: "customer after group-assignment"}))
		}
		d.seen.customer = true
		return d.customer(), true
	case name == "group-assignment" && d.doc == DocCustomers:
		d.seen.assignment = true
		return d.assignment(), true
	case name == "header" && d.doc == DocCustomerList && !d.seen.header && !d.seen.customer:
		d.seen.header = true
		return d.header(), true
	case name == "customer-list" && d.doc == DocCustomerLists:
		return d.listEntry(), true
	case name == "customer" && d.doc == DocPaymentInstruments:
		return d.paymentCustomer(), true
	}
	return nil, false
}

// unknownChild lists the element just opened, directly inside the root, as
// unknown and skips it.
func (d *Decoder) unknownChild() {
	name := string(d.sc.Name())
	d.docIssue(validate.New(validate.CodeXMLUnknownElement, d.here(d.root+"/"+name)).
		WithParams(validate.Params{Name: name}))
	d.skip()
}

func (d *Decoder) docIssue(is validate.Issue) {
	if len(d.issues) < d.opts.Limits.MaxIssues {
		d.issues = append(d.issues, is)
	}
}

// here locates an element at the current line outside any record.
func (d *Decoder) here(path string) validate.Where {
	return validate.Where{Document: d.opts.Document, Line: d.sc.Line(), Path: path}
}

// skip reads past the end of the element just opened.
func (d *Decoder) skip() {
	depth := d.sc.Depth() - 1
	for {
		if k := d.next(); k == xmlscan.None || k == xmlscan.EndElement && d.sc.Depth() == depth {
			return
		}
	}
}

// attr returns the value of the current element's unprefixed attribute.
func attr(sc *xmlscan.Scanner, local string) ([]byte, bool) {
	for _, a := range sc.Attrs() {
		if len(a.Prefix) == 0 && string(a.Local) == local {
			return a.Value, true
		}
	}
	return nil, false
}

// deleteMode reads the mode attribute of the element the record started
// at: present, it asks for a delete, and any value but "delete" is
// reported at path.
func (r rec) deleteMode(path string) bool {
	mode, ok := attr(r.d.sc, "mode")
	if ok && string(mode) != "delete" {
		r.add(validate.CodeInvalidValue, path, "mode", string(mode), validate.Params{Name: "mode", Expected: "delete"})
	}
	return ok
}

// lang returns the current element's xml:lang.
func lang(sc *xmlscan.Scanner) string {
	for _, a := range sc.Attrs() {
		if string(a.Prefix) == "xml" && string(a.Local) == "lang" {
			return string(a.Value)
		}
	}
	return ""
}

// rec collects one record's location and issues while it is decoded.
type rec struct {
	d      *Decoder
	where  validate.Where
	base   string // the record element's path
	issues *[]validate.Issue
}

func (d *Decoder) newRec(kind int, issues *[]validate.Issue) rec {
	d.count[kind]++
	base := d.bases[kind]
	if base == "" || base[len(d.root)+1:] != string(d.sc.Name()) {
		base = d.root + "/" + string(d.sc.Name())
		d.bases[kind] = base
	}
	return rec{d: d, base: base, issues: issues,
		where: validate.Where{Document: d.opts.Document, Record: d.count[kind], Line: d.sc.Line(), Path: base}}
}

// add records an issue at path (relative to the record element) on the
// current line.
func (r rec) add(code validate.Code, path, field, value string, p validate.Params) {
	if len(*r.issues) >= r.d.opts.Limits.MaxIssues {
		return
	}
	w := r.where
	w.Line = r.d.sc.Line()
	if path != "" {
		w.Path = r.base + "/" + path
	}
	is := validate.New(code, w).WithField(field).WithParams(p)
	if value != "" {
		is = is.WithValue(value)
	}
	*r.issues = append(*r.issues, is)
}

// unknown reports the element just opened as unknown at path and skips it.
func (r rec) unknown(path string) {
	name := string(r.d.sc.Name())
	r.add(validate.CodeXMLUnknownElement, joinPath(path, name), "", "", validate.Params{Name: name})
	r.d.skip()
}

// text reports stray text inside an element that holds only elements.
func (r rec) text(path string) {
	if !blank(r.d.sc.Text()) {
		r.add(validate.CodeXMLUnknownElement, path, "", "", validate.Params{Name: "text"})
	}
}

func joinPath(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "/" + b
}

// children calls fn for each child element of the element just opened,
// with the child's local name ("" for a prefixed one); fn must consume the
// child. Text between children is reported. It returns when the element
// ends or the document fails.
func (r rec) children(path string, fn func(name string)) {
	for {
		switch r.d.next() {
		case xmlscan.None, xmlscan.EndElement:
			return
		case xmlscan.CharData:
			r.text(path)
		case xmlscan.StartElement:
			fn(r.d.elem())
		}
	}
}

// leaf reads the text content of the element just opened, up to its end
// tag. A child element inside is reported and skipped. The text shares a
// block of memory with other values (see texts).
func (r rec) leaf(dir, name string) string { return r.leafText(dir, name, false) }

// secret is leaf for a value no other may keep alive: a plain password or
// password answer gets a string of its own, so that a stored value of the
// same block does not hold it in memory after it is hashed.
func (r rec) secret(dir, name string) string { return r.leafText(dir, name, true) }

func (r rec) leafText(dir, name string, own bool) string {
	d := r.d
	str := func(b []byte) string {
		if own {
			return string(b)
		}
		return d.texts.string(b)
	}
	if d.err == nil {
		if t, ok, err := d.sc.LeafText(); ok {
			if err != nil {
				d.err = docError(d.opts.Document, err)
				return ""
			}
			return str(t)
		}
	}
	d.buf = d.buf[:0]
	for {
		switch d.next() {
		case xmlscan.None, xmlscan.EndElement:
			text := str(d.buf)
			if own {
				clear(d.buf) // a secret's bytes do not stay in the buffer
			}
			return text
		case xmlscan.CharData:
			d.buf = append(d.buf, d.sc.Text()...)
		case xmlscan.StartElement:
			r.unknown(joinPath(dir, name))
		}
	}
}

// str reads a leaf and checks its length against max characters (0 for no
// limit).
func (r rec) str(dir, name, field string, max int) string {
	s := r.leaf(dir, name)
	if max > 0 && len(s) > max {
		r.checkLen(joinPath(dir, name), field, s, max)
	}
	return s
}

func (r rec) checkLen(path, field, s string, max int) {
	if max > 0 && len(s) > max {
		if n := utf8.RuneCountInString(s); n > max {
			r.add(validate.CodeTooLong, path, field, s, validate.Params{Max: max, Got: n})
		}
	}
}

func (r rec) boolean(dir, name, field string) (bool, bool) {
	s := r.leaf(dir, name)
	b, ok := parseBool(s)
	if !ok {
		r.add(validate.CodeInvalidValue, joinPath(dir, name), field, s, validate.Params{Expected: xsdBoolean})
	}
	return b, ok
}

// xsdBoolean is what an xsd:boolean may be, for messages: the spreadsheet
// words of validate.CodeInvalidBoolean (TRUE or FALSE) do not hold here.
const xsdBoolean = "true, false, 1 or 0"

// parseBool reads an xsd:boolean.
func parseBool(s string) (bool, bool) {
	switch strings.TrimSpace(s) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// integer reads a leaf holding an XSD integer of bits bits (32 for
// xsd:int, 64 for xsd:long); false, with an issue, when it is not one.
func (r rec) integer(dir, name, field string, bits int) (int64, bool) {
	s := r.leaf(dir, name)
	n, code := validate.IntegerBits(s, bits)
	if code != "" {
		r.add(code, joinPath(dir, name), field, s, validate.Params{})
		return 0, false
	}
	return n, true
}

// double reads an xsd:double leaf; false, with an issue, when it is not
// one.
func (r rec) double(dir, name, field string) (float64, bool) {
	s := r.leaf(dir, name)
	v, ok := parseDouble(s)
	if !ok {
		r.add(validate.CodeInvalidValue, joinPath(dir, name), field, s, validate.Params{Expected: "an xsd:double such as 12.5"})
	}
	return v, ok
}

// parseDouble reads an xsd:double: decimal or exponent notation, INF, -INF
// or NaN, white space around ignored.
func parseDouble(s string) (float64, bool) {
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

// dateTime reads an xsd:dateTime leaf; an empty one is the zero time when
// optional, and an issue otherwise, as is any text that is not a dateTime.
func (r rec) dateTime(dir, name, field string, optional bool) time.Time {
	s := r.leaf(dir, name)
	t, ok := parseDateTime(s)
	if !ok || !optional && t.IsZero() && strings.TrimSpace(s) == "" {
		r.add(validate.CodeInvalidDate, joinPath(dir, name), field, s, validate.Params{Expected: "an xsd:dateTime such as 2015-05-18T19:19:51.983Z"})
	}
	return t
}

// checkNonEmptyString checks a Generic.NonEmptyString.256 value, such as a
// group-id or an active-data customer-no, at path (relative to the
// record): 1 to 256 characters, no white space at either end, no line
// break. It reports what is wrong and returns whether nothing is.
func checkNonEmptyString(r rec, path, field, s string) bool {
	switch {
	case strings.TrimSpace(s) == "":
		r.add(validate.CodeRequired, path, field, "", validate.Params{Name: field})
	case utf8.RuneCountInString(s) > validate.MaxXSDString:
		r.add(validate.CodeTooLong, path, field, s, validate.Params{Max: validate.MaxXSDString, Got: utf8.RuneCountInString(s)})
	case strings.TrimSpace(s) != s:
		r.add(validate.CodeWhitespace, path, field, s, validate.Params{})
	case strings.ContainsAny(s, "\r\n"):
		r.add(validate.CodeControlCharacter, path, field, s, validate.Params{})
	default:
		return true
	}
	return false
}

// again reports the element just opened as a second one of its kind and
// skips it.
func (r rec) again(name, field string) {
	r.add(validate.CodeXMLUnknownElement, name, field, "", validate.Params{Name: name + " (a second time)"})
	r.d.skip()
}

// parseDateTime reads an xsd:dateTime; one without a time zone is taken as
// UTC. The empty string is the zero time.
func parseDateTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// parseDate reads an xsd:date, with or without a time zone, as midnight UTC
// of that calendar date. The empty string is the zero time.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	if len(s) < 10 {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, s[:10])
	if err != nil {
		return time.Time{}, false
	}
	switch zone := s[10:]; {
	case zone == "" || zone == "Z":
	case len(zone) == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':':
		if _, err := time.Parse("-07:00", zone); err != nil {
			return time.Time{}, false
		}
	default:
		return time.Time{}, false
	}
	return t, true
}

// attributes reads a <custom-attributes> element.
func (r rec) attributes(path string) []customer.Attribute {
	var out []customer.Attribute
	r.children(path, func(name string) {
		if name != "custom-attribute" {
			r.unknown(path)
			return
		}
		out = append(out, r.attribute(path+"/custom-attribute"))
	})
	return out
}

// attribute reads one <custom-attribute>: either <value> children, each
// one value, or text content, one value unless it is blank.
func (r rec) attribute(path string) customer.Attribute {
	d := r.d
	var a customer.Attribute
	id, ok := attr(d.sc, "attribute-id")
	a.ID = string(id)
	if !ok || len(bytes.TrimSpace(id)) == 0 {
		r.add(validate.CodeXMLMissing, path, "attribute-id", "", validate.Params{Name: "attribute-id"})
	} else {
		r.checkLen(path, "attribute-id", a.ID, validate.MaxXSDString)
	}
	a.Lang = lang(d.sc)
	var text []byte
	children := false
	for {
		switch d.next() {
		case xmlscan.None, xmlscan.EndElement:
			if !children && !isSpaceOnly(string(text)) {
				a.Values = []string{string(text)}
			}
			return a
		case xmlscan.CharData:
			text = append(text, d.sc.Text()...)
		case xmlscan.StartElement:
			if d.elem() != "value" {
				r.unknown(path)
				continue
			}
			children = true
			a.Values = append(a.Values, r.leaf(path, "value"))
		}
	}
}
