package mp4

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/hls"
)

// splitCases are the recordings and limits of TestConvertSplits; total is
// the recording's length, lostVideo the video frames dropped after a cut
// without a keyframe.
var splitCases = []struct {
	name      string
	media     func(t *testing.T) media
	separate  bool
	opts      Options
	parts     int
	total     float64
	lostVideo int
}{
	{"duration", func(t *testing.T) media { return clipMedia(t, 6) }, false,
		Options{MaxDuration: 25 * time.Second}, 3, 60.12, 0},
	{"size", func(t *testing.T) media { return clipMedia(t, 6) }, false,
		Options{MaxSize: 600_000}, 5, 60.12, 0},
	{"size-separate", func(t *testing.T) media { return clipMedia(t, 3) }, true,
		Options{MaxSize: 400_000}, 4, 30.06, 0},
	{"audio-only", func(t *testing.T) media {
		m := clipMedia(t, 2)
		m.vcodec, m.video = hls.CodecNone, nil
		return m
	}, false, Options{MaxDuration: 3 * time.Second}, 7, 20.04, 0},
	{"long-gop", func(t *testing.T) media {
		v, _, _, _ := ffmpegTS(t, "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15:duration=20",
			"-c:v", "libx264", "-preset", "veryfast", "-bf", "0", "-g", "150", "-keyint_min", "150", "-sc_threshold", "0")
		return media{vcodec: hls.CodecH264, video: v}
	}, false, Options{MaxDuration: 4 * time.Second}, 2, 8, 2 * (150 - 60)},
}

// TestConvertSplits converts recordings with small limits and checks every
// part: named _1, _2, … (never the unsplit name), within the limits, clean
// for FFmpeg, video starting with a keyframe, each part starting where the
// one before ended, and all parts together holding the TS samples
// byte for byte.
func TestConvertSplits(t *testing.T) {
	for _, c := range splitCases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			m := c.media(t)
			keys := record(t, dir, m, layout{name: "rec", separate: c.separate})
			var lost int
			c.opts.OnDecodeError = func(err error) {
				var n int
				_, msg, _ := strings.Cut(err.Error(), ErrDamaged.Error()+": ")
				if _, serr := fmt.Sscanf(msg, "%d video frames", &n); !errors.Is(err, ErrDamaged) || serr != nil {
					t.Errorf("unexpected decode error: %v", err)
				}
				lost += n
			}
			parts := convertDir(t, dir, keys, c.opts)
			if len(parts) != c.parts || lost != c.lostVideo {
				t.Fatalf("%d parts, %d video frames lost; want %d and %d", len(parts), lost, c.parts, c.lostVideo)
			}
			var all [2][]mp4Sample
			var sum float64
			for i, p := range parts {
				checkPart(t, dir, p, i, c.opts)
				sum += p.Duration.Seconds()
				_, tracks := readMP4(t, filepath.Join(dir, p.Name))
				for _, tr := range tracks {
					k := 0
					if tr.handler == "soun" {
						k = 1
					}
					if k == 0 && !tr.samples[0].sync {
						t.Fatalf("part %d: the video starts with a sample that is not a keyframe", i+1)
					}
					all[k] = append(all[k], tr.samples...)
				}
				if i > 0 {
					prev := parts[i-1]
					if gap := p.Start.Sub(prev.Start.Add(prev.Duration)); gap < -120*time.Millisecond || gap > 120*time.Millisecond && c.lostVideo == 0 {
						t.Fatalf("part %d starts %v after the end of part %d", i+1, gap, i)
					}
				}
			}
			if c.lostVideo == 0 && math.Abs(sum-c.total) > 0.12*float64(len(parts)-1)+0.02 {
				t.Fatalf("the parts last %.3f s together, want %.3f", sum, c.total)
			}
			var ts tsContent
			for _, k := range keys {
				c := tsFrames(t, dir, k)
				ts.video, ts.audio = append(ts.video, c.video...), append(ts.audio, c.audio...)
			}
			compareData(t, all[0], ts.video, true, c.lostVideo)
			compareData(t, all[1], ts.audio, false, 0)
		})
	}
}

// checkPart checks one part of a split recording.
func checkPart(t *testing.T, dir string, p Part, i int, opts Options) {
	t.Helper()
	if want := fmt.Sprintf("out/rec_%d.mp4", i+1); p.Name != want {
		t.Fatalf("part %d is named %s, want %s", i+1, p.Name, want)
	}
	path := filepath.Join(dir, p.Name)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() != p.Size || (opts.MaxSize > 0 && p.Size > opts.MaxSize) {
		t.Fatalf("part %d: %d bytes (Part says %d), limit %d", i+1, st.Size(), p.Size, opts.MaxSize)
	}
	if opts.MaxDuration > 0 && p.Duration > opts.MaxDuration {
		t.Fatalf("part %d lasts %v, limit %v", i+1, p.Duration, opts.MaxDuration)
	}
	info := checkOracle(t, path)
	if d := info.Duration(); math.Abs(d-p.Duration.Seconds()) > 0.002 {
		t.Fatalf("part %d: ffprobe says %.3f s, Part %v", i+1, d, p.Duration)
	}
}

// compareData checks that the samples of all parts are the TS frames, in
// order and byte for byte; lost video frames (after a cut without a
// keyframe) may be missing.
func compareData(t *testing.T, got []mp4Sample, want []frame, video bool, lost int) {
	t.Helper()
	if len(got)+lost != len(want) {
		t.Fatalf("%d samples in the parts (+%d lost), want %d", len(got), lost, len(want))
	}
	j := 0
	for i, s := range got {
		for ; j < len(want); j++ {
			w := want[j].data[0]
			if video {
				w = avcc(want[j].data, false)
			}
			if bytes.Equal(s.data, w) {
				break
			}
			if lost == 0 {
				t.Fatalf("sample %d differs from the TS", i)
			}
		}
		if j == len(want) {
			t.Fatalf("sample %d is not in the TS", i)
		}
		j++
	}
}
