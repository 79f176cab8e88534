package merge

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/oracle"
	"github.com/roomrec/roomrec/naming"
)

// The test room (t0 = 0 s):
//
//	alice  main video + AAC audio: 0–12 s, 17–25 s (a 5 s gap), 45–53 s
//	       (a 20 s gap); audio starts 0.2 s after the video
//	       aux video 27–35 s, inside the 20 s gap
//	bob    aux video + AAC audio 0–8 s, then a recovery (ha1_ files,
//	       timestamps from 0 again) 10–16 s
//	carol  Opus audio only, 3–9 s
//	dave   main video 0–4 s and 30–34 s, AAC audio 0–4 s only
var (
	roomOnce sync.Once
	roomDir  string
)

// room returns the folder of the test room, recorded once.
func room(t *testing.T) string {
	t.Helper()
	roomOnce.Do(func() {
		dir, err := os.MkdirTemp("", "merge-room")
		if err != nil {
			t.Fatal(err)
		}
		roomDir = dir
		runsA := []run{{0, 12 * time.Second}, {17 * time.Second, 8 * time.Second}, {45 * time.Second, 8 * time.Second}}
		audioA := slices.Clone(runsA)
		audioA[0] = run{200 * time.Millisecond, 11800 * time.Millisecond}
		runsB := []run{{0, 8 * time.Second}, {10 * time.Second, 6 * time.Second}}
		record(t, dir,
			stream{user: "alice", media: naming.MediaMain, kind: naming.TrackVideo, codec: hls.CodecH264, runs: runsA},
			stream{user: "alice", media: naming.MediaMain, kind: naming.TrackAudio, codec: hls.CodecAAC, runs: audioA},
			stream{user: "alice", media: naming.MediaAux, kind: naming.TrackVideo, codec: hls.CodecH264, runs: []run{{27 * time.Second, 8 * time.Second}}},
			stream{user: "bob", media: naming.MediaAux, kind: naming.TrackVideo, codec: hls.CodecH264, runs: runsB, newTimeline: true},
			stream{user: "bob", media: naming.MediaMain, kind: naming.TrackAudio, codec: hls.CodecAAC, runs: runsB, newTimeline: true},
			stream{user: "carol", media: naming.MediaMain, kind: naming.TrackAudio, codec: hls.CodecOpus, runs: []run{{3 * time.Second, 6 * time.Second}}},
			stream{user: "dave", media: naming.MediaMain, kind: naming.TrackVideo, codec: hls.CodecH264, runs: []run{{0, 4 * time.Second}, {30 * time.Second, 4 * time.Second}}},
			stream{user: "dave", media: naming.MediaMain, kind: naming.TrackAudio, codec: hls.CodecAAC, runs: []run{{0, 4 * time.Second}}},
		)
	})
	if roomDir == "" {
		t.Fatal("the test room could not be recorded")
	}
	return roomDir
}

// want is an expected output file.
type want struct {
	name   string  // file name
	dur    float64 // seconds
	video  bool
	width  int // 0: 640
	height int
	vdur   float64 // duration of the video stream when not dur
}

// enc returns the encoded user id and the name stamp of t0 + at.
func name(user string, at time.Duration, suffix string) string {
	return naming.EncodeID(user) + "_" + stamp(t0.Add(at)) + suffix
}

func TestRun(t *testing.T) {
	dir := room(t)
	alice0 := name("alice", 0, "_av.mp4")
	dave0, dave30 := want{name("dave", 0, "_av.mp4"), 4, true, 0, 0, 0}, want{name("dave", 30*time.Second, "_av.mp4"), 4, true, 0, 0, 0}
	tests := []struct {
		name string
		opts Options
		want []want
		errs []error
	}{
		{"segments, main video", Options{}, []want{
			{alice0, 25, true, 0, 0, 0},
			{name("alice", 45*time.Second, "_av.mp4"), 8, true, 0, 0, 0},
			{name("carol", 3*time.Second, ".m4a"), 6, false, 0, 0, 0},
			dave0, dave30,
		}, []error{ErrNoVideo}},
		{"segments, auto", Options{AV: AVAuto}, []want{
			dave0, dave30,
			{alice0, 25, true, 0, 0, 0},
			{name("alice", 45*time.Second, "_av.mp4"), 8, true, 0, 0, 0},
			{name("bob", 0, "_av.mp4"), 16, true, 0, 0, 0},
			{name("carol", 3*time.Second, ".m4a"), 6, false, 0, 0, 0},
		}, nil},
		{"segments, aux video bridges the gaps", Options{AV: AVAux}, []want{
			{name("alice", 200*time.Millisecond, "_av.mp4"), 52.8, true, 0, 0, 8},
			{name("bob", 0, "_av.mp4"), 16, true, 0, 0, 0},
			{name("carol", 3*time.Second, ".m4a"), 6, false, 0, 0, 0},
		}, []error{ErrNoVideo}},
		{"merge, gaps filled", Options{Mode: ModeMerge, AV: AVAuto}, []want{
			{name("dave", 0, "_av.mp4"), 34, true, 0, 0, 0},
			{alice0, 53, true, 0, 0, 0},
			{name("bob", 0, "_av.mp4"), 16, true, 0, 0, 0},
			{name("carol", 3*time.Second, ".m4a"), 6, false, 0, 0, 0},
		}, nil},
		{"merge, save mode", Options{Mode: ModeMerge, Save: true, AV: AVAuto}, []want{
			{name("dave", 0, "_av.mp4"), 8, true, 0, 0, 0},
			{alice0, 33, true, 0, 0, 0},
			{name("bob", 0, "_av.mp4"), 16, true, 0, 0, 0},
			{name("carol", 3*time.Second, ".m4a"), 6, false, 0, 0, 0},
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Dir, tc.opts.Out = dir, t.TempDir()
			outs, err := Run(context.Background(), tc.opts)
			checkErrs(t, err, tc.errs)
			checkOutputs(t, tc.opts.Out, outs, tc.want)
			if tc.opts.Mode == ModeMerge {
				// alice's runs start at 17 s and 45 s, or 25 s when the gap is removed.
				path, third := filepath.Join(tc.opts.Out, alice0), 45.0
				if tc.opts.Save {
					third = 25
				}
				checkTimeline(t, path, []float64{0, 17, third}, [][2]float64{{12.1, 16.9}, {25.1, third - 0.1}})
			}
		})
	}
}

