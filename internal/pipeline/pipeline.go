// Package pipeline is the import machinery every format shares: it takes a
// stream of parsed rows or records, finds the stored customer each one
// addresses, decides what to do with it, and writes the changes in bounded,
// atomic batches under an error policy, with dry runs, progress and
// cancellation. Codecs (excelio, xmlio, activedata) turn their format into
// Items; the options and the result are the root package's.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/validate"
)

// Key is a value that must not appear twice in one input, such as an
// e-mail address or a card: Kind names it for the message ("email",
// "customerCard"), Value is compared exactly. Column and Header, when set,
// locate the value's cell in a spreadsheet row, so that the duplicate's
// issue points at that cell; they take no part in the comparison.
type Key struct {
	Kind   string
	Value  string
	Column string
	Header string
}

// Item is one parsed row or record, ready for planning.
type Item struct {
	Where validate.Where
	// Issues found while parsing; an error among them rejects the row.
	Issues []validate.Issue
	// Keys must be unique within the input; the second row holding one is
	// rejected, naming the first.
	Keys []Key
	// Lookups are the stored customers Plan will look up through the
	// run's Lookups, declared so that a repository that answers many at
	// once is asked for a whole batch of items in one call. A lookup left
	// out still works, one call at a time.
	Lookups []customer.Lookup
	// Plan finds the stored customer the row addresses and returns the
	// operation to apply: a put, a delete, or none for an unchanged row,
	// with any issues (an error among them rejects the row). An error
	// return is fatal: the repository could not be asked. It is called at
	// most once, after the last use of Keys and Lookups, so they may live
	// in memory that the codec reuses once Plan has returned.
	Plan func(ctx context.Context) (Plan, []validate.Issue, error)
}

// Plan is what one row asks for.
type Plan struct {
	Action impex.Action
	// Op is the repository operation; unused for ActionUnchanged and ActionReject.
	Op customer.Op
	// CustomerID names the customer for ActionUpdate, ActionUnchanged and ActionDelete.
	CustomerID string
}

// Run imports items into the repository of look, through which the items'
// Plan functions look customers up. total is the number of items, when the
// format knows it before reading (Progress.Total), or 0.
//
// It returns the result and, when the import could not finish, a
// *impex.FatalError wrapping the cause (a repository error, or ctx.Err()),
// also kept in the result's Err. Row-level problems are never errors: they
// are issues in the result's report. A sequence error from items is fatal
// too, unless it is a *impex.FileError, which is returned as it is.
func Run(ctx context.Context, look *Lookups, items iter.Seq2[Item, error], opts impex.Options, total int) (*impex.Result, error) {
	r := &runner{look: look, opts: opts, res: &impex.Result{DryRun: opts.DryRun}, total: total, seen: newKeySet()}
	if r.opts.BatchSize <= 0 {
		r.opts.BatchSize = impex.DefaultBatchSize
	}
	r.overlap = look.finder != nil && !opts.DryRun && opts.Policy != impex.AllOrNothing
	err := r.run(ctx, items)
	if err == nil && !r.res.Stopped {
		r.finish()
	}
	r.progress()
	r.res.Err = err
	return r.res, err
}

type runner struct {
	look    *Lookups // the repository, as planning sees it
	opts    impex.Options
	res     *impex.Result
	total   int
	seen    *keySet
	pending []pendingRow
	trial   *trial // a dry run's stand-in for the store's checks
	// overlap says to write each window's rows while the next window's
	// lookups are asked (see window).
	overlap bool
}

type pendingRow struct {
	out  impex.RowOutcome
	plan Plan
}

