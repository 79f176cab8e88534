package callback

import (
	"strconv"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/naming"
)

// EventGroupID is the EventGroupId of every cloud-recording callback.
const EventGroupID = 3

// EventType is the EventType of a callback; a closed set (301–312, the
// constants below). The zero EventType is invalid.
type EventType int

// The event types of SPEC §6, named as the service names them
// (EVENT_TYPE_CLOUD_RECORDING_<name>).
const (
	EventRecorderStart      EventType = 301 // RECORDER_START: the recorder started (RecorderStart)
	EventRecorderStop       EventType = 302 // RECORDER_STOP: the recorder left the room (RecorderStop)
	EventUploadStart        EventType = 303 // UPLOAD_START: the uploader started (UploadStart)
	EventFileInfo           EventType = 304 // FILE_INFO: an M3U8 was uploaded the first time (FileInfo)
	EventUploadStop         EventType = 305 // UPLOAD_STOP: the uploader finished (UploadStop)
	EventFailover           EventType = 306 // FAILOVER: the task moved after a fault (Failover)
	EventFileSlice          EventType = 307 // FILE_SLICE: the first TS of an M3U8 was cut (FileSlice)
	EventUploadError        EventType = 308 // UPLOAD_ERROR: the storage refused an upload (UploadError)
	EventDownloadImageError EventType = 309 // DOWNLOAD_IMAGE_ERROR: a watermark image failed (DownloadImageError)
	EventMP4Stop            EventType = 310 // MP4_STOP: the MP4 conversion ended (MP4Stop)
	EventVODCommit          EventType = 311 // VOD_COMMIT: a file was uploaded to VOD (VODCommit)
	EventVODStop            EventType = 312 // VOD_STOP: the VOD upload task ended (VODStop)
)

// Valid reports whether t is one of the event types 301–312.
func (t EventType) Valid() bool { return t >= EventRecorderStart && t <= EventVODStop }

// String returns the service's name of the event type, for example
// "RECORDER_START", or "EventType(n)" for an invalid one.
func (t EventType) String() string {
	switch t {
	case EventRecorderStart:
		return "RECORDER_START"
	case EventRecorderStop:
		return "RECORDER_STOP"
	case EventUploadStart:
		return "UPLOAD_START"
	case EventFileInfo:
		return "FILE_INFO"
	case EventUploadStop:
		return "UPLOAD_STOP"
	case EventFailover:
		return "FAILOVER"
	case EventFileSlice:
		return "FILE_SLICE"
	case EventUploadError:
		return "UPLOAD_ERROR"
	case EventDownloadImageError:
		return "DOWNLOAD_IMAGE_ERROR"
	case EventMP4Stop:
		return "MP4_STOP"
	case EventVODCommit:
		return "VOD_COMMIT"
	case EventVODStop:
		return "VOD_STOP"
	}
	return "EventType(" + strconv.Itoa(int(t)) + ")"
}

// Event is one callback: what happened (Payload, whose type gives the
// EventType), to which task and room, and when. Its JSON form (MarshalJSON)
// is the body the service sends.
type Event struct {
	// Room is the room of the task; RoomId is a JSON number for a numeric
	// room and a string for a string room.
	Room naming.RoomID
	// TaskID is the task the event belongs to (TaskId).
	TaskID string
	// UserID is the recorder's own user id in the room (EventInfo.UserId).
	UserID string
	// Time is when the event happened; EventTs carries it in whole Unix
	// seconds.
	Time time.Time
	// SentAt is when the callback was first sent (CallbackTs, Unix ms). A
	// notifier sets it at the first delivery attempt; the zero time is
	// written as 0. Unmarshal sets it from CallbackTs.
	SentAt time.Time
	// Payload is the event-specific part; its EventType is the event's.
	Payload Payload
}

// Type returns the event's type, that of its Payload (0 when Payload is nil).
func (e Event) Type() EventType {
	if e.Payload == nil {
		return 0
	}
	return e.Payload.EventType()
}

// Validate checks that the event can be sent: a Payload with valid values,
// a valid room id (naming.RoomID.Validate), a TaskID and a Time. It
// returns nil or an *errcode.Error with code ErrEvent (or naming.ErrRoomID)
// naming the wrong field.
func (e Event) Validate() error {
	if e.Payload == nil {
		return errcode.New(ErrEvent, "the event has no Payload; set one of the payload types (RecorderStart, …)")
	}
	if err := e.Payload.validate(); err != nil {
		return err
	}
	if err := e.Room.Validate(); err != nil {
		return err
	}
	if e.TaskID == "" {
		return errcode.New(ErrEvent, "the %s event has no TaskID", e.Type())
	}
	if e.Time.IsZero() {
		return errcode.New(ErrEvent, "the %s event of task %q has no Time", e.Type(), e.TaskID)
	}
	return nil
}
