package recorder

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/naming"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		runKilledChild(dir) // never returns: the parent kills it
	}
	if js := os.Getenv(haChildEnv); js != "" {
		runHAChild(js) // never returns
	}
	goleak.VerifyTestMain(m)
}

func TestRecordSingleStream(t *testing.T) {
	h := newHarness(t, nil)
	id := h.start(nil)
	if d, err := h.rec.Describe(context.Background(), id); err != nil || d.Status != Idle || d.Note == "" || len(d.StorageFileList) != 0 {
		t.Fatalf("before media: %+v, %v", d, err)
	}
	av := h.track("alice", naming.MediaMain, "video/H264")
	aa := h.track("alice", naming.MediaMain, "audio/opus")
	ba := h.track("bob", naming.MediaMain, "audio/opus")
	const d = 10 * time.Second
	h.feed(
		send{av, load(t, "video/H264", d, testpub.RTPOptions{SSRC: 1, FirstSeq: 100, FirstTS: 5000})},
		send{aa, load(t, "audio/opus", d, testpub.RTPOptions{SSRC: 2, FirstSeq: 60000, FirstTS: 1 << 31})},
		send{ba, load(t, "audio/opus", d, testpub.RTPOptions{SSRC: 3})},
	)
	h.waitEvent(callback.EventFileSlice)
	desc, err := h.rec.Describe(context.Background(), id)
	if err != nil || desc.Status != InProgress {
		t.Fatalf("while recording: %+v, %v", desc, err)
	}
	final := h.stop(id)
	if len(final.StorageFileList) != 3 {
		t.Fatalf("files: %+v", final.StorageFileList)
	}
	for _, f := range final.StorageFileList {
		n, err := naming.Parse(f.Key)
		if err != nil {
			t.Fatalf("%s: %v", f.Key, err)
		}
		if n.TaskID != id || n.UserID != f.UserID || string(n.Type) != f.TrackType || n.Kind != naming.KindM3U8 || n.SdkAppID != testApp || n.Room != testRoom {
			t.Errorf("name %s parsed to %+v", f.Key, n)
		}
		if f.BeginTimeStamp != testT0.UnixMilli() {
			t.Errorf("%s: BeginTimeStamp %d, want %d (first packet's arrival)", f.FileName, f.BeginTimeStamp, testT0.UnixMilli())
		}
		pl := h.readPlaylist(f.Key)
		if !pl.Ended || pl.StartRecTime.UnixMilli() != f.BeginTimeStamp {
			t.Errorf("%s: ended=%v start=%v", f.FileName, pl.Ended, pl.StartRecTime)
		}
		if f.TrackType == "video" && (pl.Width != 640 || pl.Height != 360) {
			t.Errorf("%s: video metadata %dx%d", f.FileName, pl.Width, pl.Height)
		}
		for _, seg := range pl.Segments {
			sn, err := naming.ParseFile(seg.URI)
			if err != nil || sn.Kind != naming.KindTS || sn.UserID != f.UserID {
				t.Errorf("segment %s: %+v %v", seg.URI, sn, err)
			}
		}
		h.checkDecodes(f.Key, d, 200*time.Millisecond)
	}
	want := []callback.EventType{callback.EventRecorderStart, callback.EventUploadStart}
	got := h.events.Events()
	for i, typ := range want {
		if got[i].Type() != typ {
			t.Fatalf("event %d = %v, want %v", i, got[i].Type(), typ)
		}
	}
	if n := len(h.events.OfType(callback.EventFileSlice)); n != 3 {
		t.Errorf("%d FILE_SLICE events, want 3", n)
	}
	if n := len(h.events.OfType(callback.EventFileInfo)); n != 3 {
		t.Errorf("%d FILE_INFO events, want 3", n)
	}
	last := got[len(got)-1]
	if up, ok := last.Payload.(callback.UploadStop); !ok || up.Status != callback.UploadStopAllUploaded {
		t.Errorf("last event %+v, want UPLOAD_STOP 0", last)
	}
	if stop := h.events.OfType(callback.EventRecorderStop); len(stop) != 1 || stop[0].Payload.(callback.RecorderStop).LeaveCode != callback.LeaveNormal {
		t.Errorf("RECORDER_STOP: %+v", stop)
	}
	if _, err := h.rec.Describe(context.Background(), id); !errors.Is(err, errcode.TaskNotExist) {
		t.Errorf("Describe after stop: %v, want TaskNotExist", err)
	}
	st := h.rec.Stats()
	var segs uint64
	for _, s := range final.Streams {
		segs += uint64(s.Segments)
	}
	if st.TasksIdle+st.TasksInProgress+st.TasksExiting != 0 || st.Tracks != 0 || st.Segments != segs || st.Bytes == 0 ||
		st.Packets == 0 || st.Uploads < segs+3 || st.SpoolFiles != 0 || st.UploadFailures != 0 {
		t.Errorf("Stats after the task: %+v (segments %d)", st, segs)
	}
}
