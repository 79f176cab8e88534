//go:build unix

package recorder

import (
	"container/heap"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/internal/loadgen"
	"github.com/roomrec/roomrec/naming"
)

// loadClip loads a committed or generated clip of mime from path (fps:
// the frame rate of an H.264 file).
func loadClip(tb testing.TB, mime, path string, fps int) *loadgen.Clip {
	tb.Helper()
	var c *loadgen.Clip
	var err error
	switch mime {
	case "video/H264":
		c, err = loadgen.LoadH264(path, fps)
	case "audio/opus":
		c, err = loadgen.LoadOpus(path)
	default:
		err = fmt.Errorf("no %s clips", mime)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// benchTrack is a looping clip fed into one Track.
type benchTrack struct {
	loadgen.Loop
	tr   *Track
	pipe *pipeline // the one task pipeline reading tr
	next int       // packets written
}

// sendOrder merges the tracks' packets by send time (the lower track first
// on a tie). It keeps its own cursors.
type sendOrder struct {
	tracks []*benchTrack
	h      sendHeap
}

type sendItem struct {
	at    time.Duration
	track int
	idx   int
}

type sendHeap []sendItem

func (h sendHeap) Len() int { return len(h) }
func (h sendHeap) Less(i, j int) bool {
	return h[i].at < h[j].at || h[i].at == h[j].at && h[i].track < h[j].track
}
func (h sendHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *sendHeap) Push(x any)   { *h = append(*h, x.(sendItem)) }
func (h *sendHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func newSendOrder(tracks []*benchTrack) *sendOrder {
	o := &sendOrder{tracks: tracks, h: make(sendHeap, 0, len(tracks))}
	for k, s := range tracks {
		o.h = append(o.h, sendItem{at: s.At(0), track: k})
	}
	heap.Init(&o.h)
	return o
}

// peek returns the send time of the next packet.
func (o *sendOrder) peek() time.Duration { return o.h[0].at }

// next returns the track of the next packet and that packet's send time.
func (o *sendOrder) next() (int, time.Duration) {
	top := &o.h[0]
	k, at := top.track, top.at
	top.idx++
	top.at = o.tracks[k].At(top.idx)
	heap.Fix(&o.h, 0)
	return k, at
}

// feeder writes the tracks' packets as a host would, moving the fake clock
// along with the send times (in steps of at least 1 ms: arrival times are
// never more precise than that on a real server either).
type feeder struct {
	clk    *clock.Fake
	t0     time.Time
	tracks []*benchTrack
	setAt  time.Duration
	pkt    rtp.Packet
}

// write sends the next packet of track k. A host's packets arrive in real
// time and never outrun the recorder; a benchmark's do, so when the task's
// queue is half full write waits until it is processed (no packet is
// dropped, and no work is left queued out of sight).
func (f *feeder) write(tb testing.TB, k int) {
	s := f.tracks[k]
	if at := s.At(s.next); at-f.setAt >= time.Millisecond {
		f.clk.Set(f.t0.Add(at))
		f.setAt = at
	}
	s.Packet(s.next, &f.pkt)
	s.next++
	if err := s.tr.WriteRTP(&f.pkt); err != nil {
		tb.Fatal(err)
	}
	if q := s.pipe.q; len(q) > cap(q)/2 {
		s.pipe.settle()
	}
}

// benchRecorder returns a Recorder on a fake clock writing under dir, with
// default settings otherwise (10 s segments, local disk storage unless
// store is given).
func benchRecorder(tb testing.TB, dir string, clk *clock.Fake, store Storage) *Recorder {
	tb.Helper()
	rec, err := New(Config{
		Dir: filepath.Join(dir, "recordings"), Storage: store, Clock: clk,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		tb.Fatal(err)
	}
	return rec
}

// benchUser adds a user's video and audio tracks to room (where task tk
// records them) and returns them as benchTracks starting at offset.
func benchUser(tb testing.TB, room *Room, tk *task, user string, video, audio *loadgen.Clip, offset time.Duration, ssrc uint32) []*benchTrack {
	tb.Helper()
	var out []*benchTrack
	for i, c := range []*loadgen.Clip{video, audio} {
		kind := naming.TrackVideo
		if c.MimeType == "audio/opus" {
			kind = naming.TrackAudio
		}
		tr, err := room.AddTrack(TrackInfo{UserID: user, Kind: kind, MimeType: c.MimeType}, nil)
		if err != nil {
			tb.Fatal(err)
		}
		tk.mu.Lock()
		p := tk.tracks[tr]
		tk.mu.Unlock()
		if p == nil {
			tb.Fatalf("track %s/%s is not recorded", user, kind)
		}
		out = append(out, &benchTrack{Loop: loadgen.Loop{Clip: c, SSRC: ssrc + uint32(i), Offset: offset}, tr: tr, pipe: p})
	}
	return out
}

// startTask starts a task for room num writing audio as audio and
// returns it.
func startTask(tb testing.TB, rec *Recorder, num uint32, audio AudioCodec) (*Room, *task) {
	tb.Helper()
	id := naming.RoomID{Num: num}
	room, err := rec.Room(testApp, id)
	if err != nil {
		tb.Fatal(err)
	}
	p := baseParams()
	p.Room = id
	p.Record.Audio.Codec = audio
	taskID, err := rec.Start(context.Background(), p)
	if err != nil {
		tb.Fatal(err)
	}
	tk, err := rec.task(taskID)
	if err != nil {
		tb.Fatal(err)
	}
	return room, tk
}

// benchAudioCodecs are the ways to write audio the benchmarks measure:
// Opus as received, and AAC (the default) when the build has the codec
// layer.
func benchAudioCodecs(tb testing.TB) []AudioCodec {
	if err := codecLayer(); err != nil {
		tb.Logf("AAC is not measured: %v", err)
		return []AudioCodec{AudioOpus}
	}
	return []AudioCodec{AudioOpus, AudioAAC}
}

// audioName names an AudioCodec in benchmark names.
func audioName(a AudioCodec) string {
	if a == AudioAAC {
		return "aac"
	}
	return "opus"
}

// cpuTime returns the CPU time (user + system) the process used so far, on
// every thread.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// checkClean fails unless every stream of d got its packets without loss,
// queue drops or malformed packets; it returns the packets received.
func checkClean(tb testing.TB, d Description) uint64 {
	tb.Helper()
	var n uint64
	for _, s := range d.Streams {
		if s.Skipped != "" || s.Lost != 0 || s.QueueDropped != 0 || s.Malformed != 0 || s.Late != 0 {
			tb.Fatalf("stream %s/%s: %+v", s.UserID, s.Kind, s)
		}
		n += s.Packets
	}
	return n
}

// mib converts bytes to MiB.
func mib(b float64) float64 { return math.Round(b/(1<<20)*1000) / 1000 }
