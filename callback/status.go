package callback

import "strconv"

// StartStatus is RecorderStart.Status (event 301).
type StartStatus int

// The values of StartStatus.
const (
	StartOK     StartStatus = 0 // the recorder started
	StartFailed StartStatus = 1 // the recorder failed to start
)

// Valid reports whether s is StartOK or StartFailed.
func (s StartStatus) Valid() bool { return s == StartOK || s == StartFailed }

// String returns the constant's name without its type prefix ("OK", "Failed").
func (s StartStatus) String() string { return name(int(s), "OK", "Failed") }

// LeaveCode is RecorderStop.LeaveCode (event 302): why the recorder left.
type LeaveCode int

// The values of LeaveCode (SPEC §6).
const (
	LeaveNormal                LeaveCode = 0   // stopped by Stop
	LeaveKickedByClient        LeaveCode = 1   // a client removed the recorder from the room
	LeaveRoomDismissedByClient LeaveCode = 2   // a client dismissed the room
	LeaveKickedByServer        LeaveCode = 3   // the server removed the recorder
	LeaveRoomDismissedByServer LeaveCode = 4   // the server dismissed the room
	LeaveIdle                  LeaveCode = 99  // no other user's stream for MaxIdleTime
	LeaveRoomTimeout           LeaveCode = 100 // the room timed out
	LeaveDuplicateUser         LeaveCode = 101 // the same user id joined the room twice
)

// Valid reports whether c is one of the eight leave codes.
func (c LeaveCode) Valid() bool {
	return c >= LeaveNormal && c <= LeaveRoomDismissedByServer || c >= LeaveIdle && c <= LeaveDuplicateUser
}

// String returns the constant's name without "Leave" ("Normal", "Idle", …),
// or "LeaveCode(n)".
func (c LeaveCode) String() string {
	switch c {
	case LeaveNormal:
		return "Normal"
	case LeaveKickedByClient:
		return "KickedByClient"
	case LeaveRoomDismissedByClient:
		return "RoomDismissedByClient"
	case LeaveKickedByServer:
		return "KickedByServer"
	case LeaveRoomDismissedByServer:
		return "RoomDismissedByServer"
	case LeaveIdle:
		return "Idle"
	case LeaveRoomTimeout:
		return "RoomTimeout"
	case LeaveDuplicateUser:
		return "DuplicateUser"
	}
	return "LeaveCode(" + strconv.Itoa(int(c)) + ")"
}

// UploadStartStatus is UploadStart.Status (event 303).
type UploadStartStatus int

// The values of UploadStartStatus.
const (
	UploadStartOK     UploadStartStatus = 0 // the uploader started
	UploadStartFailed UploadStartStatus = 1 // the uploader failed to initialise
)

// Valid reports whether s is UploadStartOK or UploadStartFailed.
func (s UploadStartStatus) Valid() bool { return s == UploadStartOK || s == UploadStartFailed }

// String returns "OK" or "Failed".
func (s UploadStartStatus) String() string { return name(int(s), "OK", "Failed") }

// UploadStopStatus is UploadStop.Status (event 305).
type UploadStopStatus int

// The values of UploadStopStatus.
const (
	UploadStopAllUploaded UploadStopStatus = 0 // every file is in the storage
	UploadStopHeld        UploadStopStatus = 1 // done, but at least one file is held on the local backup
	UploadStopRecovered   UploadStopStatus = 2 // the held files have been uploaded since
)

// Valid reports whether s is one of the three values.
func (s UploadStopStatus) Valid() bool { return s >= UploadStopAllUploaded && s <= UploadStopRecovered }

// String returns "AllUploaded", "Held" or "Recovered".
func (s UploadStopStatus) String() string { return name(int(s), "AllUploaded", "Held", "Recovered") }

// FailoverStatus is Failover.Status (event 306).
type FailoverStatus int

// FailoverDone is the only FailoverStatus: the migration is complete.
const FailoverDone FailoverStatus = 0

// Valid reports whether s is FailoverDone.
func (s FailoverStatus) Valid() bool { return s == FailoverDone }

// String returns "Done".
func (s FailoverStatus) String() string { return name(int(s), "Done") }

// MP4StopStatus is MP4Stop.Status (event 310).
type MP4StopStatus int

// The values of MP4StopStatus.
const (
	MP4StopOK     MP4StopStatus = 0 // every MP4 is in the storage
	MP4StopHeld   MP4StopStatus = 1 // done, but at least one MP4 is held on the local backup
	MP4StopFailed MP4StopStatus = 2 // the conversion failed (for example the HLS could not be read)
)

// Valid reports whether s is one of the three values.
func (s MP4StopStatus) Valid() bool { return s >= MP4StopOK && s <= MP4StopFailed }

// String returns "OK", "Held" or "Failed".
func (s MP4StopStatus) String() string { return name(int(s), "OK", "Held", "Failed") }

// VODCommitStatus is VODCommit.Status (event 311).
type VODCommitStatus int

// The values of VODCommitStatus.
const (
	VODCommitOK     VODCommitStatus = 0 // the file is on the VOD platform
	VODCommitHeld   VODCommitStatus = 1 // the file is held on the local backup
	VODCommitFailed VODCommitStatus = 2 // the VOD upload of the file failed
)

// Valid reports whether s is one of the three values.
func (s VODCommitStatus) Valid() bool { return s >= VODCommitOK && s <= VODCommitFailed }

// String returns "OK", "Held" or "Failed".
func (s VODCommitStatus) String() string { return name(int(s), "OK", "Held", "Failed") }

// VODStopStatus is VODStop.Status (event 312).
type VODStopStatus int

// The values of VODStopStatus.
const (
	VODStopOK     VODStopStatus = 0 // the VOD upload task ended normally
	VODStopFailed VODStopStatus = 1 // it did not
)

// Valid reports whether s is VODStopOK or VODStopFailed.
func (s VODStopStatus) Valid() bool { return s == VODStopOK || s == VODStopFailed }

// String returns "OK" or "Failed".
func (s VODStopStatus) String() string { return name(int(s), "OK", "Failed") }

// name returns names[v], or "Status(v)" when v is outside names.
func name(v int, names ...string) string {
	if v >= 0 && v < len(names) {
		return names[v]
	}
	return "Status(" + strconv.Itoa(v) + ")"
}

// TrackType is the TrackType of events 307 and 311; a closed set.
type TrackType string

// The values of TrackType.
const (
	TrackAudio      TrackType = "audio"
	TrackVideo      TrackType = "video"
	TrackAudioVideo TrackType = "audio_video" // mixed stream, or audio and video in one file
)

// Valid reports whether t is audio, video or audio_video.
func (t TrackType) Valid() bool { return t == TrackAudio || t == TrackVideo || t == TrackAudioVideo }

// String returns the track type as the service writes it.
func (t TrackType) String() string { return string(t) }
