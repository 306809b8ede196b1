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
// Documents are untrusted input. The reader resolves no entities, refuses
// documents that declare any, and bounds nesting, names, attributes and
// token sizes (see Limits).
package xmlio
