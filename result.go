package impex

import "github.com/impexkit/impex/validate"

// Counts are an import's running totals. Every row read ends as exactly
// one of rejected, created, updated, unchanged or deleted; Valid counts the
// rows that passed every check, before the store had its say.
type Counts struct {
	Read      int `json:"read"`      // rows or records read
	Valid     int `json:"valid"`     // rows that passed every check
	Rejected  int `json:"rejected"`  // rows rejected, while reading or while writing
	Created   int `json:"created"`   // customers created (or, in a dry run, to be created)
	Updated   int `json:"updated"`   // customers changed
	Unchanged int `json:"unchanged"` // rows that asked for what the store already held
	Deleted   int `json:"deleted"`   // customers deleted
}

// Applied returns the number of rows that changed the store: created,
// updated and deleted.
func (c Counts) Applied() int { return c.Created + c.Updated + c.Deleted }

// Progress is a snapshot of an import's counts, handed to
// Options.Progress as the import runs.
type Progress struct {
	// Total is the number of rows or records the input holds, when the
	// format tells it before the import starts (a workbook does); 0
	// otherwise.
	Total int `json:"total,omitempty"`
	Counts
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
func (a Action) String() string { return name(actionNames[:], a, "Action") }

// MarshalText encodes the action as its name.
func (a Action) MarshalText() ([]byte, error) { return marshalName(actionNames[:], a, "action") }

// UnmarshalText reads an action's name.
func (a *Action) UnmarshalText(b []byte) error {
	return unmarshalName(actionNames[:], a, string(b), "action")
}

// RowOutcome is the plan or the result for one row or record.
type RowOutcome struct {
	// Where locates the row: its sheet and row number, or its document,
	// record and line.
	Where validate.Where `json:"where"`
	// Action is what was done, or in a dry run would be done.
	Action Action `json:"action"`
	// CustomerID is the stored customer's ID: assigned on create, empty
	// for a rejected row or a create in a dry run.
	CustomerID string `json:"customerId,omitempty"`
	// Applied is true once the row's change is stored: always false in a
	// dry run, and true for an unchanged row of a batch that was written.
	Applied bool `json:"applied"`
}

// Result is what an import did, or in a dry run would do. Every format's
// import returns one, or a type that embeds it and adds what only that
// format has.
//
// Its JSON form is one documented shape, the same for every format:
//
//	{"counts":{"read":3,"valid":2,"rejected":1,"created":1,"updated":1,"unchanged":0,"deleted":0},
//	 "dryRun":false,"stopped":false,
//	 "rows":[{"where":{"sheet":"Person Customers","row":2},"action":"create","customerId":"10001","applied":true}, ...],
//	 "report":{"errors":1,"warnings":0,"issues":[{"severity":"error","code":"required.new", ...}]}}
type Result struct {
	// Counts are the totals; their fields are promoted (res.Created).
	Counts `json:"counts"`
	// DryRun repeats the option, so a printed result says what it is.
	DryRun bool `json:"dryRun"`
	// Stopped is true when the error policy ended the import early.
	Stopped bool `json:"stopped"`
	// Rows are the outcomes in input order, unless Options.OnRow took
	// them.
	Rows []RowOutcome `json:"rows,omitempty"`
	// Report holds every issue, file-level and per row, in the order
	// found.
	Report validate.Report `json:"report"`
	// Err is the error the import returned, kept with its result: nil, a
	// *FileError or a *FatalError. It is left out of the JSON form, whose
	// report already holds a file's issues.
	Err error `json:"-"`
}
