package xmlio

import (
	"bytes"
	"context"
	"errors"
	"io"
	"iter"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/internal/pipeline"
	"github.com/impexkit/impex/validate"
)

// ImportOptions configure Import. The zero value merges into the default
// list, skips invalid records, and hashes plain passwords with
// customer.PasswordHasher's production parameters.
type ImportOptions struct {
	// Options are the settings every import shares. impex.ModeDelete deletes
	// every customer the document names; mode="delete" on a customer
	// deletes that one in any mode.
	impex.Options
	// Document names the document in issue locations.
	Document string
	// List is the customer list to import into. For a customer-list
	// document an empty List means the document's own list-id, or the
	// default list "" when that is DefaultListID.
	List string
	// DefaultListID, when not empty, is the list-id that stands for the
	// default list "" in customer-list documents: an export of the
	// default list must give it some list-id, and importing that export
	// back must not make a second list of the same customers.
	DefaultListID string
	// Kind is the kind of the customers an import creates; 0 means
	// customer.KindPerson. SFCC documents do not say.
	Kind customer.Kind
	// Hasher hashes plain-text passwords and password answers.
	Hasher customer.PasswordHasher
	// Groups is the group store that checks and applies group
	// memberships; nil means the repository itself when it is a
	// groups.Store. Without one, every membership is refused with a
	// warning.
	Groups groups.Store
	// Limits bound the document; see Limits.
	Limits Limits
}

// Result is what an import did: the counts, per-record outcomes and issues
// every format shares, plus what only an SFCC document has.
type Result struct {
	impex.Result
	// Document is the kind of document read.
	Document DocumentKind `json:"document"`
	// List holds a customer-list document's header settings (its ID
	// always set), nil for a customers document. The repository has no
	// place for them; store them as the application sees fit.
	List *customer.ListSettings `json:"list,omitempty"`
	// Assignments counts the group-assignment elements.
	Assignments AssignmentCounts `json:"assignments"`
}

// AssignmentCounts are the outcomes of a document's group-assignment
// elements. In a dry run they count what would be done.
type AssignmentCounts struct {
	Read     int `json:"read"`
	Assigned int `json:"assigned"` // memberships added
	Removed  int `json:"removed"`  // memberships removed
	// Unchanged are assignments that already held, or removals of
	// memberships that did not exist.
	Unchanged int `json:"unchanged"`
	// Refused are assignments to dynamic or system groups, skipped with a
	// warning.
	Refused int `json:"refused"`
	// Rejected are assignments with an error: an unknown customer or group,
	// or a malformed element.
	Rejected int `json:"rejected"`
}