func (r *runner) run(ctx context.Context, items iter.Seq2[Item, error]) error {
	// With a Finder, items wait in a window of a batch so that their
	// lookups are asked at once; otherwise each is planned as it comes.
	var window []Item
	if r.look.finder != nil {
		window = make([]Item, 0, r.opts.BatchSize)
	}
	for it, err := range items {
		if err != nil {
			if stop, err := r.window(ctx, window); stop || err != nil {
				return err
			}
			var fe *impex.FileError
			if errors.As(err, &fe) {
				r.emitPending(false)
				return err
			}
			return r.fatal(ctx, validate.Where{}, err)
		}
		if window == nil {
			if stop, err := r.next(ctx, it); stop || err != nil {
				return err
			}
			continue
		}
		if window = append(window, it); len(window) < cap(window) {
			continue
		}
		if stop, err := r.window(ctx, window); stop || err != nil {
			return err
		}
		clear(window)
		window = window[:0]
	}
	if stop, err := r.window(ctx, window); stop || err != nil {
		return err
	}
	return r.end(ctx)
}

// window plans a window of items after asking their lookups at once.
//
// With overlap, the rows of the window before, planned and waiting, are
// written meanwhile: a store a network round trip away answers the
// lookups on one connection while it writes on another. The answers are
// then those of the store before the write, so the lookups whose answers
// the write may have changed (changes.stale: a key it put, a customer it
// changed) are asked again before any row is planned. Planning sees the
// store as it does without overlap.
func (r *runner) window(ctx context.Context, items []Item) (stop bool, err error) {
	if len(items) == 0 {
		return false, nil
	}
	if r.overlap && len(r.pending) > 0 {
		ch := r.changes()
		var set *answerSet
		var ferr error
		fetched := make(chan struct{})
		go func() {
			defer close(fetched)
			set, ferr = r.look.fetch(ctx, declared(items))
		}()
		werr := r.flush(ctx, ch)
		<-fetched
		if werr != nil {
			return true, werr
		}
		if ferr == nil {
			ferr = r.look.use(ctx, set, ch)
		}
		if ferr != nil {
			return true, r.fatal(ctx, items[0].Where, ferr)
		}
	} else if err := r.look.prefetch(ctx, items); err != nil {
		return true, r.fatal(ctx, items[0].Where, err)
	}
	for _, it := range items {
		if stop, err := r.next(ctx, it); stop || err != nil {
			return true, err
		}
	}
	return false, nil
}

// next plans one item and writes the batch it fills. stop reports that the
// import ends here: the error policy stopped it (err nil), or err.
func (r *runner) next(ctx context.Context, it Item) (stop bool, err error) {
	if r.res.Read%64 == 0 {
		if err := ctx.Err(); err != nil {
			return true, r.fatal(ctx, it.Where, err)
		}
	}
	r.res.Read++
	if err := r.item(ctx, it); err != nil {
		return true, err
	}
	if r.stop() {
		r.res.Stopped = true
		return true, r.end(ctx)
	}
	if r.opts.Policy != impex.AllOrNothing && !r.overlap && len(r.pending) >= r.opts.BatchSize {
		if err := r.flush(ctx, nil); err != nil {
			return true, err
		}
	}
	return false, nil
}

// end writes what is left once the items are planned or the policy
// stopped the import.
func (r *runner) end(ctx context.Context) error {
	if r.opts.Policy == impex.AllOrNothing && r.res.Rejected > 0 {
		// Nothing is applied; the rows keep their planned actions.
		r.emitPending(false)
		return nil
	}
	return r.flush(ctx, nil)
}

// changes returns what writing the queued rows will change that lookups
// read.
func (r *runner) changes() *changes {
	ch := newChanges()
	for _, p := range r.pending {
		if writes(p.out.Action) {
			ch.op(p.plan.Op, p.out.Action != impex.ActionCreate)
		}
	}
	return ch
}

func (r *runner) stop() bool {
	switch r.opts.Policy {
	case impex.StopAtFirst:
		return r.res.Rejected > 0
	case impex.StopAfter:
		return r.opts.MaxErrors > 0 && r.res.Rejected >= r.opts.MaxErrors
	}
	return false
}

