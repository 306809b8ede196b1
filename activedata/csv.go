package activedata

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/internal/pipeline"
	"github.com/impexkit/impex/validate"
)

// Default limits of a CSV import; see Limits.
const (
	DefaultMaxBytes    = 64 << 20
	DefaultMaxRows     = 1_000_000
	DefaultMaxFieldLen = 4096
	DefaultMaxColumns  = 1024
)

// Limits bound what a CSV import accepts from an untrusted file. A zero
// field takes its default.
type Limits struct {
	// MaxBytes is the largest file, in bytes; default DefaultMaxBytes.
	MaxBytes int64
	// MaxRows is the most data rows (header not counted); default
	// DefaultMaxRows.
	MaxRows int
	// MaxFieldLen is the longest cell, in characters; default
	// DefaultMaxFieldLen. A longer cell rejects its row.
	MaxFieldLen int
	// MaxColumns is the most columns of the header; default
	// DefaultMaxColumns.
	MaxColumns int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = DefaultMaxRows
	}
	if l.MaxFieldLen <= 0 {
		l.MaxFieldLen = DefaultMaxFieldLen
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = DefaultMaxColumns
	}
	return l
}

// ImportOptions configure ImportCSV. The zero value updates customers of
// the default list, skips invalid rows and applies the default Limits.
type ImportOptions struct {
	// Options are the settings every import shares. Feeds have no import
	// modes: Mode must be impex.ModeMerge or impex.ModeUpdate, which both
	// update existing customers only.
	impex.Options
	// Document names the file in issue locations (validate.Where.Sheet),
	// such as its file name.
	Document string
	// List is the customer list whose numbers the file names; "" for a
	// single-list store.
	List string
	// Limits bound the file.
	Limits Limits
}

// column is one column of a feed file.
type column struct {
	index  int
	header string
	attr   Attribute
}

// csvFile is a loaded file and its parsed header.
type csvFile struct {
	set   *FeedSet
	feed  Feed
	lim   Limits
	data  []byte
	body  int // offset of the first data row in data, after the header
	comma rune
	noCol int
	width int // cells in the header row
	rows  int // data rows, counted before the import
	cols  []column
	sheet string
}

