package recorder

import (
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/internal/oracle"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/naming"
	"github.com/roomrec/roomrec/storage"
)

// TestMP4Output: with OutputFormat hls+mp4 the task's HLS is read back from
// the storage and turned into one MP4 per user stream, announced by 310;
// audio that starts 3 s after the video stays 3 s in.
func TestMP4Output(t *testing.T) {
	h := newHarness(t, nil)
	id := h.start(func(p *StartParams) { p.Record.Output = HLSAndMP4 })
	av := h.track("alice", naming.MediaMain, "video/H264")
	aa := h.track("alice", naming.MediaMain, "audio/opus")
	const d = 8 * time.Second
	audio := load(t, "audio/opus", d-3*time.Second, testpub.RTPOptions{SSRC: 2})
	for i := range audio {
		audio[i].At += 3 * time.Second
	}
	h.feed(send{av, load(t, "video/H264", d, testpub.RTPOptions{SSRC: 1})}, send{aa, audio})
	h.stop(id)
	e := h.waitEvent(callback.EventMP4Stop).Payload.(callback.MP4Stop)
	want := naming.Name{TaskID: id, SdkAppID: testApp, Room: testRoom, UserID: "alice", Media: naming.MediaMain, Kind: naming.KindMP4}
	if e.Status != callback.MP4StopOK || len(e.FileList) != 1 || e.FileList[0] != want.File() {
		t.Fatalf("310: %+v, want [%s]", e, want.File())
	}
	p := filepath.Join(h.dir, id, e.FileList[0])
	if err := oracle.Decode(p); err != nil {
		t.Fatal(err)
	}
	info, err := oracle.Probe(p, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Duration(); len(info.Streams) != 2 || got < 7.8 || got > 8.2 {
		t.Fatalf("MP4: %.3f s, %+v", got, info.Streams)
	}
	for _, s := range info.Streams {
		start, _ := strconv.ParseFloat(s.StartTime, 64)
		if s.CodecType == "audio" && (start < 2.9 || start > 3.1) {
			t.Errorf("audio starts at %.3f s in the MP4, want 3 s", start)
		}
	}
}

// TestMP4Split: parts past MP4MaxSize are named _1, _2, ... and each decodes.
func TestMP4Split(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MP4MaxSize = 200_000 })
	id := h.start(func(p *StartParams) { p.Record.Output = MP4 })
	av := h.track("alice", naming.MediaMain, "video/H264")
	h.feed(send{av, load(t, "video/H264", 10*time.Second, testpub.RTPOptions{})})
	h.stop(id)
	e := h.waitEvent(callback.EventMP4Stop).Payload.(callback.MP4Stop)
	if e.Status != callback.MP4StopOK || len(e.FileList) < 2 {
		t.Fatalf("310: %+v", e)
	}
	var total float64
	for i, f := range e.FileList {
		n, err := naming.ParseFile(f)
		if err != nil || n.Index != i+1 || n.Kind != naming.KindMP4 {
			t.Errorf("part %d named %s (%+v, %v)", i+1, f, n, err)
		}
		p := filepath.Join(h.dir, id, f)
		if err := oracle.Decode(p); err != nil {
			t.Fatal(err)
		}
		info, err := oracle.Probe(p, false)
		if err != nil {
			t.Fatal(err)
		}
		total += info.Duration()
	}
	if total < 9.8 || total > 10.2 {
		t.Errorf("parts last %.3f s together, want 10", total)
	}
}

// TestMP4HLSUnreadable: when the HLS cannot be read back, 310 says Status 2.
func TestMP4HLSUnreadable(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		local, err := storage.NewLocal(c.Dir)
		if err != nil {
			t.Fatal(err)
		}
		c.Storage = storage.NewFaulty(local, storage.FaultConfig{Ops: []string{storage.OpGet}, Down: true})
	})
	id := h.start(func(p *StartParams) { p.Record.Output = HLSAndMP4 })
	aa := h.track("alice", naming.MediaMain, "audio/opus")
	h.feed(send{aa, load(t, "audio/opus", 3*time.Second, testpub.RTPOptions{})})
	h.stop(id)
	if e := h.waitEvent(callback.EventMP4Stop).Payload.(callback.MP4Stop); e.Status != callback.MP4StopFailed {
		t.Fatalf("310: %+v", e)
	}
}