// checkTimeline checks that the video of path has a keyframe at each of
// keys (a run starts) and that its audio is silent in the silent spans
// and not just after each key.
func checkTimeline(t *testing.T, path string, keys []float64, silent [][2]float64) {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v", "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if !strings.Contains(string(out), fmt.Sprintf("%.6f,K", k)) {
			t.Errorf("%s: no keyframe at %v s", filepath.Base(path), k)
		}
		if v := spanVolume(t, path, k+0.1, k+2); v < -40 {
			t.Errorf("%s: audio at %.1f s is silent (%.1f dB)", filepath.Base(path), k, v)
		}
	}
	for _, s := range silent {
		if s[1] <= s[0] {
			continue
		}
		if v := spanVolume(t, path, s[0], s[1]); v > -90 {
			t.Errorf("%s: audio from %.1f s to %.1f s is not silent (%.1f dB)", filepath.Base(path), s[0], s[1], v)
		}
	}
}

// spanVolume returns the max volume (dB) of path's audio from from to to
// seconds.
func spanVolume(t *testing.T, path string, from, to float64) float64 {
	t.Helper()
	cut := filepath.Join(t.TempDir(), "span.wav")
	cmd := exec.Command("ffmpeg", "-nostdin", "-v", "error", "-ss", fmt.Sprint(from), "-to", fmt.Sprint(to), "-i", path, "-map", "0:a", cut)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, b)
	}
	return ffmpegVolume(t, cut)
}

// checkErrs checks that err joins errors matching want, in order.
func checkErrs(t *testing.T, err error, want []error) {
	t.Helper()
	var got []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		got = j.Unwrap()
	} else if err != nil {
		got = []error{err}
	}
	if len(got) != len(want) {
		t.Fatalf("errors %v, want %d matching %v", err, len(want), want)
	}
	for i := range want {
		if !errors.Is(got[i], want[i]) {
			t.Errorf("error %d = %v, want %v", i, got[i], want[i])
		}
	}
}

// checkOutputs checks the outputs against want with ffprobe and ffmpeg.
func checkOutputs(t *testing.T, dir string, outs []Output, wants []want) {
	t.Helper()
	var names []string
	for _, o := range outs {
		names = append(names, o.Name)
	}
	wants = slices.Clone(wants)
	slices.SortFunc(wants, func(a, b want) int { return strings.Compare(a.name, b.name) })
	if !slices.IsSorted(names) {
		t.Errorf("outputs %v are not in the order of the encoded user ids and times", names)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(outs) != len(wants) || len(files) != len(wants) {
		t.Fatalf("outputs %v (files %v), want %d: %v", names, files, len(wants), wants)
	}
	for i, w := range wants {
		o := outs[i]
		if o.Name != w.name || o.Video != w.video || !o.Audio {
			t.Errorf("output %d = %s video %v audio %v, want %s video %v", i, o.Name, o.Video, o.Audio, w.name, w.video)
		}
		if d := o.Duration.Seconds(); math.Abs(d-w.dur) > 0.15 {
			t.Errorf("%s: Duration %.3f s, want %.1f", o.Name, d, w.dur)
		}
		checkFile(t, o.Path, w)
	}
}

// checkFile checks one file with ffprobe (streams, duration, size) and
// ffmpeg (it decodes without a complaint).
func checkFile(t *testing.T, path string, w want) {
	t.Helper()
	info, err := oracle.Probe(path, false)
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Base(path)
	if d := info.Duration(); math.Abs(d-w.dur) > 0.15 {
		t.Errorf("%s: ffprobe duration %.3f s, want %.1f", base, d, w.dur)
	}
	var kinds []string
	for _, s := range info.Streams {
		kinds = append(kinds, s.CodecType)
		if s.CodecType == "video" {
			wd, ht := cmpOr(w.width, 640), cmpOr(w.height, 360)
			if s.Width != wd || s.Height != ht {
				t.Errorf("%s: video %dx%d, want %dx%d", base, s.Width, s.Height, wd, ht)
			}
		}
		wd := w.dur
		if s.CodecType == "video" && w.vdur != 0 {
			wd = w.vdur
		}
		if d, _ := time.ParseDuration(s.Duration + "s"); math.Abs(d.Seconds()-wd) > 0.15 {
			t.Errorf("%s: %s stream lasts %s s, want %.1f", base, s.CodecType, s.Duration, wd)
		}
	}
	wantKinds := "audio"
	if w.video {
		wantKinds = "video,audio"
	}
	if got := strings.Join(kinds, ","); got != wantKinds {
		t.Errorf("%s: streams %s, want %s", base, got, wantKinds)
	}
	if err := oracle.Decode(path); err != nil {
		t.Error(err)
	}
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}
