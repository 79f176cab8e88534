package mix

import (
	"fmt"
	"sync"
	"time"

	"github.com/roomrec/roomrec/internal/bitstream"
	"github.com/roomrec/roomrec/internal/codec"
	"github.com/roomrec/roomrec/internal/ingest"
	"github.com/roomrec/roomrec/naming"
)

// maxQueue bounds the compressed frames an Input holds for the playout
// delay (10 s of 50 packets/s audio or 60 fps video, with room to spare);
// past it the oldest frame is dropped.
const maxQueue = 1024

// InputConfig describes one stream fed to the Mixer.
type InputConfig struct {
	// UserID is the user who publishes the stream (required).
	UserID string
	// Media is MediaMain (default) or MediaAux (video only: the
	// screen-share stream is a screen of its own).
	Media naming.MediaID
	// Codec is the stream's codec: H264, H265, VP8, VP9, AV1 (video) or
	// Opus (audio).
	Codec codec.Codec
	// Order is the user's place in the room's join order: screens are
	// laid out by ascending Order (a user's main screen before their
	// screen share); inputs with equal Order (for example all 0) keep the
	// order in which they were added.
	Order uint64
	// RequestKeyframe, when set, is called (from the goroutine running
	// Tick) when the video decoder needs a keyframe: after undecodable
	// data or frames dropped from a full queue.
	RequestKeyframe func()
}

// Input is one stream of the mix: a user's audio, camera or screen-share
// video. Write is safe to call from one goroutine per Input while the
// Mixer runs; it only queues a copy of the frame (decoding happens in
// Tick, when the frame is due), so it never waits for the mix.
type Input struct {
	m     *Mixer
	cfg   InputConfig
	video bool
	usr   *user

	mu      sync.Mutex // guards the fields up to the next comment
	queue   []*unit
	free    []*unit
	closed  bool
	offset  time.Duration // shift + usr.adjust, written by Tick
	sr      time.Duration // Arrival - Wall of the latest frame, with hasSR
	hasSR   bool
	lateMax time.Duration // lateness extremes since the last Tick
	lateMin time.Duration
	lateN   int
	dropped int64 // overflow not yet counted by the Mixer

	// Under Mixer.mu.
	joined  time.Duration // mix time of AddInput
	left    time.Duration // mix time of Close, with closing
	closing bool
	shift   time.Duration // lip-sync shift
	work    []*unit
	played  time.Duration // the last time taken up to
	dec     *codec.Decoder
	latest  *codec.Frame // video: the picture shown
	hasPic  bool
	waitKey bool
	scaler  *codec.Scaler
	rs      *codec.Resampler // audio: to the output format
	cursor  int64            // audio: output position of the next sample
	placed  bool             // audio: cursor is set
}

// unit is one queued compressed frame.
type unit struct {
	data    []byte
	arrival time.Duration // Frame.Arrival after the Mixer's origin
	key     bool
}

// Write queues a copy of one frame of the stream (from ingest: NALUs for
// H.264/H.265, Data for the others), to be decoded and placed on the mix
// clock at its Arrival time (moved to its sender-report time for lip sync
// when the user's other streams have sender reports too). The frame's
// slices are not kept. It returns ErrFrame for a frame without data or
// Arrival, and ErrClosed after Close.
func (in *Input) Write(f ingest.Frame) error {
	if f.Arrival.IsZero() || (len(f.Data) == 0 && len(f.NALUs) == 0) {
		return fmt.Errorf("%w: no data or no Arrival time", ErrFrame)
	}
	recv := in.m.clock.Now().Sub(in.m.origin)
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.closed {
		return ErrClosed
	}
	u := in.newUnit()
	if len(f.Data) > 0 {
		u.data = append(u.data[:0], f.Data...)
	} else {
		u.data = bitstream.AppendAnnexB(u.data[:0], f.NALUs)
	}
	u.arrival, u.key = f.Arrival.Sub(in.m.origin), f.Keyframe || !in.video
	// Without a sender report ingest sets Wall to the Arrival time.
	in.hasSR = !f.Wall.IsZero() && !f.Wall.Equal(f.Arrival)
	if in.hasSR {
		in.sr = f.Arrival.Sub(f.Wall)
	}
	late := recv - (u.arrival + in.offset)
	if in.lateN == 0 || late > in.lateMax {
		in.lateMax = late
	}
	if in.lateN == 0 || late < in.lateMin {
		in.lateMin = late
	}
	in.lateN++
	if len(in.queue) == maxQueue {
		in.free = append(in.free, in.queue[0])
		in.queue = in.queue[:copy(in.queue, in.queue[1:])]
		in.dropped++
	}
	in.queue = append(in.queue, u)
	return nil
}

