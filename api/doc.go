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
//     the mixed-stream parameters of a single-stream task are accepted
//     (decoded strictly, not checked) and not used.
//   - Subscription patterns in the service's form "abc.*$" are read as the
//     recorder's prefix pattern "abc*".
//   - Modify without SubscribeStreamUserIds empties the four lists (a full
//     overwrite: every stream is subscribed). Modify with MixLayoutParams
//     replaces the whole layout of a mixed-stream task, background colour,
//     background image and watermarks included (fields left out take
//     their defaults: black, no image, no watermarks); without it all of
//     that stays. MixLayoutParams
//     for a single-stream task is the recorder's
//     InvalidParameter.MixLayoutParams.
//   - A task created through the handler can only be described, modified
//     or deleted with the SdkAppId it was created with (else
//     FailedOperation.TaskNotExist).
//   - Unsigned payloads (X-TC-Content-SHA256: UNSIGNED-PAYLOAD) are
//     refused unless Config.AllowUnsignedPayload is set.
//
// Mixed-stream parameters (SPEC §4, RecordMode 2) map to
// recorder.MixParams; units and numbering are the service's (trtc
// 2019-07-22 models VideoParams, AudioParams, MixLayoutParams, MixLayout,
// WaterMark):
//
//	VideoParams.Width, Height (pixels)   -> Transcode.Width, Height
//	VideoParams.Fps                      -> Transcode.FPS
//	VideoParams.BitRate (bit/s)          -> Transcode.VideoBitrate
//	VideoParams.Gop (seconds)            -> Transcode.GOP
//	AudioParams.SampleRate 1, 2, 3       -> Transcode.SampleRate 48000, 44100, 16000
//	AudioParams.Channel                  -> Transcode.Channels
//	AudioParams.BitRate (bit/s)          -> Transcode.AudioBitrate
//	MixLayoutParams.BackGroundColor      -> Transcode.BackgroundColor ("#RRGGBB")
//	MixLayoutParams.MixLayoutMode 1..4   -> Layout.Mode (same numbers)
//	MixLayoutParams.MaxResolutionUserId  -> Layout.BigUserID
//	MixLayoutParams.MediaId 0, 1         -> Layout.BigMedia main, aux
//	MixLayoutParams.RenderMode           -> Layout.Render
//	MixLayoutParams.BackgroundImageUrl   -> Layout.BackgroundImageURL
//	MixLayoutList[i].UserId, MediaId     -> Layout.Custom[i].UserID, Media
//	MixLayoutList[i].Top, Left, Width, Height, ImageLayer, RenderMode
//	                                     -> Layout.Custom[i].Top, ..., Layer, Render
//	WaterMarkList[i].WaterMarkImage      -> Watermarks[i] (WaterMarkUrl -> URL)
//
// RenderMode (of the layout and of each entry) is the service's 0 stretch,
// 1 crop (the default), 2 fit with black; 3 (smart stretch) is
// FailedOperation.Unsupported. Absent or 0 numbers take the recorder's
// defaults, which differ from the service's: 1280×720 (the service's
// 360×640), 15 fps, 1.5 Mbit/s (550 kbit/s), a 2 s GOP (10 s), 48 kHz
// stereo at 64 kbit/s. Ranges are the recorder's (wider than the
// service's), which answers InvalidParameter.MixTranscodeParams,
// InvalidParameter.MixLayoutMode, InvalidParameter.MixLayoutList (an entry
// outside the canvas, too small, layer over 25), InvalidParameter.MediaId,
// InvalidParameter.RenderMode, InvalidParameter.MixWatermark and
// InvalidParameter.MixLayoutParams (a background image URL that is not
// http or https). The handler adds InvalidParameter.BackGroundColor,
// InvalidParameter.PlaceHolderMode, InvalidParameter.BackgroundImageRenderMode,
// InvalidParameter.MaxResolutionUserAlign and MissingParameter.WaterMarkImage.
// FailedOperation.Unsupported, naming the field: text and timestamp
// watermarks (WaterMarkType 1, 2), placeholder images
// (DefaultSubBackgroundImage, MixLayoutList[i].SubBackgroundImage) with
// PlaceHolderMode 1, a BackgroundImageRenderMode other than 1 (crop) with a
// background image, MaxResolutionUserAlign 1, PureAudioDisableLayout true
// and MixLayoutList[i].Alpha other than 0. PlaceHolderMode 1 without
// images is what the recorder does anyway: an absent user's screen shows
// the background.
//
// SPEC §8's practices stay the caller's: the recorder's UserId must not be
// a user of the room, and Describe reporting Idle some 15 s after Create
// means that nobody publishes in the room.
package api
