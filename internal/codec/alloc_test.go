//go:build cgo

package codec

import (
	"path/filepath"
	"testing"

	"github.com/roomrec/roomrec/internal/bitstream"
	"github.com/roomrec/roomrec/internal/testpub"
)

// In steady state (after one pass over a clip has sized every buffer) a
// whole pass allocates no Go memory: testing.AllocsPerRun counts the
// allocations of one pass, averaged over three.
func TestNoAllocationsInSteadyState(t *testing.T) {
	t.Run("AudioTranscoder", allocsAudio)
	t.Run("VideoTranscoder", allocsVideo)
	t.Run("DecoderNALUs", allocsDecoder)
	t.Run("ScalerResampler", allocsScalerResampler)
}

func allocsAudio(t *testing.T) {
	units := opusClip(t)
	at, err := NewAudioTranscoder(AudioConfig{SampleRate: 44100, Channels: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer at.Close()
	var base int64
	pass := func() {
		for _, u := range units {
			if _, err := at.Write(base+u.PTS, u.Data); err != nil {
				t.Fatal(err)
			}
		}
		base += 501 * 960
	}
	pass()
	if n := testing.AllocsPerRun(3, pass); n != 0 {
		t.Fatalf("%v allocations per pass of %d packets", n, len(units))
	}
}

func allocsVideo(t *testing.T) {
	units := loadUnits(t, VP8, filepath.Join(testpub.MediaDir(), "vp8_640x360_15fps.ivf"))[:60]
	vt, err := NewVideoTranscoder(VideoConfig{Input: VP8, Encoding: VideoEncoding{Preset: "ultrafast"}})
	if err != nil {
		t.Fatal(err)
	}
	defer vt.Close()
	var base int64
	pass := func() {
		for i, u := range units {
			u.PTS += base
			if i == 20 {
				vt.RequestKeyframe()
			}
			if _, err := vt.Write(u); err != nil {
				t.Fatal(err)
			}
		}
		base += 60 * 6000
	}
	pass()
	if n := testing.AllocsPerRun(3, pass); n != 0 {
		t.Fatalf("%v allocations per pass of %d frames", n, len(units))
	}
}

func allocsDecoder(t *testing.T) {
	units := loadUnits(t, H264, filepath.Join(testpub.MediaDir(), "h264_640x360_15fps.h264"))[:30]
	for i := range units {
		units[i].NALUs, units[i].Data = bitstream.SplitAnnexB(nil, units[i].Data), nil
	}
	d, err := NewDecoder(H264, DecoderConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	pass := func() {
		for _, u := range units {
			if _, err := d.Decode(u); err != nil {
				t.Fatal(err)
			}
		}
	}
	pass()
	if n := testing.AllocsPerRun(3, pass); n != 0 {
		t.Fatalf("%v allocations per pass of %d frames", n, len(units))
	}
}

func allocsScalerResampler(t *testing.T) {
	d, err := NewDecoder(VP8, DecoderConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	src := firstPicture(t, d, filepath.Join(testpub.MediaDir(), "solid_blue.ivf"))
	canvas, err := NewVideoFrame(1280, 720, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer canvas.Close()
	s, err := NewScaler(ScalerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pcm, err := NewAudioFrame(AudioFormat{SampleRate: 48000, Channels: 2, Format: SampleFloat}, 960, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer pcm.Close()
	r, err := NewResampler(ResamplerConfig{In: AudioFormat{48000, 2, SampleFloat}, Out: AudioFormat{44100, 1, SampleFloatP}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	step := func() {
		if err := s.Scale(canvas, Rect{X: 640, Y: 360, Width: 426, Height: 240}, src, Rect{}); err != nil {
			t.Fatal(err)
		}
		if err := r.Write(pcm); err != nil {
			t.Fatal(err)
		}
		for f, err := r.Read(1024); f != nil || err != nil; f, err = r.Read(1024) {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	step()
	if n := testing.AllocsPerRun(50, step); n != 0 {
		t.Fatalf("%v allocations per scale + resample", n)
	}
}
