package catalog

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. The web layer maps each to one HTTP status in one place; the
// set is short on purpose so that every caller can handle all of them.
const (
	EINVALID      = "invalid"      // well-formed but invalid (422)
	EMALFORMED    = "malformed"    // cannot be parsed (400)
	ENOTFOUND     = "not_found"    // no such thing (404)
	EGONE         = "gone"         // existed and was deleted (410)
	ECONFLICT     = "conflict"     // id taken or still referenced (409)
	EPRECONDITION = "precondition" // stale version / If-Match (412)
	EUNAUTHORIZED = "unauthorized" // no or bad credentials (401)
	EFORBIDDEN    = "forbidden"    // role too low (403)
	ETOOLARGE     = "too_large"    // body or file too large (413)
	EUNSUPPORTED  = "unsupported"  // media type not understood (415)
	EUNAVAILABLE  = "unavailable"  // not ready yet, such as a search index being built (503)
	ENOSPACE      = "no_space"     // the disk is full: nothing was stored (507)
	ETOOMANY      = "too_many"     // too many attempts from one client: wait (429)
	EINTERNAL     = "internal"     // a bug or an outage; details are logged, not shown
)

// FieldError names one invalid field by its JSON path ("contributors[1].orcid")
// and says what to fix.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	// Format and Args are what Message was written from (in English), for
	// pages that say it in their own language.
	Format string `json:"-"`
	Args   []any  `json:"-"`
}

func (e FieldError) String() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// Error is the error type of the domain. Code is one of the E* constants;
// Message is safe to show to the user; Fields lists every invalid field when
// there is more than one thing to fix.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.String()
	}
	return e.Message + ": " + strings.Join(parts, "; ")
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// InvalidFields returns an EINVALID error listing fields, or nil when there
// are none.
func InvalidFields(fields []FieldError) error {
	if len(fields) == 0 {
		return nil
	}
	msg := "1 field is invalid"
	if len(fields) > 1 {
		msg = fmt.Sprintf("%d fields are invalid", len(fields))
	}
	return &Error{Code: EINVALID, Message: msg, Fields: fields}
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, and
// EINTERNAL for any other non-nil error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err; internal errors get a
// fixed text so that no implementation detail leaks to users.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorFields returns the field errors carried by err, if any.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// BadCursor is the error for a paging cursor (or harvest position) that
// this listing did not give out: EMALFORMED, naming the parameter, the
// same whichever layer finds it (the store, the index).
func BadCursor(field string) error {
	return &Error{Code: EMALFORMED, Message: "The cursor is not valid.",
		Fields: []FieldError{{Field: field, Message: "is not a cursor returned by this listing; start again without it"}}}
}
