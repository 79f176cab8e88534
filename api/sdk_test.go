package api_test

import (
	"context"
	"errors"
	"io"
	"os"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/roomrec/roomrec/api"
	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/recorder"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestLifecycle runs every action end to end with the official SDK's
// common client against a real Recorder.
func TestLifecycle(t *testing.T) {
	e := newEnv(t, envOptions{})
	r := e.mustCall("CreateCloudRecording", createParams(nil))
	id, _ := r["TaskId"].(string)
	if !slices.Contains(e.rec.Tasks(), id) {
		t.Fatalf("TaskId %q is not a task of the recorder (%v)", id, e.rec.Tasks())
	}
	requestIDs := map[string]bool{}
	checkRequestID := func(r map[string]any) {
		t.Helper()
		rid, _ := r["RequestId"].(string)
		if !uuidRE.MatchString(rid) || requestIDs[rid] {
			t.Errorf("RequestId %q is not a new UUID", rid)
		}
		requestIDs[rid] = true
	}
	checkRequestID(r)

	d := e.mustCall("DescribeCloudRecording", task(id))
	checkRequestID(d)
	if d["TaskId"] != id || d["Status"] != "Idle" {
		t.Errorf("Describe = %v, want TaskId %s and Status Idle", d, id)
	}
	if files, ok := d["StorageFileList"].([]any); !ok || len(files) != 0 {
		t.Errorf("StorageFileList = %#v, want an empty list", d["StorageFileList"])
	}

	m := e.mustCall("ModifyCloudRecording", map[string]any{"SdkAppId": testApp, "TaskId": id,
		"SubscribeStreamUserIds": map[string]any{"SubscribeAudioUserIds": []string{"alice"}}})
	checkRequestID(m)
	if m["TaskId"] != id {
		t.Errorf("Modify TaskId = %v, want %s", m["TaskId"], id)
	}

	del := e.mustCall("DeleteCloudRecording", task(id))
	checkRequestID(del)
	if del["TaskId"] != id {
		t.Errorf("Delete TaskId = %v, want %s", del["TaskId"], id)
	}
	if len(e.rec.Tasks()) != 0 {
		t.Errorf("tasks after Delete: %v", e.rec.Tasks())
	}
	if _, err := e.events.Wait(context.Background(), callback.EventRecorderStop); err != nil {
		t.Error(err)
	}

	// Describe, Modify and Delete after the task ended: the recorder's
	// TaskNotExist reaches the SDK as its error code.
	for _, action := range []string{"DescribeCloudRecording", "ModifyCloudRecording", "DeleteCloudRecording"} {
		_, err := e.call(action, task(id))
		wantCode(t, err, string(errcode.TaskNotExist))
	}
}

// TestStringRoomID creates a task for a string room (RoomIdType 0) and
// checks the recorder got the string id.
func TestStringRoomID(t *testing.T) {
	e := newEnv(t, envOptions{})
	room, err := e.rec.Room(testApp, naming.RoomID{Str: "room one"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := room.AddTrack(recorder.TrackInfo{UserID: "alice", Kind: naming.TrackAudio, MimeType: "audio/opus"}, nil); err != nil {
		t.Fatal(err)
	}
	id := e.create(func(p map[string]any) { p["RoomId"] = "room one"; p["RoomIdType"] = 0 })
	eventually(t, "alice's audio to be recorded in the string room", func() bool {
		return recording(t, e.rec, id)["alice/audio"]
	})
}

// recording returns which streams ("user/kind") of the task are recorded.
func recording(t *testing.T, rec *recorder.Recorder, id string) map[string]bool {
	t.Helper()
	d, err := rec.Describe(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, s := range d.Streams {
		out[s.UserID+"/"+string(s.Kind)] = s.Recording
	}
	return out
}

// TestModifyFullOverwrite checks that Modify replaces all four lists: a
// list left out of the request is emptied, not kept.
func TestModifyFullOverwrite(t *testing.T) {
	e := newEnv(t, envOptions{})
	room, err := e.rec.Room(testApp, naming.RoomID{Num: testRoomID})
	if err != nil {
		t.Fatal(err)
	}
	for _, ti := range []recorder.TrackInfo{
		{UserID: "alice", Kind: naming.TrackAudio, MimeType: "audio/opus"},
		{UserID: "alice", Kind: naming.TrackVideo, MimeType: "video/H264"},
		{UserID: "bob", Kind: naming.TrackVideo, MimeType: "video/H264"},
	} {
		if _, err := room.AddTrack(ti, nil); err != nil {
			t.Fatal(err)
		}
	}
	id := e.create(func(p map[string]any) {
		p["RecordParams"].(map[string]any)["SubscribeStreamUserIds"] = map[string]any{
			"UnSubscribeAudioUserIds": []string{"alice"},
			"SubscribeVideoUserIds":   []string{"ali.*$"}, // the service's prefix form
		}
	})
	before := map[string]bool{"alice/video": true, "bob/video": false, "alice/audio": false}
	eventually(t, "the first subscription", func() bool { return matches(recording(t, e.rec, id), before) })

	e.mustCall("ModifyCloudRecording", map[string]any{"SdkAppId": testApp, "TaskId": id,
		"SubscribeStreamUserIds": map[string]any{"SubscribeVideoUserIds": []string{"bob"}}})
	after := map[string]bool{"alice/video": false, "bob/video": true, "alice/audio": true}
	eventually(t, "the overwritten subscription", func() bool { return matches(recording(t, e.rec, id), after) })
}

// matches reports whether every stream named in want is (or is not) recorded.
func matches(got, want map[string]bool) bool {
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// TestAuthFailures signs with wrong credentials and a skewed clock.
func TestAuthFailures(t *testing.T) {
	e := newEnv(t, envOptions{})
	cases := []struct {
		name, id, key, want string
	}{
		{"wrong secret key", testID, "not-the-key", "AuthFailure.SignatureFailure"},
		{"unknown secret id", "AKIDunknown", testKey, "AuthFailure.SecretIdNotFound"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := callWith(e.client(c.id, c.key), Version, "DescribeCloudRecording", task("x"))
			wantCode(t, err, c.want)
		})
	}
	if _, err := e.call("CreateCloudRecording", createParams(nil)); err != nil {
		t.Fatalf("the right credentials are refused: %v", err)
	}
}

// TestSignatureExpire moves the server's clock more than 5 minutes away
// from the SDK's (which signs with time.Now), both ways.
func TestSignatureExpire(t *testing.T) {
	ahead := newEnv(t, envOptions{})
	ahead.clk.Advance(api.MaxClockSkew + 10*time.Second)
	_, err := ahead.call("DescribeCloudRecording", task("x"))
	wantCode(t, err, "AuthFailure.SignatureExpire")

	behind := newEnv(t, envOptions{now: time.Now().Add(-api.MaxClockSkew - 10*time.Second)})
	_, err = behind.call("DescribeCloudRecording", task("x"))
	wantCode(t, err, "AuthFailure.SignatureExpire")

	// Within the allowed skew the call gets through to the recorder.
	near := newEnv(t, envOptions{now: time.Now().Add(-api.MaxClockSkew + 30*time.Second)})
	_, err = near.call("DescribeCloudRecording", task("x"))
	wantCode(t, err, string(errcode.TaskNotExist))
}

// TestSdkAppID checks the allowed SdkAppIds and that a task is only
// reachable with the SdkAppId that created it.
func TestSdkAppID(t *testing.T) {
	const other = 1400000002
	e := newEnv(t, envOptions{api: func(c *api.Config) { c.SdkAppIDs = []uint64{testApp, other} }})
	cases := []struct {
		name  string
		appID any
		want  string
	}{
		{"not served", 1400999999, "InvalidParameter.SdkAppId"},
		{"zero", 0, "InvalidParameter.SdkAppId"},
		{"missing", nil, "MissingParameter.SdkAppId"},
		{"not a number", "1400123456", "InvalidParameter.SdkAppId"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.call("CreateCloudRecording", createParams(func(p map[string]any) {
				if c.appID == nil {
					delete(p, "SdkAppId")
				} else {
					p["SdkAppId"] = c.appID
				}
			}))
			wantCode(t, err, c.want)
		})
	}
	id := e.create(nil)
	_, err := e.call("DescribeCloudRecording", map[string]any{"SdkAppId": other, "TaskId": id})
	wantCode(t, err, string(errcode.TaskNotExist))
	_, err = e.call("DeleteCloudRecording", map[string]any{"SdkAppId": other, "TaskId": id})
	wantCode(t, err, string(errcode.TaskNotExist))
	if !slices.Contains(e.rec.Tasks(), id) {
		t.Fatal("another SdkAppId stopped the task")
	}
	e.mustCall("DeleteCloudRecording", task(id))
}

// TestRateLimit makes 21 calls in the same fake second.
func TestRateLimit(t *testing.T) {
	e := newEnv(t, envOptions{})
	id := e.create(nil)
	for i := range api.DefaultRateLimit {
		if _, err := e.call("DescribeCloudRecording", task(id)); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
	}
	_, err := e.call("DescribeCloudRecording", task(id))
	wantCode(t, err, "RequestLimitExceeded")

	// Other actions and other SdkAppIds have their own buckets.
	e.mustCall("ModifyCloudRecording", task(id))
	_, err = e.call("DescribeCloudRecording", map[string]any{"SdkAppId": 1400000002, "TaskId": id})
	wantCode(t, err, string(errcode.TaskNotExist))

	// The bucket refills at 20 a second: one call per 50 ms.
	e.clk.Advance(50 * time.Millisecond)
	e.mustCall("DescribeCloudRecording", task(id))
	_, err = e.call("DescribeCloudRecording", task(id))
	wantCode(t, err, "RequestLimitExceeded")
}

// TestDeadline blocks the recorder inside a call (its Notifier does not
// return) and moves the clock past 6 s: the handler answers then.
func TestDeadline(t *testing.T) {
	t.Run("delete", func(t *testing.T) {
		e := newEnv(t, envOptions{})
		id := e.create(nil)
		entered, release := e.events.arm(callback.EventRecorderStop)
		defer release()
		errc := make(chan error, 1)
		go func() { _, err := e.call("DeleteCloudRecording", task(id)); errc <- err }()
		waitFor(t, entered)
		e.clk.Advance(api.DefaultTimeout)
		wantCode(t, waitErr(t, errc), string(api.CodeTimeout))
		release()
		if _, err := e.events.Wait(context.Background(), callback.EventUploadStop); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("create", func(t *testing.T) {
		e := newEnv(t, envOptions{})
		entered, release := e.events.arm(callback.EventRecorderStart)
		defer release()
		errc := make(chan error, 1)
		go func() { _, err := e.call("CreateCloudRecording", createParams(nil)); errc <- err }()
		waitFor(t, entered)
		e.clk.Advance(api.DefaultTimeout)
		wantCode(t, waitErr(t, errc), string(api.CodeTimeout))
		release()
		// The task that started too late is stopped again.
		if _, err := e.events.Wait(context.Background(), callback.EventUploadStop); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the late task to be forgotten", func() bool { return len(e.rec.Tasks()) == 0 })
	})
}

func waitFor(t *testing.T, ch <-chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal("the recorder call never blocked")
	}
}

func waitErr(t *testing.T, errc <-chan error) error {
	t.Helper()
	select {
	case err := <-errc:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("the handler did not answer at its deadline")
		return nil
	}
}

// TestParameterErrors checks the codes of bad parameters, the recorder's
// passed through and the handler's own.
func TestParameterErrors(t *testing.T) {
	e := newEnv(t, envOptions{})
	rp := func(k string, v any) func(map[string]any) {
		return func(p map[string]any) { p["RecordParams"].(map[string]any)[k] = v }
	}
	set := func(k string, v any) func(map[string]any) { return func(p map[string]any) { p[k] = v } }
	cases := []struct {
		name string
		mut  func(map[string]any)
		want string
	}{
		{"bad UserId", set("UserId", "bad user!"), "InvalidParameter.UserId"},
		{"MaxIdleTime too short", rp("MaxIdleTime", 4), "InvalidParameter.MaxIdleTime"},
		{"MaxIdleTime too long", rp("MaxIdleTime", 86401), "InvalidParameter.MaxIdleTime"},
		{"MaxIdleTime negative", rp("MaxIdleTime", -5), "InvalidParameter.MaxIdleTime"},
		{"RecordMode 3", rp("RecordMode", 3), "InvalidParameter.RecordMode"},
		{"StreamType 3", rp("StreamType", 3), "InvalidParameter.StreamType"},
		{"OutputFormat aac", rp("OutputFormat", 2), string(errcode.Unsupported)},
		{"OutputFormat 9", rp("OutputFormat", 9), "InvalidParameter.OutputFormat"},
		{"AvMerge", rp("AvMerge", 1), string(errcode.Unsupported)},
		{"bad pattern", rp("SubscribeStreamUserIds", map[string]any{"SubscribeAudioUserIds": []string{"a b"}}), "InvalidParameter.SubscribeStreamUserIds"},
		{"RecordMode missing", set("RecordParams", map[string]any{}), "MissingParameter.RecordMode"},
		{"RecordParams missing", set("RecordParams", nil), "MissingParameter.RecordParams"},
		{"UserId missing", set("UserId", ""), "MissingParameter.UserId"},
		{"RoomId not a number", set("RoomId", "abc"), "InvalidParameter.RoomId"},
		{"RoomId too large", set("RoomId", "4294967295"), "InvalidParameter.RoomId"},
		{"RoomIdType 2", set("RoomIdType", 2), "InvalidParameter.RoomIdType"},
		{"both storages", set("StorageParams", map[string]any{"CloudStorage": map[string]any{}, "CloudVod": map[string]any{}}), "InvalidParameter.StorageParams"},
		{"VOD", set("StorageParams", map[string]any{"CloudVod": map[string]any{"TencentVod": map[string]any{}}}), string(errcode.Unsupported)},
		{"bad prefix", set("StorageParams", map[string]any{"CloudStorage": map[string]any{"FileNamePrefix": []string{".."}}}), "InvalidParameter.Prefix"},
		{"unknown field", set("Colour", "red"), "UnknownParameter"},
		{"unknown nested field", rp("Colour", "red"), "UnknownParameter"},
		{"wrong type", rp("MaxIdleTime", "60"), "InvalidParameter.MaxIdleTime"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.call("CreateCloudRecording", createParams(c.mut))
			wantCode(t, err, c.want)
		})
	}
	if n := len(e.rec.Tasks()); n != 0 {
		t.Errorf("%d tasks started by bad requests", n)
	}
	t.Run("missing TaskId", func(t *testing.T) {
		_, err := e.call("DescribeCloudRecording", map[string]any{"SdkAppId": testApp})
		wantCode(t, err, "MissingParameter.TaskId")
	})
	t.Run("unknown action", func(t *testing.T) {
		_, err := e.call("StartMCUMixTranscode", task("x"))
		wantCode(t, err, "InvalidAction")
	})
	t.Run("wrong version", func(t *testing.T) {
		_, err := callWith(e.client(testID, testKey), "2018-01-01", "DescribeCloudRecording", task("x"))
		wantCode(t, err, "NoSuchVersion")
	})
}

// TestRestrictedConcurrency fills the recorder's task limit.
func TestRestrictedConcurrency(t *testing.T) {
	e := newEnv(t, envOptions{recorder: func(c *recorder.Config) { c.MaxTasks = 2 }})
	e.create(nil)
	e.create(func(p map[string]any) { p["UserId"] = "recorder_bot2" })
	_, err := e.call("CreateCloudRecording", createParams(func(p map[string]any) { p["UserId"] = "recorder_bot3" }))
	wantCode(t, err, string(errcode.RestrictedConcurrency))
}

// TestStorage checks that Config.Storage gets the request's CloudStorage
// and that its errors are answered.
func TestStorage(t *testing.T) {
	var (
		mu  sync.Mutex
		got []api.CloudStorage
	)
	seen := func() []api.CloudStorage { mu.Lock(); defer mu.Unlock(); return slices.Clone(got) }
	fail := errors.New("bucket unreachable")
	e := newEnv(t, envOptions{api: func(c *api.Config) {
		c.Storage = func(_ context.Context, cs api.CloudStorage) (recorder.Storage, error) {
			mu.Lock()
			got = append(got, cs)
			mu.Unlock()
			switch cs.Bucket {
			case "broken":
				return nil, fail
			case "denied":
				return nil, errcode.New(errcode.InvalidParameter.Detail("SecretKey"), "access denied")
			}
			return discard{}, nil
		}
	}})
	e.create(nil)
	if got := seen(); len(got) != 1 || got[0].Bucket != "b-1250000000" || got[0].AccessKey != "ak" || got[0].SecretKey != "sk" ||
		got[0].Region != "ap-guangzhou" || !slices.Equal(got[0].FileNamePrefix, []string{"prefix"}) {
		t.Errorf("Storage got %+v", seen())
	}
	for bucket, want := range map[string]string{"broken": "InvalidParameter.CloudStorage", "denied": "InvalidParameter.SecretKey"} {
		_, err := e.call("CreateCloudRecording", createParams(func(p map[string]any) {
			p["UserId"] = "bot_" + bucket
			p["StorageParams"] = map[string]any{"CloudStorage": map[string]any{"Bucket": bucket}}
		}))
		wantCode(t, err, want)
	}
	// Bad parameters are answered before any storage is built.
	before := len(seen())
	_, err := e.call("CreateCloudRecording", createParams(func(p map[string]any) { p["UserId"] = "bad user" }))
	wantCode(t, err, "InvalidParameter.UserId")
	if len(seen()) != before {
		t.Error("a storage was built for a request with bad parameters")
	}
}

type discard struct{}

func (discard) Put(context.Context, string, io.Reader, int64, string) error { return nil }

func (discard) Get(context.Context, string) (io.ReadCloser, error) { return nil, os.ErrNotExist }
