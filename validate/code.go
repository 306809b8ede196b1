package validate

import "slices"

// Code names the cause of an issue. Codes are short, stable strings such as
// "required" or "ssn.checksum": a program may store them, compare them and
// switch on them, and they keep their meaning across releases. A code is
// never renamed, renumbered or given a new meaning; a cause that goes away
// leaves its code unused rather than reused.
//
// The empty Code means "no problem"; validators return it for a valid input.
//
// A Code is also an error, so errors.Is can look for a cause through any
// wrapping: errors.Is(err, validate.CodeSSNChecksum) is true when err is, or
// wraps, an Issue with that code.
type Code string

// Error returns the code itself, so a Code can be used as an error target.
func (c Code) Error() string { return string(c) }

// Severity returns the severity an issue with this code has unless the
// reporter chooses otherwise: Warning for the codes that report something
// the import did differently from what the file asked, Error for the rest.
func (c Code) Severity() Severity {
	for _, d := range codeList {
		if d.code == c {
			return d.sev
		}
	}
	return Error
}

// Known reports whether c is one of the codes this package defines.
func (c Code) Known() bool {
	return slices.ContainsFunc(codeList, func(d codeDef) bool { return d.code == c })
}

// Codes for single values. Validators and the field rules return these.
const (
	// CodeRequired: the value is empty but the field needs one.
	CodeRequired Code = "required"
	// CodeRequiredForNew: the value is empty or the column is missing, and a
	// customer the import creates needs it (lastName, companyName, ...).
	CodeRequiredForNew Code = "required.new"
	// CodeTooLong: the value has more characters than the field allows.
	// Params: Max (the limit) and Got (the length found).
	CodeTooLong Code = "too-long"
	// CodeTooShort: the value has fewer characters than the field needs.
	// Params: Min and Got.
	CodeTooShort Code = "too-short"
	// CodeWhitespace: the value starts or ends with whitespace where the
	// format forbids it (SFCC's non-empty strings).
	CodeWhitespace Code = "whitespace"
	// CodeControlCharacter: the value holds a control character, such as a
	// line break, where the field takes one line of text.
	CodeControlCharacter Code = "control-character"
	// CodeInvalidBoolean: not TRUE/FALSE, true/false or 1/0.
	CodeInvalidBoolean Code = "boolean"
	// CodeInvalidNumber: not a whole number.
	CodeInvalidNumber Code = "number"
	// CodeNumberPrecision: a numeric cell in an identifier column has lost
	// digits (scientific notation, more than 15 significant digits).
	CodeNumberPrecision Code = "number.precision"
	// CodeNumberCell (warning): a numeric cell in an identifier column was
	// read as its digits, which lose any leading zeros the value had.
	CodeNumberCell Code = "cell.number"
	// CodeDateCell (warning): a date cell in a text column was read as the
	// date (and time) it shows, in ISO form. Params: Expected.
	CodeDateCell Code = "cell.date"
	// CodeBooleanCell: a TRUE or FALSE cell in an identifier column.
	CodeBooleanCell Code = "cell.boolean"
	// CodeInvalidValue: not one of the values the field accepts.
	// Params: Expected lists what would be accepted.
	CodeInvalidValue Code = "value"
	// CodeInvalidDate: not an ISO 8601 date or date-time, nor an Excel date.
	CodeInvalidDate Code = "date"
	// CodeDateRange: a date outside the years 0001 to 9999, or an Excel
	// serial number outside the range Excel can show as a date.
	CodeDateRange Code = "date.range"
	// CodeInvalidGender: an SFCC gender that is neither male, female nor an
	// integer.
	CodeInvalidGender Code = "gender"
	// CodeInvalidLogin: a login with characters outside A-Z a-z 0-9 . @ _ -.
	CodeInvalidLogin Code = "login"
)

