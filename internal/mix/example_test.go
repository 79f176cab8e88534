//go:build cgo

package mix_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/hls"
	"github.com/roomrec/roomrec/internal/codec"
	"github.com/roomrec/roomrec/internal/ingest"
	"github.com/roomrec/roomrec/internal/mix"
	"github.com/roomrec/roomrec/internal/testpub"
	"github.com/roomrec/roomrec/layout"
)

// segmenterSink opens the segmenter at the first write, when the mix's
// start time (the recording's BeginTimeStamp) is known.
type segmenterSink struct {
	m   *mix.Mixer
	dir string
	seg *hls.Segmenter
}

func (s *segmenterSink) open() error {
	if s.seg != nil {
		return nil
	}
	start, _ := s.m.Start()
	seg, err := hls.NewSegmenter(hls.Config{Video: hls.CodecH264, Audio: hls.CodecAAC,
		AACConfig: s.m.AudioSpecificConfig(), Start: start, PlaylistName: "mix.m3u8",
		SegmentName: func(t time.Time) string { return t.UTC().Format("20060102150405.000") + ".ts" },
		Output:      hls.DirOutput{Dir: s.dir}})
	s.seg = seg
	return err
}

func (s *segmenterSink) WriteH264(pts, dts int64, au [][]byte) error {
	if err := s.open(); err != nil {
		return err
	}
	return s.seg.WriteH264(pts, dts, au)
}

func (s *segmenterSink) WriteAAC(pts int64, frame []byte) error {
	if err := s.open(); err != nil {
		return err
	}
	return s.seg.WriteAAC(pts, frame)
}

// stream plays a committed clip into an Input, as ingest would deliver it.
type stream struct {
	in      *mix.Input
	samples []testpub.Sample
	next    int
	media   time.Duration
}

func newStream(m *mix.Mixer, user string, c codec.Codec, clip string) *stream {
	in, err := m.AddInput(mix.InputConfig{UserID: user, Codec: c})
	if err != nil {
		panic(err)
	}
	path := filepath.Join(testpub.MediaDir(), clip)
	var samples []testpub.Sample
	switch c {
	case codec.H264:
		samples, err = testpub.LoadH264(path, 15)
	case codec.VP8:
		samples, err = testpub.LoadIVF(path)
	default:
		samples, err = testpub.LoadOgg(path)
	}
	if err != nil {
		panic(err)
	}
	return &stream{in: in, samples: samples}
}

// pump writes the frames that arrived by now (the stream began at start).
func (s *stream) pump(start, now time.Time) {
	for s.next < len(s.samples) && !start.Add(s.media).After(now) {
		smp := s.samples[s.next]
		at := start.Add(s.media)
		s.in.Write(ingest.Frame{Data: smp.Data, Keyframe: smp.Keyframe, Arrival: at, Wall: at})
		s.next++
		s.media += smp.Duration
	}
}

// Two users, a camera each (H.264 and VP8) and one microphone, mixed in a
// grid, switched to float with user b big after 2 s, for 4 s of a fake
// clock.
func Example() {
	dir, _ := os.MkdirTemp("", "mix")
	defer os.RemoveAll(dir)
	clk := clock.NewFake(time.Date(2033, 5, 31, 9, 0, 0, 0, time.UTC))
	m, err := mix.New(mix.Config{Width: 640, Height: 360, Clock: clk})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	streams := []*stream{newStream(m, "a", codec.H264, "solid_red.h264"),
		newStream(m, "b", codec.VP8, "solid_green.ivf"), newStream(m, "a", codec.Opus, "opus_48k_stereo.ogg")}
	sink := &segmenterSink{m: m, dir: dir}
	start := clk.Now()
	for i := 1; i <= 60; i++ { // one output frame (1/15 s) at a time
		clk.Advance(time.Second / 15)
		for _, s := range streams {
			s.pump(start, clk.Now())
		}
		if i == 30 {
			m.SetLayout(layout.Params{Mode: layout.Float, BigUserID: "b"})
		}
		if err := m.Tick(sink); err != nil {
			fmt.Println(err)
		}
	}
	m.Flush(sink)
	sink.seg.Close()
	begin, _ := m.Start()
	st := m.Stats()
	fmt.Println("output begins at", begin.Sub(start), "with", st.VideoFrames, "pictures and", st.AudioFrames, "AAC frames")
	// Output: output begins at 0s with 45 pictures and 140 AAC frames
}

// A watermark image downloaded within limits; a failure matches ErrFetch.
func ExampleFetchWatermark() {
	var logo bytes.Buffer
	png.Encode(&logo, image.NewNRGBA(image.Rect(0, 0, 120, 40)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(logo.Bytes()) }))
	defer srv.Close()
	img, err := mix.FetchWatermark(context.Background(), srv.Client(), srv.URL+"/logo.png",
		mix.FetchLimits{Timeout: 5 * time.Second, MaxBytes: 1 << 20, MaxSide: 1024})
	fmt.Println(img.Bounds(), err)
	_, err = mix.FetchWatermark(context.Background(), srv.Client(), "ftp://example.com/logo.png", mix.FetchLimits{})
	fmt.Println(err)
	// Output:
	// (0,0)-(120,40) <nil>
	// mix: watermark download failed: "ftp://example.com/logo.png" is not an http or https URL
}
