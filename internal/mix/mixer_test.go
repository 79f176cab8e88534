//go:build cgo

package mix

import (
	"errors"
	"image"
	"testing"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/internal/codec"
	"github.com/roomrec/roomrec/internal/ingest"
	"github.com/roomrec/roomrec/internal/oracle"
	"github.com/roomrec/roomrec/layout"
	"github.com/roomrec/roomrec/naming"
)

func TestConfigValidate(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	cases := []struct {
		name string
		cfg  Config
		code errcode.Code // "" = valid
	}{
		{"zero value", Config{}, ""},
		{"service-like", Config{Width: 640, Height: 360, FPS: 15, VideoBitrate: 500000, GOP: 10 * time.Second,
			SampleRate: 16000, Channels: 1, AudioBitrate: 32000}, ""},
		{"odd width", Config{Width: 641}, ErrMixTranscodeParams},
		{"tiny canvas", Config{Width: 16, Height: 16}, ErrMixTranscodeParams},
		{"fps", Config{FPS: 61}, ErrMixTranscodeParams},
		{"video bitrate", Config{VideoBitrate: 1}, ErrMixTranscodeParams},
		{"gop", Config{GOP: 2 * time.Minute}, ErrMixTranscodeParams},
		{"sample rate", Config{SampleRate: 22050}, ErrMixTranscodeParams},
		{"channels", Config{Channels: 3}, ErrMixTranscodeParams},
		{"audio bitrate", Config{AudioBitrate: 400000}, ErrMixTranscodeParams},
		{"playout delay", Config{PlayoutDelay: time.Millisecond}, ErrMixTranscodeParams},
		{"layout mode", Config{Layout: layout.Params{Mode: 9}}, layout.ErrMixLayoutMode},
		{"custom list", Config{Layout: layout.Params{Mode: layout.Custom}}, layout.ErrMixLayoutList},
		{"watermark outside", Config{Watermarks: []Watermark{{Box: layout.Box{X: 1270, Y: 0, W: 20, H: 20}, Image: img}}}, ErrMixWatermark},
		{"watermark odd", Config{Watermarks: []Watermark{{Box: layout.Box{X: 1, Y: 0, W: 20, H: 20}, Image: img}}}, ErrMixWatermark},
		{"watermark image", Config{Watermarks: []Watermark{{Box: layout.Box{W: 20, H: 20}}}}, ErrMixWatermark},
		{"too many watermarks", Config{Watermarks: make([]Watermark, 26)}, ErrMixWatermark},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			if tc.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, tc.code) || !errors.Is(err, errcode.InvalidParameter) {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
			if _, nerr := New(tc.cfg); !errors.Is(nerr, tc.code) {
				t.Fatalf("New: %v", nerr)
			}
		})
	}
}