// Import reads a customers or customer-list document from r and applies it
// to repo with the platform's semantics:
//
//   - the customer-no identifies a customer (created with that number when
//     new); without one, the login does; a record naming neither creates a
//     customer with the list's next number that the document does not
//     give to a customer itself (known when r is an io.ReadSeeker, which
//     is read whole first; a stream read once can only skip the numbers
//     the store holds);
//   - a new customer's number may not be an order's buyer number
//     (validate.CodeBuyerNumber), when repo implements
//     customer.BuyerNumbers;
//   - elements that are absent leave the stored value alone, empty ones set
//     it empty (impex.ModeReplace clears whatever the document does not give,
//     except the password, which a document cannot give back, and what the
//     format cannot carry: kind, flags, identifiers, active data);
//   - email-verified-flag is read-only and ignored;
//   - customer-groups assign static groups in a customers document, and are
//     ignored in a customer-list document; a dynamic or system group is
//     refused with a warning (validate.CodeGroupAssignmentRefused, or
//     validate.CodeSystemGroupAssignmentRefused for a system group);
//   - group-assignment elements are applied after the customers through
//     the group store.
//
// A large document that is also an io.ReaderAt (an *os.File, a
// *bytes.Reader) is checked, and then read, by more than one goroutine at
// once, each on a core of its own when there are several; its ReadAt must
// allow parallel calls, as io.ReaderAt's contract asks.
//
// Row-level problems are issues in the result, located by record and
// element path. The result is never nil. Import returns a
// *impex.FileError for a document it cannot read (its issues are in the
// report; see Errors in the package documentation), and a
// *impex.FatalError when the repository fails or ctx ends, with the result
// of what was done so far; errors.Is(err, context.Canceled) holds for a
// cancelled import.
func Import(ctx context.Context, repo customer.Repository, r io.Reader, opts ImportOptions) (*Result, error) {
	res := &Result{}
	res.DryRun = opts.DryRun
	fail := func(err error) (*Result, error) {
		res.Err = stopError(ctx, &res.Result, err)
		return res, res.Err
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	dopts := DecodeOptions{Document: opts.Document, Hasher: opts.Hasher, Limits: opts.Limits}
	var given *pipeline.Repeats // the customer numbers the document gives, when it is checked whole
	var parts chunker
	each := func(d *Decoder) {
		if no, ok := attr(d.sc, "customer-no"); ok && len(no) > 0 && string(d.sc.Local()) == "customer" {
			if given == nil {
				given = pipeline.NewRepeats(0)
			}
			given.Add(numberKey(string(no)))
		}
		parts.see(d)
	}
	how, err := checkWhole(r, dopts, beginAnyDocument, each)
	if err != nil {
		return fail(err)
	}
	d := NewDecoder(r, dopts)
	kind, err := d.Document()
	res.Document = kind
	if err == nil && kind != DocCustomers && kind != DocCustomerList {
		err = docFail(validate.CodeXMLRoot, validate.Where{Document: opts.Document}, kind.Root())
	}
	if err != nil {
		return fail(err)
	}
	im := &importer{repo: repo, look: pipeline.NewLookups(repo), opts: opts, dec: d, res: res, list: opts.List, kinds: make(map[string]groups.Kind), given: given,
		how: how, parts: parts.parts(how)}
	// A pool of its own, not a field: the runtime keeps a pool reachable
	// until the collector has run twice, and with it anything a pointer to
	// it would keep alive (the importer, and through it the store).
	d.spare = new(sync.Pool)
	if im.opts.Kind == 0 {
		im.opts.Kind = customer.KindPerson
	}
	if kind == DocCustomerList {
		if im.list == "" && d.ListID() != opts.DefaultListID {
			im.list = d.ListID()
		}
		// The list is named even when the document has no header: the
		// list imported into, which the header's settings are for.
		res.List = &customer.ListSettings{ID: im.list}
	}
	im.groups = opts.Groups
	if im.groups == nil {
		im.groups, _ = repo.(groups.Store)
	}
	im.buyers, _ = repo.(customer.BuyerNumbers)
	pres, err := pipeline.Run(ctx, im.look, im.items(), opts.Options, 0)
	res.Result = *pres
	if res.Read == 0 && im.pending != nil {
		// The document's group assignments are its content: it is not
		// the empty file the pipeline took it for.
		res.Report = without(res.Report, validate.CodeNoRows)
	}
	if err == nil && im.pending != nil {
		err = im.assignments(ctx)
	}
	res.Report.Add(im.docIssues()...)
	if err != nil {
		return fail(err)
	}
	return res, nil
}

// docIssues returns the issues found outside records: the decoder's, then
// those of the parts read apart, no more than the limit of one decoder.
func (im *importer) docIssues() []validate.Issue {
	all := append(slices.Clip(im.dec.Issues()), im.partIssues...)
	return all[:min(len(all), im.dec.opts.Limits.MaxIssues)]
}

// stopError returns the error that ends an import early: a
// *impex.FileError, whose issues it adds to res's report and which counts
// the records res says were applied before it, or a *impex.FatalError
// wrapping ctx.Err() when ctx has ended.
func stopError(ctx context.Context, res *impex.Result, err error) error {
	var fe *impex.FileError
	if errors.As(err, &fe) && ctx.Err() == nil {
		res.Report.Add(fe.Issues...)
		if !res.DryRun {
			fe.Applied = res.Applied()
		}
		return fe
	}
	return pipeline.Fatal(ctx, validate.Where{}, err)
}

// without returns the issues of rep but those with the given code.
func without(rep validate.Report, code validate.Code) validate.Report {
	var out validate.Report
	out.Limit = rep.Limit
	for is := range rep.All() {
		if is.Code != code {
			out.Add(is)
		}
	}
	return out
}

// numberKey is the in-document key of a customer number.
func numberKey(n string) pipeline.Key { return pipeline.Key{Kind: "customer-no", Value: n} }

// checkWhole reads all of r with a decoder of its own, when r can be read
// again, and rewinds it: then every error that stops a document (syntax,
// limits, structure) is found before an import applies anything, at the
// scanner's speed, as the platform checks a file before importing it.
// begin starts the document as the import's decoder does; each, if not
// nil, sees every child of the root at its start tag. A reader that
// cannot seek back (a pipe) is left alone; the import then reads it once,
// and a document error may come after records were applied.
//
// A large document that can also be read at any offset (an *os.File, a
// *bytes.Reader) is checked in two halves at once (see checkHalves). It
// returns how it read the document.
func checkWhole(r io.Reader, opts DecodeOptions, begin func(*Decoder) error, each func(*Decoder)) (reading, error) {
	rs, ok := r.(io.ReadSeeker)
	if !ok {
		return reading{}, nil
	}
	start, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return reading{}, nil // an *os.File on a pipe
	}
	ra, ok := r.(io.ReaderAt)
	var end int64
	if ok {
		end, err = rs.Seek(0, io.SeekEnd)
	}
	how := reading{exact: true}
	if ok && err == nil {
		how.ra, how.start, how.end = ra, start, end
	}
	if ok && err == nil && end-start >= splitSize {
		how.exact, err = checkHalves(ra, start, end, opts, begin, each)
	} else {
		err = checkPart(rs, start, opts, begin, each)
	}
	if _, serr := rs.Seek(start, io.SeekStart); serr != nil && err == nil {
		err = docError(opts.Document, serr)
	}
	return how, err
}

