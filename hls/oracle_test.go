package hls

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/internal/bitstream"
)

// Tests in this file check the segmenter's output with ffmpeg/ffprobe, an
// independent demuxer and decoder.

const clipH264 = "../testdata/media/h264_640x360_15fps.h264"

// newDirSegmenter returns a Segmenter writing into dir with playlist
// "rec.m3u8" and segments "seg_<UTC>.ts".
func newDirSegmenter(t testing.TB, dir string, cfg Config) *Segmenter {
	t.Helper()
	cfg.Output = DirOutput{Dir: dir}
	cfg.Start = testStart
	cfg.PlaylistName = "rec.m3u8"
	cfg.SegmentName = utcName("seg")
	s, err := NewSegmenter(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// writeH264Clip writes the access units at fps from pts0 (DTS = PTS).
func writeH264Clip(t testing.TB, s *Segmenter, aus []accessUnit, pts0 int64, fps int) int64 {
	t.Helper()
	step := int64(90000 / fps)
	pts := pts0
	for _, au := range aus {
		if err := s.WriteH264(pts, pts, au.nalus); err != nil {
			t.Fatal(err)
		}
		pts += step
	}
	return pts
}

// checkDecodes asserts that ffmpeg decodes the playlist without a message.
func checkDecodes(t *testing.T, playlist string) {
	t.Helper()
	if msg := decodeErrors(t, playlist); msg != "" {
		t.Errorf("ffmpeg -v error on %s:\n%s", filepath.Base(playlist), msg)
	}
}

// checkSegmentsStartWithKeyframe asserts that the first video packet of
// every segment is flagged K by ffprobe.
func checkSegmentsStartWithKeyframe(t *testing.T, files []string) {
	t.Helper()
	for _, f := range files {
		p := ffprobe(t, f, "-select_streams", "v", "-show_packets")
		if len(p.Packets) == 0 || !strings.Contains(p.Packets[0].Flags, "K") {
			t.Errorf("%s: first video packet is not a keyframe: %+v", filepath.Base(f), p.Packets[:min(1, len(p.Packets))])
		}
	}
}

func TestFFprobeH264(t *testing.T) {
	dir := t.TempDir()
	aus := readH264(t, clipH264)
	if len(aus) != 150 {
		t.Fatalf("clip has %d access units, want 150", len(aus))
	}
	s := newDirSegmenter(t, dir, Config{Video: CodecH264, TargetDuration: 2 * time.Second})
	writeH264Clip(t, s, aus, 1<<33-45000, 15) // crosses the 33-bit wrap
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	pl := filepath.Join(dir, "rec.m3u8")
	checkDecodes(t, pl)
	p := ffprobe(t, pl, "-count_frames")
	if len(p.Streams) != 1 || p.Streams[0].CodecName != "h264" || p.Streams[0].Width != 640 || p.Streams[0].Height != 360 {
		t.Fatalf("streams = %+v, want one h264 640x360", p.Streams)
	}
	if got := p.Streams[0].NbReadFrames; got != "150" {
		t.Errorf("decoded frames = %s, want 150", got)
	}
	if d := p.durationOf(t); math.Abs(d-10) > 0.2 {
		t.Errorf("duration = %.3f s, want 10 ± 0.2", d)
	}
	files := segmentFiles(t, dir)
	if len(files) != 5 {
		t.Errorf("%d segments, want 5 (2 s each)", len(files))
	}
	checkSegmentsStartWithKeyframe(t, files)

	got := readPlaylistFile(t, pl)
	if got.TargetDuration != 2 || got.Width != 640 || got.Height != 360 || !got.Ended ||
		!got.StartRecTime.Equal(testStart) || got.Version != 3 || got.MediaSequence != 0 {
		t.Errorf("playlist header = %+v", got)
	}
	for i, seg := range got.Segments {
		if seg.Duration != 2*time.Second || seg.Discontinuity {
			t.Errorf("segment %d = %+v, want 2 s, continuous", i, seg)
		}
		want := utcName("seg")(testStart.Add(time.Duration(i) * 2 * time.Second))
		if seg.URI != want {
			t.Errorf("segment %d URI = %s, want %s", i, seg.URI, want)
		}
	}
	raw, _ := os.ReadFile(pl)
	for _, tag := range []string{"#EXT-X-ALLOW-CACHE:NO\n", "#EXT-X-TRTC-START-REC-TIME:2001145551825\n",
		"#EXT-X-TRTC-VIDEO-METADATA:WIDTH:640 HEIGHT:360\n", "#EXTINF:2.000,\n", "#EXT-X-ENDLIST\n"} {
		if !strings.Contains(string(raw), tag) {
			t.Errorf("playlist lacks %q:\n%s", tag, raw)
		}
	}
}

func TestFFprobeOpus(t *testing.T) {
	dir := t.TempDir()
	packets := readOgg(t, "../testdata/media/opus_48k_stereo.ogg")
	if len(packets) < 500 {
		t.Fatalf("%d Opus packets, want ≥ 500", len(packets))
	}
	s := newDirSegmenter(t, dir, Config{Audio: CodecOpus, AudioChannels: 2, TargetDuration: 2 * time.Second})
	pts := int64(123456789)
	for _, p := range packets {
		if err := s.WriteOpus(pts, p); err != nil {
			t.Fatal(err)
		}
		pts += int64(bitstream.OpusSamples(p)) * 90000 / 48000
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	pl := filepath.Join(dir, "rec.m3u8")
	checkDecodes(t, pl)
	p := ffprobe(t, pl)
	if len(p.Streams) != 1 || p.Streams[0].CodecName != "opus" || p.Streams[0].Channels != 2 || p.Streams[0].SampleRate != "48000" {
		t.Fatalf("streams = %+v, want one opus stereo 48 kHz", p.Streams)
	}
	if d := p.durationOf(t); math.Abs(d-10) > 0.1 {
		t.Errorf("duration = %.3f s, want 10 ± 0.1", d)
	}
	got := readPlaylistFile(t, pl)
	if got.Width != 0 || len(got.Segments) != 6 || got.TargetDuration != 2 {
		t.Errorf("playlist = %+v, want 6 segments, no video metadata", got)
	}
	raw, _ := os.ReadFile(pl)
	if strings.Contains(string(raw), "VIDEO-METADATA") {
		t.Errorf("audio-only playlist has video metadata:\n%s", raw)
	}
}

func TestFFprobeAAC(t *testing.T) {
	dir := t.TempDir()
	frames := aacTone(t, 44100, 2, 6, "96k")
	s := newDirSegmenter(t, dir, Config{Audio: CodecAAC, AudioSampleRate: 44100, AudioChannels: 2,
		TargetDuration: 2 * time.Second})
	for i, f := range frames {
		pts := int64(i) * 1024 * 90000 / 44100
		if err := s.WriteAAC(pts, f); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	pl := filepath.Join(dir, "rec.m3u8")
	checkDecodes(t, pl)
	p := ffprobe(t, pl)
	if len(p.Streams) != 1 || p.Streams[0].CodecName != "aac" || p.Streams[0].SampleRate != "44100" || p.Streams[0].Channels != 2 {
		t.Fatalf("streams = %+v, want one aac 44.1 kHz stereo", p.Streams)
	}
	want := float64(len(frames)) * 1024 / 44100
	if d := p.durationOf(t); math.Abs(d-want) > 0.1 {
		t.Errorf("duration = %.3f s, want %.3f ± 0.1", d, want)
	}
	if n := len(readPlaylistFile(t, pl).Segments); n != 3 {
		t.Errorf("%d segments, want 3", n)
	}
}

func TestFFprobeH265(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), "clip.h265")
	// libx265 is in Debian's FFmpeg; the test fails (not skips) without it.
	ffmpegGen(t, "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=4",
		"-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "keyint=25:min-keyint=25:bframes=0:log-level=error",
		"-f", "hevc", src)
	aus := readH265(t, src)
	if len(aus) != 100 {
		t.Fatalf("clip has %d access units, want 100", len(aus))
	}
	s := newDirSegmenter(t, dir, Config{Video: CodecH265, TargetDuration: 2 * time.Second})
	for i, au := range aus {
		pts := int64(i) * 3600
		if err := s.WriteH265(pts, pts, au.nalus); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	pl := filepath.Join(dir, "rec.m3u8")
	checkDecodes(t, pl)
	p := ffprobe(t, pl, "-count_frames")
	if len(p.Streams) != 1 || p.Streams[0].CodecName != "hevc" || p.Streams[0].Width != 320 ||
		p.Streams[0].Height != 240 || p.Streams[0].NbReadFrames != "100" {
		t.Fatalf("streams = %+v, want one hevc 320x240 with 100 frames", p.Streams)
	}
	if d := p.durationOf(t); math.Abs(d-4) > 0.1 {
		t.Errorf("duration = %.3f s, want 4 ± 0.1", d)
	}
	files := segmentFiles(t, dir)
	if len(files) != 2 {
		t.Errorf("%d segments, want 2", len(files))
	}
	checkSegmentsStartWithKeyframe(t, files)
	if got := readPlaylistFile(t, pl); got.Width != 320 || got.Height != 240 {
		t.Errorf("playlist video size %dx%d, want 320x240", got.Width, got.Height)
	}
}