// ImportCSV reads a CSV file of feed (one of set's feeds) from r and sets
// the feed's values of the customers it names.
//
// The file: a header row, then one row per customer. The header names the
// customer number column, CustomerNoColumn ("customerNo"), anywhere, and
// any of the feed's attributes by ID, each once, matched exactly; columns of
// other feeds or of no feed are refused. A row sets each attribute of the
// header to its cell's value, parsed by the attribute's type (see
// Type.Parse); an empty cell removes that attribute's value; attributes
// the header does not name keep theirs. Rows name existing customers only:
// a customer number that names none rejects the row, as does a value that
// does not parse or a row with a different number of cells than the
// header. The same number twice in one file rejects the later row.
//
// The reader takes what spreadsheet programs write: a UTF-8 byte order
// mark, CRLF line ends, quoted cells with separators, quotes and line
// breaks inside, and semicolon-separated files, detected from the header
// row (the separator is ; when the header has more semicolons than commas
// outside quotes). In a semicolon-separated file, a number may use a comma
// as its decimal point. Cells an export neutralised against formulas are
// read back as written (see Restore). Rows are numbered as a spreadsheet
// shows them: the header is row 1, and a line break inside a quoted cell
// does not start a new row.
//
// The file is read into memory, up to Limits.MaxBytes, and checked before
// anything is applied. The result is never nil. A problem with the file as
// a whole applies nothing and returns a *impex.FileError, whose issues the
// result's report holds too: over a limit (impex.ErrTooLarge), not UTF-8
// or not CSV (impex.ErrFormat), a bad header (impex.ErrHeader), an
// unknown feed (ErrUnknownFeed), a mode other than merge or update
// (impex.ErrMode), or a read error of r (wrapped, with
// validate.CodeUnreadable). Row problems reject rows as opts.Policy says
// and are issues in the report; the error is then nil. A repository
// failure or cancellation returns a *impex.FatalError with the result so
// far; errors.Is(err, context.Canceled) holds for a cancelled import.
func ImportCSV(ctx context.Context, repo customer.Repository, set *FeedSet, feed string, r io.Reader, opts ImportOptions) (*impex.Result, error) {
	res := &impex.Result{DryRun: opts.DryRun}
	fail := func(err error) (*impex.Result, error) {
		var fe *impex.FileError
		if errors.As(err, &fe) && ctx.Err() == nil {
			res.Report.Add(fe.Issues...)
		} else {
			err = pipeline.Fatal(ctx, validate.Where{}, err)
		}
		res.Err = err
		return res, err
	}
	po, err := pipeline.UpdateOnly(opts.Options, "feeds")
	if err != nil {
		return fail(err)
	}
	f, ok := set.Feed(feed)
	if !ok {
		return fail(pipeline.FileError(fmt.Errorf("%w: %q", ErrUnknownFeed, feed)))
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	file := &csvFile{set: set, feed: f, lim: opts.Limits.withDefaults(), sheet: opts.Document}
	for _, step := range []func() *impex.FileError{func() *impex.FileError { return file.load(r) }, file.header, file.count} {
		if fe := step(); fe != nil {
			return fail(fe)
		}
	}
	return pipeline.Run(ctx, pipeline.NewLookups(repo), file.items(repo, opts.List), po, file.rows)
}

// where locates a cell: row as the file shows it, col 0-based.
func (f *csvFile) where(row, col int, header string) validate.Where {
	w := validate.Where{Sheet: f.sheet, Row: row, Header: header}
	if col >= 0 {
		w.Column = validate.ColumnLetter(col)
	}
	return w
}

// load reads the file into memory within MaxBytes, drops a byte order mark
// and checks the encoding.
func (f *csvFile) load(r io.Reader) *impex.FileError {
	data, err := io.ReadAll(io.LimitReader(r, f.lim.MaxBytes+1))
	if err != nil {
		return pipeline.FileError(err, validate.New(validate.CodeUnreadable, f.where(0, -1, "")).
			WithParams(validate.Params{Expected: err.Error()}))
	}
	if int64(len(data)) > f.lim.MaxBytes {
		return &impex.FileError{Err: fmt.Errorf("%w: larger than %d bytes", impex.ErrTooLarge, f.lim.MaxBytes), Issues: []validate.Issue{validate.New(validate.CodeFileTooLarge, f.where(0, -1, "")).WithParams(validate.Params{Max: int(min(f.lim.MaxBytes, 1<<62))})}}
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	data = lineBreaks(data)
	if !utf8.Valid(data) {
		return &impex.FileError{Err: fmt.Errorf("%w: the text is not UTF-8", impex.ErrFormat), Issues: []validate.Issue{validate.New(validate.CodeWrongFormat, f.where(0, -1, "")).WithParams(validate.Params{Expected: "CSV text in UTF-8"})}}
	}
	f.data = data
	f.comma = detectComma(data)
	return nil
}

// lineBreaks turns every lone CR, the line break of old Mac files, into
// LF; CRLF stays as it is. encoding/csv takes only LF and CRLF as line
// ends, and would read a CR-only file as one row.
func lineBreaks(data []byte) []byte {
	i := bytes.IndexByte(data, '\r')
	if i < 0 {
		return data
	}
	out := data // the file was read into memory and is ours to change
	for ; i < len(out); i++ {
		if out[i] == '\r' && (i+1 == len(out) || out[i+1] != '\n') {
			out[i] = '\n'
		}
	}
	return out
}

// detectComma picks ; or , from the first row: the one that occurs more
// often outside quotes, comma on a tie.
func detectComma(data []byte) rune {
	commas, semis := 0, 0
	quoted := false
	for _, c := range data {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n':
			if semis > commas {
				return ';'
			}
			return ','
		case c == ',':
			commas++
		case c == ';':
			semis++
		}
	}
	if semis > commas {
		return ';'
	}
	return ','
}

// reader returns a CSV reader of data from offset from.
func (f *csvFile) reader(from int) *csv.Reader {
	cr := csv.NewReader(bytes.NewReader(f.data[from:]))
	cr.Comma = f.comma
	cr.FieldsPerRecord = -1 // checked per row, to report it as a row issue
	cr.LazyQuotes = false
	cr.ReuseRecord = true
	return cr
}

// header reads and checks the header row, the only time it is parsed: the
// data rows are read from the offset after it.
func (f *csvFile) header() *impex.FileError {
	cr := f.reader(0)
	rec, err := cr.Read()
	if err == io.EOF {
		return &impex.FileError{Err: fmt.Errorf("%w: no header row", impex.ErrHeader), Issues: []validate.Issue{validate.New(validate.CodeEmptyFile, f.where(0, -1, ""))}}
	}
	if err != nil {
		return &impex.FileError{Err: fmt.Errorf("%w: %w", impex.ErrFormat, err), Issues: []validate.Issue{validate.New(validate.CodeCorrupt, f.where(1, -1, "")).WithParams(validate.Params{Expected: err.Error()})}}
	}
	if len(rec) > f.lim.MaxColumns {
		return &impex.FileError{Err: fmt.Errorf("%w: %d columns", impex.ErrTooLarge, len(rec)), Issues: []validate.Issue{validate.New(validate.CodeLimitExceeded, f.where(1, -1, "")).WithParams(validate.Params{Name: "MaxColumns", Max: f.lim.MaxColumns, Got: len(rec), Expected: fmt.Sprintf("a header of %d columns", len(rec))})}}
	}
	f.width = len(rec)
	f.body = int(cr.InputOffset())
	var issues []validate.Issue
	seen := make(map[string]int)
	f.noCol = -1
	for i, h := range rec {
		w := f.where(1, i, h)
		if first, dup := seen[h]; dup && h != "" {
			issues = append(issues, validate.New(validate.CodeDuplicateHeader, w).
				WithParams(validate.Params{Name: h, OtherColumn: validate.ColumnLetter(first)}))
			continue
		}
		seen[h] = i
		switch {
		case h == "":
			issues = append(issues, validate.New(validate.CodeEmptyHeader, w))
		case h == CustomerNoColumn:
			f.noCol = i
		default:
			a, owner, ok := f.set.Attribute(h)
			switch {
			case !ok:
				issues = append(issues, validate.New(validate.CodeUnknownHeader, w).WithParams(validate.Params{Name: h}))
			case owner != f.feed.ID:
				issues = append(issues, validate.New(validate.CodeUnknownHeader, w).
					WithParams(validate.Params{Name: fmt.Sprintf("%s (an attribute of feed %s, not of %s)", h, owner, f.feed.ID)}))
			default:
				f.cols = append(f.cols, column{index: i, header: h, attr: a})
			}
		}
	}
	if f.noCol < 0 {
		issues = append(issues, validate.New(validate.CodeMissingColumn, f.where(1, -1, "")).WithParams(validate.Params{Name: CustomerNoColumn}))
	}
	if len(issues) > 0 {
		return &impex.FileError{Err: impex.ErrHeader, Issues: issues}
	}
	return nil
}

// count checks the number of data rows against MaxRows before anything
// is applied.
func (f *csvFile) count() *impex.FileError {
	cr := f.reader(f.body)
	n := 0
	for {
		_, err := cr.Read()
		if err == io.EOF {
			break
		}
		n++
		if n > f.lim.MaxRows {
			return &impex.FileError{Err: fmt.Errorf("%w: more than %d rows", impex.ErrTooLarge, f.lim.MaxRows), Issues: []validate.Issue{validate.New(validate.CodeTooManyRows, f.where(0, -1, "")).WithParams(validate.Params{Max: f.lim.MaxRows})}}
		}
	}
	f.rows = n
	return nil
}

// items yields one pipeline item per data row. Rows are numbered as a
// spreadsheet shows the file: the header is row 1 however many lines it
// spans, and a line break inside a quoted cell is part of its row.
func (f *csvFile) items(repo customer.Repository, list string) iter.Seq2[pipeline.Item, error] {
	return func(yield func(pipeline.Item, error) bool) {
		cr := f.reader(f.body)
		extra := 0 // line breaks inside the cells of the rows read so far
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				return
			}
			var row int
			var pe *csv.ParseError
			switch {
			case err == nil:
				startLine, _ := cr.FieldPos(0)
				endLine, _ := cr.FieldPos(len(rec) - 1)
				endLine += strings.Count(rec[len(rec)-1], "\n")
				row = 1 + startLine - extra
				extra += endLine - startLine
			case errors.As(err, &pe):
				row = 1 + pe.StartLine - extra
				extra += pe.Line - pe.StartLine
			default:
				yield(pipeline.Item{}, err)
				return
			}
			var it pipeline.Item
			if err != nil {
				it = pipeline.Item{Where: f.where(row, -1, ""), Issues: []validate.Issue{
					validate.New(validate.CodeCorrupt, f.where(row, -1, "")).WithParams(validate.Params{Expected: pe.Err.Error()})}}
			} else {
				it = f.row(repo, list, row, rec)
			}
			if !yield(it, nil) {
				return
			}
		}
	}
}

