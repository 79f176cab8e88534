package merge

import (
	"bytes"
	"context"
	"math"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/oracle"
	"github.com/roomrec/roomrec/naming"
)

// TestRunReencode checks when -p and -r re-encode and what they give:
// erin records 15 fps 640x360 video with AAC audio at 0–6 s and 26–30 s.
func TestRunReencode(t *testing.T) {
	dir := t.TempDir()
	runs := []run{{0, 6 * time.Second}, {26 * time.Second, 4 * time.Second}}
	record(t, dir,
		stream{user: "erin", media: naming.MediaMain, kind: naming.TrackVideo, codec: hls.CodecH264, runs: runs},
		stream{user: "erin", media: naming.MediaMain, kind: naming.TrackAudio, codec: hls.CodecAAC, runs: runs},
	)
	first, second := name("erin", 0, "_av.mp4"), name("erin", 26*time.Second, "_av.mp4")
	tests := []struct {
		name     string
		opts     Options
		files    []string
		dur      []float64
		reencode bool
		w, h     int
		fps      float64 // frames per second of media
		box      bool    // letterboxed: black bars above and below
	}{
		{"same rate", Options{FPS: 15}, []string{first, second}, []float64{6, 4}, false, 640, 360, 15, false},
		{"same size", Options{Width: 640, Height: 360}, []string{first, second}, []float64{6, 4}, false, 640, 360, 15, false},
		{"double rate", Options{FPS: 30}, []string{first, second}, []float64{6, 4}, true, 640, 360, 30, false},
		{"rate clamped to 5", Options{FPS: 3}, []string{first, second}, []float64{6, 4}, true, 640, 360, 5, false},
		{"smaller, kept aspect, merged without gaps", Options{Width: 320, Height: 240, Mode: ModeMerge, Save: true},
			[]string{first}, []float64{10}, true, 320, 240, 15, true},
		{"merged with the gap", Options{Width: 320, Height: 180, FPS: 10, Mode: ModeMerge},
			[]string{first}, []float64{30}, true, 320, 180, 10, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Dir, tc.opts.Out = dir, t.TempDir()
			start := time.Now()
			outs, err := Run(context.Background(), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%v", time.Since(start))
			if len(outs) != len(tc.files) {
				t.Fatalf("%d outputs, want %v", len(outs), tc.files)
			}
			for i, o := range outs {
				if o.Name != tc.files[i] || o.Reencoded != tc.reencode {
					t.Errorf("output %s re-encoded %v, want %s %v", o.Name, o.Reencoded, tc.files[i], tc.reencode)
				}
				checkFile(t, o.Path, want{name: o.Name, dur: tc.dur[i], video: true, width: tc.w, height: tc.h})
				checkFrames(t, o.Path, tc.fps, media(runs, tc.opts.Mode, i))
				if tc.box != letterboxed(t, o.Path) {
					t.Errorf("%s: letterboxed %v, want %v", o.Name, !tc.box, tc.box)
				}
			}
		})
	}
}

// media returns the seconds of video in output i.
func media(runs []run, mode Mode, i int) float64 {
	if mode == ModeMerge {
		var d time.Duration
		for _, r := range runs {
			d += r.dur
		}
		return d.Seconds()
	}
	return runs[i].dur.Seconds()
}

