//go:build cgo

package codec

import (
	"errors"
	"math"
	"path/filepath"
	"testing"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/internal/testpub"
)

// firstPicture decodes the first frame of a clip.
func firstPicture(t *testing.T, d *Decoder, path string) *Frame {
	t.Helper()
	frames, err := d.Decode(loadUnits(t, VP8, path)[0])
	if err != nil || len(frames) != 1 {
		t.Fatalf("%d frames, %v", len(frames), err)
	}
	return frames[0]
}

// A picture scaled into a tile of a canvas lands in the tile only, with
// its colour; a crop of it fills another tile.
func TestScalerIntoCanvas(t *testing.T) {
	d, err := NewDecoder(VP8, DecoderConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	red := firstPicture(t, d, filepath.Join(testpub.MediaDir(), "solid_red.ivf"))
	canvas, err := NewVideoFrame(640, 360, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer canvas.Close()
	if err := canvas.Fill(16, 128, 128); err != nil { // black
		t.Fatal(err)
	}
	s, err := NewScaler(ScalerConfig{Filter: ScaleArea})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Scale(canvas, Rect{X: 320, Y: 180, Width: 320, Height: 180}, red, Rect{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Scale(canvas, Rect{X: 0, Y: 0, Width: 160, Height: 90}, red, Rect{X: 100, Y: 50, Width: 200, Height: 100}); err != nil {
		t.Fatal(err)
	}
	y, v := canvas.Plane(0), canvas.Plane(2)
	at := func(p []byte, stride, x, y int) int { return int(p[y*stride+x]) }
	redY, redV := at(red.Plane(0), red.Stride(0), 320, 180), at(red.Plane(2), red.Stride(2), 160, 90)
	if redY < 60 || redY > 100 || redV < 220 { // BT.601 red: Y 81, V 240
		t.Fatalf("decoded red is Y %d V %d", redY, redV)
	}
	for _, p := range []struct{ x, y, wantY int }{{480, 270, redY}, {80, 45, redY}, {100, 270, 16}, {480, 90, 16}, {319, 179, 16}} {
		if got := at(y, canvas.Stride(0), p.x, p.y); math.Abs(float64(got-p.wantY)) > 3 {
			t.Errorf("canvas Y at (%d,%d) = %d, want %d", p.x, p.y, got, p.wantY)
		}
	}
	if got := at(v, canvas.Stride(2), 240, 135); math.Abs(float64(got-redV)) > 3 {
		t.Errorf("canvas V in the tile = %d, want %d", got, redV)
	}
	for _, r := range []Rect{{X: 600, Y: 0, Width: 100, Height: 10}, {X: -2, Width: 4, Height: 4}, {Width: 0, Height: 5, X: 2}} {
		if err := s.Scale(canvas, r, red, Rect{}); !errors.Is(err, errcode.InvalidParameter.Detail("Rect")) {
			t.Errorf("rect %+v: %v", r, err)
		}
	}
	if err := s.Scale(canvas, Rect{X: 1, Y: 0, Width: 10, Height: 10}, red, Rect{}); !errors.Is(err, ErrInvalidData) {
		t.Errorf("odd origin: %v", err)
	}
	closeTwice(t, s)
	if err := s.Scale(canvas, Rect{}, red, Rect{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Scale after Close: %v", err)
	}
}

// Opus frames resampled to 44.1 kHz mono S16 come out in frames of the size
// asked for, counting samples as PTS, as many as the rate ratio says.
func TestResampler(t *testing.T) {
	d, err := NewDecoder(Opus, DecoderConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	r, err := NewResampler(ResamplerConfig{
		In:  AudioFormat{SampleRate: 48000, Channels: 2, Format: SampleFloatP},
		Out: AudioFormat{SampleRate: 44100, Channels: 1, Format: SampleS16},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	in, out := 0, 0
	read := func() {
		for {
			f, err := r.Read(1000)
			if err != nil {
				t.Fatal(err)
			}
			if f == nil {
				return
			}
			if f.PTS() != int64(out) || f.Samples() != 1000 || len(f.Int16(0)) != 1000 || f.Channels() != 1 || f.SampleRate() != 44100 {
				t.Fatalf("frame PTS %d samples %d", f.PTS(), f.Samples())
			}
			out += f.Samples()
		}
	}
	for _, u := range opusClip(t)[:100] {
		frames, err := d.Decode(u)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range frames {
			if err := r.Write(f); err != nil {
				t.Fatal(err)
			}
			in += f.Samples()
		}
		read()
	}
	if err := r.WriteSilence(4800); err != nil {
		t.Fatal(err)
	}
	in += 4800
	if err := r.Flush(); err != nil {
		t.Fatal(err)
	}
	read()
	total := out + r.Buffered()
	if want := in * 441 / 480; total < want-1 || total > want+1 {
		t.Fatalf("%d samples out of %d in, want %d", total, in, want)
	}
	if _, err := r.Read(0); !errors.Is(err, errcode.InvalidParameter.Detail("Samples")) {
		t.Fatalf("Read(0): %v", err)
	}
}

// A closed Resampler returns ErrClosed.
func TestResamplerClose(t *testing.T) {
	r, err := NewResampler(ResamplerConfig{In: AudioFormat{16000, 1, SampleS16}, Out: AudioFormat{48000, 2, SampleFloatP}})
	if err != nil {
		t.Fatal(err)
	}
	closeTwice(t, r)
	if _, err := r.Read(10); !errors.Is(err, ErrClosed) || r.Buffered() != 0 || r.WriteSilence(1) == nil || r.Flush() == nil {
		t.Fatalf("Read after Close: %v", err)
	}
}

// Encoder configs with unknown names, other codecs or bad options fail
// with clear errors.
func TestEncoderErrors(t *testing.T) {
	cases := []struct {
		name string
		open func() (*Encoder, error)
		want error
	}{
		{"unknown", func() (*Encoder, error) {
			return NewVideoEncoder(VideoEncoderConfig{Width: 64, Height: 64, Encoding: VideoEncoding{Encoder: "nope"}})
		}, ErrUnsupported},
		{"not H.264", func() (*Encoder, error) {
			return NewVideoEncoder(VideoEncoderConfig{Width: 64, Height: 64, Encoding: VideoEncoding{Encoder: "aac"}})
		}, errcode.InvalidParameter.Detail("Encoder")},
		{"bad option", func() (*Encoder, error) {
			return NewVideoEncoder(VideoEncoderConfig{Width: 64, Height: 64, Encoding: VideoEncoding{Options: []Option{{"no_such_option", "1"}}}})
		}, errcode.InvalidParameter.Detail("Options")},
		{"odd size", func() (*Encoder, error) { return NewVideoEncoder(VideoEncoderConfig{Width: 63, Height: 64}) },
			errcode.InvalidParameter.Detail("Width")},
		{"CRF and bitrate", func() (*Encoder, error) {
			return NewVideoEncoder(VideoEncoderConfig{Width: 64, Height: 64, Encoding: VideoEncoding{CRF: 20, Bitrate: 1e6}})
		}, errcode.InvalidParameter.Detail("CRF")},
		{"AAC rate", func() (*Encoder, error) { return NewAudioEncoder(AudioEncoderConfig{SampleRate: 12345}) },
			errcode.InvalidParameter.Detail("SampleRate")},
		{"AAC as H.264", func() (*Encoder, error) { return NewAudioEncoder(AudioEncoderConfig{Encoder: "libx264"}) },
			errcode.InvalidParameter.Detail("Encoder")},
	}
	for _, tc := range cases {
		if _, err := tc.open(); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

// Pictures that do not fit, PTS going back and use after Close are errors.
func TestEncoderMisuse(t *testing.T) {
	e, err := NewVideoEncoder(VideoEncoderConfig{Width: 64, Height: 64})
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewVideoFrame(64, 64, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := NewVideoFrame(32, 32, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if err := f.Fill(100, 128, 128); err != nil {
		t.Fatal(err)
	}
	f.SetPTS(3000)
	if _, err := e.Encode(f); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Encode(f); !errors.Is(err, ErrInvalidData) {
		t.Errorf("same PTS again: %v", err)
	}
	if _, err := e.Encode(g); !errors.Is(err, ErrInvalidData) {
		t.Errorf("wrong size: %v", err)
	}
	if _, err := e.Encode(nil); !errors.Is(err, ErrInvalidData) {
		t.Errorf("nil frame: %v", err)
	}
	pkts, err := e.Flush()
	if err != nil || len(pkts) != 1 || !pkts[0].Keyframe || pkts[0].PTS != 3000 || e.Extradata() != nil || e.FrameSize() != 0 {
		t.Fatalf("Flush: %d packets, %v", len(pkts), err)
	}
	closeTwice(t, e)
	if _, err := e.Encode(f); !errors.Is(err, ErrClosed) {
		t.Fatalf("Encode after Close: %v", err)
	}
	if _, err := e.Flush(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Flush after Close: %v", err)
	}
}

// After Flush an encoder starts a new stream: its first picture is a
// keyframe again.
func TestEncoderFlushRestarts(t *testing.T) {
	e, err := NewVideoEncoder(VideoEncoderConfig{Width: 64, Height: 64, Encoding: VideoEncoding{Preset: "ultrafast"}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	f, err := NewVideoFrame(64, 64, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var keys []bool
	for i := range 6 {
		if i == 3 {
			pkts, err := e.Flush()
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range pkts {
				keys = append(keys, p.Keyframe)
			}
		}
		if err := f.MakeWritable(); err != nil {
			t.Fatal(err)
		}
		if err := f.Fill(byte(40*i), 128, 128); err != nil {
			t.Fatal(err)
		}
		f.SetPTS(int64(i) * 3000)
		pkts, err := e.Encode(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pkts {
			keys = append(keys, p.Keyframe)
		}
	}
	pkts, err := e.Flush()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkts {
		keys = append(keys, p.Keyframe)
	}
	if want := []bool{true, false, false, true, false, false}; !equalBools(keys, want) {
		t.Fatalf("keyframes %v, want %v", keys, want)
	}
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Frames validate their parameters and are inert after Close.
func TestFrames(t *testing.T) {
	if _, err := NewVideoFrame(641, 360, nil); !errors.Is(err, errcode.InvalidParameter.Detail("Width")) {
		t.Errorf("odd width: %v", err)
	}
	if _, err := NewAudioFrame(AudioFormat{SampleRate: 48000, Channels: 2, Format: SampleS16}, 0, nil); !errors.Is(err, errcode.InvalidParameter.Detail("Samples")) {
		t.Errorf("no samples: %v", err)
	}
	if _, err := NewAudioFrame(AudioFormat{SampleRate: 48000, Channels: 9, Format: SampleS16}, 10, nil); !errors.Is(err, errcode.InvalidParameter.Detail("Channels")) {
		t.Errorf("9 channels: %v", err)
	}
	a, err := NewAudioFrame(AudioFormat{SampleRate: 16000, Channels: 2, Format: SampleS16}, 160, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Int16(0)) != 320 || a.Int16(1) != nil || a.Float32(0) != nil || a.Channels() != 2 || a.SampleFormat() != SampleS16 {
		t.Fatalf("packed S16 frame: %d samples in plane 0", len(a.Int16(0)))
	}
	if err := a.Fill(0, 0, 0); err == nil {
		t.Error("Fill on audio succeeded")
	}
	closeTwice(t, a)
	if a.Plane(0) != nil || a.Samples() != 0 {
		t.Fatal("closed frame not inert")
	}
}
