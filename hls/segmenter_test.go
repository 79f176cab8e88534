package hls

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/errcode"
)

// Synthetic access units: the segmenter only looks at NAL unit types.
var (
	idrAU = [][]byte{{0x65, 0x88, 0x84, 0x00, 0x33}}
	pAU   = [][]byte{{0x41, 0x9A, 0x02}}
	opus  = []byte{0xFC, 0xFF, 0xFE} // CELT 20 ms, one frame
)

// newMemSegmenter returns a Segmenter on a memOutput with 2 s segments.
func newMemSegmenter(t *testing.T, cfg Config) (*Segmenter, *memOutput) {
	t.Helper()
	out := newMemOutput()
	cfg.Output = out
	cfg.Start = testStart
	cfg.PlaylistName = "task/rec.m3u8"
	cfg.SegmentName = utcName("task/seg")
	if cfg.TargetDuration == 0 {
		cfg.TargetDuration = 2 * time.Second
	}
	s, err := NewSegmenter(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s, out
}

// writeVideo writes n frames at 10 fps from pts0, a keyframe every gop.
func writeVideo(t *testing.T, s *Segmenter, pts0 int64, n, gop int) int64 {
	t.Helper()
	for i := range n {
		au := pAU
		if i%gop == 0 {
			au = idrAU
		}
		if err := s.WriteH264(pts0, pts0, au); err != nil {
			t.Fatal(err)
		}
		pts0 += 9000
	}
	return pts0
}

func mustRead(t *testing.T, data []byte) *Playlist {
	t.Helper()
	p, err := ReadPlaylist(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	return p
}

func TestPlaylistRewrittenAfterEachSegment(t *testing.T) {
	var seen []string
	s, out := newMemSegmenter(t, Config{Video: CodecH264})
	s.cfg.OnSegment = func(seg Segment) {
		// called after the segment is committed and the playlist rewritten
		last := out.calls[len(out.calls)-2:]
		if last[0] != "commit "+seg.Name || last[1] != "write task/rec.m3u8" {
			t.Errorf("OnSegment(%s) after %v", seg.Name, last)
		}
		seen = append(seen, seg.Name)
	}
	writeVideo(t, s, 0, 10, 10) // 1 s: no segment yet
	if len(out.playlists) != 0 {
		t.Fatalf("playlist written before the first segment: %v", out.calls)
	}
	writeVideo(t, s, 90000, 60, 10) // 1 … 7 s: cuts at 2, 4, 6 s
	if len(out.playlists) != 3 {
		t.Fatalf("%d playlists written, want 3: %v", len(out.playlists), out.calls)
	}
	for k, data := range out.playlists {
		p := mustRead(t, data)
		if len(p.Segments) != k+1 || p.Ended {
			t.Errorf("playlist %d: %d segments, ended=%v; want %d, not ended", k, len(p.Segments), p.Ended, k+1)
		}
		// The incremental rendering is the one of Playlist.MarshalText.
		if again, err := p.MarshalText(); err != nil || !bytes.Equal(again, data) {
			t.Errorf("playlist %d differs from its MarshalText (%v):\n%s\n---\n%s", k, err, data, again)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	p := mustRead(t, out.files["task/rec.m3u8"])
	if len(p.Segments) != 4 || !p.Ended {
		t.Fatalf("final playlist: %d segments, ended=%v", len(p.Segments), p.Ended)
	}
	if p.Segments[3].Duration != time.Second { // 6 s … 6.9 s + one frame
		t.Errorf("last segment lasts %v, want 1s", p.Segments[3].Duration)
	}
	if len(seen) != 4 || s.Stats().Segments != 4 {
		t.Errorf("OnSegment saw %v, stats %+v", seen, s.Stats())
	}
	wantCalls := "create task/seg_20330531094551825.ts,commit task/seg_20330531094551825.ts,write task/rec.m3u8,create task/seg_20330531094553825.ts"
	if got := strings.Join(out.calls[:4], ","); got != wantCalls {
		t.Errorf("calls = %s\nwant    %s", got, wantCalls)
	}
	if err := s.Close(); err != nil || s.WriteH264(0, 0, idrAU) != ErrClosed {
		t.Errorf("after Close: Close = %v, write not ErrClosed", err)
	}
}

func TestDropsUntilKeyframe(t *testing.T) {
	s, out := newMemSegmenter(t, Config{Video: CodecH264, Audio: CodecOpus})
	for i := range 5 {
		pts := int64(i) * 9000
		if err := s.WriteH264(pts, pts, pAU); err != nil {
			t.Fatal(err)
		}
		if err := s.WriteOpus(pts, opus); err != nil {
			t.Fatal(err)
		}
	}
	if len(out.calls) != 0 {
		t.Fatalf("files created before a keyframe: %v", out.calls)
	}
	writeVideo(t, s, 45000, 10, 10)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	st := s.Stats()
	if st.DroppedVideo != 5 || st.DroppedAudio != 5 || st.Segments != 1 {
		t.Errorf("stats = %+v, want 5 video and 5 audio dropped, 1 segment", st)
	}
	// The wall clock starts at the stream's first sample: the keyframe came 0.5 s later.
	if want := "task/seg_20330531094552325.ts"; out.calls[0] != "create "+want {
		t.Errorf("first call %q, want create %s", out.calls[0], want)
	}
}

func TestTargetDurationCoversLongSegments(t *testing.T) {
	s, out := newMemSegmenter(t, Config{Video: CodecH264})
	writeVideo(t, s, 0, 55, 50) // keyframes at 0 and 5 s: first segment 5 s long
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	p := mustRead(t, out.files["task/rec.m3u8"])
	if p.TargetDuration != 5 || p.Segments[0].Duration != 5*time.Second {
		t.Errorf("target %d, first segment %v; want 5 and 5s", p.TargetDuration, p.Segments[0].Duration)
	}
}

// TestTimeline checks segment names (wall times), durations and
// discontinuities across the events that break a stream.
func TestTimeline(t *testing.T) {
	type step struct {
		disc  bool  // call Discontinuity first
		flush bool  // call Flush first
		pts   int64 // first PTS of a 1 s run of frames (10 fps, keyframe first)
		h265  bool
	}
	tests := []struct {
		name  string
		steps []step
		want  string // "<start ms>/<duration ms>[/D]" per segment
	}{
		{"continuous", []step{{pts: 0}, {pts: 90000}, {pts: 180000}},
			"0/2000 2000/1000"},
		{"gap keeps the timeline", []step{{pts: 0}, {pts: 90000}, {pts: 5 * 90000}},
			"0/2000 5000/1000/D"},
		{"small gap is no discontinuity", []step{{pts: 0}, {pts: 90000 + 90000}},
			"0/2000 2000/1000"},
		{"backwards re-anchors", []step{{pts: 900000}, {pts: 0}},
			"0/1000 1000/1000/D"},
		{"explicit discontinuity re-anchors", []step{{pts: 0}, {disc: true, pts: 50 * 90000}},
			"0/1000 1000/1000/D"},
		{"codec change", []step{{pts: 0}, {pts: 90000, h265: true}},
			"0/1000 1000/1000/D"},
		{"discontinuity before the first sample is ignored", []step{{disc: true, pts: 0}},
			"0/1000"},
		{"flush commits and keeps the timeline", []step{{pts: 0}, {flush: true, pts: 90000 + 45000}},
			"0/1000 1500/1000/D"},
		{"flush with nothing open marks the next segment", []step{{pts: 0}, {flush: true, pts: 90000}, {flush: true, pts: 4 * 90000}},
			"0/1000 1000/1000/D 4000/1000/D"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			s, _ := newMemSegmenter(t, Config{Video: CodecH264})
			s.cfg.OnSegment = func(seg Segment) {
				v := fmt.Sprintf("%d/%d", seg.Start.Sub(testStart).Milliseconds(), seg.Duration.Milliseconds())
				if seg.Discontinuity {
					v += "/D"
				}
				got = append(got, v)
			}
			for _, st := range tt.steps {
				if st.disc {
					s.Discontinuity()
				}
				if st.flush {
					if err := s.Flush(); err != nil {
						t.Fatal(err)
					}
				}
				writeSecond(t, s, st.pts, st.h265)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("segments %s, want %s", g, tt.want)
			}
			if err := s.Flush(); !errors.Is(err, ErrClosed) {
				t.Errorf("Flush after Close: %v", err)
			}
		})
	}
}

// writeSecond writes 1 s of video at 10 fps from pts, keyframe first.
func writeSecond(t *testing.T, s *Segmenter, pts int64, h265 bool) {
	t.Helper()
	for i := range 10 {
		au, write := pAU, s.WriteH264
		if i == 0 {
			au = idrAU
		}
		if h265 {
			au, write = [][]byte{{0x26, 0x01, 0xAF}}, s.WriteH265 // IDR_W_RADL
			if i > 0 {
				au = [][]byte{{0x02, 0x01, 0xD0}} // TRAIL_R
			}
		}
		if err := write(pts+int64(i)*9000, pts+int64(i)*9000, au); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAudioOnlyCuts(t *testing.T) {
	var got []string
	s, _ := newMemSegmenter(t, Config{Audio: CodecOpus})
	s.cfg.OnSegment = func(seg Segment) {
		got = append(got, fmt.Sprintf("%d/%d", seg.Start.Sub(testStart).Milliseconds(), seg.Duration.Milliseconds()))
	}
	pts := int64(0)
	for i := range 250 { // 5 s of 20 ms packets, with a 3 s hole after 1 s
		if i == 50 {
			pts += 3 * 90000
		}
		if err := s.WriteOpus(pts, opus); err != nil {
			t.Fatal(err)
		}
		pts += 1800
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if g, want := strings.Join(got, " "), "0/1000 4000/2000 6000/2000"; g != want {
		t.Errorf("segments %s, want %s", g, want)
	}
}

func TestInvalidSamples(t *testing.T) {
	s, _ := newMemSegmenter(t, Config{Video: CodecH264, Audio: CodecAAC, AudioSampleRate: 48000, AudioChannels: 2})
	tests := []struct {
		name  string
		write func() error
		want  error
	}{
		{"empty AU", func() error { return s.WriteH264(0, 0, nil) }, ErrInvalidSample},
		{"empty NAL units", func() error { return s.WriteH264(0, 0, [][]byte{{}, nil}) }, ErrInvalidSample},
		{"DTS after PTS", func() error { return s.WriteH264(0, 1, idrAU) }, ErrInvalidSample},
		{"empty AAC", func() error { return s.WriteAAC(0, nil) }, ErrInvalidSample},
		{"huge AAC", func() error { return s.WriteAAC(0, make([]byte, 9000)) }, ErrInvalidSample},
		{"empty Opus", func() error { return s.WriteOpus(0, nil) }, ErrInvalidSample},
		{"Opus code 3 without count", func() error { return s.WriteOpus(0, []byte{0x03}) }, ErrInvalidSample},
		{"Opus of 0 frames", func() error { return s.WriteOpus(0, []byte{0x03, 0x00}) }, ErrInvalidSample},
		{"Opus over 120 ms", func() error { return s.WriteOpus(0, []byte{0x1B, 0x03}) }, ErrInvalidSample},
	}
	for _, tt := range tests {
		if err := tt.write(); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
	if got := s.Stats().Invalid; got != len(tests) {
		t.Errorf("Invalid = %d, want %d", got, len(tests))
	}
	// Still usable.
	writeVideo(t, s, 0, 5, 5)
	if err := s.Close(); err != nil || s.Stats().Segments != 1 {
		t.Errorf("Close = %v, stats %+v", err, s.Stats())
	}
	v, _ := newMemSegmenter(t, Config{Video: CodecH264})
	if err := v.WriteOpus(0, opus); !errors.Is(err, ErrNoTrack) {
		t.Errorf("Opus into a video-only segmenter: %v, want ErrNoTrack", err)
	}
	a, _ := newMemSegmenter(t, Config{Audio: CodecOpus})
	if err := a.WriteH265(0, 0, idrAU); !errors.Is(err, ErrNoTrack) {
		t.Errorf("H.265 into an audio-only segmenter: %v, want ErrNoTrack", err)
	}
}

func TestCloseWithoutSamplesWritesNothing(t *testing.T) {
	s, out := newMemSegmenter(t, Config{Audio: CodecOpus})
	if err := s.Close(); err != nil || len(out.calls) != 0 {
		t.Errorf("Close = %v, calls %v; want nothing written", err, out.calls)
	}
}

func TestConfigValidate(t *testing.T) {
	good := Config{Video: CodecH264, Start: testStart, PlaylistName: "a.m3u8",
		SegmentName: utcName("a"), Output: newMemOutput()}
	tests := []struct {
		field string
		edit  func(*Config)
	}{
		{"Video", func(c *Config) { c.Video = CodecOpus }},
		{"Video", func(c *Config) { c.Video = Codec(9) }},
		{"Video", func(c *Config) { c.Video = CodecNone }},
		{"Audio", func(c *Config) { c.Audio = CodecH265 }},
		{"TargetDuration", func(c *Config) { c.TargetDuration = time.Millisecond }},
		{"GapThreshold", func(c *Config) { c.GapThreshold = -1 }},
		{"Start", func(c *Config) { c.Start = time.Time{} }},
		{"PlaylistName", func(c *Config) { c.PlaylistName = "" }},
		{"PlaylistName", func(c *Config) { c.PlaylistName = "dir/" }},
		{"SegmentName", func(c *Config) { c.SegmentName = nil }},
		{"Output", func(c *Config) { c.Output = nil }},
		{"AudioSampleRate", func(c *Config) { c.Audio, c.AudioSampleRate = CodecOpus, 44100 }},
		{"AudioChannels", func(c *Config) { c.Audio, c.AudioChannels = CodecOpus, 6 }},
		{"AudioSampleRate", func(c *Config) { c.Audio, c.AudioSampleRate, c.AudioChannels = CodecAAC, 12345, 2 }},
		{"AudioChannels", func(c *Config) { c.Audio, c.AudioSampleRate, c.AudioChannels = CodecAAC, 48000, 0 }},
		{"AACConfig", func(c *Config) { c.Audio, c.AACConfig = CodecAAC, []byte{0xFF} }},
	}
	if err := good.Validate(); err != nil {
		t.Fatalf("good config: %v", err)
	}
	for _, tt := range tests {
		c := good
		tt.edit(&c)
		_, err := NewSegmenter(c)
		if want := errcode.InvalidParameter.Detail(tt.field); !errors.Is(err, want) {
			t.Errorf("%s: err = %v, want %s", tt.field, err, want)
		}
	}
	c := good
	c.Audio, c.AACConfig = CodecAAC, []byte{0x12, 0x10} // AAC-LC 44.1 kHz stereo
	s, err := NewSegmenter(c)
	if err != nil || s.aac.rate != 44100 || s.aac.chanCfg != 2 || s.aac.profile != 1 {
		t.Errorf("AudioSpecificConfig: %v, %+v", err, s.aac)
	}
}

func TestOutputFailures(t *testing.T) {
	const first, second = "task/seg_20330531094551825.ts", "task/seg_20330531094553825.ts"
	tests := []struct {
		name      string
		failOn    string
		failWrite bool
		wantErrs  int    // write calls that return ErrSegment
		want      string // playlist entries "<uri>[/D]"
	}{
		// The next keyframe (1 s later) starts a new segment; no marker on the first entry.
		{"create fails", "create " + first, false, 1, "seg_20330531094552825.ts seg_20330531094554825.ts seg_20330531094556825.ts"},
		{"commit fails", "commit " + first, false, 1, "seg_20330531094553825.ts seg_20330531094555825.ts"},
		{"second commit fails", "commit " + second, false, 1, "seg_20330531094551825.ts seg_20330531094555825.ts/D"},
		{"writes fail", "", true, 1, "seg_20330531094552825.ts seg_20330531094554825.ts seg_20330531094556825.ts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, out := newMemSegmenter(t, Config{Video: CodecH264})
			out.failOn = tt.failOn
			if tt.failWrite { // fail the writes of the first segment only
				out.failWrite = func() bool { return len(out.calls) == 1 }
			}
			errs := 0
			for i := range 60 { // 6 s, keyframe every second, big frames to force writes
				pts := int64(i) * 9000
				au := [][]byte{append([]byte{0x41}, make([]byte, 30000)...)}
				if i%10 == 0 {
					au = [][]byte{append([]byte{0x65}, make([]byte, 30000)...)}
				}
				if err := s.WriteH264(pts, pts, au); errors.Is(err, ErrSegment) {
					errs++
				} else if err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if errs != tt.wantErrs {
				t.Errorf("%d ErrSegment, want %d (calls %v)", errs, tt.wantErrs, out.calls)
			}
			var got []string
			for _, seg := range mustRead(t, out.files["task/rec.m3u8"]).Segments {
				v := seg.URI
				if seg.Discontinuity {
					v += "/D"
				}
				got = append(got, v)
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("playlist %s, want %s", g, tt.want)
			}
		})
	}
}

func TestPlaylistWriteFailureIsReportedAndRecovered(t *testing.T) {
	s, out := newMemSegmenter(t, Config{Video: CodecH264})
	out.failOn = "write"
	var err error
	for i := range 25 {
		pts := int64(i) * 9000
		au := pAU
		if i%10 == 0 {
			au = idrAU
		}
		if e := s.WriteH264(pts, pts, au); e != nil {
			err = e
			out.failOn = ""
		}
	}
	if err == nil || errors.Is(err, ErrSegment) {
		t.Fatalf("playlist failure: err = %v, want a playlist error", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if p := mustRead(t, out.files["task/rec.m3u8"]); len(p.Segments) != 2 {
		t.Errorf("final playlist has %d segments, want 2", len(p.Segments))
	}
}

func TestSegmentNameChecks(t *testing.T) {
	tests := []struct {
		name string
		fn   func(time.Time) string
	}{
		{"other folder", func(time.Time) string { return "elsewhere/x.ts" }},
		{"line break", func(time.Time) string { return "task/x\n.ts" }},
		{"empty", func(time.Time) string { return "" }},
		{"the playlist", func(time.Time) string { return "task/rec.m3u8" }},
	}
	for _, tt := range tests {
		s, out := newMemSegmenter(t, Config{Audio: CodecOpus})
		s.cfg.SegmentName = tt.fn
		if err := s.WriteOpus(0, opus); !errors.Is(err, ErrSegment) || len(out.calls) != 0 {
			t.Errorf("%s: err = %v, calls %v; want ErrSegment and no file", tt.name, err, out.calls)
		}
	}
	s, _ := newMemSegmenter(t, Config{Audio: CodecOpus})
	s.cfg.SegmentName = func(time.Time) string { return "task/same.ts" }
	var errs []error
	for i := range 150 {
		errs = append(errs, s.WriteOpus(int64(i)*1800, opus))
	}
	if err := errors.Join(errs...); !errors.Is(err, ErrSegment) || !strings.Contains(err.Error(), "twice") {
		t.Errorf("repeated name: %v", err)
	}
}

// TestFlushInterval: the open segment's file receives what was written
// within FlushInterval of media, so a process that dies loses little.
func TestFlushInterval(t *testing.T) {
	for _, video := range []bool{false, true} {
		cfg := Config{Audio: CodecOpus, TargetDuration: 10 * time.Second, FlushInterval: 200 * time.Millisecond}
		if video {
			cfg = Config{Video: CodecH264, TargetDuration: 10 * time.Second, FlushInterval: 200 * time.Millisecond}
		}
		s, out := newMemSegmenter(t, cfg)
		var file *memFile
		written := func() int {
			out.mu.Lock()
			defer out.mu.Unlock()
			return file.buf.Len()
		}
		var pts int64
		for i := range 50 { // 1 s
			var err error
			if video {
				au := pAU
				if i == 0 {
					au = idrAU
				}
				err = s.WriteH264(pts, pts, au)
				pts += 1800
			} else {
				err = s.WriteOpus(pts, opus)
				pts += 1800
			}
			if err != nil {
				t.Fatal(err)
			}
			if file == nil {
				file = s.cur.w.(*memFile)
			}
			// At most FlushInterval (+ one sample) of media is unwritten:
			// by 400 ms at least 200 ms of it reached the file.
			if i == 20 && written() == 0 {
				t.Fatalf("video=%v: nothing written to the open segment after 400 ms of media", video)
			}
		}
		before := written()
		for range 15 { // 300 ms more
			if video {
				_ = s.WriteH264(pts, pts, pAU)
			} else {
				_ = s.WriteOpus(pts, opus)
			}
			pts += 1800
		}
		if written() <= before {
			t.Fatalf("video=%v: 300 ms more media did not reach the file", video)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
