// Package customer is the domain of impex: the Customer record shared by the
// Excel and SFCC formats, the Repository contract every store implements, and
// the hashing of the two secrets a customer record must never hold in plain
// text, national identity numbers and passwords.
//
// The package knows nothing about files, XML or databases. Codecs in other
// packages map their formats onto Customer and Patch; stores such as
// customer/memstore implement Repository; customer/repotest checks that a
// store keeps every promise of the contract.
//
// # Partial updates
//
// An import often carries only some fields of a customer. A Patch says which
// fields it sets (its FieldSet) apart from their values, so "not given" and
// "set to empty" are always distinguishable. Patch.Apply copies exactly the
// named fields onto a stored Customer.
//
// # Secrets
//
// A Customer holds an SSN only as the keyed hash made by an SSNHasher, and a
// password only as a PasswordHash. Plain values pass through those types and
// are never stored, logged or returned.
package customer