// reading is how checkWhole read a document, for an import that reads it
// again in parts (see chunker).
type reading struct {
	ra         io.ReaderAt // the document, when it can be read at any offset
	start, end int64       // where the document is in ra
	exact      bool        // each was told every child of the root, once
}

// checkPart checks the document r holds from start, alone.
func checkPart(rs io.ReadSeeker, start int64, opts DecodeOptions, begin func(*Decoder) error, each func(*Decoder)) error {
	if _, err := rs.Seek(start, io.SeekStart); err != nil {
		return docError(opts.Document, err)
	}
	d := NewDecoder(rs, opts)
	if err := begin(d); err != nil {
		return err
	}
	return checkChildren(d, false, -1, each)
}

// checkChildren reads the rest of the root's children with d, giving each
// to each at its start tag, until the root's end or, when stop is not
// negative, the first child whose start tag is at stop or after it, which
// it leaves unread and reports as reached: at stop exactly or not. With
// seen set, d's current token is a child's start tag not yet given to
// each.
func checkChildren(d *Decoder, seen bool, stop int64, each func(*Decoder)) error {
	for seen || nextChild(d) {
		seen = false
		if stop >= 0 && d.sc.Offset() >= stop {
			if d.sc.Offset() == stop {
				return errAtStop
			}
			return errPastStop
		}
		if each != nil {
			each(d)
		}
		d.skip()
	}
	return d.checked()
}

// beginAnyDocument reads d's root, whatever kind of document it starts,
// for checkWhole.
func beginAnyDocument(d *Decoder) error {
	_, err := d.Document()
	return err
}

// checked returns the error that ended d's reading, nil for the end of
// the document.
func (d *Decoder) checked() error {
	if d.err != io.EOF {
		return d.err
	}
	return nil
}

var (
	errAtStop   = errors.New("xmlio: the check reached its stop")
	errPastStop = errors.New("xmlio: the check went past its stop")
)

// splitSize is the size from which checkHalves checks a document in two
// halves.
const splitSize = 4 << 20

