//go:build cgo

package codec

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/bitstream"
	"github.com/roomrec/roomrec/internal/oracle"
	"github.com/roomrec/roomrec/internal/testpub"
)

// transcodeAll runs units through t (and Flush), checking each access unit,
// and returns them as Annex B with their metadata.
func transcodeAll(t *testing.T, vt *VideoTranscoder, units []Unit, force map[int]bool) ([][]byte, []AccessUnit) {
	t.Helper()
	var data [][]byte
	var meta []AccessUnit
	collect := func(aus []AccessUnit) {
		for _, a := range aus {
			if a.DTS != a.PTS {
				t.Fatalf("AU PTS %d DTS %d: want DTS == PTS", a.PTS, a.DTS)
			}
			if a.Keyframe && !hasNALU(a.NALUs, 7) || a.Keyframe && !hasNALU(a.NALUs, 8) {
				t.Fatalf("keyframe at PTS %d lacks SPS/PPS", a.PTS)
			}
			data = append(data, annexB(a.NALUs))
			a.NALUs = nil
			meta = append(meta, a)
		}
	}
	for i, u := range units {
		if force[i] {
			vt.RequestKeyframe()
		}
		aus, err := vt.Write(u)
		if err != nil {
			t.Fatalf("Write frame %d: %v", i, err)
		}
		collect(aus)
	}
	aus, err := vt.Flush()
	if err != nil {
		t.Fatal(err)
	}
	collect(aus)
	return data, meta
}

func hasNALU(nalus [][]byte, typ byte) bool {
	for _, n := range nalus {
		if len(n) > 0 && n[0]&0x1f == typ {
			return true
		}
	}
	return false
}

// Every source codec is transcoded to H.264 that FFmpeg decodes without a
// complaint, with one output picture per input frame at the source's size
// and timestamps, and a keyframe every 2 s (30 frames at 15 fps).
func TestVideoTranscodeOracle(t *testing.T) {
	for _, tc := range videoClips() {
		t.Run(tc.codec.String(), func(t *testing.T) {
			units := loadUnits(t, tc.codec, tc.path)
			vt, err := NewVideoTranscoder(VideoConfig{Input: tc.codec})
			if err != nil {
				t.Fatal(err)
			}
			defer vt.Close()
			data, meta := transcodeAll(t, vt, units, nil)
			if len(meta) != tc.frames || len(units) != tc.frames {
				t.Fatalf("%d AUs from %d frames, want %d", len(meta), len(units), tc.frames)
			}
			for i, m := range meta {
				if m.PTS != units[i].PTS || m.Width != tc.w || m.Height != tc.h || m.ResolutionChanged {
					t.Fatalf("AU %d: %+v, want PTS %d size %dx%d", i, m, units[i].PTS, tc.w, tc.h)
				}
			}
			checkH264Output(t, data, meta, tc.frames, tc.w, tc.h)
		})
	}
}

// checkH264Output checks transcoded access units with FFmpeg: as an
// elementary stream (frame count, sizes, a keyframe every 30 frames) and
// as HLS (decodes without complaint).
func checkH264Output(t *testing.T, data [][]byte, meta []AccessUnit, frames, w, h int) {
	t.Helper()
	dir := t.TempDir()
	es := filepath.Join(dir, "out.h264")
	writeH264(t, es, data)
	keys, sizes := probeFrames(t, es)
	if len(keys) != frames {
		t.Fatalf("ffprobe counts %d frames, want %d", len(keys), frames)
	}
	for i := range keys {
		if keys[i] != (i%30 == 0) || sizes[i] != [2]int{w, h} {
			t.Fatalf("frame %d: key %v size %v; want key %v size %dx%d", i, keys[i], sizes[i], i%30 == 0, w, h)
		}
	}
	seg := segmenter(t, dir, hls.Config{Video: hls.CodecH264})
	for i, m := range meta {
		if err := seg.WriteH264(m.PTS, m.DTS, bitstream.SplitAnnexB(nil, data[i])); err != nil {
			t.Fatal(err)
		}
	}
	if err := seg.Close(); err != nil {
		t.Fatal(err)
	}
	playlist := filepath.Join(dir, "rec.m3u8")
	if err := oracle.Decode(playlist); err != nil {
		t.Fatal(err)
	}
	info, err := oracle.Probe(playlist, true)
	if err != nil {
		t.Fatal(err)
	}
	if s := info.Streams[0]; s.CodecName != "h264" || s.Width != w || s.Height != h || s.Frames() != frames {
		t.Fatalf("ffprobe of the HLS output: %+v", s)
	}
}

