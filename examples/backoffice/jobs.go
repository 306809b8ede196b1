package main

import (
	"context"
	"errors"
	"io"
	"regexp"
	"time"

	"github.com/impexkit/impex"
	"github.com/impexkit/impex/validate"
)

// State is where a job is in its life.
type State string

// The states. A job is queued when its upload is stored, running while an
// importer works on it, and done or failed at the end. A running job found
// at start was interrupted and is run again.
const (
	StateQueued  State = "queued"
	StateRunning State = "running"
	StateDone    State = "done"
	StateFailed  State = "failed"
)

// Format is the kind of file a job imports.
type Format string

// The formats an upload may have.
const (
	FormatExcel Format = "excel" // .xlsx or .xls
	FormatXML   Format = "xml"   // an SFCC customers, customer-list or customer-groups document
)

// maxKeptIssues bounds the issues a job record keeps; the rejected-rows
// workbook holds every reason, the count says how many there were.
const maxKeptIssues = 500

// Job is one import: who uploaded what with which options, how far it got
// and what it did. It is stored as JSON, so its fields are the record's
// format.
type Job struct {
	ID       string            `json:"id"`
	Owner    string            `json:"owner"`    // the uploader's e-mail address, who alone may see it
	FileName string            `json:"fileName"` // the uploaded file's base name, for display and e-mail only
	Format   Format            `json:"format"`
	Mode     impex.Mode        `json:"mode"`
	Policy   impex.Policy      `json:"policy"`
	DryRun   bool              `json:"dryRun"`
	Lang     validate.Language `json:"lang"` // the language of the e-mail and its attachment
	Size     int64             `json:"size"`

	State    State     `json:"state"`
	Attempts int       `json:"attempts"`        // how many times a runner started it
	RanOn    string    `json:"ranOn,omitempty"` // the instance that ran it last
	Created  time.Time `json:"created"`
	Started  time.Time `json:"started,omitzero"`
	Finished time.Time `json:"finished,omitzero"`

	Progress impex.Progress   `json:"progress"`
	Issues   []validate.Issue `json:"issues,omitempty"` // the first maxKeptIssues issues
	// IssueCount is the number of issues, kept or not.
	IssueCount int `json:"issueCount"`
	// FileError is set when the file as a whole could not be imported.
	FileError bool `json:"fileError,omitempty"`
	// Error is a failure of the store or of the runner, in English, for
	// the operator; the uploader sees a generic message.
	Error string `json:"error,omitempty"`
	// Rejected is set when a rejected-rows workbook is stored with the job.
	Rejected bool `json:"rejected,omitempty"`
	// Mailed is set once the result e-mail is handed to the mail server or
	// written to the outbox.
	Mailed bool `json:"mailed,omitempty"`
}

// Ended reports whether the job will not run again.
func (j *Job) Ended() bool { return j.State == StateDone || j.State == StateFailed }

// Upload is a stored upload opened for reading: an Excel import reads it
// at random, an XML import from the start.
type Upload interface {
	io.ReaderAt
	io.ReadSeeker
	io.Closer
	Size() int64
}

// JobStore keeps job records, their uploads and their rejected-rows
// workbooks. Create makes the record and the upload durable together, so a
// job that was acknowledged is never lost.
type JobStore interface {
	// Create stores j with the upload in the file at uploadPath, which it
	// consumes (moves or copies and removes).
	Create(ctx context.Context, j *Job, uploadPath string) error
	// Get returns the job, or an error wrapping ErrNoJob.
	Get(ctx context.Context, id string) (*Job, error)
	// List returns the owner's jobs, newest first; owner "" means all.
	List(ctx context.Context, owner string) ([]*Job, error)
	// Update replaces the stored record of j.
	Update(ctx context.Context, j *Job) error
	// OpenUpload opens the job's upload.
	OpenUpload(ctx context.Context, id string) (Upload, error)
	// PutRejected stores the job's rejected-rows workbook.
	PutRejected(ctx context.Context, id string, data []byte) error
	// Rejected returns the job's rejected-rows workbook, or an error
	// wrapping ErrNoJob.
	Rejected(ctx context.Context, id string) ([]byte, error)
}

// ErrNoJob is the error of a job, or a job's file, that does not exist.
var ErrNoJob = errors.New("no such job")

// jobIDPattern is the shape of a job ID: only such IDs reach a path or a
// query, so a crafted ID cannot name another file.
var jobIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// validJobID reports whether id can be a job's ID.
func validJobID(id string) bool { return jobIDPattern.MatchString(id) }