// checkHalves checks the document ra holds from start to end as checkWhole
// does, in two halves read at once, each on a core of its own when there
// are two: the first from the start, the second from a child of the root
// after the middle, read as inside the root (xmlscan.Scanner.Enter). The
// split is a guess: the first start tag after the middle that names the
// root's repeated child (the first child named as the one before it). It
// holds when the first half's reading of the
// document meets a child's start tag exactly there; otherwise (the name
// was in a comment, or a deeper element's) the first half reads on to the
// end alone. When the second half finds an error, the first half reads
// the second half again, so that the error is reported as a reading of the
// whole document reports it, with its line. each is called under a lock,
// and may see children of the second half that a failed guess read out of
// a comment: an import's numbers only err towards "maybe given" that way.
// It reports whether each was told every child once and nothing else:
// whether the guess held, or there was none to make.
func checkHalves(ra io.ReaderAt, start, end int64, opts DecodeOptions, begin func(*Decoder) error, each func(*Decoder)) (exact bool, err error) {
	d := NewDecoder(io.NewSectionReader(ra, start, end-start), opts)
	if err := begin(d); err != nil {
		return false, err
	}
	// The name to look for is the root's repeated child's: the first named
	// as the child before it (a customer list's header comes first).
	mid := (end - start) / 2
	var prev []byte
	for {
		if !nextChild(d) {
			return true, d.checked() // the root's end, or an error
		}
		if bytes.Equal(prev, d.sc.Name()) || d.sc.Offset() >= mid {
			break
		}
		prev = append(prev[:0], d.sc.Name()...)
		if each != nil {
			each(d)
		}
		d.skip()
	}
	split := int64(-1)
	if d.sc.Offset() < mid {
		split = findStartTag(ra, start+mid, end, d.sc.Name())
	}
	if split < 0 {
		return true, checkChildren(d, true, -1, each)
	}
	head := d.head()
	var mu sync.Mutex
	locked := each
	if each != nil {
		locked = func(d *Decoder) {
			mu.Lock()
			defer mu.Unlock()
			each(d)
		}
	}
	var stopped atomic.Bool
	second := make(chan error, 1)
	go func() {
		p := NewDecoder(nil, opts)
		p.resume(io.NewSectionReader(ra, split, end-split), split-start, head)
		second <- checkChildren(p, false, -1, func(p *Decoder) {
			if stopped.Load() {
				p.err = errPastStop // the guess failed: stop reading
				return
			}
			if locked != nil {
				locked(p)
			}
		})
	}()
	err = checkChildren(d, true, split-start, locked)
	if err == errAtStop {
		if err = <-second; err == nil {
			return true, nil
		}
		// Report the second half's error as the whole document's reading
		// does.
		return false, checkChildren(d, true, -1, each)
	}
	stopped.Store(true)
	<-second
	if err == errPastStop {
		return false, checkChildren(d, true, -1, each)
	}
	return false, err
}

// findStartTag returns the offset of the first start tag of an element
// named name in ra from from to end, looking no further than a window of
// 64 KiB, or -1.
func findStartTag(ra io.ReaderAt, from, end int64, name []byte) int64 {
	buf := make([]byte, min(64<<10, end-from))
	n, err := ra.ReadAt(buf, from)
	if err != nil && err != io.EOF {
		return -1
	}
	buf = buf[:n]
	open := append([]byte{'<'}, name...)
	for i := 0; ; {
		j := bytes.Index(buf[i:], open)
		if j < 0 {
			return -1
		}
		i += j + len(open)
		if i < len(buf) {
			switch buf[i] {
			case ' ', '\t', '\n', '\r', '>', '/':
				return from + int64(i-len(open))
			}
		}
	}
}

type importer struct {
	repo    customer.Repository
	look    *pipeline.Lookups // the store as planning sees it
	opts    ImportOptions
	dec     *Decoder
	res     *Result
	list    string
	groups  groups.Store
	buyers  customer.BuyerNumbers
	kinds   map[string]groups.Kind // group kinds seen, 0 for unknown groups
	pending *GroupAssignment       // the first group-assignment, which ends the customers
	given   *pipeline.Repeats      // the numbers the document gives, if checked whole
	// how is how the document was checked, and parts where it is read
	// in parts, nil when it is read in one (see chunker).
	how        reading
	parts      []int64
	partIssues []validate.Issue // found outside records by the parts' decoders
}

