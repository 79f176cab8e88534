package callback

import (
	"errors"
	"testing"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/naming"
)

func TestEventTypes(t *testing.T) {
	names := []string{"RECORDER_START", "RECORDER_STOP", "UPLOAD_START", "FILE_INFO", "UPLOAD_STOP", "FAILOVER",
		"FILE_SLICE", "UPLOAD_ERROR", "DOWNLOAD_IMAGE_ERROR", "MP4_STOP", "VOD_COMMIT", "VOD_STOP"}
	payloads := []Payload{RecorderStart{}, RecorderStop{}, UploadStart{}, FileInfo{}, UploadStop{}, Failover{},
		FileSlice{}, UploadError{}, DownloadImageError{}, MP4Stop{}, VODCommit{}, VODStop{}}
	for i, name := range names {
		et := EventType(301 + i)
		if !et.Valid() || et.String() != name || payloads[i].EventType() != et {
			t.Errorf("%d: Valid %v String %q payload type %d, want %s", int(et), et.Valid(), et, payloads[i].EventType(), name)
		}
	}
	for _, bad := range []EventType{0, 300, 313, -301} {
		if bad.Valid() {
			t.Errorf("EventType(%d) is valid", int(bad))
		}
	}
	if got := EventType(313).String(); got != "EventType(313)" {
		t.Errorf("String of 313 = %q", got)
	}
}

func TestStatusSets(t *testing.T) {
	leave := map[LeaveCode]string{0: "Normal", 1: "KickedByClient", 2: "RoomDismissedByClient", 3: "KickedByServer",
		4: "RoomDismissedByServer", 99: "Idle", 100: "RoomTimeout", 101: "DuplicateUser"}
	for c := LeaveCode(-1); c <= 102; c++ {
		name, ok := leave[c]
		if c.Valid() != ok || ok && c.String() != name {
			t.Errorf("LeaveCode %d: Valid %v String %q", int(c), c.Valid(), c)
		}
	}
	checks := []struct {
		valid func(int) bool
		n     int // values 0..n-1 are valid
	}{
		{func(v int) bool { return StartStatus(v).Valid() }, 2},
		{func(v int) bool { return UploadStartStatus(v).Valid() }, 2},
		{func(v int) bool { return UploadStopStatus(v).Valid() }, 3},
		{func(v int) bool { return FailoverStatus(v).Valid() }, 1},
		{func(v int) bool { return MP4StopStatus(v).Valid() }, 3},
		{func(v int) bool { return VODCommitStatus(v).Valid() }, 3},
		{func(v int) bool { return VODStopStatus(v).Valid() }, 2},
	}
	for i, c := range checks {
		for v := -1; v <= 3; v++ {
			if c.valid(v) != (v >= 0 && v < c.n) {
				t.Errorf("status set %d: value %d valid = %v", i, v, c.valid(v))
			}
		}
	}
	if UploadStopHeld.String() != "Held" || MP4StopStatus(7).String() != "Status(7)" {
		t.Errorf("status names: %q %q", UploadStopHeld, MP4StopStatus(7))
	}
	for _, tt := range []TrackType{TrackAudio, TrackVideo, TrackAudioVideo} {
		if !tt.Valid() {
			t.Errorf("%q invalid", tt)
		}
	}
	if TrackType("audio+video").Valid() || TrackType("").Valid() {
		t.Error("unknown track types are valid")
	}
}

func TestValidate(t *testing.T) {
	ok := Event{Room: naming.RoomID{Num: 1}, TaskID: "t", UserID: "rec", Time: time.Unix(1, 0), Payload: RecorderStart{}}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid event: %v", err)
	}
	with := func(f func(*Event)) Event { e := ok; f(&e); return e }
	cases := map[string]struct {
		e    Event
		code errcode.Code
	}{
		"no payload":     {with(func(e *Event) { e.Payload = nil }), ErrEvent},
		"no room":        {with(func(e *Event) { e.Room = naming.RoomID{} }), naming.ErrRoomID},
		"two rooms":      {with(func(e *Event) { e.Room = naming.RoomID{Num: 1, Str: "a"} }), naming.ErrRoomID},
		"no task":        {with(func(e *Event) { e.TaskID = "" }), ErrEvent},
		"no time":        {with(func(e *Event) { e.Time = time.Time{} }), ErrEvent},
		"start status":   {with(func(e *Event) { e.Payload = RecorderStart{Status: 2} }), ErrEvent},
		"leave code":     {with(func(e *Event) { e.Payload = RecorderStop{LeaveCode: 5} }), ErrEvent},
		"upload start":   {with(func(e *Event) { e.Payload = UploadStart{Status: -1} }), ErrEvent},
		"file info":      {with(func(e *Event) { e.Payload = FileInfo{} }), ErrEvent},
		"upload stop":    {with(func(e *Event) { e.Payload = UploadStop{Status: 3} }), ErrEvent},
		"failover":       {with(func(e *Event) { e.Payload = Failover{Status: 1} }), ErrEvent},
		"slice name":     {with(func(e *Event) { e.Payload = FileSlice{TrackType: TrackAudio} }), ErrEvent},
		"slice track":    {with(func(e *Event) { e.Payload = FileSlice{FileName: "a.m3u8", TrackType: "av"} }), ErrEvent},
		"upload error":   {with(func(e *Event) { e.Payload = UploadError{Message: "m"} }), ErrEvent},
		"image url":      {with(func(e *Event) { e.Payload = DownloadImageError{} }), ErrEvent},
		"mp4 status":     {with(func(e *Event) { e.Payload = MP4Stop{Status: 3} }), ErrEvent},
		"mp4 empty name": {with(func(e *Event) { e.Payload = MP4Stop{FileList: []string{"a.mp4", ""}} }), ErrEvent},
		"vod status":     {with(func(e *Event) { e.Payload = VODCommit{Status: 3} }), ErrEvent},
		"vod media":      {with(func(e *Event) { e.Payload = VODCommit{TencentVOD: TencentVOD{MediaID: "sub"}} }), ErrEvent},
		"vod track":      {with(func(e *Event) { e.Payload = VODCommit{TencentVOD: TencentVOD{TrackType: "x"}} }), ErrEvent},
		"vod stop":       {with(func(e *Event) { e.Payload = VODStop{Status: 2} }), ErrEvent},
	}
	for name, c := range cases {
		err := c.e.Validate()
		if !errors.Is(err, c.code) || !errors.Is(err, errcode.InvalidParameter) {
			t.Errorf("%s: Validate = %v, want %s", name, err, c.code)
		}
	}
}
