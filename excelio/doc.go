// Package excelio reads and writes the back office's customer workbooks:
// the export is one ZIP holding "Person Customers.xlsx" and "Company
// Customers.xlsx", each in its own schema, and an import takes one such
// workbook (.xlsx or legacy .xls), checks every row and applies the valid
// ones to a customer.Repository.
//
// # Columns
//
// Headers are camelCase names on the first row, matched exactly. Both
// schemas have id, sequenceNumber, email, gdprRestricted, customNote,
// creditAllowed, marketingSms and marketingEmail, plus externalId, phone,
// language, customerCard:{n}, identifier:{type}, address:{n}:{field} and
// group:{externalId}. Persons add firstName, lastName and ssn; companies add
// companyName and taxCode. What a missing column or an empty cell means,
// for an existing and for a new customer, is data in the schema table
// (schema.go), following the back office:
//
//	column                          missing (existing/new)   empty cell (existing/new)
//	id                              file error               a new customer
//	sequenceNumber                  kept / next number       kept / next number
//	email                           kept / row error         kept / none
//	firstName, lastName,
//	companyName, taxCode            kept / row error         row error / row error
//	flags                           kept / false             false / false
//	customNote                      kept / none              cleared / none
//	ssn                             kept / none              removed / none
//	customerCard:{n}                kept / none              card n removed / none
//	group:{id}                      kept / none              unchanged / none
//
// A row names its customer by id; an id that names nobody is a row error,
// never a silent create. A row without an id names the customer holding
// its sequenceNumber, or creates one, so running a file again finishes an
// interrupted import instead of duplicating it. ImportOptions.MatchByEmail
// keys rows by e-mail instead.
//
// # Special values
//
// generate() in a customerCard:{n} cell makes a card number (package
// cards) for a new customer or one without cards, and is otherwise ignored
// with a warning. TRUE in a group:{id} column makes the customer a member,
// creating the static group when needed; FALSE ends the membership; a
// column naming a dynamic or system group is a file error. An ssn cell takes
// a plain national identity number, which is validated and stored only as
// its keyed hash; the export writes the hash, and an unedited hash imports
// as a no-op.
//
// # Reading
//
// An import reads the workbook at least twice, streaming, without
// temporary files. The first read checks the file as a whole and records
// the rows' in-file keys (ids, numbers, e-mails, cards, identity numbers)
// in a filter of fixed size; the last read imports the rows, and the
// duplicate check then remembers only the keys the filter saw twice. A
// file with more keys than ImportOptions.KeysPerRead is read once more per
// share of that many keys between the two, so an import's memory does not
// grow with the file: a 1,000,000-row import peaks within a few MiB of a
// 50,000-row one.
//
// # Errors
//
// Problems with the file as a whole apply nothing and are returned as a
// *impex.FileError, whose issues (also in Result.Report) say where and why
// and whose cause errors.Is can test: impex.ErrFormat for a file that is
// not a workbook (a CSV or ZIP file), impex.ErrHeader for mixed person and
// company columns, unknown, duplicated or missing headers, impex.ErrTooLarge
// for too many rows or a limit exceeded, impex.ErrEncrypted and
// impex.ErrDamaged for what their names say, and the *fs.PathError of a
// file that cannot be opened or read. Problems with a row reject that row
// under the error policy and are in Result.Report, located by row, column
// letter and header; Result.WriteRejected writes the rejected rows back as
// a workbook to fix and import again. A repository that fails, or a
// context that ends, stops the import with a *impex.FatalError; the result
// says what was applied.
package excelio
