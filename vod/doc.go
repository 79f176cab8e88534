// Package vod uploads recorded files to Tencent Cloud Video on Demand, the
// VOD destination of SPEC §5 "Storage" (after recording, the MP4 files go
// to VOD and callback event 311 carries each file's FileId and playback
// URL, 312 the end of the VOD upload; SPEC §6).
//
// An upload is the three steps of VOD API 2018-07-17 (APIVersion), the
// server-side flow of VOD's own upload SDKs:
//
//  1. ApplyUpload (MediaType, MediaName and the Config's Procedure,
//     ClassId, StorageRegion, ExpireTime, SourceContext, SessionContext,
//     SubAppId) answers a COS bucket and region (StorageBucket,
//     StorageRegion), an object path (MediaStoragePath), temporary
//     credentials (TempCertificate: SecretId, SecretKey, Token) and a
//     session (VodSessionKey);
//  2. the media is stored at that path with those credentials through
//     the module's COS back-end (storage/cos: streamed, multipart for
//     large files, one part in memory);
//  3. CommitUpload (VodSessionKey, SubAppId) answers FileId and MediaUrl.
//
// API calls are POSTs of JSON to vod.tencentcloudapi.com with the common
// parameters in headers (X-TC-Action, X-TC-Version, X-TC-Region,
// X-TC-Timestamp), signed with TC3-HMAC-SHA256 for the service "vod" by
// the module's internal/tc3, the same code that verifies the signatures
// of the recorder's own API.
//
// New takes a Config and does no I/O; Config.Validate answers
// InvalidParameter.StorageParams.<Field> codes. Upload and UploadFile
// return a *Error naming the failed step (Op), the service's Code and
// Message (VOD's, or COS's for the upload) and Retryable; the caller
// retries or holds the file, as the recorder does for events 311 (Status
// 1 held, 2 failed) and 312. Package vodtest is a fake VOD for tests.
package vod
