package mp4

import (
	"bytes"
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/mpegts"
)

// clipTicks is the length of the committed clips (10 s) in 90 kHz ticks.
const clipTicks = 10 * 90000

// clipMedia returns the committed H.264 and Opus clips, n times over.
func clipMedia(t testing.TB, n int) media {
	opus := clipOpus(t)
	return media{vcodec: hls.CodecH264, acodec: hls.CodecOpus, rate: 48000, channels: 2,
		video: repeat(clipH264(t), n, clipTicks), audio: repeat(opus, n, int64(len(opus))*1800)}
}

// checkSamples compares the samples of an MP4 track with the frames read
// from the TS segments: same count, byte-identical data (video: NAL units
// with 4-byte lengths, AUDs dropped), same timestamps relative to the first.
func checkSamples(t *testing.T, tr mp4Track, want []frame, video, h265 bool) {
	t.Helper()
	if len(tr.samples) != len(want) {
		t.Fatalf("%s: %d samples, want %d", tr.handler, len(tr.samples), len(want))
	}
	scale := func(ts int64) int64 { return ts * int64(tr.timescale) / 90000 }
	for i, s := range tr.samples {
		w := want[i].data[0]
		if video {
			w = avcc(want[i].data, h265)
		}
		if !bytes.Equal(s.data, w) {
			t.Fatalf("%s sample %d: %d bytes differ from the %d of the TS", tr.handler, i, len(s.data), len(w))
		}
		dts := scale(mpegts.WrapDelta(want[i].dts, want[0].dts))
		tol := int64(1)
		if !video { // frames after the first of a PES get truncated 90 kHz times
			tol = int64(tr.timescale) / 1000
		}
		if d := s.dts - dts; d < -tol || d > tol {
			t.Fatalf("%s sample %d: DTS %d, want %d", tr.handler, i, s.dts, dts)
		}
		if cts := scale(mpegts.WrapDelta(want[i].pts, want[i].dts)); int64(s.cts) != cts {
			t.Fatalf("%s sample %d: composition offset %d, want %d", tr.handler, i, s.cts, cts)
		}
	}
}

// seekDecodes checks that FFmpeg decodes 5 frames after seeking to at.
func seekDecodes(t *testing.T, path string, at float64) {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-ss", strconv.FormatFloat(at, 'f', 3, 64),
		"-i", path, "-frames:v", "5", "-f", "null", "-").CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Fatalf("seek to %.3f s in %s: %v: %s", at, path, err, out)
	}
}

// TestConvertMixedH264Opus converts 30 s of the committed clips recorded
// as one mixed playlist and checks the MP4 with ffprobe and FFmpeg (streams,
// duration, a clean decode, a seek to the middle), and its samples against
// both the access units given to the segmenter and the TS read back with
// mediacommon.
func TestConvertMixedH264Opus(t *testing.T) {
	dir := t.TempDir()
	m := clipMedia(t, 3)
	keys := record(t, dir, m, layout{name: "rec"})
	parts := convertDir(t, dir, keys, Options{})
	if len(parts) != 1 || parts[0].Name != "out/rec.mp4" || !parts[0].Video || !parts[0].Audio {
		t.Fatalf("parts %+v, want one out/rec.mp4 with video and audio", parts)
	}
	path := filepath.Join(dir, parts[0].Name)
	info := checkOracle(t, path)
	if len(info.Streams) != 2 {
		t.Fatalf("%d streams, want 2", len(info.Streams))
	}
	v, a := info.Streams[0], info.Streams[1]
	if v.CodecName != "h264" || v.Width != 640 || v.Height != 360 || a.CodecName != "opus" || a.SampleRate != "48000" || a.Channels != 2 {
		t.Fatalf("streams %+v %+v", v, a)
	}
	if d := info.Duration(); math.Abs(d-30) > 0.1 || math.Abs(parts[0].Duration.Seconds()-d) > 0.05 {
		t.Fatalf("duration %.3f s (Part says %v), want 30 s", d, parts[0].Duration)
	}
	if !parts[0].Start.Equal(testStart) {
		t.Fatalf("part starts at %v, want %v", parts[0].Start, testStart)
	}
	_, tracks := readMP4(t, path)
	checkSamples(t, tracks[0], m.video, true, false) // what was written …
	checkSamples(t, tracks[1], m.audio, false, false)
	ts := tsFrames(t, dir, keys[0]) // … and what the TS holds
	checkSamples(t, tracks[0], ts.video, true, false)
	checkSamples(t, tracks[1], ts.audio, false, false)
	if tracks[0].format != "avc1" || tracks[1].format != "Opus" {
		t.Fatalf("sample entries %s %s", tracks[0].format, tracks[1].format)
	}
	seekDecodes(t, path, 15.5)
}
