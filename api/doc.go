// Package api serves roomrec's recorder over the hosted service's REST
// API, so that a client written for the service (for example the official
// Tencent Cloud SDK with its common request for service "trtc", version
// 2019-07-22) can be pointed at roomrec unchanged. It implements the four
// calls of SPEC §1 ("Task lifecycle") as the service's actions:
//
//	CreateCloudRecording   -> Recorder.Start   -> TaskId
//	DescribeCloudRecording -> Recorder.Describe -> TaskId, Status, StorageFileList
//	ModifyCloudRecording   -> Recorder.Modify  -> TaskId (a full overwrite)
//	DeleteCloudRecording   -> Recorder.Stop    -> TaskId
//
// The wire follows Tencent Cloud API 3.0: a POST of a JSON body with the
// action in X-TC-Action, the version in X-TC-Version and the Unix time in
// X-TC-Timestamp (X-TC-Region is accepted and ignored), signed with
// TC3-HMAC-SHA256 (signature method v3: canonical request, credential
// scope date/trtc/tc3_request, signed headers including content-type and
// host, hashed payload). Every answer is HTTP 200 with a body
// {"Response": {...}}: the action's fields and a RequestId (a random
// UUID), or {"Error": {"Code", "Message"}, "RequestId"}. Request and answer
// fields are named and typed as the service's API defines them.
//
// Error codes. The recorder's codes are passed through (InvalidParameter.*
// naming the parameter, FailedOperation.RestrictedConcurrency,
// FailedOperation.TaskNotExist, FailedOperation.Unsupported,
// InternalError.*). The handler adds the common codes of Tencent Cloud API
// 3.0: AuthFailure.SignatureFailure (no or wrong signature),
// AuthFailure.InvalidAuthorization (malformed Authorization),
// AuthFailure.SecretIdNotFound, AuthFailure.SignatureExpire (timestamp more
// than 5 minutes off), UnsupportedProtocol (not a JSON POST),
// RequestSizeLimitExceeded (over 10 MiB), InvalidAction, NoSuchVersion,
// MissingParameter.<Name>, UnknownParameter, InvalidParameter (malformed
// JSON) and RequestLimitExceeded; and the TRTC codes
// InvalidParameter.SdkAppId and InternalError.BackendTimeOut (a call not
// answered within the deadline). Callers retry InternalError.* with
// back-off, 3 s, 6 s, 12 s, as SPEC §8 recommends.
//
// Behaviour chosen where the service is silent or roomrec differs:
//   - Rate limit: a token bucket per SdkAppId and action, 20 calls a second
//     with a burst of 20 (the service documents 20 a second per action).
//   - Deadline: 6 s per call on the injected clock. A Create that completes
//     after its caller was told InternalError.BackendTimeOut has its task
//     stopped again, so a retry leaves one task. Delete waits for uploads
//     at most Config.StopWait and then answers, the rest being uploaded
//     from the spool (callback 305), as the service's Delete does.
//   - StorageParams is optional (the Recorder's own storage is used);
//     CloudStorage and CloudVod together are InvalidParameter.StorageParams
//     (SPEC §5: exactly one); CloudVod is built by Config.VOD (a server
//     without one answers FailedOperation.Unsupported). Without
//     Config.Storage the bucket and keys of CloudStorage are ignored, its
//     FileNamePrefix is applied.
//   - RoomIdType defaults to 1 (integer room id), as in the service; 0
//     takes RoomId as a string room id.
//   - MaxIdleTime absent or 0 means the recorder's default (60 s, SPEC §1;
//     the service's is 30 s).
//   - OutputFormat uses the service's numbers (0 hls, 1 hls+mp4, 2 hls+aac,
//     3 mp4, 4 aac); AvMerge 1 and MediaId 1 or 2 are
//     FailedOperation.Unsupported; UserSig, PrivateMapKey, RecorderKey and
//     the mixed-stream parameters of a single-stream task are accepted and
//     not used.
//   - Subscription patterns in the service's form "abc.*$" are read as the
//     recorder's prefix pattern "abc*".
//   - Modify without SubscribeStreamUserIds empties the four lists (a full
//     overwrite: every stream is subscribed).
//   - A task created through the handler can only be described, modified
//     or deleted with the SdkAppId it was created with (else
//     FailedOperation.TaskNotExist).
//   - Unsigned payloads (X-TC-Content-SHA256: UNSIGNED-PAYLOAD) are
//     refused unless Config.AllowUnsignedPayload is set.
//
// SPEC §8's practices stay the caller's: the recorder's UserId must not be
// a user of the room, and Describe reporting Idle some 15 s after Create
// means that nobody publishes in the room.
package api
