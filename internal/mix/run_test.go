//go:build cgo

package mix

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/roomrec/roomrec/internal/codec"
	"github.com/roomrec/roomrec/internal/oracle"
)

// TestRun drives Run on the fake clock: it ticks once per frame, writes
// the frames due, plays the rest and flushes when its context ends, and
// leaves no goroutine behind (TestMain checks); a closed Mixer ends it with
// ErrClosed.
func TestRun(t *testing.T) {
	s := newSim(t, Config{Width: 320, Height: 180})
	s.add("u", codec.H264, "solid_red.h264", 0)
	s.add("u", codec.Opus, "opus_48k_stereo.ogg", 0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.m.Run(ctx, s.sink) }()
	s.clk.WaitForWaiters(1, nil)
	const end = 3 * time.Second
	for s.clk.Now().Before(t0.Add(end)) {
		for _, f := range s.feeds {
			f.pump(t, s.clk.Now().Add(s.step))
		}
		s.clk.Advance(s.step)
	}
	// Run may not have seen the last tick yet: Tick is safe beside it and
	// catches up; then the context ends Run, which flushes.
	if err := s.m.Tick(s.sink); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	// Ending, Run plays what the playout delay held: frames k with
	// k/15 + 1/30 <= now.
	want := int64(s.clk.Now().Sub(t0)-time.Second/30)*15/int64(time.Second) + 1
	if st := s.m.Stats(); st.VideoFrames != want || want < 30 {
		t.Fatalf("stats %+v: want %d frames", st, want)
	}
	if err := oracle.Decode(s.sink.close(t)); err != nil {
		t.Fatal(err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	go func() { done <- s.m.Run(ctx, s.sink) }()
	s.clk.WaitForWaiters(1, nil)
	s.m.Close()
	s.clk.Advance(s.step)
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Fatalf("Run after Close: %v", err)
	}
}

// discard is a Sink that drops everything.
type discard struct{}

func (discard) WriteH264(int64, int64, [][]byte) error { return nil }
func (discard) WriteAAC(int64, []byte) error           { return nil }

// TestNoAllocations: in steady state a frame of the mix (writes of every
// input, decode, compose, encode, audio mix) allocates no Go memory.
func TestNoAllocations(t *testing.T) {
	s := newSim(t, Config{Width: 640, Height: 360,
		Watermarks: []Watermark{{Box: layoutBox(8, 8, 32, 16), Image: testImage(32, 16)}}})
	s.add("a", codec.H264, "solid_red.h264", 0)
	s.add("b", codec.VP8, "solid_green.ivf", 0)
	s.add("a", codec.Opus, "opus_48k_stereo.ogg", 0)
	s.add("b", codec.Opus, "opus_48k_stereo.ogg", 0)
	step := func() {
		s.clk.Advance(s.step)
		for _, f := range s.feeds {
			f.pump(t, s.clk.Now())
		}
		if err := s.m.Tick(discard{}); err != nil {
			t.Fatal(err)
		}
	}
	for range 60 { // 4 s: every buffer has grown (keyframes, packets, queues)
		step()
	}
	if n := testing.AllocsPerRun(30, step); n != 0 {
		t.Fatalf("%v allocations per frame", n)
	}
}

// TestAudioMix checks the mixed audio decoded by FFmpeg: two users with a
// loud tone (in phase) are limited; when one
// leaves the other is heard alone; while nobody sends the mix is silent;
// and the tone comes back exactly when its sender resumes (no time
// squeezed).
func TestAudioMix(t *testing.T) {
	tone := filepath.Join(t.TempDir(), "tone.ogg")
	ffmpeg(t, "-f", "lavfi", "-i", "aevalsrc=0.9*sin(2*PI*440*t):s=48000:d=4", "-ac", "2", "-c:a", "libopus",
		"-b:a", "96k", "-frame_duration", "20", "-page_duration", "20000", tone)
	s := newSim(t, Config{Width: 320, Height: 180, Channels: 1})
	a := s.add("a", codec.Opus, tone, 0)
	a.pauses = [][2]time.Duration{{3 * time.Second, 4 * time.Second}}
	b := s.add("b", codec.Opus, tone, 0)
	s.runUntil(2 * time.Second)
	b.in.Close()
	s.feeds = s.feeds[:1]
	s.runUntil(5*time.Second + s.m.cfg.PlayoutDelay)
	pl := s.sink.close(t)
	raw := ffmpeg(t, "-allowed_extensions", "ALL", "-i", pl, "-map", "0:a", "-ac", "1", "-ar", "48000", "-f", "f32le", "-")
	x := make([]float64, len(raw)/4)
	for i := range x {
		x[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])))
	}
	rms := func(from, to float64) float64 {
		var r float64
		seg := x[int(from*48000):min(len(x), int(to*48000))]
		for _, v := range seg {
			r += v * v
		}
		return math.Sqrt(r / float64(len(seg)))
	}
	// The tone is 0.64 per channel (FFmpeg's mono to stereo upmix is
	// -3 dB): alone its RMS is 0.45; two in phase would be 0.91 unlimited,
	// the limiter holds them at 0.94 peak (RMS 0.66). (The output's peaks
	// are the AAC encoder's: FFmpeg's overshoots pure tones by a few dB,
	// so clipping is checked on the limiter itself, in TestLimiter.)
	both, alone, gap := rms(0.2, 1.9), rms(2.1, 2.9), rms(3.03, 3.97)
	t.Logf("rms of both %.3f, alone %.3f, nobody %.5f", both, alone, gap)
	if alone < 0.4 || alone > 0.5 || both < 0.6 || both > 0.7 {
		t.Errorf("rms of one user %.3f (want 0.45), of two %.3f (want 0.66: limited)", alone, both)
	}
	if gap > 0.001 {
		t.Errorf("rms %.5f while nobody sends: want silence", gap)
	}
	resume := 0.0
	for i := int(3.5 * 48000); i < len(x); i++ {
		if math.Abs(x[i]) > 0.1 {
			resume = float64(i) / 48000
			break
		}
	}
	if math.Abs(resume-4.0) > 0.03 {
		t.Errorf("the tone resumes at %.3f s, want 4.000", resume)
	}
}
