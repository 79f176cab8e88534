package callback

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/naming"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// serviceEvent builds the event of one of the service's examples: task
// "xx", recorder "xx", the given room, EventTs (s) and CallbackTs (ms).
func serviceEvent(room string, eventTs, callbackTs int64, p Payload) Event {
	return Event{
		Room: naming.RoomID{Str: room}, TaskID: "xx", UserID: "xx",
		Time: time.Unix(eventTs, 0).UTC(), SentAt: time.UnixMilli(callbackTs).UTC(), Payload: p,
	}
}

// serviceCases are the events of the service's own examples (seed document,
// section コールバックインターフェース), one file each in testdata/service,
// copied verbatim except 309's trailing comma, which is not JSON.
func serviceCases() []struct {
	file  string
	event Event
} {
	return []struct {
		file  string
		event Event
	}{
		{"301", serviceEvent("xx", 1622186275, 1622186275913, RecorderStart{Status: StartOK})},
		{"302", serviceEvent("xx", 1622186354, 1622186354806, RecorderStop{LeaveCode: LeaveNormal})},
		{"303", serviceEvent("20015", 1622191965, 1622191965320, UploadStart{Status: UploadStartOK})},
		{"304", serviceEvent("20015", 1622191965, 1622191965350, FileInfo{FileList: "xx.m3u8"})},
		{"305", serviceEvent("20015", 1622191989, 1622191989674, UploadStop{Status: UploadStopAllUploaded})},
		{"306", serviceEvent("20015", 1622191989, 1622191989674, Failover{Status: FailoverDone})},
		{"307", serviceEvent("xx", 1622186289, 1622186289148, FileSlice{FileName: "xx.m3u8", UserID: "xx", TrackType: TrackAudio, BeginTimeStamp: 1622186279144})},
		{"308", serviceEvent("20015", 1622191989, 1622191989674, UploadError{Code: "xx", Message: "xx"})},
		{"309", serviceEvent("20015", 1622191989, 1622191989674, DownloadImageError{URL: "http://xx"})},
		{"310", serviceEvent("20015", 1622191989, 1622191989674, MP4Stop{Status: MP4StopOK, FileList: []string{"xxxx1.mp4", "xxxx2.mp4"}})},
		{"311-ok", serviceEvent("20015", 1622191965, 1622191965320, VODCommit{Status: VODCommitOK, TencentVOD: TencentVOD{
			UserID: "xx", TrackType: TrackAudioVideo, MediaID: naming.MediaMain, FileID: "xxxx", VideoURL: "http://xxxx"}})},
		{"311-failed", serviceEvent("20015", 1622191965, 1622191965320, VODCommit{Status: VODCommitHeld, ErrMsg: "xxx", TencentVOD: TencentVOD{
			UserID: "123", TrackType: TrackAudioVideo, CacheFile: "xxx.mp4"}})},
		{"312", serviceEvent("20015", 1622191965, 1622191965320, VODStop{Status: VODStopOK})},
	}
}

// generic decodes JSON into maps and float64s; EventInfo.EventTs, which
// some service examples quote, becomes a number.
func generic(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	info, _ := m["EventInfo"].(map[string]any)
	if s, ok := info["EventTs"].(string); ok {
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("EventTs %q: %v", s, err)
		}
		info["EventTs"] = n
	}
	return m
}

// TestServiceExamples checks every event against the service's example
// field for field, both ways: what we send equals the example (EventTs as a
// number), and the example parses into the event.
func TestServiceExamples(t *testing.T) {
	for _, c := range serviceCases() {
		t.Run(c.file, func(t *testing.T) {
			example, err := os.ReadFile(filepath.Join("testdata", "service", c.file+".json"))
			if err != nil {
				t.Fatal(err)
			}
			ours, err := json.Marshal(c.event)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := generic(t, ours), generic(t, example); !reflect.DeepEqual(got, want) {
				t.Errorf("we send\n%s\nthe service sends\n%s", ours, example)
			}
			var parsed Event
			if err := json.Unmarshal(example, &parsed); err != nil {
				t.Fatalf("Unmarshal(example): %v", err)
			}
			if !reflect.DeepEqual(parsed, c.event) {
				t.Errorf("example parsed as\n%+v\nwant\n%+v", parsed, c.event)
			}
		})
	}
}

// TestGolden pins the exact bytes we send for every event type, and a
// numeric room id; run with -update to rewrite testdata/golden.
func TestGolden(t *testing.T) {
	cases := serviceCases()
	numeric := cases[0]
	numeric.file, numeric.event.Room = "301-numeric-room", naming.RoomID{Num: 12345}
	mp4Empty := cases[9]
	mp4Empty.file, mp4Empty.event.Payload = "310-empty", MP4Stop{Status: MP4StopFailed}
	cases = append(cases, numeric, mp4Empty)
	for _, c := range cases {
		got, err := json.Marshal(c.event)
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, got, "", "  "); err != nil {
			t.Fatal(err)
		}
		pretty.WriteByte('\n')
		path := filepath.Join("testdata", "golden", c.file+".json")
		if *update {
			if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if !bytes.Equal(pretty.Bytes(), want) {
			t.Errorf("%s: got\n%s\nwant\n%s", c.file, pretty.Bytes(), want)
		}
		var back Event
		if err := json.Unmarshal(got, &back); err != nil || !reflect.DeepEqual(back, c.event) {
			t.Errorf("%s: round trip = %+v, %v", c.file, back, err)
		}
	}
}

