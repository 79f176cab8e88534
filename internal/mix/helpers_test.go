//go:build cgo

package mix

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/codec"
	"github.com/roomrec/roomrec/internal/ingest"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/layout"
)

// t0 is the fake clock's start in every test.
var t0 = time.Date(2033, 5, 31, 9, 45, 51, 0, time.UTC)

// feed plays a clip into an Input as a publisher would: frame i (media
// time m) arrives at begin + lag + m×(1+drift) (drift > 0: the sender's
// clock is slow), stamped by ingest with Arrival = begin + lag + m and,
// from media time srFrom on when sr is set, the sender's wall clock
// (sender reports): begin + m + srOffset.
type feed struct {
	in       *Input
	samples  []testpub.Sample
	video    bool
	begin    time.Time     // arrival of the first frame
	until    time.Time     // no frame at or after (zero: loop forever)
	lag      time.Duration // added to Arrival
	drift    float64
	sr       bool
	srFrom   time.Duration
	srOffset time.Duration
	pauses   [][2]time.Duration // media-time ranges not sent (a paused sender)
	next     int                // frames written
	media    time.Duration      // media time of frame next
}

// pump writes the frames that have arrived by now.
func (f *feed) pump(t testing.TB, now time.Time) {
	t.Helper()
	for {
		s := f.samples[f.next%len(f.samples)]
		arrival := f.begin.Add(f.lag + f.media)
		at := arrival.Add(time.Duration(float64(f.media) * f.drift))
		if at.After(now) || (!f.until.IsZero() && !at.Before(f.until)) {
			return
		}
		media := f.media
		f.next++
		f.media += s.Duration
		if f.paused(media) {
			continue
		}
		fr := ingest.Frame{PTS: int64(media) * 90 / 1e6, Arrival: arrival, Wall: arrival,
			Keyframe: s.Keyframe || !f.video, Data: s.Data}
		if f.sr && media >= f.srFrom {
			fr.Wall = f.begin.Add(media + f.srOffset)
		}
		if err := f.in.Write(fr); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
}

// loop keeps the first d of the clip, so that it loops with period d.
func (f *feed) loop(d time.Duration) {
	var total time.Duration
	for i, s := range f.samples {
		if total >= d-time.Millisecond {
			f.samples = f.samples[:i]
			return
		}
		total += s.Duration
	}
}

func (f *feed) paused(media time.Duration) bool {
	for _, p := range f.pauses {
		if media >= p[0] && media < p[1] {
			return true
		}
	}
	return false
}

// loadClip loads a committed clip: solid_<name>.h264 / .ivf or any file of
// testdata/media, or a path.
func loadClip(t testing.TB, c codec.Codec, path string) []testpub.Sample {
	t.Helper()
	if !filepath.IsAbs(path) {
		path = filepath.Join(testpub.MediaDir(), path)
	}
	var s []testpub.Sample
	var err error
	switch c {
	case codec.H264:
		s, err = testpub.LoadH264(path, 15)
	case codec.VP8:
		s, err = testpub.LoadIVF(path)
	case codec.Opus:
		s, err = testpub.LoadOgg(path)
	default:
		t.Fatalf("no loader for %v", c)
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// lazySink opens an hls.Segmenter on the first write, with the Mixer's
// start time: what the recorder does.
type lazySink struct {
	t   testing.TB
	m   *Mixer
	dir string
	out hls.Output // nil: hls.DirOutput{Dir: dir}
	seg *hls.Segmenter
}

func (s *lazySink) open() {
	if s.seg != nil {
		return
	}
	start, ok := s.m.Start()
	if !ok {
		s.t.Fatal("the Mixer wrote before Start was set")
	}
	out := s.out
	if out == nil {
		out = hls.DirOutput{Dir: s.dir}
	}
	seg, err := hls.NewSegmenter(hls.Config{
		Video: hls.CodecH264, Audio: hls.CodecAAC, AACConfig: s.m.AudioSpecificConfig(),
		TargetDuration: 4 * time.Second, Start: start, PlaylistName: "out.m3u8",
		SegmentName: func(st time.Time) string { return "seg_" + strconv.FormatInt(st.UnixMilli(), 10) + ".ts" },
		Output:      out,
	})
	if err != nil {
		s.t.Fatal(err)
	}
	s.seg = seg
}

func (s *lazySink) WriteH264(pts, dts int64, au [][]byte) error {
	s.open()
	return s.seg.WriteH264(pts, dts, au)
}

func (s *lazySink) WriteAAC(pts int64, frame []byte) error {
	s.open()
	return s.seg.WriteAAC(pts, frame)
}

func (s *lazySink) close(t testing.TB) string {
	t.Helper()
	if err := s.m.Flush(s); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	if s.seg == nil {
		t.Fatal("no output")
	}
	if err := s.seg.Close(); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(s.dir, "out.m3u8")
}

// nullOutput is an hls.Output that discards everything.
type nullOutput struct{}

func (nullOutput) Create(string) (io.WriteCloser, error) { return nopCloser{io.Discard}, nil }
func (nullOutput) WriteFile(string, []byte) error        { return nil }

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// sim drives a Mixer on a fake clock: feeds pump, then Tick, frame by frame.
type sim struct {
	t     testing.TB
	clk   *clock.Fake
	m     *Mixer
	sink  *lazySink
	feeds []*feed
	step  time.Duration
}

func newSim(t testing.TB, cfg Config) *sim {
	t.Helper()
	clk := clock.NewFake(t0)
	cfg.Clock = clk
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	fps := m.cfg.FPS
	return &sim{t: t, clk: clk, m: m, sink: &lazySink{t: t, m: m, dir: t.TempDir()}, step: time.Second / time.Duration(fps)}
}

// add adds an input fed from clip, arriving from begin on.
func (s *sim) add(user string, c codec.Codec, clip string, begin time.Duration) *feed {
	s.t.Helper()
	return s.addInput(InputConfig{UserID: user, Codec: c}, clip, begin)
}

// addInput adds an input of cfg fed from clip, arriving from begin on.
func (s *sim) addInput(cfg InputConfig, clip string, begin time.Duration) *feed {
	s.t.Helper()
	in, err := s.m.AddInput(cfg)
	if err != nil {
		s.t.Fatal(err)
	}
	f := &feed{in: in, samples: loadClip(s.t, cfg.Codec, clip), video: cfg.Codec.IsVideo(), begin: t0.Add(begin)}
	s.feeds = append(s.feeds, f)
	return f
}

// runUntil advances the clock to t0+end, a frame interval at a time.
func (s *sim) runUntil(end time.Duration) {
	s.t.Helper()
	for s.clk.Now().Before(t0.Add(end)) {
		s.clk.Advance(s.step)
		for _, f := range s.feeds {
			f.pump(s.t, s.clk.Now())
		}
		if err := s.m.Tick(s.sink); err != nil {
			s.t.Fatalf("Tick: %v", err)
		}
	}
}

// ffmpeg runs ffmpeg and returns its stdout.
func ffmpeg(t testing.TB, args ...string) []byte {
	t.Helper()
	var out, stderr bytes.Buffer
	cmd := exec.Command("ffmpeg", append([]string{"-nostdin", "-v", "error"}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("ffmpeg %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out.Bytes()
}

// rgbFrames decodes the video frames numbered frames (0 = first) of an
// HLS playlist as w×h RGB24 pictures.
func rgbFrames(t testing.TB, playlist string, w, h int, frames ...int) [][]byte {
	t.Helper()
	var sel []string
	for _, n := range frames {
		sel = append(sel, fmt.Sprintf("eq(n\\,%d)", n))
	}
	raw := ffmpeg(t, "-allowed_extensions", "ALL", "-i", playlist, "-map", "0:v", "-vf", "select='"+strings.Join(sel, "+")+"'",
		"-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "rgb24", "-")
	size := w * h * 3
	if len(raw) != size*len(frames) {
		t.Fatalf("decoded %d bytes, want %d frames of %dx%d", len(raw), len(frames), w, h)
	}
	out := make([][]byte, len(frames))
	for i := range out {
		out[i] = raw[i*size : (i+1)*size]
	}
	return out
}

// pixel returns the RGB of x, y in an RGB24 picture of width w.
func pixel(pic []byte, w, x, y int) [3]int {
	o := (y*w + x) * 3
	return [3]int{int(pic[o]), int(pic[o+1]), int(pic[o+2])}
}

// near reports whether two colours differ by at most tol per channel.
func near(a, b [3]int, tol int) bool {
	for i := range a {
		if d := a[i] - b[i]; d > tol || d < -tol {
			return false
		}
	}
	return true
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// concatFiles writes the concatenation of files to out.
func concatFiles(t testing.TB, out string, files ...string) {
	t.Helper()
	var all []byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	if err := os.WriteFile(out, all, 0o600); err != nil {
		t.Fatal(err)
	}
}

func layoutBox(x, y, w, h int) layout.Box { return layout.Box{X: x, Y: y, W: w, H: h} }

// testImage returns a w×h half-transparent gradient.
func testImage(w, h int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(x * 255 / w), G: uint8(y * 255 / h), B: 128, A: 160})
		}
	}
	return img
}
