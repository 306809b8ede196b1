// Package validate is how impex tells people and programs what is wrong
// with a file: the issue model every import reports through, the field
// validators for Nordic customer data, and the messages, in English,
// Finnish and Swedish.
//
// # Issues
//
// An Issue carries a Severity (Error or Warning), a stable Code, where it
// happened (a Where: sheet, row as the spreadsheet shows it with the
// header as row 1, column letter and header; or document, record, line and
// XML path), the model field, the offending value masked, and the Params
// its message needs. Its text form reads
//
//	row 12, column D (lastName): required for a new customer
//	rivi 12, sarake D (lastName): pakollinen uudelle asiakkaalle
//	record 3 (customers/customer/profile/email): an e-mail address needs an @ between the name and the domain; value "matti.example.com"
//
// An Issue is an error, and errors.Is(err, validate.CodeSSNChecksum) finds
// its code through wrapping. A Report collects issues in order, counts
// them by severity, code, row and record, and writes them as text or JSON.
//
// # Codes
//
// Codes are strings such as "required", "ssn.checksum" or
// "file.too-many-rows". They are part of the API: a code keeps its
// spelling and meaning in every release and is never reused for another
// cause. Codes lists them all. Each cause has its own code, so an e-mail
// without an @ and one with a space in it are different issues with
// different advice.
//
// # Secrets
//
// National identity numbers, passwords and password answers never appear
// in an issue's text, JSON, error string or fmt output: such values read
// "[redacted]". An issue is treated as secret when its field, header or
// path names one (see SensitiveName) or when it is built WithSecret; as a
// last guard, any valid Nordic identity number inside a shown value is
// redacted too. Other values are cut to MaxValueRunes characters. The
// validators never put the value they check into a code or an error.
//
// # Validators
//
// Validators are plain functions returning the normalised value and a
// Code, the empty Code meaning valid: Email, Phone (to E.164), Country
// (ISO 3166-1 alpha-2), Locale and LocaleTag (SFCC's en_US and BCP 47's
// en-US), NationalID (FI, SE, NO, DK with checksums and birth dates), VAT
// and BusinessID, Date and ExcelSerial, Boolean, Integer, Gender, Login.
// On a valid input that needs no normalisation they return a substring of
// their input and do not allocate.
//
// A Rule wraps a validator with the parameters its message needs; rules
// compose with Chain and Optional, length limits come as MaxLen (in
// characters, as XML Schema counts) and MaxUTF16Len (as Excel counts), and
// the SFCC and Excel limits are named constants. A schema lists a Field
// with a Rule per column or element instead of calling validators from
// code.
//
// # Languages
//
// Messages exist in English, Finnish and Swedish. Every method that
// renders text takes a Language, a BCP 47 tag such as "fi" or "sv-FI", and
// uses the best match, English when nothing matches well (so "fi-FI" and
// "sv-FI" work, and "de" gets English). The templates are data: Template returns one for
// programs that render their own.
package validate