// Codes for e-mail addresses. Each names one cause, so the message can say
// what to fix.
const (
	// CodeInvalidEmail: an e-mail address with a character that is not
	// allowed anywhere in the practical subset this package accepts.
	CodeInvalidEmail Code = "email"
	// CodeEmailNoAt: no @ sign.
	CodeEmailNoAt Code = "email.no-at"
	// CodeEmailManyAt: more than one @ sign.
	CodeEmailManyAt Code = "email.many-at"
	// CodeEmailSpace: a space or other whitespace inside the address.
	CodeEmailSpace Code = "email.space"
	// CodeEmailLocal: the part before the @ is empty, starts or ends with a
	// dot, has two dots in a row, or has a character that is not allowed.
	CodeEmailLocal Code = "email.local"
	// CodeEmailDomain: the part after the @ is not a domain name with at
	// least one dot.
	CodeEmailDomain Code = "email.domain"
	// CodeEmailTooLong: longer than 254 characters in all, 64 before the @,
	// or 63 in one part of the domain.
	CodeEmailTooLong Code = "email.too-long"
)

// Codes for phone numbers.
const (
	// CodeInvalidPhone: characters that do not belong in a phone number,
	// or no digits at all.
	CodeInvalidPhone Code = "phone"
	// CodePhoneCountryCode: the digits after + or 00 start with no
	// assigned country calling code.
	CodePhoneCountryCode Code = "phone.country-code"
	// CodePhoneRegion: a national number (no + or 00) and no known default
	// region to read it in. Params: Country (the region given, if any).
	CodePhoneRegion Code = "phone.region"
	// CodePhoneLength: too few or too many digits for the country.
	// Params: Country.
	CodePhoneLength Code = "phone.length"
	// CodePhoneRange: a length the country uses, but the digits begin no
	// number range of its numbering plan (libphonenumber's metadata).
	// Params: Country.
	CodePhoneRange Code = "phone.range"
)

// Codes for country codes and locales.
const (
	// CodeInvalidCountry: not an assigned ISO 3166-1 alpha-2 code.
	CodeInvalidCountry Code = "country"
	// CodeInvalidLocale: not a BCP 47 language tag nor an SFCC locale ID
	// such as en_US.
	CodeInvalidLocale Code = "locale"
)

// Codes for national identity numbers (the ssn column, henkilötunnus,
// personnummer, fødselsnummer, CPR-nummer).
const (
	// CodeSSNFormat: the value does not have the shape of an identity
	// number of the country. Params: Country, when known.
	CodeSSNFormat Code = "ssn.format"
	// CodeSSNChecksum: the shape is right but the check character or check
	// digits do not match: most often a typing error.
	CodeSSNChecksum Code = "ssn.checksum"
	// CodeSSNDate: the birth date the number carries is not a real date, or
	// lies in the future.
	CodeSSNDate Code = "ssn.date"
	// CodeSSNIndividual: the individual number is one the scheme never
	// issues (Finnish 000 and 001, a Norwegian number outside its century's
	// range).
	CodeSSNIndividual Code = "ssn.individual"
	// CodeSSNCountry: a country whose identity numbers this package cannot
	// check. Params: Country.
	CodeSSNCountry Code = "ssn.country"
	// CodeSSNTemporary: a Finnish temporary identity number (individual
	// number 900-999). The validators accept it; an importer that wants to
	// flag it reports this warning.
	CodeSSNTemporary Code = "ssn.temporary"
	// CodeHashNotImportable: the ssn cell holds a hash, as an export writes
	// it, and a hash cannot be turned back into a number.
	CodeHashNotImportable Code = "ssn.hash"
)

// Codes for VAT numbers and business identifiers.
const (
	// CodeVATFormat: the characters after the country prefix do not have
	// the shape of that country's VAT number. Params: Country.
	CodeVATFormat Code = "vat.format"
	// CodeVATChecksum: the check digit of the VAT number does not match.
	// Params: Country.
	CodeVATChecksum Code = "vat.checksum"
	// CodeVATCountry: no country prefix, or one that is not a VAT area.
	CodeVATCountry Code = "vat.country"
	// CodeBusinessIDFormat: not the shape of the country's business
	// identifier (Y-tunnus, organisationsnummer, organisasjonsnummer, CVR).
	// Params: Country.
	CodeBusinessIDFormat Code = "business-id.format"
	// CodeBusinessIDChecksum: the business identifier's check digit does
	// not match. Params: Country.
	CodeBusinessIDChecksum Code = "business-id.checksum"
)

