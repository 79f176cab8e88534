package mp4

import (
	"bytes"
	"math"
	"path/filepath"
	"testing"
)

// shift returns the frames with their timestamps moved by d ticks.
func shift(fs []frame, d int64) []frame {
	out := make([]frame, len(fs))
	for i, f := range fs {
		f.pts, f.dts = f.pts+d, f.dts+d
		out[i] = f
	}
	return out
}

// TestConvertTimeline records two runs of the clips (10 s each) in one
// mixed playlist and checks where the second lands in the MP4:
//   - gap: the timestamps jump 5 s forward (the segmenter marks a
//     discontinuity on the same timeline): the gap is kept;
//   - new timeline: Discontinuity() and the timestamps restart at 0: the
//     second run continues at the end of the first (10.02 s, the audio's end);
//   - wrap: the 33-bit timestamps wrap in the middle: nothing shows.
func TestConvertTimeline(t *testing.T) {
	const wrapStart = 1<<33 - 5*90000
	cases := []struct {
		name       string
		first      int64 // first run's start (ticks)
		second     int64 // second run's start (ticks)
		restart    bool  // call Discontinuity between the runs
		secondAt   float64
		duration   float64
		sameTiming bool // MP4 timestamps = TS timestamps (relative)
	}{
		{"gap", 0, 15 * 90000, false, 15, 25.02, true},
		{"new-timeline", 90000, 0, true, 10.02, 20.04, false},
		{"wrap", wrapStart, wrapStart + 901800, false, 10.02, 20.04, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			m := clipMedia(t, 1)
			s := segmenter(t, dir, "rec", m, m.vcodec, m.acodec, testStart, 0)
			feed(t, s, media{vcodec: m.vcodec, acodec: m.acodec, video: shift(m.video, c.first), audio: shift(m.audio, c.first)}, 0)
			if c.restart {
				s.Discontinuity()
			}
			feed(t, s, media{vcodec: m.vcodec, acodec: m.acodec, video: shift(m.video, c.second), audio: shift(m.audio, c.second)}, 0)
			closeSeg(t, s)
			parts := convertDir(t, dir, []string{"rec.m3u8"}, Options{})
			path := filepath.Join(dir, parts[0].Name)
			info := checkOracle(t, path)
			if d := info.Duration(); math.Abs(d-c.duration) > 0.05 {
				t.Fatalf("duration %.3f s, want %.3f", d, c.duration)
			}
			_, tracks := readMP4(t, path)
			ts := tsFrames(t, dir, "rec.m3u8")
			if c.sameTiming {
				checkSamples(t, tracks[0], ts.video, true, false)
				checkSamples(t, tracks[1], ts.audio, false, false)
			}
			checkSecondRun(t, tracks, ts, c.secondAt)
			seekDecodes(t, path, c.secondAt+1)
		})
	}
}

// checkSecondRun checks that both tracks hold the TS samples and that the
// second half of each starts at secondAt seconds.
func checkSecondRun(t *testing.T, tracks []mp4Track, ts tsContent, secondAt float64) {
	t.Helper()
	for k, tr := range tracks {
		want := ts.video
		if k == 1 {
			want = ts.audio
		}
		if len(tr.samples) != len(want) {
			t.Fatalf("%s: %d samples, want %d", tr.handler, len(tr.samples), len(want))
		}
		for i, s := range tr.samples {
			if w := want[i].data; (k == 0 && !bytes.Equal(s.data, avcc(w, false))) || (k == 1 && !bytes.Equal(s.data, w[0])) {
				t.Fatalf("%s sample %d differs from the TS", tr.handler, i)
			}
		}
		at := float64(tr.samples[len(want)/2].dts) / float64(tr.timescale)
		if math.Abs(at-secondAt) > 0.02 {
			t.Fatalf("%s: the second run starts at %.3f s, want %.3f", tr.handler, at, secondAt)
		}
	}
}
