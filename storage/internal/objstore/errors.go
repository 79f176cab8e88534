package objstore

import (
	"context"
	"errors"
	"net/http"

	"github.com/roomrec/roomrec/storage"
)

// Codes the object-store back-ends put in storage.Error.Code besides the
// store's own codes and the storage package's Code* constants; each
// back-end re-exports them under the same names.
const (
	// CodeNetworkError: the store could not be reached or the connection
	// broke before an answer came; retryable.
	CodeNetworkError = "NetworkError"
	// CodeRequestTimeout: a request took longer than the back-end's
	// Config.Timeout; retryable.
	CodeRequestTimeout = "RequestTimeout"
	// CodeTooLarge: a Put of unknown size went beyond MaxParts parts of
	// PartSize; not retryable (raise PartSize).
	CodeTooLarge = "EntityTooLarge"
)

// retryableCodes are S3/COS error codes worth repeating even under a 4xx
// status.
var retryableCodes = map[string]bool{
	"RequestTimeout": true, "SlowDown": true, "InternalError": true, "ServiceUnavailable": true,
}

// Answer is an error answer of the store as its SDK reports it.
type Answer struct {
	Status  int    // the HTTP status; 0 when there was none (the SDK refused the call itself)
	Code    string // the store's code, such as "NoSuchKey"; "" when the answer had no body
	Message string // the store's message; may be ""
}

// FromAnswer maps the store's error answer a to a *storage.Error that
// keeps the store's Code and Message and wraps err. A missing code becomes
// "InvalidRequest" for a 4xx status, else "InternalError"; a missing
// message the status text. Retryable is set for 5xx, 429 and the
// throttling and timeout codes. A NoSuchKey on Get or Stat also matches
// storage.ErrNotExist.
func FromAnswer(op, key string, a Answer, err error) *storage.Error {
	code, msg := a.Code, a.Message
	if code == "" {
		code = "InternalError"
		if a.Status > 0 && a.Status < 500 {
			code = "InvalidRequest"
		}
	}
	if msg == "" {
		msg = http.StatusText(a.Status)
	}
	e := &storage.Error{Op: op, Key: key, Code: code, Message: msg, Err: err,
		Retryable: a.Status >= 500 || a.Status == http.StatusTooManyRequests || retryableCodes[code]}
	if code == storage.CodeNoSuchKey && (op == storage.OpGet || op == storage.OpStat) {
		e.Err = errors.Join(storage.ErrNotExist, err)
	}
	return e
}

// NoAnswer maps err, the error of a request that got no answer from the
// store: the caller's ctx ending gives CodeCanceled, a passed deadline of
// the back-end's own per-request timeout CodeRequestTimeout, anything else
// CodeNetworkError (both retryable). store names the server in the
// messages, for example "COS" or "the S3 server".
func NoAnswer(ctx context.Context, op, key, store string, err error) *storage.Error {
	if cerr := ctx.Err(); cerr != nil {
		return Canceled(op, key, cerr)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &storage.Error{Op: op, Key: key, Code: CodeRequestTimeout,
			Message: store + " did not answer in time (Config.Timeout)", Retryable: true, Err: err}
	}
	return &storage.Error{Op: op, Key: key, Code: CodeNetworkError,
		Message: "no answer from " + store, Retryable: true, Err: err}
}

// Canceled returns the *storage.Error of a call that ctx's ending (err)
// stopped: CodeCanceled, retryable only for a passed deadline.
func Canceled(op, key string, err error) *storage.Error {
	return &storage.Error{Op: op, Key: key, Code: storage.CodeCanceled, Message: "cancelled",
		Retryable: errors.Is(err, context.DeadlineExceeded), Err: err}
}

// InvalidKey returns the *storage.Error of a key that
// storage.ValidateKey rejected with err.
func InvalidKey(op, key string, err error) *storage.Error {
	return &storage.Error{Op: op, Key: key, Code: storage.CodeInvalidKey, Message: "invalid key", Err: err}
}

// Precheck checks a call's key and context before any request: it returns
// nil, or a *storage.Error with CodeInvalidKey or CodeCanceled.
func Precheck(ctx context.Context, op, key string) error {
	if err := storage.ValidateKey(key); err != nil {
		return InvalidKey(op, key, err)
	}
	if err := ctx.Err(); err != nil {
		return Canceled(op, key, err)
	}
	return nil
}
