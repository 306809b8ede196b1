package excelio

import (
	"cmp"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/cards"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/internal/pipeline"
	"github.com/impexkit/impex/internal/sheet"
	"github.com/impexkit/impex/validate"
)

// Limits bound what an import accepts from an untrusted workbook, so that
// the time and memory of reading one are bounded by them, not by the file.
// A zero field takes its default. Going over a limit is a *impex.FileError
// wrapping impex.ErrTooLarge; nothing is applied.
type Limits struct {
	// MaxFileSize bounds the file; default 64 MiB.
	MaxFileSize int64
	// MaxUnpacked bounds the uncompressed size of all the parts of an
	// .xlsx read; default 1 GiB.
	MaxUnpacked int64
	// MaxRatio bounds any archive entry's uncompressed-to-compressed
	// ratio; default 200.
	MaxRatio int64
	// MaxEntries bounds the number of archive entries; default 10,000.
	MaxEntries int
	// MaxRows bounds the rows of the sheet, header included; default
	// 1,048,576, the most a sheet can have. ImportOptions.MaxRows is the
	// tighter bound on data rows.
	MaxRows int
	// MaxColumns bounds the cells of one row; default 16,384.
	MaxColumns int
	// MaxCellChars bounds one cell's text; default 32,767 characters, the
	// most Excel stores.
	MaxCellChars int
	// MaxSharedStrings bounds the count of the shared-string table;
	// default 2,000,000.
	MaxSharedStrings int
	// MaxSharedBytes bounds the shared-string table's total text; default
	// 256 MiB.
	MaxSharedBytes int64
	// MaxDepth bounds XML nesting; default 64.
	MaxDepth int
	// MaxRowBytes bounds the text of one row, in bytes of UTF-8: what a
	// reader holds at once however large the file. Default 4 MiB, some
	// thirty cells of Excel's longest text in four-byte characters.
	MaxRowBytes int
	// MaxStylesBytes bounds the inflated styles part of an .xlsx (and the
	// number formats of an .xls); default 16 MiB, a hundred times a large
	// real one.
	MaxStylesBytes int64
}

// DefaultMaxRows is the most data rows an import accepts unless
// ImportOptions.MaxRows says otherwise.
const DefaultMaxRows = 50000

// ErrNoSSNHasher is the cause of the *impex.FileError of a workbook whose
// ssn column holds plain identity numbers while the options hold no SSN
// hasher: they would have nowhere safe to go. Empty cells and unedited
// hashes need no hasher.
var ErrNoSSNHasher = errors.New("excelio: the workbook's ssn column holds identity numbers but ImportOptions.SSN is nil")

// ImportOptions configure Import. The zero value merges, matches rows by
// id, skips invalid rows, accepts up to DefaultMaxRows rows, reads phone
// numbers in Finland, and detects the schema from the headers.
type ImportOptions struct {
	// Options are the settings every import shares: mode, error policy,
	// dry run, batch size, progress and per-row callbacks.
	impex.Options
	// Kind forces the schema; 0 detects it from the headers (person columns
	// firstName, lastName, ssn; company columns companyName, taxCode) or the
	// sheet name.
	Kind customer.Kind
	// MatchByEmail keys rows by e-mail instead of id, for files without
	// ids: a known address updates that customer, an unknown one creates.
	MatchByEmail bool
	// List is the customer list rows belong to; "" for a single-list store.
	List string
	// MaxRows bounds the data rows; 0 means DefaultMaxRows.
	MaxRows int
	// Limits bound what the reader accepts from the file.
	Limits Limits
	// SSN hashes national identity numbers. Required when the workbook has
	// an ssn column.
	SSN *customer.SSNHasher
	// SSNCountry is the country of the identity numbers (FI, SE, NO, DK);
	// "" detects it per number.
	SSNCountry string
	// StrictSSN rejects every hash in the ssn column, even one equal to the
	// stored hash, as the back office does.
	StrictSSN bool
	// Cards is the format of generated card numbers.
	Cards cards.Format
	// CardRand is the randomness for card numbers; nil means crypto/rand.
	CardRand io.Reader
	// PhoneRegion reads national phone numbers; "" means FI.
	PhoneRegion string
	// Now is the clock for identity-number date checks; nil means time.Now.
	Now func() time.Time
	// KeysPerRead bounds the in-file keys (ids, numbers, e-mails, cards,
	// identity numbers) the duplicate check records in one read of the
	// file, so that its memory does not grow with the file: a file with
	// more is read once more per share of that many keys before the import
	// starts. 0 means 1,048,576 keys, some 3 MB: a file of 200,000 rows of
	// five keys is read twice in all.
	KeysPerRead int
}

// Result is what an import did: the counts, row outcomes and issue report
// every format shares, plus the workbook's layout, which the rejected-rows
// workbook needs.
type Result struct {
	impex.Result
	// Schema is the layout the workbook was read with; nil when the
	// headers could not be read.
	Schema *Schema `json:"-"`
	// Sheet is the worksheet's name.
	Sheet string `json:"sheet,omitempty"`
	// Headers are the header row as read.
	Headers  []string `json:"headers,omitempty"`
	rejected []rejectedRow
}

// rejectedRow keeps a rejected row's original cells for the rejected-rows
// workbook.
type rejectedRow struct {
	number int
	cells  []sheet.Cell
}

