// Package catalog is the domain of Annals: records, events and their
// contributors, the controlled vocabularies they draw on, the validation that
// keeps them right, the error codes every layer speaks, and the Store
// interface that implementations (catalog/sqlite) satisfy.
//
// It imports only the standard library; everything else in the project
// imports it.
package catalog
