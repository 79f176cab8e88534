package recorder

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/naming"
)

func TestStartValidation(t *testing.T) {
	h := newHarness(t, nil)
	cases := []struct {
		name string
		mut  func(*StartParams)
		code errcode.Code
	}{
		{"no app", func(p *StartParams) { p.SdkAppID = 0 }, "InvalidParameter.SdkAppId"},
		{"room 0", func(p *StartParams) { p.Room = naming.RoomID{} }, "InvalidParameter.RoomId"},
		{"room max", func(p *StartParams) { p.Room = naming.RoomID{Num: 4294967295} }, "InvalidParameter.RoomId"},
		{"room chars", func(p *StartParams) { p.Room = naming.RoomID{Str: "a/b"} }, "InvalidParameter.RoomId"},
		{"no user", func(p *StartParams) { p.UserID = "" }, "InvalidParameter.UserId"},
		{"user chars", func(p *StartParams) { p.UserID = "bot!" }, "InvalidParameter.UserId"},
		{"mode", func(p *StartParams) { p.Record.Mode = 3 }, "InvalidParameter.RecordMode"},
		{"idle short", func(p *StartParams) { p.Record.MaxIdleTime = time.Second }, "InvalidParameter.MaxIdleTime"},
		{"idle long", func(p *StartParams) { p.Record.MaxIdleTime = 86401 * time.Second }, "InvalidParameter.MaxIdleTime"},
		{"stream type", func(p *StartParams) { p.Record.StreamType = 3 }, "InvalidParameter.StreamType"},
		{"output", func(p *StartParams) { p.Record.Output = 7 }, "InvalidParameter.OutputFormat"},
		{"pattern", func(p *StartParams) { p.Record.Subscribe.SubscribeAudio = []string{"a b"} }, "InvalidParameter.SubscribeStreamUserIds"},
		{"prefix escape", func(p *StartParams) { p.Storage.FileNamePrefix = []string{"..", "x"} }, "InvalidParameter.Prefix"},
		{"prefix abs", func(p *StartParams) { p.Storage.FileNamePrefix = []string{"", "etc"} }, "InvalidParameter.Prefix"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := baseParams()
			c.mut(&p)
			_, err := h.rec.Start(context.Background(), p)
			if !errors.Is(err, c.code) {
				t.Fatalf("Start: %v, want %s", err, c.code)
			}
		})
	}
	if len(h.rec.Tasks()) != 0 {
		t.Fatalf("rejected starts left tasks: %v", h.rec.Tasks())
	}
}

func TestMaxTasks(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxTasks = 3 })
	ids := map[string]bool{}
	for range 3 {
		ids[h.start(nil)] = true
	}
	if len(ids) != 3 {
		t.Fatalf("task ids not unique: %v", ids)
	}
	_, err := h.rec.Start(context.Background(), baseParams())
	if !errors.Is(err, errcode.RestrictedConcurrency) {
		t.Fatalf("4th Start: %v", err)
	}
	for id := range ids {
		h.stop(id)
		break
	}
	h.start(nil) // a slot is free again
}

func TestIdleTimeout(t *testing.T) {
	h := newHarness(t, nil)
	id := h.start(func(p *StartParams) { p.Record.MaxIdleTime = 10 * time.Second })
	h.room.Join("carol") // present but not publishing: the count goes on
	h.clk.Advance(9 * time.Second)
	if _, err := h.rec.Describe(context.Background(), id); err != nil {
		t.Fatalf("ended before MaxIdleTime: %v", err)
	}
	h.clk.Advance(time.Second)
	e := h.waitEvent(callback.EventRecorderStop)
	if code := e.Payload.(callback.RecorderStop).LeaveCode; code != callback.LeaveIdle {
		t.Fatalf("LeaveCode %v, want 99", code)
	}
	h.waitEvent(callback.EventUploadStop)
	if _, err := h.rec.Describe(context.Background(), id); !errors.Is(err, errcode.TaskNotExist) {
		t.Fatalf("Describe after idle end: %v", err)
	}
}