// items yields the document's customers as pipeline items. It stops at the
// first group-assignment, which waits until the customers are written.
//
// The document is read on a goroutine of its own, a few small batches of
// records ahead of the pipeline, so that reading and storing overlap on a
// machine with more than one core. Memory stays bounded by those batches.
func (im *importer) items() iter.Seq2[pipeline.Item, error] {
	return func(yield func(pipeline.Item, error) bool) {
		ch := make(chan recordBatch, 4)
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(ch)
			if im.parts != nil {
				im.readParts(ch, done)
				return
			}
			im.read(ch, done)
		}()
		defer func() {
			close(done)
			for range ch {
			}
			wg.Wait()
		}()
		for b := range ch {
			for _, rec := range b.recs {
				switch rec := rec.(type) {
				case *ListRecord:
					s := rec.Settings
					s.ID = im.list
					im.res.List = &s
					im.res.Report.Add(rec.Issues...)
				case *GroupAssignment:
					im.pending = rec
					return
				case *CustomerRecord:
					if !yield(im.item(rec), nil) {
						return
					}
				}
			}
			if b.err != nil {
				yield(pipeline.Item{}, b.err)
				return
			}
		}
	}
}

// recordBatch is a few records read ahead, and the error that ended the
// reading, if any.
type recordBatch struct {
	recs []Record
	err  error
}

const readAhead = 64

// sendBatch sends b on ch, unless done closes first; it reports whether b
// was sent.
func sendBatch(ch chan<- recordBatch, done <-chan struct{}, b recordBatch) bool {
	select {
	case ch <- b:
		return true
	case <-done:
		return false
	}
}

// read sends the document's records in batches until the end, an error,
// the first group-assignment (included), or done.
func (im *importer) read(ch chan<- recordBatch, done <-chan struct{}) {
	send := func(b recordBatch) bool { return sendBatch(ch, done, b) }
	recs := make([]Record, 0, readAhead)
	for {
		rec, err := im.dec.Next()
		if err == io.EOF {
			send(recordBatch{recs: recs})
			return
		}
		if err != nil {
			send(recordBatch{recs: recs, err: err})
			return
		}
		recs = append(recs, rec)
		if _, ok := rec.(*GroupAssignment); ok {
			send(recordBatch{recs: recs})
			return
		}
		if len(recs) == readAhead {
			if !send(recordBatch{recs: recs}) {
				return
			}
			recs = make([]Record, 0, readAhead)
		}
	}
}

func (im *importer) item(rec *CustomerRecord) pipeline.Item {
	it := pipeline.Item{Where: rec.Where, Issues: rec.Issues}
	p := &rec.Patch
	// The keys and lookup live in the record, which the pipeline reads
	// only until it plans the item.
	it.Keys = rec.item.keys[:0]
	if k := numberKey(p.Set.Number); p.Given(customer.FieldNumber) && p.Set.Number != "" && im.mayRepeat(k) {
		it.Keys = append(it.Keys, k)
	}
	if p.Given(customer.FieldLogin) && p.Set.Credentials.Login != "" {
		it.Keys = append(it.Keys, pipeline.Key{Kind: "login", Value: p.Set.Credentials.Login})
	}
	if im.look.Batched() {
		if k, ok := im.lookup(p); ok {
			rec.item.lookup[0] = k
			it.Lookups = rec.item.lookup[:]
		}
	}
	it.Plan = func(ctx context.Context) (pipeline.Plan, []validate.Issue, error) {
		plan, issues, err := im.plan(ctx, rec)
		im.release(rec)
		return plan, issues, err
	}
	return it
}

// mayRepeat reports whether the in-document key k may be held by another
// record too: only such a key need go to the pipeline's duplicate check.
// It is certain only for the customer numbers of a document checked whole
// (Repeats is told nothing else), and then only when every number fitted
// in its one round.
func (im *importer) mayRepeat(k pipeline.Key) bool {
	return im.given == nil || !im.given.Done() || im.given.MayRepeat(k)
}

// release gives the decoder back a record that has been planned. Nothing
// planned refers to the record itself, only to values it held: a
// customer created is a copy of the record's, and an update a copy of the
// stored customer; the pipeline is done with the item's keys and lookup,
// which the record holds, once it plans. Cleared, the record drops the
// plain secrets it was read with.
func (im *importer) release(rec *CustomerRecord) {
	*rec = CustomerRecord{}
	im.dec.spare.Put(rec)
}