// Codes for rows and records: what the import found when it matched the
// data against the store and the rest of the file.
const (
	// CodeUnknownCustomer: the id (or customer number, or e-mail with
	// matching by e-mail) names no customer, and the import does not create
	// customers from an unknown key.
	CodeUnknownCustomer Code = "customer.unknown"
	// CodeDuplicateInFile: the same key appears twice in one file. The
	// issue sits on the later row; Params.OtherRow (or OtherRecord) names
	// the earlier one and Params.Name the key (email, customerCard:1, ...).
	CodeDuplicateInFile Code = "duplicate.file"
	// CodeDuplicateInStore: another customer already has this unique value
	// (login, customer number, e-mail, a unique identifier). Params: Name.
	CodeDuplicateInStore Code = "duplicate.store"
	// CodeBuyerNumber: an SFCC customer number equal to an existing order
	// buyer number.
	CodeBuyerNumber Code = "customer.buyer-number"
	// CodeCardTaken: a literal customer-card value that belongs to another
	// customer.
	CodeCardTaken Code = "card.taken"
	// CodeInvalidCard: a customer-card value that does not have the
	// configured format or check digit.
	CodeInvalidCard Code = "card.invalid"
	// CodeGenerateIgnored (warning): generate() in a card cell of a
	// customer that already has cards; nothing was generated.
	CodeGenerateIgnored Code = "card.generate-ignored"
	// CodeGenerateMisspelled: a card cell that looks like generate() but
	// is not, such as "generate(" or "generate ( )".
	CodeGenerateMisspelled Code = "card.generate-misspelled"
	// CodeGroupNotStatic: a group column or assignment names a dynamic or
	// system group, whose membership is computed. Params: Name.
	CodeGroupNotStatic Code = "group.not-static"
	// CodeGroupNameTaken: a group column would create a group with the
	// name of an existing group under another ID. Params: Name (the name),
	// Expected (the existing group's ID).
	CodeGroupNameTaken Code = "group.name-taken"
	// CodeGroupUnknown: a reference to a customer group that does not exist.
	// Params: Name.
	CodeGroupUnknown Code = "group.unknown"
	// CodeGroupAssignmentRefused (warning): an assignment to a dynamic group
	// was skipped. Params: Name.
	CodeGroupAssignmentRefused Code = "group.assignment-refused"
	// CodeSystemGroupAssignmentRefused (warning): an assignment to a system
	// group (Everyone, Registered, Unregistered) was skipped. Params: Name.
	CodeSystemGroupAssignmentRefused Code = "group.system-assignment-refused"
	// CodeAssignmentInGroupFile (warning): a group-assignment element in a
	// customer-group document, which is read as if it were in a customer
	// document, where such assignments belong.
	CodeAssignmentInGroupFile Code = "group.assignment-in-group-file"
	// CodeReadOnly (warning): a value the import never writes, such as
	// email-verified-flag, was skipped. Params: Name.
	CodeReadOnly Code = "read-only"
	// CodePasswordScheme: a password encryption scheme the library does not
	// know. Params: Name (the scheme given).
	CodePasswordScheme Code = "password.scheme"
	// CodePasswordHash: a password marked as encrypted is not in the form
	// of its scheme: plain text, a cut hash, or scrypt parameters beyond
	// what verification allows. The value is never shown.
	CodePasswordHash Code = "password.hash"
	// CodeSSNRemoved: a rejected-rows file left out an identity number the
	// row gave; it must be entered again.
	CodeSSNRemoved Code = "ssn.removed"
	// CodeRulePath: a membership rule names an attribute path that does not
	// exist. Params: Name.
	CodeRulePath Code = "rule.path"
	// CodeRuleOperator: a membership rule uses an operator that does not
	// exist, or gives it a value of the wrong kind. Params: Name.
	CodeRuleOperator Code = "rule.operator"
	// CodeRuleCycle: dynamic groups whose rules depend on each other in a
	// circle. Params: Name (the groups, in order).
	CodeRuleCycle Code = "rule.cycle"
	// CodeConflict: the customer changed in the store while the import ran;
	// the row was not applied and a new run will apply it.
	CodeConflict Code = "store.conflict"
	// CodeWriteFailed: the store refused or failed to save the row.
	CodeWriteFailed Code = "store.write"
)

