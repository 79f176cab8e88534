package mp4

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/roomrec/roomrec/hls"
)

// FFmpeg arguments of the codec tests: 6 s of test pattern and tone, video
// with B-frames (so PTS and DTS differ).
var (
	testPattern = []string{"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=6"}
	x264BFrames = []string{"-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-g", "25", "-pix_fmt", "yuv420p"}
	x265BFrames = []string{"-c:v", "libx265", "-preset", "veryfast", "-x265-params", "bframes=2:keyint=25:min-keyint=25:log-level=error"}
)

// tone returns FFmpeg arguments of a 6 s sine input at rate Hz.
func tone(rate int) []string {
	return []string{"-f", "lavfi", "-i", "sine=frequency=500:sample_rate=" + strconv.Itoa(rate) + ":duration=6"}
}

// codecCases are the codec pairs of TestConvertCodecs.
var codecCases = []struct {
	name             string
	args             []string
	vcodec, acodec   hls.Codec
	separate         bool
	vname, aname     string // ffprobe's codec names
	vformat, aformat string // sample entries
	rate, channels   int
}{
	{"h264-bframes+aac44100-mono", cat(testPattern, tone(44100), x264BFrames, []string{"-c:a", "aac", "-ac", "1"}),
		hls.CodecH264, hls.CodecAAC, false, "h264", "aac", "avc1", "mp4a", 44100, 1},
	{"h265-bframes+opus", cat(testPattern, tone(48000), x265BFrames, []string{"-c:a", "libopus", "-ac", "2"}),
		hls.CodecH265, hls.CodecOpus, false, "hevc", "opus", "hvc1", "Opus", 48000, 2},
	{"h265+aac48000-separate", cat(testPattern, tone(48000), x265BFrames, []string{"-c:a", "aac", "-ac", "2"}),
		hls.CodecH265, hls.CodecAAC, true, "hevc", "aac", "hvc1", "mp4a", 48000, 2},
}

// TestConvertCodecs records FFmpeg-encoded streams of every codec with our
// segmenter and checks the MP4: FFmpeg decodes it cleanly and seeks in it,
// the sample entries and stream parameters are right, every sample is
// byte-identical to the TS, audio frames are back to back and the video
// keeps its composition offsets (ctts) and starts its edit at the first.
func TestConvertCodecs(t *testing.T) {
	for _, c := range codecCases {
		t.Run(c.name, func(t *testing.T) {
			video, audio, rate, channels := ffmpegTS(t, c.args...)
			if rate != c.rate || channels != c.channels {
				t.Fatalf("FFmpeg made %d Hz %d channels", rate, channels)
			}
			dir := t.TempDir()
			m := media{vcodec: c.vcodec, acodec: c.acodec, rate: rate, channels: channels, video: video, audio: audio}
			keys := record(t, dir, m, layout{name: "rec", separate: c.separate})
			parts := convertDir(t, dir, keys, Options{})
			path := filepath.Join(dir, parts[0].Name)
			info := checkOracle(t, path)
			if len(parts) != 1 || len(info.Streams) != 2 {
				t.Fatalf("%d parts, %d streams", len(parts), len(info.Streams))
			}
			v, a := info.Streams[0], info.Streams[1]
			if v.CodecName != c.vname || v.Width != 320 || v.Height != 240 || a.CodecName != c.aname ||
				a.SampleRate != strconv.Itoa(c.rate) || a.Channels != c.channels {
				t.Fatalf("streams %+v %+v", v, a)
			}
			_, tracks := readMP4(t, path)
			if tracks[0].format != c.vformat || tracks[1].format != c.aformat {
				t.Fatalf("sample entries %s %s, want %s %s", tracks[0].format, tracks[1].format, c.vformat, c.aformat)
			}
			ts := tsFrames(t, dir, keys[0])
			if c.separate {
				ts.audio = tsFrames(t, dir, keys[1]).audio
			}
			checkSamples(t, tracks[0], ts.video, true, c.vcodec == hls.CodecH265)
			checkSamples(t, tracks[1], ts.audio, false, false)
			checkBackToBack(t, tracks[1], audioFrame(tsContent{audio: ts.audio, rate: rate}))
			checkReordered(t, tracks[0])
			seekDecodes(t, path, 3.3)
		})
	}
}

// checkBackToBack checks that every audio sample lasts one frame.
func checkBackToBack(t *testing.T, tr mp4Track, frame int64) {
	t.Helper()
	for i := 1; i < len(tr.samples); i++ {
		if d := tr.samples[i].dts - tr.samples[i-1].dts; d != frame {
			t.Fatalf("audio sample %d lasts %d, want %d", i-1, d, frame)
		}
	}
}

// checkReordered checks that a video track with B-frames has composition
// offsets and that its edit starts at the first sample's.
func checkReordered(t *testing.T, tr mp4Track) {
	t.Helper()
	reordered := false
	for _, s := range tr.samples {
		reordered = reordered || s.cts > 0
	}
	if !reordered {
		t.Fatal("no composition offsets: the B-frames were not kept in presentation order")
	}
	if e := tr.elst[len(tr.elst)-1]; e.MediaTime != int64(tr.samples[0].cts) {
		t.Fatalf("edit list starts at media time %d, want the first sample's composition offset %d",
			e.MediaTime, tr.samples[0].cts)
	}
}

func cat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