func (im *importer) reject(rec *CustomerRecord, code validate.Code, path string, p validate.Params) (pipeline.Plan, []validate.Issue, error) {
	w := rec.Where
	if path != "" {
		w.Path += "/" + path
	}
	return pipeline.Plan{Action: impex.ActionReject}, []validate.Issue{validate.New(code, w).WithParams(p)}, nil
}

// unknown rejects a record that names no stored customer, naming the
// value it was looked up by, as find looks: the number, else the login.
func (im *importer) unknown(rec *CustomerRecord) (pipeline.Plan, []validate.Issue, error) {
	is := unknownCustomer(rec.Where, "customerNo", rec.Patch.Set.Number)
	if rec.Patch.Set.Number == "" {
		is = unknownCustomer(rec.Where, "login", rec.Patch.Set.Credentials.Login)
	}
	return pipeline.Plan{Action: impex.ActionReject}, []validate.Issue{is}, nil
}

// unknownCustomer is the issue of a value of field that no customer has.
func unknownCustomer(w validate.Where, field, value string) validate.Issue {
	return validate.New(validate.CodeUnknownCustomer, w).WithField(field).WithValue(value)
}

// plan decides what one customer record does.
func (im *importer) plan(ctx context.Context, rec *CustomerRecord) (pipeline.Plan, []validate.Issue, error) {
	p := &rec.Patch
	cur, err := im.find(ctx, p)
	if err != nil {
		return pipeline.Plan{}, nil, err
	}
	if rec.Delete || im.opts.Mode == impex.ModeDelete {
		if cur == nil {
			return im.unknown(rec)
		}
		return pipeline.Plan{Action: impex.ActionDelete, Op: customer.Delete(cur.ID, cur.Version), CustomerID: cur.ID}, nil, nil
	}
	var issues []validate.Issue
	if cur == nil {
		if im.opts.Mode == impex.ModeUpdate {
			return im.unknown(rec)
		}
		c := im.create(rec)
		if p.Given(customer.FieldNumber) && p.Set.Number != "" {
			if im.buyers != nil {
				taken, err := im.buyers.IsBuyerNumber(ctx, p.Set.Number)
				if err != nil {
					return pipeline.Plan{}, nil, err
				}
				if taken {
					return im.reject(rec, validate.CodeBuyerNumber, "", validate.Params{Name: p.Set.Number})
				}
			}
		} else if !im.opts.DryRun {
			given := func(n string) bool { return im.given != nil && im.given.MayHold(numberKey(n)) }
			n, err := pipeline.DrawNumber(ctx, im.repo, im.list, given)
			if err != nil {
				return pipeline.Plan{}, nil, err
			}
			c.Number = n
		}
		if rec.GroupsGiven && im.dec.doc == DocCustomers {
			add, more, err := im.staticGroups(ctx, rec)
			if err != nil {
				return pipeline.Plan{}, nil, err
			}
			issues = append(issues, more...)
			c.Groups = add
		}
		// The store may keep what the record's customer refers to, but not
		// the record, which holds the plain secrets it was read with.
		owned := *c
		return pipeline.Plan{Action: impex.ActionCreate, Op: customer.PutOwned(&owned)}, issues, nil
	}
	next := cur.Clone()
	if im.opts.Mode == impex.ModeReplace {
		next = replaceBase(cur)
	}
	p.Apply(next)
	keepVerified(&next.Credentials, &cur.Credentials, rec)
	if rec.GroupsGiven && im.dec.doc == DocCustomers {
		add, more, err := im.staticGroups(ctx, rec)
		if err != nil {
			return pipeline.Plan{}, nil, err
		}
		issues = append(issues, more...)
		if im.opts.Mode == impex.ModeReplace {
			next.Groups = nil
		}
		for _, g := range add {
			next.SetGroup(g, true)
		}
	}
	if customer.Equal(cur, next) {
		return pipeline.Plan{Action: impex.ActionUnchanged, CustomerID: cur.ID}, issues, nil
	}
	return pipeline.Plan{Action: impex.ActionUpdate, Op: customer.PutOwned(next), CustomerID: cur.ID}, issues, nil
}

