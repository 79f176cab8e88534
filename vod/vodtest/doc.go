// Package vodtest is a fake Tencent VOD for tests of VOD uploads (SPEC §5
// "Storage", VOD; events 311 and 312 of §6): an HTTP server on 127.0.0.1
// that answers ApplyUpload and CommitUpload of VOD API 2018-07-17 as VOD
// does, in front of a fake COS bucket (costest) that receives the media.
//
// Every API call must be a POST of JSON with X-TC-Action, X-TC-Version
// 2018-07-17 and X-TC-Region, signed with TC3-HMAC-SHA256 for the service
// "vod" with the configured key; the signature is verified with the
// module's shared internal/tc3 code, and a refused call gets the answer
// Tencent Cloud gives ({"Response": {"Error": {"Code":
// "AuthFailure.SignatureFailure", ...}, "RequestId": ...}}).
//
// ApplyUpload hands out the bucket, a MediaStoragePath and temporary
// credentials (a TempCertificate whose SecretId, SecretKey and Token are
// the only ones the fake COS accepts). CommitUpload checks the session and
// that the object was uploaded, then answers a FileId and a MediaUrl and
// records the file (Media). Unknown parameters, a missing MediaType or
// VodSessionKey, a reused session and a SubAppId that differs from the
// ApplyUpload's are refused with InvalidParameter-class codes.
//
// Faults for tests: SetFault installs a hook that may make an API call
// answer a service error or an HTTP status, or hang; COS returns the
// costest.Server whose own SetFault breaks the upload. Calls logs the API
// calls and their answers.
package vodtest
