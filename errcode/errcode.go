package errcode

import (
	"errors"
	"fmt"
	"strings"
)

// Code is a service error code of the form "Class.Detail" (for example
// "InvalidParameter.UserId") or a bare class ("InvalidParameter").
//
// A Code is itself an error so that errors.Is(err, code) works: a bare class
// matches every detail code of that class; a full code matches only itself.
type Code string

// The classes of the service (SPEC §1). Match a class with errors.Is.
const (
	// InternalError is a server-side fault; the caller may retry with
	// back-off (3 s, 6 s, 12 s).
	InternalError Code = "InternalError"
	// InvalidParameter says the caller's parameters are wrong; the detail
	// names the parameter.
	InvalidParameter Code = "InvalidParameter"
	// FailedOperation says the request was valid but cannot be served now.
	FailedOperation Code = "FailedOperation"
	// AuthFailure says the request's credentials or signature were rejected.
	AuthFailure Code = "AuthFailure"
	// RequestLimitExceeded says the caller exceeded the allowed call rate.
	RequestLimitExceeded Code = "RequestLimitExceeded"
)

// Codes used across the module. Packages may build further detail codes with
// Class.Detail; these are the ones other packages and callers match on.
const (
	// RestrictedConcurrency: the Recorder already runs its maximum number of tasks.
	RestrictedConcurrency Code = "FailedOperation.RestrictedConcurrency"
	// TaskNotExist: the TaskId is unknown or the task has ended.
	TaskNotExist Code = "FailedOperation.TaskNotExist"
	// Unsupported: the build or the host cannot do what was asked (for
	// example a codec in a build without cgo).
	Unsupported Code = "FailedOperation.Unsupported"
)

// Detail returns the code Class.detail, for example
// InvalidParameter.Detail("UserId") == "InvalidParameter.UserId".
func (c Code) Detail(detail string) Code {
	return Code(string(c.Class()) + "." + detail)
}

// Class returns the part before the first dot: the class of the code.
func (c Code) Class() Code {
	if i := strings.IndexByte(string(c), '.'); i >= 0 {
		return c[:i]
	}
	return c
}

// Error returns the code as a string, so that a Code can be used as a
// sentinel error.
func (c Code) Error() string { return string(c) }

// Is reports whether target is the same code or the class of this code.
func (c Code) Is(target error) bool {
	t, ok := target.(Code)
	if !ok {
		return false
	}
	return t == c || (!strings.Contains(string(t), ".") && t == c.Class())
}

// Retryable reports whether a call that failed with this code may succeed
// when repeated unchanged (InternalError.* and RequestLimitExceeded).
func (c Code) Retryable() bool {
	cl := c.Class()
	return cl == InternalError || cl == RequestLimitExceeded
}

// Error is the error type of roomrec: a service code, a message that says
// what to do, and an optional wrapped cause.
type Error struct {
	Code    Code
	Message string
	Err     error
}

// New returns an *Error with the code and a formatted message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error with the code, a message and the cause err.
// Wrap(code, nil, ...) is the same as New.
func Wrap(code Code, err error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// Error formats the error as "Code: Message: cause".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the code and the cause, so errors.Is matches both.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Code}
	}
	return []error{e.Code, e.Err}
}

// CodeOf returns the code of the first *Error in err's chain, or
// InternalError when err is non-nil but carries no code, or "" for nil.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return InternalError
}
