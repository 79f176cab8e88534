package hls

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

// BenchmarkMuxVsFFmpeg times, on the same ~60 s H.264 elementary stream
// (the committed clip six times over, in a temp dir), one run of
//
//	ffmpeg -f h264 -framerate 15 -i in.h264 -c copy -f hls -hls_time 10 -hls_list_size 0
//
// and one run of ours (read the file, split it into access units, segment
// it into 10 s TS files and a playlist on the same disk), and reports both
// throughputs in MB of input per second and their ratio (ours / ffmpeg).
// The ffmpeg time includes its process start-up, as a recorder calling
// ffmpeg would pay it.
func BenchmarkMuxVsFFmpeg(b *testing.B) {
	clip, err := os.ReadFile(clipH264)
	if err != nil {
		b.Fatal(err)
	}
	input := bytes.Repeat(clip, 6)
	in := filepath.Join(b.TempDir(), "in.h264")
	if err := os.WriteFile(in, input, 0o644); err != nil {
		b.Fatal(err)
	}
	var ours, theirs time.Duration
	for b.Loop() {
		dir := b.TempDir()
		t0 := time.Now()
		run(b, "ffmpeg", "-v", "error", "-f", "h264", "-framerate", "15", "-i", in, "-c", "copy",
			"-f", "hls", "-hls_time", "10", "-hls_list_size", "0", filepath.Join(dir, "ff.m3u8"))
		theirs += time.Since(t0)

		dir = b.TempDir()
		t0 = time.Now()
		muxFile(b, in, dir)
		ours += time.Since(t0)
	}
	mb := float64(len(input)) * float64(b.N) / 1e6
	b.ReportMetric(mb/ours.Seconds(), "ours-MB/s")
	b.ReportMetric(mb/theirs.Seconds(), "ffmpeg-MB/s")
	b.ReportMetric(theirs.Seconds()/ours.Seconds(), "ratio")
}

// muxFile segments an Annex B H.264 file at 15 fps into dir.
func muxFile(b *testing.B, in, dir string) {
	data, err := os.ReadFile(in)
	if err != nil {
		b.Fatal(err)
	}
	var nalus h264.AnnexB
	if err := nalus.Unmarshal(data); err != nil {
		b.Fatal(err)
	}
	s := newDirSegmenter(b, dir, Config{Video: CodecH264})
	var au [][]byte
	pts, hasSlice := int64(0), false
	flush := func() {
		if err := s.WriteH264(pts, pts, au); err != nil {
			b.Fatal(err)
		}
		au, pts, hasSlice = au[:0], pts+6000, false
	}
	for _, n := range nalus {
		typ := n[0] & 0x1F
		slice := typ == 1 || typ == 5
		if hasSlice && ((!slice && typ >= 6 && typ <= 9) || (slice && n[1]&0x80 != 0)) {
			flush()
		}
		au = append(au, n)
		hasSlice = hasSlice || slice
	}
	flush()
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
}
