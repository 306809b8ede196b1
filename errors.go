package impex

import (
	"errors"
	"fmt"

	"github.com/impexkit/impex/validate"
)

// Why a file cannot be imported at all. A *FileError unwraps to one of
// them; its issues say more, in the user's language.
var (
	// ErrFormat: the file is not of the format the import reads: another
	// kind of file (a CSV or ZIP file given as a workbook, a workbook
	// given as CSV), a directory, an XML document of another type, or one
	// that declares entities.
	ErrFormat = errors.New("impex: not a file of this format")
	// ErrDamaged: the file is of the format but damaged, truncated or not
	// well-formed.
	ErrDamaged = errors.New("impex: damaged file")
	// ErrEncrypted: the file is password-protected.
	ErrEncrypted = errors.New("impex: encrypted file")
	// ErrTooLarge: the file goes over a size or count limit of the
	// import's options.
	ErrTooLarge = errors.New("impex: file exceeds a limit")
	// ErrHeader: the file's columns cannot be read as the format's: no
	// header row, or an unknown, duplicated, empty or missing column, or
	// columns of two schemas.
	ErrHeader = errors.New("impex: invalid header")
	// ErrMode: the import mode does not apply to this input (active data
	// can only be merged or updated).
	ErrMode = errors.New("impex: import mode not available")
)

// FileError reports a file that cannot be imported at all. Nothing of it
// was applied, unless Applied says otherwise: an input that can only be
// read once, such as a pipe, is imported as it is read, and its damage may
// show after some records were applied. Issues are the file-level issues,
// which the result's report holds too; Err is the cause: one of the
// sentinels above, a codec's own sentinel, or the *fs.PathError of a file
// that could not be opened or read.
//
// errors.Is matches the cause and, through the issues, their codes:
// errors.Is(err, validate.CodeEncrypted) holds for an encrypted workbook.
type FileError struct {
	Issues []validate.Issue
	Err    error
	// Applied counts the records applied before the error was found; 0
	// for every input the import could check whole first (a file, an
	// io.ReadSeeker) and in a dry run.
	Applied int
}

// Error returns the first issue's English text and the cause.
func (e *FileError) Error() string {
	s := e.Err.Error()
	if len(e.Issues) > 0 {
		s = e.Issues[0].Error()
		if len(e.Issues) > 1 {
			s += fmt.Sprintf(" (and %d more)", len(e.Issues)-1)
		}
		s += ": " + e.Err.Error()
	}
	if e.Applied > 0 {
		s += fmt.Sprintf(" (after %d records were applied)", e.Applied)
	}
	return s
}

// Unwrap returns the cause.
func (e *FileError) Unwrap() error { return e.Err }

// Is reports whether target is the code of one of the issues.
func (e *FileError) Is(target error) bool {
	for _, is := range e.Issues {
		if is.Is(target) {
			return true
		}
	}
	return false
}

// FatalError reports an import that could not finish: the repository
// failed, or the context ended. The result beside it says which rows were
// applied, so running the same input again completes the job. Err wraps
// ctx.Err() whenever the context had ended, so errors.Is(err,
// context.Canceled) and errors.Is(err, context.DeadlineExceeded) hold.
type FatalError struct {
	// Where is the first row of the batch that failed, if any.
	Where validate.Where
	Err   error
}

// Error says where the import stopped and why.
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

// Unwrap returns the cause.
func (e *FatalError) Unwrap() error { return e.Err }
