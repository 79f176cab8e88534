package vod

import (
	"strings"

	"github.com/roomrec/roomrec/errcode"
)

// The steps of an upload, named in Error.Op.
const (
	OpApplyUpload  = "ApplyUpload"  // VOD's ApplyUpload call (and the checks of Upload's arguments)
	OpUpload       = "Upload"       // reading the media and storing it in the COS bucket VOD named
	OpCommitUpload = "CommitUpload" // VOD's CommitUpload call
)

// Codes this package puts in Error.Code besides VOD's own codes (such as
// "AuthFailure.SignatureFailure", "FailedOperation.InvalidVodUser",
// "InternalError", "RequestLimitExceeded") and, for OpUpload, COS's and
// the storage package's codes (such as "AccessDenied", "NoSuchBucket",
// "SignatureDoesNotMatch", "SourceError", "SizeMismatch", "NetworkError").
const (
	// CodeNetworkError: VOD could not be reached or the connection broke
	// before an answer came; retryable.
	CodeNetworkError = "InternalError.NetworkError"
	// CodeRequestTimeout: a VOD API call took longer than Config.Timeout;
	// retryable.
	CodeRequestTimeout = "InternalError.RequestTimeout"
	// CodeBadResponse: VOD answered something this package cannot use (not
	// JSON, an HTTP error without a service error, a field missing, a
	// bucket COS cannot address); retryable for HTTP 5xx and 429 only.
	CodeBadResponse = "InternalError.BadResponse"
	// CodeCanceled: the caller's context ended; retryable when its
	// deadline passed, not when it was cancelled.
	CodeCanceled = "FailedOperation.Canceled"
	// CodeSourceError: UploadFile could not open or stat the local file;
	// not retryable.
	CodeSourceError = "FailedOperation.SourceError"
)

// Error is the error of Upload and UploadFile: which step failed, the
// service's Code and Message, and whether the same upload may succeed
// later. When VOD refused a call, Code and Message are VOD's own and
// RequestID is VOD's RequestId; when COS refused the media, they are COS's
// (Err is then the *storage.Error). Error matches its Code with errors.Is,
// by full code or class: errors.Is(err, errcode.AuthFailure) is true for
// "AuthFailure.SignatureFailure".
type Error struct {
	Op        string // OpApplyUpload, OpUpload or OpCommitUpload
	Code      string // the service's code, COS's code, or a Code* of this package
	Message   string // the service's message, or what went wrong
	RequestID string // VOD's RequestId when VOD answered; "" otherwise
	Retryable bool   // the same upload may succeed when repeated later
	Err       error  // the cause; may be nil
}

// Error formats the error as "vod: Op: Code: Message (RequestId id): cause".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("vod: ")
	b.WriteString(e.Op)
	if e.Code != "" {
		b.WriteString(": ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (RequestId " + e.RequestID + ")")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the code (as an errcode.Code) and the cause, so
// errors.Is matches both.
func (e *Error) Unwrap() []error {
	errs := []error{errcode.Code(e.Code)}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// serviceError returns the Error of a VOD error answer: retryable for the
// InternalError and RequestLimitExceeded classes.
func serviceError(op, code, message, requestID string) *Error {
	return &Error{Op: op, Code: code, Message: message, RequestID: requestID, Retryable: errcode.Code(code).Retryable()}
}
