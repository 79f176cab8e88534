package merge

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/internal/mpegts"
	"github.com/roomrec/roomrec/internal/oracle"
)

// TestSilence decodes the silence segments with ffmpeg: no complaint, the
// expected duration, and digital silence.
func TestSilence(t *testing.T) {
	aac := func(rateIdx byte, channels int) audioFormat {
		return audioFormat{codec: mpegts.AAC, rate: aacRates[rateIdx], channels: channels, profile: 1, rateIdx: rateIdx, chanCfg: byte(channels)}
	}
	tests := []struct {
		name   string
		format audioFormat
	}{
		{"AAC 48 kHz mono", aac(3, 1)},
		{"AAC 44.1 kHz stereo", aac(4, 2)},
		{"AAC 16 kHz mono", aac(8, 1)},
		{"Opus mono", audioFormat{codec: mpegts.Opus, rate: 48000, channels: 1}},
		{"Opus without channel descriptor", audioFormat{codec: mpegts.Opus, rate: 48000}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.format.canSilence(); err != nil {
				t.Fatal(err)
			}
			s := newSilence(tc.format, 0, 3*90000)
			if s.end() > 3*90000 || 3*90000-s.end() >= tc.format.frameTicks()+1 {
				t.Errorf("silence ends at %d, want within one frame before %d", s.end(), 3*90000)
			}
			b, err := s.build()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "silence.ts")
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := oracle.Decode(path); err != nil {
				t.Fatal(err)
			}
			if v := ffmpegVolume(t, path); v > -90 {
				t.Errorf("max volume %.1f dB, want silence", v)
			}
			inf, err := probe(bytes.NewReader(b), false, func(err error) { t.Error(err) })
			if err != nil {
				t.Fatal(err)
			}
			if inf.end != s.end()-s.pts || inf.first != timelineBase {
				t.Errorf("probe: first %d end %d, want %d %d", inf.first, inf.end, timelineBase, s.end()-s.pts)
			}
		})
	}
	bad := []audioFormat{
		{codec: mpegts.AAC, rate: 48000, channels: 6, profile: 1, rateIdx: 3, chanCfg: 6},
		{codec: mpegts.AAC, rate: 48000, channels: 2, profile: 0, rateIdx: 3, chanCfg: 2},
		{},
	}
	for _, f := range bad {
		if f.canSilence() == nil {
			t.Errorf("canSilence(%+v) = nil, want an error", f)
		}
	}
}

// TestRetime moves a recorded segment's timestamps (across the 33-bit
// wrap) and checks that only the timestamps changed.
func TestRetime(t *testing.T) {
	users, err := listFolder(room(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []*tsFile{users[1].mainVideo[1], users[1].mainAudio[1]} {
		orig, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		in, err := probe(bytes.NewReader(orig), f.video, func(err error) { t.Error(err) })
		if err != nil {
			t.Fatal(err)
		}
		for _, off := range []int64{0, 90000, mpegts.Wrap - in.first - 1000, -in.first} {
			// An odd reader size checks packets cut across reads.
			out, err := io.ReadAll(io.LimitReader(newRetimeReader(oddReader{bytes.NewReader(orig)}, off, nil), 1<<30))
			if err != nil {
				t.Fatal(err)
			}
			got, err := probe(bytes.NewReader(out), f.video, func(err error) { t.Error(err) })
			if err != nil {
				t.Fatal(err)
			}
			if got.first != (in.first+off)&mpegts.Mask || got.end != in.end || got.frames != in.frames {
				t.Errorf("%s +%d: first %d end %d frames %d, want %d %d %d", f.name, off, got.first, got.end, got.frames, (in.first+off)&mpegts.Mask, in.end, in.frames)
			}
			if diff := diffBytes(orig, out); len(out) != len(orig) || diff > got.frames*12+len(orig)/188*6 {
				t.Errorf("%s: %d bytes differ", f.name, diff)
			}
		}
	}
	// Not MPEG-TS: passed through unchanged.
	junk := []byte(strings.Repeat("junk", 200))
	out, err := io.ReadAll(newRetimeReader(bytes.NewReader(junk), 5, nil))
	if err != nil || !bytes.Equal(out, junk) {
		t.Errorf("junk through retimeReader: %v, equal %v", err, bytes.Equal(out, junk))
	}
}

// oddReader reads 1000 bytes at most per call.
type oddReader struct{ r io.Reader }

func (o oddReader) Read(p []byte) (int, error) { return o.r.Read(p[:min(len(p), 1000)]) }

func diffBytes(a, b []byte) int {
	n := 0
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

// TestSplitSegments checks the 15-second rule at its edge.
func TestSplitSegments(t *testing.T) {
	file := func(video bool, at, dur time.Duration) *tsFile {
		return &tsFile{video: video, utc: t0.Add(at), info: tsInfo{end: durationToTicks(dur)}}
	}
	tests := []struct {
		name         string
		video, audio []*tsFile
		want         []int // files per segment
	}{
		{"15 s exactly", []*tsFile{file(true, 0, 10*time.Second), file(true, 25*time.Second, time.Second)}, nil, []int{2}},
		{"15.001 s", []*tsFile{file(true, 0, 10*time.Second), file(true, 25001*time.Millisecond, time.Second)}, nil, []int{1, 1}},
		{"audio bridges the video gap",
			[]*tsFile{file(true, 0, 10*time.Second), file(true, 40*time.Second, time.Second)},
			[]*tsFile{file(false, 0, 30*time.Second)}, []int{3}},
		{"overlapping files", []*tsFile{file(true, 0, 30*time.Second), file(true, 10*time.Second, time.Second), file(true, 44*time.Second, time.Second)}, nil, []int{3}},
	}
	for _, tc := range tests {
		segs := splitSegments(tc.video, tc.audio)
		var got []int
		for _, s := range segs {
			got = append(got, len(s.video)+len(s.audio))
		}
		if len(got) != len(tc.want) || !equalInts(got, tc.want) {
			t.Errorf("%s: segments %v, want %v", tc.name, got, tc.want)
		}
	}
}

func equalInts(a, b []int) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}

func TestProgress(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b, 1000)
	p.setLabel("alice")
	for range 10 {
		p.add(100)
	}
	p.add(500) // more than announced: stays at 100%
	p.finish()
	out := b.String()
	if n := strings.Count(out, "\r"); n != 12 {
		t.Errorf("%d redraws, want 12 (label, 10 steps, done): %q", n, out)
	}
	if !strings.HasSuffix(out, "100% done                \n") || !strings.Contains(out, " 50% alice") {
		t.Errorf("progress output %q", out)
	}
	quiet := newProgress(nil, 0)
	quiet.add(10)
	quiet.finish()
}
