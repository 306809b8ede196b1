// Package pipeline is the import machinery every format shares: it takes a
// stream of parsed rows or records, finds the stored customer each one
// addresses, decides what to do with it, and writes the changes in bounded,
// atomic batches under an error policy, with dry runs, progress and
// cancellation. Codecs (excelio, xmlio) turn their format into Items and
// re-export the option and result types.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/validate"
)

// Mode says what an import may do to stored customers.
type Mode uint8

// The import modes.
const (
	// ModeMerge creates new customers and updates existing ones; fields the
	// input does not carry stay as they are. The zero value.
	ModeMerge Mode = iota
	// ModeUpdate changes existing customers only; a row naming an unknown
	// customer is reported, never created.
	ModeUpdate
	// ModeReplace makes each customer exactly what the input says: fields the
	// input does not carry are cleared.
	ModeReplace
	// ModeDelete deletes the customers the input names.
	ModeDelete
)

var modeNames = [...]string{ModeMerge: "merge", ModeUpdate: "update", ModeReplace: "replace", ModeDelete: "delete"}

// String returns the mode's lower-case name.
func (m Mode) String() string {
	if int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// ParseMode returns the mode named s ("merge", "update", "replace",
// "delete").
func ParseMode(s string) (Mode, error) {
	for m, n := range modeNames {
		if n == s {
			return Mode(m), nil
		}
	}
	return 0, fmt.Errorf("unknown import mode %q (want merge, update, replace or delete)", s)
}

// Policy says what an import does about invalid rows.
type Policy uint8

// The error policies.
const (
	// SkipInvalid rejects invalid rows and applies the rest. The zero value.
	SkipInvalid Policy = iota
	// StopAtFirst stops reading at the first invalid row; the valid rows
	// before it are applied.
	StopAtFirst
	// StopAfter stops reading once MaxErrors rows were rejected; the valid
	// rows before that are applied.
	StopAfter
	// AllOrNothing applies nothing unless every row is valid, and then
	// applies the whole input in one atomic write.
	AllOrNothing
)

var policyNames = [...]string{SkipInvalid: "skip", StopAtFirst: "stop-first", StopAfter: "stop-after", AllOrNothing: "all-or-nothing"}

// String returns the policy's name as the command line spells it.
func (p Policy) String() string {
	if int(p) < len(policyNames) {
		return policyNames[p]
	}
	return fmt.Sprintf("Policy(%d)", uint8(p))
}

// ParsePolicy returns the policy named s.
func ParsePolicy(s string) (Policy, error) {
	for p, n := range policyNames {
		if n == s {
			return Policy(p), nil
		}
	}
	return 0, fmt.Errorf("unknown error policy %q (want skip, stop-first, stop-after or all-or-nothing)", s)
}

// DefaultBatchSize is the number of rows written per atomic batch when
// Options.BatchSize is 0.
const DefaultBatchSize = 500

// Options configure an import. The zero value merges, skips invalid rows,
// writes in batches of DefaultBatchSize and keeps every row's outcome in the
// result.
type Options struct {
	Mode   Mode
	Policy Policy
	// MaxErrors is the number of rejected rows after which StopAfter stops.
	MaxErrors int
	// DryRun runs every check and plans every row but writes nothing.
	DryRun bool
	// BatchSize is the number of rows per atomic write; 0 means
	// DefaultBatchSize.
	BatchSize int
	// Progress, when set, is called after every batch and once at the end.
	Progress func(Progress)
	// OnRow, when set, receives every row's outcome as it is decided
	// (rejections found while writing arrive then), and the result does
	// not keep them, so memory stays flat for inputs of any size.
	OnRow func(RowOutcome)
	// Total is the number of rows the input holds, when known; it is
	// reported in Progress.Total. Codecs set it.
	Total int
}

// Progress is a snapshot of an import's counts.
type Progress struct {
	// Total is the number of rows or records the input holds, when the
	// format tells it before the import starts (Excel does); 0 otherwise.
	Total     int
	Read      int // rows or records read
	Valid     int // rows that passed every check
	Rejected  int // rows rejected, while reading or while writing
	Created   int
	Updated   int
	Unchanged int
	Deleted   int
}

// Action is what an import does, or in a dry run would do, with one row.
type Action uint8

// The actions.
const (
	ActionReject Action = iota + 1
	ActionCreate
	ActionUpdate
	ActionUnchanged
	ActionDelete
)

var actionNames = [...]string{ActionReject: "reject", ActionCreate: "create", ActionUpdate: "update", ActionUnchanged: "unchanged", ActionDelete: "delete"}

// String returns "reject", "create", "update", "unchanged" or "delete".
func (a Action) String() string {
	if a >= ActionReject && int(a) < len(actionNames) {
		return actionNames[a]
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// MarshalText encodes the action as its name.
func (a Action) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// RowOutcome is the plan or result for one row or record.
type RowOutcome struct {
	Where  validate.Where
	Action Action
	// CustomerID is the stored customer's ID: assigned on create, empty for
	// a rejected row or a create in a dry run.
	CustomerID string
	// Applied is true once the row's change is stored (always false in a
	// dry run, and true for unchanged rows that needed no write).
	Applied bool
}

// Result is what an import did.
type Result struct {
	Progress
	// Rows are the outcomes in input order, unless Options.OnRow took them.
	Rows []RowOutcome
	// Report holds every issue, file-level and per row.
	Report validate.Report
	// DryRun repeats the option, so a printed result says what it is.
	DryRun bool
	// Stopped is true when the error policy ended the import early.
	Stopped bool
}

// Key is a value that must not appear twice in one input, such as an
// e-mail address or a card: Kind names it for the message ("email",
// "customerCard"), Value is compared exactly.
type Key struct {
	Kind  string
	Value string
}

// Item is one parsed row or record, ready for planning.
type Item struct {
	Where validate.Where
	// Issues found while parsing; an error among them rejects the row.
	Issues []validate.Issue
	// Keys must be unique within the input; the second row holding one is
	// rejected, naming the first.
	Keys []Key
	// Plan finds the stored customer the row addresses and returns the
	// operation to apply: a put, a delete, or none for an unchanged row,
	// with any issues (an error among them rejects the row). An error
	// return is fatal: the repository could not be asked.
	Plan func(ctx context.Context) (Plan, []validate.Issue, error)
}

// Plan is what one row asks for.
type Plan struct {
	Action Action
	// Op is the repository operation; unused for ActionUnchanged and ActionReject.
	Op customer.Op
	// CustomerID names the customer for ActionUpdate, ActionUnchanged and ActionDelete.
	CustomerID string
}

// FatalError reports an import that could not finish: the repository failed
// or the context ended. The result beside it says which rows were applied,
// so running the same input again completes the job.
type FatalError struct {
	Where validate.Where // the first row of the batch that failed, if any
	Err   error
}

func (e *FatalError) Error() string {
	where := ""
	switch {
	case e.Where.Row > 0:
		where = fmt.Sprintf(" at row %d", e.Where.Row)
	case e.Where.Record > 0:
		where = fmt.Sprintf(" at record %d", e.Where.Record)
	}
	return "import stopped" + where + ": " + e.Err.Error()
}

func (e *FatalError) Unwrap() error { return e.Err }

// Run imports items into repo. It returns the result and, when the import
// could not finish, a *FatalError wrapping the cause (a repository error,
// or ctx.Err()). Row-level problems are never errors: they are issues in
// the result's report. A sequence error from items is fatal too.
func Run(ctx context.Context, repo customer.Repository, items iter.Seq2[Item, error], opts Options) (*Result, error) {
	r := &runner{repo: repo, opts: opts, res: &Result{DryRun: opts.DryRun, Progress: Progress{Total: opts.Total}}, seen: newKeySet()}
	if r.opts.BatchSize <= 0 {
		r.opts.BatchSize = DefaultBatchSize
	}
	err := r.run(ctx, items)
	if err == nil && !r.res.Stopped {
		r.finish()
	}
	if opts.Progress != nil {
		opts.Progress(r.res.Progress)
	}
	return r.res, err
}

type runner struct {
	repo    customer.Repository
	opts    Options
	res     *Result
	seen    *keySet
	pending []pendingRow
}

type pendingRow struct {
	out  RowOutcome
	plan Plan
}

func (r *runner) run(ctx context.Context, items iter.Seq2[Item, error]) error {
	for it, err := range items {
		if err != nil {
			return r.fatal(validate.Where{}, err)
		}
		if r.res.Read%64 == 0 {
			if err := ctx.Err(); err != nil {
				return r.fatal(it.Where, err)
			}
		}
		r.res.Read++
		if err := r.item(ctx, it); err != nil {
			return err
		}
		if r.stop() {
			r.res.Stopped = true
			break
		}
		if r.opts.Policy != AllOrNothing && len(r.pending) >= r.opts.BatchSize {
			if err := r.flush(ctx); err != nil {
				return err
			}
		}
	}
	if r.opts.Policy == AllOrNothing && r.res.Rejected > 0 {
		// Nothing is applied; the rows keep their planned actions.
		r.emitPending(false)
		return nil
	}
	return r.flush(ctx)
}

func (r *runner) stop() bool {
	switch r.opts.Policy {
	case StopAtFirst:
		return r.res.Rejected > 0
	case StopAfter:
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
			is := validate.New(validate.CodeDuplicateInFile, it.Where).WithField(k.Kind).WithValue(k.Value).
				WithParams(validate.Params{Name: k.Kind, OtherRow: first.Row, OtherRecord: first.Record})
			issues = append(issues, is)
		}
	}
	var plan Plan
	if !validate.AnyError(issues) && it.Plan != nil {
		p, more, err := it.Plan(ctx)
		if err != nil {
			return r.fatal(it.Where, err)
		}
		plan = p
		issues = append(issues, more...)
	}
	r.res.Report.Add(issues...)
	if validate.AnyError(issues) || plan.Action == 0 {
		plan.Action = ActionReject
	}
	if plan.Action == ActionReject {
		r.res.Rejected++
	} else {
		r.res.Valid++
	}
	r.pending = append(r.pending, pendingRow{out: RowOutcome{Where: it.Where, Action: plan.Action, CustomerID: plan.CustomerID}, plan: plan})
	return nil
}

// flush writes the queued rows' operations as one atomic batch. A row whose
// operation the repository refuses (a duplicate, a conflict, a customer
// deleted meanwhile) is rejected with an issue and the batch retried
// without it; any other failure is fatal.
func (r *runner) flush(ctx context.Context) error {
	if len(r.pending) == 0 {
		return nil
	}
	if r.opts.DryRun {
		r.emitPending(false)
		r.progress()
		return nil
	}
	for {
		var ops []customer.Op
		var idx []int
		for i, p := range r.pending {
			if writes(p.out.Action) {
				ops = append(ops, p.plan.Op)
				idx = append(idx, i)
			}
		}
		var written []customer.Written
		var err error
		if len(ops) > 0 {
			written, err = r.repo.Write(ctx, ops)
		}
		var be *customer.BatchError
		switch {
		case err == nil:
			for j, w := range written {
				if r.pending[idx[j]].out.Action == ActionCreate {
					r.pending[idx[j]].out.CustomerID = w.ID
				}
			}
			r.emitPending(true)
			r.progress()
			return nil
		case errors.As(err, &be) && be.Index >= 0 && be.Index < len(idx) && rowError(be.Err):
			p := &r.pending[idx[be.Index]]
			r.res.Report.Add(storeIssue(p.out.Where, be.Err))
			p.out.Action = ActionReject
			r.res.Valid--
			r.res.Rejected++
		default:
			first := r.pending[0].out.Where
			r.emitPending(false)
			return &FatalError{Where: first, Err: err}
		}
	}
}

func writes(a Action) bool { return a == ActionCreate || a == ActionUpdate || a == ActionDelete }

// emitPending hands the queued rows on in order, counting their actions
// (planned or done), and empties the queue.
func (r *runner) emitPending(applied bool) {
	for _, p := range r.pending {
		if p.out.Action != ActionReject {
			p.out.Applied = applied
			if applied || r.opts.DryRun {
				r.count(p.out.Action)
			}
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

func (r *runner) count(a Action) {
	switch a {
	case ActionCreate:
		r.res.Created++
	case ActionUpdate:
		r.res.Updated++
	case ActionUnchanged:
		r.res.Unchanged++
	case ActionDelete:
		r.res.Deleted++
	}
}

func (r *runner) progress() {
	if r.opts.Progress != nil {
		r.opts.Progress(r.res.Progress)
	}
}

func (r *runner) fatal(where validate.Where, err error) error {
	r.emitPending(false)
	return &FatalError{Where: where, Err: err}
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
