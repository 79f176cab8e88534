//go:build cgo

package codec

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/internal/bitstream"
	"github.com/roomrec/roomrec/internal/testpub"
)

// Every committed clip decodes frame for frame at its size; Opus decodes to
// 48 kHz stereo float planar, 960 samples per 20 ms packet.
func TestDecoderClips(t *testing.T) {
	cases := append(videoClips(), testClip{Opus, filepath.Join(testpub.MediaDir(), "opus_48k_stereo.ogg"), 501, 0, 0})
	for _, tc := range cases {
		t.Run(tc.codec.String(), func(t *testing.T) {
			d, err := NewDecoder(tc.codec, DecoderConfig{})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			units := loadUnits(t, tc.codec, tc.path)
			n := 0
			check := func(frames []*Frame) {
				for _, f := range frames {
					checkDecoded(t, tc.codec, f, tc.w, tc.h)
					n++
				}
			}
			for i, u := range units {
				if tc.codec == H264 && i%2 == 0 { // the NAL unit form too
					u = Unit{PTS: u.PTS, Keyframe: u.Keyframe, NALUs: bitstream.SplitAnnexB(nil, u.Data)}
				}
				frames, err := d.Decode(u)
				if err != nil {
					t.Fatalf("frame %d: %v", i, err)
				}
				check(frames)
			}
			frames, err := d.Flush()
			if err != nil {
				t.Fatal(err)
			}
			check(frames)
			if n != tc.frames {
				t.Fatalf("decoded %d frames, want %d", n, tc.frames)
			}
		})
	}
}

func checkDecoded(t *testing.T, c Codec, f *Frame, w, h int) {
	t.Helper()
	if c == Opus {
		if f.Samples() != 960 || f.SampleRate() != 48000 || f.Channels() != 2 || f.SampleFormat() != SampleFloatP ||
			len(f.Float32(0)) != 960 || len(f.Float32(1)) != 960 || f.Int16(0) != nil || f.Width() != 0 {
			t.Fatalf("Opus frame: %d samples %d Hz %d ch %v", f.Samples(), f.SampleRate(), f.Channels(), f.SampleFormat())
		}
		return
	}
	if f.Width() != w || f.Height() != h || !f.YUV420P() || f.Samples() != 0 || f.Channels() != 0 {
		t.Fatalf("picture %dx%d yuv420p %v, want %dx%d", f.Width(), f.Height(), f.YUV420P(), w, h)
	}
	if len(f.Plane(0)) < w*h || len(f.Plane(1)) < w*h/4 || len(f.Plane(2)) < w*h/4 || f.Plane(3) != nil ||
		f.Stride(0) < w || f.Stride(1) < w/2 {
		t.Fatalf("planes %d %d %d, strides %d %d", len(f.Plane(0)), len(f.Plane(1)), len(f.Plane(2)), f.Stride(0), f.Stride(1))
	}
}

// Decoders that cannot exist or cannot be found fail with clear errors.
func TestDecoderErrors(t *testing.T) {
	cases := []struct {
		codec Codec
		cfg   DecoderConfig
		want  error
	}{
		{AAC, DecoderConfig{}, errcode.InvalidParameter.Detail("Codec")},
		{Codec(0), DecoderConfig{}, errcode.InvalidParameter.Detail("Codec")},
		{VP8, DecoderConfig{Decoder: "vp8_nope"}, ErrUnsupported},
		{VP8, DecoderConfig{Decoder: "vp9"}, errcode.InvalidParameter.Detail("Decoder")},
		{VP8, DecoderConfig{Threads: -1}, errcode.InvalidParameter.Detail("Threads")},
		{Opus, DecoderConfig{Channels: 3}, errcode.InvalidParameter.Detail("Channels")},
	}
	for _, tc := range cases {
		if _, err := NewDecoder(tc.codec, tc.cfg); !errors.Is(err, tc.want) {
			t.Errorf("%v %+v: %v, want %v", tc.codec, tc.cfg, err, tc.want)
		}
	}
	_, err := NewDecoder(VP8, DecoderConfig{Decoder: "vp8_nope"})
	if !strings.Contains(err.Error(), `"vp8_nope"`) || !strings.Contains(err.Error(), "vp8") {
		t.Errorf("unknown decoder message: %v", err)
	}
}

// Empty and garbage input returns ErrInvalidData (or nothing) without
// crashing; Close is idempotent; frames and calls after Close are inert.
func TestDecoderBadInputAndClose(t *testing.T) {
	d, err := NewDecoder(VP8, DecoderConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Decode(Unit{}); !errors.Is(err, ErrInvalidData) {
		t.Fatalf("empty unit: %v", err)
	}
	if _, err := d.Decode(Unit{Data: []byte{0, 1, 2, 3}, Keyframe: true}); !errors.Is(err, ErrInvalidData) {
		t.Fatalf("garbage: %v", err)
	}
	units := loadUnits(t, VP8, filepath.Join(testpub.MediaDir(), "vp8_640x360_15fps.ivf"))
	frames, err := d.Decode(units[0])
	if err != nil || len(frames) != 1 {
		t.Fatalf("%d frames, %v", len(frames), err)
	}
	f := frames[0]
	closeTwice(t, d)
	if f.Width() != 0 || f.Plane(0) != nil || f.PTS() != 0 || f.Fill(0, 0, 0) == nil || f.MakeWritable() == nil || f.Close() != nil {
		t.Fatal("a frame of a closed decoder is not inert")
	}
	if _, err := d.Decode(units[1]); !errors.Is(err, ErrClosed) {
		t.Fatalf("Decode after Close: %v", err)
	}
	if _, err := d.Flush(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Flush after Close: %v", err)
	}
}