// item plans one row and queues it; rows leave the queue in input order
// when their batch is written.
func (r *runner) item(ctx context.Context, it Item) error {
	issues := it.Issues
	for _, k := range it.Keys {
		if first, dup := r.seen.add(k, it.Where); dup {
			where := it.Where
			if k.Column != "" {
				where.Column, where.Header = k.Column, k.Header
			}
			is := validate.New(validate.CodeDuplicateInFile, where).WithField(k.Kind).WithValue(k.Value).
				WithParams(validate.Params{Name: k.Kind, OtherRow: first.Row, OtherRecord: first.Record})
			issues = append(issues, is)
		}
	}
	var plan Plan
	if !validate.AnyError(issues) && it.Plan != nil {
		p, more, err := it.Plan(ctx)
		if err != nil {
			return r.fatal(ctx, it.Where, err)
		}
		plan = p
		issues = append(issues, more...)
	}
	r.res.Report.Add(issues...)
	if validate.AnyError(issues) || plan.Action == 0 {
		plan.Action = impex.ActionReject
	}
	if plan.Action == impex.ActionReject {
		r.res.Rejected++
	} else {
		r.res.Valid++
	}
	r.pending = append(r.pending, pendingRow{out: impex.RowOutcome{Where: it.Where, Action: plan.Action, CustomerID: plan.CustomerID}, plan: plan})
	return nil
}

// flush writes the queued rows' operations as one atomic batch. A row whose
// operation the repository refuses (a duplicate, a conflict, a customer
// deleted meanwhile) is rejected with an issue and the batch retried
// without it; any other failure is fatal. ch, if not nil, is told the IDs
// of the customers created.
func (r *runner) flush(ctx context.Context, ch *changes) error {
	r.look.forget()
	if len(r.pending) == 0 {
		return nil
	}
	if r.opts.DryRun {
		return r.try(ctx)
	}
	for {
		ops := make([]customer.Op, 0, len(r.pending))
		idx := make([]int, 0, len(r.pending))
		for i, p := range r.pending {
			if writes(p.out.Action) {
				ops = append(ops, p.plan.Op)
				idx = append(idx, i)
			}
		}
		var written []customer.Written
		var err error
		if len(ops) > 0 {
			written, err = r.look.repo.Write(ctx, ops)
		}
		var be *customer.BatchError
		switch {
		case err == nil:
			for j, w := range written {
				if r.pending[idx[j]].out.Action == impex.ActionCreate {
					r.pending[idx[j]].out.CustomerID = w.ID
					if ch != nil {
						ch.created(w.ID)
					}
				}
			}
			r.emitPending(true)
			r.progress()
			return nil
		case errors.As(err, &be) && be.Index >= 0 && be.Index < len(idx) && rowError(be.Err):
			if r.refuse(&r.pending[idx[be.Index]], be.Err) {
				return nil
			}
		default:
			return r.fatal(ctx, r.pending[0].out.Where, err)
		}
	}
}

// try is flush for a dry run: the store's rules are checked as the real
// run's write would check them, and nothing is written.
func (r *runner) try(ctx context.Context) error {
	if r.trial == nil {
		r.trial = newTrial(r.look)
	}
	if r.look.Batched() {
		ops := make([]customer.Op, 0, len(r.pending))
		for _, p := range r.pending {
			if writes(p.out.Action) {
				ops = append(ops, p.plan.Op)
			}
		}
		if err := r.trial.prepare(ctx, ops); err != nil {
			return r.fatal(ctx, r.pending[0].out.Where, err)
		}
	}
	for i := range r.pending {
		p := &r.pending[i]
		if !writes(p.out.Action) {
			continue
		}
		err := r.trial.check(ctx, p.plan.Op)
		switch {
		case err == nil:
		case rowError(err):
			if r.refuse(p, err) {
				return nil
			}
		default:
			return r.fatal(ctx, p.out.Where, err)
		}
	}
	r.emitPending(true)
	r.progress()
	return nil
}