// checkFrames checks that the video has fps frames per second of media
// (the last picture of a run may be held, not repeated, through a gap).
func checkFrames(t *testing.T, path string, fps, seconds float64) {
	t.Helper()
	info, err := oracle.Probe(path, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range info.Streams {
		if s.CodecType != "video" {
			continue
		}
		if want := fps * seconds; math.Abs(float64(s.Frames())-want) > 2 {
			t.Errorf("%s: %d frames, want %.0f (%v fps for %.0f s)", filepath.Base(path), s.Frames(), want, fps, seconds)
		}
	}
}

// letterboxed reports whether the picture at 1 s has black top and
// bottom rows and a non-black middle row.
func letterboxed(t *testing.T, path string) bool {
	t.Helper()
	cmd := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-ss", "1", "-i", path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, errOut.String())
	}
	info, err := oracle.Probe(path, false)
	if err != nil {
		t.Fatal(err)
	}
	w := info.Streams[0].Width
	rows := out.Len() / w
	mean := func(y int) int {
		sum := 0
		for _, v := range out.Bytes()[y*w : (y+1)*w] {
			sum += int(v)
		}
		return sum / w
	}
	if mean(rows/2) < 40 {
		t.Errorf("%s: the middle of the picture is black", filepath.Base(path))
	}
	return mean(0) < 24 && mean(rows-1) < 24
}

// TestReencodeDecision checks reencodeFor against measured recordings.
func TestReencodeDecision(t *testing.T) {
	f := func(w, h int, step int64) piece {
		return piece{file: &tsFile{info: tsInfo{width: w, height: h, step: step}}}
	}
	tests := []struct {
		opts  Options
		video []piece
		want  bool
		spec  encodeSpec
	}{
		{Options{}, []piece{f(640, 360, 6000)}, false, encodeSpec{}},
		{Options{FPS: 15}, []piece{f(640, 360, 6000), f(640, 360, 6300)}, false, encodeSpec{}},
		{Options{FPS: 15}, []piece{f(640, 360, 6000), f(640, 360, 3000)}, true, encodeSpec{0, 0, 15}},
		{Options{FPS: 30}, []piece{f(640, 360, 3003)}, false, encodeSpec{}},
		{Options{FPS: 24}, []piece{f(640, 360, 3003)}, true, encodeSpec{0, 0, 24}},
		{Options{Width: 640, Height: 360}, []piece{f(640, 360, 6000)}, false, encodeSpec{}},
		{Options{Width: 640, Height: 360}, []piece{f(640, 360, 6000), f(1280, 720, 6000)}, true, encodeSpec{640, 360, DefaultFPS}},
		{Options{Width: 320, Height: 180, FPS: 8}, []piece{f(640, 360, 6000)}, true, encodeSpec{320, 180, 8}},
	}
	for i, tc := range tests {
		spec, ok := tc.opts.reencodeFor(&job{video: tc.video})
		if ok != tc.want || spec != tc.spec {
			t.Errorf("case %d: %v %+v, want %v %+v", i, ok, spec, tc.want, tc.spec)
		}
	}
}

func TestFitRect(t *testing.T) {
	tests := []struct{ sw, sh, w, h, x, y, fw, fh int }{
		{640, 360, 320, 240, 0, 30, 320, 180},
		{640, 360, 320, 180, 0, 0, 320, 180},
		{360, 640, 640, 360, 218, 0, 202, 360},
		{641, 361, 640, 360, 0, 0, 640, 360},
		{0, 0, 64, 48, 0, 0, 64, 48},
	}
	for _, tc := range tests {
		r := fitRect(tc.sw, tc.sh, tc.w, tc.h)
		if r.X != tc.x || r.Y != tc.y || r.Width != tc.fw || r.Height != tc.fh {
			t.Errorf("fitRect(%d, %d, %d, %d) = %+v, want %d,%d %dx%d", tc.sw, tc.sh, tc.w, tc.h, r, tc.x, tc.y, tc.fw, tc.fh)
		}
	}
}

// ffmpegVolume returns ffmpeg's max_volume of the audio of path in dB.
func ffmpegVolume(t *testing.T, path string) float64 {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-nostdin", "-i", path, "-map", "0:a", "-af", "volumedetect", "-f", "null", "-").CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, out)
	}
	_, rest, ok := strings.Cut(string(out), "max_volume: ")
	v, _, _ := strings.Cut(rest, " dB")
	f, err := strconv.ParseFloat(v, 64)
	if !ok || err != nil {
		t.Fatalf("no max_volume in %s", out)
	}
	return f
}