// keepVerified keeps the stored password and answer where the record gave
// in plain text the one the customer already has, so that importing the
// same document again leaves the customer unchanged rather than storing a
// new hash of the same secret.
func keepVerified(next, stored *customer.Credentials, rec *CustomerRecord) {
	if rec.plain.password != "" && customer.VerifyPassword(stored.Password, rec.plain.password) == nil {
		next.Password = stored.Password
	}
	if rec.plain.answer != "" && customer.VerifyPassword(stored.Answer, rec.plain.answer) == nil {
		next.Answer = stored.Answer
	}
}

// find looks up the customer a record names (see lookup). It returns nil
// when there is none.
func (im *importer) find(ctx context.Context, p *customer.Patch) (*customer.Customer, error) {
	k, ok := im.lookup(p)
	if !ok {
		return nil, nil
	}
	return im.look.Find(ctx, k)
}

// lookup returns how a record names its customer: by customer-no when it
// has one, else by login; false when it has neither.
func (im *importer) lookup(p *customer.Patch) (customer.Lookup, bool) {
	switch {
	case p.Given(customer.FieldNumber) && p.Set.Number != "":
		return customer.Lookup{Key: customer.KeyNumber, List: im.list, Value: p.Set.Number}, true
	case p.Given(customer.FieldLogin) && p.Set.Credentials.Login != "":
		return customer.Lookup{Key: customer.KeyLogin, List: im.list, Value: p.Set.Credentials.Login}, true
	}
	return customer.Lookup{}, false
}

// create builds a new customer from a record: the patch applied to an
// empty customer. The decoder left every field it did not give at its zero
// value, so the patch's values are taken over directly, in place: the
// record is not used again.
func (im *importer) create(rec *CustomerRecord) *customer.Customer {
	p := &rec.Patch
	c := &p.Set
	c.Kind = im.opts.Kind
	c.List = im.list
	c.Profile.EmailVerified = nil
	for _, a := range p.Attributes {
		c.Attributes = customer.SetAttribute(c.Attributes, a.ID, a.Lang, a.Values...)
	}
	return c
}

// replaceBase is what impex.ModeReplace applies a record to: a customer with the
// stored identity and the fields the format cannot carry (or must not
// overwrite), and nothing else.
func replaceBase(cur *customer.Customer) *customer.Customer {
	old := cur.Clone()
	return &customer.Customer{
		ID: old.ID, Version: old.Version, Kind: old.Kind, List: old.List, Number: old.Number,
		Credentials: customer.Credentials{Password: old.Credentials.Password},
		Profile:     customer.Profile{TaxCode: old.Profile.TaxCode, EmailVerified: old.Profile.EmailVerified},
		Flags:       old.Flags, Identifiers: old.Identifiers, Groups: old.Groups, ActiveData: old.ActiveData,
		CreatedAt: old.CreatedAt, UpdatedAt: old.UpdatedAt,
	}
}

// staticGroups sorts a record's customer-groups into the static groups to
// assign and warnings for the rest.
func (im *importer) staticGroups(ctx context.Context, rec *CustomerRecord) ([]string, []validate.Issue, error) {
	var add []string
	var issues []validate.Issue
	w := rec.Where
	w.Path += "/customer-groups/customer-group"
	for _, id := range rec.Groups {
		k, err := im.groupKind(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		switch k {
		case groups.Static:
			add = append(add, id)
		case 0:
			issues = append(issues, validate.New(validate.CodeGroupUnknown, w).WithParams(validate.Params{Name: id}).AsWarning())
		default:
			issues = append(issues, validate.New(refusedCode(k), w).WithParams(validate.Params{Name: id}).AsWarning())
		}
	}
	slices.Sort(add)
	return slices.Compact(add), issues, nil
}

// groupKind returns the kind of group id, 0 when there is no such group or
// no group store.
func (im *importer) groupKind(ctx context.Context, id string) (groups.Kind, error) {
	if k, ok := im.kinds[id]; ok {
		return k, nil
	}
	var k groups.Kind
	if im.groups != nil {
		g, err := im.groups.Group(ctx, id)
		switch {
		case err == nil:
			k = g.Kind
		case !errors.Is(err, groups.ErrNotFound):
			return 0, err
		}
	}
	if len(im.kinds) < 10000 {
		im.kinds[id] = k
	}
	return k, nil
}