func TestIdleCountsOnlyWithoutPublishers(t *testing.T) {
	h := newHarness(t, nil)
	id := h.start(func(p *StartParams) { p.Record.MaxIdleTime = 5 * time.Second })
	tr := h.track("alice", naming.MediaMain, "audio/opus")
	// The recorder's own track does not count as a publisher.
	own := h.track("recorder_bot", naming.MediaMain, "audio/opus")
	h.clk.Advance(time.Hour)
	if _, err := h.rec.Describe(context.Background(), id); err != nil {
		t.Fatalf("ended while alice publishes: %v", err)
	}
	tr.Close()
	h.clk.Advance(4 * time.Second)
	if _, err := h.rec.Describe(context.Background(), id); err != nil {
		t.Fatalf("ended too early: %v", err)
	}
	h.track("bob", naming.MediaMain, "audio/opus").Close() // a publisher came and went: count restarts
	h.clk.Advance(4 * time.Second)
	if _, err := h.rec.Describe(context.Background(), id); err != nil {
		t.Fatalf("idle count did not restart: %v", err)
	}
	h.clk.Advance(time.Second)
	e := h.waitEvent(callback.EventRecorderStop)
	if e.Payload.(callback.RecorderStop).LeaveCode != callback.LeaveIdle {
		t.Fatal(e)
	}
	own.Close()
}

func TestRoomCloseEndsTask(t *testing.T) {
	h := newHarness(t, nil)
	h.start(nil)
	h.room.Close()
	e := h.waitEvent(callback.EventRecorderStop)
	if e.Payload.(callback.RecorderStop).LeaveCode != callback.LeaveRoomDismissedByServer {
		t.Fatal(e)
	}
	if _, err := h.room.AddTrack(TrackInfo{UserID: "a", Kind: naming.TrackAudio, MimeType: "audio/opus"}, nil); err == nil {
		t.Fatal("AddTrack on a closed room succeeded")
	}
}

func TestSubscriptionAndModify(t *testing.T) {
	h := newHarness(t, nil)
	id := h.start(func(p *StartParams) {
		p.Record.Subscribe = Subscription{SubscribeAudio: []string{"al*"}, UnsubscribeVideo: []string{"*"}}
	})
	aa := h.track("alice", naming.MediaMain, "audio/opus")
	av := h.track("alice", naming.MediaMain, "video/H264")
	ba := h.track("bob", naming.MediaMain, "audio/opus")
	const part = 4 * time.Second
	feedAll := func(opts testpub.RTPOptions) {
		h.feed(
			send{aa, load(t, "audio/opus", part, testpub.RTPOptions{SSRC: 1, FirstSeq: opts.FirstSeq, FirstTS: opts.FirstTS})},
			send{av, load(t, "video/H264", part, testpub.RTPOptions{SSRC: 2, FirstSeq: opts.FirstSeq, FirstTS: opts.FirstTS})},
			send{ba, load(t, "audio/opus", part, testpub.RTPOptions{SSRC: 3, FirstSeq: opts.FirstSeq, FirstTS: opts.FirstTS})},
		)
		h.base = time.Time{}
	}
	feedAll(testpub.RTPOptions{})
	d := waitFiles(t, h, id, 1)
	if d.StorageFileList[0].UserID != "alice" || d.StorageFileList[0].TrackType != "audio" {
		t.Fatalf("only alice's audio is subscribed: %+v", d.StorageFileList)
	}
	// Full overwrite: every audio, alice's video; alice's audio now denied.
	if err := h.rec.Modify(context.Background(), id, ModifyParams{Subscribe: Subscription{
		UnsubscribeAudio: []string{"alice"}, SubscribeVideo: []string{"alice"},
	}}); err != nil {
		t.Fatal(err)
	}
	if d, _ := h.rec.Describe(context.Background(), id); len(d.Subscribe.SubscribeAudio) != 0 || len(d.Subscribe.UnsubscribeVideo) != 0 ||
		d.Subscribe.SubscribeVideo[0] != "alice" || d.SdkAppID != testApp || d.Room != testRoom {
		t.Errorf("Describe after Modify: %+v", d)
	}
	h.clk.Advance(time.Second)
	feedAll(testpub.RTPOptions{FirstSeq: 1000, FirstTS: 400000})
	final := h.stop(id)
	got := map[string]bool{}
	for _, f := range final.StorageFileList {
		got[f.UserID+"/"+f.TrackType] = true
		h.checkDecodes(f.Key, part, 250*time.Millisecond)
	}
	for _, want := range []string{"alice/audio", "alice/video", "bob/audio"} {
		if !got[want] {
			t.Errorf("missing %s in %v", want, got)
		}
	}
	if len(got) != 3 {
		t.Errorf("files %v", got)
	}
	if err := h.rec.Modify(context.Background(), id, ModifyParams{}); !errors.Is(err, errcode.TaskNotExist) {
		t.Errorf("Modify after stop: %v", err)
	}
}