func TestInputErrors(t *testing.T) {
	s := newSim(t, Config{Width: 320, Height: 180})
	m := s.m
	if _, err := m.AddInput(InputConfig{UserID: "a", Codec: codec.H264}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []InputConfig{
		{Codec: codec.H264},
		{UserID: "a", Codec: codec.AAC},
		{UserID: "a", Codec: codec.Opus, Media: naming.MediaAux},
		{UserID: "a", Codec: codec.H264, Media: "side"},
		{UserID: "a", Codec: codec.VP8}, // a second main video
	} {
		if _, err := m.AddInput(c); !errors.Is(err, ErrInput) {
			t.Errorf("%+v: %v", c, err)
		}
	}
	aux, err := m.AddInput(InputConfig{UserID: "a", Codec: codec.VP8, Media: naming.MediaAux})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []ingest.Frame{{Data: []byte{1}}, {Arrival: t0}} {
		if err := aux.Write(f); !errors.Is(err, ErrFrame) {
			t.Errorf("Write(%+v): %v", f, err)
		}
	}
	aux.Close()
	aux.Close()
	if err := aux.Write(ingest.Frame{Arrival: t0, Data: []byte{1}}); !errors.Is(err, ErrClosed) {
		t.Errorf("Write after Close: %v", err)
	}
	if _, err := m.AddInput(InputConfig{UserID: "a", Codec: codec.VP8, Media: naming.MediaAux}); err != nil {
		t.Errorf("a new aux input after Close: %v", err)
	}
	if err := m.SetLayout(layout.Params{Mode: layout.Custom}); !errors.Is(err, layout.ErrMixLayoutList) {
		t.Errorf("SetLayout: %v", err)
	}
	if err := m.SetWatermarks([]Watermark{{Box: layout.Box{W: 2, H: 2}}}); !errors.Is(err, ErrMixWatermark) {
		t.Errorf("SetWatermarks: %v", err)
	}
	m.Close()
	if err := m.Close(); err != nil {
		t.Error(err)
	}
	if _, err := m.AddInput(InputConfig{UserID: "b", Codec: codec.Opus}); !errors.Is(err, ErrClosed) {
		t.Errorf("AddInput after Close: %v", err)
	}
	if err := m.Tick(s.sink); !errors.Is(err, ErrClosed) {
		t.Errorf("Tick after Close: %v", err)
	}
	if err := m.Flush(s.sink); !errors.Is(err, ErrClosed) {
		t.Errorf("Flush after Close: %v", err)
	}
	if err := m.SetLayout(layout.Params{}); !errors.Is(err, ErrClosed) {
		t.Errorf("SetLayout after Close: %v", err)
	}
	if err := m.SetWatermarks(nil); !errors.Is(err, ErrClosed) {
		t.Errorf("SetWatermarks after Close: %v", err)
	}
}

// TestLipSyncOffsets: with sender reports on both of a user's streams,
// the stream that arrives earlier is delayed by the difference; without
// them (or with only one) nothing moves; small refinements are ignored.
func TestLipSyncOffsets(t *testing.T) {
	s := newSim(t, Config{Width: 320, Height: 180})
	v := s.add("u", codec.H264, "solid_red.h264", 0)
	a := s.add("u", codec.Opus, "opus_48k_stereo.ogg", 0)
	a.lag = 90 * time.Millisecond
	s.runUntil(500 * time.Millisecond)
	if v.in.offset != 0 || a.in.offset != 0 {
		t.Fatalf("offsets without sender reports: video %v audio %v", v.in.offset, a.in.offset)
	}
	v.sr, v.srOffset = true, time.Hour
	s.runUntil(time.Second)
	if v.in.offset != 0 || a.in.offset != 0 {
		t.Fatalf("offsets with one stream's reports: video %v audio %v", v.in.offset, a.in.offset)
	}
	a.sr, a.srOffset = true, time.Hour
	s.runUntil(1500 * time.Millisecond)
	if d := v.in.offset - 90*time.Millisecond; d < -time.Millisecond || d > time.Millisecond || a.in.offset != 0 {
		t.Fatalf("offsets with both: video %v audio %v, want 90ms and 0", v.in.offset, a.in.offset)
	}
	a.srOffset = time.Hour + 10*time.Millisecond // a refinement under the hysteresis
	s.runUntil(2 * time.Second)
	if d := v.in.offset - 90*time.Millisecond; d < -time.Millisecond || d > time.Millisecond {
		t.Fatalf("video offset moved to %v on a 10 ms refinement", v.in.offset)
	}
}

// TestDrift: a sender whose clock is 2% slow makes its frames come ever
// later; the user's streams are moved together, before they miss their
// play time.
func TestDrift(t *testing.T) {
	s := newSim(t, Config{Width: 320, Height: 180, PlayoutDelay: 300 * time.Millisecond})
	v := s.add("u", codec.H264, "solid_red.h264", 0)
	a := s.add("u", codec.Opus, "opus_48k_stereo.ogg", 0)
	v.drift, a.drift = 0.02, 0.02
	s.runUntil(20 * time.Second)
	st := s.m.Stats()
	if st.DriftSteps == 0 || st.Late != 0 {
		t.Fatalf("stats %+v: want drift steps and no late frame", st)
	}
	if v.in.offset != a.in.offset || v.in.offset < 200*time.Millisecond {
		t.Fatalf("offsets video %v audio %v: want equal, about 20 s × 2%% minus the margin", v.in.offset, a.in.offset)
	}
}

// TestDecodeErrors: undecodable video is counted, asks for a keyframe,
// and the input shows pictures again from the next keyframe.
func TestDecodeErrors(t *testing.T) {
	s := newSim(t, Config{Width: 320, Height: 180})
	asked := 0
	in, err := s.m.AddInput(InputConfig{UserID: "u", Codec: codec.VP8, RequestKeyframe: func() { asked++ }})
	if err != nil {
		t.Fatal(err)
	}
	f := &feed{in: in, samples: loadClip(t, codec.VP8, "solid_green.ivf"), video: true, begin: t0}
	garbage := []byte("\x00\x01\x02 not VP8 at all \xff\xfe")
	f.samples[0].Data = garbage // the first keyframe is broken
	s.feeds = append(s.feeds, f)
	s.runUntil(3 * time.Second)
	if st := s.m.Stats(); st.DecodeErrors == 0 || asked == 0 || !in.hasPic {
		t.Fatalf("stats %+v, %d keyframe requests, picture %v", st, asked, in.hasPic)
	}
}

// TestOverflow: a queue that is not drained drops its oldest frames.
func TestOverflow(t *testing.T) {
	s := newSim(t, Config{Width: 320, Height: 180})
	in, err := s.m.AddInput(InputConfig{UserID: "u", Codec: codec.Opus})
	if err != nil {
		t.Fatal(err)
	}
	pkt := loadClip(t, codec.Opus, "opus_48k_stereo.ogg")[0].Data
	for i := range maxQueue + 10 {
		at := t0.Add(time.Duration(i) * 20 * time.Millisecond)
		if err := in.Write(ingest.Frame{Arrival: at, Wall: at, Data: pkt, Keyframe: true}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.m.Tick(s.sink); err != nil {
		t.Fatal(err)
	}
	if st := s.m.Stats(); st.Overflow != 10 {
		t.Fatalf("stats %+v: want 10 dropped", st)
	}
}

// TestClockJump: a clock that jumps further than Tick catches up leaves a
// gap in the output (8 s: FFmpeg's CLI "corrects" larger jumps in
// MPEG-TS, which makes the oracle complain), and the output goes on after
// it, in order.
func TestClockJump(t *testing.T) {
	s := newSim(t, Config{Width: 320, Height: 180})
	f := s.add("u", codec.H264, "solid_red.h264", 0)
	a := s.add("u", codec.Opus, "opus_48k_stereo.ogg", 0)
	s.runUntil(2 * time.Second)
	before := s.m.Stats().VideoFrames
	s.clk.Advance(8 * time.Second)
	f.begin, a.begin = f.begin.Add(8*time.Second), a.begin.Add(8*time.Second) // the sender paused as long
	s.runUntil(14 * time.Second)
	st := s.m.Stats()
	if st.Skipped < 7*time.Second || st.Skipped > 8*time.Second {
		t.Fatalf("stats %+v: want a gap of about 8 s", st)
	}
	if st.VideoFrames-before < 30 {
		t.Fatalf("%d frames after the jump", st.VideoFrames-before)
	}
	pl := s.sink.close(t)
	if err := oracle.Decode(pl); err != nil {
		t.Fatal(err)
	}
}

func TestLimiter(t *testing.T) {
	var l limiter
	l.init(48000)
	quiet := []float32{0.1, -0.2, 0.3}
	l.apply([][]float32{quiet})
	if quiet[0] != 0.1 || quiet[1] != -0.2 || quiet[2] != 0.3 {
		t.Fatalf("quiet samples changed: %v", quiet)
	}
	loud := [][]float32{make([]float32, 4800), make([]float32, 4800)}
	for i := range loud[0] {
		loud[0][i], loud[1][i] = 1.8, -2.5 // two users at full scale, summed
		if i%2 == 1 {
			loud[0][i], loud[1][i] = -1.9, 2.2
		}
	}
	l.apply(loud)
	for c := range loud {
		for i, v := range loud[c] {
			if v > limiterCeiling+1e-6 || v < -limiterCeiling-1e-6 {
				t.Fatalf("channel %d sample %d: %v over the ceiling", c, i, v)
			}
			if (v > 0) != (c == 0) == (i%2 == 0) {
				t.Fatalf("channel %d sample %d: %v changed sign", c, i, v)
			}
		}
	}
	if l.gain >= 1 {
		t.Fatal("gain not reduced")
	}
	for range 100 { // 100 ms of silence: recovers towards unity
		l.apply([][]float32{make([]float32, 48)})
	}
	if l.gain < 0.4 {
		t.Fatalf("gain %v after recovery", l.gain)
	}
}