// Codes for whole files: a file with one of these errors is not imported at
// all.
const (
	// CodeUnknownHeader: a header that is not a column of the schema.
	// Params: Name.
	CodeUnknownHeader Code = "header.unknown"
	// CodeDuplicateHeader: the same header in two columns. Params:
	// OtherColumn (the first column with it) and Name.
	CodeDuplicateHeader Code = "header.duplicate"
	// CodeEmptyHeader: a column with values but no header.
	CodeEmptyHeader Code = "header.empty"
	// CodeMissingColumn: a column the schema requires is not in the file.
	// Params: Name.
	CodeMissingColumn Code = "column.missing"
	// CodeMixedSchemas: person and company columns in one workbook.
	CodeMixedSchemas Code = "file.mixed-schemas"
	// CodeCompanyInPersonFile: a person workbook's row names a company
	// customer.
	CodeCompanyInPersonFile Code = "customer.company-in-person-file"
	// CodePersonInCompanyFile: a company workbook's row names a person
	// customer.
	CodePersonInCompanyFile Code = "customer.person-in-company-file"
	// CodeEmptyFile: no header row at all; an empty file.
	CodeEmptyFile Code = "file.empty"
	// CodeNoRows (warning): no customer rows or records: a header row and
	// no data rows, or a document without customer records.
	CodeNoRows Code = "file.no-rows"
	// CodeNoValidRows: rows or records, none of them valid: nothing was
	// imported.
	CodeNoValidRows Code = "file.no-valid-rows"
	// CodeTooManyRows: more data rows than the configured limit.
	// Params: Max and Got.
	CodeTooManyRows Code = "file.too-many-rows"
	// CodeFileTooLarge: the upload is larger than the configured limit.
	// Params: Max (bytes).
	CodeFileTooLarge Code = "file.too-large"
	// CodeLimitExceeded: the file goes over one of the reader's safety
	// limits (cells per row, characters per cell, shared strings, ...).
	// Params: Name (the limit) and Max.
	CodeLimitExceeded Code = "file.limit"
	// CodeWrongFormat: not a workbook the importer reads (.xlsx or .xls).
	CodeWrongFormat Code = "file.format"
	// CodeZipArchive: a ZIP archive that is not itself a workbook, such as
	// the two-workbook export.
	CodeZipArchive Code = "file.zip"
	// CodeCSV: a CSV or other text file where a workbook was expected.
	CodeCSV Code = "file.csv"
	// CodeEncrypted: a password-protected workbook.
	CodeEncrypted Code = "file.encrypted"
	// CodeCorrupt: a damaged or truncated file.
	CodeCorrupt Code = "file.corrupt"
	// CodeUnreadable: the file could not be opened or read: it is
	// missing, a directory, or not readable. Params: Expected (the
	// system's reason).
	CodeUnreadable Code = "file.unreadable"
	// CodeXMLSyntax: the XML is not well-formed.
	CodeXMLSyntax Code = "xml.syntax"
	// CodeNotXML: a file that is not XML at all, such as CSV text, where a
	// document was expected.
	CodeNotXML Code = "xml.not-xml"
	// CodeXMLRoot: a root element that names no known document. Params: Name.
	CodeXMLRoot Code = "xml.root"
	// CodeXMLNoRoot: a document without a root element: an empty file, or
	// one of only a declaration and comments.
	CodeXMLNoRoot Code = "xml.no-root"
	// CodeXMLUnknownElement: an element or attribute the document type does
	// not have at that place. Params: Name.
	CodeXMLUnknownElement Code = "xml.unknown-element"
	// CodeXMLMissing: an element or attribute the document type requires is
	// missing. Params: Name.
	CodeXMLMissing Code = "xml.missing"
	// CodeXMLEntity: a DOCTYPE or entity declaration; the importer resolves
	// no entities, so it refuses documents that declare them.
	CodeXMLEntity Code = "xml.entity"
)

// codeDef is one row of the code table: a code and its default severity.
type codeDef struct {
	code Code
	sev  Severity
}