// waitFiles lets the task process what was fed and checks that Describe
// lists n files.
func waitFiles(t *testing.T, h *harness, id string, n int) Description {
	t.Helper()
	tk, err := h.rec.task(id)
	if err != nil {
		t.Fatal(err)
	}
	tk.settle()
	d, err := h.rec.Describe(context.Background(), id)
	if err != nil || len(d.StorageFileList) != n {
		t.Fatalf("Describe: %+v, %v; want %d files", d, err, n)
	}
	return d
}

func TestStreamTypeAndTranscodedVideo(t *testing.T) {
	h := newHarness(t, nil)
	audioOnly := h.start(func(p *StartParams) { p.Record.StreamType = AudioOnly })
	both := h.start(nil)
	aa := h.track("alice", naming.MediaMain, "audio/opus")
	vp8 := h.track("bob", naming.MediaMain, "video/VP8")
	const d = 4 * time.Second
	h.feed(
		send{aa, load(t, "audio/opus", d, testpub.RTPOptions{})},
		send{vp8, load(t, "video/VP8", d, testpub.RTPOptions{})},
	)
	d1 := h.stop(audioOnly)
	if len(d1.StorageFileList) != 1 || d1.StorageFileList[0].TrackType != "audio" {
		t.Errorf("audio-only task files: %+v", d1.StorageFileList)
	}
	d2 := h.stop(both)
	if len(d2.StorageFileList) != 2 {
		t.Fatalf("files: %+v", d2.StorageFileList)
	}
	for _, f := range d2.StorageFileList {
		info := h.checkDecodes(f.Key, d, 200*time.Millisecond)
		want := map[string]string{"audio": "aac", "video": "h264"}[f.TrackType]
		if len(info.Streams) == 0 || info.Streams[0].CodecName != want {
			t.Errorf("%s: streams %+v, want %s", f.FileName, info.Streams, want)
		}
		if f.TrackType == "video" && (info.Streams[0].Width != 640 || info.Streams[0].Height != 360) {
			t.Errorf("VP8 recorded at %dx%d, want the source's 640x360", info.Streams[0].Width, info.Streams[0].Height)
		}
	}
}