// RequestKeyframe makes exactly the requested pictures keyframes (the GOP is
// set too long to add any).
func TestVideoForcedKeyframes(t *testing.T) {
	units := loadUnits(t, VP8, filepath.Join(testpub.MediaDir(), "vp8_640x360_15fps.ivf"))[:60]
	vt, err := NewVideoTranscoder(VideoConfig{Input: VP8, Encoding: VideoEncoding{GOP: time.Hour, Bitrate: 500_000}})
	if err != nil {
		t.Fatal(err)
	}
	defer vt.Close()
	force := map[int]bool{7: true, 44: true}
	data, meta := transcodeAll(t, vt, units, force)
	es := filepath.Join(t.TempDir(), "out.h264")
	writeH264(t, es, data)
	keys, _ := probeFrames(t, es)
	if len(keys) != 60 {
		t.Fatalf("ffprobe counts %d frames, want 60", len(keys))
	}
	for i, k := range keys {
		want := i == 0 || force[i]
		if k != want || meta[i].Keyframe != want {
			t.Fatalf("frame %d: ffprobe key %v, AU key %v, want %v", i, k, meta[i].Keyframe, want)
		}
	}
	if s := vt.Stats(); s.Keyframes != 3 || s.Encoded != 60 {
		t.Fatalf("stats %+v", s)
	}
}

// genVP8 makes a VP8 clip of the given size with FFmpeg.
func genVP8(t *testing.T, w, h int, seconds float64) []Unit {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clip.ivf")
	src := fmt.Sprintf("testsrc2=size=%dx%d:rate=15:duration=%g", w, h, seconds)
	out, err := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", src, "-c:v", "libvpx",
		"-g", "15", "-deadline", "realtime", "-cpu-used", "8", "-y", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	return loadUnits(t, VP8, path)
}

// A source that changes size mid-stream: the old pictures are all output
// at the old size, then the first picture at the new size is a keyframe
// marked ResolutionChanged; FFmpeg decodes the whole stream.
func TestVideoResolutionChange(t *testing.T) {
	first := loadUnits(t, VP8, filepath.Join(testpub.MediaDir(), "vp8_640x360_15fps.ivf"))[:45]
	second := genVP8(t, 320, 240, 1)
	units := append([]Unit(nil), first...)
	for _, u := range second {
		u.PTS += 45 * 6000
		units = append(units, u)
	}
	vt, err := NewVideoTranscoder(VideoConfig{Input: VP8})
	if err != nil {
		t.Fatal(err)
	}
	defer vt.Close()
	data, meta := transcodeAll(t, vt, units, nil)
	if len(meta) != len(units) {
		t.Fatalf("%d AUs from %d frames", len(meta), len(units))
	}
	for i, m := range meta {
		wantSize := [2]int{640, 360}
		if i >= 45 {
			wantSize = [2]int{320, 240}
		}
		if [2]int{m.Width, m.Height} != wantSize || m.ResolutionChanged != (i == 45) || i == 45 && !m.Keyframe {
			t.Fatalf("AU %d: %+v", i, m)
		}
	}
	dir := t.TempDir()
	seg := segmenter(t, dir, hls.Config{Video: hls.CodecH264})
	for i, m := range meta { // the segmenter cuts at the new SPS size itself
		if err := seg.WriteH264(m.PTS, m.DTS, bitstream.SplitAnnexB(nil, data[i])); err != nil {
			t.Fatal(err)
		}
	}
	if err := seg.Close(); err != nil {
		t.Fatal(err)
	}
	if err := oracle.Decode(filepath.Join(dir, "rec.m3u8")); err != nil {
		t.Fatal(err)
	}
	if pl, err := os.ReadFile(filepath.Join(dir, "rec.m3u8")); err != nil || !strings.Contains(string(pl), "#EXT-X-DISCONTINUITY") {
		t.Fatalf("playlist without a discontinuity at the size change (%v):\n%s", err, pl)
	}
	es := filepath.Join(dir, "out.h264")
	writeH264(t, es, data)
	_, sizes := probeFrames(t, es)
	if len(sizes) != len(units) || sizes[44] != [2]int{640, 360} || sizes[45] != [2]int{320, 240} {
		t.Fatalf("ffprobe sizes around the change: %d frames, %v", len(sizes), sizes[43:47])
	}
	if s := vt.Stats(); s.Resizes != 1 {
		t.Fatalf("stats %+v", s)
	}
}

