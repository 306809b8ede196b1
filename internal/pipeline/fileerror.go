package pipeline

import (
	"github.com/impexkit/impex"
	"github.com/impexkit/impex/validate"
)

// FileError returns the *impex.FileError of a file that cannot be imported
// for the reasons issues give, with cause as its Err. A nil cause is the
// sentinel of the first issue's code (see Sentinel).
func FileError(cause error, issues ...validate.Issue) *impex.FileError {
	if cause == nil && len(issues) > 0 {
		cause = Sentinel(issues[0].Code)
	}
	return &impex.FileError{Issues: issues, Err: cause}
}

// Sentinel returns the impex sentinel a file-level issue code stands for:
// the one place that sorts the codes of a file that cannot be imported
// into the categories a program tests with errors.Is.
func Sentinel(code validate.Code) error {
	switch code {
	case validate.CodeEncrypted:
		return impex.ErrEncrypted
	case validate.CodeCorrupt, validate.CodeXMLSyntax, validate.CodeXMLUnknownElement, validate.CodeXMLMissing:
		return impex.ErrDamaged
	case validate.CodeFileTooLarge, validate.CodeTooManyRows, validate.CodeLimitExceeded:
		return impex.ErrTooLarge
	case validate.CodeUnknownHeader, validate.CodeDuplicateHeader, validate.CodeEmptyHeader,
		validate.CodeMissingColumn, validate.CodeMixedSchemas, validate.CodeEmptyFile,
		validate.CodeGroupNotStatic, validate.CodeGroupUnknown:
		return impex.ErrHeader
	}
	return impex.ErrFormat
}
