package hls

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// genH264 makes an Annex B H.264 clip with ffmpeg: size, 15 fps, 1 s GOP.
func genH264(t *testing.T, size string, seconds int) []accessUnit {
	t.Helper()
	out := filepath.Join(t.TempDir(), size+".h264")
	ffmpegGen(t, "-f", "lavfi", "-i", "testsrc2=size="+size+":rate=15:duration="+strconv.Itoa(seconds),
		"-c:v", "libx264", "-profile:v", "baseline", "-pix_fmt", "yuv420p", "-preset", "veryfast",
		"-g", "15", "-keyint_min", "15", "-sc_threshold", "0", "-bf", "0",
		"-x264-params", "repeat-headers=1", "-bsf:v", "h264_mp4toannexb", "-f", "h264", out)
	return readH264(t, out)
}

func TestFFprobeResolutionChange(t *testing.T) {
	dir := t.TempDir()
	small, big := genH264(t, "320x240", 3), genH264(t, "640x360", 3)
	var segs []Segment
	cfg := Config{Video: CodecH264, TargetDuration: 2 * time.Second}
	s := newDirSegmenter(t, dir, cfg)
	s.cfg.OnSegment = func(seg Segment) { segs = append(segs, seg) }
	next := writeH264Clip(t, s, small, 0, 15)
	writeH264Clip(t, s, big, next, 15)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	pl := filepath.Join(dir, "rec.m3u8")
	checkDecodes(t, pl)
	checkSegmentsStartWithKeyframe(t, segmentFiles(t, dir))
	got := readPlaylistFile(t, pl)
	// 0-2 s, 2-3 s (cut by the new size), then 3-5 s, 5-6 s.
	wantDur := []time.Duration{2 * time.Second, time.Second, 2 * time.Second, time.Second}
	wantDisc := []bool{false, false, true, false}
	if len(got.Segments) != len(wantDur) {
		t.Fatalf("segments = %+v, want %d", got.Segments, len(wantDur))
	}
	for i, seg := range got.Segments {
		if seg.Duration != wantDur[i] || seg.Discontinuity != wantDisc[i] {
			t.Errorf("segment %d = %+v, want %v disc=%v", i, seg, wantDur[i], wantDisc[i])
		}
	}
	if got.Width != 320 || got.Height != 240 {
		t.Errorf("playlist size %dx%d, want the first one 320x240", got.Width, got.Height)
	}
	if segs[1].Width != 320 || segs[2].Width != 640 || segs[2].Height != 360 {
		t.Errorf("segment sizes = %+v", segs)
	}
	// Each segment decodes at its own size.
	files := segmentFiles(t, dir)
	if p := ffprobe(t, files[2]); p.Streams[0].Width != 640 {
		t.Errorf("segment 2 is %dx%d, want 640x360", p.Streams[0].Width, p.Streams[0].Height)
	}
}

