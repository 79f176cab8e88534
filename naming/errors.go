package naming

import "github.com/roomrec/roomrec/errcode"

// The codes this package returns, one per parameter. Every error of the
// package is an *errcode.Error carrying one of them, so callers match with
// errors.Is(err, naming.ErrUserID) or, for the whole class,
// errors.Is(err, errcode.InvalidParameter).
const (
	// ErrSdkAppID says the SdkAppId is zero or not a canonical decimal number.
	ErrSdkAppID errcode.Code = "InvalidParameter.SdkAppId"
	// ErrRoomID says the room id is missing, out of range or has a character
	// TRTC does not allow.
	ErrRoomID errcode.Code = "InvalidParameter.RoomId"
	// ErrUserID says the user id is missing, too long or has a character TRTC
	// does not allow.
	ErrUserID errcode.Code = "InvalidParameter.UserId"
	// ErrTaskID says the TaskId is not one safe path segment.
	ErrTaskID errcode.Code = "InvalidParameter.TaskId"
	// ErrPrefix says the prefix could escape its folder or is malformed.
	ErrPrefix errcode.Code = "InvalidParameter.Prefix"
	// ErrHA says the high-availability count is outside 0..3.
	ErrHA errcode.Code = "InvalidParameter.HA"
	// ErrMediaID says the MediaId is not main or aux (or is set on a mixed name).
	ErrMediaID errcode.Code = "InvalidParameter.MediaId"
	// ErrTrackType says the track type is not audio or video, or is set where
	// the name has none (mixed names, MP4 names).
	ErrTrackType errcode.Code = "InvalidParameter.TrackType"
	// ErrKind says the file kind is not m3u8, ts or mp4.
	ErrKind errcode.Code = "InvalidParameter.Kind"
	// ErrUTC says the UTC stamp is missing on a TS name, set on another kind,
	// or outside the years 0001–9999.
	ErrUTC errcode.Code = "InvalidParameter.UTC"
	// ErrIndex says the MP4 split index is negative or set on a non-MP4 name.
	ErrIndex errcode.Code = "InvalidParameter.Index"
	// ErrFileName says a string given to Parse or ParseFile does not have the
	// structure of a SPEC §3 name.
	ErrFileName errcode.Code = "InvalidParameter.FileName"
	// ErrEncodedID says a string given to DecodeID is not the encoding of a
	// UTF-8 id.
	ErrEncodedID errcode.Code = "InvalidParameter.EncodedId"
)
