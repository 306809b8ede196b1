// Package xmlio reads and writes the Salesforce B2C Commerce (SFCC) impex
// documents that carry customers: customers (customer.xsd, with its
// trailing group-assignment elements), customer-list (customerlist2.xsd: a
// list's header settings, then its customers), the older customer-lists
// settings document (customerlist.xsd) and customer payment instruments
// (customerpaymentinstrument.xsd).
//
// Reading and writing both stream, one record at a time, so memory stays
// flat however large the document. A Decoder yields records: a
// CustomerRecord is a customer.Patch that knows which elements were present,
// so an import tells "not given" from "given and empty". Import applies a
// document to a customer.Repository with the platform's rules (identity by
// customer number, then login; buyer numbers; gender codes; default
// addresses; static group assignments; read-only and encrypted values) and
// the shared import machinery: modes, error policies, dry runs, batches and
// progress. ExportCustomers and ExportCustomerList write what a repository
// holds, deterministically and valid against the official XSDs.
//
// Customer groups (customergroup.xsd) and slot targeting (slot.xsd) have
// readers of their own. GroupDecoder, GroupEncoder, ImportGroups and
// ExportGroups read and write customer-groups documents: static, dynamic
// and system groups, membership rules with every value kind (and the older
// rule element, converted), checked with the rule compiler and applied to
// a groups.Store all or nothing. DecodeSlots keeps only the customer-group
// references of a slot-configurations document, to tell which
// configurations target a customer's groups and which references name no
// group.
//
// Documents are untrusted input. The reader resolves no entities, refuses
// documents that declare any, and bounds nesting, names, attributes and
// token sizes (see Limits).
//
// # Errors
//
// A document that cannot be read is a *impex.FileError. Its issue says
// where and why (validate.CodeXMLSyntax, CodeXMLRoot, CodeNotXML,
// CodeXMLEntity, CodeXMLMissing, CodeLimitExceeded, CodeUnreadable), and
// errors.Is matches both that code and the cause the error unwraps to:
// impex.ErrDamaged for a document that is not well-formed or whose
// elements are not where its schema puts them, impex.ErrTooLarge for one
// beyond a limit, impex.ErrFormat for a file that is not XML, a root
// element that names no document the call reads or a document that
// declares entities, and the
// read error itself for an input that could not be read. An import whose
// repository fails, or whose context ends, returns a *impex.FatalError
// with the result of what was done.
package xmlio
