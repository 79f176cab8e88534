package storage

import (
	"context"
	"errors"
	"io/fs"
	"strconv"
	"strings"

	"github.com/roomrec/roomrec/errcode"
)

// ErrNotExist is returned (wrapped in an *Error) by Get and Stat when the key
// names no object. It is fs.ErrNotExist, so errors.Is(err, fs.ErrNotExist)
// matches as well.
var ErrNotExist = fs.ErrNotExist

// ErrKey is the code of a key or list prefix that ValidateKey or
// ValidatePrefix rejects. Errors carrying it match
// errors.Is(err, errcode.InvalidParameter).
const ErrKey errcode.Code = "InvalidParameter.Key"

// The operations named in Error.Op.
const (
	OpPut  = "put"
	OpGet  = "get"
	OpStat = "stat"
	OpList = "list"
)

// The Codes this package's back-ends put in Error.Code. Cloud back-ends use
// their service's own codes (for example COS "NoSuchBucket") instead.
const (
	CodeNoSuchKey    = "NoSuchKey"          // the key names no object (wraps ErrNotExist)
	CodeInvalidKey   = "InvalidKey"         // ValidateKey rejected the key (wraps an ErrKey *errcode.Error)
	CodeKeyConflict  = "KeyConflict"        // a file system cannot hold both "a" and "a/b"
	CodeAccessDenied = "AccessDenied"       // permission denied
	CodeNoSpace      = "NoSpace"            // the disk is full
	CodeIOError      = "IOError"            // another I/O failure of the storage
	CodeSizeMismatch = "SizeMismatch"       // the reader gave more or fewer bytes than the declared size
	CodeSourceError  = "SourceError"        // the reader given to Put failed
	CodeCanceled     = "Canceled"           // the context was cancelled or its deadline passed
	CodeInternal     = "InternalError"      // an error that carried no storage code (see AsError)
	CodeUnavailable  = "ServiceUnavailable" // the storage is down (Faulty's default)
)

// Error is the error type storage back-ends return: the operation and key,
// the storage's own code and message (what event 308 reports), whether
// repeating the same call may succeed, and the cause.
type Error struct {
	Op        string // OpPut, OpGet, OpStat or OpList
	Key       string // the key, or the prefix for OpList
	Code      string // the storage's code, for example "NoSpace" or COS "NoSuchBucket"
	Message   string // the storage's message
	Retryable bool   // the same call may succeed later (network, disk full, throttling)
	Err       error  // the cause; may be nil
}

// Error formats the error as `storage: put "key": Code: Message: cause`.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("storage: ")
	b.WriteString(e.Op)
	b.WriteString(" ")
	b.WriteString(strconv.Quote(e.Key))
	if e.Code != "" {
		b.WriteString(": ")
		b.WriteString(e.Code)
	}
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

// Unwrap returns the cause, so errors.Is(err, ErrNotExist),
// errors.Is(err, context.Canceled) and errors.Is(err, errcode.InvalidParameter)
// see through an *Error.
func (e *Error) Unwrap() error { return e.Err }

// AsError returns the *Error in err's chain; when there is none it returns a
// new *Error describing err: code CodeCanceled for context errors (retryable
// only for a passed deadline), CodeNoSuchKey for ErrNotExist, CodeInvalidKey
// for InvalidParameter codes, otherwise CodeInternal and retryable. It
// returns nil for a nil err. The recorder uses it to fill event 308.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	e = &Error{Code: CodeInternal, Message: err.Error(), Retryable: true, Err: err}
	switch {
	case errors.Is(err, context.Canceled):
		e.Code, e.Retryable = CodeCanceled, false
	case errors.Is(err, context.DeadlineExceeded):
		e.Code = CodeCanceled
	case errors.Is(err, ErrNotExist):
		e.Code, e.Retryable = CodeNoSuchKey, false
	case errors.Is(err, errcode.InvalidParameter):
		e.Code, e.Retryable = CodeInvalidKey, false
	}
	return e
}
