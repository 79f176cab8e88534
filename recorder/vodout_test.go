package recorder

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/storage/cos"
	"github.com/roomrec/roomrec/vod"
	"github.com/roomrec/roomrec/vod/vodtest"
)

// vodTask records two users for a VOD destination backed by a fake VOD
// whose faults fault decides, and returns the events.
func vodTask(t *testing.T, fault func(vodtest.Call) vodtest.Fault) []callback.Event {
	t.Helper()
	fake, err := vodtest.New(vodtest.Config{SecretID: "AKIDtest", SecretKey: "test-key"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fake.Close() })
	if fault != nil {
		fake.SetFault(fault)
	}
	client, err := vod.New(vod.Config{SecretID: "AKIDtest", SecretKey: "test-key", Endpoint: fake.URL(),
		HTTPClient: fake.Client(), COS: cos.Config{BaseURL: fake.COS().URL()}})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, nil)
	id := h.start(func(p *StartParams) { p.Storage.VOD = client })
	av := h.track("alice", naming.MediaMain, "video/H264")
	aa := h.track("alice", naming.MediaMain, "audio/opus")
	ba := h.track("bob", naming.MediaMain, "audio/opus")
	h.feed(
		send{av, load(t, "video/H264", 3*time.Second, testpub.RTPOptions{SSRC: 1})},
		send{aa, load(t, "audio/opus", 3*time.Second, testpub.RTPOptions{SSRC: 2})},
		send{ba, load(t, "audio/opus", 3*time.Second, testpub.RTPOptions{SSRC: 3})},
	)
	if d, err := h.rec.Describe(context.Background(), id); err != nil || len(d.StorageFileList) != 0 {
		t.Fatalf("Describe of a VOD task: %+v, %v (want no file)", d.StorageFileList, err)
	}
	h.stop(id)
	h.waitEvent(callback.EventVODStop)
	return h.events.Events()
}

// TestVODUpload: one MP4 per user on the VOD platform, each announced by a
// 311 with its FileId and playback URL, then 312 Status 0.
func TestVODUpload(t *testing.T) {
	var commits []callback.VODCommit
	var stop callback.VODStop
	for _, e := range vodTask(t, nil) {
		switch p := e.Payload.(type) {
		case callback.VODCommit:
			commits = append(commits, p)
		case callback.VODStop:
			stop = p
		}
	}
	if len(commits) != 2 || stop.Status != callback.VODStopOK {
		t.Fatalf("311s %+v, 312 %+v", commits, stop)
	}
	want := map[string]callback.TrackType{"alice": callback.TrackAudioVideo, "bob": callback.TrackAudio}
	for _, c := range commits {
		v := c.TencentVOD
		if c.Status != callback.VODCommitOK || v.FileID == "" || v.VideoURL == "" || v.TrackType != want[v.UserID] || v.MediaID != naming.MediaMain {
			t.Errorf("311 %+v", c)
		}
	}
}

// TestVODCommitFails: a commit the platform refuses gives 311 Status 2 with
// the service's message and 312 Status 1; Start refuses VOD and a storage
// together.
func TestVODCommitFails(t *testing.T) {
	events := vodTask(t, func(c vodtest.Call) vodtest.Fault {
		if c.Action == "CommitUpload" {
			return vodtest.Fault{Code: "FailedOperation.InvalidVodUser", Message: "vod not enabled"}
		}
		return vodtest.Fault{}
	})
	var failed int
	var stop callback.VODStop
	for _, e := range events {
		switch p := e.Payload.(type) {
		case callback.VODCommit:
			if p.Status == callback.VODCommitFailed && p.ErrMsg != "" && p.TencentVOD.CacheFile != "" {
				failed++
			}
		case callback.VODStop:
			stop = p
		}
	}
	if failed != 2 || stop.Status != callback.VODStopFailed {
		t.Fatalf("failed 311s %d, 312 %+v", failed, stop)
	}

	h := newHarness(t, nil)
	p := baseParams()
	p.Storage.VOD, p.Storage.Storage = &vod.Client{}, h.rec.store
	if _, err := h.rec.Start(context.Background(), p); !errors.Is(err, errcode.Code("InvalidParameter.StorageParams")) {
		t.Fatalf("VOD and storage together: %v", err)
	}
}
