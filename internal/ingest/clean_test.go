package ingest

import (
	"testing"
	"time"
)

// clips returns every codec's test clip.
func clips(t *testing.T) []*clip {
	return []*clip{loadH264(t), loadH265(t), loadVP8(t), loadVP9(t), loadAV1(t), loadOpus(t)}
}

func TestClipsLoad(t *testing.T) {
	// The oracle's own numbers (ffprobe -show_frames): 150 H.264 and VP8
	// frames with 10 key frames; 45 frames with 3 key frames for the others;
	// 501 Opus packets.
	want := map[Codec][2]int{H264: {150, 10}, VP8: {150, 10}, H265: {45, 3}, VP9: {45, 3}, AV1: {45, 3}, Opus: {501, 501}}
	for _, c := range clips(t) {
		keys := 0
		for _, k := range c.keys {
			if k {
				keys++
			}
		}
		if got := [2]int{c.len(), keys}; got != want[c.codec] {
			t.Errorf("%v clip: %d units, %d keys; want %v", c.codec, got[0], got[1], want[c.codec])
		}
	}
}

// TestCleanStream: every access unit comes out byte-identical, in order,
// with PTS i*step, the right keyframe flag and a wall time of BeginTime+PTS.
func TestCleanStream(t *testing.T) {
	for _, c := range clips(t) {
		t.Run(c.codec.String(), func(t *testing.T) {
			pkts := packetize(c, 0, c.len(), 0x1234, 1000, 5000, t0)
			h := newHarness(t, c.codec, nil)
			h.push(pkts)
			h.tr.Flush()
			if len(h.out.frames) != c.len() {
				t.Fatalf("got %d frames, want %d", len(h.out.frames), c.len())
			}
			rate := int64(c.codec.ClockRate())
			for i, f := range h.out.frames {
				if !c.equal(f, i) {
					t.Fatalf("frame %d differs from the source", i)
				}
				if f.PTS != int64(i)*int64(c.step) || f.Keyframe != c.keys[i] || f.Discontinuity {
					t.Fatalf("frame %d: PTS %d key %v disc %v; want PTS %d key %v", i, f.PTS, f.Keyframe, f.Discontinuity, int64(i)*int64(c.step), c.keys[i])
				}
				if want := t0.Add(ticksToDuration(f.PTS, rate)); !f.Wall.Equal(want) || !f.Arrival.Equal(want) {
					t.Fatalf("frame %d: wall %v arrival %v, want %v", i, f.Wall, f.Arrival, want)
				}
				if c.codec == Opus && f.Duration != 20*time.Millisecond {
					t.Fatalf("frame %d: duration %v", i, f.Duration)
				}
			}
			wantReq := 0
			if c.codec.IsVideo() {
				wantReq = 1 // PLI on start
			}
			want := Stats{Packets: uint64(len(pkts)), Bytes: payloadBytes(pkts), FramesOut: uint64(c.len()), KeyframeRequests: uint64(wantReq)}
			if got := h.tr.Stats(); got != want {
				t.Fatalf("stats %+v\nwant  %+v", got, want)
			}
			if !h.tr.BeginTime().Equal(t0) {
				t.Fatalf("BeginTime %v", h.tr.BeginTime())
			}
		})
	}
}

func payloadBytes(pkts []sent) uint64 {
	var n uint64
	for _, s := range pkts {
		n += uint64(len(s.p.Payload))
	}
	return n
}