// codeList holds every code in the order of the declarations above. Tests
// check it against the declarations and against every message catalog.
var codeList = []codeDef{
	{CodeRequired, Error},
	{CodeRequiredForNew, Error},
	{CodeTooLong, Error},
	{CodeTooShort, Error},
	{CodeWhitespace, Error},
	{CodeControlCharacter, Error},
	{CodeInvalidBoolean, Error},
	{CodeInvalidNumber, Error},
	{CodeNumberPrecision, Error},
	{CodeNumberCell, Warning},
	{CodeDateCell, Warning},
	{CodeBooleanCell, Error},
	{CodeInvalidValue, Error},
	{CodeInvalidDate, Error},
	{CodeDateRange, Error},
	{CodeInvalidGender, Error},
	{CodeInvalidLogin, Error},

	{CodeInvalidEmail, Error},
	{CodeEmailNoAt, Error},
	{CodeEmailManyAt, Error},
	{CodeEmailSpace, Error},
	{CodeEmailLocal, Error},
	{CodeEmailDomain, Error},
	{CodeEmailTooLong, Error},

	{CodeInvalidPhone, Error},
	{CodePhoneCountryCode, Error},
	{CodePhoneRegion, Error},
	{CodePhoneLength, Error},
	{CodePhoneRange, Error},

	{CodeInvalidCountry, Error},
	{CodeInvalidLocale, Error},

	{CodeSSNFormat, Error},
	{CodeSSNChecksum, Error},
	{CodeSSNDate, Error},
	{CodeSSNIndividual, Error},
	{CodeSSNCountry, Error},
	{CodeSSNTemporary, Warning},
	{CodeHashNotImportable, Error},

	{CodeVATFormat, Error},
	{CodeVATChecksum, Error},
	{CodeVATCountry, Error},
	{CodeBusinessIDFormat, Error},
	{CodeBusinessIDChecksum, Error},

	{CodeUnknownCustomer, Error},
	{CodeDuplicateInFile, Error},
	{CodeDuplicateInStore, Error},
	{CodeBuyerNumber, Error},
	{CodeCardTaken, Error},
	{CodeInvalidCard, Error},
	{CodeGenerateIgnored, Warning},
	{CodeGenerateMisspelled, Error},
	{CodeGroupNotStatic, Error},
	{CodeGroupNameTaken, Error},
	{CodeGroupUnknown, Error},
	{CodeGroupAssignmentRefused, Warning},
	{CodeSystemGroupAssignmentRefused, Warning},
	{CodeAssignmentInGroupFile, Warning},
	{CodeReadOnly, Warning},
	{CodePasswordScheme, Error},
	{CodePasswordHash, Error},
	{CodeSSNRemoved, Warning},
	{CodeRulePath, Error},
	{CodeRuleOperator, Error},
	{CodeRuleCycle, Error},
	{CodeConflict, Error},
	{CodeWriteFailed, Error},

	{CodeUnknownHeader, Error},
	{CodeDuplicateHeader, Error},
	{CodeEmptyHeader, Error},
	{CodeMissingColumn, Error},
	{CodeMixedSchemas, Error},
	{CodeCompanyInPersonFile, Error},
	{CodePersonInCompanyFile, Error},
	{CodeEmptyFile, Error},
	{CodeNoRows, Warning},
	{CodeNoValidRows, Error},
	{CodeTooManyRows, Error},
	{CodeFileTooLarge, Error},
	{CodeLimitExceeded, Error},
	{CodeWrongFormat, Error},
	{CodeZipArchive, Error},
	{CodeCSV, Error},
	{CodeEncrypted, Error},
	{CodeCorrupt, Error},
	{CodeUnreadable, Error},
	{CodeXMLSyntax, Error},
	{CodeNotXML, Error},
	{CodeXMLRoot, Error},
	{CodeXMLNoRoot, Error},
	{CodeXMLUnknownElement, Error},
	{CodeXMLMissing, Error},
	{CodeXMLEntity, Error},
}

// Codes returns every code this package defines, in a fixed order. The
// slice is a fresh copy.
func Codes() []Code {
	out := make([]Code, len(codeList))
	for i, d := range codeList {
		out[i] = d.code
	}
	return out
}
