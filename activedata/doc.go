// Package activedata holds the merchant-defined part of a customer's active
// data: custom attributes declared in feeds, and the CSV files that deliver
// and export their values.
//
// # Model
//
// The system active data SFCC computes (visits, orders, order values, last
// order date, ...) lives in the fixed fields of customer.ActiveData, and
// travels as the customer-active-data-list XML document of
// customeractivedata.xsd (see xmlio.ImportActiveData and
// xmlio.ExportActiveData). That schema has no place for anything else.
//
// Merchant-defined values live in customer.ActiveData.Custom, one
// customer.Attribute per attribute (no language, one value, or several for
// a set type), as canonical text: Type.Parse turns a cell into that text and
// Type.Format back, so values round-trip byte for byte and the rule engine
// reads them as their types. The types themselves are not stored with the
// customer: they are declared in feeds.
//
// # Feeds
//
// A Feed is a named set of attributes with declared types. A FeedSet holds
// the feeds of the customer object and enforces the platform's rules: at
// most MaxFeeds (five) feeds, fewer by the number the system reserves, and
// every attribute in exactly one feed. NewFeedSet reports a broken rule as
// a *FeedError naming the feed and attribute. FeedSet.CustomTypes gives the
// rule engine (groups.Options.CustomTypes) the attributes' types, so a
// dynamic group can test customer.activeData.custom.<id> as a number, date
// or boolean.
//
// # CSV files
//
// Each feed has its own CSV file: a header row with the customer number
// column, CustomerNoColumn ("customerNo"), and some or all of the feed's
// attributes, then one row per customer. ImportCSV applies a file through
// the shared import machinery (error policies, dry runs, batches, progress;
// feeds have no import modes, so it only ever updates existing customers).
// An empty cell removes that attribute's value; a column the header leaves
// out keeps its values. ExportCSV writes a feed's values in the same form,
// so an unchanged export imports with zero changes.
//
// Sets are written in one cell, elements separated by | (a literal | or \
// inside an element is escaped with a backslash). Exports neutralise cells
// a spreadsheet would run as formulas by prefixing an apostrophe
// (Neutralize), and imports undo exactly that (Restore); single int and
// number cells are the exception, because a canonical number such as -12.5
// is data that a spreadsheet should compute with, not a formula.
//
// Files are untrusted: Limits bound their size, rows, columns and cells,
// and a file that breaks one, or has a bad header, applies nothing:
// ImportCSV returns a *impex.FileError matching impex.ErrTooLarge or
// impex.ErrHeader, whose issues are in the result's report too.
package activedata
