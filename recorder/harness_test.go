package recorder

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/callback"
	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/mix"
	"github.com/roomrec/roomrec/internal/oracle"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/naming"
)

var (
	testT0   = time.Date(2033, 5, 31, 9, 45, 51, 825_000_000, time.UTC)
	testRoom = naming.RoomID{Num: 12345}
)

const testApp = 1400123456

// harness is a Recorder on a fake clock and a temp folder, fed in-process.
type harness struct {
	t      *testing.T
	clk    *clock.Fake
	rec    *Recorder
	dir    string
	events *callback.Collector
	room   *Room
	base   time.Time // media time 0 of feed
}

func newHarness(t *testing.T, mut func(*Config)) *harness {
	t.Helper()
	h := &harness{t: t, clk: clock.NewFake(testT0), dir: t.TempDir(), events: &callback.Collector{}}
	cfg := Config{Dir: h.dir, Clock: h.clk, Notifier: h.events, QueuePackets: 1 << 15, SegmentDuration: 4 * time.Second,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if mut != nil {
		mut(&cfg)
	}
	rec, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.rec = rec
	h.room, err = rec.Room(testApp, testRoom)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := rec.Close(ctx); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return h
}

func baseParams() StartParams {
	return StartParams{SdkAppID: testApp, Room: testRoom, UserID: "recorder_bot"}
}

func (h *harness) start(mut func(*StartParams)) string {
	h.t.Helper()
	p := baseParams()
	if mut != nil {
		mut(&p)
	}
	id, err := h.rec.Start(context.Background(), p)
	if err != nil {
		h.t.Fatalf("Start: %v", err)
	}
	return id
}

func (h *harness) stop(id string) Description {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	d, err := h.rec.Stop(ctx, id)
	if err != nil {
		h.t.Fatalf("Stop: %v", err)
	}
	return d
}

// track adds a track of user to the room.
func (h *harness) track(user string, media naming.MediaID, mime string) *Track {
	h.t.Helper()
	kind := naming.TrackVideo
	if strings.HasPrefix(mime, "audio/") {
		kind = naming.TrackAudio
	}
	tr, err := h.room.AddTrack(TrackInfo{UserID: user, Media: media, Kind: kind, MimeType: mime}, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	return tr
}

// load returns the committed clip of mime packetized for d.
func load(t *testing.T, mime string, d time.Duration, opts testpub.RTPOptions) []testpub.Packet {
	t.Helper()
	var samples []testpub.Sample
	var err error
	switch mime {
	case "video/H264":
		samples, err = testpub.LoadH264(filepath.Join(testpub.MediaDir(), "h264_640x360_15fps.h264"), 15)
	case "video/VP8":
		samples, err = testpub.LoadIVF(filepath.Join(testpub.MediaDir(), "vp8_640x360_15fps.ivf"))
	case "audio/opus":
		samples, err = testpub.LoadOgg(filepath.Join(testpub.MediaDir(), "opus_48k_stereo.ogg"))
	}
	if err != nil {
		t.Fatal(err)
	}
	opts.MimeType, opts.Duration = mime, d
	pkts, err := testpub.Packetize(samples, opts)
	if err != nil {
		t.Fatal(err)
	}
	return pkts
}

// feed writes packets to tracks in send-time order, moving the fake clock
// to h.base + the packet's send time first.
func (h *harness) feed(sends ...send) {
	h.t.Helper()
	if h.base.IsZero() {
		h.base = h.clk.Now()
	}
	type owned struct {
		p  testpub.Packet
		tr *Track
	}
	var all []owned
	idx := make([]int, len(sends))
	for {
		best := -1
		for i, s := range sends {
			if idx[i] < len(s.pkts) && (best < 0 || s.pkts[idx[i]].At < sends[best].pkts[idx[best]].At) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		all = append(all, owned{sends[best].pkts[idx[best]], sends[best].tr})
		idx[best]++
	}
	var settled time.Duration
	for _, o := range all {
		if o.p.At-settled >= 100*time.Millisecond {
			h.settleMixed()
			settled = o.p.At
		}
		h.clk.Set(h.base.Add(o.p.At))
		if err := o.tr.WriteRTP(o.p.Packet); err != nil {
			h.t.Fatalf("WriteRTP: %v", err)
		}
	}
	h.settleMixed()
}

// settleMixed waits until the pipelines of mixed-stream tasks have handed
// the mix every packet written so far, then ticks the mix up to the clock.
// The fake clock jumps while the mix goroutine may not run: a tick ahead
// of the pipelines would find nothing due yet and move on, and a mix left
// behind by more than its catch-up limit (5 s) would skip (in real time
// the playout delay and the ticker cover both). Tick serialises the
// Sink's calls with Run's, so calling it here is safe.
func (h *harness) settleMixed() {
	h.rec.mu.Lock()
	var mixed []*task
	for _, tk := range h.rec.tasks {
		if tk.mix != nil {
			mixed = append(mixed, tk)
		}
	}
	h.rec.mu.Unlock()
	for _, tk := range mixed {
		tk.settle()
		if err := tk.mix.m.Tick(tk.mix); err != nil && !errors.Is(err, mix.ErrClosed) {
			h.t.Errorf("mix tick: %v", err)
		}
	}
}

type send struct {
	tr   *Track
	pkts []testpub.Packet
}

// readPlaylist reads a playlist from the local storage.
func (h *harness) readPlaylist(key string) *hls.Playlist {
	h.t.Helper()
	f, err := os.Open(filepath.Join(h.dir, key))
	if err != nil {
		h.t.Fatal(err)
	}
	defer f.Close()
	pl, err := hls.ReadPlaylist(f)
	if err != nil {
		h.t.Fatalf("%s: %v", key, err)
	}
	return pl
}

// checkDecodes asserts that ffmpeg decodes the playlist without a word and
// that its duration is want ± tol.
func (h *harness) checkDecodes(key string, want, tol time.Duration) oracle.Info {
	h.t.Helper()
	p := filepath.Join(h.dir, key)
	if err := oracle.Decode(p); err != nil {
		h.t.Fatal(err)
	}
	info, err := oracle.Probe(p, false)
	if err != nil {
		h.t.Fatal(err)
	}
	if got := time.Duration(info.Duration() * float64(time.Second)); got < want-tol || got > want+tol {
		h.t.Errorf("%s: duration %v, want %v ± %v", filepath.Base(key), got, want, tol)
	}
	return info
}

// waitEvent waits (bounded, in real time) for an event of type typ.
func (h *harness) waitEvent(typ callback.EventType) callback.Event {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	e, err := h.events.Wait(ctx, typ)
	if err != nil {
		h.t.Fatalf("waiting for %v: %v", typ, err)
	}
	return e
}
