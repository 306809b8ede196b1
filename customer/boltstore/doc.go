// Package boltstore is a customer repository and group store in one file on
// disk, on bbolt (go.etcd.io/bbolt): the store of a program that must not
// lose work, without a database server.
//
// Every Write and WriteGroups is one bbolt transaction: all of it or none
// of it is on disk when it returns, and a crash at any moment leaves the
// file as it was after the last transaction that returned. A file is held
// by one process at a time; Open waits Options.LockTimeout for another
// process to let go and then fails with ErrInUse. A program that created a
// store and then had no use for it closes it with CloseUnused, which
// removes the empty file; an Open that was waiting for it opens the path
// anew.
//
// Customers are kept by ID, in the order a listing yields them, and every
// key the domain derives (customer.Constraints.Keys) is an entry of one
// index, so a lookup by number, login, e-mail, card, identity-number hash,
// external ID or custom identifier reads that entry and one record, and a
// listing streams the records a page at a time without loading the store.
// Records carry a format version ahead of their bytes, so that a later
// version of the package can read what this one wrote.
//
// The semantics are those of memstore, the reference implementation, and
// the package passes the conformance suite in customer/repotest.
package boltstore