func TestFFprobeDiscontinuityAndGap(t *testing.T) {
	dir := t.TempDir()
	aus := readH264(t, clipH264)
	s := newDirSegmenter(t, dir, Config{Video: CodecH264, TargetDuration: 2 * time.Second})
	write := func(i int, pts int64) {
		t.Helper()
		if err := s.WriteH264(pts, pts, aus[i].nalus); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 50 { // 0 … 3.33 s
		write(i, int64(i)*6000)
	}
	s.Discontinuity() // new timeline from frame 50 on, far away
	const base2 = 7_000_000_000
	for i := 50; i < 75; i++ { // 50 … 59 dropped: not keyframes
		write(i, base2+int64(i-50)*6000)
	}
	for i := 105; i < 150; i++ { // frames 75 … 104 missing: a 2 s gap
		write(i, base2+int64(i-50)*6000)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.DroppedVideo != 10 {
		t.Errorf("dropped %d access units, want 10", st.DroppedVideo)
	}
	pl := filepath.Join(dir, "rec.m3u8")
	checkDecodes(t, pl)
	checkSegmentsStartWithKeyframe(t, segmentFiles(t, dir))
	got := readPlaylistFile(t, pl)
	want := []struct {
		start float64 // seconds after testStart
		dur   time.Duration
		disc  bool
	}{
		{0, 2 * time.Second, false},
		{2, 1333 * time.Millisecond, false}, // frames 30-49, ended by Discontinuity
		{4, time.Second, true},              // frames 60-74 (new timeline continues at 3.333 s + 10 frames)
		{7, 2 * time.Second, true},          // frames 105-134 after the gap
		{9, time.Second, false},             // frames 135-149
	}
	if len(got.Segments) != len(want) {
		t.Fatalf("segments = %+v, want %d", got.Segments, len(want))
	}
	for i, w := range want {
		seg := got.Segments[i]
		name := utcName("seg")(testStart.Add(time.Duration(w.start * float64(time.Second))))
		if seg.URI != name || seg.Duration.Round(time.Millisecond) != w.dur || seg.Discontinuity != w.disc {
			t.Errorf("segment %d = %+v, want %s %v disc=%v", i, seg, name, w.dur, w.disc)
		}
	}
	raw, _ := os.ReadFile(pl)
	if n := countLines(string(raw), "#EXT-X-DISCONTINUITY"); n != 2 {
		t.Errorf("%d discontinuity tags, want 2:\n%s", n, raw)
	}
}

func TestFFprobeMixedH264AAC(t *testing.T) {
	dir := t.TempDir()
	aus := readH264(t, clipH264)
	frames := aacTone(t, 48000, 1, 10, "64k")
	s := newDirSegmenter(t, dir, Config{Video: CodecH264, Audio: CodecAAC, AudioSampleRate: 48000,
		AudioChannels: 1, TargetDuration: 2 * time.Second})
	writeMixed(t, s, aus, frames, 900000)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	pl := filepath.Join(dir, "rec.m3u8")
	checkDecodes(t, pl)
	p := ffprobe(t, pl, "-count_frames")
	if len(p.Streams) != 2 {
		t.Fatalf("streams = %+v, want video and audio", p.Streams)
	}
	for _, st := range p.Streams {
		switch st.CodecName {
		case "h264":
			if st.Width != 640 || st.NbReadFrames != "150" {
				t.Errorf("video = %+v, want 640 wide, 150 frames", st)
			}
		case "aac":
			if st.SampleRate != "48000" || st.Channels != 1 {
				t.Errorf("audio = %+v, want 48 kHz mono", st)
			}
		default:
			t.Errorf("unexpected stream %+v", st)
		}
	}
	if d := p.durationOf(t); math.Abs(d-10) > 0.2 {
		t.Errorf("duration = %.3f s, want 10 ± 0.2", d)
	}
	files := segmentFiles(t, dir)
	checkSegmentsStartWithKeyframe(t, files)
	for _, f := range files {
		if q := ffprobe(t, f); len(q.Streams) != 2 {
			t.Errorf("%s has %d streams, want 2", filepath.Base(f), len(q.Streams))
		}
	}
}

// writeMixed interleaves video (15 fps) and AAC (48 kHz) in PTS order.
func writeMixed(t testing.TB, s *Segmenter, aus []accessUnit, frames [][]byte, pts0 int64) {
	t.Helper()
	vi, ai := 0, 0
	for vi < len(aus) || ai < len(frames) {
		vpts := pts0 + int64(vi)*6000
		apts := pts0 + int64(ai)*1920
		if ai >= len(frames) || (vi < len(aus) && vpts <= apts) {
			if err := s.WriteH264(vpts, vpts, aus[vi].nalus); err != nil {
				t.Fatal(err)
			}
			vi++
			continue
		}
		if err := s.WriteAAC(apts, frames[ai]); err != nil {
			t.Fatal(err)
		}
		ai++
	}
}

func countLines(s, line string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if l == line {
			n++
		}
	}
	return n
}
