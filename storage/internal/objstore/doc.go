// Package objstore is the logic the object-store back-ends of
// storage.Storage (storage/cos, storage/s3) share, for SPEC §5 "Storage":
// the Put driver and the mapping of their errors and settings. Each
// back-end keeps only a thin adapter over its SDK.
//
// Putter.Put streams a Put over an Uploader, the store's five requests
// (single put; initiate, upload part, complete and abort a multipart
// upload): a known size under the threshold goes in one request, a larger
// or unknown size as a multipart upload holding one part in memory, the
// declared size is enforced (a longer reader is caught before its last
// declared bytes go out), a failed multipart upload is aborted with a fresh
// context, and every request is bounded by the per-request timeout.
//
// FromAnswer and NoAnswer turn the SDKs' errors into *storage.Error with
// the store's code and Retryable set; Canceled, InvalidKey and Precheck
// build the storage package's own codes; Open bounds the wait for a Get's
// answer but not the reading of its body; Limits.Validate checks part size,
// multipart threshold and timeout of a back-end's Config.
package objstore