// refuse rejects the queued row p, whose write the store refused (or, in a
// dry run, would refuse) with err. Under AllOrNothing one refused row
// leaves the whole input unapplied, as a row the planner rejects does: the
// queue is handed on unapplied and refuse reports true.
func (r *runner) refuse(p *pendingRow, err error) (stop bool) {
	r.res.Report.Add(storeIssue(p.out.Where, err))
	p.out.Action = impex.ActionReject
	r.res.Valid--
	r.res.Rejected++
	if r.opts.Policy == impex.AllOrNothing {
		r.emitPending(false)
		return true
	}
	return false
}

func writes(a impex.Action) bool {
	return a == impex.ActionCreate || a == impex.ActionUpdate || a == impex.ActionDelete
}

// emitPending hands the queued rows on in order and empties the queue.
// done says that their batch went through: it was written, or in a dry
// run would have been. Only then are their actions counted (and, in a
// real run, marked applied), so that a dry run counts exactly what the
// real run would.
func (r *runner) emitPending(done bool) {
	for _, p := range r.pending {
		if p.out.Action != impex.ActionReject && done {
			p.out.Applied = !r.opts.DryRun
			r.count(p.out.Action)
		}
		if r.opts.OnRow != nil {
			r.opts.OnRow(p.out)
		} else {
			r.res.Rows = append(r.res.Rows, p.out)
		}
	}
	r.pending = r.pending[:0]
}

// rowError reports whether a repository error belongs to one row rather
// than to the whole write.
func rowError(err error) bool {
	return errors.Is(err, customer.ErrDuplicate) || errors.Is(err, customer.ErrConflict) ||
		errors.Is(err, customer.ErrNotFound) || errors.Is(err, customer.ErrInvalid)
}

func storeIssue(where validate.Where, err error) validate.Issue {
	var de *customer.DuplicateError
	switch {
	case errors.As(err, &de):
		return validate.New(validate.CodeDuplicateInStore, where).WithField(string(de.Key)).WithValue(de.Value).
			WithParams(validate.Params{Name: string(de.Key)})
	case errors.Is(err, customer.ErrConflict):
		return validate.New(validate.CodeConflict, where)
	case errors.Is(err, customer.ErrNotFound):
		return validate.New(validate.CodeUnknownCustomer, where)
	}
	return validate.New(validate.CodeWriteFailed, where).WithParams(validate.Params{Name: err.Error()})
}

func (r *runner) count(a impex.Action) {
	switch a {
	case impex.ActionCreate:
		r.res.Created++
	case impex.ActionUpdate:
		r.res.Updated++
	case impex.ActionUnchanged:
		r.res.Unchanged++
	case impex.ActionDelete:
		r.res.Deleted++
	}
}

func (r *runner) progress() {
	if r.opts.Progress != nil {
		r.opts.Progress(impex.Progress{Total: r.total, Counts: r.res.Counts})
	}
}

// fatal ends the import: the queued rows are handed on unapplied, and err
// becomes a *impex.FatalError at where (see Fatal).
func (r *runner) fatal(ctx context.Context, where validate.Where, err error) error {
	r.emitPending(false)
	return Fatal(ctx, where, err)
}

// Fatal returns err as a *impex.FatalError at where. When ctx has ended,
// the error wraps ctx.Err() whatever the repository or a codec made of the
// cancellation, so errors.Is(err, context.Canceled) always holds for a
// cancelled import. An error that already is a *impex.FatalError keeps its
// place.
func Fatal(ctx context.Context, where validate.Where, err error) error {
	var fe *impex.FatalError
	if !errors.As(err, &fe) {
		fe = &impex.FatalError{Where: where, Err: err}
	}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(fe.Err, cerr) {
		fe = &impex.FatalError{Where: fe.Where, Err: fmt.Errorf("%w: %w", cerr, fe.Err)}
	}
	return fe
}

// finish adds the file-level verdicts once every row is planned.
func (r *runner) finish() {
	switch {
	case r.res.Read == 0:
		r.res.Report.Add(validate.New(validate.CodeNoRows, validate.Where{}))
	case r.res.Valid == 0:
		r.res.Report.Add(validate.New(validate.CodeNoValidRows, validate.Where{}))
	}
}
