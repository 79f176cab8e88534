package s3

import (
	"context"
	"errors"

	"github.com/minio/minio-go/v7"

	"github.com/roomrec/roomrec/storage"
	"github.com/roomrec/roomrec/storage/internal/objstore"
)

// Codes this package puts in storage.Error.Code besides the server's own
// S3 codes (such as "NoSuchKey", "AccessDenied", "SignatureDoesNotMatch",
// "InvalidAccessKeyId", "NoSuchBucket", "InternalError") and the storage
// package's Code* constants (CodeInvalidKey, CodeSizeMismatch,
// CodeSourceError, CodeCanceled).
const (
	// CodeNetworkError: the server could not be reached or the connection
	// broke before an answer came; retryable.
	CodeNetworkError = objstore.CodeNetworkError
	// CodeRequestTimeout: a request took longer than Config.Timeout;
	// retryable.
	CodeRequestTimeout = objstore.CodeRequestTimeout
	// CodeTooLarge: a Put of unknown size went beyond MaxParts parts of
	// PartSize; not retryable (raise PartSize).
	CodeTooLarge = objstore.CodeTooLarge
)

// toError turns an error of minio-go into a *storage.Error: the server's
// answer keeps its Code and Message (StatusCode 0: minio-go refused the
// call itself); a passed deadline of the package's own per-request
// timeout becomes CodeRequestTimeout, the caller's ctx ending
// CodeCanceled, and anything else that left without an answer
// CodeNetworkError.
func toError(ctx context.Context, op, key string, err error) *storage.Error {
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		return objstore.FromAnswer(op, key, objstore.Answer{Status: er.StatusCode, Code: er.Code, Message: er.Message}, err)
	}
	return objstore.NoAnswer(ctx, op, key, "the S3 server", err)
}