// headerAt returns the header of column i ("" for none).
func (f *csvFile) headerAt(i int) string {
	if i == f.noCol {
		return CustomerNoColumn
	}
	for _, c := range f.cols {
		if c.index == i {
			return c.header
		}
	}
	return ""
}

// cell is one parsed value of a row.
type cell struct {
	attr   string
	values []string
}

// row parses one data row into an item.
func (f *csvFile) row(repo customer.Repository, list string, row int, rec []string) pipeline.Item {
	it := pipeline.Item{Where: f.where(row, f.noCol, CustomerNoColumn)}
	if len(rec) != f.width {
		it.Issues = append(it.Issues, validate.New(validate.CodeInvalidValue, f.where(row, -1, "")).
			WithParams(validate.Params{Expected: fmt.Sprintf("%d cells, one per column of the header, not %d", f.width, len(rec)), Got: len(rec)}))
		return it
	}
	for i, s := range rec {
		if strings.IndexByte(s, 0) >= 0 {
			// NUL ends a string in much software downstream; no real
			// value holds one.
			it.Issues = append(it.Issues, validate.New(validate.CodeControlCharacter, f.where(row, i, f.headerAt(i))).WithField(f.headerAt(i)))
			continue
		}
		if n := utf8.RuneCountInString(s); n > f.lim.MaxFieldLen {
			h := f.headerAt(i)
			it.Issues = append(it.Issues, validate.New(validate.CodeTooLong, f.where(row, i, h)).WithField(h).
				WithParams(validate.Params{Max: f.lim.MaxFieldLen, Got: n}))
		}
	}
	if len(it.Issues) > 0 {
		return it
	}
	number := Restore(rec[f.noCol])
	if number == "" {
		it.Issues = append(it.Issues, validate.New(validate.CodeRequired, it.Where).WithField(CustomerNoColumn))
		return it
	}
	it.Keys = []pipeline.Key{{Kind: CustomerNoColumn, Value: number}}
	cells := make([]cell, 0, len(f.cols))
	decimalComma := f.comma == ';'
	for _, c := range f.cols {
		text := Restore(rec[c.index])
		values, err := c.attr.Type.Parse(text, decimalComma)
		if err != nil {
			ve := err.(*ValueError)
			it.Issues = append(it.Issues, validate.New(ve.Code, f.where(row, c.index, c.header)).WithField(c.header).
				WithValue(rec[c.index]).WithParams(validate.Params{Expected: ve.Expected}))
			continue
		}
		cells = append(cells, cell{attr: c.attr.ID, values: values})
	}
	it.Plan = pipeline.UpdateNumbered(repo, list, number, it.Where, CustomerNoColumn,
		func(c *customer.Customer) bool { return setValues(c, cells) })
	return it
}