func TestStreamLimit(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxStreamsPerTask = 2 })
	id := h.start(nil)
	for _, u := range []string{"u1", "u2", "u3"} {
		h.track(u, naming.MediaMain, "audio/opus")
		h.track(u, naming.MediaMain, "video/H264")
	}
	d, err := h.rec.Describe(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	skipped := 0
	for _, s := range d.Streams {
		if s.Skipped != "" {
			skipped++
			if s.UserID != "u3" {
				t.Errorf("skipped %s, want u3 (joined last)", s.UserID)
			}
		}
	}
	if skipped != 2 {
		t.Errorf("skipped %d streams, want u3's audio and video: %+v", skipped, d.Streams)
	}

	// The limit is on streams recorded at once: when u1 leaves, u3 (next
	// in join order) is recorded; u1 coming back waits.
	h.room.Leave("u1")
	recording := func() map[string]bool {
		t.Helper()
		d, err := h.rec.Describe(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		on := map[string]bool{}
		for _, s := range d.Streams {
			if s.Recording {
				on[s.UserID] = true
			}
			if s.Recording && s.Skipped != "" {
				t.Errorf("stream %s %s: recording and skipped (%q)", s.UserID, s.Kind, s.Skipped)
			}
		}
		return on
	}
	if on := recording(); len(on) != 2 || !on["u2"] || !on["u3"] {
		t.Errorf("after u1 left, recording %v; want u2 and u3", on)
	}
	h.track("u1", naming.MediaMain, "audio/opus")
	if on := recording(); len(on) != 2 || on["u1"] {
		t.Errorf("u1 back while two others record: recording %v; want u2 and u3 only", on)
	}
	// Unsubscribing u2 frees a place for u1.
	if err := h.rec.Modify(context.Background(), id, ModifyParams{Subscribe: Subscription{UnsubscribeAudio: []string{"u2"}, UnsubscribeVideo: []string{"u2"}}}); err != nil {
		t.Fatal(err)
	}
	if on := recording(); len(on) != 2 || !on["u1"] || !on["u3"] {
		t.Errorf("after unsubscribing u2, recording %v; want u1 and u3", on)
	}
}

// TestRejoinContinuesPlaylist: a user who leaves and comes back continues
// the same playlist after #EXT-X-DISCONTINUITY, also from a browser that
// sends VP8 instead of H.264 (both are H.264 in the TS); the pause keeps
// its wall-clock time in the segment names and nothing is overwritten. A
// track that would change the TS codec (H.265) is not recorded, and says
// why.
func TestRejoinContinuesPlaylist(t *testing.T) {
	for _, again := range []string{"video/H264", "video/VP8"} {
		t.Run(again, func(t *testing.T) {
			h := newHarness(t, nil)
			id := h.start(nil)
			const part = 3 * time.Second
			v1 := h.track("alice", naming.MediaMain, "video/H264")
			h.feed(send{v1, load(t, "video/H264", part, testpub.RTPOptions{SSRC: 1})})
			v1.Close()
			h.waitEvent(callback.EventFileSlice) // the pause flushed the first part
			h.room.Leave("alice")
			h.clk.Advance(5 * time.Second)
			h.base = time.Time{}
			v2 := h.track("alice", naming.MediaMain, again)
			h.feed(send{v2, load(t, again, part, testpub.RTPOptions{SSRC: 2, FirstSeq: 999, FirstTS: 77})})
			v2.Close()
			h.track("alice", naming.MediaMain, "video/H265")
			d, err := h.rec.Describe(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Streams) != 1 || !strings.Contains(d.Streams[0].Skipped, "H.265") {
				t.Errorf("an H.265 track after H.264: %+v, want it skipped with the reason", d.Streams)
			}
			final := h.stop(id)
			if len(final.StorageFileList) != 1 {
				t.Fatalf("files %+v", final.StorageFileList)
			}
			key := final.StorageFileList[0].Key
			pl := h.readPlaylist(key)
			if len(pl.Segments) != 2 || pl.Segments[0].Discontinuity || !pl.Segments[1].Discontinuity {
				t.Fatalf("segments %+v", pl.Segments)
			}
			second, err := naming.ParseFile(pl.Segments[1].URI)
			if err != nil {
				t.Fatal(err)
			}
			// Second part: 3 s of media + 5 s pause after the start.
			if off := second.UTC.Sub(testT0); off < 8*time.Second-100*time.Millisecond || off > 8*time.Second+100*time.Millisecond {
				t.Errorf("second part named %v after the start, want 8 s", off)
			}
			h.checkDecodes(key, 2*part, 200*time.Millisecond)
		})
	}
}