// An odd-sized source loses its last column and row.
func TestVideoOddSize(t *testing.T) {
	units := genVP8(t, 321, 181, 1)
	vt, err := NewVideoTranscoder(VideoConfig{Input: VP8})
	if err != nil {
		t.Fatal(err)
	}
	defer vt.Close()
	data, meta := transcodeAll(t, vt, units, nil)
	es := filepath.Join(t.TempDir(), "out.h264")
	writeH264(t, es, data)
	_, sizes := probeFrames(t, es)
	if len(sizes) != 15 || sizes[0] != [2]int{320, 180} || meta[0].Width != 320 || meta[0].Height != 180 {
		t.Fatalf("%d frames, sizes %v", len(sizes), sizes)
	}
}

// Input before the first keyframe is dropped; a frame the decoder rejects
// returns ErrInvalidData and the transcoder waits for the next keyframe.
func TestVideoKeyframeWaitAndCorruptInput(t *testing.T) {
	units := loadUnits(t, VP8, filepath.Join(testpub.MediaDir(), "vp8_640x360_15fps.ivf"))
	vt, err := NewVideoTranscoder(VideoConfig{Input: VP8})
	if err != nil {
		t.Fatal(err)
	}
	defer vt.Close()
	n := 0
	for i, u := range units[1:45] {
		if i == 19 { // frame 20: corrupt (a keyframe header promising more than it has)
			u = Unit{PTS: u.PTS, Data: []byte{0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0x68, 0x01, 0xff}}
		}
		aus, err := vt.Write(u)
		if i == 19 && !errors.Is(err, ErrInvalidData) {
			t.Fatalf("corrupt frame: err %v, want ErrInvalidData", err)
		}
		if i != 19 && err != nil {
			t.Fatalf("frame %d: %v", i+1, err)
		}
		n += len(aus)
	}
	aus, err := vt.Flush()
	if err != nil {
		t.Fatal(err)
	}
	n += len(aus)
	s := vt.Stats()
	// 14 dropped before frame 15, frames 15..19 encoded, 20 rejected,
	// 21..29 dropped waiting, 30..44 encoded.
	if s.WaitingKeyframe != 14+9 || s.Invalid != 1 || n != 5+15 || s.Encoded != n {
		t.Fatalf("stats %+v, %d AUs", s, n)
	}
}

// Encoder names that do not exist or encode another codec fail with clear
// errors; one that exists but cannot open here fails on the first picture.
func TestVideoEncoderNames(t *testing.T) {
	_, err := NewVideoTranscoder(VideoConfig{Input: VP8, Encoding: VideoEncoding{Encoder: "h264_nope"}})
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), `"h264_nope"`) || !strings.Contains(err.Error(), "libx264") {
		t.Fatalf("unknown encoder: %v", err)
	}
	_, err = NewVideoTranscoder(VideoConfig{Input: VP8, Encoding: VideoEncoding{Encoder: "libvpx"}})
	if !errors.Is(err, errcode.InvalidParameter.Detail("Encoder")) {
		t.Fatalf("VP8 encoder as H.264: %v", err)
	}
	_, err = NewVideoTranscoder(VideoConfig{Input: Opus})
	if !errors.Is(err, errcode.InvalidParameter.Detail("Input")) {
		t.Fatalf("Opus input: %v", err)
	}
	if _, err := FindEncoder(H264, "h264_vaapi"); err != nil {
		t.Logf("h264_vaapi not in this build: %v", err)
		return
	}
	vt, err := NewVideoTranscoder(VideoConfig{Input: VP8, Encoding: VideoEncoding{Encoder: "h264_vaapi"}})
	if err != nil {
		t.Fatal(err)
	}
	defer vt.Close()
	units := loadUnits(t, VP8, filepath.Join(testpub.MediaDir(), "vp8_640x360_15fps.ivf"))
	if _, err := vt.Write(units[0]); !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "h264_vaapi") {
		t.Fatalf("h264_vaapi without a device: %v", err)
	}
}

// Close is idempotent and every call after it returns ErrClosed.
func TestVideoTranscoderClose(t *testing.T) {
	vt, err := NewVideoTranscoder(VideoConfig{Input: VP8})
	if err != nil {
		t.Fatal(err)
	}
	units := loadUnits(t, VP8, filepath.Join(testpub.MediaDir(), "vp8_640x360_15fps.ivf"))
	if _, err := vt.Write(units[0]); err != nil {
		t.Fatal(err)
	}
	closeTwice(t, vt)
	if _, err := vt.Write(units[1]); !errors.Is(err, ErrClosed) {
		t.Fatalf("Write after Close: %v", err)
	}
	if _, err := vt.Flush(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Flush after Close: %v", err)
	}
}