// setValues applies the parsed cells to c's custom active data and reports
// whether anything changed. A customer without active data gets some only
// when a cell gives a value.
func setValues(c *customer.Customer, cells []cell) bool {
	changed := false
	for _, cl := range cells {
		if c.ActiveData == nil {
			if len(cl.values) == 0 {
				continue
			}
			c.ActiveData = &customer.ActiveData{}
		}
		old, had := findCustom(c.ActiveData.Custom, cl.attr)
		// Unchanged, or absent and given no value (nil equals empty).
		if had == (len(cl.values) > 0) && slices.Equal(old, cl.values) {
			continue
		}
		c.ActiveData.Custom = customer.SetAttribute(c.ActiveData.Custom, cl.attr, "", cl.values...)
		changed = true
	}
	return changed
}

func findCustom(attrs []customer.Attribute, id string) ([]string, bool) {
	for _, a := range attrs {
		if a.ID == id && a.Lang == "" {
			return a.Values, true
		}
	}
	return nil, false
}

// Values returns the values of c's custom active-data attribute id, as
// stored (canonical text), and whether c has it.
func Values(c *customer.Customer, id string) ([]string, bool) {
	if c == nil || c.ActiveData == nil {
		return nil, false
	}
	return findCustom(c.ActiveData.Custom, id)
}