func TestUnmarshalErrors(t *testing.T) {
	cases := map[string]string{
		"not JSON":        `{"EventGroupId":3,`,
		"not an object":   `[1,2]`,
		"wrong group":     `{"EventGroupId":2,"EventType":301,"EventInfo":{"RoomId":1,"Payload":{"Status":0}}}`,
		"unknown type":    `{"EventGroupId":3,"EventType":399,"EventInfo":{"RoomId":1,"Payload":{}}}`,
		"no payload":      `{"EventGroupId":3,"EventType":301,"EventInfo":{"RoomId":1}}`,
		"null payload":    `{"EventGroupId":3,"EventType":301,"EventInfo":{"RoomId":1,"Payload":null}}`,
		"payload type":    `{"EventGroupId":3,"EventType":301,"EventInfo":{"RoomId":1,"Payload":{"Status":"zero"}}}`,
		"no room":         `{"EventGroupId":3,"EventType":301,"EventInfo":{"Payload":{"Status":0}}}`,
		"room negative":   `{"EventGroupId":3,"EventType":301,"EventInfo":{"RoomId":-1,"Payload":{"Status":0}}}`,
		"room too big":    `{"EventGroupId":3,"EventType":301,"EventInfo":{"RoomId":4294967296,"Payload":{"Status":0}}}`,
		"room fraction":   `{"EventGroupId":3,"EventType":301,"EventInfo":{"RoomId":1.5,"Payload":{"Status":0}}}`,
		"EventTs text":    `{"EventGroupId":3,"EventType":301,"EventInfo":{"RoomId":1,"EventTs":"soon","Payload":{"Status":0}}}`,
		"EventTs float":   `{"EventGroupId":3,"EventType":301,"EventInfo":{"RoomId":1,"EventTs":1.5,"Payload":{"Status":0}}}`,
		"CallbackTs bool": `{"EventGroupId":3,"EventType":301,"CallbackTs":true,"EventInfo":{"RoomId":1,"Payload":{"Status":0}}}`,
		"FileList number": `{"EventGroupId":3,"EventType":310,"EventInfo":{"RoomId":1,"Payload":{"Status":0,"FileList":7}}}`,
	}
	for name, body := range cases {
		var e Event
		if err := json.Unmarshal([]byte(body), &e); err == nil {
			t.Errorf("%s: Unmarshal accepted %s", name, body)
		} else if name != "not JSON" && !errors.Is(err, ErrBody) {
			t.Errorf("%s: error %v is not %s", name, err, ErrBody)
		}
	}
}

func TestUnmarshalLenient(t *testing.T) {
	// Numeric room, quoted CallbackTs, unknown fields, FileList as one string.
	body := `{"EventGroupId":3,"EventType":310,"CallbackTs":"1622191989674","Extra":1,
		"EventInfo":{"RoomId":20015,"EventTs":1622191989,"UserId":"rec","TaskId":"t","New":true,
		"Payload":{"Status":1,"FileList":"a.mp4","More":"x"}}}`
	var e Event
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatal(err)
	}
	want := Event{Room: naming.RoomID{Num: 20015}, TaskID: "t", UserID: "rec",
		Time: time.Unix(1622191989, 0).UTC(), SentAt: time.UnixMilli(1622191989674).UTC(),
		Payload: MP4Stop{Status: MP4StopHeld, FileList: []string{"a.mp4"}}}
	if !reflect.DeepEqual(e, want) {
		t.Fatalf("got %+v\nwant %+v", e, want)
	}
}

func TestMarshalRejectsInvalid(t *testing.T) {
	_, err := json.Marshal(Event{TaskID: "t", Room: naming.RoomID{Num: 1}, Time: time.Unix(1, 0)})
	if !errors.Is(err, ErrEvent) || !errors.Is(err, errcode.InvalidParameter) {
		t.Fatalf("Marshal of an event without payload: %v", err)
	}
}

func FuzzUnmarshal(f *testing.F) {
	for _, c := range serviceCases() {
		b, err := os.ReadFile(filepath.Join("testdata", "service", c.file+".json"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"EventGroupId":3,"EventType":310,"EventInfo":{"RoomId":7,"Payload":{"FileList":"a"}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var e Event
		if json.Unmarshal(b, &e) != nil || e.Validate() != nil {
			return
		}
		out, err := json.Marshal(e)
		if err != nil {
			t.Fatalf("valid event %+v does not marshal: %v", e, err)
		}
		var back Event
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("our own output does not parse: %v\n%s", err, out)
		}
		again, err := json.Marshal(back)
		if err != nil || !bytes.Equal(out, again) {
			t.Fatalf("marshal is not stable:\n%s\n%s", out, again)
		}
	})
}
