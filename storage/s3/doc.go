// Package s3 is the S3-compatible back-end of storage.Storage (SPEC §5
// "Storage", [decided] S3-compatible storage): AWS S3, MinIO, Cloudflare
// R2, Ceph RGW, versitygw and other servers speaking the S3 API.
//
// It is built on github.com/minio/minio-go/v7 rather than
// aws-sdk-go-v2: minio-go is one module with few dependencies (the AWS SDK
// is a dozen modules plus smithy), it is made for S3-compatible servers
// (path-style addressing, custom endpoints, no AWS-only features in the
// way), and its low-level Core API gives the control Put needs over
// multipart uploads (abort on failure, one part in memory).
//
// New takes a Config (endpoint "host[:port]", region, bucket, access and
// secret key with an optional session token, UseSSL/Insecure, PathStyle,
// transport, part size, multipart threshold, per-request timeout);
// Config.Validate checks it without I/O and answers
// InvalidParameter.StorageParams.<Field> codes.
//
// Put streams: a known size under the multipart threshold goes as one PUT
// (signed with AWS's streaming chunk signature over plain HTTP); larger or
// unknown sizes go as a multipart upload holding one part in memory. A
// failed or cancelled Put leaves no object: its multipart upload is
// aborted. minio-go's own retries are turned off, so one call is one
// attempt; retrying (with backoff) is the caller's choice, guided by
// Error.Retryable.
//
// # Errors
//
// Every error is a *storage.Error. When the server answered, Code and
// Message are its own S3 ones ("NoSuchKey", "AccessDenied",
// "SignatureDoesNotMatch", "InvalidAccessKeyId", "NoSuchBucket",
// "SlowDown", "InternalError", …; servers differ: versitygw answers an
// unknown access key with "XAdminUserNotFound"), Err wraps minio-go's
// minio.ErrorResponse, and Retryable is true for 5xx, 429 and the
// throttling/timeout codes. A missing key (NoSuchKey on Get or Stat) also
// matches storage.ErrNotExist. No answer at all gives CodeNetworkError or
// CodeRequestTimeout (retryable); the caller's context ending gives
// storage.CodeCanceled; bad keys, a failing or wrongly sized reader give
// the storage package's codes, as Local does.
//
// Package s3test runs versitygw on 127.0.0.1 for the tests.
package s3
