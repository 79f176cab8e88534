//go:build cgo

package codec

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/bitstream"
	"github.com/roomrec/roomrec/internal/testpub"
)

// t0 is the recording start of the test segmenters.
var t0 = time.Date(2033, 5, 31, 9, 45, 51, 825_000_000, time.UTC)

// ingestMedia is the directory of ingest's extra clips (VP9, AV1, H.265).
func ingestMedia() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "ingest", "testdata", "media")
}

// testClip is a committed clip: its codec, file, frame count and picture
// size.
type testClip struct {
	codec  Codec
	path   string
	frames int
	w, h   int
}

// videoClips returns the committed video clips, one per codec.
func videoClips() []testClip {
	return []testClip{
		{VP8, filepath.Join(testpub.MediaDir(), "vp8_640x360_15fps.ivf"), 150, 640, 360},
		{H264, filepath.Join(testpub.MediaDir(), "h264_640x360_15fps.h264"), 150, 640, 360},
		{VP9, filepath.Join(ingestMedia(), "vp9_320x180_15fps.ivf"), 45, 320, 180},
		{AV1, filepath.Join(ingestMedia(), "av1_320x180_15fps.ivf"), 45, 320, 180},
		{H265, filepath.Join(ingestMedia(), "h265_320x180_15fps.h265"), 45, 320, 180},
	}
}

// loadUnits loads a clip as Units with 90 kHz (video) or 48 kHz (Opus) PTS.
func loadUnits(t testing.TB, c Codec, path string) []Unit {
	t.Helper()
	var samples []testpub.Sample
	var err error
	switch c {
	case VP8, VP9, AV1:
		samples, err = testpub.LoadIVF(path)
	case H264:
		samples, err = testpub.LoadH264(path, 15)
	case H265:
		samples, err = loadH265(path)
	case Opus:
		samples, err = testpub.LoadOgg(path)
	}
	if err != nil {
		t.Fatal(err)
	}
	units := make([]Unit, len(samples))
	var elapsed time.Duration
	rate := int64(90000)
	if c == Opus {
		rate = 48000
	}
	for i, s := range samples {
		pts := (int64(elapsed)*rate + int64(time.Second)/2) / int64(time.Second)
		key := s.Keyframe || c == Opus
		if c == AV1 {
			key = i%15 == 0 // the clip's GOP (testpub's VP8 rule does not apply)
		}
		units[i] = Unit{PTS: pts, Keyframe: key, Data: s.Data}
		elapsed += s.Duration
	}
	return units
}

// loadH265 splits an Annex B H.265 file of 15 fps into access units: a new
// one starts at a VCL NAL unit with first_slice_segment_in_pic_flag set, or
// at a parameter set after a picture.
func loadH265(path string) ([]testpub.Sample, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []testpub.Sample
	var au []byte
	vcl, key := false, false
	for _, n := range bitstream.SplitAnnexB(nil, data) {
		typ := n[0] >> 1 & 0x3f
		isVCL := typ < 32
		if vcl && (!isVCL || len(n) > 2 && n[2]&0x80 != 0) {
			out = append(out, testpub.Sample{Data: au, Duration: time.Second / 15, Keyframe: key})
			au, vcl, key = nil, false, false
		}
		au = append(au, 0, 0, 0, 1)
		au = append(au, n...)
		vcl = vcl || isVCL
		key = key || (typ >= 16 && typ <= 23)
	}
	if vcl {
		out = append(out, testpub.Sample{Data: au, Duration: time.Second / 15, Keyframe: key})
	}
	return out, nil
}

// segmenter returns a Segmenter writing rec.m3u8 and its segments to dir.
func segmenter(t testing.TB, dir string, cfg hls.Config) *hls.Segmenter {
	t.Helper()
	cfg.Start = t0
	cfg.PlaylistName = "rec.m3u8"
	cfg.TargetDuration = 4 * time.Second
	cfg.SegmentName = func(s time.Time) string { return "seg_" + strconv.FormatInt(s.UnixMilli(), 10) + ".ts" }
	cfg.Output = hls.DirOutput{Dir: dir}
	s, err := hls.NewSegmenter(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// writeH264 writes access units as an Annex B elementary stream file.
func writeH264(t testing.TB, path string, aus [][]byte) {
	t.Helper()
	if err := os.WriteFile(path, bytes.Join(aus, nil), 0o600); err != nil {
		t.Fatal(err)
	}
}

// probeFrames returns ffprobe's per-frame (key_frame, width, height) of the
// first video stream of path.
func probeFrames(t testing.TB, path string) (keys []bool, sizes [][2]int) {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
		"frame=key_frame,width,height", "-of", "csv=p=0", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe %s: %v\n%s", path, err, out)
	}
	for _, line := range strings.Fields(string(out)) {
		f := strings.Split(line, ",")
		if len(f) < 3 {
			t.Fatalf("ffprobe line %q", line)
		}
		w, _ := strconv.Atoi(f[1])
		h, _ := strconv.Atoi(f[2])
		keys = append(keys, f[0] == "1")
		sizes = append(sizes, [2]int{w, h})
	}
	return keys, sizes
}

// annexB joins NAL units with start codes.
func annexB(nalus [][]byte) []byte { return bitstream.AppendAnnexB(nil, nalus) }

func itoa(i int) string { return strconv.Itoa(i) }

// closeTwice closes c twice: both calls must return nil.
func closeTwice(t testing.TB, c interface{ Close() error }) {
	t.Helper()
	if err := c.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}