// ExportOptions configure ExportCSV.
type ExportOptions struct {
	// Filter selects the customers, as the repository's listing does.
	Filter customer.Filter
	// Comma is the separator: ',' (the zero value) or ';'.
	Comma rune
	// All writes a row for every selected customer with a number, even one
	// with no value of the feed; by default such customers are left out.
	All bool
	// CRLF ends rows with \r\n instead of \n.
	CRLF bool
}

// ExportCSV writes the values of feed (one of set's feeds) held by the
// customers of repo as a CSV file ImportCSV reads back unchanged: a header
// of customerNo and the feed's attributes in their order, then one row per
// customer with a number and at least one value of the feed (every
// customer with a number, with opts.All), in the repository's listing
// order. Values are written in their canonical form (see Type.Parse); a
// cell that starts like a spreadsheet formula is neutralised (see
// Neutralize), except a single int or number, which a minus sign may start
// and which is never a formula. Customers without a number are left out:
// nothing could name them on the way back.
//
// It returns the number of rows written, and a *FileError wrapping
// ErrUnknownFeed, an error for a separator other than , or ;, or the first
// error of the listing or of w.
func ExportCSV(ctx context.Context, w io.Writer, repo customer.Repository, set *FeedSet, feed string, opts ExportOptions) (int, error) {
	f, ok := set.Feed(feed)
	if !ok {
		return 0, fmt.Errorf("%w: %q", ErrUnknownFeed, feed)
	}
	comma := opts.Comma
	if comma == 0 {
		comma = ','
	}
	if comma != ',' && comma != ';' {
		return 0, fmt.Errorf("activedata: separator %q is not , or ;", comma)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	cw.Comma = comma
	cw.UseCRLF = opts.CRLF
	rec := make([]string, 1+len(f.Attributes))
	rec[0] = CustomerNoColumn
	for i, a := range f.Attributes {
		rec[1+i] = a.ID
	}
	if err := cw.Write(rec); err != nil {
		return 0, err
	}
	n := 0
	for c, err := range repo.List(ctx, opts.Filter) {
		if err != nil {
			return n, err
		}
		if c.Number == "" {
			continue
		}
		any := false
		for i, a := range f.Attributes {
			vs, _ := Values(c, a.ID)
			any = any || len(vs) > 0
			rec[1+i] = cellText(a.Type, vs)
		}
		if !any && !opts.All {
			continue
		}
		rec[0] = Neutralize(c.Number)
		if err := cw.Write(rec); err != nil {
			return n, err
		}
		n++
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, err
	}
	return n, bw.Flush()
}
