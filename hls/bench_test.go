package hls

import (
	"io"
	"testing"
	"time"
)

// discardOutput is an Output that throws the files away: the benchmarks
// measure the muxer, not the disk.
type discardOutput struct{}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error                         { return nil }
func (discardOutput) Create(string) (io.WriteCloser, error) { return nopWriteCloser{io.Discard}, nil }
func (discardOutput) WriteFile(string, []byte) error        { return nil }

func newBenchSegmenter(tb testing.TB, cfg Config) *Segmenter {
	tb.Helper()
	cfg.Output = discardOutput{}
	cfg.Start = testStart
	cfg.PlaylistName = "rec.m3u8"
	cfg.SegmentName = func(time.Time) string { return "" }
	s, err := NewSegmenter(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	// Unique names without allocating in the hot path is not needed: the
	// name is built once per segment.
	s.cfg.SegmentName = func(time.Time) string { n++; return "seg" + itoaTest(n) + ".ts" }
	return s
}

func itoaTest(n int) string {
	b := []byte{}
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
		if n == 0 {
			return string(b)
		}
	}
}

// BenchmarkSegmenterH264 muxes the committed clip's access units in a loop
// (10 s segments, playlist rewritten after each). One op = one access unit.
func BenchmarkSegmenterH264(b *testing.B) {
	aus := readH264(b, clipH264)
	total := 0
	for _, au := range aus {
		for _, n := range au.nalus {
			total += len(n)
		}
	}
	s := newBenchSegmenter(b, Config{Video: CodecH264})
	b.SetBytes(int64(total / len(aus)))
	b.ReportAllocs()
	pts := int64(0)
	i := 0
	for b.Loop() {
		if err := s.WriteH264(pts, pts, aus[i].nalus); err != nil {
			b.Fatal(err)
		}
		pts += 6000
		if i++; i == len(aus) {
			i = 0
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/AU")
}

// BenchmarkSegmenterOpus muxes the committed Opus clip's packets in a loop.
// One op = one 20 ms packet.
func BenchmarkSegmenterOpus(b *testing.B) {
	packets := readOgg(b, "../testdata/media/opus_48k_stereo.ogg")
	total := 0
	for _, p := range packets {
		total += len(p)
	}
	s := newBenchSegmenter(b, Config{Audio: CodecOpus})
	b.SetBytes(int64(total / len(packets)))
	b.ReportAllocs()
	pts := int64(0)
	i := 0
	for b.Loop() {
		if err := s.WriteOpus(pts, packets[i]); err != nil {
			b.Fatal(err)
		}
		pts += 1800
		if i++; i == len(packets) {
			i = 0
		}
	}
}

// TestZeroAllocsPerSample asserts the steady state: writing a sample into
// an open segment allocates nothing (cuts allocate a little: a name, the
// playlist text).
func TestZeroAllocsPerSample(t *testing.T) {
	aus := readH264(t, clipH264)
	packets := readOgg(t, "../testdata/media/opus_48k_stereo.ogg")
	s := newBenchSegmenter(t, Config{Video: CodecH264, Audio: CodecAAC, AudioSampleRate: 48000, AudioChannels: 2,
		TargetDuration: time.Hour})
	vpts, apts, i := int64(0), int64(0), 0
	aac := make([]byte, 300)
	allocs := testing.AllocsPerRun(1000, func() {
		if err := s.WriteH264(vpts, vpts, aus[i].nalus); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if err := s.WriteAAC(apts, aac); err != nil {
				t.Fatal(err)
			}
			apts += 1920
		}
		vpts += 6000
		i = (i + 1) % len(aus)
	})
	if allocs != 0 {
		t.Errorf("mixed H.264+AAC: %.2f allocations per access unit, want 0", allocs)
	}
	o := newBenchSegmenter(t, Config{Audio: CodecOpus, TargetDuration: time.Hour})
	pts := int64(0)
	allocs = testing.AllocsPerRun(1000, func() {
		if err := o.WriteOpus(pts, packets[int(pts/1800)%len(packets)]); err != nil {
			t.Fatal(err)
		}
		pts += 1800
	})
	if allocs != 0 {
		t.Errorf("Opus: %.2f allocations per packet, want 0", allocs)
	}
}
