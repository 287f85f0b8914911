// Package catalog is the domain of Annals: records, events and their
// contributors, the controlled vocabularies they draw on, the validation that
// keeps them right, the error codes every layer speaks, the write rules
// (writes.go: ids, versions, change-log entries, import batching) over a
// store's transaction (Tx), and the Store interface, split by what each
// consumer reads or writes, that implementations (catalog/sqlite) satisfy.
//
// It imports only the standard library; everything else in the project
// imports it.
package catalog
