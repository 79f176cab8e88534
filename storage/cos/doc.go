// Package cos is the Tencent Cloud Object Storage (COS) back-end of
// storage.Storage (SPEC §5 "Storage": recorded files go to the COS bucket
// the caller names). It uses the official SDK,
// github.com/tencentyun/cos-go-sdk-v5, which signs every request
// (q-sign-algorithm=sha1) and checks the CRC64 COS returns for uploaded
// data.
//
// New takes a Config (bucket "<name>-<appid>", region or a custom
// BaseURL, SecretID/SecretKey with an optional STS session token, HTTP
// client, part size, multipart threshold, per-request timeout);
// Config.Validate checks it without I/O and answers
// InvalidParameter.StorageParams.<Field> codes.
//
// Put streams: a known size under the multipart threshold goes as one PUT
// with Content-Length; larger or unknown sizes go as a multipart upload
// holding one part in memory. A failed or cancelled Put leaves no object:
// its multipart upload is aborted. The SDK's own immediate retries are
// turned off, so one call is one attempt; retrying (with backoff) is the
// caller's choice, guided by Error.Retryable.
//
// # Errors
//
// Every error is a *storage.Error. When COS answered, Code and Message are
// COS's own ("NoSuchKey", "AccessDenied", "SignatureDoesNotMatch",
// "InvalidAccessKeyId", "NoSuchBucket", "SlowDown", "InternalError", …),
// Err is the SDK's *cos.ErrorResponse, and Retryable is true for 5xx, 429
// and the throttling/timeout codes. A missing key (NoSuchKey on Get or
// Stat) also matches storage.ErrNotExist. No answer at all gives
// CodeNetworkError or CodeRequestTimeout (retryable); the caller's
// context ending gives storage.CodeCanceled; bad keys, a failing or
// wrongly sized reader give the storage package's codes, as Local does.
//
// Package costest is a fake COS bucket on 127.0.0.1 for tests: it checks
// the SDK's signatures and can inject faults.
package cos
