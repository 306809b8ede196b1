package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/customer"
	"github.com/impexkit/impex/customer/boltstore"
	"github.com/impexkit/impex/groups"
	"github.com/impexkit/impex/validate"
	"github.com/impexkit/impex/xmlio"
)

// jsonVersion is the version of the shape --json prints. It changes only
// when a field is removed or changes meaning; fields may be added.
const jsonVersion = 1

// jsonOutput is what --json prints for every command, as one line on
// standard output, also when the command fails:
//
//	{"version":1,"command":"excel import","result":{...},"error":{"code":"rejected","message":"2 rows were rejected"}}
//
// Result is the command's own object, with camelCase fields; an import's
// is importJSON. Error is there when the exit code is not 0; its message
// is in the --lang language where the library has one.
type jsonOutput struct {
	Version int        `json:"version"`
	Command string     `json:"command"`
	Result  any        `json:"result,omitempty"`
	Error   *jsonError `json:"error,omitempty"`
}

type jsonError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// The error codes of --json.
const (
	codeUsage       = "usage"        // bad flags or arguments
	codeRejected    = "rejected"     // the input was processed, some rows rejected
	codeFile        = "file"         // the input could not be read or was refused whole
	codeInterrupted = "interrupted"  // stopped by a signal; the batches before it are kept
	codeStoreInUse  = "store-in-use" // another impex process holds the store
	codeNoStore     = "no-store"     // the store file a command reads does not exist
	codeNotFound    = "not-found"    // no customer or group has the number or ID given
	codeFailed      = "failed"       // anything else: the store, the disk
)

// codedError gives an error its --json code; its text is the error's.
type codedError struct {
	code string
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

// errorCode returns the --json code of an error a command returned.
func errorCode(err error) string {
	var ue *usageError
	var re *rejectedError
	var ce *codedError
	var pe *fs.PathError
	switch {
	case errors.As(err, &ue):
		return codeUsage
	case errors.As(err, &re):
		return codeRejected
	case errors.As(err, &ce):
		return ce.code
	case errors.Is(err, boltstore.ErrInUse):
		return codeStoreInUse
	case errors.Is(err, customer.ErrNotFound), errors.Is(err, groups.ErrNotFound):
		return codeNotFound
	case errors.As(err, &pe):
		return codeFile // an input that cannot be opened or read
	}
	return codeFailed
}

// reply gives the command's result: with --json it is kept for the
// envelope run prints; otherwise text writes it for people now.
func (g *globalFlags) reply(e *env, v any, text func(w io.Writer)) {
	if g.json {
		e.result = v
		return
	}
	text(e.stdout)
}

// printEnvelope writes the --json line of a finished command.
func printEnvelope(e *env, command string, err error) {
	out := jsonOutput{Version: jsonVersion, Command: command, Result: e.result}
	if err != nil {
		out.Error = &jsonError{Code: errorCode(err), Message: err.Error()}
	}
	json.NewEncoder(e.stdout).Encode(out)
}

// importJSON is the result of every import under --json: the library's
// counts, rows and report, the report's messages in the --lang language,
// and what only some inputs have.
type importJSON struct {
	File    string             `json:"file"`
	Counts  impex.Counts       `json:"counts"`
	DryRun  bool               `json:"dryRun"`
	Stopped bool               `json:"stopped"`
	Rows    []impex.RowOutcome `json:"rows,omitempty"`
	Report  json.RawMessage    `json:"report"`
	// Assignments counts a customers document's group-assignment elements.
	Assignments  *xmlio.AssignmentCounts `json:"assignments,omitempty"`
	RejectedFile string                  `json:"rejectedFile,omitempty"`
	// Notes are what the command line noticed beyond the report.
	Notes []string `json:"notes,omitempty"`
}

func newImportJSON(g *globalFlags, input string, res *imported, rejectedPath string) importJSON {
	return importJSON{File: input, Counts: res.Counts, DryRun: res.DryRun, Stopped: res.Stopped, Rows: res.Rows,
		Report: g.reportJSON(&res.Report), Assignments: res.assignments, RejectedFile: rejectedPath, Notes: res.notes}
}

// reportJSON is rep's JSON form with its messages in the --lang language.
func (g *globalFlags) reportJSON(rep *validate.Report) json.RawMessage {
	var b bytes.Buffer
	rep.WriteJSON(&b, g.language())
	return b.Bytes()
}

// printIssues writes rep's issues for people, one a line, in the --lang
// language.
func (g *globalFlags) printIssues(w io.Writer, rep *validate.Report) {
	for is := range rep.All() {
		fmt.Fprintf(w, "  %s: %s\n", is.Severity, is.Text(g.language()))
	}
}

// printAssignments writes the counts of a document's group assignments,
// when it has any.
func printAssignments(w io.Writer, a *xmlio.AssignmentCounts) {
	if a != nil && a.Read > 0 {
		fmt.Fprintf(w, "  group assignments: %d read, %d assigned, %d removed, %d unchanged, %d refused, %d rejected\n",
			a.Read, a.Assigned, a.Removed, a.Unchanged, a.Refused, a.Rejected)
	}
}

// imported is an import's result for printing: the library's, the
// group-assignment counts and list header a document has, and notes.
type imported struct {
	*impex.Result
	assignments *xmlio.AssignmentCounts
	list        *customer.ListSettings // a customer-list document's list
	notes       []string
}
