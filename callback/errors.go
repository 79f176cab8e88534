package callback

import "github.com/roomrec/roomrec/errcode"

// The codes of this package's errors. Every error the package returns is an
// *errcode.Error carrying one of them (or a naming code for a room id), so
// callers match with errors.Is(err, callback.ErrQueueFull) or the class,
// errors.Is(err, errcode.InvalidParameter).
const (
	// ErrEvent says an event is incomplete or has a value outside its set
	// (a status, a leave code, a track type).
	ErrEvent errcode.Code = "InvalidParameter.Event"
	// ErrBody says a callback body is not the JSON of an event.
	ErrBody errcode.Code = "InvalidParameter.CallbackBody"
	// ErrURL says HTTPConfig.URL is not an http or https URL.
	ErrURL errcode.Code = "InvalidParameter.CallbackUrl"
	// ErrKey says HTTPConfig.Key is empty.
	ErrKey errcode.Code = "InvalidParameter.CallbackKey"
	// ErrSdkAppID says HTTPConfig.SdkAppID is zero.
	ErrSdkAppID errcode.Code = "InvalidParameter.SdkAppId"
	// ErrConfig says another HTTPConfig field is out of range.
	ErrConfig errcode.Code = "InvalidParameter.CallbackConfig"
	// ErrQueueFull says the notifier's queue is full: the event was dropped
	// (and counted in Stats.Dropped).
	ErrQueueFull errcode.Code = "FailedOperation.CallbackQueueFull"
	// ErrClosed says the notifier is closed: the event was dropped.
	ErrClosed errcode.Code = "FailedOperation.CallbackClosed"
	// ErrUndelivered says Close gave up before every queued event was
	// delivered.
	ErrUndelivered errcode.Code = "FailedOperation.CallbackUndelivered"
	// ErrSignature says a callback's Sign header is missing or does not
	// match its body.
	ErrSignature errcode.Code = "AuthFailure.Signature"
)
