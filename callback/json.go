package callback

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/naming"
)

// wireEvent is the JSON body of a callback, as the service sends it.
type wireEvent struct {
	EventGroupID int       `json:"EventGroupId"`
	EventType    EventType `json:"EventType"`
	CallbackTs   int64     `json:"CallbackTs"`
	EventInfo    wireInfo  `json:"EventInfo"`
}

type wireInfo struct {
	RoomID  wireRoom `json:"RoomId"`
	EventTs int64    `json:"EventTs"`
	UserID  string   `json:"UserId"`
	TaskID  string   `json:"TaskId"`
	Payload Payload  `json:"Payload"`
}

// MarshalJSON returns the callback body of the event: EventGroupId 3, the
// EventType, CallbackTs (SentAt in Unix ms, 0 when unset) and EventInfo
// {RoomId, EventTs (Time in Unix s), UserId, TaskId, Payload}. It returns
// the error of Validate for an incomplete event.
func (e Event) MarshalJSON() ([]byte, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	w := wireEvent{
		EventGroupID: EventGroupID,
		EventType:    e.Type(),
		EventInfo: wireInfo{
			RoomID:  wireRoom(e.Room),
			EventTs: e.Time.Unix(),
			UserID:  e.UserID,
			TaskID:  e.TaskID,
			Payload: e.Payload,
		},
	}
	if !e.SentAt.IsZero() {
		w.CallbackTs = e.SentAt.UnixMilli()
	}
	return json.Marshal(w)
}

// UnmarshalJSON parses a callback body into e. It accepts EventTs and
// CallbackTs as a number or a string of digits (the service's examples show
// both), and RoomId as a number (a numeric room) or a string. Unknown
// fields are ignored. It returns an *errcode.Error with code ErrBody when
// the body is not JSON, EventGroupId is not 3, EventType is not 301–312 or
// the payload does not fit its type. Times are in UTC.
func (e *Event) UnmarshalJSON(b []byte) error {
	var w struct {
		EventGroupID int       `json:"EventGroupId"`
		EventType    EventType `json:"EventType"`
		CallbackTs   flexInt   `json:"CallbackTs"`
		EventInfo    struct {
			RoomID  *wireRoom       `json:"RoomId"`
			EventTs flexInt         `json:"EventTs"`
			UserID  string          `json:"UserId"`
			TaskID  string          `json:"TaskId"`
			Payload json.RawMessage `json:"Payload"`
		} `json:"EventInfo"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return errcode.Wrap(ErrBody, err, "the callback body is not the JSON of an event")
	}
	if w.EventGroupID != EventGroupID {
		return errcode.New(ErrBody, "EventGroupId is %d, not %d (cloud recording)", w.EventGroupID, EventGroupID)
	}
	if w.EventInfo.RoomID == nil {
		return errcode.New(ErrBody, "EventInfo.RoomId is missing")
	}
	p, err := decodePayload(w.EventType, w.EventInfo.Payload)
	if err != nil {
		return err
	}
	*e = Event{
		Room:    naming.RoomID(*w.EventInfo.RoomID),
		TaskID:  w.EventInfo.TaskID,
		UserID:  w.EventInfo.UserID,
		Time:    time.Unix(int64(w.EventInfo.EventTs), 0).UTC(),
		Payload: p,
	}
	if w.CallbackTs != 0 {
		e.SentAt = time.UnixMilli(int64(w.CallbackTs)).UTC()
	}
	return nil
}

// decodePayload parses raw as the payload of event type t.
func decodePayload(t EventType, raw json.RawMessage) (Payload, error) {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, errcode.New(ErrBody, "EventInfo.Payload is missing")
	}
	var p Payload
	var err error
	switch t {
	case EventRecorderStart:
		p, err = decodeAs[RecorderStart](raw)
	case EventRecorderStop:
		p, err = decodeAs[RecorderStop](raw)
	case EventUploadStart:
		p, err = decodeAs[UploadStart](raw)
	case EventFileInfo:
		p, err = decodeAs[FileInfo](raw)
	case EventUploadStop:
		p, err = decodeAs[UploadStop](raw)
	case EventFailover:
		p, err = decodeAs[Failover](raw)
	case EventFileSlice:
		p, err = decodeAs[FileSlice](raw)
	case EventUploadError:
		p, err = decodeAs[UploadError](raw)
	case EventDownloadImageError:
		p, err = decodeAs[DownloadImageError](raw)
	case EventMP4Stop:
		p, err = decodeAs[MP4Stop](raw)
	case EventVODCommit:
		p, err = decodeAs[VODCommit](raw)
	case EventVODStop:
		p, err = decodeAs[VODStop](raw)
	default:
		return nil, errcode.New(ErrBody, "EventType %d is not a cloud-recording event (301–312)", int(t))
	}
	if err != nil {
		return nil, errcode.Wrap(ErrBody, err, "the payload of a %s event does not parse", t)
	}
	return p, nil
}

func decodeAs[T Payload](raw json.RawMessage) (Payload, error) {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	return v, nil
}

// wireRoom is a naming.RoomID in JSON: a number for a numeric room, a
// string for a string room.
type wireRoom naming.RoomID

func (r wireRoom) MarshalJSON() ([]byte, error) {
	if r.Str != "" {
		return json.Marshal(r.Str)
	}
	return strconv.AppendUint(nil, uint64(r.Num), 10), nil
}

func (r *wireRoom) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		*r = wireRoom{}
		return json.Unmarshal(b, &r.Str)
	}
	n, err := strconv.ParseUint(string(b), 10, 32)
	if err != nil {
		return errcode.Wrap(ErrBody, err, "RoomId %s is neither a string nor a whole number up to 4294967295", b)
	}
	*r = wireRoom{Num: uint32(n)}
	return nil
}

// flexInt is a whole number written as a JSON number or a string of digits.
type flexInt int64

func (n *flexInt) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return errcode.Wrap(ErrBody, err, "%s is not a whole number", b)
	}
	*n = flexInt(v)
	return nil
}