func (in *Input) newUnit() *unit {
	if n := len(in.free); n > 0 {
		u := in.free[n-1]
		in.free = in.free[:n-1]
		return u
	}
	return &unit{}
}

// Close ends the stream: Write refuses further frames, and when the mix
// plays the time of the call (after the playout delay, so the frames
// already written are still shown and heard) its screen leaves the layout,
// or becomes an audio-only placeholder while the user's audio goes on, and
// its decoder is freed. Later calls do nothing; it returns nil.
func (in *Input) Close() error {
	in.m.mu.Lock()
	defer in.m.mu.Unlock()
	in.mu.Lock()
	defer in.mu.Unlock()
	if !in.closed {
		in.closed, in.closing, in.left = true, true, in.m.now()
		in.m.dirty = true
	}
	return nil
}

// release frees the codec objects.
func (in *Input) release() {
	in.dec.Close()
	in.latest.Close()
	in.scaler.Close()
	in.rs.Close()
	in.dec, in.latest, in.scaler, in.rs = nil, nil, nil, nil
	in.hasPic = false
}

// take moves the queued units that are due (placed at or before until;
// before it when strict) to in.work and returns them; give them back with
// recycle. Under Mixer.mu.
func (in *Input) take(until time.Duration, strict bool) []*unit {
	in.mu.Lock()
	defer in.mu.Unlock()
	n := 0
	for n < len(in.queue) {
		t := in.queue[n].arrival + in.offset
		if t > until || strict && t == until {
			break
		}
		if t < in.played {
			in.m.stats.Late++
		}
		n++
	}
	in.work = append(in.work[:0], in.queue[:n]...)
	in.queue = in.queue[:copy(in.queue, in.queue[n:])]
	in.played = until
	return in.work
}

// recycle returns the units of in.work to the free list.
func (in *Input) recycle() {
	in.mu.Lock()
	in.free = append(in.free, in.work...)
	in.mu.Unlock()
	clear(in.work)
	in.work = in.work[:0]
}

// due reports whether a queued unit is placed at or before t.
func (in *Input) due(t time.Duration) bool {
	first, ok := in.first()
	return ok && first <= t
}

// first returns the place of the first queued unit.
func (in *Input) first() (time.Duration, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if len(in.queue) == 0 {
		return 0, false
	}
	return in.queue[0].arrival + in.offset, true
}

// decodeVideo decodes the due frames and keeps the last picture.
func (in *Input) decodeVideo(until time.Duration) {
	for _, u := range in.take(until, false) {
		if in.waitKey && !u.key {
			continue
		}
		frames, err := in.dec.Decode(codec.Unit{Data: u.data, Keyframe: u.key})
		if err != nil {
			in.m.stats.DecodeErrors++
			in.needKeyframe()
			continue
		}
		in.waitKey = false
		if len(frames) > 0 && in.latest.Ref(frames[len(frames)-1]) == nil {
			in.hasPic = true
		}
	}
	in.recycle()
}

func (in *Input) needKeyframe() {
	in.waitKey = true
	if in.cfg.RequestKeyframe != nil {
		in.cfg.RequestKeyframe()
	}
}
