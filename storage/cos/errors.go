package cos

import (
	"context"
	"errors"
	"net/http"

	sdk "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/roomrec/roomrec/storage"
	"github.com/roomrec/roomrec/storage/internal/objstore"
)

// Codes this package puts in storage.Error.Code besides COS's own codes
// (such as "NoSuchKey", "AccessDenied", "SignatureDoesNotMatch",
// "NoSuchBucket", "InternalError") and the storage package's Code*
// constants (CodeInvalidKey, CodeSizeMismatch, CodeSourceError,
// CodeCanceled).
const (
	// CodeNetworkError: COS could not be reached or the connection broke
	// before an answer came; retryable.
	CodeNetworkError = objstore.CodeNetworkError
	// CodeRequestTimeout: a request took longer than Config.Timeout;
	// retryable.
	CodeRequestTimeout = objstore.CodeRequestTimeout
	// CodeTooLarge: a Put of unknown size went beyond MaxParts parts of
	// PartSize; not retryable (raise PartSize).
	CodeTooLarge = objstore.CodeTooLarge
)

// statusCodes name an error answer that carried no code (a HEAD has no body).
var statusCodes = map[int]string{
	http.StatusBadRequest:         "InvalidArgument",
	http.StatusUnauthorized:       "AccessDenied",
	http.StatusForbidden:          "AccessDenied",
	http.StatusNotFound:           storage.CodeNoSuchKey,
	http.StatusConflict:           "Conflict",
	http.StatusTooManyRequests:    "SlowDown",
	http.StatusServiceUnavailable: "ServiceUnavailable",
}

// toError turns an error of the SDK into a *storage.Error: COS's answer
// keeps its Code and Message; a passed deadline of the package's own
// per-request timeout becomes CodeRequestTimeout, the caller's ctx
// ending CodeCanceled, and anything else that left without an answer
// CodeNetworkError.
func toError(ctx context.Context, op, key string, err error) *storage.Error {
	var re *sdk.RetryError
	if errors.As(err, &re) && len(re.Errs) > 0 {
		err = re.Errs[len(re.Errs)-1] // RetryError does not unwrap
	}
	var er *sdk.ErrorResponse
	if errors.As(err, &er) {
		return fromResponse(op, key, er)
	}
	return objstore.NoAnswer(ctx, op, key, "COS", err)
}

// fromResponse maps COS's error answer.
func fromResponse(op, key string, er *sdk.ErrorResponse) *storage.Error {
	a := objstore.Answer{Code: er.Code, Message: er.Message}
	if er.Response != nil {
		a.Status = er.Response.StatusCode
	}
	if a.Code == "" {
		a.Code = statusCodes[a.Status]
		if a.Status == 0 { // no response at all: a request error, not COS's
			a.Code = "InvalidRequest"
		}
	}
	return objstore.FromAnswer(op, key, a, er)
}
