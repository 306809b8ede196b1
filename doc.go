// Package impex holds the vocabulary every import and export of the module
// shares, whatever the format: the options that steer an import (Options,
// Mode, Policy), what it reports while it runs and when it ends (Progress,
// RowOutcome, Counts, Result), and the errors that say why a file could
// not be imported at all (FileError and its sentinels) or why an import
// stopped early (FatalError).
//
// The formats live in their own packages and speak this vocabulary:
// excelio reads and writes the back office's workbooks, xmlio the SFCC
// impex documents, activedata the merchant-defined active-data feeds.
// Each import takes the destination first, as io.Copy does, and returns a
// *Result or a type that embeds it:
//
//	res, err := excelio.ImportFile(ctx, repo, "Person Customers.xlsx", excelio.ImportOptions{})
//	res, err := xmlio.Import(ctx, repo, r, xmlio.ImportOptions{})
//	res, err := activedata.ImportCSV(ctx, repo, feeds, "loyalty", r, activedata.ImportOptions{})
//
// so that a program reads counts and issues from the same fields for all
// of them. An import's error is one of three kinds:
//
//   - a *FileError: the file as a whole cannot be imported (it cannot be
//     opened, is of another format, is damaged, encrypted, too large, or
//     has headers the format does not have); nothing was applied;
//   - a *FatalError: the repository failed or the context ended part-way;
//     the result says which rows were applied, and running the same file
//     again finishes the job. errors.Is(err, context.Canceled) holds for a
//     cancelled import;
//   - nil: every row was read; rejected rows are issues in the report.
//
// The result is never nil, whichever error comes with it.
//
// Issues print in English, Finnish or Swedish: the text methods of package
// validate take a validate.Language, a BCP 47 tag such as "fi", so no
// language package is needed. A Result marshals to one JSON shape for every
// format (see Result), for services and command lines that pass it on.
package impex