// ImportFile opens the workbook at path and imports it into repo; see
// Import. A file that cannot be opened or read, or a directory, is a
// *impex.FileError wrapping the *fs.PathError (errors.Is(err,
// fs.ErrNotExist) holds for a missing file). The result is never nil.
func ImportFile(ctx context.Context, repo customer.Repository, path string, opts ImportOptions) (*Result, error) {
	res := &Result{}
	f, err := os.Open(path)
	if err != nil {
		return res, fileFailed(res, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err == nil && st.IsDir() {
		err = &fs.PathError{Op: "read", Path: path, Err: errIsDirectory}
	}
	if err != nil {
		return res, fileFailed(res, err)
	}
	return Import(ctx, repo, f, st.Size(), opts)
}

var errIsDirectory = errors.New("is a directory")

// fileFailed records in res the *impex.FileError of a file that cannot be
// imported at all, with its issues, and returns it. The error is a reader
// error, a file-level issue or, from ImportFile, a *fs.PathError.
func fileFailed(res *Result, err error) *impex.FileError {
	fe := fileError(err, res.Sheet)
	res.Report.Add(fe.Issues...)
	res.Err = fe
	return fe
}

// Import reads the first worksheet of an .xlsx or .xls workbook of size
// bytes from r and applies its rows to repo. A row names its customer by
// id; a row with an empty id names the customer holding its
// sequenceNumber, or creates one (with that number, or the next of the
// sequence). With ImportOptions.MatchByEmail, rows name customers by
// e-mail instead. The groups that group:{id} columns create go to repo's
// group store, when repo implements groups.Store.
//
// The result is never nil. The error is:
//
//   - a *impex.FileError when the file as a whole cannot be imported: not a
//     workbook (impex.ErrFormat: a CSV or ZIP file, another format), damaged
//     (impex.ErrDamaged), encrypted (impex.ErrEncrypted), over a limit
//     (impex.ErrTooLarge: Limits, ImportOptions.MaxRows), with headers the
//     schema does not have (impex.ErrHeader: mixed person and company
//     columns, an unknown, duplicated or empty header, a missing id column,
//     a group column naming a dynamic or system group), or with plain
//     identity numbers and no ImportOptions.SSN (ErrNoSSNHasher). Nothing
//     is applied, and the report holds the file's issues;
//   - a *impex.FatalError when the repository fails or ctx ends, with the
//     result so far; errors.Is(err, context.Canceled) holds for a
//     cancelled import;
//   - nil otherwise. Problems with rows reject those rows, as the error
//     policy says, and are issues in the report.
func Import(ctx context.Context, repo customer.Repository, r io.ReaderAt, size int64, opts ImportOptions) (*Result, error) {
	im, res, err := newImporter(ctx, r, size, repo, &opts)
	if err != nil {
		res.Err = err
		return res, err
	}
	defer im.close()
	pres, err := pipeline.Run(ctx, im.look, im.items(), im.pipelineOptions(), im.rows0)
	res.Result = *pres
	res.Rows = im.rows
	res.rejected = im.rejected
	return res, err
}

// boundColumn is a schema column at a position of this file.
type boundColumn struct {
	binding
	col    *column
	index  int
	header string
	letter string // the column's letter, for issues
}

type importer struct {
	repo   customer.Repository
	look   *pipeline.Lookups // the store as planning sees it
	groups groups.Store
	opts   *ImportOptions
	schema *Schema
	cols   []boundColumn
	// idCol, numberCol and emailCol index cols; -1 when absent.
	idCol, numberCol, emailCol int
	// missingForNew are the columns a new customer needs that the file
	// lacks; fullAddresses the address numbers with every field's column.
	missingForNew []string
	fullAddresses []int
	scratch       rowPatch // the patch of the row being planned
	// spare holds rows already planned, whose buffers the next rows
	// reuse: rows are read on one goroutine and planned on another. It
	// is a pool of its own, not a field: the runtime keeps a pool
	// reachable until the collector has run twice, and with it anything a
	// pointer to it would keep alive (the store).
	spare *sync.Pool
	// freeCells holds the cell slices of rows decided and not rejected,
	// for the rows read next; a rejected row's cells go to the rejected
	// workbook.
	freeCells chan []sheet.Cell
	reader    sheet.Reader
	sheet     string
	now       func() time.Time
	cardGen   cards.Generator
	newCards  map[string]bool      // cards generated in this file
	created   map[string]bool      // groups this import created
	pending   map[int][]sheet.Cell // cells of rows not yet decided
	rejected  []rejectedRow
	rows      []impex.RowOutcome // kept for the result when the caller set no OnRow
	rows0     int                // data rows counted by the first pass
	repeats   *pipeline.Repeats  // the first pass's record of the keys
	userRow   func(impex.RowOutcome)
}

// openError maps a reader error to the file-level issue that explains it.
func openError(err error) validate.Issue {
	code := validate.CodeCorrupt
	var le *sheet.LimitError
	var pe *fs.PathError
	switch {
	case errors.Is(err, sheet.ErrEmpty):
		code = validate.CodeEmptyFile
	case errors.Is(err, sheet.ErrCSV):
		code = validate.CodeCSV
	case errors.Is(err, sheet.ErrZip):
		code = validate.CodeZipArchive
	case errors.Is(err, sheet.ErrEncrypted):
		code = validate.CodeEncrypted
	case errors.As(err, &le):
		return validate.New(validate.CodeLimitExceeded, validate.Where{}).
			WithParams(validate.Params{Name: le.Limit, Max: int(min(le.Max, 1<<31-1)), Expected: le.Where})
	case errors.Is(err, sheet.ErrFormat):
		code = validate.CodeWrongFormat
	case errors.Is(err, sheet.ErrUnreadable), !errors.Is(err, sheet.ErrCorrupt) && errors.As(err, &pe):
		code = validate.CodeUnreadable
	}
	// The message says the file is damaged; the detail says why.
	cause := strings.TrimPrefix(err.Error(), sheet.ErrCorrupt.Error()+": ")
	return validate.New(code, validate.Where{}).WithParams(validate.Params{Expected: cause})
}

// fileError is the *impex.FileError of a reader error or a file-level
// issue, found while reading the sheet named sheetName.
func fileError(err error, sheetName string) *impex.FileError {
	var is validate.Issue
	if !errors.As(err, &is) {
		is = openError(err)
		if is.Code == validate.CodeUnreadable {
			return pipeline.FileError(err, is)
		}
	}
	is.Sheet = sheetName
	return pipeline.FileError(nil, is)
}

func newImporter(ctx context.Context, r io.ReaderAt, size int64, repo customer.Repository, opts *ImportOptions) (*importer, *Result, error) {
	res := &Result{Result: impex.Result{DryRun: opts.DryRun}}
	fail := func(err error) (*importer, *Result, error) {
		var fatal *impex.FatalError
		switch {
		case ctx.Err() != nil, errors.As(err, &fatal):
			err = pipeline.Fatal(ctx, validate.Where{}, err)
		case errors.Is(err, ErrNoSSNHasher):
			err = pipeline.FileError(err)
		default:
			err = fileFailed(res, err)
		}
		return nil, res, err
	}
	if opts.MaxRows <= 0 {
		opts.MaxRows = DefaultMaxRows
	}
	opts.PhoneRegion = cmp.Or(opts.PhoneRegion, "FI")
	im := &importer{repo: repo, look: pipeline.NewLookups(repo), spare: new(sync.Pool), freeCells: make(chan []sheet.Cell, 1024), opts: opts, idCol: -1, numberCol: -1, emailCol: -1,
		now: opts.Now, newCards: map[string]bool{}, created: map[string]bool{}, pending: map[int][]sheet.Cell{}}
	if im.now == nil {
		im.now = time.Now
	}
	im.groups, _ = repo.(groups.Store)
	if err := ctx.Err(); err != nil {
		return fail(err)
	}

	// First pass: the header, the shape of the data, the row count and the
	// in-file keys, so that no file-level error is found after rows were
	// applied, and the second pass remembers only the keys that repeat.
	rd, err := sheet.Open(r, size, sheet.Limits(opts.Limits))
	if err != nil {
		return fail(err)
	}
	headers, err := readHeaders(rd)
	res.Sheet = rd.SheetName()
	im.sheet = res.Sheet
	if err == nil {
		res.Headers = headers
		err = im.bindHeaders(ctx, headers)
	}
	im.repeats = pipeline.NewRepeats(opts.KeysPerRead)
	if err == nil {
		im.rows0, err = im.recordKeys(rd, headers)
	}
	rd.Close()
	// A file with more keys than im.repeats holds is read again, a round
	// per share of its keys, so that the import's memory does not grow
	// with the file.
	for err == nil && !im.repeats.Done() {
		if err = ctx.Err(); err != nil {
			break
		}
		im.repeats.NextRound()
		if rd, err = sheet.Open(r, size, sheet.Limits(opts.Limits)); err == nil {
			rd.Next() // the header, checked by the first read
			_, err = im.recordKeys(rd, headers)
			rd.Close()
		}
	}
	if err != nil {
		return fail(err)
	}
	res.Schema = im.schema

	// Second pass: the rows themselves.
	im.reader, err = sheet.Open(r, size, sheet.Limits(opts.Limits))
	if err != nil {
		return fail(err)
	}
	// The rows' values outlive the read in the store; a secret column's
	// must not live on with them.
	var private []int
	for i := range im.cols {
		if b := &im.cols[i]; b.col.secret {
			private = append(private, b.index)
		}
	}
	im.reader.SetPrivate(private)
	im.reader.Next() // the header, read and checked above
	im.cardGen = cards.Generator{Format: opts.Cards, Rand: opts.CardRand, Taken: im.cardTaken}
	return im, res, nil
}

func (im *importer) close() { im.reader.Close() }

// readHeaders reads the header row, the sheet's first row with a value.
func readHeaders(rd sheet.Reader) ([]string, error) {
	if !rd.Next() {
		if rd.Err() != nil {
			return nil, rd.Err()
		}
		return nil, validate.New(validate.CodeEmptyFile, validate.Where{})
	}
	var headers []string
	for _, c := range rd.Row().Cells {
		headers = append(headers, c.Text)
	}
	return headers, nil
}

// recordKeys reads the data rows, before anything is written, and gives
// each row's in-file keys to im.repeats. It returns the number of rows, and
// fails on too many rows, on a value under an empty header and on a plain
// identity number without an SSN hasher. The costly part of a key (an
// identity number's check and hash, the filter's probes) is done on a
// goroutine of its own, so that it overlaps the reading.
func (im *importer) recordKeys(rd sheet.Reader, headers []string) (int, error) {
	const batchSize, batches = 1024, 4
	values := make(chan []keyValue, batches)
	free := make(chan []keyValue, batches+2) // batches done, to fill again
	done := make(chan struct{})
	go func() {
		defer close(done)
		for batch := range values {
			for _, kv := range batch {
				if k, _, ok := im.keyOf(kv.b, kv.v); ok {
					im.repeats.Add(k)
				}
			}
			clear(batch)
			free <- batch[:0]
		}
	}()
	defer func() {
		close(values)
		<-done
	}()
	batch := takeFree(free, batchSize)
	blankHeader := make([]bool, len(headers))
	for i, h := range headers {
		blankHeader[i] = strings.TrimSpace(h) == ""
	}
	count, needsHasher := 0, false
	for rd.Next() {
		row := rd.Row()
		if rowEmpty(row) {
			continue
		}
		for i, c := range row.Cells {
			if c.Kind != sheet.Empty && (i >= len(headers) || blankHeader[i]) {
				return 0, validate.New(validate.CodeEmptyHeader, validate.Where{Row: row.Number, Column: validate.ColumnLetter(i)})
			}
		}
		if count++; count > im.opts.MaxRows {
			return 0, validate.New(validate.CodeTooManyRows, validate.Where{}).WithParams(validate.Params{Max: im.opts.MaxRows})
		}
		for i := range im.cols {
			b := &im.cols[i]
			if !b.col.unique {
				continue
			}
			v, _, issue := im.cellValue(b, row.Cells, validate.Where{Row: row.Number})
			if issue != nil || v == "" {
				continue
			}
			if b.col.role == roleSSN && im.opts.SSN == nil && !customer.IsSSNHash(v) {
				needsHasher = true
			}
			// v is a string: it stays valid when the reader reuses the
			// row's cells.
			if batch = append(batch, keyValue{b, v}); len(batch) == batchSize {
				values <- batch
				batch = takeFree(free, batchSize)
			}
		}
	}
	if len(batch) > 0 {
		values <- batch
	}
	switch {
	case rd.Err() != nil:
		return 0, rd.Err()
	case needsHasher:
		return 0, ErrNoSSNHasher
	}
	return count, nil
}

// takeFree returns a buffer handed back on free for reuse, or a new one of
// capacity n when none is waiting.
func takeFree[T any](free <-chan []T, n int) []T {
	select {
	case b := <-free:
		return b
	default:
		return make([]T, 0, n)
	}
}

// keyValue is the value of a key column in one row.
type keyValue struct {
	b *boundColumn
	v string
}

// rejectedErrorsHeader is the trailing column of a rejected-rows workbook;
// an import ignores it.
const rejectedErrorsHeader = "_errors"

// personOnly and companyOnly are the headers of one schema alone, which
// tell a person workbook from a company one.
var personOnly, companyOnly = kindOnlyHeaders()

// bindHeaders checks the header row and binds each column to the schema.
func (im *importer) bindHeaders(ctx context.Context, headers []string) error {
	// first returns the first header that is one of only, or "".
	first := func(only []string) string {
		if i := slices.IndexFunc(headers, func(h string) bool { return slices.Contains(only, h) }); i >= 0 {
			return headers[i]
		}
		return ""
	}
	kind, sawPerson, sawCompany := im.opts.Kind, first(personOnly), first(companyOnly)
	switch {
	case sawPerson != "" && sawCompany != "":
		return validate.New(validate.CodeMixedSchemas, validate.Where{Row: 1}).
			WithParams(validate.Params{Name: sawPerson + ", " + sawCompany})
	case kind == 0 && sawCompany != "":
		kind = customer.KindCompany
	case kind == 0 && sawPerson != "":
		kind = customer.KindPerson
	case kind == 0 && strings.Contains(strings.ToLower(im.sheet), "compan"):
		kind = customer.KindCompany
	case kind == 0:
		kind = customer.KindPerson
	case kind == customer.KindPerson && sawCompany != "", kind == customer.KindCompany && sawPerson != "":
		return validate.New(validate.CodeMixedSchemas, validate.Where{Row: 1}).
			WithParams(validate.Params{Name: sawPerson + sawCompany})
	}
	// The ssn column has no rule: keyOf checks and hashes the number once,
	// for the in-file key and for planning.
	im.schema = newSchema(kind, &schemaOptions{phoneRegion: im.opts.PhoneRegion})
	seen := map[string]int{}
	present := map[string]bool{} // column names (patterns by prefix)
	var fields [maxIndex + 1]int // the columns of each address
	for i, h := range headers {
		where := validate.Where{Row: 1, Column: validate.ColumnLetter(i), Header: h}
		if strings.TrimSpace(h) == "" || h == rejectedErrorsHeader {
			continue // a blank header has no values below it (see recordKeys)
		}
		if first, dup := seen[h]; dup {
			return validate.New(validate.CodeDuplicateHeader, where).
				WithParams(validate.Params{Name: h, OtherColumn: validate.ColumnLetter(first)})
		}
		seen[h] = i
		col, param, ok := im.schema.lookup(h)
		if !ok {
			return validate.New(validate.CodeUnknownHeader, where).
				WithParams(validate.Params{Name: h, Expected: im.schema.SheetName()})
		}
		bound, err := col.bind(param)
		if err != nil {
			return validate.New(validate.CodeUnknownHeader, where).
				WithParams(validate.Params{Name: h, Expected: err.Error()})
		}
		switch col.role {
		case roleGroup:
			if err := im.checkGroup(ctx, param, where); err != nil {
				return err
			}
		case roleID:
			im.idCol = len(im.cols)
		case roleNumber:
			im.numberCol = len(im.cols)
		case roleEmail:
			im.emailCol = len(im.cols)
		case roleAddress:
			if fields[bound.n]++; fields[bound.n] == len(addressFields) {
				im.fullAddresses = append(im.fullAddresses, bound.n)
			}
		}
		present[col.name] = true
		im.cols = append(im.cols, boundColumn{binding: bound, col: col, index: i, letter: validate.ColumnLetter(i), header: h})
	}
	for _, c := range im.schema.columns {
		if c.missingNew == missingRowError && !present[c.name] {
			im.missingForNew = append(im.missingForNew, c.name)
		}
	}
	if im.idCol < 0 && !im.opts.MatchByEmail {
		return validate.New(validate.CodeMissingColumn, validate.Where{Row: 1}).WithParams(validate.Params{Name: "id"})
	}
	if im.emailCol < 0 && im.opts.MatchByEmail {
		return validate.New(validate.CodeMissingColumn, validate.Where{Row: 1}).WithParams(validate.Params{Name: "email"})
	}
	return nil
}

// checkGroup refuses a group column that names a dynamic or system group,
// or a new group whose name another group already has: no two groups may
// share a name. A group store that fails is a *impex.FatalError.
func (im *importer) checkGroup(ctx context.Context, id string, where validate.Where) error {
	if groups.IsSystemID(id) {
		return validate.New(validate.CodeGroupNotStatic, where).WithParams(validate.Params{Name: id})
	}
	if im.groups == nil {
		return validate.New(validate.CodeGroupUnknown, where).
			WithParams(validate.Params{Name: id, Expected: "a repository that stores groups"})
	}
	g, err := im.groups.Group(ctx, id)
	switch {
	case errors.Is(err, groups.ErrNotFound): // created when a row first sets TRUE
		for g, err := range im.groups.Groups(ctx) {
			if err != nil {
				return pipeline.Fatal(ctx, where, err)
			}
			if strings.EqualFold(g.Name, id) {
				return validate.New(validate.CodeGroupNameTaken, where).WithParams(validate.Params{Name: g.Name, Expected: g.ID})
			}
		}
		return nil
	case err != nil:
		return pipeline.Fatal(ctx, where, err)
	case g.Kind != groups.Static:
		return validate.New(validate.CodeGroupNotStatic, where).WithParams(validate.Params{Name: id})
	}
	return nil
}

func (im *importer) pipelineOptions() impex.Options {
	po := im.opts.Options
	im.userRow = po.OnRow
	po.OnRow = im.onRow
	if im.userRow == nil {
		im.rows = make([]impex.RowOutcome, 0, im.rows0) // the first pass counted them
	}
	return po
}

// onRow keeps the cells of rejected rows and passes outcomes on.
func (im *importer) onRow(out impex.RowOutcome) {
	cells := im.pending[out.Where.Row]
	delete(im.pending, out.Where.Row)
	if out.Action == impex.ActionReject {
		im.rejected = append(im.rejected, rejectedRow{number: out.Where.Row, cells: cells})
	}
	if out.Action != impex.ActionReject && cells != nil {
		select {
		case im.freeCells <- cells:
		default:
		}
	}
	if im.userRow != nil {
		im.userRow(out)
	} else {
		im.rows = append(im.rows, out)
	}
}

// keepCells copies a row's cells, which the reader reuses, into a slice of
// a decided row when there is one.
func (im *importer) keepCells(cs []sheet.Cell) []sheet.Cell {
	select {
	case buf := <-im.freeCells:
		return append(buf[:0], cs...)
	default:
		return slices.Clone(cs)
	}
}

// items yields one pipeline item per non-empty data row. The rows are read
// and prepared on a goroutine of their own, a chunk at a time, so that on a
// machine with more than one core reading the sheet overlaps with checking
// and writing the rows; a short channel keeps memory bounded.
func (im *importer) items() iter.Seq2[pipeline.Item, error] {
	return func(yield func(pipeline.Item, error) bool) {
		chunks := make(chan rowChunk, 4)
		free := make(chan []readRow, 8) // chunks read, for the reader to fill again
		stop := make(chan struct{})
		go im.readAhead(chunks, free, stop)
		defer func() {
			close(stop)
			for range chunks { // wait for the reader to let go of the sheet
			}
		}()
		for c := range chunks {
			for _, r := range c.rows {
				im.pending[r.number] = r.cells
				if !yield(r.item, nil) {
					return
				}
			}
			if c.err != nil {
				yield(pipeline.Item{}, c.err)
				return
			}
			clear(c.rows) // the pipeline holds copies of the items
			select {
			case free <- c.rows[:0]:
			default:
			}
		}
	}
}

// readRow is one prepared row; rowChunk a run of them, or the read error
// that ended the sheet.
type (
	readRow struct {
		number int
		cells  []sheet.Cell
		item   pipeline.Item
	}
	rowChunk struct {
		rows []readRow
		err  error
	}
)

const chunkRows = 128

// readAhead reads the sheet into chunks until the end, an error, or stop,
// filling the chunks free hands back before it makes new ones.
func (im *importer) readAhead(chunks chan<- rowChunk, free <-chan []readRow, stop <-chan struct{}) {
	defer close(chunks)
	send := func(c rowChunk) bool {
		select {
		case chunks <- c:
			return true
		case <-stop:
			return false
		}
	}
	chunk := takeFree(free, chunkRows)
	for im.reader.Next() {
		row := im.reader.Row()
		if rowEmpty(row) {
			continue
		}
		cells := im.keepCells(row.Cells)
		chunk = append(chunk, readRow{number: row.Number, cells: cells, item: im.item(row.Number, cells)})
		if len(chunk) == chunkRows {
			if !send(rowChunk{rows: chunk}) {
				return
			}
			chunk = takeFree(free, chunkRows)
		}
	}
	var err error
	if e := im.reader.Err(); e != nil {
		err = fmt.Errorf("reading %s: %w", im.sheet, e)
	}
	if len(chunk) > 0 || err != nil {
		send(rowChunk{rows: chunk, err: err})
	}
}

func rowEmpty(row sheet.Row) bool {
	return !slices.ContainsFunc(row.Cells, func(c sheet.Cell) bool { return c.Kind != sheet.Empty })
}

// cellValue returns the text of a cell under a bound column, with the
// warning its reading deserves (validate.CodeNumberCell,
// validate.CodeDateCell), or the issue that it cannot be read: an error
// value, an identifier-like number that lost digits, a TRUE or FALSE where
// an identifier belongs.
func (im *importer) cellValue(b *boundColumn, cells []sheet.Cell, where validate.Where) (string, validate.Code, *validate.Issue) {
	if b.index >= len(cells) {
		return "", "", nil
	}
	c := cells[b.index]
	refuse := func(code validate.Code, value string) (string, validate.Code, *validate.Issue) {
		is := validate.New(code, where).WithField(b.header)
		if !b.col.secret {
			is = is.WithValue(value)
		}
		return "", "", &is
	}
	switch c.Kind {
	case sheet.Empty:
		return "", "", nil
	case sheet.Error:
		return refuse(validate.CodeInvalidValue, c.Text)
	case sheet.Bool:
		if b.kind == idKind {
			return refuse(validate.CodeBooleanCell, c.Text)
		}
		return strconv.FormatBool(c.Text == "TRUE"), "", nil
	case sheet.Number:
		switch {
		case b.kind == boolKind && (c.Text == "1" || c.Text == "0"):
			return strconv.FormatBool(c.Text == "1"), "", nil
		case c.Date && b.kind != boolKind:
			if iso, ok := isoDate(c.Text, im.reader.Date1904()); ok {
				return iso, validate.CodeDateCell, nil
			}
		case b.kind == idKind && lostDigits(c.Text):
			return refuse(validate.CodeNumberPrecision, c.Text)
		case b.kind == idKind:
			return strings.TrimSpace(c.Text), validate.CodeNumberCell, nil
		}
	}
	if b.kind == idKind || b.kind == boolKind {
		return strings.TrimSpace(c.Text), "", nil
	}
	return c.Text, "", nil
}

// isoDate returns the date, and the time of day when there is one, that a
// date cell's serial shows: "2024-02-29" or "2024-02-29T13:45:00".
func isoDate(serial string, date1904 bool) (string, bool) {
	f, err := strconv.ParseFloat(serial, 64)
	if err != nil {
		return "", false
	}
	t, code := validate.ExcelSerial(f, date1904)
	switch {
	case code != "":
		return "", false
	case t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0:
		return t.Format(time.DateOnly), true
	}
	return t.Format("2006-01-02T15:04:05"), true
}

// lostDigits reports whether a number cell cannot hold an identifier
// exactly: it has a fraction or an exponent, or more than the 15
// significant digits a spreadsheet keeps (the rest became zeros).
func lostDigits(literal string) bool {
	return strings.ContainsAny(literal, ".eE") || len(strings.TrimLeft(literal, "+-")) > 15
}

// row is one data row read once: each bound column's cell value, and the
// plain identity number checked and hashed. It lives until the row is
// planned.
type row struct {
	where validate.Where
	vals  []cellText // by bound column
	ssn   *plainSSN
}

// cellText is a cell's value as its column reads it and, when the column
// has a rule, the rule's outcome. Rules are pure, so they run when the row
// is read, on the reading goroutine, and planning only looks at the outcome.
type cellText struct {
	v       string
	note    validate.Code   // the warning the cell's reading deserves, if any
	out     string          // v as the rule normalised it
	issue   *validate.Issue // why v could not be read or, when checked, what the rule found
	checked bool            // the rule ran on v
}

// item prepares a row: its values and in-file keys now, the rest when
// planned.
func (im *importer) item(number int, cells []sheet.Cell) pipeline.Item {
	r := im.newRow(validate.Where{Sheet: im.sheet, Row: number})
	it := pipeline.Item{Where: r.where}
	for i := range im.cols {
		b := &im.cols[i]
		v, note, issue := im.cellValue(b, cells, r.where)
		r.vals[i] = cellText{v: v, note: note, issue: issue}
		if issue == nil && b.rule != nil && !blank(b, v) {
			// The rule runs here rather than through Field.Check, which
			// builds and returns an issue for every cell: almost every cell
			// passes, and the issue is made only for one that fails.
			c := &r.vals[i]
			out, p := b.rule(v)
			c.checked = true
			if p.OK() {
				c.out = out
			} else {
				f := validate.Field{Name: b.header, Secret: b.col.secret}
				c.issue = new(validate.Issue)
				*c.issue = f.Issue(cellWhere(r.where, b), v, p)
			}
		}
		if v == "" || !b.col.unique {
			continue
		}
		k, ssn, ok := im.keyOf(b, v)
		if ssn != nil {
			r.ssn = ssn
		}
		// Only a key the first pass saw twice can be a duplicate; the
		// check remembers those alone.
		if ok && im.repeats.MayRepeat(k) {
			k.Column, k.Header = b.letter, b.header
			it.Keys = append(it.Keys, k)
		}
	}
	if im.look.Batched() {
		it.Lookups = im.lookups(r)
	}
	it.Plan = func(ctx context.Context) (pipeline.Plan, []validate.Issue, error) {
		defer im.spare.Put(r) // planning is the row's last use
		return im.plan(ctx, r)
	}
	return it
}

// newRow returns a row at where, reusing a planned row's buffer when there
// is one. Its values are left as the last row had them: item sets every
// one.
func (im *importer) newRow(where validate.Where) *row {
	r, _ := im.spare.Get().(*row)
	if r == nil {
		return &row{where: where, vals: make([]cellText, len(im.cols))}
	}
	r.where, r.ssn = where, nil
	return r
}

// lookups returns the lookups planning r will make: of the row's customer
// and of the holders of its unique values.
func (im *importer) lookups(r *row) []customer.Lookup {
	var ls []customer.Lookup
	for i := range im.cols {
		b, c := &im.cols[i], &r.vals[i]
		key, v := b.col.lookup, c.v
		if c.checked {
			v = c.out
		}
		if key == "" || v == "" || c.issue != nil {
			continue
		}
		// The list is ignored for the keys that have none (see
		// customer.Lookup.IndexKey), as the lookups themselves are.
		switch key {
		case customer.KeyEmail:
			if !im.opts.MatchByEmail {
				continue
			}
			v = strings.TrimSpace(v)
		case customer.Key(customer.IdentSSNHash):
			if r.ssn != nil {
				v = r.ssn.hash
			}
		case customer.Key(customer.IdentCard):
			if cards.IsGenerate(v) {
				continue
			}
		}
		ls = append(ls, customer.Lookup{Key: key, List: im.opts.List, Value: v})
	}
	return ls
}

// keyOf returns the in-file key a value of key column b makes, if any,
// and for a plain identity number its check and hash, which planning
// uses: the number's key is its hash.
func (im *importer) keyOf(b *boundColumn, v string) (pipeline.Key, *plainSSN, bool) {
	if b.col.key != nil {
		k, ok := b.col.key(v)
		return k, nil, ok
	}
	if b.col.role == roleSSN {
		if customer.IsSSNHash(v) {
			return pipeline.Key{Kind: "ssn", Value: v}, nil, true
		}
		if im.opts.SSN == nil {
			return pipeline.Key{}, nil, false // refused by the first pass
		}
		ssn := &plainSSN{}
		ssn.info, ssn.code = validate.NationalIDAt(im.opts.SSNCountry, v, im.now())
		if ssn.code != "" {
			return pipeline.Key{}, ssn, false
		}
		ssn.hash = im.opts.SSN.Hash(ssn.info.Normalized)
		return pipeline.Key{Kind: "ssn", Value: ssn.hash}, ssn, true
	}
	return pipeline.Key{Kind: b.col.name, Value: v}, nil, true
}

// plainSSN is a row's plain identity number, checked and hashed once. It
// lives only until the row is planned.
type plainSSN struct {
	info validate.NationalIDInfo
	code validate.Code
	hash string
}

// resolve finds the stored customer a row addresses: nil for a new one.
func (im *importer) resolve(ctx context.Context, r *row) (*customer.Customer, []validate.Issue, error) {
	where := r.where
	if im.opts.MatchByEmail {
		b := &im.cols[im.emailCol]
		email := r.vals[im.emailCol].v
		if strings.TrimSpace(email) == "" {
			return nil, []validate.Issue{validate.New(validate.CodeRequired, cellWhere(where, b)).WithField("email")}, nil
		}
		c, err := im.look.Find(ctx, customer.Lookup{Key: customer.KeyEmail, List: im.opts.List, Value: strings.TrimSpace(email)})
		if errors.Is(err, customer.ErrAmbiguous) {
			return nil, []validate.Issue{validate.New(validate.CodeDuplicateInStore, cellWhere(where, b)).
				WithField("email").WithValue(email).WithParams(validate.Params{Name: "email"})}, nil
		}
		return c, nil, err
	}
	b := &im.cols[im.idCol]
	id, issue := r.vals[im.idCol].v, r.vals[im.idCol].issue
	if issue != nil {
		return nil, []validate.Issue{*issue}, nil
	}
	if id == "" {
		return im.resolveNumber(ctx, r)
	}
	c, err := im.look.Find(ctx, customer.Lookup{Key: customer.KeyID, Value: id})
	if c == nil && err == nil {
		return nil, []validate.Issue{validate.New(validate.CodeUnknownCustomer, cellWhere(where, b)).WithField("id").WithValue(id)}, nil
	}
	return c, nil, err
}

// resolveNumber finds the customer of a row without an id by its
// sequenceNumber, so that running a file that creates numbered customers a
// second time updates them instead of failing or duplicating them.
func (im *importer) resolveNumber(ctx context.Context, r *row) (*customer.Customer, []validate.Issue, error) {
	if im.numberCol < 0 || r.vals[im.numberCol].v == "" {
		return nil, nil, nil
	}
	c, err := im.look.Find(ctx, customer.Lookup{Key: customer.KeyNumber, List: im.opts.List, Value: r.vals[im.numberCol].v})
	return c, nil, err
}

// numberGiven reports whether the file may give number n in its
// sequenceNumber column (the first pass's record answers), so that a drawn
// number skips it.
func (im *importer) numberGiven(n string) bool {
	if im.numberCol < 0 {
		return false
	}
	k, _, _ := im.keyOf(&im.cols[im.numberCol], n)
	return im.repeats.MayHold(k)
}

func cellWhere(row validate.Where, b *boundColumn) validate.Where {
	row.Column = b.letter
	row.Header = b.header
	return row
}

// plan decides what one row does; see Import for the rules.
func (im *importer) plan(ctx context.Context, r *row) (pipeline.Plan, []validate.Issue, error) {
	where := r.where
	existing, issues, err := im.resolve(ctx, r)
	if err != nil || len(issues) > 0 {
		return pipeline.Plan{}, im.cellIssues(r, issues), err
	}
	mode := im.opts.Mode
	if existing == nil && (mode == impex.ModeUpdate || mode == impex.ModeDelete) {
		b := &im.cols[max(im.idCol, 0)]
		return pipeline.Plan{}, im.cellIssues(r, []validate.Issue{validate.New(validate.CodeUnknownCustomer, cellWhere(where, b))}), nil
	}
	if existing != nil && existing.Kind != im.schema.kind {
		code := validate.CodeCompanyInPersonFile
		if existing.Kind == customer.KindPerson {
			code = validate.CodePersonInCompanyFile
		}
		k := im.idCol
		if im.opts.MatchByEmail {
			k = im.emailCol
		}
		b := &im.cols[k]
		return pipeline.Plan{}, im.cellIssues(r, []validate.Issue{validate.New(code, cellWhere(where, b)).WithField(b.header).WithValue(r.vals[k].v)}), nil
	}
	if mode == impex.ModeDelete {
		return pipeline.Plan{Action: impex.ActionDelete, Op: customer.Delete(existing.ID, existing.Version), CustomerID: existing.ID}, nil, nil
	}

	p, issues := im.patch(existing, r)
	next := &customer.Customer{Kind: im.schema.kind, List: im.opts.List}
	if existing != nil {
		next = existing.Clone()
		if mode == impex.ModeReplace {
			next = &customer.Customer{ID: existing.ID, Version: existing.Version, Kind: existing.Kind, List: existing.List,
				Number: existing.Number, Groups: existing.Groups, CreatedAt: existing.CreatedAt, UpdatedAt: existing.UpdatedAt}
		}
	}
	p.Merge(next)
	if len(p.addresses) > 0 || len(p.removeAddress) > 0 {
		next.Addresses = applyAddresses(next.Addresses, p.addresses, p.removeAddress)
	}
	issues = append(issues, im.generateCards(ctx, existing, next, p)...)
	more, err := im.checkKeys(ctx, existing, next, p, where)
	if err != nil {
		return pipeline.Plan{}, nil, err
	}
	issues = append(issues, more...)
	if validate.AnyError(issues) {
		return pipeline.Plan{}, issues, nil
	}
	if err := im.ensureGroups(ctx, p); err != nil {
		return pipeline.Plan{}, nil, err
	}
	if existing == nil {
		if next.Number == "" && !im.opts.DryRun {
			if next.Number, err = pipeline.DrawNumber(ctx, im.repo, im.opts.List, im.numberGiven); err != nil {
				return pipeline.Plan{}, nil, err
			}
		}
		return pipeline.Plan{Action: impex.ActionCreate, Op: customer.PutOwned(next)}, issues, nil
	}
	if customer.Equal(existing, next) {
		return pipeline.Plan{Action: impex.ActionUnchanged, CustomerID: existing.ID}, issues, nil
	}
	return pipeline.Plan{Action: impex.ActionUpdate, Op: customer.PutOwned(next), CustomerID: existing.ID}, issues, nil
}

// cellIssues appends to issues, the reasons r names no customer it can
// change, the issues of r's cells that hold whichever customer the row
// names: values that could not be read or that their column's rule
// refuses, and a plain identity number that is not valid. One reading of
// the file then says everything wrong with the row. A delete reads no
// more of its row than what names the customer, so it reports nothing
// more.
func (im *importer) cellIssues(r *row, issues []validate.Issue) []validate.Issue {
	if im.opts.Mode == impex.ModeDelete {
		return issues
	}
	reported := func(w validate.Where) bool {
		return slices.ContainsFunc(issues, func(is validate.Issue) bool { return is.Where.Column == w.Column })
	}
	for i := range im.cols {
		b, c := &im.cols[i], &r.vals[i]
		cw := cellWhere(r.where, b)
		switch {
		case b.col.role == roleID || b.set == nil || reported(cw):
		case c.issue != nil:
			is := *c.issue
			is.Where = cw
			issues = append(issues, is)
		case b.col.role == roleSSN && r.ssn != nil && r.ssn.code != "":
			issues = append(issues, validate.New(r.ssn.code, cw).WithField("ssn").WithSecret())
		}
	}
	return issues
}

// emptyAddresses returns the address numbers whose every column is in the
// file and empty in the row: those addresses are removed.
func (im *importer) emptyAddresses(r *row) []int {
	if len(im.fullAddresses) == 0 {
		return nil
	}
	var filled [maxIndex + 1]bool
	for i := range im.cols {
		b := &im.cols[i]
		if b.col.role != roleAddress || filled[b.n] {
			continue
		}
		if c := r.vals[i]; c.issue != nil || (c.v != "" && c.v != "false") {
			filled[b.n] = true
		}
	}
	var out []int
	for _, n := range im.fullAddresses {
		if !filled[n] {
			out = append(out, n)
		}
	}
	return out
}

// patch reads a row's cells into a patch, column by column, following each
// column's rules for empty cells and new customers.
func (im *importer) patch(existing *customer.Customer, r *row) (*rowPatch, []validate.Issue) {
	where, ssn := r.where, r.ssn
	// Rows are planned one at a time and nothing keeps a patch or its maps
	// past its row (Merge copies values), so one is reused: a patch holds
	// a whole customer, which would be a kilobyte of garbage a row.
	p := &im.scratch
	*p = rowPatch{Patch: customer.Patch{Cards: p.Cards, Groups: p.Groups, Identifiers: p.Identifiers}, addresses: p.addresses[:0]}
	clear(p.Cards)
	clear(p.Groups)
	clear(p.Identifiers)
	var issues []validate.Issue
	isNew := existing == nil
	for i := range im.cols {
		b := &im.cols[i]
		if b.col.role == roleID || b.set == nil {
			continue
		}
		cw := cellWhere(where, b)
		c := &r.vals[i]
		v := c.v
		if c.issue != nil && !c.checked { // the cell could not be read
			is := *c.issue
			is.Where = cw
			issues = append(issues, is)
			continue
		}
		if !isNew && b.col.role != roleSSN && (sameAsStored(b, existing, v) || c.note == validate.CodeNumberCell && sameDigits(b, existing, v)) {
			continue
		}
		if blank(b, v) {
			switch {
			case isNew && b.col.emptyNew == emptyReject:
				issues = append(issues, validate.New(validate.CodeRequiredForNew, cw).WithField(b.header))
			case isNew:
			case b.col.emptyExisting == emptyReject:
				issues = append(issues, validate.New(validate.CodeRequired, cw).WithField(b.header))
			case b.col.emptyExisting == emptyClear:
				b.set(p, "")
			}
			continue
		}
		if c.note != "" {
			is := validate.New(c.note, cw).WithField(b.header).WithParams(validate.Params{Expected: v})
			if !b.col.secret {
				is = is.WithValue(v)
			}
			issues = append(issues, is.AsWarning())
		}
		switch b.col.role {
		case roleCard:
			if misspelledGenerate(v) {
				issues = append(issues, validate.New(validate.CodeGenerateMisspelled, cw).WithField(b.header).WithValue(v))
				continue
			}
			if cards.IsGenerate(v) {
				if p.generate == nil {
					p.generate = map[int]validate.Where{}
				}
				p.generate[b.n-1] = cw
				continue
			}
		case roleSSN:
			if ssn == nil { // keyOf found a hash, not a plain number
				if !im.opts.StrictSSN && existing != nil && existing.Identifiers.SSNHash == v {
					continue // an unedited export: nothing to do
				}
				issues = append(issues, validate.New(validate.CodeHashNotImportable, cw).WithField("ssn").WithSecret())
				continue
			}
			if ssn.code != "" {
				issues = append(issues, validate.New(ssn.code, cw).WithField("ssn").WithSecret())
				continue
			}
			if existing != nil && existing.Identifiers.SSNHash != "" {
				// The stored number: under the current key it is the hash
				// keyOf made; under an older one, Match hashes again.
				stored := existing.Identifiers.SSNHash
				if subtle.ConstantTimeCompare([]byte(stored), []byte(ssn.hash)) == 1 {
					continue
				}
				if ok, _ := im.opts.SSN.Match(ssn.info.Normalized, stored); ok {
					continue
				}
			}
			b.set(p, ssn.hash)
			continue
		}
		value := v
		if c.checked {
			if c.issue != nil { // the column's rule refused the value
				issues = append(issues, *c.issue)
				continue
			}
			value = c.out
		}
		b.set(p, value)
	}
	p.removeAddress = im.emptyAddresses(r)
	if isNew {
		for _, name := range im.missingForNew {
			issues = append(issues, validate.New(validate.CodeMissingColumn, where).WithParams(validate.Params{Name: name}))
		}
	}
	return p, issues
}

// blank reports whether a cell under b counts as empty: an empty text, or
// only spaces where the column holds no free text.
func blank(b *boundColumn, v string) bool {
	return v == "" || (b.kind != textKind && strings.TrimSpace(v) == "")
}

// sameAsStored reports whether a cell holds what the export writes for the
// stored customer, so an unedited cell never changes anything, even a value
// stored before the current validation rules.
func sameAsStored(b *boundColumn, c *customer.Customer, v string) bool {
	if b.col.get == nil {
		return false
	}
	stored := b.get(c)
	if b.kind == boolKind {
		want, _ := strconv.ParseBool(stored)
		got, code := validate.Boolean(v)
		return code == "" && got == want
	}
	return stored == v
}

// sameDigits reports whether a number cell's digits are the stored value
// of c without its leading zeros: a postal code 00100 typed as 100 in a
// number cell means the stored value.
func sameDigits(b *boundColumn, c *customer.Customer, v string) bool {
	if b.get == nil {
		return false
	}
	stored := b.get(c)
	return stored != "" && strings.TrimLeft(stored, "0") == strings.TrimLeft(v, "0")
}

// misspelledGenerate reports whether a card cell means generate() but is
// not it: "generate(", "generate ( )", "generate".
func misspelledGenerate(v string) bool {
	s := strings.ToLower(strings.TrimSpace(v))
	return strings.HasPrefix(s, "generate") && !cards.IsGenerate(v)
}

// generateCards fills generate() cells for customers that may get them,
// and warns for the others.
func (im *importer) generateCards(ctx context.Context, existing, next *customer.Customer, p *rowPatch) []validate.Issue {
	if len(p.generate) == 0 {
		return nil
	}
	var issues []validate.Issue
	had := 0
	if existing != nil {
		had = len(existing.Identifiers.Cards)
	}
	for _, i := range slices.Sorted(maps.Keys(p.generate)) {
		cw := p.generate[i]
		if !cards.MayGenerate(existing == nil, had) {
			issues = append(issues, validate.New(validate.CodeGenerateIgnored, cw).WithField(cw.Header))
			continue
		}
		n, err := im.cardGen.Generate(ctx)
		if err != nil {
			issues = append(issues, validate.New(validate.CodeInvalidCard, cw).WithField(cw.Header).
				WithParams(validate.Params{Expected: err.Error()}))
			continue
		}
		im.newCards[n] = true
		for len(next.Identifiers.Cards) <= i {
			next.Identifiers.Cards = append(next.Identifiers.Cards, "")
		}
		next.Identifiers.Cards[i] = n
	}
	next.Identifiers.Cards = slices.DeleteFunc(next.Identifiers.Cards, func(s string) bool { return s == "" })
	return issues
}

// cardTaken reports whether a card number is held in the store, was
// generated earlier in this file, or may be given anywhere in it (the first
// pass's record answers "maybe" for about one number in a hundred, which
// costs one more draw).
func (im *importer) cardTaken(ctx context.Context, n string) (bool, error) {
	if im.newCards[n] || im.repeats.MayHold(pipeline.Key{Kind: "customerCard", Value: n}) {
		return true, nil
	}
	h, err := im.look.HolderID(ctx, customer.Lookup{Key: customer.Key(customer.IdentCard), Value: n})
	return h != "", err
}

// checkKeys finds unique values the row would take from another customer,
// so that a dry run reports them just as the real run does.
func (im *importer) checkKeys(ctx context.Context, existing, next *customer.Customer, p *rowPatch, where validate.Where) ([]validate.Issue, error) {
	self := ""
	if existing != nil {
		self = existing.ID
	}
	var issues []validate.Issue
	for i, card := range p.Cards {
		if card == "" {
			continue
		}
		h, err := im.look.HolderID(ctx, customer.Lookup{Key: customer.Key(customer.IdentCard), Value: card})
		if err != nil {
			return nil, err
		}
		// A card given twice in the file is an in-file duplicate; here it
		// may only clash with the store or with a card generated earlier.
		if (h != "" && h != self) || im.newCards[card] {
			header := "customerCard:" + strconv.Itoa(i+1)
			issues = append(issues, validate.New(validate.CodeCardTaken, where).WithField(header).WithValue(card))
		}
	}
	if p.Given(customer.FieldSSNHash) && next.Identifiers.SSNHash != "" {
		h, err := im.look.HolderID(ctx, customer.Lookup{Key: customer.Key(customer.IdentSSNHash), Value: next.Identifiers.SSNHash})
		if err != nil {
			return nil, err
		}
		if h != "" && h != self {
			issues = append(issues, validate.New(validate.CodeDuplicateInStore, where).WithField("ssn").WithSecret().
				WithParams(validate.Params{Name: "ssn"}))
		}
	}
	if p.Given(customer.FieldNumber) && next.Number != "" {
		h, err := im.look.HolderID(ctx, customer.Lookup{Key: customer.KeyNumber, List: next.List, Value: next.Number})
		if err != nil {
			return nil, err
		}
		if h != "" && h != self {
			issues = append(issues, validate.New(validate.CodeDuplicateInStore, where).WithField("sequenceNumber").
				WithValue(next.Number).WithParams(validate.Params{Name: "sequenceNumber"}))
		}
	}
	if p.Given(customer.FieldExternalID) && next.Identifiers.ExternalID != "" {
		h, err := im.look.HolderID(ctx, customer.Lookup{Key: customer.Key(customer.IdentExternal), Value: next.Identifiers.ExternalID})
		if err != nil {
			return nil, err
		}
		if h != "" && h != self {
			issues = append(issues, validate.New(validate.CodeDuplicateInStore, where).WithField("externalId").
				WithValue(next.Identifiers.ExternalID).WithParams(validate.Params{Name: "externalId"}))
		}
	}
	for i := range issues {
		issues[i].Where = im.cellOf(issues[i].Where, issues[i].Field)
	}
	return issues, nil
}

// cellOf locates where at the cell of the column with the given header,
// when the file has one.
func (im *importer) cellOf(where validate.Where, header string) validate.Where {
	for i := range im.cols {
		if b := &im.cols[i]; b.header == header {
			return cellWhere(where, b)
		}
	}
	where.Header = header
	return where
}

// ensureGroups creates the static groups a row makes the customer a member
// of, when they do not exist yet. A dry run creates nothing.
func (im *importer) ensureGroups(ctx context.Context, p *rowPatch) error {
	if im.opts.DryRun {
		return nil
	}
	for id, member := range p.Groups {
		if !member || im.created[id] {
			continue
		}
		_, err := im.groups.Group(ctx, id)
		if errors.Is(err, groups.ErrNotFound) {
			err = im.groups.WriteGroups(ctx, []groups.Op{groups.Create(&groups.Group{ID: id, Kind: groups.Static, Name: id})})
			if errors.Is(err, groups.ErrExists) {
				err = nil
			}
		}
		if err != nil {
			return fmt.Errorf("creating group %q: %w", id, err)
		}
		im.created[id] = true
	}
	return nil
}
